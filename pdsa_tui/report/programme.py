"""Meeting minutes and the governance pack: their content, minutes as Markdown and HTML,
the pack as JSON (its Markdown and HTML are in :mod:`pack_render`).

The pack holds the summary of every measure, each aim's status and its measures'
charts, the decisions and actions of meetings since a date, the latest
self-assessment with the change since the one before, and the programme (team,
leads, cadences, governance line).
User text is escaped by the same helpers as the aim reports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from pdsa_tui import __version__
from pdsa_tui.analysis import programme as ap
from pdsa_tui.analysis.cases import group_cases, live_measures
from pdsa_tui.model import Aim, Case, choices, format_date
from pdsa_tui.model.programme import Assessment, Meeting, Programme
from pdsa_tui.report import content, document
from pdsa_tui.report import html as H
from pdsa_tui.report import markdown as M
from pdsa_tui.store import Store

if TYPE_CHECKING:
    from pdsa_tui.report.summary import Summary

MINUTES_FORMATS = ("md", "html", "docx", "pdf")
PACK_FORMATS = ("md", "html", "json", "docx", "pdf")


def meeting_kind(m: Meeting) -> str:
    if m.kind == "aim" and m.aim:
        return f"{m.aim} group"
    return choices.label(choices.MEETING_KINDS, m.kind)


def decision_text(d: str) -> str:
    return choices.label(choices.DECISIONS, d) or "Studied (no decision yet)"


def status_text(s: str) -> str:
    return choices.label(choices.ASSESS_STATUSES, s)


# -- content -----------------------------------------------------------------------------
@dataclass
class AssessContent:
    """The latest self-assessment, with what changed since the one before."""

    latest: Assessment
    previous: Assessment | None
    progress: list[str]
    changes: list[ap.Change]
    rows: list[tuple[ap.AssessQuestion, str, str, str, str, dt.date | None, str | None]]


@dataclass
class PackContent:
    """What the governance pack holds."""

    programme: Programme | None
    today: dt.date
    exported: dt.datetime
    since: dt.date | None
    meetings: list[Meeting]
    due: list[ap.MeetingDue]
    overdue: list[ap.OpenAction]
    open_actions: list[ap.OpenAction]
    assessment: AssessContent | None
    aims: list[tuple[Aim, list[document.MeasureContent]]] = field(default_factory=list)
    #: Every measure on one page, which the pack opens with.
    summary: Summary | None = None


def assessment_content(store: Store, today: dt.date) -> AssessContent | None:
    """The latest round against the one before, or None when there is none."""
    rounds = store.assessments()
    if not rounds:
        return None
    latest, previous = rounds[0], (rounds[1] if len(rounds) > 1 else None)
    questions = ap.all_questions(store.questions())
    answers = store.answers(latest.id)
    before = store.answers(previous.id) if previous is not None else None
    assert latest.date is not None
    progress = ap.progress_lines(
        questions, answers, latest.date, before, previous.date if previous else None
    )
    changes = ap.changes_between(questions, answers, before) if before is not None else []
    facts = ap.facts_from(store, today)
    rows = []
    for q in questions:
        a = answers.get(q.id)
        rows.append(
            (
                q,
                ap.status_of(answers, q.id),
                a.notes if a else "",
                a.action if a else "",
                a.owner if a else "",
                a.review if a else None,
                ap.evidence(q.evidence_key, facts),
            )
        )
    return AssessContent(latest, previous, progress, changes, rows)


def pack_content(
    store: Store, *, since: dt.date | None, today: dt.date, now: dt.datetime | None = None
) -> PackContent:
    """The governance pack's content; meetings on or after ``since`` (all when None)."""
    meetings = store.meetings()
    chosen = [m for m in meetings if since is None or (m.date is not None and m.date >= since)]
    aims = []
    cases = store.all(Case)
    by_measure = group_cases(cases)
    for aim in store.aims():
        markers = content.cycle_markers(store, aim)
        measures = live_measures(store.measures(aim.id), cases, today)
        aims.append(
            (
                aim,
                [
                    content.measure_content(
                        m,
                        aim,
                        markers,
                        # Counts only: a governance pack never names a case.
                        content.case_summary(
                            m, by_measure.get(m.id, []), today, include_cases=False
                        )
                        if m.cases
                        else None,
                        store.default_rules(),
                    )
                    for m in measures
                ],
            )
        )
    from pdsa_tui.report.summary import build_summary

    prog = store.programme()
    return PackContent(
        programme=prog,
        today=today,
        exported=now or dt.datetime.now().astimezone(),
        since=since,
        meetings=chosen,
        due=ap.meetings_due(prog, store.aims(), meetings),
        overdue=ap.overdue_actions(meetings, today),
        open_actions=ap.open_actions(meetings),
        assessment=assessment_content(store, today),
        aims=aims,
        summary=build_summary(store, today=today, now=now),
    )


def programme_rows(p: Programme | None) -> list[tuple[str, str]]:
    if p is None:
        return [("Programme", "No programme recorded yet")]
    gov = p.governance_to
    if gov:
        gov += f", {choices.label(choices.CADENCES, p.governance_cadence).lower()}"
    return [
        ("PACE lead", p.pace_lead or "NOT NAMED (the template calls this role crucial)"),
        ("Data lead", p.data_lead or "NOT NAMED (the template calls this role crucial)"),
        ("Leads group meets", choices.label(choices.CADENCES, p.leads_cadence)),
        ("Reports to", gov),
        ("Localities", ", ".join(p.localities)),
    ]


def aim_status_text(aim: Aim) -> str:
    parts = [choices.label(choices.AIM_STATUSES, aim.status)]
    if aim.deadline:
        parts.append(f"by {format_date(aim.deadline)}")
    parts.append(f"lead: {aim.lead or 'none'}")
    if aim.group_cadence:
        parts.append(f"group meets {choices.label(choices.CADENCES, aim.group_cadence).lower()}")
    return "; ".join(parts)


# -- minutes -------------------------------------------------------------------------------
def minutes_text(meeting: Meeting, fmt: str, *, now: dt.datetime | None = None) -> str:
    """One meeting's minutes as ``md`` or ``html``."""
    if fmt not in ("md", "html"):  # Word and PDF: papers.minutes_bytes
        raise ValueError(f"minutes as text are exported as md or html, not '{fmt}'")
    stamp = now or dt.datetime.now().astimezone()
    title = f"Minutes: {meeting_kind(meeting)}, {document.day(meeting.date)}"
    facts = [
        ("Date", document.day(meeting.date)),
        ("Meeting", meeting_kind(meeting)),
        ("Present", ", ".join(meeting.present)),
        ("Data reviewed", choices.label(choices.YES_NO, meeting.data_reviewed)),
    ]
    if meeting.from_review:
        facts.append(("Recorded from", "a run of the review queue"))
    if fmt == "md":
        w = M.Writer()
        w.heading(1, M.escape_inline(title))
        w.para(f"*Exported {document.day(stamp.date())} at {stamp:%H:%M} by pdsa {__version__}.*")
        w.para(*M.field_list(facts))
        meeting_body_md(w, meeting, 2)
        return w.text()
    body = H.fields_html(facts) + meeting_body_html(meeting, 2)
    return page_html(title, "Meeting minutes", "", body, stamp)


def meeting_body_md(w: M.Writer, m: Meeting, level: int) -> None:
    w.heading(level, "Cycles studied and decisions")
    if m.decisions:
        w.para(
            *M.table_lines(
                ["Cycle", "Decision", "Note"],
                [
                    [M.escape_cell(d.label), decision_text(d.decision), M.escape_cell(d.note)]
                    for d in m.decisions
                ],
            )
        )
    else:
        w.para("*No cycles studied.*")
    w.heading(level, "Actions")
    if m.actions:
        w.para(
            *M.table_lines(
                ["Action", "Owner", "Due", "Done"],
                [
                    [
                        M.escape_cell(a.what),
                        M.escape_cell(a.owner),
                        document.day(a.due),
                        "done" if a.done else "open",
                    ]
                    for a in m.actions
                ],
            )
        )
    else:
        w.para("*No actions.*")
    if m.notes.strip():
        w.heading(level, "Notes")
        w.para(M.escape_block(m.notes))


def meeting_body_html(m: Meeting, level: int) -> str:
    out = [H.heading_html(level, "Cycles studied and decisions")]
    if m.decisions:
        out.append(
            H.table_html(
                ["Cycle", "Decision", "Note"],
                [
                    [H.esc(d.label), H.esc(decision_text(d.decision)), H.text_html(d.note)]
                    for d in m.decisions
                ],
            )
        )
    else:
        out.append('<p class="empty">No cycles studied.</p>')
    out.append(H.heading_html(level, "Actions"))
    if m.actions:
        out.append(
            H.table_html(
                ["Action", "Owner", "Due", "Done"],
                [
                    [
                        H.esc(a.what),
                        H.text_html(a.owner),
                        H.esc(document.day(a.due)),
                        "done" if a.done else "open",
                    ]
                    for a in m.actions
                ],
            )
        )
    else:
        out.append('<p class="empty">No actions.</p>')
    if m.notes.strip():
        out.append(H.heading_html(level, "Notes") + f"<p>{H.text_html(m.notes)}</p>")
    return "".join(out)


def page_html(title: str, kicker: str, subtitle: str, body: str, stamp: dt.datetime) -> str:
    sub = f'<p class="subtitle">{H.esc(subtitle)}</p>' if subtitle else ""
    extra = (
        ".status{font-weight:600;white-space:nowrap}.status.in-place{color:#2b8a3e}.status.partly{color:#e67700}"
        ".status.not-yet{color:#c92a2a}.status.n\\/a{color:var(--muted)}"
        ".evidence{color:var(--muted);font-size:.85rem}"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="pdsa {H.esc(__version__)}">\n'
        f"<title>{H.esc(title)}</title>\n<style>{H.CSS}{extra}</style>\n</head>\n<body>\n"
        '<div class="page">\n<header class="doc-head">'
        f'<p class="kicker">PDSA quality improvement · {H.esc(kicker)}</p>'
        f"<h1>{H.esc(title)}</h1>{sub}"
        f'<p class="meta">Exported {H.esc(document.day(stamp.date()))} at {stamp:%H:%M} '
        f"by pdsa {H.esc(__version__)}</p></header>\n<main>\n{body}\n</main>\n"
        "<footer>Produced with pdsa. Records describe roles, never names: please keep it that "
        "way when you share or annotate this document.</footer>\n</div>\n</body>\n</html>\n"
    )


# -- the governance pack ---------------------------------------------------------------------
def pack_text(pack: PackContent, fmt: str) -> str:
    """The governance pack as ``md``, ``html`` or ``json``."""
    if fmt in ("md", "html"):
        from pdsa_tui.report.pack_render import pack_html, pack_md

        summary = pack.summary
        assert summary is not None  # pack_content always builds it
        return pack_md(pack, summary) if fmt == "md" else pack_html(pack, summary)
    if fmt == "json":
        return _pack_json(pack)
    raise ValueError(f"the governance pack is exported as md, html or json, not '{fmt}'")


def pack_title(pack: PackContent) -> tuple[str, str]:
    name = pack.programme.name if pack.programme else "PACE programme"
    since = f"meetings since {document.day(pack.since)}" if pack.since else "all meetings"
    return f"{name}: governance pack", f"As of {document.day(pack.today)}; {since}"


def overdue_text(o: ap.OpenAction) -> str:
    owner = o.action.owner or "no owner"
    return f"Overdue: {o.action.what} ({owner}, due {document.day(o.action.due)})"


def status_html(status: str) -> str:
    return f'<span class="status {escape(status)}">{H.esc(status_text(status))}</span>'


def _pack_json(pack: PackContent) -> str:
    def rec(r: Any) -> Any:
        return r.to_dict() if r is not None else None

    a = pack.assessment
    data: dict[str, Any] = {
        "kind": "governance-pack",
        "exported": pack.exported.isoformat(timespec="seconds"),
        "today": pack.today.isoformat(),
        "since": pack.since.isoformat() if pack.since else None,
        "programme": rec(pack.programme),
        "next_meetings": [
            {
                "group": d.group,
                "cadence": d.cadence,
                "last": d.last.isoformat() if d.last else None,
                "due": d.due.isoformat() if d.due else None,
            }
            for d in pack.due
        ],
        "overdue_actions": [
            {
                **dataclasses.asdict(o.action),
                "due": o.action.due.isoformat() if o.action.due else None,
                "meeting": o.meeting.id,
            }
            for o in pack.overdue
        ],
        "assessment": None
        if a is None
        else {
            "latest": rec(a.latest),
            "previous": rec(a.previous),
            "progress": a.progress,
            "changes": [
                {
                    "id": c.question.id,
                    "question": c.question.text,
                    "before": c.before,
                    "after": c.after,
                }
                for c in a.changes
            ],
            "questions": [
                {
                    "id": q.id,
                    "theme": ap.theme_name(q.theme),
                    "question": q.text,
                    "status": status,
                    "notes": notes,
                    "action": action,
                    "owner": owner,
                    "review": review.isoformat() if review else None,
                    "evidence": ev,
                }
                for q, status, notes, action, owner, review, ev in a.rows
            ],
        },
        "aims": [
            {
                "aim": rec(aim),
                "measures": [
                    {
                        "id": mc.measure.id,
                        "name": mc.measure.name,
                        "latest": mc.latest,
                        "signal": mc.analysis.signal,
                    }
                    for mc in measures
                ],
            }
            for aim, measures in pack.aims
        ],
        "meetings": [rec(m) for m in pack.meetings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
