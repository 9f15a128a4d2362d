"""Markdown and HTML for the driver diagram, the spread matrix and the change package.

The aim report embeds :func:`drivers_md`/:func:`drivers_html` and
:func:`spread_md`/:func:`spread_html`; ``pdsa export --change-package`` writes
:func:`package_md` or :func:`package_html` as a document of its own.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from pdsa_tui import __version__
from pdsa_tui.model import ChangeIdea
from pdsa_tui.model import choices as C
from pdsa_tui.model.drivers import EVIDENCE_TRIGGERS, is_decision_step, step_text
from pdsa_tui.report.document import NOT_RECORDED, day
from pdsa_tui.report.drivers_content import (
    DriverTree,
    PackageContent,
    SpreadTable,
    package_content,
)
from pdsa_tui.report.markdown import escape_block, escape_cell, escape_inline
from pdsa_tui.store import Store

# -- the driver diagram --------------------------------------------------------------------


def drivers_md(tree: DriverTree) -> list[str]:
    """The driver diagram as an indented Markdown list."""
    if tree.empty and not tree.unlinked:
        return ["*No driver diagram yet.*"]
    out = []
    for p in tree.primaries:
        out.append(f"- **Primary driver:** {escape_inline(p.driver.title)}")
        if not p.secondaries:
            out.append("  - *No secondary driver yet*")
        for s in p.secondaries:
            out.append(f"  - **Secondary driver:** {escape_inline(s.driver.title)}")
            if not s.ideas:
                out.append("    - *No change idea yet*")
            for n in s.ideas:
                out.append(
                    f"    - Change idea: {escape_inline(n.idea.title)} ({n.status}; "
                    f"{escape_inline(n.latest)})"
                )
    if tree.unlinked:
        out.append("- **Not linked to a driver yet**")
        out += [
            f"  - Change idea: {escape_inline(n.idea.title)} ({n.status}; "
            f"{escape_inline(n.latest)})"
            for n in tree.unlinked
        ]
    return out


def drivers_html(tree: DriverTree) -> str:
    """The driver diagram as SVG (and the unlinked ideas as a list)."""
    if tree.empty and not tree.unlinked:
        return '<p class="empty">No driver diagram yet.</p>'
    from pdsa_tui.report.driver_svg import driver_svg  # drawn only for HTML: Markdown lists

    out = [f"<figure>{driver_svg(tree)}</figure>"] if not tree.empty else []
    if tree.unlinked:
        items = "".join(
            f"<li>{_e(n.idea.title)} ({_e(n.status)}; {_e(n.latest)})</li>" for n in tree.unlinked
        )
        out.append(f"<p>Not linked to a driver yet:</p><ul>{items}</ul>")
    return "".join(out)


# -- spread -------------------------------------------------------------------------------


def spread_md(table: SpreadTable) -> list[str]:
    """The spread matrix as a Markdown table."""
    if not table.rows or not table.localities:
        return ["*No localities or change ideas to show yet.*"]
    head = ["Change idea", *(escape_cell(x) for x in table.localities)]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in table.rows:
        cells = [escape_cell(r.idea.title), *(table.label(s) for s in r.stages)]
        out.append("| " + " | ".join(cells) + " |")
    return out


def spread_html(table: SpreadTable) -> str:
    """The spread matrix as an HTML table, each cell shaded by stage."""
    if not table.rows or not table.localities:
        return '<p class="empty">No localities or change ideas to show yet.</p>'
    head = "".join(f'<th scope="col">{_e(x)}</th>' for x in ["Change idea", *table.localities])
    rows = "".join(
        f'<tr><th scope="row">{_e(r.idea.title)}</th>'
        + "".join(f'<td class="stage {_e(s)}">{_e(table.label(s))}</td>' for s in r.stages)
        + "</tr>"
        for r in table.rows
    )
    return f'<table class="spread"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


# -- the change package --------------------------------------------------------------------


def _e(text: str) -> str:
    return escape(text, quote=True)


def package_facts(pc: PackageContent) -> list[tuple[str, str]]:
    idea = pc.idea
    return [
        ("Aim", f"{pc.aim.code}: {pc.aim.statement}" if pc.aim else ""),
        ("Change idea", idea.title),
        ("Lead", idea.lead),
        ("Status", C.label(C.IDEA_STATUSES, idea.status)),
        ("Driver", pc.driver),
        ("Start date", day(pc.package.start_date)),
    ]


def audit_rows(pc: PackageContent) -> list[tuple[str, str]]:
    p = pc.package
    every = f"every {p.audit_every_weeks:g} weeks" if p.audit_every_weeks else ""
    due = day(p.audit_next_due)
    if pc.audit_due:
        due += " (due now)"
    return [("How often", every), ("By", p.audit_by), ("Next due", due)]


def _md_pairs(headers: tuple[str, str], pairs: list[tuple[str, str]]) -> list[str]:
    """A two-column Markdown table (an empty cell stays a cell), or 'Not recorded'."""
    if not pairs:
        return [f"*{NOT_RECORDED}*"]

    def cell(text: str) -> str:
        return escape_cell(text) if text.strip() else " "

    return [f"| {headers[0]} | {headers[1]} |", "|---|---|"] + [
        f"| {cell(a)} | {cell(b)} |" for a, b in pairs
    ]


def package_md(pc: PackageContent, exported: dt.datetime) -> str:
    """The change package as a Markdown document."""
    p = pc.package
    out = [f"# Change package: {escape_inline(pc.idea.title)}", ""]
    out += [f"*Exported {day(exported.date())} at {exported:%H:%M} by pdsa {__version__}*", ""]
    out += [
        f"- **{k}:** {escape_inline(v) if v else '*' + NOT_RECORDED + '*'}"
        for k, v in package_facts(pc)
    ]

    def section(title: str, body: list[str]) -> None:
        out.extend(["", f"## {title}", "", *body])

    def text(value: str) -> list[str]:
        return [escape_block(value)] if value.strip() else [f"*{NOT_RECORDED}*"]

    section("Why and what", text(p.guidance))
    steps = p.step_list()
    section(
        "The new process",
        [
            f"{k}. {'Decision: ' if is_decision_step(s) else ''}{escape_inline(step_text(s))}"
            for k, s in enumerate(steps, start=1)
        ]
        or [f"*{NOT_RECORDED}*"],
    )
    section("Who to contact", _md_pairs(("Role", "Who"), p.contact_pairs()))
    section(
        "Resources (where they are kept)",
        [f"- {escape_inline(x)}" for x in p.lines("resources")] or [f"*{NOT_RECORDED}*"],
    )
    section("Training and coaching", text(p.training))
    section("Approvals", _md_pairs(("Who", "When"), p.approval_pairs()))
    section(
        "Self-audit plan",
        [
            f"- **{k}:** {escape_inline(v) if v else '*' + NOT_RECORDED + '*'}"
            for k, v in audit_rows(pc)
        ],
    )
    evidence: list[str] = []
    for r in pc.reviews[:1]:
        evidence += [
            f"Agreed on {day(r.date)} ({EVIDENCE_TRIGGERS.get(r.trigger, r.trigger).lower()}):",
            "",
            escape_block(r.reason),
            "",
        ]
    for head, lines in pc.evidence.sections():
        evidence += [f"- **{escape_inline(head)}**", *(f"  - {escape_inline(x)}" for x in lines)]
    section("The evidence behind it", evidence)
    section(
        "Spread by locality",
        [f"- {escape_inline(place)}: {stage}" for place, stage in pc.spread]
        or ["*No localities known yet.*"],
    )
    out += ["", "---", "", "Records describe roles, never names: please keep it that way."]
    return "\n".join(out) + "\n"


def _dl(rows: list[tuple[str, str]]) -> str:
    inner = "".join(
        f"<div><dt>{_e(k)}</dt><dd>"
        + (
            f'<span class="txt">{_e(v)}</span>'
            if v.strip()
            else f'<span class="empty">{NOT_RECORDED}</span>'
        )
        + "</dd></div>"
        for k, v in rows
    )
    return f'<dl class="fields">{inner}</dl>'


def _para(value: str) -> str:
    if not value.strip():
        return f'<p class="empty">{NOT_RECORDED}</p>'
    return f'<p class="txt">{_e(value.strip())}</p>'


def package_html(pc: PackageContent, exported: dt.datetime) -> str:
    """The change package as one self-contained, printable HTML page."""
    from pdsa_tui.report.html import page

    p = pc.package
    body = [_dl(package_facts(pc))]
    body += ["<h2>Why and what</h2>", _para(p.guidance)]
    steps = p.step_list()
    body.append("<h2>The new process</h2>")
    if steps:
        from pdsa_tui.report.driver_svg import flowchart_svg

        body.append(f"<figure>{flowchart_svg(steps)}</figure>")
        body.append(
            "<ol>"
            + "".join(
                f"<li>{'<strong>Decision:</strong> ' if is_decision_step(s) else ''}"
                f"{_e(step_text(s))}</li>"
                for s in steps
            )
            + "</ol>"
        )
    else:
        body.append(f'<p class="empty">{NOT_RECORDED}</p>')

    def table(headers: tuple[str, str], rows: list[tuple[str, str]]) -> str:
        if not rows:
            return f'<p class="empty">{NOT_RECORDED}</p>'
        head = "".join(f'<th scope="col">{h}</th>' for h in headers)
        cells = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td></tr>" for a, b in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"

    body += ["<h2>Who to contact</h2>", table(("Role", "Who"), p.contact_pairs())]
    resources = p.lines("resources")
    body.append("<h2>Resources (where they are kept)</h2>")
    body.append(
        "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in resources) + "</ul>"
        if resources
        else f'<p class="empty">{NOT_RECORDED}</p>'
    )
    body += ["<h2>Training and coaching</h2>", _para(p.training)]
    body += ["<h2>Approvals</h2>", table(("Who", "When"), p.approval_pairs())]
    body.append("<h2>Self-audit plan</h2>")
    if pc.audit_due:
        body.append(f'<p class="due">A self-audit is due: {_e(day(p.audit_next_due))}.</p>')
    body.append(_dl(audit_rows(pc)))
    body.append("<h2>The evidence behind it</h2>")
    for r in pc.reviews[:1]:
        why = EVIDENCE_TRIGGERS.get(r.trigger, r.trigger).lower()
        body.append(
            f"<p><strong>Agreed on {_e(day(r.date))}</strong> ({_e(why)}):</p>{_para(r.reason)}"
        )
    for head, lines in pc.evidence.sections():
        cls = ' class="gaps"' if head == "What is missing" else ""
        items = "".join(f"<li>{_e(x)}</li>" for x in lines)
        body.append(f"<h3>{_e(head)}</h3><ul{cls}>{items}</ul>")
    body.append("<h2>Spread by locality</h2>")
    if pc.spread:
        rows = "".join(
            f'<tr><th scope="row">{_e(place)}</th><td>{_e(stage)}</td></tr>'
            for place, stage in pc.spread
        )
        body.append(
            '<table class="spread"><thead><tr><th scope="col">Locality</th>'
            f'<th scope="col">Stage</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    else:
        body.append('<p class="empty">No localities known yet.</p>')
    return page(
        f"Change package: {pc.idea.title}",
        "Change package",
        "\n".join(body),
        subtitle=f"{pc.aim.code}: {pc.aim.statement}" if pc.aim else "",
        exported=exported,
        what="document",
    )


def package_text(store: Store, idea: ChangeIdea, fmt: str, *, today: dt.date | None = None) -> str:
    """The change package of ``idea`` as ``fmt`` ("md" or "html")."""
    from pdsa_tui.model.dates import today as today_

    pc = package_content(store, idea, today or today_())
    now = dt.datetime.now().astimezone()
    return package_md(pc, now) if fmt == "md" else package_html(pc, now)
