"""The point form of a measure, and storing a point (data entry and the cycle form's ctrl+g)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from pdsa_tui.analysis.measures import (
    view_frame,
)
from pdsa_tui.analysis.warnings import FieldWarning, point_warnings
from pdsa_tui.model import (
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
from pdsa_tui.store import ReadOnlyError, Store, StoreError
from pdsa_tui.ui.dialogs.modals import dismiss_unless_typed, not_saved_text
from pdsa_tui.ui.measure_text import (
    value_text,
)
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.inputs import TextInput, TickBox

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
            "value": (
                "; ".join(number_text(v) for v in p.observations)
                if p and p.observations
                else number_text(p.value)
                if p and p.value is not None
                else ""
            ),
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
                    if m.unit != "percent":
                        unit += "; several: 12; 15; 9"
                    yield from self._row(("value", "Value", unit))
                if self.show_ratio:
                    yield from self._row(
                        ("numerator", "Numerator", "how many met it"),
                        ("denominator", "Denominator", "how many counted"),
                    )
                yield from self._row(("note", "Note", "optional: what happened this period"))
                freeze, rebase = self.initial_marks
                yield TickBox(
                    "Baseline ends here (freeze the centre line)",
                    freeze,
                    id="point-baseline_end",
                    compact=True,
                )
                yield TickBox(
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
        store.measure_data.add_point(current, point)
    else:
        store.measure_data.update_point(current, point)
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
    from pdsa_tui.ui.dialogs.pick import PickScreen

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
