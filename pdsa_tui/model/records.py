"""The domain records: aims, change ideas, PDSA cycles and their feedback.

Measures and data points are in :mod:`.measures`; what every record shares, in :mod:`.base`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pdsa_tui.model import choices as C
from pdsa_tui.model.base import (
    Record,
    RecordSource,
    internal_field,
    spec_field,
)
from pdsa_tui.model.dates import today
from pdsa_tui.model.errors import FieldError
from pdsa_tui.valueclass import value_class


@value_class
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


@value_class
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


@value_class
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


@value_class
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
        "Tasks",
        "tasks",
        default=[],
        help="one a line: who | what | when | where",
        item=Task,
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


@value_class
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
