"""What pdsa can say about the programme: meetings due, actions overdue, self-assessment
progress, and the evidence it already holds for some of the template's questions.

Pure functions of records and ``today``; no store, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING

from pdsa_tui.model import Aim, Answer, ChangeIdea, Cycle, Feedback, choices
from pdsa_tui.model.programme import Meeting, Programme, Question, next_due
from pdsa_tui.model.rows import Action
from pdsa_tui.model.template import TemplateQuestion, template
from pdsa_tui.valueclass import value_class

if TYPE_CHECKING:
    from pdsa_tui.store import Store


# -- meetings and actions -------------------------------------------------------------------
@value_class(frozen=True)
class MeetingDue:
    """When a group next meets: its last meeting and the cadence give the date."""

    group: str
    cadence: str
    last: dt.date | None
    due: dt.date | None

    def text(self, today: dt.date) -> str:
        """'Leads group: next meeting due 03/04/2026 (monthly)'."""
        cadence = choices.label(choices.CADENCES, self.cadence).lower()
        if self.last is None or self.due is None:
            return f"{self.group}: no meeting recorded yet ({cadence})"
        when = f"{self.due:%d/%m/%Y}"
        if self.due < today:
            return f"{self.group}: meeting overdue since {when} ({cadence})"
        return f"{self.group}: next meeting due {when} ({cadence})"

    def overdue(self, today: dt.date) -> bool:
        """The due date has passed with no meeting."""
        return self.due is not None and self.due < today


def meetings_due(
    programme: Programme | None, aims: Sequence[Aim], meetings: Sequence[Meeting]
) -> list[MeetingDue]:
    """The Leads group's and each active aim group's next meeting, from its cadence."""
    out = []

    def last_of(match: list[Meeting]) -> dt.date | None:
        dates = [m.date for m in match if m.date is not None]
        return max(dates) if dates else None

    if programme is not None and programme.leads_cadence:
        last = last_of([m for m in meetings if m.kind == "leads"])
        due = next_due(last, programme.leads_cadence) if last else None
        out.append(MeetingDue("Leads group", programme.leads_cadence, last, due))
    for aim in aims:
        if not aim.group_cadence or aim.status != "active":
            continue
        code = " ".join(aim.code.lower().split())
        mine = [m for m in meetings if m.kind == "aim" and " ".join(m.aim.lower().split()) == code]
        last = last_of(mine)
        due = next_due(last, aim.group_cadence) if last else None
        out.append(MeetingDue(f"{aim.code} group", aim.group_cadence, last, due))
    return out


@value_class(frozen=True)
class OpenAction:
    """An action with the meeting that agreed it."""

    action: Action
    meeting: Meeting


def open_actions(meetings: Sequence[Meeting]) -> list[OpenAction]:
    """Every action not done, soonest due first (undated last)."""
    found = [OpenAction(a, m) for m in meetings for a in m.actions if not a.done]
    return sorted(found, key=lambda o: (o.action.due is None, o.action.due or dt.date.max))


def overdue_actions(meetings: Sequence[Meeting], today: dt.date) -> list[OpenAction]:
    """Open actions past their due date."""
    return [o for o in open_actions(meetings) if o.action.overdue(today)]


# -- self-assessment --------------------------------------------------------------------------
@value_class(frozen=True)
class AssessQuestion:
    """A question as the screen and the CLI show it: template or the group's own."""

    id: str
    theme: str
    text: str
    evidence_key: str = ""
    custom: bool = False


def all_questions(custom: Sequence[Question]) -> list[AssessQuestion]:
    """The template's questions, each theme followed by the group's own for it."""
    by_theme: dict[str, list[Question]] = {}
    for q in custom:
        by_theme.setdefault(q.theme, []).append(q)
    out = []
    known = set()
    for theme in template().themes:
        known.add(theme.id)
        out += [AssessQuestion(q.id, theme.id, q.text, q.evidence) for q in theme.questions]
        out += [
            AssessQuestion(q.id, q.theme, q.text, custom=True) for q in by_theme.get(theme.id, [])
        ]
    for q in custom:
        if q.theme not in known:
            out.append(AssessQuestion(q.id, q.theme, q.text, custom=True))
    return out


def theme_name(theme_id: str) -> str:
    """A theme's name ('Data'), or its id when unknown."""
    theme = template().theme(theme_id)
    return theme.name if theme is not None else theme_id


def status_of(answers: dict[str, Answer], question_id: str) -> str:
    """The stored status, or 'not-yet' for a question not answered yet."""
    answer = answers.get(question_id)
    return answer.status if answer is not None else "not-yet"


@value_class(frozen=True)
class ThemeScore:
    """How many of a theme's questions are in place (n/a questions do not count)."""

    theme: str
    in_place: int
    applicable: int


def theme_scores(
    questions: Sequence[AssessQuestion], answers: dict[str, Answer]
) -> list[ThemeScore]:
    """Per theme, in template order: in place out of applicable."""
    order: list[str] = []
    counts: dict[str, list[int]] = {}
    for q in questions:
        if q.theme not in counts:
            order.append(q.theme)
            counts[q.theme] = [0, 0]
        status = status_of(answers, q.id)
        if status == "n/a":
            continue
        counts[q.theme][1] += 1
        if status == "in-place":
            counts[q.theme][0] += 1
    return [ThemeScore(t, counts[t][0], counts[t][1]) for t in order]


def _when(day: dt.date, latest: dt.date) -> str:
    return f"{day:%B}" if day.year == latest.year else f"{day:%B %Y}"


def progress_lines(
    questions: Sequence[AssessQuestion],
    latest: dict[str, Answer],
    latest_date: dt.date,
    previous: dict[str, Answer] | None,
    previous_date: dt.date | None,
) -> list[str]:
    """'Data: 3 of 5 in place, up from 1 in March' for every theme."""
    now = theme_scores(questions, latest)
    before = {s.theme: s for s in theme_scores(questions, previous)} if previous is not None else {}
    lines = []
    for s in now:
        line = f"{theme_name(s.theme)}: {s.in_place} of {s.applicable} in place"
        old = before.get(s.theme)
        if old is not None and previous_date is not None:
            when = _when(previous_date, latest_date)
            if old.in_place < s.in_place:
                line += f", up from {old.in_place} in {when}"
            elif old.in_place > s.in_place:
                line += f", down from {old.in_place} in {when}"
            else:
                line += f", as in {when}"
        lines.append(line)
    return lines


@value_class(frozen=True)
class Change:
    """A question whose status changed between two assessments."""

    question: AssessQuestion
    before: str
    after: str


def changes_between(
    questions: Sequence[AssessQuestion], latest: dict[str, Answer], previous: dict[str, Answer]
) -> list[Change]:
    """Questions whose status differs between ``previous`` and ``latest``."""
    out = []
    for q in questions:
        a, b = status_of(previous, q.id), status_of(latest, q.id)
        if a != b:
            out.append(Change(q, a, b))
    return out


# -- evidence ------------------------------------------------------------------------------
@value_class
class Facts:
    """What the store holds that evidence is drawn from."""

    programme: Programme | None
    aims: Sequence[Aim]
    ideas: Sequence[ChangeIdea]
    cycles: Sequence[Cycle]
    feedback: Sequence[Feedback]
    meetings: Sequence[Meeting]
    today: dt.date
    _cache: dict[str, str | None] = field(default_factory=dict)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _names(items: Sequence[str], limit: int = 4) -> str:
    shown = list(items[:limit])
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    return ", ".join(shown)


def _leads(f: Facts) -> str:
    p = f.programme
    if p is None:
        return "No programme recorded yet: no PACE lead or data lead named."
    missing = p.missing_leads()
    named = f"PACE lead: {p.pace_lead or '-'}; data lead: {p.data_lead or '-'}."
    if missing:
        return f"{named} Not named yet: {' and '.join(missing)}."
    return named


def _members(f: Facts) -> str:
    p = f.programme
    if p is None or not p.members:
        return "No members recorded in the programme."
    roles = Counter(
        choices.label(choices.AGENCIES, m.agency) or "agency not given" for m in p.members
    )
    parts = [f"{n} {agency}" for agency, n in roles.most_common()]
    return f"{_plural(len(p.members), 'member')}: {', '.join(parts)}."


def _agencies(f: Facts) -> str:
    p = f.programme
    present = {m.agency for m in p.members} if p is not None else set()
    wanted = [k for k in choices.AGENCIES if k != "other"]
    missing = [choices.AGENCIES[k] for k in wanted if k not in present]
    have = len(wanted) - len(missing)
    text = f"Members from {have} of {len(wanted)} agencies."
    if missing:
        text += f" No member from: {', '.join(missing)}."
    return text


def _aim_leads(f: Facts) -> str:
    active = [a for a in f.aims if a.status == "active"]
    if not active:
        return "No active aims."
    without = [a.code for a in active if not a.lead.strip()]
    if not without:
        return f"Every active aim has a lead ({len(active)} of {len(active)})."
    have = len(active) - len(without)
    return f"Aims without a lead: {_names(without)} ({have} of {len(active)} have one)."


def _cadence(f: Facts) -> str:
    p = f.programme
    parts = []
    if p is not None and p.leads_cadence:
        parts.append(
            f"Leads group meets {choices.label(choices.CADENCES, p.leads_cadence).lower()}"
        )
    else:
        parts.append("Leads group cadence not set")
    active = [a for a in f.aims if a.status == "active"]
    unset = [a.code for a in active if not a.group_cadence]
    if active:
        parts.append(
            f"{len(active) - len(unset)} of {len(active)} aim groups have a cadence"
            + (f" (not: {_names(unset)})" if unset else "")
        )
    return "; ".join(parts) + "."


def _meeting_data(f: Facts) -> str:
    recent = [m for m in f.meetings if m.date and m.date >= f.today - dt.timedelta(days=365)]
    if not recent:
        return "No meetings recorded in the last 12 months."
    with_data = sum(1 for m in recent if m.data_reviewed == "yes")
    return (
        f"Data reviewed at {with_data} of {_plural(len(recent), 'meeting')} in the last 12 months."
    )


def _meeting_decisions(f: Facts) -> str:
    recent = [m for m in f.meetings if m.date and m.date >= f.today - dt.timedelta(days=365)]
    if not recent:
        return "No meetings recorded in the last 12 months."
    studied = sum(1 for m in recent if m.decisions)
    decided = sum(len(m.decided()) for m in recent)
    return (
        f"Cycles studied at {studied} of {_plural(len(recent), 'meeting')} in the last 12 "
        f"months; {_plural(decided, 'decision')} recorded."
    )


def _governance(f: Facts) -> str:
    p = f.programme
    if p is None or not p.governance_to.strip():
        return "No governance line recorded (to whom the group reports)."
    how = choices.label(choices.CADENCES, p.governance_cadence).lower() or "cadence not set"
    return f"Reports to {p.governance_to}, {how}."


def _feedback_sources(f: Facts) -> str:
    since = f.today - dt.timedelta(days=91)
    recent = [x for x in f.feedback if x.date and since <= x.date <= f.today]
    counts = Counter(x.source for x in recent)
    heard = ", ".join(
        f"{choices.label(choices.FEEDBACK_SOURCES, k).lower()} {n}" for k, n in counts.most_common()
    )
    silent = [
        choices.FEEDBACK_SOURCES[k].lower()
        for k in choices.FEEDBACK_SOURCES
        if k != "other" and k not in counts
    ]
    text = (
        f"Feedback in the last 3 months: {heard}."
        if recent
        else "No feedback recorded in the last 3 months."
    )
    if silent:
        text += f" Not heard from: {', '.join(silent)}."
    return text


def _aim_refresh(f: Facts) -> str:
    active = [a for a in f.aims if a.status == "active"]
    if not active:
        return "No active aims."
    year_ago = f.today - dt.timedelta(days=365)
    stale = [a.code for a in active if _stamp_date(a.updated) < year_ago]
    if not stale:
        return f"Every active aim was changed within the last year ({len(active)})."
    return f"Aims unchanged for over a year: {_names(stale)}."


def _stamp_date(stamp: str) -> dt.date:
    try:
        return dt.date.fromisoformat(stamp[:10])
    except ValueError:
        return dt.date.min


def _aim_statements(f: Facts) -> str:
    active = [a for a in f.aims if a.status == "active"]
    unclear = [a.code for a in active if a.statement_hints()]
    if not active:
        return "No active aims."
    if not unclear:
        return "Every active aim states %, a from-date and a by-date."
    return f"Aims missing a %, from-date or by-date: {_names(unclear)}."


def _local_aims(f: Facts) -> str:
    kinds = Counter(a.kind for a in f.aims)
    local = _plural(kinds["local"], "local aim")
    return f"{local} and {_plural(kinds['national'], 'national (PACE) aim')}."


def _cycles(f: Facts) -> str:
    if not f.cycles:
        return "No PDSA cycles recorded yet."
    closed = sum(1 for c in f.cycles if c.stage == "closed")
    return (
        f"{_plural(len(f.cycles), 'PDSA cycle')} recorded across "
        f"{_plural(len({c.idea_id for c in f.cycles}), 'change idea')}; {closed} decided."
    )


def _idea_leads(f: Facts) -> str:
    live = [i for i in f.ideas if i.status != "abandoned"]
    if not live:
        return "No change ideas yet."
    without = [i.title for i in live if not i.lead.strip()]
    if not without:
        return f"Every change idea has a lead ({len(live)} of {len(live)})."
    return f"Change ideas without a lead: {_names(without)}."


def _localities(f: Facts) -> str:
    p = f.programme
    if p is None or not p.localities:
        return "No localities recorded in the programme."
    tested = {s.strip().lower() for i in f.ideas for s in i.settings}
    untested = [loc for loc in p.localities if loc.strip().lower() not in tested]
    if not untested:
        return f"Change ideas tested in every locality ({len(p.localities)})."
    return (
        f"Tested in {len(p.localities) - len(untested)} of {len(p.localities)} localities; "
        f"not yet in: {_names(untested)}."
    )


_EVIDENCE = {
    "leads": _leads,
    "members": _members,
    "agencies": _agencies,
    "aim_leads": _aim_leads,
    "cadence": _cadence,
    "meeting_data": _meeting_data,
    "meeting_decisions": _meeting_decisions,
    "governance": _governance,
    "feedback_sources": _feedback_sources,
    "aim_refresh": _aim_refresh,
    "aim_statements": _aim_statements,
    "local_aims": _local_aims,
    "cycles": _cycles,
    "idea_leads": _idea_leads,
    "localities": _localities,
}


def evidence(key: str, facts: Facts) -> str | None:
    """What pdsa knows about a question (by its evidence key), or None."""
    if not key or key not in _EVIDENCE:
        return None
    if key not in facts._cache:
        facts._cache[key] = _EVIDENCE[key](facts)
    return facts._cache[key]


def evidence_keys() -> frozenset[str]:
    """Every evidence key pdsa can answer."""
    return frozenset(_EVIDENCE)


def template_question(question_id: str) -> TemplateQuestion | None:
    """The template question with this id."""
    return next((q for q in template().questions() if q.id == question_id), None)


def facts_from(store: Store, today: dt.date) -> Facts:
    """The facts evidence is drawn from, read from ``store``."""
    return Facts(
        store.programme(),
        store.aims(),
        store.ideas(),
        store.all(Cycle),
        store.all(Feedback),
        store.meetings(),
        today,
    )


def overview_notes(
    programme: Programme | None, aims: Sequence[Aim], meetings: Sequence[Meeting], today: dt.date
) -> tuple[str, list[str]]:
    """For the aims overview: one line on the programme, and what needs attention."""
    if programme is None:
        return ("none yet: press p to name the leads and the team", [])
    warnings = [
        f"No {role.lower()} named: the template calls this role crucial"
        for role in programme.missing_leads()
    ]
    due = meetings_due(programme, aims, meetings)
    for d in due:
        if d.overdue(today):
            warnings.append(d.text(today))
    for o in overdue_actions(meetings, today):
        assert o.action.due is not None
        warnings.append(
            f"Action overdue: {o.action.what} ({o.action.owner or 'no owner'}, "
            f"due {o.action.due:%d/%m/%Y})"
        )
    line = programme.name
    leads = [d for d in due if d.group == "Leads group"]
    if leads:
        line += " · " + leads[0].text(today)
    return line, warnings
