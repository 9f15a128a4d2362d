"""The programme around the cycles: the PACE group, its meetings and its self-assessments."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import field
from typing import Any, ClassVar, Self

from pdsa_tui.model import choices as C
from pdsa_tui.model.base import Record, RecordSource, internal_field, spec_field
from pdsa_tui.model.dates import add_months
from pdsa_tui.model.errors import FieldError, RuleError
from pdsa_tui.model.rows import Action, Decision, Member
from pdsa_tui.model.template import theme_choices
from pdsa_tui.valueclass import value_class


@value_class
class Programme(Record):
    """The PACE group (one per file): its leads, members, cadences, governance and localities."""

    TABLE: ClassVar[str] = "programme"
    NOUN: ClassVar[str] = "programme"
    COUNTED: ClassVar[tuple[str, str]] = ("programme record", "programme records")

    name: str = spec_field("Name", required=True, help="e.g. 'Anytown PACE programme'")
    pace_lead: str = spec_field(
        "PACE lead", help="crucial: who leads the PACE group (role or name)"
    )
    data_lead: str = spec_field("Data lead", help="crucial: who owns the data (role or name)")
    members: list[Member] = spec_field("Members", "members", default=[], help=Member.HELP)
    leads_cadence: str = spec_field(
        "Leads group meets", "choice", default="monthly", choices=C.CADENCES
    )
    governance_to: str = spec_field(
        "Reports to", help="governance line, e.g. 'Corporate parenting board'"
    )
    governance_cadence: str = spec_field(
        "Reports", "choice", default="quarterly", choices=C.CADENCES, help="how often it reports"
    )
    localities: list[str] = spec_field(
        "Localities",
        "list",
        default=[],
        help="teams or areas where ideas are tested, comma-separated",
    )
    rules: str = spec_field(
        "Default rule set",
        "choice",
        default="anhoej",
        choices=C.RULE_SETS,
        help="the rule set of every measure whose own is 'the programme's default'",
    )
    notes: str = spec_field("Notes", "longtext")
    #: When the last governance pack was exported (its default --since).
    last_pack: dt.date | None = field(default=None, metadata={"kind": "date-internal", "label": ""})
    #: Where that pack's period started (None: the default, three months before it).
    pack_from: dt.date | None = field(default=None, metadata={"kind": "date-internal", "label": ""})

    @property
    def title(self) -> str:
        """The name, for lists."""
        return self.name

    def report_since(self, today: dt.date) -> dt.date | None:
        """Where "since the last pack" starts on ``today`` (None: the default period).

        A pack made today is the current one, not the last: made again the same day
        (in another format, or after a typo is mended) it covers the same period.
        """
        if self.last_pack is not None and self.last_pack >= today:
            return self.pack_from
        return self.last_pack

    def packed(self, today: dt.date, since: dt.date | None) -> Self:
        """This programme once a pack covering from ``since`` is made ``today``."""
        return dataclasses.replace(self, last_pack=today, pack_from=since)

    def missing_leads(self) -> list[str]:
        """The crucial roles not named yet ('PACE lead', 'Data lead')."""
        return [
            label
            for label, value in (("PACE lead", self.pace_lead), ("Data lead", self.data_lead))
            if not value.strip()
        ]

    def before_save(self, stored: Self | None, source: RecordSource) -> Self:
        """One programme per file: a second is refused."""
        if stored is None and source.all(Programme):
            raise RuleError("this file already has a programme (one per file); edit that one")
        return self


def programme_rules(programme: Programme | None) -> str:
    """The programme's default rule set ('anhoej' with no programme, or an unknown one)."""
    rules = programme.rules if programme is not None else ""
    return rules if rules in C.RULE_SETS else "anhoej"


def measure_rules(own: str, default: str = "anhoej") -> str:
    """The rule set a measure is analysed with: its own, else ``default`` (the programme's).

    A measure's ``rules`` of 'default' (or empty, or unknown) follows the programme, so
    changing the programme's default changes every such measure at once.
    """
    if own in C.RULE_SETS:
        return own
    return default if default in C.RULE_SETS else "anhoej"


@value_class
class Meeting(Record):
    """A Leads group or aim group meeting: who came, cycles studied, decisions, actions."""

    TABLE: ClassVar[str] = "meetings"
    NOUN: ClassVar[str] = "meeting"
    COUNTED: ClassVar[tuple[str, str]] = ("meeting", "meetings")

    date: dt.date | None = spec_field("Date", "date", default=None, required=True)
    kind: str = spec_field(
        "Kind", "choice", default="leads", required=True, choices=C.MEETING_KINDS
    )
    aim: str = spec_field("Aim", help="for an aim group meeting: the aim's code, e.g. 'Aim 2'")
    present: list[str] = spec_field(
        "Present", "list", default=[], help="roles present, comma-separated"
    )
    data_reviewed: str = spec_field(
        "Data reviewed",
        "choice",
        default="",
        choices=C.YES_NO,
        help="were the run charts looked at?",
    )
    decisions: list[Decision] = spec_field(
        "Cycles studied and decisions", "decisions", default=[], help=Decision.HELP
    )
    actions: list[Action] = spec_field("Actions", "actions", default=[], help=Action.HELP)
    notes: str = spec_field("Notes", "longtext")
    #: True when the meeting was recorded from a run of the review queue.
    from_review: bool = internal_field(False)

    def _cross_checks(self) -> list[FieldError]:
        if self.kind == "aim" and not self.aim.strip():
            return [self._err("aim", "is required for an aim group meeting (e.g. 'Aim 2')")]
        return []

    def after_form(self, base: Self | None) -> Self:
        """Keep each decision's link to its cycle when its line is kept in the form."""
        if base is None:
            return self
        links = {d.label: d for d in base.decisions}
        kept = []
        for d in self.decisions:
            old = links.get(d.label)
            if old is not None:
                d = dataclasses.replace(d, cycle_id=old.cycle_id, next_cycle_id=old.next_cycle_id)
            kept.append(d)
        return dataclasses.replace(self, decisions=kept)

    @property
    def title(self) -> str:
        """'Leads group, 03/03/2026', for lists."""
        when = f"{self.date:%d/%m/%Y}" if self.date else "undated"
        kind = C.label(C.MEETING_KINDS, self.kind)
        if self.kind == "aim" and self.aim:
            kind = f"{self.aim} group"
        return f"{kind}, {when}"

    def decided(self) -> list[Decision]:
        """The decisions that are adopt / adapt / abandon / expand (not only studied)."""
        return [d for d in self.decisions if d.decision]


@value_class
class Assessment(Record):
    """One dated round of the self-assessment; its answers belong to it."""

    TABLE: ClassVar[str] = "assessments"
    NOUN: ClassVar[str] = "assessment"
    COUNTED: ClassVar[tuple[str, str]] = ("self-assessment", "self-assessments")

    date: dt.date | None = spec_field("Date", "date", default=None, required=True)
    notes: str = spec_field("Notes", "longtext", help="who took part, anything to remember")

    @property
    def title(self) -> str:
        """'Self-assessment 03/03/2026'."""
        return f"Self-assessment {self.date:%d/%m/%Y}" if self.date else "Self-assessment"


@value_class
class Answer(Record):
    """The group's answer to one question in one assessment."""

    TABLE: ClassVar[str] = "answers"
    NOUN: ClassVar[str] = "answer"
    COUNTED: ClassVar[tuple[str, str]] = ("self-assessment answer", "self-assessment answers")
    PARENT: ClassVar[tuple[str, str] | None] = ("assessment_id", "assessments")

    assessment_id: str = internal_field()
    #: A template question's id ('data-2') or a custom question's record id.
    question: str = internal_field()
    status: str = spec_field(
        "Status", "choice", default="not-yet", required=True, choices=C.ASSESS_STATUSES
    )
    notes: str = spec_field("Notes", "longtext")
    action: str = spec_field("Next action", "longtext")
    owner: str = spec_field("Owner", help="who takes the action (role or initials)")
    review: dt.date | None = spec_field("Review by", "date", default=None)

    @classmethod
    def merge_key(cls, doc: dict[str, Any]) -> tuple[str, ...] | None:
        """One question in one self-assessment has one answer: two copies' answers merge."""
        a, q = doc.get("assessment_id"), doc.get("question")
        return (a, q) if isinstance(a, str) and isinstance(q, str) else None


@value_class
class Question(Record):
    """A question the group added to the template."""

    TABLE: ClassVar[str] = "questions"
    NOUN: ClassVar[str] = "question"
    COUNTED: ClassVar[tuple[str, str]] = ("own question", "own questions")

    theme: str = spec_field("Theme", "choice", default="", required=True, choices=theme_choices())
    text: str = spec_field("Question", "longtext", required=True)

    def deleted_with(self, source: RecordSource) -> list[Record]:
        """A question's answers go with it (they name it, rather than belong to it)."""
        return [a for a in source.all(Answer) if a.question == self.id]


def next_due(last: dt.date, cadence: str) -> dt.date | None:
    """When a group meeting every ``cadence`` next meets after ``last`` (None if no cadence)."""
    days = {"weekly": 7, "fortnightly": 14, "six-weekly": 42}.get(cadence)
    if days is not None:
        return last + dt.timedelta(days=days)
    months = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "six-monthly": 6}.get(cadence)
    return add_months(last, months) if months is not None else None
