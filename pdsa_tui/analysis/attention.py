"""What needs attention in a programme: pure rules over records and today's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pdsa_tui.analysis.cases import case_states, open_by_deadline
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Measure, format_date
from pdsa_tui.model.dates import add_period
from pdsa_tui.model.drivers import ChangePackage
from pdsa_tui.model.programme import measure_rules
from pdsa_tui.valueclass import value_class

#: An aim has "no recent data" once its newest point is this many periods old: a
#: monthly point dated 1 October covers October, November's is due in December.
STALE_PERIODS = 2


@value_class(frozen=True)
class Attention:
    """One thing to look at: ``kind`` is a stable key, ``text`` is for people."""

    kind: str
    text: str
    aim_id: str
    record_id: str
    #: 0 = act now, 1 = soon, 2 = keep an eye on.
    priority: int


def _d(value: dt.date) -> str:
    return f"{value.day:02d} {value:%b %Y}"


def outcome_measure(measures: Sequence[Measure]) -> Measure | None:
    """The aim's outcome measure: the first of type outcome, else the first measure."""
    for m in measures:
        if m.type == "outcome":
            return m
    return measures[0] if measures else None


def target_for(aim: Aim, measure: Measure) -> float | None:
    """The value ``measure`` aims for: its own goal, else the aim's target % for its outcome.

    The chart's goal line and "what needs attention" both use this, so they agree.
    """
    if measure.goal is not None:
        return measure.goal
    if measure.unit == "percent" and measure.type == "outcome":
        return aim.target_pct
    return None


def short_of_target(aim: Aim, measure: Measure) -> tuple[float, float] | None:
    """``(latest value, target)`` when the latest value falls short of the target, else None."""
    pts = measure.sorted_points()
    target = target_for(aim, measure)
    latest = pts[-1].y if pts else None
    if latest is None or target is None:
        return None
    short = latest > target if measure.direction == "down" else latest < target
    return (latest, target) if short else None


def cycle_attention(cycle: Cycle, idea: ChangeIdea, aim_id: str, today: dt.date) -> list[Attention]:
    """What is due on one cycle."""
    stage = cycle.stage
    if stage == "closed":
        return []  # most of a programme's cycles: nothing to say, nothing made
    out: list[Attention] = []
    label = f"{idea.title} - cycle {cycle.number}"
    if stage == "study":
        out.append(Attention("waiting_study", f"{label} waits for Study", aim_id, cycle.id, 0))
    elif stage == "act":
        out.append(
            Attention("waiting_act", f"{label} waits for an Act decision", aim_id, cycle.id, 0)
        )
    if stage in ("plan", "do") and cycle.planned_end and cycle.planned_end < today:
        days = (today - cycle.planned_end).days
        out.append(
            Attention(
                "overdue",
                f"{label} is past its planned end ({_d(cycle.planned_end)}, {days} days ago)",
                aim_id,
                cycle.id,
                0,
            )
        )
    elif (
        stage in ("plan", "do")
        and cycle.planned_start
        and cycle.planned_end
        and cycle.planned_end > cycle.planned_start
    ):
        half = cycle.planned_start + (cycle.planned_end - cycle.planned_start) / 2
        if half <= today <= cycle.planned_end:
            out.append(
                Attention(
                    "half_way",
                    f"{label} is past half-way (ends {_d(cycle.planned_end)})",
                    aim_id,
                    cycle.id,
                    1,
                )
            )
    return out


def case_attention(measure: Measure, cases: Iterable[Case], today: dt.date) -> list[Attention]:
    """A case measure's open cases past the reminder point, and those past the deadline."""
    out: list[Attention] = []
    target = f"{measure.target_weeks:g}-week point"
    for s in open_by_deadline(case_states(measure, cases, today)):
        ref = s.case.ref
        if s.overdue:
            text = (
                f"case {ref} passed its {target} on {format_date(s.deadline)} with no "
                f"{measure.milestone or 'milestone'} recorded"
            )
            out.append(Attention("case_overdue", text, measure.aim_id, s.case.id, 0))
        elif s.past_reminder:
            text = (
                f"case {ref} reached {measure.reminder_at:g} weeks on "
                f"{format_date(s.reminder)}; {target} {format_date(s.deadline)}"
            )
            out.append(Attention("case_reminder", text, measure.aim_id, s.case.id, 1))
    return out


def _latest_data(measures: Sequence[Measure], cases: Sequence[Case]) -> tuple[dt.date, str] | None:
    """The newest data date and its measure's frequency.

    Typed points count by their date; a case measure's data are its cases' start and
    milestone dates.
    """
    found = [(p.date, m.frequency) for m in measures if not m.cases for p in m.points]
    by_id = {m.id: m for m in measures if m.cases}
    found += [
        (d, by_id[c.measure_id].frequency)
        for c in cases
        if c.measure_id in by_id
        for d in (c.start, c.end)
        if d
    ]
    return max(found, key=lambda f: f[0]) if found else None


def aim_attention(
    aim: Aim,
    measures: Sequence[Measure],
    ideas: Sequence[ChangeIdea],
    cycles: Sequence[Cycle],
    today: dt.date,
    *,
    packages: Sequence[ChangePackage] = (),
    cases: Sequence[Case] = (),
    default_rules: str = "anhoej",
) -> list[Attention]:
    """Everything that needs attention for one aim, most urgent first.

    ``packages`` may hold every change package: those of the aim's ideas with a
    self-audit due are listed. ``measures`` are as the charts see them (a case measure
    with its derived points); ``cases`` are the cases of the aim's case measures.
    ``default_rules`` is the programme's rule set, for measures that follow it.
    """
    out: list[Attention] = []
    by_idea = {i.id: i for i in ideas}
    for p in packages:
        idea = by_idea.get(p.idea_id)
        if idea is not None and p.audit_next_due is not None and p.audit_due(today):
            who = f" by {p.audit_by}" if p.audit_by else ""
            out.append(
                Attention(
                    "audit_due",
                    f"{idea.title}: self-audit{who} due {_d(p.audit_next_due)}",
                    aim.id,
                    idea.id,
                    1,
                )
            )
    for c in cycles:
        idea = by_idea.get(c.idea_id)
        if idea is not None:
            out.extend(cycle_attention(c, idea, aim.id, today))
    for m in measures:
        if m.cases:
            out.extend(case_attention(m, cases, today))
    if aim.status == "active":
        found = _latest_data(measures, cases)
        if found is None:
            if measures:
                out.append(Attention("no_data", f"{aim.code} has no data yet", aim.id, aim.id, 1))
        elif today > add_period(found[0], found[1], STALE_PERIODS):
            latest = found[0]
            out.append(
                Attention(
                    "stale_data",
                    f"{aim.code} has had no new data since {_d(latest)}",
                    aim.id,
                    aim.id,
                    1,
                )
            )
        if aim.cohort_from and aim.deadline and aim.deadline > aim.cohort_from:
            half = aim.cohort_from + (aim.deadline - aim.cohort_from) / 2
            outcome = outcome_measure(measures)
            mdc = outcome is not None and measure_rules(outcome.rules, default_rules) == "mdc"
            if today >= half and outcome is not None and mdc:
                # Making Data Count: the process limits against the target, not one month.
                item = _assurance_attention(aim, outcome, today, default_rules)
                if item is not None:
                    out.append(item)
            elif today >= half and outcome is not None:
                gap = short_of_target(aim, outcome)
                if gap is not None:
                    latest_value, target = gap
                    unit = "%" if outcome.unit == "percent" else f" {outcome.unit}"
                    when = "past its deadline" if today > aim.deadline else "past half its time"
                    out.append(
                        Attention(
                            "behind_target",
                            f"{aim.code} is {when} and '{outcome.name}' is "
                            f"{latest_value:.0f}{unit}, short of the target {target:g}{unit}",
                            aim.id,
                            outcome.id,
                            1,
                        )
                    )
    return sorted(out, key=lambda a: a.priority)


def _assurance_attention(
    aim: Aim, outcome: Measure, today: dt.date, default_rules: str
) -> Attention | None:
    """An outcome under Making Data Count rules whose process will not reliably meet its target.

    Assurance compares the target with the process limits (of the measure's chart, or
    of an XmR chart when that has none): "consistently miss" and "hit and miss" need
    attention whatever the latest month shows; "consistently meet" does not.
    """
    from pdsa_tui.analysis.measures import view_measure

    view = view_measure(outcome, aim=aim, default_rules=default_rules)
    if view.analysis.assurance_icon is None:
        # A run chart has no limits: Making Data Count reads an XmR chart.
        view = view_measure(outcome, aim=aim, chart="i", default_rules=default_rules)
    icon = view.analysis.assurance_icon
    if icon not in ("fail", "inconsistent") or view.goal is None:
        return None
    target = view.format(view.goal)
    when = "past its deadline" if aim.deadline and today > aim.deadline else "past half its time"
    what = (
        "will consistently miss the target {t}: its process limits lie short of it"
        if icon == "fail"
        else "will hit and miss the target {t}: it lies within the process limits"
    ).format(t=target)
    return Attention(
        "behind_target",
        f"{aim.code} is {when} and '{outcome.name}' {what} (Making Data Count assurance)",
        aim.id,
        outcome.id,
        1,
    )
