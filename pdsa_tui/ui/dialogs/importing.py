"""What every import dialog shares: a file path (or pasted rows), a preview, then all or none.

The preview lists every row the import would bring in and every problem by line;
ctrl+s imports only when nothing is wrong, in one save. Subclasses say what the
rows are (cases, data points) and how they are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from pdsa_tui.model import ValidationError
from pdsa_tui.store import StoreError
from pdsa_tui.store.csvfile import read_csv_text
from pdsa_tui.store.errors import CsvFileError
from pdsa_tui.ui import styles
from pdsa_tui.ui.dialogs.modals import dismiss_unless_typed
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.inputs import TextBox, TextInput
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row

if TYPE_CHECKING:
    from pdsa_tui.ui.screens.base import PdsaScreen

PATH_HINT = "Type the path of the CSV file, then press enter to preview it."
PASTE_HINT = "Paste the rows above (your terminal's paste: ctrl+shift+v, cmd+v or right-click)."


class ImportPlan(Protocol):
    """What an import would do: its good rows and its problems."""

    @property
    def errors(self) -> list[str]: ...

    @property
    def ok(self) -> bool: ...


def read_import_file(path_text: str) -> tuple[str | None, str]:
    """The text of the CSV file at ``path_text`` (``~`` expanded), or None and why not."""
    if not path_text.strip():
        return None, PATH_HINT
    try:
        return read_csv_text(Path(path_text.strip()).expanduser()), ""
    except CsvFileError as exc:
        return None, str(exc)


class PathInput(TextInput):
    """The file path box; rows pasted into it (a tab or a second line) go to the paste area."""

    @dataclass
    class RowsPasted(Message):
        """Rows copied from a spreadsheet were pasted where a path was expected."""

        text: str

    def __init__(self, *args: Any, rows: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows

    def _on_paste(self, event: events.Paste) -> None:
        text = event.text
        if self.rows and ("\t" in text or "\n" in text.strip("\r\n")):
            event.stop()
            self.post_message(self.RowsPasted(text))
            return
        super()._on_paste(event)


class ImportScreen(ModalScreen[int | None]):
    """Preview an import (file or pasted rows) and its problems by line; import all or none.

    Dismisses with the number of records added or changed, or None when cancelled.
    """

    CSS_PATH = styles.path("importing.tcss")

    BINDINGS = [
        Binding("ctrl+s", "import_now", "Import", id="import.save"),
        Binding("escape", "cancel", "Cancel", id="import.cancel"),
    ]

    #: The preview's columns; the first is the line number.
    COLUMNS: tuple[Column, ...] = ()
    #: Whether rows may be pasted instead of a file's path.
    PASTE = False

    def __init__(self, path: str = "", *, paste: bool = False) -> None:
        super().__init__()
        self.initial_path = path
        #: Rows pasted into a text area instead of a file's path.
        self.paste = paste
        self.plan: ImportPlan | None = None
        self._planned_for: str | None = None

    # -- what subclasses say ------------------------------------------------------------------
    def heading(self) -> str:
        """The dialog's title."""
        raise NotImplementedError

    def intro(self) -> str:
        """What the rows must look like and what importing does."""
        raise NotImplementedError

    def make_plan(self, text: str, name: str) -> ImportPlan:
        """What importing ``text`` (from ``name``) would do."""
        raise NotImplementedError

    def preview_rows(self, plan: ImportPlan) -> list[Row]:
        """The plan's good rows, as the preview shows them."""
        raise NotImplementedError

    def plan_warnings(self, plan: ImportPlan) -> list[str]:
        """Possible slips among the good rows (importing is still allowed), each naming its line."""
        return []

    def ready_text(self, plan: ImportPlan) -> str:
        """What a good plan would import: '12 new points, ...'."""
        raise NotImplementedError

    def commit(self, plan: ImportPlan) -> int:
        """Store the plan in one save; return how many records it added or changed."""
        raise NotImplementedError

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form import-dialog"):
            yield Static(Text(self.heading()), id="import-title", classes="dialog-title")
            yield Static(Text(self.intro()), id="import-intro", classes="form-intro")
            path = PathInput(
                self.initial_path,
                placeholder="path/to/file.csv, then enter",
                id="import-path",
                compact=True,
                rows=self.PASTE,
            )
            path.display = not self.paste
            yield path
            if self.PASTE:
                area = TextBox(
                    "", id="import-paste", soft_wrap=False, tab_behavior="focus", compact=True
                )
                area.display = self.paste
                yield area
            yield Static("", id="import-summary", classes="import-summary")
            # The problems come before the rows: at 80x24 the rows' list is what gives way.
            with VerticalScroll(id="import-errors-box"):
                yield Static("", id="import-errors", classes="form-error")
                yield Static("", id="import-warnings", classes="import-warnings")
            yield RecordTable(
                list(self.COLUMNS), empty_text="No rows to show yet.", id="import-preview"
            )
            with Horizontal(classes="buttons"):
                yield Button("Import (ctrl+s)", variant="primary", id="import", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.paste:
            self.query_one("#import-paste", TextArea).focus()
            self.query_one("#import-summary", Static).update(Text(PASTE_HINT))
            return
        self.query_one("#import-path", Input).focus()
        if self.initial_path:
            self.preview()
        else:
            self.query_one("#import-summary", Static).update(Text(self.path_hint()))

    def path_hint(self) -> str:
        """What to do in the path box."""
        if self.PASTE:
            return PATH_HINT.removesuffix(".") + ", or paste rows copied from a spreadsheet."
        return PATH_HINT

    @on(PathInput.RowsPasted)
    def _rows_pasted(self, event: PathInput.RowsPasted) -> None:
        """Rows pasted into the path box: show them in the paste area and preview them."""
        self.paste = True
        self.query_one("#import-path", Input).display = False
        area = self.query_one("#import-paste", TextArea)
        area.display = True
        self.query_one("#import-title", Static).update(Text(self.heading()))
        self.query_one("#import-intro", Static).update(Text(self.intro()))
        area.load_text(event.text)
        area.focus()
        self.preview()

    @property
    def source_text(self) -> str:
        """The path as typed now, or the rows pasted."""
        if self.paste:
            return self.query_one("#import-paste", TextArea).text
        return self.query_one("#import-path", Input).value

    # -- preview ------------------------------------------------------------------------------
    def preview(self) -> ImportPlan | None:
        """Read the file (or the pasted rows) and show what importing would do."""
        typed = self.source_text
        self._planned_for = typed
        summary = self.query_one("#import-summary", Static)
        table = self.query_one("#import-preview", RecordTable)
        if self.paste:
            text: str | None = typed if typed.strip() else None
            why = PASTE_HINT
            name = "pasted"
        else:
            text, why = read_import_file(typed)
            why = self.path_hint() if why == PATH_HINT else why
            name = Path(typed.strip()).name
        if text is None:
            self.plan = None
            summary.update(Text(why))
            table.set_rows([])
            self._problems([], [])
            return None
        plan = self.make_plan(text, name)
        self.plan = plan
        rows = self.preview_rows(plan)
        table.set_rows(rows)
        if plan.errors:
            n, good = len(plan.errors), len(rows)
            summary.update(
                Text(
                    f"{n} problem{'s' if n != 1 else ''}: nothing can be imported until "
                    f"{'they are' if n != 1 else 'it is'} fixed ({good} good "
                    f"row{'s' if good != 1 else ''} shown).",
                    style="bold",
                )
            )
        warned = self.plan_warnings(plan)
        if not plan.errors:
            check = f" {len(warned)} to check (⚠ below);" if warned else ""
            what = "them all" if len(rows) != 1 else "it"
            summary.update(Text(f"{self.ready_text(plan)}.{check} ctrl+s imports {what}."))
        self._problems(plan.errors, warned)
        return plan

    def _problems(self, errors: list[str], warned: list[str]) -> None:
        """The problems (red) and the possible slips (⚠) under the summary; hidden when none."""
        for selector, lines in (("#import-errors", errors), ("#import-warnings", warned)):
            box = self.query_one(selector, Static)
            prefix = "⚠ " if selector == "#import-warnings" else ""
            box.update(Text("\n".join(prefix + line for line in lines)))
            box.display = bool(lines)

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.preview()

    @on(TextArea.Changed, "#import-paste")
    def _pasted(self) -> None:
        self.preview()

    # -- import -------------------------------------------------------------------------------
    @on(Button.Pressed, "#import")
    def _import_pressed(self) -> None:
        self.action_import_now()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_import_now(self) -> None:
        plan = self.plan
        if plan is None or self._planned_for != self.source_text:
            plan = self.preview()
            if plan is None or not plan.ok:
                return
            # The preview is now on screen: a second ctrl+s imports what it shows.
            self.notify("Check the preview, then press ctrl+s again to import.", timeout=4)
            return
        summary = self.query_one("#import-summary", Static)
        if not plan.ok:
            summary.update(Text("Fix the problems listed below first: nothing was imported."))
            return
        try:
            count = self.commit(plan)
        except (StoreError, ValidationError) as exc:
            summary.update(Text(f"Nothing was imported: {exc}", style="bold"))
            return
        self.dismiss(count)

    def action_cancel(self) -> None:
        pasted = self.paste and bool(self.source_text.strip())
        dismiss_unless_typed(self, pasted, "Close without importing the pasted rows?")


def open_import(screen: PdsaScreen, dialog: ImportScreen, said: Callable[[int], str]) -> None:
    """Show ``dialog`` over ``screen``; after an import redraw and say ``said(count)``."""

    def done(count: int | None) -> None:
        if count is None:
            return
        screen.changed()
        screen.notify(said(count), timeout=5)

    screen.app.push_screen(dialog, done)
