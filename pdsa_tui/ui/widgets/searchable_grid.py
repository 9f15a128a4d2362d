"""A ``DataTable`` grid that ``/`` searches like every record list (the summary, spread).

The grid keeps every row it was given; a search shows only those holding every word of
the query (in their cells or the record their key names), and escape shows them all
again with the cursor back on the row it was on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from pdsa_tui.model.matching import fold, holds_all, query_words
from pdsa_tui.ui.widgets.record_table import stored_words
from pdsa_tui.ui.widgets.searching import SearchHost

if TYPE_CHECKING:
    from pdsa_tui.ui.widgets.list_filter import ListFilter


class SearchableGrid(SearchHost, DataTable[Text]):
    """A grid of rows (one record each) that ``/`` filters as you type."""

    BINDINGS = [
        Binding("slash", "search", "Search", show=False, id="grid.search"),
        Binding("escape", "clear_search", "Clear search", id="grid.clear_search"),
    ]

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        #: Every row added: (key, cells, height, label).
        self._every: list[tuple[str | None, tuple[Text, ...], int | None, Any]] = []
        self._words: dict[int, str] = {}
        self.search_query = ""
        self.search_bar: ListFilter | None = None
        self.key_before_search: str | None = None

    # -- rows ---------------------------------------------------------------------------
    def add_row(
        self,
        *cells: Text,
        height: int | None = 1,
        key: str | None = None,
        label: Any = None,
    ) -> RowKey:
        """Add a row; while a search is on, it shows only if it matches."""
        self._every.append((key, cells, height, label))
        words = query_words(self.search_query)
        if words and not holds_all(words, self._row_words(len(self._every) - 1)):
            return RowKey(key)
        return super().add_row(*cells, height=height, key=key, label=label)

    def clear(self, columns: bool = False) -> SearchableGrid:
        """Remove every row (and the columns too, if asked)."""
        self._every = []
        self._words = {}
        super().clear(columns)
        return self

    def _row_words(self, i: int) -> str:
        text = self._words.get(i)
        if text is None:
            key, cells, _, _ = self._every[i]
            plain = " ".join(c.plain if isinstance(c, Text) else str(c) for c in cells)
            more = stored_words(self, key) if key else ""
            text = self._words[i] = f"{fold(plain)} {more}"
        return text

    def _refill(self) -> None:
        """Show the rows the search lets through."""
        words = query_words(self.search_query)
        super().clear()
        for i, (key, cells, height, label) in enumerate(self._every):
            if not words or holds_all(words, self._row_words(i)):
                super().add_row(*cells, height=height, key=key, label=label)

    @property
    def current_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # a cursor left outside the rows: nothing is highlighted
            return None

    # -- search -------------------------------------------------------------------------
    def search(self, query: str) -> None:
        """Show only the rows holding every word of ``query``; the cursor on the first."""
        if query == self.search_query:
            return
        self.search_query = query
        self._refill()
        if self.row_count:
            self.move_cursor(row=0)

    def search_counts(self) -> tuple[int, int]:
        """(rows shown, rows in all)."""
        return self.row_count, len(self._every)

    def move_search_cursor(self, delta: int) -> None:
        """Move the cursor from the search box."""
        if self.row_count:
            self.move_cursor(row=max(0, min(self.cursor_row + delta, self.row_count - 1)))

    def action_clear_search(self) -> None:
        """Show every row again, the cursor back where it was before the search."""
        bar, self.search_bar = self.search_bar, None
        self.search_query = ""
        self._refill()
        back = self.key_before_search
        if back is not None and back in self.rows:
            self.move_cursor(row=self.get_row_index(back))
        if bar is not None:
            bar.remove()
        self.focus()
