"""Board papers of the aim reports, every aim, a change idea and a cycle summary.

Each aim opens with its answer (the aim, where each measure stands against its target,
what changed since the last report, what needs attention); the aim's own fields come
after, then the measures' charts with their verdicts, the change ideas, the driver
diagram and the cycles. The same :class:`paper.Paper` is drawn as Word and as PDF.
"""

from __future__ import annotations

import datetime as dt

from pdsa_tui.analysis.charts import CHART_NAMES
from pdsa_tui.report import answer
from pdsa_tui.report.document import (
    CASE_HEADERS,
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
from pdsa_tui.report.paper import (
    Callout,
    Cell,
    Chart,
    PageBreak,
    Paper,
    Run,
    Table,
    tone_runs,
)
from pdsa_tui.report.svg import chart_svg, month_label, visible_markers

KIND_NAMES = {
    "aim": "Aim report",
    "all": "Programme report",
    "idea": "Change idea report",
    "cycle": "PDSA cycle summary",
}
PRIORITY = {0: "Act now", 1: "Soon", 2: "Keep an eye on"}


def _pairs(rows: list[FieldRow] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(r.label, r.text) if isinstance(r, FieldRow) else r for r in rows]


def document_paper(doc: Document, *, header: str, since: dt.date) -> Paper:
    """The aim report, all aims, a change idea or a cycle as a board paper.

    ``header`` goes on every page (the programme's name); ``since`` is when "what changed"
    counts from (the last governance pack, else three months ago).
    """
    p = Paper(doc.title, KIND_NAMES[doc.kind], doc.subtitle, doc.exported, header)
    p.heading(1, doc.title)
    if doc.kind == "all":
        for k, a in enumerate(doc.aims):
            if k:
                p.add(PageBreak())
            p.heading(2, f"{a.aim.code}: {a.aim.statement}")
            aim_blocks(p, a, 3, doc.today, since)
        if not doc.aims:
            p.para(Run("No aims yet.", italic=True))
    elif doc.kind == "aim":
        aim_blocks(p, doc.aims[0], 2, doc.today, since)
    elif doc.kind == "idea":
        assert doc.idea is not None
        idea_blocks(p, doc.idea, 2, with_title=False)
        p.heading(2, "Cycle summaries")
        for c in doc.idea.cycles:
            p.heading(3, f"{c.heading}: {c.cycle.objective.strip()}")
            cycle_blocks(p, c, 4)
        if not doc.idea.cycles:
            p.para(Run("No cycles yet.", italic=True))
    else:
        assert doc.cycle is not None
        cycle_blocks(p, doc.cycle, 2)
    return p


def answer_blocks(p: Paper, a: AimContent, level: int, today: dt.date, since: dt.date) -> None:
    """The aim's answer: the aim, where it stands, what changed, what needs attention."""
    p.heading(level, "Where this aim stands")  # the aim itself is right above it
    p.para(Run(answer.headline(a), bold=True))
    if a.measures:
        rows: list[list[Cell]] = []
        for m in a.measures:
            s = answer.standing(m)
            rows.append(
                [
                    m.measure.name,
                    s.headline,
                    tone_runs(s.icons.variation),
                    s.verdict,
                ]
            )
        p.add(
            Table(
                ["Measure", "Latest, against the target", "Variation", "What the chart says"],
                rows,
                [2.2, 2.2, 1.3, 4.0],
                small=True,
            )
        )
    changes = answer.changes_since(a, since)
    p.heading(level + 1, f"What changed since {day(since)}")
    if changes:
        p.bullets(changes)
    else:
        p.para(Run("No cycle started or was decided, and no new signal.", italic=True))
    p.heading(level + 1, f"What needs attention (as of {day(today)})")
    if a.attention:
        from pdsa_tui.report.paper import Bullets

        p.add(
            Bullets(
                [
                    [Run(f"{PRIORITY.get(x.priority, 'Note')}: ", bold=True), Run(x.text)]
                    for x in a.attention
                ]
            )
        )
    else:
        p.para("Nothing needs attention: no cycle waits for Study or Act, none is overdue.")


def aim_blocks(p: Paper, a: AimContent, level: int, today: dt.date, since: dt.date) -> None:
    """One aim: its answer first, then its details, measures, ideas, drivers and cycles."""
    answer_blocks(p, a, level, today, since)
    p.heading(level, "About this aim")
    p.fields(_pairs(a.fields))
    if a.hints:
        p.para(Run("Statement check: ", bold=True), Run(" ".join(a.hints)))
    p.heading(level, "Measures")
    if not a.measures:
        p.para(Run("No measures yet.", italic=True))
    for m in a.measures:
        measure_blocks(p, m, level + 1)
    p.heading(level, "Change ideas")
    if not a.ideas:
        p.para(Run("No change ideas yet.", italic=True))
    for i in a.ideas:
        idea_blocks(p, i, level + 1)
    _drivers(p, a, level)
    p.heading(level, "Cycle summaries")
    if not a.cycles:
        p.para(Run("No cycles yet.", italic=True))
    for i in a.ideas:
        for c in i.cycles:
            p.heading(level + 1, f"{i.idea.title}: {c.heading}")
            cycle_blocks(p, c, level + 2)


def _drivers(p: Paper, a: AimContent, level: int) -> None:
    from pdsa_tui.report.driver_svg import driver_svg

    tree = a.drivers
    if tree is not None:
        p.heading(level, "Driver diagram")
        if tree.empty and not tree.unlinked:
            p.para(Run("No driver diagram yet.", italic=True))
        if not tree.empty:
            alt = "; ".join(
                f"Primary driver {d.driver.title}: "
                + ", ".join(s.driver.title for s in d.secondaries)
                for d in tree.primaries
            )
            p.add(Chart(driver_svg(tree), f"Driver diagram. {alt}"))
        if tree.unlinked:
            p.para("Not linked to a driver yet:")
            p.bullets([f"{n.idea.title} ({n.status}; {n.latest})" for n in tree.unlinked])
    t = a.spread
    if t is not None:
        p.heading(level, "Spread by locality")
        if not t.rows or not t.localities:
            p.para(Run("No localities or change ideas to show yet.", italic=True))
        else:
            p.add(
                Table(
                    ["Change idea", *t.localities],
                    [[r.idea.title, *(t.label(s) for s in r.stages)] for r in t.rows],
                    small=True,
                )
            )


def measure_alt(m: MeasureContent) -> str:
    """The chart's alt text: what it is, the latest value and its verdict in words."""
    a = m.analysis
    s = answer.standing(m)
    parts = [f"{CHART_NAMES[a.chart]} of {m.measure.name}, {len(a.points)} points"]
    if s.latest:
        parts.append(f"latest {s.headline}")
    parts.append(f"{s.icons.variation_label}: {' '.join(a.verdict.split())}")
    return ". ".join(parts)


def measure_blocks(p: Paper, m: MeasureContent, level: int) -> None:
    """A measure: its chart, the verdict coloured by meaning, then its facts."""
    rows = {r.name: r for r in m.fields}
    a = m.analysis
    s = answer.standing(m)
    p.heading(level, m.measure.name)
    if a.points:
        svg = chart_svg(
            a,
            title=f"{m.measure.name}: {CHART_NAMES[a.chart].lower()}",
            scale=m.scale,
            unit_suffix=m.unit_suffix,
            goal=m.goal,
            markers=m.markers,
            ident=f"chart-{m.anchor}",
        )
        p.add(Chart(svg, measure_alt(m)))
        inside, outside = visible_markers([pt.date for pt in a.points], m.markers)
        if inside:
            keyed = "; ".join(f"{mk.key} = {mk.text} ({month_label(mk.date)})" for mk in inside)
            p.para(f"PDSA cycles marked on the chart (by start date): {keyed}.", note=True)
        if outside:
            n = len(outside)
            p.para(
                f"{n} cycle{'s' if n != 1 else ''} started outside the charted period and "
                f"{'are' if n != 1 else 'is'} not marked.",
                note=True,
            )
    lines = [line.strip() for line in a.verdict.splitlines() if line.strip()]
    note = chart_summary(m)
    if a.advice:
        lines.append(f"Chart advice: {a.advice}")
    warnings = [*a.warnings, *(x for part in a.parts for x in part.warnings)]
    if warnings:
        lines.append("Notes on the data: " + " ".join(warnings))
    p.add(Callout(s.icons.variation, "What the chart says", lines, note))
    keys = ["type", "unit", "direction", "goal", "source", "frequency"]
    cells: list[str | list[Run]] = [goal_text(m) if k == "goal" else rows[k].text for k in keys]
    p.add(Table([rows[k].label for k in keys], [cells], small=True))
    p.fields([(rows["definition"].label, rows["definition"].text)])
    if m.cases is not None:
        p.para(
            Run("Case measure: ", bold=True),
            Run(
                f"{m.cases.about}. {m.cases.sentence}. Each month's point is the cases met "
                "over the cases due that month."
            ),
        )
        if m.cases.rows:
            p.add(Table(list(CASE_HEADERS), [list(r) for r in m.cases.rows], small=True))


def idea_blocks(p: Paper, i: IdeaContent, level: int, *, with_title: bool = True) -> None:
    """A change idea's fields and its ramp of cycles."""
    if with_title:
        p.heading(level, i.idea.title)
    p.fields(_pairs(i.fields))
    if i.ramp:
        p.para(Run(f"Ramp of PDSA cycles ({len(i.ramp)})", bold=True))
        p.add(
            Table(
                ["Cycle", "Objective", "Stage", "Planned", "Carried out", "Decision"],
                [
                    [
                        str(r.number),
                        r.objective.strip(),
                        r.stage,
                        r.planned,
                        r.carried_out,
                        r.decision,
                    ]
                    for r in i.ramp
                ],
                [0.7, 3, 1, 2, 2, 1],
                small=True,
            )
        )
    else:
        p.para(Run("No PDSA cycles yet.", italic=True))


def cycle_blocks(p: Paper, c: CycleContent, level: int) -> None:
    """A cycle's summary: objective, facts, the four phases and the feedback."""
    p.fields([("Objective", c.cycle.objective)])
    p.fields(c.facts)
    for phase in c.phases:
        p.heading(level, phase.title)
        p.fields(_pairs(phase.fields))
        if phase.has_tasks_field:
            if phase.tasks:
                p.para(Run(phase.tasks_label, bold=True))
                p.add(
                    Table(
                        ["Who", "What", "When", "Where"],
                        [
                            [t.who.strip(), t.what.strip(), t.when.strip(), t.where.strip()]
                            for t in phase.tasks
                        ],
                        small=True,
                    )
                )
            else:
                p.fields([(phase.tasks_label, "")])
    p.heading(level, f"Feedback ({c.feedback_count})")
    if not c.feedback:
        p.para(Run("No feedback recorded for this cycle.", italic=True))
    for g in c.feedback:
        p.heading(level + 1, f"{g.source} ({len(g.items)})")
        for item in g.items:
            meta = " · ".join(x for x in (item.date, item.method, item.tone) if x)
            themes = ", ".join(item.themes)
            p.para(Run(meta, bold=True), Run(f" · themes: {themes}" if themes else ""))
            p.para(Run(item.text.strip() or "(nothing written)", italic=not item.text.strip()))
