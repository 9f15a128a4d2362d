"""The domain records: aims, measures and their data points, change ideas, PDSA cycles, feedback.

Each record is a plain dataclass. Field metadata (``label``, ``kind``, ``choices``,
``required``, ``min``/``max``, ``help``) drives validation, form parsing and the
forms the UI builds, so a field is described once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, Self, TypeVar

from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import format_date, from_iso, now_stamp, to_iso, today
from pdsa_tui.model.errors import FieldError, ValidationError
from pdsa_tui.model.rows import ROW_KINDS, load_rows


def new_id() -> str:
    """A fresh record id (uuid4)."""
    return str(uuid.uuid4())


def spec_field(
    label: str,
    kind: str = "text",
    *,
    default: Any = "",
    required: bool = False,
    choices: dict[str, str] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    help: str = "",
) -> Any:
    meta = {
        "label": label,
        "kind": kind,
        "required": required,
        "choices": choices,
        "min": minimum,
        "max": maximum,
        "help": help,
    }
    if isinstance(default, list):
        return field(default_factory=list, metadata=meta)
    return field(default=default, metadata=meta)


def internal_field(default: Any = "") -> Any:
    return field(default=default, metadata={"kind": "internal", "label": ""})


@dataclass(frozen=True)
class FieldSpec:
    """How one record field is labelled, typed and checked."""

    name: str
    label: str
    kind: str
    required: bool
    choices: dict[str, str] | None
    minimum: float | None
    maximum: float | None
    help: str


_R = TypeVar("_R", bound="Record")


class RecordSource(Protocol):
    """What a record's rules may ask of the records stored beside it (the store)."""

    def all(self, cls: type[_R]) -> list[_R]:
        """Every record of type ``cls``."""
        ...

    def belonging_to(self, cls: type[_R], owner_id: str) -> list[_R]:
        """The records of type ``cls`` that belong to the record ``owner_id``."""
        ...


@dataclass
class Record:
    """Fields every stored record has: a stable id and timestamps."""

    #: The table of the file that holds records of this type (see :mod:`.registry`).
    TABLE: ClassVar[str] = ""
    #: How messages name one record: "change idea".
    NOUN: ClassVar[str] = ""
    #: How counts name one and many: ("PDSA cycle", "PDSA cycles").
    COUNTED: ClassVar[tuple[str, str]] = ("", "")
    #: The field linking to the record this one belongs to, and that record's table.
    PARENT: ClassVar[tuple[str, str] | None] = None

    id: str = field(default_factory=new_id, metadata={"kind": "internal", "label": "Id"})
    created: str = field(default_factory=now_stamp, metadata={"kind": "internal", "label": ""})
    updated: str = field(default_factory=now_stamp, metadata={"kind": "internal", "label": ""})
    #: Revision "N-hash" of the stored version this record was read from ("" when new).
    rev: str = field(default="", metadata={"kind": "internal", "label": ""})
    #: Who saved this version (a role or initials).
    updated_by: str = field(default="", metadata={"kind": "internal", "label": ""})

    @classmethod
    def specs(cls) -> Iterator[FieldSpec]:
        """The user-editable fields, in form order."""
        specs = _SPECS.get(cls)
        return iter(specs if specs is not None else _specs(cls))

    @classmethod
    def spec(cls, name: str) -> FieldSpec:
        """The spec of field ``name``."""
        for s in cls.specs():
            if s.name == name:
                return s
        raise KeyError(name)

    # -- storage ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            out[f.name] = _dump(getattr(self, f.name))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from a stored dict; unknown keys are ignored, missing ones default."""
        plan = _PLANS.get(cls) or _plan(cls)
        kwargs: dict[str, Any] = {}
        for name, load in plan:
            if name in data:
                kwargs[name] = data[name] if load is None else load(data[name])
        return cls(**kwargs)

    # -- validation ------------------------------------------------------
    def validate(self) -> list[FieldError]:
        """Every problem with this record (empty when valid)."""
        errors: list[FieldError] = []
        checked = _CHECKED.get(type(self))
        for s in checked if checked is not None else _checked(type(self)):
            value = getattr(self, s.name)
            # Most of these are required text: only blank text can be wrong then.
            if type(value) is str and s.kind != "choice" and value.strip():
                continue
            errors.extend(_check_field(s, value))
        errors.extend(self._cross_checks())
        return errors

    def check(self) -> Self:
        """Return self, or raise :class:`ValidationError` listing every problem."""
        errors = self.validate()
        if errors:
            raise ValidationError(errors)
        return self

    def _cross_checks(self) -> list[FieldError]:
        return []

    def after_form(self, base: Self | None) -> Self:
        """Restore what a form cannot show (links inside rows) from ``base``."""
        return self

    # -- rules the store applies when saving and deleting ------------------------
    def before_save(self, stored: Self | None, source: RecordSource) -> Self:
        """This record as it is to be stored over ``stored`` (None: new).

        Raise :class:`~pdsa_tui.model.errors.RuleError` to refuse the save. By default:
        unchanged.
        """
        return self

    def deleted_with(self, source: RecordSource) -> list[Record]:
        """Records deleted with this one, besides those that belong to it."""
        return []

    @classmethod
    def merge_key(cls, doc: dict[str, Any]) -> tuple[str, ...] | None:
        """What makes two stored records of this table one thing (None: only the id does).

        Two copies that each add the same one (a case reference, an answer to one
        question) merge them into one record.
        """
        return None

    def unlinked_on_delete(self, source: RecordSource) -> list[Record]:
        """Records that outlive this one: saved, changed, before it is deleted."""
        return []

    def _err(self, name: str, message: str) -> FieldError:
        return FieldError(name, type(self).spec(name).label, message)


def _dump(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def _loader(kind: str | None) -> Callable[[Any], Any] | None:
    """How a stored value of ``kind`` becomes the field's value (None: as it is)."""
    if kind in ("date", "date-internal"):
        return from_iso
    if kind == "tasks":
        return lambda value: [Task.from_dict(v) for v in value or []]
    if kind == "points":
        return lambda value: [DataPoint.from_dict(v) for v in value or []]
    if kind == "list":
        return lambda value: [str(v) for v in value or []]
    if kind in ROW_KINDS:
        return functools.partial(load_rows, kind)
    return None


#: Per record class, its user-editable fields' specs, made once (records are validated
#: by the ten thousand: at every open for a check, at every save).
_SPECS: dict[type[Record], tuple[FieldSpec, ...]] = {}


def _specs(cls: type[Record]) -> tuple[FieldSpec, ...]:
    specs = tuple(
        FieldSpec(
            f.name,
            md["label"],
            md["kind"],
            md["required"],
            md["choices"],
            md["min"],
            md["max"],
            md["help"],
        )
        for f in dataclasses.fields(cls)
        if (md := f.metadata).get("kind", "internal") not in ("internal", "points", "date-internal")
    )
    _SPECS[cls] = specs
    return specs


#: Per record class, the specs :func:`_check_field` can find fault with: a field neither
#: required nor a choice or number is right whatever it holds (records are validated by
#: the ten thousand: every record at a check, the saved one at every save).
_CHECKED: dict[type[Record], tuple[FieldSpec, ...]] = {}
_VALUE_KINDS = frozenset({"choice", "number", "percent"})


def _checked(cls: type[Record]) -> tuple[FieldSpec, ...]:
    specs = tuple(s for s in cls.specs() if s.required or s.kind in _VALUE_KINDS)
    _CHECKED[cls] = specs
    return specs


#: Per record class, each field's name and loader: ``from_dict`` runs for every record
#: at open, so the field metadata is read once per class, not once per record.
_PLANS: dict[type[Record], tuple[tuple[str, Callable[[Any], Any] | None], ...]] = {}


def _plan(cls: type[Record]) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    plan = tuple((f.name, _loader(f.metadata.get("kind"))) for f in dataclasses.fields(cls))
    _PLANS[cls] = plan
    return plan


def _number_text(value: float) -> str:
    return f"{value:g}"


def amount_text(value: float) -> str:
    """A value as a message quotes it: in full to 15 digits (``36,501``, ``1e+308``).

    ``:g`` would show 1,000,000,001 as ``1e+09``, the very limit it is refused for.
    """
    return f"{value:,.15g}"


def range_text(unit: str) -> str:
    """What a ``unit`` measure accepts, e.g. ``0 to 36,500``."""
    lo, hi = C.UNIT_RANGES[unit]
    return f"{amount_text(lo)} to {amount_text(hi)}"


def _not_finite(value: float) -> str:
    return f"is not a finite number ({value}); give digits, e.g. 42 or 7.5"


def _check_field(s: FieldSpec, value: Any) -> list[FieldError]:
    def err(message: str) -> list[FieldError]:
        return [FieldError(s.name, s.label, message)]

    # Blank text ("  ") is as empty as "" (forms strip it; the API and CLI may not).
    empty = value is None or (isinstance(value, str) and not value.strip()) or value == []
    if empty:
        if s.required:
            return err("is required; it cannot be left empty")
        return []
    if s.kind == "choice" and s.choices is not None and value not in s.choices:
        accepted = ", ".join(s.choices.values())
        return err(f"'{value}' is not one of the choices; choose one of: {accepted}")
    if s.kind in ("number", "percent") and isinstance(value, int | float):
        if not math.isfinite(value):
            return err(_not_finite(value))
        lo, hi = s.minimum, s.maximum
        if s.kind == "percent" and (value < 0 or value > 100):
            return err(f"must be a percentage from 0 to 100; got {_number_text(value)}")
        if lo is not None and value < lo:
            return err(f"must be at least {_number_text(lo)}; got {_number_text(value)}")
        if hi is not None and value > hi:
            return err(f"must be at most {_number_text(hi)}; got {_number_text(value)}")
    return []


@dataclass
class Aim(Record):
    """An improvement aim: what, how much (%), for whom, from when, by when."""

    TABLE: ClassVar[str] = "aims"
    NOUN: ClassVar[str] = "aim"
    COUNTED: ClassVar[tuple[str, str]] = ("aim", "aims")

    code: str = spec_field("Code", required=True, help="short code, e.g. 'Aim 2'")
    statement: str = spec_field(
        "Statement",
        "longtext",
        required=True,
        help="what, %, from when, by when: 'By 01 Dec 2019, 85% of children ...'",
    )
    target_pct: float | None = spec_field("Target %", "percent", default=None, help="0 to 100")
    population: str = spec_field(
        "Population", help="the cohort, e.g. 'looked after and accommodated'"
    )
    cohort_from: dt.date | None = spec_field("Cohort from", "date", default=None)
    deadline: dt.date | None = spec_field("Deadline (by)", "date", default=None)
    lead: str = spec_field("Lead", help="role or initials, not a child's name")
    members: list[str] = spec_field(
        "Members",
        "list",
        default=[],
        help="roles or initials, comma-separated (semicolons when one holds a comma)",
    )
    kind: str = spec_field("Kind", "choice", default="local", required=True, choices=C.AIM_KINDS)
    status: str = spec_field(
        "Status", "choice", default="active", required=True, choices=C.AIM_STATUSES
    )
    notes: str = spec_field("Notes", "longtext")
    group_cadence: str = spec_field(
        "Aim group meets",
        "choice",
        default="",
        choices=C.CADENCES,
        help="how often its group meets",
    )

    def _cross_checks(self) -> list[FieldError]:
        if self.cohort_from and self.deadline and self.deadline <= self.cohort_from:
            return [
                self._err(
                    "deadline",
                    f"must be after the cohort from-date ({self.cohort_from:%d/%m/%Y}); "
                    f"got {self.deadline:%d/%m/%Y}",
                )
            ]
        return []

    @property
    def title(self) -> str:
        """Code and the start of the statement, for lists."""
        return self.code

    def statement_hints(self) -> list[str]:
        """What the statement lacks of a clear aim (%, from-date, by-date)."""
        hints = []
        text = self.statement
        if not re.search(r"\d\s*(%|per ?cent)", text, re.I):
            hints.append("The statement gives no percentage (how much?).")
        if not re.search(r"\b(from|on or after|since|starting)\b[^.,;]*\d", text, re.I):
            hints.append("The statement gives no from-date (from when?).")
        if not re.search(r"\bby\b[^.,;]*\d", text, re.I):
            hints.append("The statement gives no by-date (by when?).")
        return hints


def _too_many(value: float) -> str:
    return (
        f"is too large: a numerator or denominator is a count, from 0 to "
        f"{amount_text(C.RATIO_MAX)}; got {amount_text(value)}"
    )


@dataclass
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
                err("value", "Value", _not_finite(self.value))
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
                err("numerator", "Numerator", _not_finite(self.numerator))
            elif self.numerator < 0:
                err("numerator", "Numerator", f"cannot be negative; got {self.numerator:g}")
            elif self.numerator > C.RATIO_MAX:
                err("numerator", "Numerator", _too_many(self.numerator))
            if self.denominator is None:
                err("denominator", "Denominator", "is required with a numerator")
            elif not math.isfinite(self.denominator):
                err("denominator", "Denominator", _not_finite(self.denominator))
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


@dataclass
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
        default_factory=list, metadata={"kind": "points", "label": "Data points"}
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


def role_key(text: str) -> str | None:
    """The feedback source role for ``text`` (a key or label), or None."""
    return C.match_choice(C.FEEDBACK_SOURCES, text)


def affects_errors(values: list[str]) -> list[FieldError]:
    """Problems with a list of affected roles: each must be a feedback source role."""
    bad = [v for v in values if role_key(v) is None]
    if not bad:
        return []
    accepted = ", ".join(C.FEEDBACK_SOURCES.values())
    return [
        FieldError(
            "affects",
            "Roles it affects",
            f"'{bad[0]}' is not a role; use roles feedback comes from: {accepted}",
        )
    ]


@dataclass
class ChangeIdea(Record):
    """A change idea of an aim, tested through a ramp of PDSA cycles."""

    TABLE: ClassVar[str] = "ideas"
    NOUN: ClassVar[str] = "change idea"
    COUNTED: ClassVar[tuple[str, str]] = ("change idea", "change ideas")
    PARENT: ClassVar[tuple[str, str] | None] = ("aim_id", "aims")

    aim_id: str = internal_field()
    title: str = spec_field("Title", required=True)
    description: str = spec_field("Description", "longtext")
    lead: str = spec_field(
        "Lead", required=True, help="who leads this change idea (role or initials)"
    )
    status: str = spec_field(
        "Status", "choice", default="idea", required=True, choices=C.IDEA_STATUSES
    )
    settings: list[str] = spec_field(
        "Settings tested", "list", default=[], help="teams or localities, comma-separated"
    )
    affects: list[str] = spec_field(
        "Roles it affects",
        "list",
        default=[],
        help="who it would affect, e.g. child or young person, foster carer, practitioner",
    )
    #: The secondary driver it works on (driver diagram), or "".
    driver_id: str = internal_field()

    def _cross_checks(self) -> list[FieldError]:
        return affects_errors(self.affects)


@dataclass
class Task:
    """One task of a cycle's plan: who does what, when and where."""

    who: str = ""
    what: str = ""
    when: str = ""
    where: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        """From a stored dict."""
        get = data.get
        return cls(
            str(get("who", "")), str(get("what", "")), str(get("when", "")), str(get("where", ""))
        )

    def to_line(self) -> str:
        """``who | what | when | where`` as typed in the form."""
        return " | ".join([self.who, self.what, self.when, self.where]).rstrip(" |")

    @classmethod
    def from_line(cls, line: str) -> Task:
        """Parse ``who | what | when | where`` (missing parts are blank)."""
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (4 - len(parts))
        who, what, when = parts[0], parts[1], parts[2]
        where = " | ".join(p for p in parts[3:] if p)
        return cls(who, what, when, where)


PLAN_FIELDS = (
    "objective",
    "lead",
    "questions",
    "predictions",
    "tasks",
    "data_to_collect",
    "planned_start",
    "planned_end",
    "scale",
)
DO_FIELDS = ("do_start", "do_end", "what_happened", "problems")
STUDY_FIELDS = ("results", "learned")
ACT_FIELDS = ("decision", "next_steps")
#: A cycle's phases, in order.
PHASE_ORDER = ("plan", "do", "study", "act")


@dataclass
class Cycle(Record):
    """A PDSA cycle: a test of a change idea, numbered within its idea's ramp."""

    TABLE: ClassVar[str] = "cycles"
    NOUN: ClassVar[str] = "cycle"
    COUNTED: ClassVar[tuple[str, str]] = ("PDSA cycle", "PDSA cycles")
    PARENT: ClassVar[tuple[str, str] | None] = ("idea_id", "ideas")

    idea_id: str = internal_field()
    number: int = internal_field(0)
    adapted_from: str | None = internal_field(None)
    #: plan, do, study or act: moved only when a person says so ("" in files saved before).
    phase: str = internal_field("")
    # Plan
    objective: str = spec_field("Objective", required=True, help="what this cycle tests")
    lead: str = spec_field("Lead", help="who runs this cycle (role or initials)")
    questions: str = spec_field("Questions", "longtext", help="what do we want to find out?")
    predictions: str = spec_field("Predictions", "longtext", help="what do we think will happen?")
    tasks: list[Task] = spec_field(
        "Tasks", "tasks", default=[], help="one a line: who | what | when | where"
    )
    data_to_collect: str = spec_field("Data to collect", "longtext")
    planned_start: dt.date | None = spec_field("Planned start", "date", default=None)
    planned_end: dt.date | None = spec_field("Planned end", "date", default=None)
    scale: str = spec_field("Scale", help="e.g. '1 team, 3 families'")
    # Do
    do_start: dt.date | None = spec_field("Carried out from", "date", default=None)
    do_end: dt.date | None = spec_field("Carried out to", "date", default=None)
    what_happened: str = spec_field("What happened", "longtext")
    problems: str = spec_field("Problems and unexpected observations", "longtext")
    # Study
    results: str = spec_field("Results against predictions", "longtext")
    learned: str = spec_field("What we learned", "longtext")
    # Act
    decision: str = spec_field("Decision", "choice", default="", choices=C.DECISIONS)
    next_steps: str = spec_field("Next steps", "longtext")

    def _cross_checks(self) -> list[FieldError]:
        errors = []
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors.append(
                self._err(
                    "planned_end",
                    f"must be on or after the planned start ({self.planned_start:%d/%m/%Y}); "
                    f"got {self.planned_end:%d/%m/%Y}",
                )
            )
        if self.do_start and self.do_end and self.do_end < self.do_start:
            errors.append(
                self._err(
                    "do_end",
                    f"must be on or after the date it was carried out from "
                    f"({self.do_start:%d/%m/%Y}); got {self.do_end:%d/%m/%Y}",
                )
            )
        return errors

    @property
    def stage(self) -> str:
        """The phase it is in (set by a person), or 'closed' once a decision is chosen.

        A cycle saved before phases were set by hand has no ``phase``: it shows the
        phase it always showed (:meth:`implied_phase`) until it is next saved.
        """
        if self.decision:
            return "closed"
        return self.phase if self.phase in PHASE_ORDER else self.implied_phase()

    def implied_phase(self) -> str:
        """The phase older versions worked out from what is filled in (never 'closed').

        plan: the plan lacks an objective, predictions or a planned start; do:
        planned, nothing recorded of the test yet; study: the test is recorded, no
        results yet; act: studied.
        """
        if self.results.strip() or self.learned.strip():
            return "act"
        if self.what_happened.strip() or self.do_end or self.problems.strip():
            return "study"
        if self.objective.strip() and self.predictions.strip() and self.planned_start:
            return "do"
        return "plan"

    @property
    def title(self) -> str:
        """'Cycle N: objective', for lists."""
        return f"Cycle {self.number}: {self.objective}"

    def next_cycle(self) -> Cycle:
        """A new cycle for the same idea with this plan copied forward (for 'adapt')."""
        return Cycle(
            idea_id=self.idea_id,
            adapted_from=self.id,
            objective=self.objective,
            lead=self.lead,
            questions=self.questions,
            predictions=self.predictions,
            tasks=[dataclasses.replace(t) for t in self.tasks],
            data_to_collect=self.data_to_collect,
            scale=self.scale,
            phase="plan",
        )

    def before_save(self, stored: Self | None, source: RecordSource) -> Self:
        """A new cycle (number 0) takes the next number in its change idea's ramp.

        A cycle without a phase keeps the one it showed before this save, so saving
        text never moves it; a new one (from the command line, an import) starts in the
        phase what it holds implies, and in Plan while its planned start is ahead.
        """
        out = self
        if not out.phase:
            if stored is not None:
                phase = stored.phase or stored.implied_phase()
            else:
                phase = out.implied_phase()
                if phase == "do" and out.planned_start and out.planned_start > today():
                    phase = "plan"
            out = dataclasses.replace(out, phase=phase)
        if out.number > 0:
            return out
        numbers = [c.number for c in source.belonging_to(Cycle, self.idea_id)]
        return dataclasses.replace(out, number=max(numbers, default=0) + 1)


@dataclass
class Feedback(Record):
    """Qualitative feedback heard during a cycle. Never a name."""

    TABLE: ClassVar[str] = "feedback"
    NOUN: ClassVar[str] = "feedback"
    COUNTED: ClassVar[tuple[str, str]] = ("feedback entry", "feedback entries")
    PARENT: ClassVar[tuple[str, str] | None] = ("cycle_id", "cycles")

    cycle_id: str = internal_field()
    date: dt.date | None = spec_field("Date", "date", default=None, required=True)
    source: str = spec_field(
        "Source", "choice", default="", required=True, choices=C.FEEDBACK_SOURCES
    )
    method: str = spec_field(
        "Method", "choice", default="conversation", required=True, choices=C.FEEDBACK_METHODS
    )
    text: str = spec_field("What was said", "longtext", required=True)
    themes: list[str] = spec_field("Themes", "list", default=[], help="comma-separated tags")
    tone: str = spec_field("Tone", "choice", default="neutral", required=True, choices=C.TONES)
