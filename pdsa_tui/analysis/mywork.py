"""My work: the open cycles and cases a person leads and the meeting actions they own, by due date.

An open case (no milestone recorded) is due on its deadline: its start plus the case
measure's target weeks, as on the cases screen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pdsa_tui.analysis.cases import case_states
from pdsa_tui.model import Case, ChangeIdea, Cycle, Measure, Meeting, choices, dates, format_date
from pdsa_tui.store import Store


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: its due date (None: undated), kind, what, and where it lives."""

    due: dt.date | None
    kind: str
    what: str
    where: str
    #: ('cycle', id), ('meeting', id) or ('case', id): what enter opens.
    target: tuple[str, str]


def is_me(name: str, user: str) -> bool:
    """Whether ``name`` (a lead or owner as typed) names ``user``.

    'TM' is in 'Team Manager (TM), East team' (a whole word, any case); a blank user
    names nobody.
    """
    user = user.strip()
    if not user or not name.strip():
        return False
    if name.strip().casefold() == user.casefold():
        return True
    return re.search(rf"(?<!\w){re.escape(user)}(?!\w)", name, re.IGNORECASE) is not None


def my_work(store: Store, user: str, today: dt.date | None = None) -> list[WorkItem]:
    """Open cycles and cases ``user`` leads and undone meeting actions they own, soonest first."""
    items: list[WorkItem] = []
    ideas = {i.id: i for i in store.all(ChangeIdea)}
    for c in store.all(Cycle):
        if c.stage == "closed" or not is_me(c.lead, user):
            continue
        idea = ideas.get(c.idea_id)
        phase = choices.label(choices.STAGES, c.stage)
        due = c.planned_end if c.stage in ("plan", "do") else None
        items.append(
            WorkItem(
                due,
                f"Cycle ({phase})",
                f"Cycle {c.number}: {c.objective}",
                idea.title if idea else "",
                ("cycle", c.id),
            )
        )
    for m in store.all(Meeting):
        for a in m.actions:
            if a.done or not is_me(a.owner, user):
                continue
            where = f"meeting of {format_date(m.date)}" if m.date else "a meeting"
            items.append(WorkItem(a.due, "Action", a.what, where, ("meeting", m.id)))
    items.extend(my_cases(store, user, today or dates.today()))
    far = dt.date.max
    return sorted(items, key=lambda i: (i.due or far, i.kind, i.what))


def my_cases(store: Store, user: str, today: dt.date) -> list[WorkItem]:
    """The open cases (no milestone yet) whose lead names ``user``, due on their deadline."""
    mine = [c for c in store.all(Case) if c.end is None and is_me(c.lead, user)]
    if not mine:
        return []
    items: list[WorkItem] = []
    for measure in store.all(Measure):
        if not measure.cases:
            continue
        for s in case_states(measure, mine, today):
            late = " (past the reminder)" if s.past_reminder and not s.overdue else ""
            items.append(
                WorkItem(
                    s.deadline,
                    "Case",
                    f"Case {s.case.ref}, milestone: {measure.milestone or 'not named'}{late}",
                    measure.name,
                    ("case", s.case.id),
                )
            )
    return items
