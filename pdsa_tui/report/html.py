"""HTML exports: one self-contained, printable file per report.

No scripts, no web fonts, no images or styles by URL: the CSS is embedded, the
charts are inline SVG (:mod:`pdsa_tui.report.svg`) and a Content-Security-Policy
forbids anything else, so opening the file makes no network request. Every
piece of user text goes through :func:`html.escape` (quotes included), so markup
typed into a field shows as typed. Printing gives A4 pages with each cycle on a
new page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from pdsa_tui import __version__
from pdsa_tui.analysis import Analysis
from pdsa_tui.analysis.charts import CHART_NAMES
from pdsa_tui.report.document import (
    CASE_HEADERS,
    NOT_RECORDED,
    AimContent,
    CycleContent,
    Document,
    FieldRow,
    IdeaContent,
    MeasureContent,
    chart_summary,
    day,
    goal_text,
)
from pdsa_tui.report.driver_svg import CSS as DRIVER_CSS
from pdsa_tui.report.svg import chart_svg, month_label, visible_markers

PRIORITY = {0: ("Act now", "p0"), 1: ("Soon", "p1"), 2: ("Keep an eye on", "p2")}
KIND_NAMES = {
    "aim": "Aim report",
    "all": "Programme report",
    "idea": "Change idea report",
    "cycle": "PDSA cycle summary",
}

CSS = """
:root {
  --ink: #212529; --muted: #5c636a; --line: #dee2e6; --soft: #f8f9fa; --accent: #1c4f8c;
  --plan: #1c7ed6; --do: #f08c00; --study: #7048e8; --act: #d6336c; --closed: #2b8a3e;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact;
}
.page { max-width: 54rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
.doc-head { border-bottom: 3px solid var(--accent); padding-bottom: 0.8rem; margin-bottom: 1.5rem; }
.kicker { margin: 0; color: var(--accent); font-weight: 600; letter-spacing: 0.04em;
  text-transform: uppercase; font-size: 0.78rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.12rem; margin: 1.5rem 0 0.5rem; }
h4 { font-size: 1rem; margin: 1rem 0 0.4rem; }
h5 { font-size: 0.92rem; margin: 0.8rem 0 0.3rem; color: var(--muted); }
.subtitle { font-size: 1.05rem; margin: 0 0 0.4rem; white-space: pre-line; }
.meta, .asof, .note { color: var(--muted); font-size: 0.85rem; }
.mdc-icon svg { vertical-align: middle; margin-right: 0.3rem; }
.asof { font-weight: normal; }
.txt { white-space: pre-line; overflow-wrap: break-word; }
.empty { color: var(--muted); font-style: italic; }
a { color: var(--accent); }
nav.toc ol { padding-left: 1.4rem; }
nav.toc li { margin: 0.3rem 0; }
dl.fields { display: grid; grid-template-columns: 12rem 1fr;
  gap: 0.25rem 1rem; margin: 0.5rem 0 1rem; }
dl.fields > div { display: contents; }
dl.fields dt { font-weight: 600; color: var(--muted); }
dl.fields dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; overflow-wrap: break-word; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; }
td:first-child a { white-space: nowrap; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem; color: #fff;
  font-size: 0.75rem; font-weight: 600; vertical-align: middle; white-space: nowrap; }
.badge.plan { background: var(--plan); } .badge.do { background: var(--do); }
.badge.study { background: var(--study); } .badge.act { background: var(--act); }
.badge.closed { background: var(--closed); }
ul.attention { list-style: none; padding: 0; margin: 0.5rem 0 1rem; }
ul.attention li { padding: 0.35rem 0.6rem; margin: 0.25rem 0; border-left: 4px solid var(--line);
  background: var(--soft); }
ul.attention li.p0 { border-left-color: #e03131; }
ul.attention li.p1 { border-left-color: #f08c00; }
ul.attention .tag { font-weight: 600; margin-right: 0.4rem; }
.ok { padding: 0.4rem 0.6rem; border-left: 4px solid var(--closed); background: #ebfbee; }
.hint { padding: 0.4rem 0.6rem; border-left: 4px solid #f08c00; background: #fff4e6;
  font-size: 0.9rem; }
article.measure { margin-bottom: 2rem; }
figure { margin: 0.8rem 0; }
svg.chart { width: 100%; height: auto; max-width: 760px; display: block; }
figcaption { font-size: 0.82rem; color: var(--muted); margin-top: 0.3rem; }
figcaption ol { margin: 0.2rem 0 0; padding-left: 0; list-style: none; columns: 2;
  column-gap: 1.5rem; }
figcaption li { break-inside: avoid; }
.verdict { border-left: 4px solid var(--line); background: var(--soft); padding: 0.5rem 0.8rem;
  margin: 0.6rem 0 1rem; }
.verdict.improvement { border-left-color: #289de0; background: #e5f3fb; }
.verdict.concern { border-left-color: #e46c0a; background: #fdeee3; }
.verdict.common { border-left-color: #7f7f7f; background: #f0f0f0; }
.verdict.neutral { border-left-color: #490092; background: #f1e8f8; }
.tone-word { font-weight: 700; white-space: nowrap; }
.tone-word.improvement { color: #1b6ea3; } .tone-word.concern { color: #b35300; }
.tone-word.common { color: #595959; } .tone-word.neutral { color: #490092; }
.tone-word.none { color: var(--muted); }
p.headline { font-size: 1.1rem; font-weight: 700; margin: 0.4rem 0 0.8rem; }
.verdict p { margin: 0.2rem 0; }
.verdict .head { font-weight: 600; }
article.cycle { margin-top: 2.5rem; padding-top: 0.5rem; }
article.cycle + article.cycle { border-top: 2px solid var(--line); }
table.tasks td, table.ramp td { white-space: pre-line; }
article.cycle > h3 { margin-top: 0.5rem; }
.objective { font-size: 1.02rem; margin: 0.3rem 0 0.8rem; }
.phase { border: 1px solid var(--line); border-top-width: 4px; border-radius: 4px;
  padding: 0.3rem 0.9rem 0.4rem; margin: 0.9rem 0; }
.phase.plan { border-top-color: var(--plan); } .phase.do { border-top-color: var(--do); }
.phase.study { border-top-color: var(--study); } .phase.act { border-top-color: var(--act); }
.phase h4 { margin-top: 0.4rem; }
.feedback ul { list-style: none; padding: 0; margin: 0; }
.feedback li { margin: 0.4rem 0 0.8rem; }
.fb-meta { margin: 0; font-size: 0.85rem; color: var(--muted); }
.tone { font-weight: 600; }
.tone.positive { color: #2b8a3e; } .tone.negative { color: #c92a2a; }
.tone.mixed { color: #e67700; } .tone.neutral { color: var(--muted); }
.theme { display: inline-block; border: 1px solid var(--line); border-radius: 0.7rem;
  padding: 0 0.45rem; margin-right: 0.2rem; font-size: 0.78rem; color: var(--ink); }
blockquote { margin: 0.2rem 0 0; padding: 0.2rem 0.8rem; border-left: 3px solid var(--line); }
footer { margin-top: 3rem; padding-top: 0.6rem; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 0.8rem; }
@page { size: A4; margin: 15mm 14mm 16mm; }
@media print {
  body { font-size: 10pt; }
  .page { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h1, h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; }
  section.cycles { break-before: page; page-break-before: always; }
  article.cycle + article.cycle { break-before: page; page-break-before: always; }
  article.cycle { border-top: none; margin-top: 0; }
  section.cycles > h2, section.cycles > h3 { margin-top: 0; }
  section.aim + section.aim { break-before: page; page-break-before: always; }
  nav.toc { break-after: page; page-break-after: always; }
  figure, .verdict, tr, .phase dl.fields > div, .feedback li, ul.attention li, table.facts {
    break-inside: avoid; page-break-inside: avoid; }
  article.measure { break-inside: avoid; page-break-inside: avoid; }
  svg.chart { max-width: 100%; }
}
"""
CSS += DRIVER_CSS


def esc(text: str) -> str:
    """Escape user text for element content and attribute values."""
    return escape(text, quote=True)


def text_html(text: str) -> str:
    """User text, or a muted "Not recorded"."""
    if text.strip():
        return f'<span class="txt">{esc(text.strip())}</span>'
    return f'<span class="empty">{NOT_RECORDED}</span>'


def fields_html(rows: Sequence[FieldRow] | Sequence[tuple[str, str]]) -> str:
    parts = ['<dl class="fields">']
    for row in rows:
        label, text = (row.label, row.text) if isinstance(row, FieldRow) else row
        parts.append(f"<div><dt>{esc(label)}</dt><dd>{text_html(text)}</dd></div>")
    parts.append("</dl>")
    return "".join(parts)


def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    """A table; cells are HTML already escaped."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _badge(key: str, label: str) -> str:
    return f'<span class="badge {esc(key)}">{esc(label)}</span>'


def heading_html(level: int, inner: str, anchor: str = "") -> str:
    lv = min(level, 6)
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f"<h{lv}{ident}>{inner}</h{lv}>"


def render(doc: Document) -> str:
    """The document as one HTML page."""
    body: list[str] = []
    if doc.kind == "all":
        items = "".join(
            f'<li><a href="#{esc(a.anchor)}">{esc(a.aim.code)}</a>: {esc(a.aim.statement)}</li>'
            for a in doc.aims
        )
        body.append(
            '<nav class="toc" aria-label="Contents"><h2>Contents</h2>'
            + (f"<ol>{items}</ol>" if items else '<p class="empty">No aims yet.</p>')
            + "</nav>"
        )
        for a in doc.aims:
            body.append(
                f'<section class="aim">{heading_html(2, esc(a.aim.code), a.anchor)}'
                f"{_aim(a, 3, doc)}</section>"
            )
    elif doc.kind == "aim":
        a = doc.aims[0]
        body.append(f'<section class="aim" id="{esc(a.anchor)}">{_aim(a, 2, doc)}</section>')
    elif doc.kind == "idea":
        assert doc.idea is not None
        i = doc.idea
        cycles = "".join(
            f'<article class="cycle" id="{esc(c.anchor)}">'
            f"{heading_html(3, f'{esc(c.heading)} {_badge(c.stage_key, c.stage)}')}"
            f"{_cycle(c, 4)}</article>"
            for c in i.cycles
        )
        cycles = cycles or '<p class="empty">No cycles yet.</p>'
        body.append(
            f'<section class="idea">{_idea(i, 2, with_title=False)}'
            f'<section class="cycles">{heading_html(2, "Cycle summaries")}'
            f"{cycles}</section></section>"
        )
    else:
        assert doc.cycle is not None
        body.append(f'<section class="cycle-only">{_cycle(doc.cycle, 2)}</section>')

    head_badge = ""
    if doc.kind == "cycle" and doc.cycle is not None:
        head_badge = " " + _badge(doc.cycle.stage_key, doc.cycle.stage)
    return page(
        doc.title,
        KIND_NAMES[doc.kind],
        "\n".join(body),
        subtitle=doc.subtitle,
        exported=doc.exported,
        head_badge=head_badge,
    )


def page(
    title: str,
    kind: str,
    main: str,
    *,
    subtitle: str,
    exported: dt.datetime,
    head_badge: str = "",
    what: str = "report",
) -> str:
    """One self-contained page: the embedded CSS, a strict CSP, the heading and ``main`` (HTML).

    ``kind`` names the document in the kicker; ``what`` in the footer ("report", "document").
    """
    stamp = f"{day(exported.date())} at {exported:%H:%M}"
    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="pdsa {esc(__version__)}">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<div class="page">\n<header class="doc-head">'
        f'<p class="kicker">PDSA quality improvement · {esc(kind)}</p>'
        f"<h1>{esc(title)}{head_badge}</h1>{sub}"
        f'<p class="meta">Exported {esc(stamp)} by pdsa {esc(__version__)}</p></header>\n'
        "<main>\n" + main + "\n</main>\n"
        "<footer>Produced with pdsa. Records describe roles, never names: please keep it that "
        f"way when you share or annotate this {what}.</footer>\n"
        "</div>\n</body>\n</html>\n"
    )


def _answer(a: AimContent, level: int, doc: Document) -> str:
    """The aim's answer first: where each measure stands, and what changed."""
    from pdsa_tui.report import answer
    from pdsa_tui.report.answer import since_date

    since = doc.since or since_date(None, doc.today)
    out = [
        heading_html(level, "Where this aim stands"),
        f'<p class="answer-aim"><strong>The aim:</strong> {esc(a.aim.statement)}</p>',
        f'<p class="headline">{esc(answer.headline(a))}</p>',
    ]
    if a.measures:
        rows = []
        for m in a.measures:
            s = answer.standing(m)
            rows.append(
                [esc(m.measure.name), esc(s.headline), tone_html(s.icons.variation), esc(s.verdict)]
            )
        heads = ["Measure", "Latest, against the target", "Variation", "What the chart says"]
        out.append(table_html(heads, rows, "standing"))
    changes = answer.changes_since(a, since)
    out.append(f"<p><strong>What changed since {esc(day(since))}:</strong></p>")
    out.append(
        "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in changes) + "</ul>"
        if changes
        else '<p class="empty">No cycle started or was decided, and no new signal.</p>'
    )
    return "".join(out)


def tone_html(tone: str) -> str:
    """A verdict's meaning: symbol and word, coloured (never colour alone)."""
    from pdsa_tui.report.verdict_tone import TONE_WORDS

    symbol, word = TONE_WORDS.get(tone, TONE_WORDS["none"])
    return f'<span class="tone-word {esc(tone)}">{symbol} {word}</span>'


def _aim(a: AimContent, level: int, doc: Document) -> str:
    out = [_answer(a, level, doc), heading_html(level, "The aim"), fields_html(a.fields)]
    if a.hints:
        out.append(
            f'<p class="hint"><strong>Statement check:</strong> {esc(" ".join(a.hints))}</p>'
        )
    out.append(
        heading_html(
            level, f'What needs attention <span class="asof">as of {esc(day(doc.today))}</span>'
        )
    )
    if a.attention:
        items = []
        for item in a.attention:
            tag, cls = PRIORITY.get(item.priority, ("Note", "p2"))
            items.append(f'<li class="{cls}"><span class="tag">{tag}</span>{esc(item.text)}</li>')
        out.append(f'<ul class="attention">{"".join(items)}</ul>')
    else:
        out.append(
            '<p class="ok">Nothing needs attention: no cycle waits for Study or Act, '
            "none is overdue.</p>"
        )

    out.append(heading_html(level, "Measures"))
    out += [measure_html(m, level + 1) for m in a.measures] or [
        '<p class="empty">No measures yet.</p>'
    ]
    out.append(heading_html(level, "Change ideas"))
    out += [
        f'<article class="idea" id="{esc(i.anchor)}">{_idea(i, level + 1)}</article>'
        for i in a.ideas
    ] or ['<p class="empty">No change ideas yet.</p>']
    out.append(_drivers(a, level))
    cycles = [
        f'<article class="cycle" id="{esc(c.anchor)}">'
        + heading_html(
            level + 1,
            f"{esc(i.idea.title)}: {esc(c.heading)} {_badge(c.stage_key, c.stage)}",
        )
        + _cycle(c, level + 2)
        + "</article>"
        for i in a.ideas
        for c in i.cycles
    ]
    body = "".join(cycles) or '<p class="empty">No cycles yet.</p>'
    out.append(f'<section class="cycles">{heading_html(level, "Cycle summaries")}{body}</section>')
    return "".join(out)


def _drivers(a: AimContent, level: int) -> str:
    from pdsa_tui.report.drivers_render import drivers_html, spread_html

    out = []
    if a.drivers is not None:
        out += [heading_html(level, "Driver diagram"), drivers_html(a.drivers)]
    if a.spread is not None:
        out += [heading_html(level, "Spread by locality"), spread_html(a.spread)]
    return "".join(out)


def _cases(m: MeasureContent) -> str:
    """A case measure's counts, and its cases when the export includes them."""
    if m.cases is None:
        return ""
    out = (
        f"<p><strong>Case measure:</strong> {esc(m.cases.about)}. {esc(m.cases.sentence)}. "
        "Each month's point is the cases met over the cases due that month.</p>"
    )
    if m.cases.rows:
        out += table_html(CASE_HEADERS, [[esc(c) for c in r] for r in m.cases.rows], "cases")
    return out


def measure_html(m: MeasureContent, level: int) -> str:
    rows = {r.name: r for r in m.fields}
    keys = ["type", "unit", "direction", "goal", "source", "frequency"]
    cells = [text_html(goal_text(m) if k == "goal" else rows[k].text) for k in keys]
    a = m.analysis
    markers = m.markers
    svg = chart_svg(
        a,
        title=f"{m.measure.name}: {CHART_NAMES[a.chart].lower()}",
        scale=m.scale,
        unit_suffix=m.unit_suffix,
        goal=m.goal,
        markers=markers,
        ident=f"chart-{m.anchor}",
    )
    inside, outside = visible_markers([p.date for p in a.points], markers)
    caption = ""
    if inside:
        items = "".join(
            f"<li><strong>{mk.key}</strong> {esc(mk.text)} ({esc(month_label(mk.date))})</li>"
            for mk in inside
        )
        caption = f"PDSA cycles marked on the chart (by start date):<ol>{items}</ol>"
    if outside:
        n = len(outside)
        verb = "are" if n != 1 else "is"
        caption += (
            f"<p>{n} cycle{'s' if n != 1 else ''} started outside the charted period "
            f"and {verb} not marked.</p>"
        )
    head = chart_summary(m)
    verdict = "".join(f"<p>{esc(line)}</p>" for line in a.verdict.splitlines() if line.strip())
    notes = [*a.warnings, *(x for p in a.parts for x in p.warnings)]
    note_html = f'<p class="note">Notes on the data: {esc(" ".join(notes))}</p>' if notes else ""
    from pdsa_tui.report.verdict_tone import measure_icons

    tone = measure_icons(a).variation
    cls = f"verdict {tone}"
    return (
        f'<article class="measure" id="{esc(m.anchor)}">'
        f"{heading_html(level, esc(m.measure.name))}"
        + table_html([rows[k].label for k in keys], [cells], "facts")
        + f"<p><strong>{esc(rows['definition'].label)}:</strong> "
        + f"{text_html(rows['definition'].text)}</p>"
        + _cases(m)
        + f"<figure>{svg}"
        + (f"<figcaption>{caption}</figcaption>" if caption else "")
        + "</figure>"
        + f'<div class="{cls}"><p class="head">{tone_html(tone)}: What the chart says</p>'
        + f'<p class="note">{_icons(a)}{esc(head)}</p>{verdict}'
        + (f'<p class="note">Chart advice: {esc(a.advice)}</p>' if a.advice else "")
        + f"{note_html}</div></article>"
    )


def _idea(i: IdeaContent, level: int, *, with_title: bool = True) -> str:
    out = [heading_html(level, esc(i.idea.title))] if with_title else []
    out.append(fields_html(i.fields))
    if i.ramp:
        rows = [
            [
                f'<a href="#{esc(r.anchor)}">Cycle {r.number}</a>',
                esc(r.objective.strip()),
                _badge(r.stage_key, r.stage),
                esc(r.planned),
                esc(r.carried_out),
                esc(r.decision),
            ]
            for r in i.ramp
        ]
        out.append(f"<p><strong>Ramp of PDSA cycles</strong> ({len(rows)})</p>")
        out.append(
            table_html(
                ["Cycle", "Objective", "Stage", "Planned", "Carried out", "Decision"], rows, "ramp"
            )
        )
    else:
        out.append('<p class="empty">No PDSA cycles yet.</p>')
    return "".join(out)


def _cycle(c: CycleContent, level: int) -> str:
    out = [f'<p class="objective"><strong>Objective:</strong> {text_html(c.cycle.objective)}</p>']
    out.append(fields_html(c.facts))
    for phase in c.phases:
        inner = [heading_html(level, esc(phase.title)), fields_html(phase.fields)]
        if phase.has_tasks_field:
            if phase.tasks:
                rows = [
                    [
                        esc(t.who.strip()),
                        esc(t.what.strip()),
                        esc(t.when.strip()),
                        esc(t.where.strip()),
                    ]
                    for t in phase.tasks
                ]
                inner.append(f"<p><strong>{esc(phase.tasks_label)}</strong></p>")
                inner.append(table_html(["Who", "What", "When", "Where"], rows, "tasks"))
            else:
                inner.append(
                    f"<p><strong>{esc(phase.tasks_label)}:</strong> "
                    f'<span class="empty">{NOT_RECORDED}</span></p>'
                )
        out.append(f'<section class="phase {esc(phase.key)}">{"".join(inner)}</section>')
    fb = [heading_html(level, f"Feedback ({c.feedback_count})")]
    if not c.feedback:
        fb.append('<p class="empty">No feedback recorded for this cycle.</p>')
    for g in c.feedback:
        items = []
        for item in g.items:
            themes = "".join(f'<span class="theme">{esc(t)}</span>' for t in item.themes)
            meta = " · ".join(
                x
                for x in (
                    esc(item.date),
                    esc(item.method),
                    f'<span class="tone {esc(item.tone_key)}">{esc(item.tone)}</span>',
                )
                if x
            )
            items.append(
                f'<li><p class="fb-meta">{meta}{" · " + themes if themes else ""}</p>'
                f"<blockquote>{text_html(item.text)}</blockquote></li>"
            )
        fb.append(
            heading_html(level + 1, f"{esc(g.source)} ({len(g.items)})")
            + f"<ul>{''.join(items)}</ul>"
        )
    out.append(f'<section class="feedback">{"".join(fb)}</section>')
    return "".join(out)


def _icons(a: Analysis) -> str:
    """The variation and assurance icons, drawn by pdsa as inline SVG, before the summary."""
    from pdsa_tui.report.mdc_icons import assurance_svg, variation_svg

    out = ""
    if a.variation_icon:
        out += f'<span class="mdc-icon">{variation_svg(a.variation_icon, 36)}</span>'
    if a.assurance_icon:
        out += f'<span class="mdc-icon">{assurance_svg(a.assurance_icon, 36)}</span>'
    return out
