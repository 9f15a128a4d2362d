"""What the cycle form says about a cycle: tabs, status line, next step, breadcrumb, follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from pdsa_tui.model import ChangeIdea, Cycle, FieldSpec, choices, format_date
from pdsa_tui.model.records import ACT_FIELDS, DO_FIELDS, PLAN_FIELDS, STUDY_FIELDS
from pdsa_tui.store import Store
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.textfit import shorten_at_word

#: (key, tab label, fields) of the four phases, in order.
PHASES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("plan", "Plan", PLAN_FIELDS),
    ("do", "Do", DO_FIELDS),
    ("study", "Study", STUDY_FIELDS),
    ("act", "Act", ACT_FIELDS),
)
TABS = ("plan", "do", "study", "act", "feedback")
TAB_LABELS = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act", "feedback": "Feedback"}
#: The function key of each tab (F1 is help, as on every screen).
TAB_KEYS = {tab: f"F{i}" for i, tab in enumerate(TABS, start=2)}


def tab_label(tab: str) -> str:
    """'F2 Plan': the tab's name with the key that shows it."""
    return f"{TAB_KEYS[tab]} {TAB_LABELS[tab]}"


#: What each phase asks for, and the words for it when it is missing.
PHASE_NEEDS = {
    "plan": (
        ("objective", "objective"),
        ("predictions", "predictions"),
        ("planned_start", "start"),
    ),
    "do": (("do_start", "when it ran"), ("what_happened", "what happened")),
    "study": (("results", "results vs predictions"),),
    "act": (("decision", "adopt, adapt, abandon or expand"),),
}
#: What comes after a phase whose fields are all filled in.
PHASE_THEN = {"plan": "Do", "do": "Study", "study": "Act"}


def next_step(cycle: Cycle) -> str:
    """'next: finish the Plan (predictions, start)': only what is still missing, else the move."""
    stage = cycle.stage
    missing = [words for name, words in PHASE_NEEDS[stage] if not getattr(cycle, name)]
    if missing:
        what = ", ".join(missing)
        return (
            f"next: finish the Plan ({what})"
            if stage == "plan"
            else f"next: {stage.title()} ({what})"
        )
    then = PHASE_THEN.get(stage)
    if then == "Do" and cycle.planned_start:
        return f"next: Do from {format_date(cycle.planned_start)} (ctrl+n moves it)"
    return f"next: ctrl+n moves it to {then} when ready" if then else "next: save the decision"


#: What to suggest after each decision; never done silently for the user.
DECISION_HINTS = {
    "adopt": "Adopted. Consider setting the change idea's status to 'implementing' "
    "(on the change idea's screen).",
    "abandon": "Abandoned. If no other cycle is planned, consider setting the change idea's "
    "status to 'abandoned'.",
    "expand": "Expand: plan the next cycle at a wider scale (more teams or families).",
}


def phase_specs(names: Iterable[str]) -> list[FieldSpec]:
    """The cycle field specs for ``names``, in that order."""
    return [Cycle.spec(n) for n in names]


def next_number(store: Store, idea_id: str) -> int:
    """The number the store will give the next new cycle of this change idea."""
    return max((c.number for c in store.cycles(idea_id)), default=0) + 1


def breadcrumb(store: Store, cycle: Cycle, *, draft: bool = False, most: int = 32) -> str:
    """'Aim 2 › 15-week reminder › Cycle 3 (Study)'."""
    idea = store.lookup(ChangeIdea, cycle.idea_id)
    parts = []
    if idea is not None:
        aim = store.parent_of(idea)
        if aim is not None:
            parts.append(getattr(aim, "code", ""))
        title = shorten_at_word(idea.title, most)
        parts.append(title)
    if draft:
        parts.append(f"Cycle {next_number(store, cycle.idea_id)} (new)")
    else:
        parts.append(f"Cycle {cycle.number} ({choices.label(choices.STAGES, cycle.stage)})")
    return " › ".join(p for p in parts if p)


def _span(start: dt.date | None, end: dt.date | None) -> str:
    """'13/09-08/11/2026' (the year once when both dates share it)."""
    a, b = format_date(start), format_date(end)
    if start and end and start.year == end.year:
        a = f"{start:%d/%m}"
    if a and b:
        return f"{a}-{b}"
    return a or (f"to {b}" if b else "")


def status_text(cycle: Cycle, *, draft: bool = False) -> str:
    """Stage, dates and what comes next, on one line."""
    stage = cycle.stage
    parts = ["New cycle, not saved yet" if draft else choices.label(choices.STAGES, stage)]
    planned = _span(cycle.planned_start, cycle.planned_end)
    if planned:
        parts.append(f"planned {planned}")
    done = _span(cycle.do_start, cycle.do_end)
    if done:
        parts.append(f"ran {done}")
    if stage == "closed":
        parts.append(f"decided: {choices.label(choices.DECISIONS, cycle.decision)}")
    else:
        parts.append(next_step(cycle))
    return " · ".join(parts)


def follow_up_exists(store: Store, cycle: Cycle) -> bool:
    """Whether a later cycle was already started from this one's plan."""
    return any(c.adapted_from == cycle.id for c in store.cycles(cycle.idea_id))


def decision_follow_up(
    screen: PdsaScreen,
    before: str,
    saved: Cycle,
    open_draft: Callable[[Cycle], None],
    *,
    declined: set[str],
) -> None:
    """After a save: offer the next cycle for 'adapt'; hint at what other decisions suggest.

    ``before`` is the decision stored before the save; ``declined`` holds the
    ids whose offer was refused, so a re-save does not ask again.
    """
    decision = saved.decision
    if decision == "adapt":
        if follow_up_exists(screen.store, saved):
            return
        if before == "adapt" and saved.id in declined:
            return
        n = next_number(screen.store, saved.idea_id)

        def answer(yes: bool | None) -> None:
            if yes:
                open_draft(saved.next_cycle())
            else:
                declined.add(saved.id)

        from pdsa_tui.ui.dialogs.modals import ConfirmScreen

        screen.app.push_screen(
            ConfirmScreen(
                f"Start cycle {n} with this plan copied forward?\n\n"
                "You can review and change the copied plan; nothing is saved until you press "
                "ctrl+s there.",
                yes=f"Start cycle {n}",
            ),
            answer,
        )
    elif decision != before and decision in DECISION_HINTS:
        screen.notify(DECISION_HINTS[decision], title="Decision saved", timeout=10, markup=False)
        if decision == "adopt":
            from pdsa_tui.ui.dialogs.evidence import offer_evidence

            offer_evidence(screen, saved.idea_id, "adopt")
