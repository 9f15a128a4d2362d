"""The driver diagram and what an idea needs on its way to practice.

Aim -> primary drivers -> secondary drivers -> change ideas (``ChangeIdea.driver_id``).
An idea also keeps the evidence reviews made before implementing it, its stage in
each locality (spread) and its change package. All are ordinary records (id,
created, updated) in their own tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import ClassVar

from pdsa_tui.model.base import Record, RecordSource, internal_field, spec_field
from pdsa_tui.model.records import ChangeIdea
from pdsa_tui.valueclass import value_class

#: A locality's stage of a change idea, in order (the spread matrix's cells).
SPREAD_STAGES = {
    "not_tested": "Not tested",
    "testing": "Testing",
    "implementing": "Implementing",
    "sustained": "Sustained",
}

#: Why an evidence card was shown.
EVIDENCE_TRIGGERS = {
    "implementing": "Status moved to implementing",
    "adopt": "A cycle's decision is Adopt",
    "review": "Evidence reviewed",
}


@value_class
class PrimaryDriver(Record):
    """A big factor the aim depends on."""

    TABLE: ClassVar[str] = "primary_drivers"
    NOUN: ClassVar[str] = "primary driver"
    COUNTED: ClassVar[tuple[str, str]] = ("primary driver", "primary drivers")
    PARENT: ClassVar[tuple[str, str] | None] = ("aim_id", "aims")

    aim_id: str = internal_field()
    title: str = spec_field(
        "Primary driver",
        required=True,
        help="a big factor the aim depends on, e.g. 'Timely permanence planning'",
    )
    notes: str = spec_field("Notes", "longtext")


@value_class
class SecondaryDriver(Record):
    """A more specific factor under a primary driver; change ideas work on it."""

    TABLE: ClassVar[str] = "secondary_drivers"
    NOUN: ClassVar[str] = "secondary driver"
    COUNTED: ClassVar[tuple[str, str]] = ("secondary driver", "secondary drivers")
    PARENT: ClassVar[tuple[str, str] | None] = ("primary_id", "primary_drivers")

    primary_id: str = internal_field()
    title: str = spec_field(
        "Secondary driver",
        required=True,
        help="a specific factor under the primary, e.g. 'Legal processes that do not add delay'",
    )
    notes: str = spec_field("Notes", "longtext")

    def unlinked_on_delete(self, source: RecordSource) -> list[Record]:
        """The change ideas that worked on it outlive it, unlinked (not deleted)."""
        return [
            dataclasses.replace(i, driver_id="")
            for i in source.all(ChangeIdea)
            if i.driver_id == self.id
        ]


@value_class
class EvidenceReview(Record):
    """The evidence seen before implementing an idea, and the reason to go ahead."""

    TABLE: ClassVar[str] = "evidence_reviews"
    NOUN: ClassVar[str] = "evidence review"
    COUNTED: ClassVar[tuple[str, str]] = ("evidence review", "evidence reviews")
    PARENT: ClassVar[tuple[str, str] | None] = ("idea_id", "ideas")

    idea_id: str = internal_field()
    date: dt.date | None = spec_field("Date", "date", default=None, required=True)
    trigger: str = spec_field(
        "Shown because", "choice", default="review", required=True, choices=EVIDENCE_TRIGGERS
    )
    reason: str = spec_field(
        "Reason to go ahead",
        "longtext",
        required=True,
        help="why the group agrees to implement now, given the evidence",
    )
    #: The card as it read when confirmed, so later readers see what was known.
    summary: str = internal_field()


@value_class
class SpreadEntry(Record):
    """A change idea's stage in one locality."""

    TABLE: ClassVar[str] = "spread"
    NOUN: ClassVar[str] = "spread entry"
    COUNTED: ClassVar[tuple[str, str]] = ("spread entry", "spread entries")
    PARENT: ClassVar[tuple[str, str] | None] = ("idea_id", "ideas")

    idea_id: str = internal_field()
    locality: str = spec_field("Locality", required=True)
    stage: str = spec_field(
        "Stage", "choice", default="testing", required=True, choices=SPREAD_STAGES
    )
    since: dt.date | None = spec_field("Since", "date", default=None)
    notes: str = spec_field("Notes", "longtext")


@value_class
class ChangePackage(Record):
    """What colleagues need to take up an implemented idea."""

    TABLE: ClassVar[str] = "change_packages"
    NOUN: ClassVar[str] = "change package"
    COUNTED: ClassVar[tuple[str, str]] = ("change package", "change packages")
    PARENT: ClassVar[tuple[str, str] | None] = ("idea_id", "ideas")

    idea_id: str = internal_field()
    steps: str = spec_field(
        "Process steps",
        "longtext",
        help="one step a line, in order; start a line with ? for a yes/no decision",
    )
    guidance: str = spec_field("Why and what (guidance)", "longtext")
    contacts: str = spec_field(
        "Contacts by role", "longtext", help="one a line: role: who to contact (role or initials)"
    )
    resources: str = spec_field("Resources", "longtext", help="one a line: what - where it is kept")
    start_date: dt.date | None = spec_field("Start date", "date", default=None)
    training: str = spec_field("Training and coaching", "longtext")
    approvals: str = spec_field(
        "Approvals", "longtext", help="one a line: who | when, e.g. Head of service | 01/03/2026"
    )
    audit_every_weeks: float | None = spec_field(
        "Self-audit every (weeks)", "number", default=None, minimum=1, maximum=104
    )
    audit_by: str = spec_field("Self-audit by", help="role or initials")
    audit_next_due: dt.date | None = spec_field("Next self-audit due", "date", default=None)

    def step_list(self) -> list[str]:
        """The steps, one a line, blanks dropped."""
        return [s.strip() for s in self.steps.splitlines() if s.strip()]

    def lines(self, name: str) -> list[str]:
        """A one-a-line field as its lines."""
        return [s.strip() for s in str(getattr(self, name)).splitlines() if s.strip()]

    def contact_pairs(self) -> list[tuple[str, str]]:
        """``(role, who)`` from 'role: who' lines (a line without a colon is all 'who')."""
        out = []
        for line in self.lines("contacts"):
            role, sep, who = line.partition(":")
            out.append((role.strip(), who.strip()) if sep else ("", line))
        return out

    def approval_pairs(self) -> list[tuple[str, str]]:
        """``(who, when)`` from 'who | when' lines."""
        out = []
        for line in self.lines("approvals"):
            who, _, when = line.partition("|")
            out.append((who.strip(), when.strip()))
        return out

    def audit_due(self, today: dt.date) -> bool:
        """Whether a self-audit is due on or before ``today``."""
        return self.audit_next_due is not None and self.audit_next_due <= today


def is_decision_step(step: str) -> bool:
    """A step written as a yes/no decision (starts with '?')."""
    return step.startswith("?")


def step_text(step: str) -> str:
    """A step without its decision marker."""
    return re.sub(r"^\?\s*", "", step)
