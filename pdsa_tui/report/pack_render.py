"""The governance pack as Markdown and HTML, in the order a board reads it.

First the one-page summary of every measure and what is due, then each aim with its
charts, then the meetings' decisions and actions, then the self-assessment (every
question with its status, notes, action and owner; in an appendix when there are many),
and the programme's team last. Word and PDF follow the same order (paper_programme).
"""

from __future__ import annotations

from pdsa_tui import __version__
from pdsa_tui.analysis import programme as ap
from pdsa_tui.model import choices
from pdsa_tui.report import content
from pdsa_tui.report import html as H
from pdsa_tui.report import markdown as M
from pdsa_tui.report.programme import (
    AssessContent,
    PackContent,
    _aim_status,
    _html_meeting_body,
    _html_page,
    _kind,
    _md_meeting_body,
    _overdue_text,
    _pack_title,
    _programme_rows,
    _status,
    _status_html,
)
from pdsa_tui.report.summary import HEADERS, KEY, Summary, aim_line, row_cells

#: More self-assessment questions than this go to an appendix at the end of the pack.
APPENDIX_AFTER = 12
QUESTION_HEADERS = ["Theme", "Question", "Status", "Notes", "Action", "Owner", "Review"]


def _question_cells(row: tuple) -> list[str]:
    """A question's cells as plain text, in :data:`QUESTION_HEADERS` order."""
    q, status, notes, action, owner, review, ev = row
    text = q.text + (f"\n(pdsa: {ev})" if ev else "")
    return [
        ap.theme_name(q.theme),
        text,
        _status(status) or "Not answered",
        notes.strip(),
        action.strip(),
        owner,
        content.day(review),
    ]


def _lines(pack: PackContent) -> list[str]:
    return [d.text(pack.today) for d in pack.due] + [_overdue_text(o) for o in pack.overdue]


# -- Markdown ---------------------------------------------------------------------------------
def pack_md(pack: PackContent, summary: Summary) -> str:
    """The pack as Markdown."""
    title, subtitle = _pack_title(pack)
    w = M._Writer()
    w.heading(1, M.escape_inline(title))
    w.para(
        f"*{subtitle}. Exported {content.day(pack.exported.date())} at "
        f"{pack.exported:%H:%M} by pdsa {__version__}.*"
    )
    w.heading(2, "Summary of every measure")
    for g in summary.groups:
        w.heading(3, M.escape_inline(aim_line(g)))
        rows = [[M.escape_cell(c) for c in row_cells(r)] for r in g.rows]
        w.para(*(M._table(list(HEADERS), rows) if rows else ["*No measures yet.*"]))
    w.para(f"*{M.escape_inline(KEY.format(since=content.day(summary.since)))}*")
    if _lines(pack):
        w.heading(3, "Due and overdue")
        w.para(*(f"- {M.escape_inline(x)}" for x in _lines(pack)))
    w.heading(2, "Aims")
    for aim, measures in pack.aims:
        w.heading(3, f"{M.escape_inline(aim.code)}: {M.escape_inline(aim.statement)}")
        w.para(M.escape_inline(_aim_status(aim)))
        for mc in measures:
            M._measure(w, mc, 4)
    w.heading(2, "Meetings: decisions and actions")
    if not pack.meetings:
        w.para("*No meetings in this period.*")
    for m in pack.meetings:
        w.heading(3, M.escape_inline(f"{_kind(m)}, {content.day(m.date)}"))
        w.para(f"Present: {M.escape_inline(', '.join(m.present)) or 'not recorded'}")
        _md_meeting_body(w, m, 4)
    w.heading(2, "Self-assessment")
    a = pack.assessment
    appendix = None
    if a is None:
        w.para("*No self-assessment recorded yet.*")
    else:
        appendix = _md_assessment(w, a)
    w.heading(2, "The programme")
    w.para(*M._field_list(_programme_rows(pack.programme)))
    p = pack.programme
    if p is not None and p.members:
        w.para(
            *M._table(
                ["Member", "Role", "Agency"],
                [
                    [
                        M.escape_cell(m.name),
                        M.escape_cell(m.role),
                        choices.label(choices.AGENCIES, m.agency),
                    ]
                    for m in p.members
                ],
            )
        )
    if appendix:
        w.heading(2, "Appendix: every self-assessment question")
        w.para(*appendix)
    return w.text()


def _md_assessment(w: M._Writer, a: AssessContent) -> list[str] | None:
    head = f"Latest: {content.day(a.latest.date)}"
    if a.previous is not None:
        head += f"; compared with {content.day(a.previous.date)}"
    w.para(f"**{head}.**")
    w.para(*(f"- {M.escape_inline(x)}" for x in a.progress))
    if a.changes:
        w.heading(3, "Changed since the last self-assessment")
        w.para(
            *M._table(
                ["Theme", "Question", "Was", "Now"],
                [
                    [
                        ap.theme_name(c.question.theme),
                        M.escape_cell(c.question.text),
                        _status(c.before),
                        _status(c.after),
                    ]
                    for c in a.changes
                ],
            )
        )
    table = M._table(
        QUESTION_HEADERS, [[M.escape_cell(c) for c in _question_cells(r)] for r in a.rows]
    )
    if len(a.rows) > APPENDIX_AFTER:
        w.para(
            f"Every question ({len(a.rows)}) with its status, notes, action and owner is in "
            "the appendix at the end of this pack."
        )
        return table
    w.heading(3, "Every question")
    w.para(*table)
    return None


# -- HTML -------------------------------------------------------------------------------------
def pack_html(pack: PackContent, summary: Summary) -> str:
    """The pack as one self-contained HTML page."""
    from pdsa_tui.report.html import _tone

    title, subtitle = _pack_title(pack)
    out = [H._h(2, "Summary of every measure")]
    for g in summary.groups:
        out.append(H._h(3, H._e(aim_line(g))))
        rows = []
        for r in g.rows:
            cells = [H._e(c) for c in row_cells(r)]
            cells[4] = _tone(r.standing.icons.variation)
            rows.append(cells)
        out.append(
            H._table(list(HEADERS), rows, "summary")
            if rows
            else '<p class="empty">No measures yet.</p>'
        )
    out.append(f'<p class="note">{H._e(KEY.format(since=content.day(summary.since)))}</p>')
    if _lines(pack):
        out.append(H._h(3, "Due and overdue"))
        out.append(
            '<ul class="attention">'
            + "".join(f"<li>{H._e(x)}</li>" for x in _lines(pack))
            + "</ul>"
        )
    out.append(H._h(2, "Aims"))
    for aim, measures in pack.aims:
        out.append(
            '<section class="aim">'
            + H._h(3, H._e(f"{aim.code}: {aim.statement}"))
            + f"<p>{H._e(_aim_status(aim))}</p>"
            + "".join(H._measure(mc, 4) for mc in measures)
            + "</section>"
        )
    out.append(H._h(2, "Meetings: decisions and actions"))
    if not pack.meetings:
        out.append('<p class="empty">No meetings in this period.</p>')
    for m in pack.meetings:
        out.append(
            H._h(3, H._e(f"{_kind(m)}, {content.day(m.date)}"))
            + f"<p>Present: {H._txt(', '.join(m.present))}</p>"
            + _html_meeting_body(m, 4)
        )
    out.append(H._h(2, "Self-assessment"))
    a = pack.assessment
    appendix = ""
    if a is None:
        out.append('<p class="empty">No self-assessment recorded yet.</p>')
    else:
        appendix = _html_assessment(out, a)
    out.append(H._h(2, "The programme"))
    out.append(H._fields(_programme_rows(pack.programme)))
    p = pack.programme
    if p is not None and p.members:
        out.append(
            H._table(
                ["Member", "Role", "Agency"],
                [
                    [H._e(m.name), H._txt(m.role), H._e(choices.label(choices.AGENCIES, m.agency))]
                    for m in p.members
                ],
            )
        )
    if appendix:
        out.append(H._h(2, "Appendix: every self-assessment question") + appendix)
    return _html_page(title, "Governance pack", subtitle, "".join(out), pack.exported)


def _html_assessment(out: list[str], a: AssessContent) -> str:
    head = f"Latest: {content.day(a.latest.date)}"
    if a.previous is not None:
        head += f"; compared with {content.day(a.previous.date)}"
    out.append(f"<p><strong>{H._e(head)}.</strong></p>")
    out.append("<ul>" + "".join(f"<li>{H._e(x)}</li>" for x in a.progress) + "</ul>")
    if a.changes:
        out.append(H._h(3, "Changed since the last self-assessment"))
        out.append(
            H._table(
                ["Theme", "Question", "Was", "Now"],
                [
                    [
                        H._e(ap.theme_name(c.question.theme)),
                        H._e(c.question.text),
                        _status_html(c.before),
                        _status_html(c.after),
                    ]
                    for c in a.changes
                ],
            )
        )
    rows = []
    for r in a.rows:
        cells = [H._txt(c) if c else "" for c in _question_cells(r)]
        cells[2] = _status_html(r[1]) if r[1] else "Not answered"
        rows.append(cells)
    table = H._table(QUESTION_HEADERS, rows, "questions")
    if len(a.rows) > APPENDIX_AFTER:
        out.append(
            f"<p>Every question ({len(a.rows)}) with its status, notes, action and owner "
            "is in the appendix at the end of this pack.</p>"
        )
        return table
    out.append(H._h(3, "Every question") + table)
    return ""
