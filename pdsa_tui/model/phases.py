"""A cycle's phase, moved only when a person says so: what to offer, and what to refuse."""

from __future__ import annotations

import datetime as dt

from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import format_date
from pdsa_tui.model.records import PHASE_ORDER, Cycle

#: What each phase is for, as the phase picker and F1 say it.
PHASE_HELP = {
    "plan": "objective, predictions, tasks, when it will run",
    "do": "it is running: when, what happened, problems",
    "study": "results against the predictions, what was learned",
    "act": "decide: adopt, adapt, abandon or expand",
}

#: F1's explanation of phases (the cycle screen and the review queue).
PHASES_ABOUT = (
    "Phases move only when you say so: ctrl+n moves a cycle to another phase (the one what "
    "you typed suggests comes first). Saving text never moves a cycle; a cycle planned to "
    "start later stays in Plan, and one is studied only once it has run; choosing a decision "
    "closes it."
)


def current_phase(cycle: Cycle) -> str:
    """The phase a cycle is in, 'act' for a closed one (its decision can still change)."""
    stage = cycle.stage
    return "act" if stage == "closed" else stage


def suggested_phase(cycle: Cycle, today: dt.date) -> str | None:
    """The later phase what is typed suggests, or None.

    A note in 'What happened' while the cycle still runs suggests nothing: the test
    is over when it has an end date, or its planned end has passed.
    """
    phase = current_phase(cycle)
    if cycle.decision:
        return None
    if phase in ("plan", "do", "study") and (cycle.results.strip() or cycle.learned.strip()):
        return "act" if phase == "study" else "study"
    if phase in ("plan", "do"):
        ended = cycle.do_end is not None or (
            cycle.planned_end is not None and cycle.planned_end < today
        )
        if phase == "do" and ended and (cycle.what_happened.strip() or cycle.do_end):
            return "study"
        if phase == "plan":
            started = cycle.do_start is not None or cycle.what_happened.strip()
            due = cycle.planned_start is not None and cycle.planned_start <= today
            if started or (due and cycle.objective.strip() and cycle.predictions.strip()):
                return "do"
    return None


def move_problem(cycle: Cycle, target: str, today: dt.date) -> str | None:
    """Why ``cycle`` cannot move to ``target`` now (a sentence), or None.

    A cycle runs before it is studied or decided on: it leaves Plan only when its
    planned start has come (or it says when it was carried out), and it reaches Study
    or Act only when it was carried out by today.
    """
    if target not in ("do", "study", "act"):
        return None
    name = f"Cycle {cycle.number}" if cycle.number else "This new cycle"
    start = cycle.planned_start
    ran = cycle.do_start
    waiting = target == "do" or current_phase(cycle) == "plan"
    if ran is None and start is not None and start > today and waiting:
        return (
            f"{name} is planned to start on {format_date(start)}, so it stays in Plan: change "
            "the planned start (Plan tab) or fill in 'Carried out from' to move it on now."
        )
    if target != "do" and ran is not None and ran > today:
        return (
            f"{name} says it was carried out from {format_date(ran)}, after today "
            f"({format_date(today)}): a cycle is studied once it has run. Correct 'Carried "
            "out from' (Do tab) or move it to Do."
        )
    return None


def phase_choices(cycle: Cycle, today: dt.date) -> list[tuple[str, str]]:
    """(phase, label) for the phase picker: the suggested (else next) phase first."""
    now = current_phase(cycle)
    first = suggested_phase(cycle, today)
    if first is None:
        i = PHASE_ORDER.index(now)
        first = PHASE_ORDER[i + 1] if i + 1 < len(PHASE_ORDER) else None
    order = [p for p in PHASE_ORDER if p != now]
    if first in order:
        order.remove(first)
        order.insert(0, first)
    out = []
    for p in order:
        label = f"{C.label(C.STAGES, p)}: {PHASE_HELP[p]}"
        if p == first:
            label += " (suggested)" if p == suggested_phase(cycle, today) else " (next)"
        out.append((p, label))
    return out
