"""Recording a run of the review queue as a meeting, with its decisions filled in."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pdsa_tui.model import Cycle, Meeting, dates
from pdsa_tui.model.rows import Decision
from pdsa_tui.ui.screens.base import PdsaScreen


def decision_row(aim_code: str, idea_title: str, cycle: Cycle) -> Decision:
    """The minutes line for a cycle saved in the queue: what was decided and the next step."""
    label = " › ".join(x for x in (aim_code, idea_title, f"Cycle {cycle.number}") if x)
    note = " ".join(cycle.next_steps.split())
    if len(note) > 120:
        note = note[:119] + "…"
    return Decision(label, cycle.decision, note, cycle_id=cycle.id)


def with_next_cycles(screen: PdsaScreen, decisions: Sequence[Decision]) -> list[Decision]:
    """Each decision with the next cycle started from it (adapt), if one was."""
    out = []
    cycles = screen.store.all(Cycle)
    for d in decisions:
        nxt = next((c for c in cycles if c.adapted_from == d.cycle_id and d.cycle_id), None)
        if nxt is not None:
            started = f"next cycle {nxt.number} started"
            note = f"{d.note}; {started}" if d.note else started
            d = Decision(d.label, d.decision, note, d.cycle_id, nxt.id)
        out.append(d)
    return out


def record_meeting(
    screen: PdsaScreen, decisions: Sequence[Decision], then: Callable[[Meeting], None]
) -> None:
    """Open the meeting form prefilled from the queue: today, Leads group, the decisions."""
    # The programme screen's module only when a meeting is recorded, not with the queue.
    from pdsa_tui.ui.screens.programme import meeting_intro

    meeting = Meeting(
        date=dates.today(),
        kind="leads",
        decisions=with_next_cycles(screen, decisions),
        from_review=True,
    )
    n = sum(1 for d in meeting.decisions if d.decision)
    intro: list[str | tuple[str, str]] = [
        f"The review queue studied {len(decisions)} cycle{'s' if len(decisions) != 1 else ''} "
        f"and recorded {n} decision{'s' if n != 1 else ''}: they are filled in below. "
        "The cursor is in Present: type who came, then tab to the actions.",
        *meeting_intro(),
    ]
    screen.edit_record(
        "Record this meeting (Leads group, from the review queue)",
        meeting,
        then=then,
        start="present",
        tall=["decisions", "actions"],
        intro=intro,
    )
