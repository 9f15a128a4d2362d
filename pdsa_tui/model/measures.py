"""Measures and their data points: typed values, ratios, or counts of cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import Any, ClassVar

from pdsa_tui.model import choices as C
from pdsa_tui.model.base import (
    Record,
    amount_text,
    internal_field,
    new_id,
    not_finite,
    range_text,
    spec_field,
)
from pdsa_tui.model.dates import format_date, from_iso, to_iso
from pdsa_tui.model.errors import FieldError
from pdsa_tui.valueclass import value_class


def _too_many(value: float) -> str:
    return (
        f"is too large: a numerator or denominator is a count, from 0 to "
        f"{amount_text(C.RATIO_MAX)}; got {amount_text(value)}"
    )


@value_class
class DataPoint:
    """One observation of a measure: a value, or a numerator over a denominator."""

    date: dt.date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    rebase_after: bool = False
    baseline_end: bool = False
    id: str = field(default_factory=new_id)
    #: Who added or last changed this point.
    updated_by: str = ""
    #: Several observations on this date (e.g. weeks each child took, for an Xbar or S
    #: chart); ``value`` is then their mean. Empty for a point of one value.
    observations: list[float] = field(default_factory=list)

    @classmethod
    def observed(cls, date: dt.date, observations: Sequence[float], **kw: Any) -> DataPoint:
        """A point of several observations, its value their mean."""
        obs = [float(v) for v in observations]
        return cls(date=date, value=mean_of(obs) if obs else None, observations=obs, **kw)

    @property
    def y(self) -> float | None:
        """The plotted value: the value, or 100 * numerator / denominator."""
        if self.value is not None:
            return self.value
        if self.numerator is not None and self.denominator:
            return 100.0 * self.numerator / self.denominator
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        d = dataclasses.asdict(self)
        d["date"] = to_iso(self.date)
        if not self.observations:
            del d["observations"]  # files stay as they were for points of one value
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DataPoint:
        """From a stored dict."""
        if data.__class__ is dict and tuple(data) == _STORED:
            # A point as pdsa writes it (every open builds them all): its values in field
            # order, set as the code below would set them, without building keywords.
            date, value, num, den, note, rebase, end, pid, who, obs = data.values()
            if obs.__class__ is list and (not obs or value is not None):
                point = object.__new__(cls)
                point.date = from_iso(date)  # type: ignore[assignment]
                point.value = value
                point.numerator = num
                point.denominator = den
                point.note = note
                point.rebase_after = rebase
                point.baseline_end = end
                point.id = pid
                point.updated_by = who
                point.observations = obs
                return point
        kw = {k: v for k, v in data.items() if k in _POINT_FIELDS}
        kw["date"] = from_iso(data["date"])
        obs = kw.get("observations")
        if "observations" in kw and not isinstance(obs, list):
            kw["observations"] = obs = []  # a hand-edited file: not a list is no observations
        if isinstance(obs, list) and obs and kw.get("value") is None:
            # A hand-written file may give the observations alone: the value is their mean.
            numbers = [v for v in obs if isinstance(v, int | float) and math.isfinite(v)]
            kw["value"] = mean_of(numbers) if len(numbers) == len(obs) else None
        return cls(**kw)

    def _observation_errors(self, unit: str, has_ratio: bool) -> list[FieldError]:
        """Problems with the observations: each a sound value; the value their mean."""

        def err(message: str) -> list[FieldError]:
            return [FieldError("value", "Value", message)]

        if has_ratio:
            return err("several observations go with values, not a numerator and denominator")
        lo, hi = C.UNIT_RANGES.get(unit, (-math.inf, math.inf))
        for k, v in enumerate(self.observations, start=1):
            if not isinstance(v, int | float) or not math.isfinite(v):
                return err(f"observation {k} is not a finite number ({v})")
            if unit in C.UNIT_RANGES and not lo <= v <= hi:
                return err(f"observation {k} must be from {range_text(unit)}; got {v:g}")
        mean = mean_of(self.observations)
        if self.value is None or not math.isclose(self.value, mean, rel_tol=1e-9, abs_tol=1e-12):
            return err(f"must be the mean of the observations ({mean:g}); got {self.value}")
        return []

    def validate(self, unit: str = "count") -> list[FieldError]:
        """Problems with this point, for a measure with ``unit``."""
        errors = []

        def err(name: str, label: str, message: str) -> None:
            errors.append(FieldError(name, label, message))

        has_value = self.value is not None
        has_ratio = self.numerator is not None or self.denominator is not None
        if self.observations:
            errors.extend(self._observation_errors(unit, has_ratio))
        if has_value and has_ratio:
            err("value", "Value", "give either a value or a numerator and denominator, not both")
        elif not has_value and not has_ratio:
            err("value", "Value", "is required: give a value, or a numerator and a denominator")
        if has_value and self.value is not None:
            hi = C.UNIT_RANGES.get(unit, (0, math.inf))[1]
            if not math.isfinite(self.value):
                err("value", "Value", not_finite(self.value))
            elif unit == "percent" and not 0 <= self.value <= 100:
                err("value", "Value", f"must be a percentage from 0 to 100; got {self.value:g}")
            elif unit in ("count", "days", "weeks", "rate") and self.value < 0:
                err(
                    "value", "Value", f"cannot be negative for a {unit} measure; got {self.value:g}"
                )
            elif self.value > hi:
                err(
                    "value",
                    "Value",
                    f"is too large for a {unit} measure, which accepts {range_text(unit)}; "
                    f"got {amount_text(self.value)}",
                )
        if has_ratio:
            before = len(errors)  # the ratio's own checks below need both parts sound
            if self.numerator is None:
                err("numerator", "Numerator", "is required with a denominator")
            elif not math.isfinite(self.numerator):
                err("numerator", "Numerator", not_finite(self.numerator))
            elif self.numerator < 0:
                err("numerator", "Numerator", f"cannot be negative; got {self.numerator:g}")
            elif self.numerator > C.RATIO_MAX:
                err("numerator", "Numerator", _too_many(self.numerator))
            if self.denominator is None:
                err("denominator", "Denominator", "is required with a numerator")
            elif not math.isfinite(self.denominator):
                err("denominator", "Denominator", not_finite(self.denominator))
            elif self.denominator > C.RATIO_MAX:
                err("denominator", "Denominator", _too_many(self.denominator))
            elif self.denominator <= 0:
                err(
                    "denominator",
                    "Denominator",
                    f"must be above zero (how many were counted); got {self.denominator:g}",
                )
            if (
                len(errors) == before
                and self.numerator is not None
                and self.denominator is not None
                and self.denominator > 0
                and self.numerator > self.denominator
                and unit != "rate"  # a rate counts events per exposure: it may exceed 1
            ):
                err(
                    "numerator",
                    "Numerator",
                    f"cannot be above the denominator ({self.numerator:g} > {self.denominator:g})",
                )
            elif (
                unit == "rate"
                and len(errors) == before
                and self.denominator
                and self.numerator is not None
            ):
                rate, hi = self.numerator / self.denominator, C.UNIT_RANGES["rate"][1]
                if rate > hi:
                    err(
                        "denominator",
                        "Denominator",
                        f"is too small for the numerator: the rate would be {rate:g}, and a "
                        f"rate measure accepts {range_text('rate')}; got {self.denominator:g}",
                    )
        return errors


def mean_of(values: Sequence[float]) -> float:
    """The mean, a second pass correcting the first's rounding (equal values: exactly that)."""
    n = len(values)
    m = math.fsum(values) / n
    return m + math.fsum(v - m for v in values) / n if math.isfinite(m) else m


#: The stored keys a data point reads (others, from a newer pdsa, are ignored).
_POINT_FIELDS = frozenset(f.name for f in dataclasses.fields(DataPoint))
#: A point's keys as a measure's ``to_dict`` writes them: its fields, in order
#: (``from_dict`` reads them so, by these names).
_STORED = (
    *("date", "value", "numerator", "denominator", "note", "rebase_after", "baseline_end"),
    *("id", "updated_by", "observations"),
)
assert tuple(f.name for f in dataclasses.fields(DataPoint)) == _STORED, _STORED


@value_class
class Measure(Record):
    """A measure of an aim, with its series of data points."""

    TABLE: ClassVar[str] = "measures"
    NOUN: ClassVar[str] = "measure"
    COUNTED: ClassVar[tuple[str, str]] = ("measure", "measures")
    PARENT: ClassVar[tuple[str, str] | None] = ("aim_id", "aims")

    aim_id: str = internal_field()
    name: str = spec_field("Name", required=True)
    type: str = spec_field(
        "Type", "choice", default="outcome", required=True, choices=C.MEASURE_TYPES
    )
    unit: str = spec_field("Unit", "choice", default="percent", required=True, choices=C.UNITS)
    direction: str = spec_field(
        "Direction of improvement", "choice", default="up", required=True, choices=C.DIRECTIONS
    )
    goal: float | None = spec_field("Goal", "number", default=None, help="the value you aim for")
    definition: str = spec_field("Operational definition", "longtext")
    source: str = spec_field("Data source")
    frequency: str = spec_field("Frequency", default="monthly", help="e.g. monthly")
    values_are: str = spec_field(
        "Values are",
        "choice",
        default="measurements",
        choices=C.VALUE_KINDS,
        help="days or cases between rare events can be drawn as T or G charts",
    )
    rules: str = spec_field(
        "Rule set",
        "choice",
        default="default",
        choices=C.MEASURE_RULE_SETS,
        help="which rules find signals: the programme's default, Anhøj, IHI, or Making "
        "Data Count (NHS)",
    )
    cannot_be_negative: str = spec_field(
        "Cannot be negative",
        "choice",
        default="no",
        choices=C.CANNOT_BE_NEGATIVE,
        help="yes: no control limit is drawn below 0",
    )
    multiply: float | None = spec_field(
        "Multiply by",
        "number",
        default=None,
        maximum=1e9,
        help="e.g. 1000 for a rate per 1,000; blank: none",
    )
    #: The chart chosen for this measure (one of ``analysis.charts.CHART_TYPES``); empty = run.
    chart: str = internal_field()
    points: list[DataPoint] = field(
        default_factory=list, metadata={"kind": "points", "label": "Data points", "item": DataPoint}
    )
    #: A case measure's data are cases; its monthly points are derived from them.
    cases: bool = internal_field(False)
    #: A case measure's markers on its derived points: "2019-06-01:baseline_end" (the
    #: baseline ends with that month) or "2019-06-01:rebase_after" (a new part after it).
    month_marks: list[str] = field(default_factory=list, metadata={"kind": "internal", "label": ""})
    start_event: str = spec_field(
        "Start event", help="when a case's clock starts, e.g. 'accommodated'"
    )
    milestone: str = spec_field(
        "Milestone", help="what it should reach, e.g. 'permanence recommendation'"
    )
    target_weeks: float | None = spec_field(
        "Target (weeks)", "number", default=None, minimum=1, maximum=520, help="e.g. 30"
    )
    reminder_weeks: float | None = spec_field(
        "Reminder at (weeks)",
        "number",
        default=None,
        minimum=0.5,
        maximum=520,
        help="blank: half the target",
    )

    #: The fields a case measure's form shows (its unit and direction are fixed).
    CASE_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "type",
        "start_event",
        "milestone",
        "target_weeks",
        "reminder_weeks",
        "goal",
        "definition",
        "source",
        "rules",
    )
    #: The fields a measure of typed points shows.
    POINT_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "type",
        "unit",
        "direction",
        "goal",
        "definition",
        "source",
        "frequency",
        "values_are",
        "rules",
        "cannot_be_negative",
        "multiply",
    )

    def _cross_checks(self) -> list[FieldError]:
        errors = []
        goal = self.goal
        if goal is None or not math.isfinite(goal):
            pass  # a non-finite goal is refused by the field's own check
        elif self.unit == "percent" and not 0 <= goal <= 100:
            errors.append(self._err("goal", f"must be a percentage from 0 to 100; got {goal:g}"))
        elif self.unit in C.UNIT_RANGES and goal > C.UNIT_RANGES[self.unit][1]:
            errors.append(
                self._err(
                    "goal",
                    f"is too large for a {self.unit} measure, which accepts "
                    f"{range_text(self.unit)}; got {amount_text(goal)}",
                )
            )
        if self.multiply is not None and math.isfinite(self.multiply) and self.multiply <= 0:
            errors.append(
                self._err(
                    "multiply",
                    f"must be above 0 (e.g. 100 or 1000), or blank for none; "
                    f"got {amount_text(self.multiply)}",
                )
            )
        if self.cases:
            errors.extend(self._case_checks())
        for p in self.points:
            # Named by date: the measure's form has no field for a point (a file from an
            # older pdsa may hold a value no unit accepts; it is fixed on the data screen).
            errors.extend(
                FieldError(
                    "points",
                    "Data points",
                    f"the point of {format_date(p.date)}: {e}; correct or delete that point",
                )
                for e in p.validate(self.unit)
            )
        return errors

    def _case_checks(self) -> list[FieldError]:
        errors = []
        for name in ("start_event", "milestone", "target_weeks"):
            value = getattr(self, name)
            if value is None or (isinstance(value, str) and not value.strip()):
                errors.append(self._err(name, "is required for a case measure"))
        target = self.target_weeks
        if target is not None and not float(target).is_integer():
            errors.append(self._err("target_weeks", f"must be whole weeks; got {target:g}"))
        rem = self.reminder_weeks
        if rem is not None and target is not None and rem >= target:
            errors.append(
                self._err(
                    "reminder_weeks",
                    f"must come before the target ({target:g} weeks); got {rem:g}",
                )
            )
        if self.unit != "percent" or self.direction != "up":
            errors.append(
                self._err("unit", "of a case measure is percent, higher is better (met / due)")
            )
        if self.points:
            errors.append(
                FieldError(
                    "points",
                    "Data points",
                    "a case measure has no typed points: its points are derived from its cases",
                )
            )
        return errors

    @property
    def reminder_at(self) -> float | None:
        """The reminder point in weeks: as set, else half the target."""
        if self.reminder_weeks is not None:
            return self.reminder_weeks
        return self.target_weeks / 2 if self.target_weeks is not None else None

    def form_fields(self) -> tuple[str, ...]:
        """The fields this measure's form shows."""
        return self.CASE_FIELDS if self.cases else self.POINT_FIELDS

    def sorted_points(self) -> list[DataPoint]:
        """Points in date order (stable for equal dates)."""
        return sorted(self.points, key=lambda p: p.date)

    @property
    def title(self) -> str:
        """The name, for lists."""
        return self.name
