"""The search box of a list: ``/`` on any record table opens it above the table.

Typing filters the rows at once (every word must be in the row or its record, any case,
accents ignored); the line says how many match. Enter goes back to the list with the
filter kept; escape clears it and puts the cursor back on the row it was on; ↑ ↓ move in
the list without leaving the box. Imported when a search first opens, never at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Static

from pdsa_tui.model.safetext import visible

if TYPE_CHECKING:
    from pdsa_tui.ui.widgets.record_table import RecordTable
    from pdsa_tui.ui.widgets.searchable_grid import SearchableGrid


def count_line(shown: int, total: int, query: str) -> str:
    """'3 of 41 match 'foster'', 'None of 41 match 'xyz'', or how to start."""
    query = visible(" ".join(query.split()))
    if not query:
        return f"{total} rows: type words to find"
    if shown == 0:
        return f"None of {total} match '{query}'"
    return f"{shown} of {total} match '{query}'"


class ListFilter(Horizontal):
    """A one-line search box for one list (a record table or a grid), with how many match."""

    DEFAULT_CSS = """
    ListFilter { height: 1; width: 1fr; background: $boost; }
    ListFilter > .list-filter--label { width: auto; padding: 0 1 0 0; text-style: bold; }
    ListFilter > Input { height: 1; width: 1fr; border: none; padding: 0; }
    ListFilter > Input:focus { border: none; background-tint: $foreground 5%; }
    ListFilter > .list-filter--count { width: auto; max-width: 50%; padding: 0 0 0 1; }
    """

    BINDINGS = [
        Binding("escape", "clear", "Clear search", id="filter.clear"),
        Binding("down", "move(1)", "Next row", show=False, id="filter.down"),
        Binding("up", "move(-1)", "Previous row", show=False, id="filter.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="filter.pagedown"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="filter.pageup"),
    ]

    def __init__(self, table: RecordTable | SearchableGrid) -> None:
        super().__init__(classes="list-filter")
        self.table = table

    def compose(self) -> ComposeResult:
        yield Static(Text("Search /"), classes="list-filter--label")
        yield Input(
            self.table.search_query,
            placeholder="type words; enter: to the list; escape: clear",
            id="list-filter-input",
        )
        yield Static("", classes="list-filter--count")

    def on_mount(self) -> None:
        self.show_count()
        self.focus_input()

    def focus_input(self) -> None:
        """Put the cursor in the box, at the end of what it holds."""
        box = self.query_one(Input)
        box.focus()
        box.cursor_position = len(box.value)

    def show_count(self) -> None:
        """Say how many rows match."""
        shown, total = self.table.search_counts()
        line = count_line(shown, total, self.table.search_query)
        self.query_one(".list-filter--count", Static).update(Text(line))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.table.search(event.value)
        self.show_count()

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.table.action_clear_search()
            return
        self.table.focus()

    def action_clear(self) -> None:
        """Clear the search and go back to the list."""
        self.table.action_clear_search()

    def action_move(self, delta: int) -> None:
        """Move the list's cursor while typing."""
        self.table.move_search_cursor(delta)


def open_search(table: RecordTable | SearchableGrid) -> None:
    """Open the search box above ``table`` (or go back to it, the query kept)."""
    if table.search_bar is None:
        table.key_before_search = table.current_key
        table.search_bar = ListFilter(table)
        parent = table.parent
        assert isinstance(parent, Widget)
        parent.mount(table.search_bar, before=table)
    else:
        table.search_bar.focus_input()
