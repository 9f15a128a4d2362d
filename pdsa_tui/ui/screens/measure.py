"""Data entry for one measure: its points, its chart and what the chart says."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from pdsa_tui.analysis.charts import ChartType
from pdsa_tui.analysis.measures import (
    MeasureView,
    available_charts,
    default_chart,
    view_frame,
)
from pdsa_tui.analysis.warnings import FieldWarning, point_warnings
from pdsa_tui.model import (
    Aim,
    DataPoint,
    FieldError,
    Measure,
    ValidationError,
    choices,
    format_date,
    point_from_form,
)
from pdsa_tui.model.dates import add_period, parse_date, today
from pdsa_tui.model.forms import number_text, parse_number
from pdsa_tui.store import NotFoundError, ReadOnlyError, Store, StoreError
from pdsa_tui.ui.measure_text import (
    marker_text,
    measure_facts,
    ratio_text,
    value_text,
    verdict_text,
)
from pdsa_tui.ui.modals import ConfirmScreen, dismiss_unless_typed, not_saved_text
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.summaries import chart_marks
from pdsa_tui.ui.view_cache import analyse_now, cached_view, measure_view
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.inputs import TextInput
from pdsa_tui.ui.widgets.record_table import Cell, Column, LazyRows, RecordTable

BOTH_HINT = "Give a value, or a numerator and a denominator."
_TEXT_FIELDS = ("date", "value", "numerator", "denominator", "note")


# -- small helpers ----------------------------------------------------------------------
def next_date(measure: Measure, now: dt.date | None = None) -> dt.date:
    """Where the next point probably goes: one period after the last point, else today."""
    pts = measure.sorted_points()
    if not pts:
        return now or today()
    return add_period(pts[-1].date, measure.frequency)


#: Units measured as one number per period: a numerator and denominator make no sense.
VALUE_UNITS = ("count", "days", "weeks")


def point_kinds(measure: Measure, point: DataPoint | None = None) -> tuple[bool, bool]:
    """Which inputs fit: (value, numerator/denominator).

    The points so far say which; with none, a count, days or weeks measure takes a
    value, and a percent or rate measure either.
    """
    pts = [*measure.points, *([point] if point is not None else [])]
    has_value = any(p.value is not None for p in pts)
    has_ratio = any(p.value is None for p in pts)
    if not has_value and not has_ratio:
        return True, measure.unit not in VALUE_UNITS
    return has_value, has_ratio


# -- the point form ------------------------------------------------------------------------
class PointForm(ModalScreen[DataPoint | None]):
    """Add or edit one data point; validate inline; stay open with the input until saved.

    ``save`` stores the point and returns it, or raises :class:`ValidationError`
    (e.g. a second point on the same date) or :class:`StoreError`; either is shown
    in the form and nothing typed is lost.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="point.save"),
        Binding("escape", "cancel", "Cancel", id="point.cancel"),
    ]

    def __init__(
        self,
        measure: Measure,
        point: DataPoint | None,
        save: Callable[[DataPoint], DataPoint],
        *,
        default_date: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.measure = measure
        self.point = point
        self._save = save
        self.show_value, self.show_ratio = point_kinds(measure, point)
        p = point
        self.initial: dict[str, str] = {
            "date": format_date(p.date if p else (default_date or next_date(measure))),
            "value": number_text(p.value) if p and p.value is not None else "",
            "numerator": number_text(p.numerator) if p and p.numerator is not None else "",
            "denominator": number_text(p.denominator) if p and p.denominator is not None else "",
            "note": p.note if p else "",
        }
        self.initial_marks = (bool(p and p.baseline_end), bool(p and p.rebase_after))

    def compose(self) -> ComposeResult:
        m = self.measure
        verb = "Edit point" if self.point else "Add a point"
        with Vertical(classes="dialog point-form"):
            yield Static(Text(f"{verb}: {m.name}"), classes="dialog-title")
            about = [
                choices.label(choices.UNITS, m.unit),
                choices.label(choices.DIRECTIONS, m.direction).lower(),
            ]
            if m.goal is not None:
                about.append(f"goal {m.goal:g}{'%' if m.unit == 'percent' else ''}")
            intro = ", ".join(about) + "."
            if self.show_value and self.show_ratio:
                intro += " " + BOTH_HINT
            yield Static(Text(intro), classes="form-intro")
            with VerticalScroll(classes="point-body"):
                yield from self._row(("date", "Date", "dd/mm/yyyy"))
                if self.show_value:
                    unit = "0 to 100" if m.unit == "percent" else f"a number ({m.unit})"
                    yield from self._row(("value", "Value", unit))
                if self.show_ratio:
                    yield from self._row(
                        ("numerator", "Numerator", "how many met it"),
                        ("denominator", "Denominator", "how many counted"),
                    )
                yield from self._row(("note", "Note", "optional: what happened this period"))
                freeze, rebase = self.initial_marks
                yield Checkbox(
                    "Baseline ends here (freeze the centre line)",
                    freeze,
                    id="point-baseline_end",
                    compact=True,
                )
                yield Checkbox(
                    "Rebase after this point (a new phase starts)",
                    rebase,
                    id="point-rebase_after",
                    compact=True,
                )
            yield Static("", id="point-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def _row(self, *fields: tuple[str, str, str]) -> ComposeResult:
        """One line of labelled inputs (name, label, placeholder), their errors under it."""
        with Horizontal(classes="point-row", id=f"row-{fields[0][0]}"):
            for k, (name, label, placeholder) in enumerate(fields):
                yield Label(Text(label), classes="point-label" + (" -second" if k else ""))
                yield TextInput(
                    self.initial[name],
                    placeholder=placeholder,
                    id=f"point-{name}",
                    compact=True,
                )
        for name, _, _ in fields:
            yield Static("", id=f"error-{name}", classes="point-error")
            yield Static("", id=f"warn-{name}", classes="point-warning")

    def on_mount(self) -> None:
        first = "value" if self.show_value else "numerator"
        self.query_one(f"#point-{first}", Input).focus()

    # -- reading and marking ----------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """Field name -> the text typed now (hidden fields are empty)."""
        out = {}
        for name in _TEXT_FIELDS:
            found = list(self.query(f"#point-{name}").results(Input))
            out[name] = found[0].value if found else ""
        return out

    def marks(self) -> tuple[bool, bool]:
        """(baseline ends here, rebase after this point) as ticked now."""
        return (
            self.query_one("#point-baseline_end", Checkbox).value,
            self.query_one("#point-rebase_after", Checkbox).value,
        )

    def is_dirty(self) -> bool:
        """Whether anything was changed since the form opened."""
        return self.values() != self.initial or self.marks() != self.initial_marks

    def show_errors(self, errors: list[FieldError]) -> list[str]:
        """Put each message under its field (clearing the rest); return the fields marked."""
        by_field: dict[str, list[str]] = {}
        if not self.show_value and any(e.field != "value" for e in errors):
            # "Value is required" only repeats what the ratio fields' own messages say.
            errors = [e for e in errors if e.field != "value"]
        for e in errors:
            name = e.field
            # A hidden field's problem shows where the user can act on it.
            if not self.query(f"#point-{name}"):
                name = "numerator" if self.show_ratio else "value"
            by_field.setdefault(name, []).append(str(e))
        marked = []
        for name in _TEXT_FIELDS:
            boxes = list(self.query(f"#point-{name}").results(Input))
            if not boxes:
                continue
            msgs = by_field.get(name)
            boxes[0].set_class(bool(msgs), "-invalid")
            err = self.query_one(f"#error-{name}", Static)
            err.update(Text("; ".join(msgs) if msgs else ""))
            err.set_class(bool(msgs), "-shown")
            if msgs:
                marked.append(name)
        return marked

    # -- warnings (saving is still allowed) -----------------------------------------------------
    def draft(self) -> DataPoint | None:
        """The point as typed so far, as far as it reads (None: no date yet)."""
        typed = self.values()
        try:
            day = parse_date(typed["date"])
        except ValueError:
            return None
        nums: dict[str, float | None] = {}
        for name in ("value", "numerator", "denominator"):
            try:
                nums[name] = parse_number(typed[name])
            except ValidationError:
                nums[name] = None
        return DataPoint(
            date=day,
            value=nums["value"],
            numerator=nums["numerator"],
            denominator=nums["denominator"],
            id=self.point.id if self.point else "",
        )

    def warnings(self) -> list[FieldWarning]:
        """What may be a slip in what is typed now: a future date, a gap, a far-off value."""
        point = self.draft()
        if point is None:
            return []
        warned = point_warnings(self.measure, point, today())
        if point.validate(self.measure.unit):
            # A value that will be refused needs its error, not a warning as well.
            warned = [w for w in warned if w.field == "date"]
        return warned

    def show_warnings(self) -> None:
        """One line under each field a warning is about."""
        by_field: dict[str, str] = {}
        for w in self.warnings():
            name = w.field if self.query(f"#warn-{w.field}") else "date"
            by_field.setdefault(name, w.message)
        for line in self.query(".point-warning").results(Static):
            name = (line.id or "").removeprefix("warn-")
            message = by_field.get(name)
            line.update(Text(f"⚠ {message}" if message else ""))
            line.set_class(bool(message), "-shown")

    @on(Input.Changed)
    def _typed(self) -> None:
        self.show_warnings()

    # -- actions --------------------------------------------------------------------------------
    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        error = self.query_one("#point-error", Static)
        freeze, rebase = self.marks()
        try:
            point = point_from_form(
                **self.values(),
                baseline_end=freeze,
                rebase_after=rebase,
                unit=self.measure.unit,
                base=self.point,
            )
            self.show_errors([])
            saved = self._save(point)
        except ValidationError as exc:
            marked = self.show_errors(exc.errors)
            n = len(exc.errors)
            error.update(Text(f"{n} problem{'s' if n != 1 else ''} to fix; nothing was saved."))
            if marked:
                self.query_one(f"#point-{marked[0]}", Input).focus()
            return
        except StoreError as exc:
            error.update(Text(not_saved_text(exc)))
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        dismiss_unless_typed(self, self.is_dirty(), "Discard what you typed for this point?")


# -- saving a point, from this screen or another ------------------------------------------
def store_point(store: Store, measure_id: str, point: DataPoint, *, new: bool) -> DataPoint:
    """Save ``point`` (refusing a second point on its date); raise for the form to show."""
    if store.read_only:
        raise ReadOnlyError(f"Read-only: {store.read_only_reason}; nothing was saved.")
    current = store.get(Measure, measure_id)
    for other in current.points:
        if other.date == point.date and other.id != point.id:
            shown = value_text(view_frame(current), other)
            raise ValidationError(
                [
                    FieldError(
                        "date",
                        "Date",
                        f"there is already a point for {format_date(point.date)} "
                        f"({shown}); choose another date, or edit that point instead",
                    )
                ]
            )
    if new:
        store.add_point(current, point)
    else:
        store.update_point(current, point)
    return point


def saved_point_message(measure: Measure, point: DataPoint, *, named: bool = False) -> str:
    """'Saved the point for 01/11/2026.' and, on lines after it, what may be wrong with it.

    ``measure`` is the measure before the save; ``named`` adds its name (saved from
    another screen).
    """
    to = f" to {measure.name}" if named else ""
    saved = f"Saved the point for {format_date(point.date)}{to}."
    warned = point_warnings(measure, point, today())
    # Saved as typed; the warnings the form showed are repeated once it has closed.
    return "\n".join([saved, *(f"⚠ {w.message}" for w in warned)])


def add_point(screen: PdsaScreen, aim_id: str) -> None:
    """Add a data point to one of the aim's measures, picked first if it has several.

    Case measures are left out: their points come from their cases.
    """
    from pdsa_tui.ui.screens.pick import PickScreen

    measures = [m for m in screen.store.measures(aim_id) if not m.cases]
    if not measures:
        screen.notify("This aim has no measure to add a point to yet.", severity="warning")
        return

    def open_form(measure_id: str | None) -> None:
        measure = screen.store.lookup(Measure, measure_id) if measure_id else None
        if measure is None:
            return

        def saved(point: DataPoint | None) -> None:
            if point is not None:
                screen.changed()
                message = saved_point_message(measure, point, named=True)
                warned = "\n" in message
                screen.notify(
                    message,
                    severity="warning" if warned else "information",
                    timeout=8 if warned else 4,
                    markup=False,
                )

        form = PointForm(
            measure, None, lambda p: store_point(screen.store, measure.id, p, new=True)
        )
        screen.app.push_screen(form, saved)

    if len(measures) == 1:
        open_form(measures[0].id)
        return
    screen.app.push_screen(
        PickScreen(
            "Add a data point to which measure?",
            [
                (m.id, f"{m.name} ({choices.label(choices.MEASURE_TYPES, m.type).lower()})")
                for m in measures
            ],
            help="enter chooses; esc cancels.",
        ),
        open_form,
    )


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
        yield Static("", id="measure-facts")
        yield PointTable(
            [
                Column("Date", 10),
                Column("Value", 9, "right"),
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
            self._show(view_frame(measure, chart=chart, aim=aim), charts, analysed=False)
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
                (value, "warn") if flagged else value,
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
            if self._store_write(lambda: self.store.delete_point(measure, point.id)):
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
        if not self._store_write(lambda: self.store.update_point(measure, changed)):
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
        from pdsa_tui.ui.screens.data_import import DataImportScreen
        from pdsa_tui.ui.screens.importing import open_import

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
