"""Import a month's extract of cases from a CSV: preview every row and problem, then all or none."""

from __future__ import annotations

import dataclasses

from pdsa_tui.model import Measure, format_date, ref_key
from pdsa_tui.model.csvcases import COLUMNS_HELP, CaseImport, read_cases_csv
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.importing import ImportPlan, ImportScreen
from pdsa_tui.ui.widgets.record_table import Column, Row

ACTION_WORDS = {"add": ("new", "good"), "update": ("update", "warn"), "same": ("same", "dim")}


class CaseImportScreen(ImportScreen):
    """Preview an extract's rows (new, update, same) and its problems by line; import all or none.

    Dismisses with the number of cases added or updated, or None when cancelled.
    """

    COLUMNS = (
        Column("Line", 5, "right"),
        Column("Ref", 10),
        Column("Start", 10),
        Column("Milestone", 10),
        Column("Do", 6),
        Column("Team"),
    )

    def __init__(self, store: Store, measure: Measure, path: str = "") -> None:
        super().__init__(path)
        self.store = store
        self.measure = measure

    def heading(self) -> str:
        return f"Import cases: {self.measure.name}"

    def intro(self) -> str:
        return (
            f"CSV columns {COLUMNS_HELP}. A known ref updates its case, a new one adds a case; "
            "all rows or none."
        )

    def make_plan(self, text: str, name: str) -> CaseImport:
        existing = {ref_key(c.ref): c for c in self.store.cases(self.measure.id)}
        return read_cases_csv(text, name, existing)

    def preview_rows(self, plan: ImportPlan) -> list[Row]:
        assert isinstance(plan, CaseImport)
        return [
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

    def ready_text(self, plan: ImportPlan) -> str:
        assert isinstance(plan, CaseImport)
        return plan.summary()

    def commit(self, plan: ImportPlan) -> int:
        assert isinstance(plan, CaseImport)
        changed = [
            dataclasses.replace(r.case, measure_id=self.measure.id)
            for r in plan.rows
            if r.action != "same"
        ]
        if changed:
            self.store.measure_data.save_cases(self.measure, changed)
        return len(changed)
