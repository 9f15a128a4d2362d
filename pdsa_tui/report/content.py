"""The content of exported reports, built from the store and independent of any format.

The renderers (:mod:`markdown`, :mod:`html`) lay out the same
:class:`~pdsa_tui.report.document.Document` (its parts live in :mod:`document`):
an aim report (the aim, what needs attention, its measures with their analysis,
its change ideas with their ramps and every cycle's summary), every aim's report
in one document, a change idea with its cycles, or one cycle's summary.

Everything here holds plain text exactly as the user typed it: escaping is the
renderer's job. Labels come from the model's field specs, so a field is named
the same way in the app and in every export.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from pdsa_tui.analysis.attention import Attention, aim_attention
from pdsa_tui.analysis.cases import (
    case_counts,
    case_states,
    group_cases,
    live_measures,
)
from pdsa_tui.analysis.measures import view_measure
from pdsa_tui.model import (
    Aim,
    Case,
    ChangeIdea,
    Cycle,
    Feedback,
    Measure,
    Record,
    dates,
)
from pdsa_tui.model import choices as C
from pdsa_tui.model.drivers import ChangePackage
from pdsa_tui.model.records import ACT_FIELDS, DO_FIELDS, PLAN_FIELDS, STUDY_FIELDS
from pdsa_tui.report.answer import since_date
from pdsa_tui.report.document import (
    AimContent,
    CaseSummary,
    CycleContent,
    Document,
    FeedbackGroup,
    FeedbackItem,
    IdeaContent,
    MeasureContent,
    PhaseShape,
    RampRow,
    day,
    field_rows,
    field_texts,
    number,
    row_specs,
    span,
)
from pdsa_tui.report.svg import ChartMarker as Marker
from pdsa_tui.store import NotFoundError, Store

PHASES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("plan", "Plan", PLAN_FIELDS),
    ("do", "Do", DO_FIELDS),
    ("study", "Study", STUDY_FIELDS),
    ("act", "Act", ACT_FIELDS),
)


def case_summary(
    measure: Measure, cases: Sequence[Case], today: dt.date, *, include_cases: bool
) -> CaseSummary:
    """The counts of a case measure's cases, with a row per case when ``include_cases``."""
    states = case_states(measure, cases, today)
    about = (
        f"{measure.start_event} → {measure.milestone} within {measure.target_weeks:g} weeks "
        f"(reminder at {measure.reminder_at:g} weeks)"
    )
    rows: list[tuple[str, ...]] | None = None
    if include_cases:
        rows = [
            (
                s.case.ref,
                day(s.start),
                day(s.case.end),
                day(s.deadline),
                f"{s.weeks:.1f}",
                s.status + (", past the reminder" if s.past_reminder else ""),
                s.case.team,
            )
            for s in states
        ]
    return CaseSummary(about, case_counts(states), rows)


# -- building ----------------------------------------------------------------------
def _anchor(prefix: str, record: Record) -> str:
    return f"{prefix}-{record.id[:8]}"


@functools.cache
def _phase_fields() -> tuple[tuple[str, ...], tuple[PhaseShape, ...]]:
    """Every phase's row fields (not the tasks table) in order, and each phase's shape:
    worked out once, so every cycle shares them."""
    names: list[str] = []
    shapes = []
    for key, title, fields in PHASES:
        shown = tuple(n for n in fields if Cycle.spec(n).kind != "tasks")
        names += shown
        tasks = "tasks" in fields
        label = Cycle.spec("tasks").label if tasks else "Tasks"
        shapes.append(PhaseShape(key, title, row_specs(Cycle, shown), tasks, label))
    return (tuple(names), tuple(shapes))


def ramp_size(ramp: Sequence[Cycle]) -> int:
    """How many cycles an idea's ramp shows: its cycles, or its highest number if higher."""
    return max([len(ramp), *(c.number for c in ramp)])


def cycle_content(store: Store, cycle: Cycle, *, size: int | None = None) -> CycleContent:
    """The summary of ``cycle``: its aim and idea, the four phases, feedback by source.

    ``size`` is :func:`ramp_size` of the cycle's idea, when the caller knows it already.
    """
    idea, aim = _parents(store, cycle)
    if size is None:
        size = ramp_size(store.cycles(cycle.idea_id))
    return _cycle_content(store, cycle, size, idea, aim, _idea_facts(idea, aim))


def _parents(store: Store, cycle: Cycle) -> tuple[ChangeIdea | None, Aim | None]:
    """The cycle's change idea and that idea's aim, as the store holds them (None if gone)."""
    idea = store.parent_of(cycle)
    idea = idea if isinstance(idea, ChangeIdea) else None
    aim = store.parent_of(idea) if idea else None
    return idea, aim if isinstance(aim, Aim) else None


def _idea_facts(idea: ChangeIdea | None, aim: Aim | None) -> tuple[tuple[str, str], ...]:
    """The first facts of every cycle of ``idea``: its aim, its title and its lead."""
    return (
        ("Aim", f"{aim.code}: {aim.statement}" if aim else "(aim missing)"),
        ("Change idea", idea.title if idea else "(change idea missing)"),
        ("Change idea lead", idea.lead if idea else ""),
    )


@functools.cache
def _fact_labels() -> tuple[str, str]:
    """The labels of a cycle's lead and decision, as the form names them."""
    return Cycle.spec("lead").label, Cycle.spec("decision").label


#: Where a cycle's facts hold its planned and carried-out spans and its decision.
_PLANNED, _CARRIED_OUT, _DECISION = 6, 7, 8


def _cycle_content(
    store: Store,
    cycle: Cycle,
    size: int,
    idea: ChangeIdea | None,
    aim: Aim | None,
    head: tuple[tuple[str, str], ...],
) -> CycleContent:
    """:func:`cycle_content` with the cycle's parents, ramp size and first facts known."""
    stage_key = cycle.stage
    stage = C.label(C.STAGES, stage_key)
    lead, decision = _fact_labels()
    facts: list[tuple[str, str]] = [
        *head,
        ("Cycle", f"{cycle.number} of {size}"),
        ("Stage", stage),
        (lead, cycle.lead),
        ("Planned", span(cycle.planned_start, cycle.planned_end)),
        ("Carried out", span(cycle.do_start, cycle.do_end)),
        (decision, C.label(C.DECISIONS, cycle.decision)),
    ]
    if cycle.adapted_from:
        try:
            parent = store.get(Cycle, cycle.adapted_from)
            facts.append(("Adapted from", f"Cycle {parent.number}"))
        except NotFoundError:
            facts.append(("Adapted from", "an earlier cycle (since deleted)"))
    names, shapes = _phase_fields()
    fb = store.feedback(cycle.id)
    return CycleContent(
        cycle=cycle,
        idea=idea,
        aim=aim,
        number=cycle.number,
        ramp_size=size,
        stage=stage,
        stage_key=stage_key,
        facts=facts,
        shapes=shapes,
        phase_texts=field_texts(cycle, names),
        tasks=list(cycle.tasks),
        feedback=_feedback_groups(fb) if fb else [],
        feedback_count=len(fb),
        anchor=_anchor("cycle", cycle),
    )


def _feedback_groups(fb: Sequence[Feedback]) -> list[FeedbackGroup]:
    """A cycle's feedback by source, in the order of the sources' list."""
    groups: dict[str, list[FeedbackItem]] = {}
    for f in fb:
        groups.setdefault(f.source, []).append(
            FeedbackItem(
                feedback=f,
                date=day(f.date),
                method=C.label(C.FEEDBACK_METHODS, f.method),
                tone=C.label(C.TONES, f.tone),
                tone_key=f.tone,
                themes=list(f.themes),
                text=f.text,
            )
        )
    order = list(C.FEEDBACK_SOURCES)
    return [
        FeedbackGroup(C.label(C.FEEDBACK_SOURCES, src) or "Source not given", src, items)
        for src, items in sorted(
            groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
    ]


def idea_content(store: Store, idea: ChangeIdea) -> IdeaContent:
    """A change idea with its ramp table and every cycle's summary."""
    aim = store.parent_of(idea)
    ordered = store.cycles(idea.id)
    size = ramp_size(ordered)
    cycles = []
    if ordered:
        # Every cycle listed under the idea has the same parents: found once.
        parents = _parents(store, ordered[0])
        head = _idea_facts(*parents)
        cycles = [_cycle_content(store, c, size, *parents, head) for c in ordered]
    ramp = [
        RampRow(
            number=cc.number,
            objective=cc.cycle.objective,
            stage=cc.stage,
            stage_key=cc.stage_key,
            planned=cc.facts[_PLANNED][1],
            carried_out=cc.facts[_CARRIED_OUT][1],
            decision=cc.facts[_DECISION][1],
            anchor=cc.anchor,
        )
        for cc in cycles
    ]
    return IdeaContent(
        idea=idea,
        aim=aim if isinstance(aim, Aim) else None,
        fields=field_rows(idea),
        ramp=ramp,
        cycles=cycles,
        anchor=_anchor("idea", idea),
    )


def measure_content(
    measure: Measure,
    aim: Aim,
    markers: list[Marker],
    cases: CaseSummary | None = None,
    default_rules: str = "anhoej",
) -> MeasureContent:
    """A measure with its analysis (as the app shows it), goal line and the cycle markers.

    A case measure comes with its derived points (see :func:`live_measures`) and ``cases``;
    ``default_rules`` is the programme's rule set (``Store.default_rules``).
    """
    view = view_measure(measure, aim=aim, default_rules=default_rules)
    pts = measure.sorted_points()
    latest = ""
    if pts:
        last = pts[-1]
        latest = f"{number(last.y, measure.unit)} on {day(last.date)}"
        if last.value is None and last.numerator is not None and last.denominator is not None:
            latest += f" ({last.numerator:g} of {last.denominator:g})"
    return MeasureContent(
        measure=measure,
        fields=field_rows(measure),
        analysis=view.analysis,
        scale=view.scale,
        goal=view.goal,
        markers=markers,
        latest=latest,
        anchor=_anchor("measure", measure),
        cases=cases,
    )


def cycle_markers(store: Store, aim: Aim) -> list[Marker]:
    """The aim's cycles at their start dates (carried out, else planned), numbered by date."""
    ideas = {i.id: i for i in store.ideas(aim.id)}
    dated = []
    for c in store.cycles_for_aim(aim.id):
        when = c.do_start or c.planned_start
        if when is None:
            continue
        idea = ideas.get(c.idea_id)
        dated.append((when, f"{idea.title if idea else '?'}, cycle {c.number}"))
    dated.sort(key=lambda t: t[0])
    return [Marker(k, d, text) for k, (d, text) in enumerate(dated, start=1)]


def aim_content(
    store: Store, aim: Aim, today: dt.date, *, include_cases: bool = False
) -> AimContent:
    """One aim's full report (case references only when ``include_cases``)."""
    from pdsa_tui.report.drivers_content import driver_tree, spread_table

    cases = store.all(Case)
    measures = live_measures(store.measures(aim.id), cases, today)
    by_measure = group_cases(cases)
    ideas = store.ideas(aim.id)
    cycles = store.cycles_for_aim(aim.id)
    markers = cycle_markers(store, aim)
    rules = store.default_rules()
    attention = aim_attention(
        aim,
        measures,
        ideas,
        cycles,
        today,
        packages=store.all(ChangePackage),
        cases=cases,
        default_rules=rules,
    )
    if not include_cases:
        # Governance exports name no case unless asked to: say how many, not which.
        attention = _anonymous(attention)
    return AimContent(
        aim=aim,
        fields=field_rows(aim),
        hints=aim.statement_hints(),
        attention=attention,
        measures=[
            measure_content(
                m,
                aim,
                markers,
                case_summary(m, by_measure.get(m.id, []), today, include_cases=include_cases)
                if m.cases
                else None,
                rules,
            )
            for m in measures
        ],
        ideas=[idea_content(store, i) for i in ideas],
        anchor=_anchor("aim", aim),
        drivers=driver_tree(store, aim),
        spread=spread_table(store, aim),
    )


def _anonymous(items: list[Attention]) -> list[Attention]:
    """``items`` with the case reminders folded into one line per kind that names no case."""
    out = [a for a in items if not a.kind.startswith("case_")]
    for kind, what, priority in (
        ("case_overdue", "past the deadline with no milestone recorded", 0),
        ("case_reminder", "past the reminder point", 1),
    ):
        found = [a for a in items if a.kind == kind]
        if found:
            n = len(found)
            text = f"{n} open case{'s are' if n != 1 else ' is'} {what}"
            out.append(Attention(kind, text, found[0].aim_id, found[0].aim_id, priority))
    return sorted(out, key=lambda a: a.priority)


def build_document(
    store: Store,
    *,
    aim: Aim | None = None,
    cycle: Cycle | None = None,
    idea: ChangeIdea | None = None,
    all: bool = False,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    include_cases: bool = False,
) -> Document:
    """The document for exactly one of ``aim``, ``cycle``, ``idea`` or ``all``.

    Case references appear only with ``include_cases``; counts always do.
    """
    check_scope(aim=aim, cycle=cycle, idea=idea, all=all)
    stamp = now or dt.datetime.now().astimezone()
    day_ = today or dates.today()
    prog = store.programme()
    since = since_date(prog.report_since(day_) if prog else None, day_)
    if aim is not None:
        return Document(
            "aim", f"{aim.code}: aim report", aim.statement, stamp, day_,
            aims=[aim_content(store, aim, day_, include_cases=include_cases)], since=since,
        )  # fmt: skip
    if all:
        aims = store.aims()
        return Document(
            "all",
            "PDSA programme report",
            f"{len(aims)} aim{'s' if len(aims) != 1 else ''}: every measure, change idea and cycle",
            stamp,
            day_,
            aims=[aim_content(store, a, day_, include_cases=include_cases) for a in aims],
            since=since,
        )
    if idea is not None:
        ic = idea_content(store, idea)
        sub = f"{ic.aim.code}: {ic.aim.statement}" if ic.aim else ""
        return Document("idea", f"Change idea: {idea.title}", sub, stamp, day_, idea=ic)
    assert cycle is not None
    cc = cycle_content(store, cycle)
    return Document(
        "cycle", f"{cc.heading}: {cc.idea_title}", cycle.objective, stamp, day_, cycle=cc
    )


def check_scope(
    *, aim: Aim | None, cycle: Cycle | None, idea: ChangeIdea | None, all: bool
) -> None:
    """Raise ``ValueError`` unless exactly one of the scopes is given."""
    given = sum(x is not None for x in (aim, cycle, idea)) + bool(all)
    if given != 1:
        raise ValueError("export exactly one of: an aim, a change idea, a cycle, or all aims")


def scope_records(
    store: Store,
    *,
    aim: Aim | None = None,
    cycle: Cycle | None = None,
    idea: ChangeIdea | None = None,
    all: bool = False,
) -> tuple[list[Aim], list[Measure], list[ChangeIdea], list[Cycle], list[Feedback]]:
    """The records an export covers, in report order (for CSV and JSON)."""
    check_scope(aim=aim, cycle=cycle, idea=idea, all=all)
    aims: list[Aim]
    measures: list[Measure] = []
    ideas: list[ChangeIdea]
    cycles: list[Cycle]
    if aim is not None or all:
        aims = [aim] if aim is not None else store.aims()
        ideas = [i for a in aims for i in store.ideas(a.id)]
        measures = [m for a in aims for m in store.measures(a.id)]
        cycles = [c for i in ideas for c in store.cycles(i.id)]
    elif idea is not None:
        parent = store.parent_of(idea)
        aims = [parent] if isinstance(parent, Aim) else []
        ideas = [idea]
        cycles = store.cycles(idea.id)
    else:
        assert cycle is not None
        parent_idea = store.parent_of(cycle)
        ideas = [parent_idea] if isinstance(parent_idea, ChangeIdea) else []
        parent_aim = store.parent_of(ideas[0]) if ideas else None
        aims = [parent_aim] if isinstance(parent_aim, Aim) else []
        cycles = [cycle]
    feedback = [f for c in cycles for f in store.feedback(c.id)]
    return aims, measures, ideas, cycles, feedback
