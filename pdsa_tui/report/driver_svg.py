"""The driver diagram and a change package's process flowchart as inline SVG.

Both are laid out here (no scripts, fonts or links), like the charts in
:mod:`pdsa_tui.report.svg`. Every piece of text goes through :func:`html.escape`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape

from pdsa_tui.model.drivers import is_decision_step, step_text
from pdsa_tui.report.drivers_content import DriverTree, IdeaNode

INK = "#212529"
MUTED = "#5c636a"
LINE = "#868e96"
FONT = 'font-family="system-ui, sans-serif"'
#: Fill and border of each column's boxes.
AIM_BOX = ("#1c4f8c", "#1c4f8c")
PRIMARY_BOX = ("#dbe4ff", "#4263eb")
SECONDARY_BOX = ("#e6fcf5", "#0ca678")
#: An idea's box by its status.
STATUS_FILL = {
    "idea": "#f8f9fa",
    "testing": "#fff4e6",
    "implementing": "#fff9db",
    "spreading": "#ebfbee",
    "sustained": "#d3f9d8",
    "abandoned": "#f1f3f5",
}

#: Styles the HTML exports add for these drawings and the spread table.
CSS = """
svg.drivers, svg.flowchart { width: 100%; height: auto; display: block; margin: 0.6rem 0; }
svg.flowchart { max-width: 460px; }
table.spread td.stage { white-space: nowrap; }
td.not_tested { color: var(--muted); }
td.testing { background: #fff4e6; } td.implementing { background: #fff9db; }
td.sustained { background: #d3f9d8; }
.due { padding: 0.4rem 0.6rem; border-left: 4px solid #e03131; background: #fff5f5; }
ul.gaps li { margin: 0.2rem 0; }
"""

COL_W = 200
GAP = 44
PAD = 8
LINE_H = 15
CHARS = 29  # characters per line at 12px in a 200px box
CHARS_BOLD = 25  # bold text is wider
MAX_LINES = 6


def _e(text: str) -> str:
    return escape(text, quote=True)


def _lines(text: str, width: int = CHARS, most: int = MAX_LINES) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1][: width - 1] + "…"]
    return lines


@dataclass
class _Box:
    x: float
    y: float
    w: float
    lines: list[str]
    fill: str
    stroke: str
    ink: str = INK
    bold: bool = False
    dashed: bool = False

    @property
    def h(self) -> float:
        return len(self.lines) * LINE_H + 2 * PAD

    def svg(self) -> str:
        dash = ' stroke-dasharray="4 3"' if self.dashed else ""
        weight = ' font-weight="600"' if self.bold else ""
        spans = "".join(
            f'<tspan x="{self.x + PAD:.0f}" dy="{LINE_H if k else 0}">{_e(t)}</tspan>'
            for k, t in enumerate(self.lines)
        )
        return (
            f'<g class="node"><rect x="{self.x:.0f}" y="{self.y:.0f}" width="{self.w:.0f}" '
            f'height="{self.h:.0f}" rx="6" fill="{self.fill}" stroke="{self.stroke}"{dash}/>'
            f'<text x="{self.x + PAD:.0f}" y="{self.y + PAD + 11:.0f}" font-size="12" '
            f'fill="{self.ink}"{weight}>{spans}</text></g>'
        )


def _link(a: _Box, b: _Box) -> str:
    """An elbow line from the right of ``a`` to the left of ``b``."""
    x1, y1 = a.x + a.w, a.y + a.h / 2
    x2, y2 = b.x, b.y + b.h / 2
    mid = (x1 + x2) / 2
    return (
        f'<path d="M{x1:.0f},{y1:.0f} H{mid:.0f} V{y2:.0f} H{x2:.0f}" '
        f'fill="none" stroke="{LINE}" stroke-width="1.2"/>'
    )


def _idea_lines(node: IdeaNode) -> list[str]:
    return [*_lines(node.idea.title, most=4), f"{node.status} · {node.latest}"]


def driver_svg(tree: DriverTree) -> str:
    """The aim's driver diagram: aim -> primary -> secondary drivers -> change ideas."""
    xs = [0.0, COL_W + GAP, 2 * (COL_W + GAP), 3 * (COL_W + GAP)]
    width = xs[3] + COL_W + 2
    top = 28.0
    y = top
    boxes: list[_Box] = []
    links: list[str] = []
    primary_boxes: list[_Box] = []
    for p in tree.primaries:
        sec_boxes: list[_Box] = []
        for s in p.secondaries:
            leaves: list[_Box] = []
            for node in s.ideas:
                leaf = _Box(
                    xs[3],
                    y,
                    COL_W,
                    _idea_lines(node),
                    STATUS_FILL.get(node.idea.status, "#fff"),
                    LINE,
                )
                leaves.append(leaf)
                y += leaf.h + 10
            if not leaves:
                leaf = _Box(
                    xs[3], y, COL_W, ["No change idea yet"], "#fff", LINE, MUTED, dashed=True
                )
                leaves.append(leaf)
                y += leaf.h + 10
            centre = (leaves[0].y + leaves[-1].y + leaves[-1].h) / 2
            sbox = _Box(xs[2], 0, COL_W, _lines(s.driver.title), *SECONDARY_BOX)
            sbox.y = max(
                centre - sbox.h / 2, (sec_boxes[-1].y + sec_boxes[-1].h + 8) if sec_boxes else top
            )
            y = max(y, sbox.y + sbox.h + 10)
            links += [_link(sbox, leaf) for leaf in leaves]
            boxes += leaves
            sec_boxes.append(sbox)
        if not sec_boxes:
            sbox = _Box(
                xs[2], y, COL_W, ["No secondary driver yet"], "#fff", LINE, MUTED, dashed=True
            )
            sec_boxes.append(sbox)
            y += sbox.h + 10
        centre = (sec_boxes[0].y + sec_boxes[-1].y + sec_boxes[-1].h) / 2
        pbox = _Box(xs[1], 0, COL_W, _lines(p.driver.title, CHARS_BOLD), *PRIMARY_BOX, bold=True)
        pbox.y = max(
            centre - pbox.h / 2,
            (primary_boxes[-1].y + primary_boxes[-1].h + 8) if primary_boxes else top,
        )
        y = max(y, pbox.y + pbox.h + 10)
        links += [_link(pbox, sb) for sb in sec_boxes]
        boxes += sec_boxes
        primary_boxes.append(pbox)
        y += 12  # a little air between primary drivers
    aim_text = f"{tree.aim.code}: {tree.aim.statement}"
    abox = _Box(
        xs[0], 0, COL_W, _lines(aim_text, CHARS_BOLD, most=12), *AIM_BOX, ink="#fff", bold=True
    )
    bottom = max(y, top + abox.h + 10)
    if primary_boxes:
        centre = (primary_boxes[0].y + primary_boxes[-1].y + primary_boxes[-1].h) / 2
        abox.y = max(top, centre - abox.h / 2)
        links += [_link(abox, pb) for pb in primary_boxes]
    else:
        abox.y = top
    boxes += [*primary_boxes, abox]
    height = max(bottom, abox.y + abox.h + 10)
    heads = "".join(
        f'<text x="{x:.0f}" y="16" font-size="12" font-weight="600" fill="{MUTED}">{_e(t)}</text>'
        for x, t in zip(
            xs, ("Aim", "Primary drivers", "Secondary drivers", "Change ideas"), strict=True
        )
    )
    label = f"Driver diagram of {tree.aim.code}"
    return (
        f'<svg class="drivers" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{_e(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" {FONT}>'
        f"<title>{_e(label)}</title>{heads}{''.join(links)}{''.join(b.svg() for b in boxes)}</svg>"
    )


def flowchart_svg(steps: list[str], title: str = "The new process") -> str:
    """The process steps top to bottom, joined by arrows; '?' steps drawn as decisions."""
    width = 460.0
    box_w = 380.0
    x = (width - box_w) / 2
    y = 10.0
    parts: list[str] = []
    prev_bottom: float | None = None
    for k, step in enumerate(steps, start=1):
        decision = is_decision_step(step)
        text = step_text(step) + ("?" if decision and not step.rstrip().endswith("?") else "")
        lines = _lines(f"{k}. {text}", width=54, most=5)
        h = len(lines) * LINE_H + 2 * PAD + (14 if decision else 0)
        if prev_bottom is not None:
            parts.append(
                f'<line x1="{width / 2:.0f}" y1="{prev_bottom:.0f}" x2="{width / 2:.0f}" '
                f'y2="{y - 2:.0f}" stroke="{LINE}" stroke-width="1.5" marker-end="url(#arrow)"/>'
            )
        if decision:
            m = 18  # the pointed ends of a decision
            pts = (
                f"{x:.0f},{y + h / 2:.0f} {x + m:.0f},{y:.0f} {x + box_w - m:.0f},{y:.0f} "
                f"{x + box_w:.0f},{y + h / 2:.0f} {x + box_w - m:.0f},{y + h:.0f} "
                f"{x + m:.0f},{y + h:.0f}"
            )
            parts.append(
                f'<polygon class="decision" points="{pts}" fill="#fff9db" stroke="#f08c00"/>'
            )
            tx = x + m + 6
            ty = y + PAD + 18
        else:
            parts.append(
                f'<rect class="step" x="{x:.0f}" y="{y:.0f}" width="{box_w:.0f}" height="{h:.0f}" '
                f'rx="6" fill="#e7f5ff" stroke="#1c7ed6"/>'
            )
            tx = x + PAD
            ty = y + PAD + 11
        spans = "".join(
            f'<tspan x="{tx:.0f}" dy="{LINE_H if i else 0}">{_e(t)}</tspan>'
            for i, t in enumerate(lines)
        )
        parts.append(f'<text x="{tx:.0f}" y="{ty:.0f}" font-size="12" fill="{INK}">{spans}</text>')
        prev_bottom = y + h
        y += h + 26
    height = max(y - 16, 40)
    if not steps:
        parts.append(
            f'<text x="{x:.0f}" y="28" font-size="12" fill="{MUTED}">No steps written yet</text>'
        )
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/>'
        "</marker></defs>"
    )
    return (
        f'<svg class="flowchart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{_e(title)}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" {FONT}><title>{_e(title)}</title>{defs}{"".join(parts)}</svg>'
    )
