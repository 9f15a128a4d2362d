"""The one-page summary across the programme: one row per measure, grouped by aim.

Each row: the latest value and its period, the target, the variation and assurance icons
(:func:`verdict_tone.measure_icons`), a sparkline, the verdict in one sentence, the aim's
PDSA cycles since the last summary and, for case measures, the cases due (past the
reminder) and overdue. Written as Markdown, HTML, CSV and JSON here; Word and PDF draw it
through :mod:`paper_build`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field

from pdsa_tui import __version__
from pdsa_tui.analysis.cases import group_cases, live_measures
from pdsa_tui.model import Aim, Case, Cycle
from pdsa_tui.report import content, document
from pdsa_tui.report.answer import Standing, since_date, standing
from pdsa_tui.report.paper import TONE_TEXT, spark_svg, spark_text
from pdsa_tui.store import Store

SUMMARY_FORMATS = ("md", "html", "csv", "json", "docx", "pdf")
HEADERS = (
    "Measure",
    "Latest",
    "Period",
    "Target",
    "Variation",
    "Assurance",
    "Trend",
    "What the chart says",
    "Cycles",
    "Due",
    "Overdue",
)
#: What the short headers mean, under every summary.
KEY = (
    "Variation: ▲ improvement (blue), ▼ concern (orange), ● common cause (grey), ◆ special "
    "cause with no better direction (purple), ○ not enough data. Assurance (the target "
    "against the process limits): ✓ consistently passes, ✗ consistently fails, ? hit and "
    "miss; not assessed without a target, a better direction or limits. Cycles: the aim's "
    "PDSA cycles since {since}. "
    "Due and Overdue (case measures): open cases past their reminder, and cases past the "
    "deadline with no milestone."
)


@dataclass
class SummaryRow:
    """One measure's line."""

    standing: Standing
    cycles_since: int
    cases_due: int | None
    cases_overdue: int | None

    @property
    def name(self) -> str:
        """The measure's name."""
        return self.standing.measure.measure.name


@dataclass
class AimGroup:
    """An aim with its measures' rows."""

    aim: Aim
    cycles_since: int
    rows: list[SummaryRow] = field(default_factory=list)


@dataclass
class Summary:
    """The programme on one page."""

    programme: str
    today: dt.date
    exported: dt.datetime
    since: dt.date
    groups: list[AimGroup]

    @property
    def title(self) -> str:
        """``Anytown PACE programme: summary``."""
        return f"{self.programme}: summary of every measure"

    @property
    def subtitle(self) -> str:
        """As of which day, and since when cycles are counted."""
        since = document.day(self.since)
        return f"As of {document.day(self.today)}; PDSA cycles counted since {since}"


def aim_measures(store: Store, aim: Aim, today: dt.date) -> list[document.MeasureContent]:
    """The live measures of ``aim`` analysed, case measures with their counts (no case named)."""
    cases = store.all(Case)
    by_measure = group_cases(cases)
    markers = content.cycle_markers(store, aim)
    rules = store.default_rules()
    return [
        content.measure_content(
            m,
            aim,
            markers,
            content.case_summary(m, by_measure.get(m.id, []), today, include_cases=False)
            if m.cases
            else None,
            rules,
        )
        for m in live_measures(store.measures(aim.id), cases, today)
    ]


def cycles_since(cycles: list[Cycle], since: dt.date) -> int:
    """How many cycles started (carried out, else planned) or ended on or after ``since``."""
    n = 0
    for c in cycles:
        when = [d for d in (c.do_start, c.planned_start, c.do_end) if d is not None]
        if any(d >= since for d in when):
            n += 1
    return n


def build_summary(
    store: Store, *, today: dt.date, now: dt.datetime | None = None, since: dt.date | None = None
) -> Summary:
    """The summary of every aim's measures as of ``today``."""
    prog = store.programme()
    start = since or since_date(prog.report_since(today) if prog else None, today)
    groups = []
    for aim in store.aims():
        n = cycles_since(store.cycles_for_aim(aim.id), start)
        group = AimGroup(aim, n)
        for m in aim_measures(store, aim, today):
            due = overdue = None
            if m.cases is not None:
                due, overdue = m.cases.counts.past_reminder, m.cases.counts.overdue
            group.rows.append(SummaryRow(standing(m), n, due, overdue))
        groups.append(group)
    return Summary(
        prog.name if prog else "PACE programme",
        today,
        now or dt.datetime.now().astimezone(),
        start,
        groups,
    )


def row_cells(r: SummaryRow) -> list[str]:
    """The row as plain text, in :data:`HEADERS` order (the sparkline in block characters)."""
    s = r.standing
    return [
        r.name,
        s.latest or "no data",
        s.period,
        s.target,
        f"{s.icons.variation_symbol} {s.icons.variation_label}",
        s.icons.assurance_label,
        spark_text(s.values[-24:]),
        s.verdict,
        str(r.cycles_since),
        "" if r.cases_due is None else str(r.cases_due),
        "" if r.cases_overdue is None else str(r.cases_overdue),
    ]


def aim_line(g: AimGroup) -> str:
    """``Aim 2 (active): By 01 Apr 2027, 85% of ...``."""
    from pdsa_tui.model import choices as C

    return f"{g.aim.code} ({C.label(C.AIM_STATUSES, g.aim.status).lower()}): {g.aim.statement}"


def render(summary: Summary, fmt: str) -> str:
    """The summary as ``md``, ``html``, ``csv`` or ``json``."""
    if fmt == "md":
        return _md(summary)
    if fmt == "html":
        return _html(summary)
    if fmt == "csv":
        return _csv(summary)
    if fmt == "json":
        return _json(summary)
    raise ValueError(f"the summary as text is md, html, csv or json, not '{fmt}'")


def _md(s: Summary) -> str:
    from pdsa_tui.report.markdown import Writer, escape_cell, escape_inline

    w = Writer()
    w.heading(1, escape_inline(s.title))
    w.para(
        f"*{escape_inline(s.subtitle)}. Exported {document.day(s.exported.date())} at "
        f"{s.exported:%H:%M} by pdsa {__version__}.*"
    )
    for g in s.groups:
        w.heading(2, escape_inline(aim_line(g)))
        if not g.rows:
            w.para("*No measures yet.*")
            continue
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join("---" for _ in HEADERS) + "|"]
        lines += ["| " + " | ".join(escape_cell(c) for c in row_cells(r)) + " |" for r in g.rows]
        w.para(*lines)
    w.para(f"*{escape_inline(KEY.format(since=document.day(s.since)))}*")
    return w.text()


_CSS = (
    "@page{size:A4 landscape;margin:10mm}"
    ".page{max-width:110rem}"  # one wide table: use the screen's width, as the paper does
    "table.summary{font-size:.8rem;table-layout:auto}table.summary td{vertical-align:middle}"
    "table.summary th:first-child{width:18%}table.summary th:nth-child(8){width:30%}"
    "table.summary td:nth-child(-n+7){white-space:nowrap}"
    "table.summary td:first-child{white-space:normal}"
    "h2.aim{font-size:1rem;margin:1rem 0 .3rem}"
    + "".join(f".tone-{k}{{color:{c};font-weight:600}}" for k, c in TONE_TEXT.items())
)


def _html(s: Summary) -> str:
    from pdsa_tui.report import html as H

    out = [f"<style>{_CSS}</style>"]
    for g in s.groups:
        out.append(f'<h2 class="aim">{H.esc(aim_line(g))}</h2>')
        if not g.rows:
            out.append('<p class="empty">No measures yet.</p>')
            continue
        rows = []
        for r in g.rows:
            cells = [H.esc(c) for c in row_cells(r)]
            tone = r.standing.icons.variation
            cells[4] = f'<span class="tone-{tone}">{cells[4]}</span>'
            cells[6] = (
                f'<span role="img" aria-label="{H.esc("trend: " + cells[6])}">'
                f"{spark_svg(r.standing.values[-24:], tone)}</span>"
            )
            rows.append(cells)
        out.append(H.table_html(list(HEADERS), rows, "summary"))
    out.append(f'<p class="note">{H.esc(KEY.format(since=document.day(s.since)))}</p>')
    return H.page(
        s.title, "Summary", "".join(out), subtitle=s.subtitle, exported=s.exported, what="summary"
    )


def _csv(s: Summary) -> str:
    from pdsa_tui.report.csvout import neutralise

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Aim", *HEADERS])
    for g in s.groups:
        for r in g.rows:
            w.writerow([neutralise(x) for x in (g.aim.code, *row_cells(r))])
    return "\ufeff" + buf.getvalue()


def _json(s: Summary) -> str:
    data = {
        "kind": "summary",
        "programme": s.programme,
        "today": s.today.isoformat(),
        "since": s.since.isoformat(),
        "exported": s.exported.isoformat(timespec="seconds"),
        "aims": [
            {
                "id": g.aim.id,
                "code": g.aim.code,
                "statement": g.aim.statement,
                "cycles_since": g.cycles_since,
                "measures": [
                    {
                        "id": r.standing.measure.measure.id,
                        "name": r.name,
                        "latest": r.standing.latest,
                        "period": r.standing.period,
                        "target": r.standing.target,
                        "against_target": r.standing.against,
                        "variation": r.standing.icons.variation,
                        "assurance": r.standing.icons.assurance,
                        "values": r.standing.values,
                        "verdict": r.standing.verdict,
                        "cases_due": r.cases_due,
                        "cases_overdue": r.cases_overdue,
                    }
                    for r in g.rows
                ],
            }
            for g in s.groups
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
