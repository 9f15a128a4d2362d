"""Import a month's extract of cases from a CSV: preview every row and problem, then all or none."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from pdsa_tui.model import Measure, ValidationError, format_date, ref_key
from pdsa_tui.model.csvcases import COLUMNS_HELP, CaseImport, read_cases_csv
from pdsa_tui.store import Store, StoreError
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row

ACTION_WORDS = {"add": ("new", "good"), "update": ("update", "warn"), "same": ("same", "dim")}


def read_extract(path_text: str) -> tuple[str | None, str]:
    """The text of the file at ``path_text``, or None and why it cannot be read."""
    path = Path(path_text.strip()).expanduser()
    if not path_text.strip():
        return None, "Type the path of the CSV file, then press enter to preview it."
    try:
        return path.read_text(encoding="utf-8-sig"), ""
    except FileNotFoundError:
        return None, f"{path}: no such file"
    except IsADirectoryError:
        return None, f"{path} is a folder; give the CSV file inside it"
    except UnicodeDecodeError:
        return None, f"{path}: not a UTF-8 text file; save the CSV as UTF-8"
    except OSError as exc:
        return None, f"{path}: cannot be read ({exc.strerror or exc})"


class CaseImportScreen(ModalScreen[int | None]):
    """Preview an extract's rows (new, update, same) and its problems by line; import all or none.

    Dismisses with the number of cases added or updated, or None when cancelled.
    """

    CSS_PATH = "../cases.tcss"

    BINDINGS = [
        Binding("ctrl+s", "import_now", "Import", id="case_import.save"),
        Binding("escape", "cancel", "Cancel", id="case_import.cancel"),
    ]

    def __init__(self, store: Store, measure: Measure, path: str = "") -> None:
        super().__init__()
        self.store = store
        self.measure = measure
        self.initial_path = path
        self.plan: CaseImport | None = None
        self._planned_for: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form case-import"):
            yield Static(Text(f"Import cases: {self.measure.name}"), classes="dialog-title")
            yield Static(
                Text(
                    f"CSV columns {COLUMNS_HELP}. A known ref updates its case, a new one "
                    "adds a case; all rows or none."
                ),
                classes="form-intro",
            )
            yield Input(
                self.initial_path,
                placeholder="path/to/extract.csv, then enter",
                id="import-path",
                compact=True,
            )
            yield Static("", id="import-summary", classes="import-summary")
            yield RecordTable(
                [
                    Column("Line", 5, "right"),
                    Column("Ref", 10),
                    Column("Start", 10),
                    Column("Milestone", 10),
                    Column("Do", 6),
                    Column("Team"),
                ],
                empty_text="No rows to show yet.",
                id="import-preview",
            )
            with VerticalScroll(id="import-errors-box"):
                yield Static("", id="import-errors", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Import (ctrl+s)", variant="primary", id="import", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()
        if self.initial_path:
            self.preview()

    @property
    def path_text(self) -> str:
        """The path as typed now."""
        return self.query_one("#import-path", Input).value

    # -- preview -----------------------------------------------------------------------------
    def preview(self) -> CaseImport | None:
        """Read the file and show what importing would do; return the plan (None: unreadable)."""
        typed = self.path_text
        self._planned_for = typed
        text, why = read_extract(typed)
        summary = self.query_one("#import-summary", Static)
        table = self.query_one("#import-preview", RecordTable)
        errors = self.query_one("#import-errors", Static)
        if text is None:
            self.plan = None
            summary.update(Text(why))
            table.set_rows([])
            errors.update("")
            return None
        existing = {ref_key(c.ref): c for c in self.store.cases(self.measure.id)}
        plan = read_cases_csv(text, Path(typed.strip()).name, existing)
        self.plan = plan
        table.set_rows(
            [
                Row(
                    str(r.line),
                    (
                        str(r.line),
                        r.case.ref,
                        format_date(r.case.start),
                        format_date(r.case.end),
                        ACTION_WORDS[r.action],
                        r.case.team,
                    ),
                )
                for r in plan.rows
            ]
        )
        if plan.errors:
            n, good = len(plan.errors), len(plan.rows)
            summary.update(
                Text(
                    f"{n} problem{'s' if n != 1 else ''}: nothing can be imported until the file "
                    f"is fixed ({good} good row{'s' if good != 1 else ''} shown).",
                    style="bold",
                )
            )
        else:
            summary.update(Text(f"{plan.summary()}. ctrl+s imports them all."))
        errors.update(Text("\n".join(plan.errors)))
        return plan

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.preview()

    # -- import ------------------------------------------------------------------------------
    @on(Button.Pressed, "#import")
    def _import_pressed(self) -> None:
        self.action_import_now()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_import_now(self) -> None:
        plan = self.plan
        if plan is None or self._planned_for != self.path_text:
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
        changed = [
            dataclasses.replace(r.case, measure_id=self.measure.id)
            for r in plan.rows
            if r.action != "same"
        ]
        try:
            if changed:
                self.store.save_cases(self.measure, changed)
        except (StoreError, ValidationError) as exc:
            summary.update(Text(f"Nothing was imported: {exc}", style="bold"))
            return
        self.dismiss(len(changed))

    def action_cancel(self) -> None:
        self.dismiss(None)
