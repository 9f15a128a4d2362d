"""Data entry for one measure: its points, its chart and what the chart says."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from pdsa_tui.analysis.charts import ChartType
from pdsa_tui.analysis.measures import (
    MeasureView,
    available_charts,
    default_chart,
    view_frame,
)
from pdsa_tui.model import (
    Aim,
    DataPoint,
    Measure,
    ValidationError,
    format_date,
)
from pdsa_tui.model.dates import today
from pdsa_tui.store import NotFoundError, StoreError
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.dialogs.point_form import PointForm, saved_point_message, store_point
from pdsa_tui.ui.measure_text import (
    marker_text,
    measure_facts,
    ratio_text,
    value_text,
    verdict_text,
)
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.summaries import SIGNAL_MARK, chart_marks
from pdsa_tui.ui.view_cache import analyse_now, cached_view, measure_view
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import Cell, Column, LazyRows, RecordTable
from pdsa_tui.ui.widgets.scrollbox import ScrollBox


# -- the screen ----------------------------------------------------------------------------
class PointTable(RecordTable):
    """The points list: enter edits the point."""

    BINDINGS = [Binding("enter", "select", "Edit", show=False, id="measure.table_edit")]


class MeasureScreen(PdsaScreen):
    """One measure's data points, chart and verdict; add, edit, delete and mark points."""

    ABOUT = (
        "Data entry for one measure: the points above, the chart and what it says below. "
        "Freeze ends the baseline the centre line is drawn from; rebase starts a new phase. "
        "i imports a CSV file or rows pasted from a spreadsheet (v starts with the paste): "
        "a preview shows every row and problem first, then all rows are added or none."
    )

    BINDINGS = [
        Binding("a", "add_point", "Add", id="measure.add"),
        # Next to Add: the data lead's monthly job, and in view at 80 columns.
        Binding(
            "i",
            "import_data",
            "Import",
            id="measure.import",
            tooltip="Import points from a CSV file or pasted rows",
        ),
        Binding(
            "v",
            "paste_rows",
            "Paste rows",
            id="measure.paste",
            show=False,
            tooltip="Paste rows copied from a spreadsheet",
        ),
        Binding("e", "edit_point", "Edit", id="measure.edit"),
        Binding("d,delete", "delete_point", "Delete", id="measure.delete"),
        Binding("f", "toggle_freeze", "Freeze", id="measure.freeze"),
        Binding("b", "toggle_rebase", "Rebase", id="measure.rebase"),
        Binding("c", "next_chart", "Chart", id="measure.chart"),
        Binding("m", "edit_measure", "Measure", id="measure.edit_measure"),
        Binding("escape", "back", "Back", show=False, id="measure.back"),
    ]

    def __init__(self, measure_id: str) -> None:
        super().__init__()
        self.measure_id = measure_id
        self.measure: Measure | None = None
        self.view: MeasureView | None = None
        #: A chart picked on a read-only file (not stored); None: the measure's stored choice.
        self.chart_override: ChartType | None = None
        #: Counts redraws, so an analysis asked for before the last one is dropped.
        self._drawn = 0

    def compose_body(self) -> ComposeResult:
        with ScrollBox(id="measure-facts-box"):
            yield Static("", id="measure-facts")
        yield PointTable(
            [
                Column("Date", 10),
                Column("Value", 10, "right"),
                Column("Num/den", 7, "right"),
                Column("Markers", 15),
                Column("Note"),
            ],
            empty_text="No data points yet: press a to add the first.",
            id="points",
        )
        yield ChartView(id="measure-chart")
        with VerticalScroll(id="measure-verdict-box"):
            yield Static("", id="measure-verdict")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#points", RecordTable).focus()

    # -- data ----------------------------------------------------------------------------------
    @property
    def table(self) -> RecordTable:
        """The points list."""
        return self.query_one("#points", RecordTable)

    def refresh_data(self) -> None:
        measure = self.store.lookup(Measure, self.measure_id)
        if measure is None:
            self.notify("This measure no longer exists.", severity="warning")
            self.measure = None
            self.action_back()
            return
        self.measure = measure
        aim = self.store.lookup(Aim, measure.aim_id)
        self.title = f"{aim.code if aim else '?'} › {measure.name}"
        charts = available_charts(measure)
        kind = self.chart_override if self.chart_override in charts else None
        chart = kind or default_chart(measure)
        now = today()
        view = cached_view(self.store, measure, chart=chart, aim=aim, today=now)
        if view is None and analyse_now(measure):
            view = measure_view(self.store, measure, chart=chart, aim=aim, today=now)
        self._drawn += 1
        if view is None:
            # A long series: the list now (values without their signals), the analysis
            # and the chart after the first frame.
            frame = view_frame(
                measure, chart=chart, aim=aim, default_rules=self.store.default_rules()
            )
            self._show(frame, charts, analysed=False)
            self.call_after_refresh(self._analyse_later, self._drawn, measure, chart, now)
        else:
            self._show(view, charts)

    def _analyse_later(self, drawn: int, measure: Measure, chart: ChartType, now: dt.date) -> None:
        if drawn != self._drawn:
            return  # redrawn meanwhile
        aim = self.store.lookup(Aim, measure.aim_id)
        view = measure_view(self.store, measure, chart=chart, aim=aim, today=now)
        self._show(view, available_charts(measure))

    def _show(self, view: MeasureView, charts: list[ChartType], *, analysed: bool = True) -> None:
        """The facts, the points (signals flagged), the chart and its verdict of ``view``.

        Not ``analysed``: ``view`` has the units only; the chart waits for the analysis.
        """
        measure = view.measure
        self.view = view
        self.query_one("#measure-facts", Static).update(measure_facts(measure, view))
        points = measure.sorted_points()
        results = view.analysis.points

        def cells(k: int) -> tuple[Cell, ...]:
            p = points[k]
            flagged = k < len(results) and bool(results[k].signals)
            value = value_text(view, p)
            return (
                format_date(p.date),
                # The chart's signal marker too: amber alone is lost without colour.
                (f"{value} {SIGNAL_MARK}", "warn") if flagged else value,
                ratio_text(p),
                (marker_text(p), "warn"),
                p.note,
            )

        self.table.set_rows(LazyRows([p.id for p in points], cells))
        chart = self.query_one("#measure-chart", ChartView)
        verdict = self.query_one("#measure-verdict", Static)
        if not analysed:
            chart.show(None)
            n = len(points)
            verdict.update(Text(f"Working out the chart of {n:,} points…", style="italic"))
            return
        dates = [p.date for p in points]
        markers, notes = chart_marks(self.store, measure.aim_id, dates)
        chart.show(view, markers, notes)
        verdict.update(verdict_text(view, charts))
        verdict.set_class(view.analysis.signal, "-signal")

    def current_point(self) -> DataPoint | None:
        """The highlighted point (with a message when there is none)."""
        key = self.table.current_key
        if self.measure is not None and key is not None:
            for p in self.measure.points:
                if p.id == key:
                    return p
        self.notify("No point selected: press a to add one.", severity="warning")
        return None

    # -- writes -------------------------------------------------------------------------------
    def _store_point(self, point: DataPoint, *, new: bool) -> DataPoint:
        """Save ``point`` (refusing a second point on its date); raise for the form to show."""
        return store_point(self.store, self.measure_id, point, new=new)

    def _after_save(self, point: DataPoint | None) -> None:
        if point is None:
            return
        before = self.measure
        self.changed()
        self.table.move_to(point.id)
        if before is None:
            self.notify(f"Saved the point for {format_date(point.date)}.", timeout=3)
            return
        message = saved_point_message(before, point)
        if "\n" in message:
            self.notify(message, severity="warning", timeout=8, markup=False)
            return
        self.notify(message, timeout=3, markup=False)

    def action_add_point(self) -> None:
        if self.measure is None or not self.can_write():
            return
        measure = self.measure
        self.app.push_screen(
            PointForm(measure, None, lambda p: self._store_point(p, new=True)),
            self._after_save,
        )

    def action_edit_point(self) -> None:
        point = self.current_point()
        if point is None or self.measure is None or not self.can_write():
            return
        self.app.push_screen(
            PointForm(self.measure, point, lambda p: self._store_point(p, new=False)),
            self._after_save,
        )

    @on(RecordTable.Selected, "#points")
    def _selected(self) -> None:
        self.action_edit_point()

    def action_delete_point(self) -> None:
        point = self.current_point()
        measure = self.measure
        if point is None or measure is None or not self.can_write():
            return
        shown = value_text(self.view, point) if self.view else ""
        label = f"the point for {format_date(point.date)} ({shown})"

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            if self._store_write(lambda: self.store.measure_data.delete_point(measure, point.id)):
                self.notify(f"Deleted {label}.", timeout=3, markup=False)

        self.app.push_screen(
            ConfirmScreen(f"Delete {label}?\n\nThis cannot be undone.", yes="Delete", danger=True),
            answer,
        )

    def _store_write(self, write: Callable[[], Measure]) -> bool:
        """Run a store write; redraw on success, say what went wrong otherwise."""
        try:
            write()
        except (StoreError, ValidationError) as exc:
            if isinstance(exc, NotFoundError):
                self.changed()
            self.notify(str(exc), title="Not saved", severity="error", timeout=10, markup=False)
            return False
        self.changed()
        return True

    def _toggle(self, marker: str) -> None:
        point = self.current_point()
        measure = self.measure
        if point is None or measure is None or not self.can_write():
            return
        on_now = not getattr(point, marker)
        if marker == "baseline_end":
            changed = dataclasses.replace(point, baseline_end=on_now)
        else:
            changed = dataclasses.replace(point, rebase_after=on_now)
        if not self._store_write(lambda: self.store.measure_data.update_point(measure, changed)):
            return
        day = format_date(point.date)
        if marker == "baseline_end":
            msg = f"Baseline ends at {day}." if on_now else f"Baseline marker removed ({day})."
        else:
            msg = f"New phase after {day}." if on_now else f"Rebase marker removed ({day})."
        self.notify(msg, timeout=3, markup=False)

    def action_toggle_freeze(self) -> None:
        self._toggle("baseline_end")

    def action_toggle_rebase(self) -> None:
        self._toggle("rebase_after")

    def action_next_chart(self) -> None:
        if self.measure is None:
            return
        from pdsa_tui.ui.chart_choice import choose_next_chart

        current = self.view.analysis.chart if self.view else "run"
        kind = choose_next_chart(self, self.measure, current)
        # Stored: follow the measure from now on; read-only: show it this visit.
        self.chart_override = kind if self.store.read_only else None
        self.changed()

    def action_import_data(self, paste: bool = False) -> None:
        """Import points from a CSV file (or pasted rows): preview, then all or none."""
        if self.measure is None or not self.can_write():
            return
        from pdsa_tui.ui.dialogs.data_import import DataImportScreen
        from pdsa_tui.ui.dialogs.importing import open_import

        open_import(
            self,
            DataImportScreen(self.store, self.measure, paste=paste),
            lambda n: f"Imported {n} point{'s' if n != 1 else ''}.",
        )

    def action_paste_rows(self) -> None:
        """Paste rows copied from a spreadsheet: preview, then all or none."""
        self.action_import_data(paste=True)

    def action_edit_measure(self) -> None:
        if self.measure is not None:
            self.edit_record(
                f"Edit measure: {self.measure.name}",
                self.measure,
                tall=["definition"],
                fields=self.measure.form_fields(),
            )

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()
