"""My work: the cycles and cases I lead and the meeting actions I own, soonest due first."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from pdsa_tui.analysis.mywork import WorkItem, my_work
from pdsa_tui.model import Case, format_date
from pdsa_tui.model.dates import today
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row, stored_words
from pdsa_tui.ui.widgets.scrollbox import ScrollBox


class MyWorkScreen(PdsaScreen):
    """What the person using pdsa (``--user``/``$PDSA_USER``) leads or owns, by due date."""

    ABOUT = (
        "Open cycles and open cases whose lead names you and meeting actions whose owner names "
        "you (you are --user or $PDSA_USER), soonest due first; overdue ones say so. A case is "
        "due on its deadline (start + the measure's target weeks). Enter opens one; / searches."
    )
    BINDINGS = [Binding("escape", "back", "Back", id="mywork.back")]

    def __init__(self) -> None:
        super().__init__()
        self._items: list[WorkItem] = []

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="mywork-summary")
        yield RecordTable(
            [Column("Due", 15), Column("What"), Column("Kind", 13), Column("Where", 24)],
            empty_text=(
                "Nothing is yours: no open cycle's or case's lead, or action's owner, names you."
            ),
            id="mywork-table",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.title = f"My work: {self.store.user}"
        table = self.query_one("#mywork-table", RecordTable)
        table.words_of = self._words
        table.focus()

    def _words(self, key: str) -> str:
        """What the row's record holds, for / (rows are keyed by position)."""
        return stored_words(self, self._items[int(key)].target[1])

    def refresh_data(self) -> None:
        self._items = my_work(self.store, self.store.user)
        now = today()
        rows = []
        for n, item in enumerate(self._items):
            due = format_date(item.due) if item.due else "no date"
            late = item.due is not None and item.due < now
            rows.append(
                Row(
                    str(n),
                    (
                        (f"{due} late", "bad") if late else due,
                        item.what,
                        item.kind,
                        item.where,
                    ),
                )
            )
        self.query_one("#mywork-table", RecordTable).set_rows(rows)
        overdue = sum(1 for i in self._items if i.due is not None and i.due < now)
        self.query_one("#mywork-summary", Static).update(
            Text(
                f"{len(self._items)} open for {self.store.user}"
                + (f", {overdue} overdue" if overdue else "")
                + ". Lead or owner is matched by name or initials (--user or $PDSA_USER)."
            )
        )

    @on(RecordTable.Selected, "#mywork-table")
    def _open(self, event: RecordTable.Selected) -> None:
        item = self._items[int(event.key)]
        kind, rid = item.target
        if kind == "cycle":
            from pdsa_tui.ui.screens.cycle import CycleScreen

            self.app.push_screen(CycleScreen(rid))
        elif kind == "case":
            from pdsa_tui.ui.screens.cases import CasesScreen

            case = self.store.lookup(Case, rid)
            if case is not None:
                self.app.push_screen(CasesScreen(case.measure_id, case_id=case.id))
        else:
            self.pdsa.action_programme()

    def action_back(self) -> None:
        self.app.pop_screen()
