"""The governance pack as Markdown and HTML, in the order a board reads it.

First the one-page summary of every measure and what is due, then each aim with its
charts, then the meetings' decisions and actions, then the self-assessment (every
question with its status, notes, action and owner; in an appendix when there are many),
and the programme's team last. Word and PDF follow the same order (paper_programme).
"""

from __future__ import annotations

from typing import Any

from pdsa_tui import __version__
from pdsa_tui.analysis import programme as ap
from pdsa_tui.model import choices
from pdsa_tui.report import document
from pdsa_tui.report import html as H
from pdsa_tui.report import markdown as M
from pdsa_tui.report.programme import (
    AssessContent,
    PackContent,
    aim_status_text,
    meeting_body_html,
    meeting_body_md,
    meeting_kind,
    overdue_text,
    pack_title,
    page_html,
    programme_rows,
    status_html,
    status_text,
)
from pdsa_tui.report.summary import HEADERS, KEY, Summary, aim_line, row_cells

#: More self-assessment questions than this go to an appendix at the end of the pack.
APPENDIX_AFTER = 12
QUESTION_HEADERS = ["Theme", "Question", "Status", "Notes", "Action", "Owner", "Review"]


def _question_cells(row: tuple[Any, ...]) -> list[str]:
    """A question's cells as plain text, in :data:`QUESTION_HEADERS` order."""
    q, status, notes, action, owner, review, ev = row
    text = q.text + (f"\n(pdsa: {ev})" if ev else "")
    return [
        ap.theme_name(q.theme),
        text,
        status_text(status) or "Not answered",
        notes.strip(),
        action.strip(),
        owner,
        document.day(review),
    ]


def _lines(pack: PackContent) -> list[str]:
    return [d.text(pack.today) for d in pack.due] + [overdue_text(o) for o in pack.overdue]


# -- Markdown ---------------------------------------------------------------------------------
def pack_md(pack: PackContent, summary: Summary) -> str:
    """The pack as Markdown."""
    title, subtitle = pack_title(pack)
    w = M.Writer()
    w.heading(1, M.escape_inline(title))
    w.para(
        f"*{subtitle}. Exported {document.day(pack.exported.date())} at "
        f"{pack.exported:%H:%M} by pdsa {__version__}.*"
    )
    w.heading(2, "Summary of every measure")
    for g in summary.groups:
        w.heading(3, M.escape_inline(aim_line(g)))
        rows = [[M.escape_cell(c) for c in row_cells(r)] for r in g.rows]
        w.para(*(M.table_lines(list(HEADERS), rows) if rows else ["*No measures yet.*"]))
    w.para(f"*{M.escape_inline(KEY.format(since=document.day(summary.since)))}*")
    if _lines(pack):
        w.heading(3, "Due and overdue")
        w.para(*(f"- {M.escape_inline(x)}" for x in _lines(pack)))
    w.heading(2, "Aims")
    for aim, measures in pack.aims:
        w.heading(3, f"{M.escape_inline(aim.code)}: {M.escape_inline(aim.statement)}")
        w.para(M.escape_inline(aim_status_text(aim)))
        for mc in measures:
            M.measure_md(w, mc, 4)
    w.heading(2, "Meetings: decisions and actions")
    if not pack.meetings:
        w.para("*No meetings in this period.*")
    for m in pack.meetings:
        w.heading(3, M.escape_inline(f"{meeting_kind(m)}, {document.day(m.date)}"))
        w.para(f"Present: {M.escape_inline(', '.join(m.present)) or 'not recorded'}")
        meeting_body_md(w, m, 4)
    w.heading(2, "Self-assessment")
    a = pack.assessment
    appendix = None
    if a is None:
        w.para("*No self-assessment recorded yet.*")
    else:
        appendix = _md_assessment(w, a)
    w.heading(2, "The programme")
    w.para(*M.field_list(programme_rows(pack.programme)))
    p = pack.programme
    if p is not None and p.members:
        w.para(
            *M.table_lines(
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


def _md_assessment(w: M.Writer, a: AssessContent) -> list[str] | None:
    head = f"Latest: {document.day(a.latest.date)}"
    if a.previous is not None:
        head += f"; compared with {document.day(a.previous.date)}"
    w.para(f"**{head}.**")
    w.para(*(f"- {M.escape_inline(x)}" for x in a.progress))
    if a.changes:
        w.heading(3, "Changed since the last self-assessment")
        w.para(
            *M.table_lines(
                ["Theme", "Question", "Was", "Now"],
                [
                    [
                        ap.theme_name(c.question.theme),
                        M.escape_cell(c.question.text),
                        status_text(c.before),
                        status_text(c.after),
                    ]
                    for c in a.changes
                ],
            )
        )
    table = M.table_lines(
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
    from pdsa_tui.report.html import tone_html

    title, subtitle = pack_title(pack)
    out = [H.heading_html(2, "Summary of every measure")]
    for g in summary.groups:
        out.append(H.heading_html(3, H.esc(aim_line(g))))
        rows = []
        for r in g.rows:
            cells = [H.esc(c) for c in row_cells(r)]
            cells[4] = tone_html(r.standing.icons.variation)
            rows.append(cells)
        out.append(
            H.table_html(list(HEADERS), rows, "summary")
            if rows
            else '<p class="empty">No measures yet.</p>'
        )
    out.append(f'<p class="note">{H.esc(KEY.format(since=document.day(summary.since)))}</p>')
    if _lines(pack):
        out.append(H.heading_html(3, "Due and overdue"))
        out.append(
            '<ul class="attention">'
            + "".join(f"<li>{H.esc(x)}</li>" for x in _lines(pack))
            + "</ul>"
        )
    out.append(H.heading_html(2, "Aims"))
    for aim, measures in pack.aims:
        out.append(
            '<section class="aim">'
            + H.heading_html(3, H.esc(f"{aim.code}: {aim.statement}"))
            + f"<p>{H.esc(aim_status_text(aim))}</p>"
            + "".join(H.measure_html(mc, 4) for mc in measures)
            + "</section>"
        )
    out.append(H.heading_html(2, "Meetings: decisions and actions"))
    if not pack.meetings:
        out.append('<p class="empty">No meetings in this period.</p>')
    for m in pack.meetings:
        out.append(
            H.heading_html(3, H.esc(f"{meeting_kind(m)}, {document.day(m.date)}"))
            + f"<p>Present: {H.text_html(', '.join(m.present))}</p>"
            + meeting_body_html(m, 4)
        )
    out.append(H.heading_html(2, "Self-assessment"))
    a = pack.assessment
    appendix = ""
    if a is None:
        out.append('<p class="empty">No self-assessment recorded yet.</p>')
    else:
        appendix = _html_assessment(out, a)
    out.append(H.heading_html(2, "The programme"))
    out.append(H.fields_html(programme_rows(pack.programme)))
    p = pack.programme
    if p is not None and p.members:
        out.append(
            H.table_html(
                ["Member", "Role", "Agency"],
                [
                    [
                        H.esc(m.name),
                        H.text_html(m.role),
                        H.esc(choices.label(choices.AGENCIES, m.agency)),
                    ]
                    for m in p.members
                ],
            )
        )
    if appendix:
        out.append(H.heading_html(2, "Appendix: every self-assessment question") + appendix)
    return page_html(title, "Governance pack", subtitle, "".join(out), pack.exported)


def _html_assessment(out: list[str], a: AssessContent) -> str:
    head = f"Latest: {document.day(a.latest.date)}"
    if a.previous is not None:
        head += f"; compared with {document.day(a.previous.date)}"
    out.append(f"<p><strong>{H.esc(head)}.</strong></p>")
    out.append("<ul>" + "".join(f"<li>{H.esc(x)}</li>" for x in a.progress) + "</ul>")
    if a.changes:
        out.append(H.heading_html(3, "Changed since the last self-assessment"))
        out.append(
            H.table_html(
                ["Theme", "Question", "Was", "Now"],
                [
                    [
                        H.esc(ap.theme_name(c.question.theme)),
                        H.esc(c.question.text),
                        status_html(c.before),
                        status_html(c.after),
                    ]
                    for c in a.changes
                ],
            )
        )
    rows = []
    for r in a.rows:
        cells = [H.text_html(c) if c else "" for c in _question_cells(r)]
        cells[2] = status_html(r[1]) if r[1] else "Not answered"
        rows.append(cells)
    table = H.table_html(QUESTION_HEADERS, rows, "questions")
    if len(a.rows) > APPENDIX_AFTER:
        out.append(
            f"<p>Every question ({len(a.rows)}) with its status, notes, action and owner "
            "is in the appendix at the end of this pack.</p>"
        )
        return table
    out.append(H.heading_html(3, "Every question") + table)
    return ""
