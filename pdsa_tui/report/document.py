"""What an export holds, as plain data: a :class:`Document` and its parts, and how their
values are written for people (dates, numbers, labelled fields).

:mod:`content` builds a Document from the store; the renderers (:mod:`markdown`, :mod:`html`,
the papers) lay it out. Everything here holds plain text exactly as the user typed it:
escaping is the renderer's job. Labels come from the model's field specs, so a field is named
the same way in the app and in every export.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from pdsa_tui.analysis import Analysis
from pdsa_tui.analysis.attention import Attention
from pdsa_tui.analysis.cases import CaseCounts
from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, FieldSpec, Measure, Record, Task
from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import format_date
from pdsa_tui.report.svg import ChartMarker as Marker

if TYPE_CHECKING:
    from pdsa_tui.report.drivers_content import DriverTree, SpreadTable

#: Shown for a field nobody has filled in yet.
NOT_RECORDED = "Not recorded"


# A programme's report formats some 60,000 dates, most of them the same few hundred.
@functools.lru_cache(maxsize=4096)
def day(value: dt.date | None) -> str:
    """A date as boards read it: ``01 Feb 2019`` (never ambiguous between UK and US)."""
    return "" if value is None else format_date(value, style="long")


def number(value: float | None, unit: str = "") -> str:
    """A value for people: ``85%``, ``12.5 days``; empty for None."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if abs(value) >= 1e15:  # beyond any unit's range (an older file's 1e308): not 309 digits
        text = f"{value:.3g}"
    elif value != int(value):
        text = f"{value:.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.0f}"
    if unit == "percent":
        return f"{text}%"
    if unit in ("", "count", "rate"):
        return text
    return f"{text} {unit}"


def span(start: dt.date | None, end: dt.date | None) -> str:
    """``04 Mar 2019 to 29 Mar 2019``, or whichever end is known."""
    if start and end:
        return f"{day(start)} to {day(end)}"
    if start:
        return f"from {day(start)}"
    if end:
        return f"until {day(end)}"
    return ""


@dataclass
class FieldRow:
    """One labelled field: ``text`` is empty when nothing was recorded."""

    name: str
    label: str
    kind: str
    text: str


#: Kinds whose value is shown as it is (``str`` of it): everything but those below.
_CONVERTED_KINDS = frozenset(("date", "choice", "list", "percent", "number", "tasks"))


def _specs(cls: type[Record]) -> Mapping[str, FieldSpec]:
    """The field specs of ``cls`` by name, in form order."""
    return cls.spec_map()


def field_rows(record: Record, names: Sequence[str] | None = None) -> list[FieldRow]:
    """Every user-editable field of ``record`` (or just ``names``), labelled by the model."""
    specs = _specs(type(record))
    chosen = list(specs.values()) if names is None else [specs[n] for n in names]
    texts = _field_texts(record, chosen)
    return [FieldRow(s.name, s.label, s.kind, t) for s, t in zip(chosen, texts, strict=True)]


def row_specs(cls: type[Record], names: Sequence[str]) -> tuple[tuple[str, str, str], ...]:
    """The name, label and kind of each of ``names`` of ``cls``, as :class:`Phase` holds them."""
    specs = _specs(cls)
    return tuple((specs[n].name, specs[n].label, specs[n].kind) for n in names)


def field_texts(record: Record, names: Sequence[str]) -> list[str]:
    """Each of ``names``'s value as text for people (choices by label, dates long, lists
    joined; empty when not recorded): the texts of :func:`field_rows`, no rows."""
    if len(names) < 2:
        specs = _specs(type(record))
        return _field_texts(record, [specs[n] for n in names])
    # A programme's export takes 100,000 cycle fields: read at once (in C), then the few
    # that are not text as they are (dates, choices...) converted.
    key = (type(record), tuple(names))
    plan = _TEXTS_PLANS.get(key)
    if plan is None:
        plan = _TEXTS_PLANS[key] = _texts_plan(*key)
    read, converted = plan
    texts = list(read(record))
    for k, spec in converted:
        value = texts[k]
        texts[k] = "" if value is None or value == "" or value == [] else _text(record, spec, value)
    if not _ONLY_STR.issuperset(map(type, texts)):  # a text field holding None or not text
        return _field_texts(record, [_specs(type(record))[n] for n in names])
    return texts


#: What :func:`field_texts` expects every value to be once converted.
_ONLY_STR = frozenset((str,))

#: How :func:`field_texts` reads some fields of a class: one getter for all of them, and
#: the place and spec of each field whose value is converted to text.
_TextsPlan = tuple[Callable[[Record], tuple[Any, ...]], tuple[tuple[int, FieldSpec], ...]]
_TEXTS_PLANS: dict[tuple[type[Record], tuple[str, ...]], _TextsPlan] = {}


def _texts_plan(cls: type[Record], names: tuple[str, ...]) -> _TextsPlan:
    """How :func:`field_texts` reads ``names`` of a ``cls``: one getter for all, and the
    place and spec of each field whose value is converted to text."""
    specs = _specs(cls)
    converted = tuple(
        (k, specs[n]) for k, n in enumerate(names) if specs[n].kind in _CONVERTED_KINDS
    )
    return attrgetter(*names), converted


def _field_texts(record: Record, specs: Sequence[FieldSpec]) -> list[str]:
    # A programme's export writes some 130,000 fields, most of them plain text: those are
    # taken as they are here, without the conversions' function call.
    return [
        ""
        if (value := getattr(record, s.name)) is None or value == "" or value == []
        else value
        if type(value) is str and s.kind not in _CONVERTED_KINDS
        else _text(record, s, value)
        for s in specs
    ]


def _text(record: Record, s: FieldSpec, value: Any) -> str:
    """A value (not None, empty or ``[]``) of the field ``s`` of ``record`` as text."""
    if s.kind == "date":
        return day(value)
    if s.kind == "choice":
        return C.label(s.choices or {}, value)
    if s.kind == "list":
        if s.name == "affects":  # stored role keys: shown as a board reads them ("foster carer")
            return ", ".join(_role_label(v) for v in value)
        return ", ".join(value)
    if s.kind == "percent":
        return number(value, "percent")
    if s.kind == "number":
        unit = "weeks" if s.name.endswith("_weeks") else getattr(record, "unit", "")
        return number(value, unit)
    if s.kind == "tasks":
        return "\n".join(t.to_line() for t in value)
    return str(value)


def _role_label(value: str) -> str:
    """A role key or label as words: ``foster_carer`` -> ``foster carer``."""
    key = C.match_choice(C.FEEDBACK_SOURCES, value)
    return C.label(C.FEEDBACK_SOURCES, key).lower() if key else value


@dataclass
class Phase:
    """One of Plan, Do, Study, Act with every field (tasks kept apart as a table).

    Its fields are held as their texts beside the specs every cycle's phase shares
    (:func:`row_specs`): a programme's cycles have 130,000 of them, and rows are made
    only for a renderer that asks for :attr:`fields`.
    """

    key: str
    title: str
    #: The name, label and kind of each field shown as a row.
    specs: tuple[tuple[str, str, str], ...]
    #: Each field's text, in the order of :attr:`specs` (empty when nothing was recorded).
    texts: list[str]
    tasks: list[Task] = field(default_factory=list)
    has_tasks_field: bool = False
    tasks_label: str = "Tasks"

    @property
    def fields(self) -> list[FieldRow]:
        """Each field as a labelled row."""
        return [FieldRow(*spec, text) for spec, text in zip(self.specs, self.texts, strict=True)]


@dataclass(frozen=True)
class PhaseShape:
    """What one phase is in every cycle: its key, title, the fields shown as rows (name,
    label, kind) and whether it has the tasks table (labelled ``tasks_label``)."""

    key: str
    title: str
    specs: tuple[tuple[str, str, str], ...]
    has_tasks_field: bool = False
    tasks_label: str = "Tasks"


@dataclass
class FeedbackItem:
    """One piece of feedback, ready to show."""

    feedback: Feedback
    date: str
    method: str
    tone: str
    tone_key: str
    themes: list[str]
    text: str


@dataclass
class FeedbackGroup:
    """The feedback heard from one kind of source (e.g. foster carers)."""

    source: str
    source_key: str
    items: list[FeedbackItem]


@dataclass
class CycleContent:
    """One cycle's summary.

    Its phases are held as the shapes every cycle shares and one list of their fields'
    texts (a programme's export has 5,000 cycles, and Markdown writes them from these);
    :attr:`phases` makes each :class:`Phase` for the renderers that want them.
    """

    cycle: Cycle
    idea: ChangeIdea | None
    aim: Aim | None
    number: int
    ramp_size: int
    stage: str
    stage_key: str
    facts: list[tuple[str, str]]
    #: Plan, Do, Study and Act as every cycle has them.
    shapes: tuple[PhaseShape, ...]
    #: Every row field's text, phase after phase, in the order of the shapes' specs.
    phase_texts: list[str]
    #: The cycle's tasks (shown in the phase with the tasks table).
    tasks: list[Task]
    feedback: list[FeedbackGroup]
    feedback_count: int
    anchor: str

    @property
    def phases(self) -> list[Phase]:
        """Each phase with its fields' texts (and the tasks, in the phase with their table)."""
        phases = []
        at = 0
        for shape in self.shapes:
            n = len(shape.specs)
            phases.append(
                Phase(
                    shape.key,
                    shape.title,
                    shape.specs,
                    self.phase_texts[at : at + n],
                    list(self.tasks) if shape.has_tasks_field else [],
                    shape.has_tasks_field,
                    shape.tasks_label,
                )
            )
            at += n
        return phases

    @property
    def heading(self) -> str:
        """``Cycle 2 of 3``."""
        return f"Cycle {self.number} of {self.ramp_size}"

    @property
    def idea_title(self) -> str:
        """The change idea's title, or a placeholder for a broken link."""
        return self.idea.title if self.idea else "(change idea missing)"


@dataclass
class RampRow:
    """One line of a change idea's ramp table."""

    number: int
    objective: str
    stage: str
    stage_key: str
    planned: str
    carried_out: str
    decision: str
    anchor: str


@dataclass
class IdeaContent:
    """A change idea with its ramp and its cycles' summaries."""

    idea: ChangeIdea
    aim: Aim | None
    fields: list[FieldRow]
    ramp: list[RampRow]
    cycles: list[CycleContent]
    anchor: str


@dataclass
class CaseSummary:
    """A case measure's cases in an export: counts always, references only when asked for."""

    #: 'accommodated → permanence recommendation within 30 weeks (reminder at 15 weeks)'.
    about: str
    counts: CaseCounts
    #: One row per case (ref, start, milestone, deadline, weeks, status, team), or None
    #: when the export leaves case references out (the default).
    rows: list[tuple[str, ...]] | None = None

    @property
    def sentence(self) -> str:
        """'12 cases: 3 open (1 past the reminder), 7 met, 2 missed'."""
        return self.counts.sentence()


CASE_HEADERS = ("Ref", "Start", "Milestone", "Deadline", "Weeks", "Status", "Team")


@dataclass
class MeasureContent:
    """A measure with its chart's analysis, ready to draw."""

    measure: Measure
    fields: list[FieldRow]
    analysis: Analysis
    #: Multiply the analysis's y, centre and limits by this to get the measure's unit.
    scale: float
    #: The line to draw as the goal (the aim's target for percent measures), in the unit.
    goal: float | None
    markers: list[Marker]
    latest: str
    anchor: str
    #: A case measure's cases (its points are derived from them), else None.
    cases: CaseSummary | None = None

    @property
    def unit_suffix(self) -> str:
        """``%`` for percent measures, else a space and the unit (empty for counts)."""
        u = self.measure.unit
        return "%" if u == "percent" else "" if u in ("count", "rate") else f" {u}"

    def value(self, v: float | None) -> str:
        """A value of the analysis in the measure's unit."""
        return "" if v is None else number(v * self.scale, self.measure.unit)

    @property
    def signal_count(self) -> int:
        """How many points belong to a signal."""
        return sum(1 for p in self.analysis.points if p.signals)


@dataclass
class AimContent:
    """One aim's report."""

    aim: Aim
    fields: list[FieldRow]
    hints: list[str]
    attention: list[Attention]
    measures: list[MeasureContent]
    ideas: list[IdeaContent]
    anchor: str
    #: The aim's driver diagram and its ideas' spread by locality.
    drivers: DriverTree | None = None
    spread: SpreadTable | None = None

    @property
    def cycles(self) -> list[CycleContent]:
        """Every cycle of the aim, idea by idea, in ramp order."""
        return [c for i in self.ideas for c in i.cycles]


@dataclass
class Document:
    """What one export holds: ``kind`` is ``aim``, ``all``, ``idea`` or ``cycle``."""

    kind: str
    title: str
    subtitle: str
    exported: dt.datetime
    today: dt.date
    aims: list[AimContent] = field(default_factory=list)
    idea: IdeaContent | None = None
    cycle: CycleContent | None = None
    #: When "what changed" counts from: the last governance pack, else three months ago.
    since: dt.date | None = None


def goal_text(m: MeasureContent) -> str:
    """The goal as shown: the measure's own, else the aim's target it is drawn from."""
    if m.measure.goal is not None:
        return number(m.measure.goal, m.measure.unit)
    if m.goal is not None:
        return f"{number(m.goal, 'percent')} (the aim's target)"
    return ""


def chart_summary(m: MeasureContent) -> str:
    """``Run chart · 24 points · latest 83% on 01 Jan 2020 (5 of 6)``."""
    from pdsa_tui.analysis.charts import CHART_NAMES

    n = len(m.analysis.points)
    parts = [CHART_NAMES[m.analysis.chart], f"{n} point{'s' if n != 1 else ''}"]
    if m.latest:
        parts.append(f"latest {m.latest}")
    from pdsa_tui.report.mdc_icons import rules_and_icons

    a = m.analysis
    parts.append(rules_and_icons(a.rules, a.variation_icon, a.assurance_icon))
    return " · ".join(parts)
