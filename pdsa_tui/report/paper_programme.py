"""Board papers of the governance pack, meeting minutes, a change package and the summary.

The pack opens with the one-page summary and the aims, then the meetings, then the
self-assessment (every question with its status, notes, action and owner; in an appendix
when there are many), and the programme's team last.
"""

from __future__ import annotations

import datetime as dt

from pdsa_tui.analysis import programme as ap
from pdsa_tui.model import choices
from pdsa_tui.model.drivers import EVIDENCE_TRIGGERS, is_decision_step, step_text
from pdsa_tui.model.programme import Meeting
from pdsa_tui.report import document
from pdsa_tui.report.document import day
from pdsa_tui.report.drivers_content import PackageContent
from pdsa_tui.report.paper import (
    Cell,
    Chart,
    Orientation,
    PageBreak,
    Paper,
    Run,
    Table,
    spark_svg,
    tone_runs,
)
from pdsa_tui.report.paper_build import measure_blocks
from pdsa_tui.report.programme import (
    PackContent,
    aim_status_text,
    decision_text,
    meeting_kind,
    overdue_text,
    pack_title,
    programme_rows,
    status_text,
)
from pdsa_tui.report.summary import HEADERS, KEY, Summary, aim_line, row_cells

#: More self-assessment questions than this go to an appendix at the end of the pack.
APPENDIX_AFTER = 12


def summary_table(s: Summary, *, sparks: bool) -> list[tuple[str, Table]]:
    """One table per aim: (the aim's line, its rows); sparklines as SVG when ``sparks``."""
    out = []
    for g in s.groups:
        rows: list[list[Cell]] = []
        for r in g.rows:
            cells: list[Cell] = list(row_cells(r))
            cells[4] = tone_runs(r.standing.icons.variation)
            rows.append(cells)
        t = Table(
            list(HEADERS),
            rows,
            [2.6, 0.75, 0.95, 0.75, 1.25, 1.2, 1.1, 4.9, 0.55, 0.45, 0.65],
            small=True,
        )
        if sparks:
            t.spark_col = 6
            t.sparks = [
                spark_svg(r.standing.values[-24:], r.standing.icons.variation) for r in g.rows
            ]
        out.append((aim_line(g), t))
    return out


def summary_paper(s: Summary, *, header: str = "") -> Paper:
    """The one-page summary, A4 landscape."""
    p = Paper(s.title, "Summary", s.subtitle, s.exported, header or s.programme, landscape=True)
    p.heading(1, s.title)
    _summary_body(p, s, 2)
    return p


def _summary_body(p: Paper, s: Summary, level: int) -> None:
    for line, table in summary_table(s, sparks=True):
        p.heading(level, line)
        if table.rows:
            p.add(table)
        else:
            p.para(Run("No measures yet.", italic=True))
    p.para(KEY.format(since=day(s.since)), note=True)


def minutes_paper(meeting: Meeting, *, header: str, now: dt.datetime) -> Paper:
    """One meeting's minutes."""
    title = f"Minutes: {meeting_kind(meeting)}, {day(meeting.date)}"
    p = Paper(title, "Meeting minutes", "", now, header)
    p.heading(1, title)
    facts = [
        ("Date", day(meeting.date)),
        ("Meeting", meeting_kind(meeting)),
        ("Present", ", ".join(meeting.present)),
        ("Data reviewed", choices.label(choices.YES_NO, meeting.data_reviewed)),
    ]
    if meeting.from_review:
        facts.append(("Recorded from", "a run of the review queue"))
    p.fields(facts)
    _meeting_body(p, meeting, 2)
    return p


def _meeting_body(p: Paper, m: Meeting, level: int) -> None:
    p.heading(level, "Cycles studied and decisions")
    if m.decisions:
        p.add(
            Table(
                ["Cycle", "Decision", "Note"],
                [[d.label, decision_text(d.decision), d.note.strip()] for d in m.decisions],
                [3, 1.2, 4],
            )
        )
    else:
        p.para(Run("No cycles studied.", italic=True))
    p.heading(level, "Actions")
    if m.actions:
        p.add(
            Table(
                ["Action", "Owner", "Due", "Done"],
                [[a.what, a.owner, day(a.due), "done" if a.done else "open"] for a in m.actions],
                [4, 1.5, 1.5, 0.8],
            )
        )
    else:
        p.para(Run("No actions.", italic=True))
    if m.notes.strip():
        p.heading(level, "Notes")
        p.para(m.notes.strip())


def pack_paper(pack: PackContent, summary: Summary) -> Paper:
    """The governance pack: summary, aims, meetings, self-assessment, then the team."""
    title, subtitle = pack_title(pack)
    header = pack.programme.name if pack.programme else "PACE programme"
    # The summary opens the pack on an A4 landscape page of its own; the rest is portrait.
    p = Paper(title, "Governance pack", subtitle, pack.exported, header, landscape=True)
    p.heading(1, title)
    p.heading(2, "Summary of every measure")
    for line, table in summary_table(summary, sparks=True):
        p.heading(3, line)
        if table.rows:
            p.add(table)
        else:
            p.para(Run("No measures yet.", italic=True))
    p.para(KEY.format(since=day(summary.since)), note=True)
    p.add(Orientation(False))
    lines = [d.text(pack.today) for d in pack.due] + [overdue_text(o) for o in pack.overdue]
    if lines:
        p.heading(2, "Due and overdue")
        p.bullets(lines)
    p.heading(2, "Aims")
    for aim, measures in pack.aims:
        p.heading(3, f"{aim.code}: {aim.statement}")
        p.para(aim_status_text(aim))
        for mc in measures:
            measure_blocks(p, mc, 4)
    p.heading(2, "Meetings: decisions and actions")
    if not pack.meetings:
        p.para(Run("No meetings in this period.", italic=True))
    for m in pack.meetings:
        p.heading(3, f"{meeting_kind(m)}, {day(m.date)}")
        p.fields([("Present", ", ".join(m.present))])
        _meeting_body(p, m, 4)
    appendix = _assessment(p, pack)
    p.heading(2, "The programme")
    p.fields(programme_rows(pack.programme))
    prog = pack.programme
    if prog is not None and prog.members:
        p.add(
            Table(
                ["Member", "Role", "Agency"],
                [[m.name, m.role, choices.label(choices.AGENCIES, m.agency)] for m in prog.members],
            )
        )
    if appendix is not None:
        p.add(PageBreak())
        p.heading(2, "Appendix: every self-assessment question")
        p.add(appendix)
    return p


def _assessment(p: Paper, pack: PackContent) -> Table | None:
    """The self-assessment; returns the question table when it goes to the appendix."""
    p.heading(2, "Self-assessment")
    a = pack.assessment
    if a is None:
        p.para(Run("No self-assessment recorded yet.", italic=True))
        return None
    head = f"Latest: {day(a.latest.date)}"
    if a.previous is not None:
        head += f"; compared with {day(a.previous.date)}"
    p.para(Run(head + ".", bold=True))
    p.bullets(a.progress)
    if a.changes:
        p.heading(3, "Changed since the last self-assessment")
        p.add(
            Table(
                ["Theme", "Question", "Was", "Now"],
                [
                    [
                        ap.theme_name(c.question.theme),
                        c.question.text,
                        status_text(c.before),
                        status_text(c.after),
                    ]
                    for c in a.changes
                ],
                [1.2, 4, 1, 1],
            )
        )
    table = Table(
        ["Theme", "Question", "Status", "Notes", "Action", "Owner", "Review"],
        [
            [
                ap.theme_name(q.theme),
                q.text + (f"\n(pdsa: {ev})" if ev else ""),
                status_text(status) or "Not answered",
                notes.strip(),
                action.strip(),
                owner,
                day(review),
            ]
            for q, status, notes, action, owner, review, ev in a.rows
        ],
        [1.1, 3.4, 0.9, 2, 2, 1, 1],
        small=True,
    )
    if len(a.rows) > APPENDIX_AFTER:
        p.para(
            f"Every question ({len(a.rows)}) with its status, notes, action and owner is in the "
            "appendix at the end of this pack."
        )
        return table
    p.heading(3, "Every question")
    p.add(table)
    return None


def package_paper(pc: PackageContent, *, header: str, now: dt.datetime) -> Paper:
    """A change package."""
    from pdsa_tui.report.driver_svg import flowchart_svg
    from pdsa_tui.report.drivers_render import audit_rows, package_facts

    pkg = pc.package
    title = f"Change package: {pc.idea.title}"
    sub = f"{pc.aim.code}: {pc.aim.statement}" if pc.aim else ""
    p = Paper(title, "Change package", sub, now, header)
    p.heading(1, title)
    p.fields(package_facts(pc))
    p.heading(2, "Why and what")
    p.fields([("Guidance", pkg.guidance)])
    p.heading(2, "The new process")
    steps = pkg.step_list()
    if steps:
        texts = [("Decision: " if is_decision_step(s) else "") + step_text(s) for s in steps]
        p.add(Chart(flowchart_svg(steps), "Flowchart of the new process: " + "; ".join(texts)))
        p.bullets([f"{k}. {t}" for k, t in enumerate(texts, start=1)])
    else:
        p.para(Run(document.NOT_RECORDED, italic=True))

    def pairs(headers: list[str], rows: list[tuple[str, str]]) -> None:
        if rows:
            p.add(Table(headers, [[a, b] for a, b in rows]))
        else:
            p.para(Run(document.NOT_RECORDED, italic=True))

    p.heading(2, "Who to contact")
    pairs(["Role", "Who"], pkg.contact_pairs())
    p.heading(2, "Resources (where they are kept)")
    res = pkg.lines("resources")
    p.bullets(res) if res else p.para(Run(document.NOT_RECORDED, italic=True))
    p.heading(2, "Training and coaching")
    p.fields([("Training", pkg.training)])
    p.heading(2, "Approvals")
    pairs(["Who", "When"], pkg.approval_pairs())
    p.heading(2, "Self-audit plan")
    if pc.audit_due:
        p.para(Run(f"A self-audit is due: {day(pkg.audit_next_due)}.", bold=True))
    p.fields(audit_rows(pc))
    p.heading(2, "The evidence behind it")
    for r in pc.reviews[:1]:
        why = EVIDENCE_TRIGGERS.get(r.trigger, r.trigger).lower()
        p.para(Run(f"Agreed on {day(r.date)}", bold=True), Run(f" ({why}): {r.reason.strip()}"))
    for head, lines in pc.evidence.sections():
        p.heading(3, head)
        p.bullets(lines)
    p.heading(2, "Spread by locality")
    pairs(["Locality", "Stage"], pc.spread)
    return p
