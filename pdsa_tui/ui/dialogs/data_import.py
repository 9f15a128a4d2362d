"""Import a measure's data points from a CSV file, or from rows pasted from a spreadsheet.

The rows are read by the same code as ``pdsa data import`` (:func:`plan_import`), so the
app and the command line accept and refuse exactly the same rows.
"""

from __future__ import annotations

from pdsa_tui.analysis.verdict import format_number
from pdsa_tui.analysis.warnings import import_warnings
from pdsa_tui.model import FieldError, Measure, ValidationError, format_date
from pdsa_tui.model.csvseries import COLUMNS_HELP, SeriesImport, date_taken, plan_import
from pdsa_tui.model.dates import today
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.importing import ImportPlan, ImportScreen
from pdsa_tui.ui.widgets.record_table import Column, Row

#: How a warning names the cell it is about.
COLUMN_NAMES = {"date": "date", "value": "value", "numerator": "value"}


class DataImportScreen(ImportScreen):
    """Preview the points a CSV file (or pasted rows) would add, and every problem by line.

    ctrl+s adds them all in one save, or nothing while any row has a problem.
    Dismisses with the number of points added, or None when cancelled.
    """

    PASTE = True
    COLUMNS = (
        Column("Line", 5, "right"),
        Column("Date", 10),
        Column("Value", 9, "right"),
        Column("Num/den", 9, "right"),
        Column("Note"),
    )

    def __init__(
        self, store: Store, measure: Measure, path: str = "", *, paste: bool = False
    ) -> None:
        super().__init__(path, paste=paste)
        self.store = store
        self.measure = measure

    def heading(self) -> str:
        verb = "Paste rows into" if self.paste else "Import data into"
        return f"{verb}: {self.measure.name}"

    def intro(self) -> str:
        rule = "Each row adds a point (a date already there is refused); all rows or none."
        if self.paste:
            return (
                "Rows copied from a spreadsheet, tab- or comma-separated, header row optional "
                f"(e.g. 01/10/2026  12  15). {rule}"
            )
        return f"A CSV file with a header row ({COLUMNS_HELP}), or pasted rows. {rule}"

    def make_plan(self, text: str, name: str) -> SeriesImport:
        # The measure as stored now: another copy may have added points since it was shown.
        current = self.store.lookup(Measure, self.measure.id) or self.measure
        return plan_import(text, name, current, pasted=self.paste)

    def preview_rows(self, plan: ImportPlan) -> list[Row]:
        assert isinstance(plan, SeriesImport)
        percent = self.measure.unit == "percent"
        rows = []
        for r in plan.rows:
            p = r.point
            y = p.y
            shown = "" if y is None else f"{format_number(y)}{'%' if percent else ''}"
            ratio = (
                f"{p.numerator:g}/{p.denominator:g}" if p.value is None and p.denominator else ""
            )
            rows.append(Row(str(r.line), (str(r.line), format_date(p.date), shown, ratio, p.note)))
        return rows

    def plan_warnings(self, plan: ImportPlan) -> list[str]:
        assert isinstance(plan, SeriesImport)
        current = self.store.lookup(Measure, self.measure.id) or self.measure
        line = {id(r.point): r.line for r in plan.rows}
        warned = import_warnings(current, plan.points, today())
        warned.sort(key=lambda pw: line[id(pw[0])])
        return [
            f"{plan.name} line {line[id(p)]}: {COLUMN_NAMES.get(w.field, w.field)} {w.message}"
            for p, w in warned
        ]

    def ready_text(self, plan: ImportPlan) -> str:
        assert isinstance(plan, SeriesImport)
        text = plan.summary()
        if not plan.header:
            text += f" (no header row: read as {', '.join(plan.columns)})"
        return text

    def commit(self, plan: ImportPlan) -> int:
        assert isinstance(plan, SeriesImport)
        current = self.store.get(Measure, self.measure.id)
        # Another copy may have saved a point on one of these dates since the preview.
        for point in plan.points:
            taken = date_taken(current, point)
            if taken:
                raise ValidationError(
                    [FieldError("date", "Date", f"{taken} (saved since the preview)")]
                )
        self.store.measure_data.add_points(current, plan.points)
        return len(plan.rows)
