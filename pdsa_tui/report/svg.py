"""Run and control charts as inline SVG for the HTML export: no scripts, fonts or links.

:func:`chart_svg` draws an :class:`~pdsa_tui.analysis.Analysis` over time: the
points joined by a line, each part's centre line (median, mean or p̄), control
limits for P and I charts, a dashed goal line, signal points as red diamonds,
PDSA cycles as numbered dotted verticals, a date axis, a value axis and a legend.
Every piece of text goes through :func:`html.escape`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from pdsa_tui.analysis import Analysis
from pdsa_tui.analysis.charts import CENTRE_NAMES as CENTRE_NAMES_IN_TEXT
from pdsa_tui.report.offscale import OFF_SCALE_LABEL, drawable, scaled

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

WIDTH = 760
HEIGHT = 330
LEFT, RIGHT, TOP, BOTTOM = 58, 84, 30, 78


VALUE = "#1c4f8c"
SIGNAL = "#d6336c"
CENTRE = "#0b7285"
GOAL = "#2b8a3e"
LIMIT = "#9c36b5"
MARK = "#868e96"
GRID = "#e9ecef"
INK = "#343a40"

#: The centre line as named in the chart's key (the others are as the analysis names them).
CENTRE_NAMES = {
    **{k: v.removeprefix("the ").capitalize() for k, v in CENTRE_NAMES_IN_TEXT.items()},
    "p": "Centre (p̄)",
    "u": "Centre (ū)",
    "t": "Centre",
}


@dataclass(frozen=True)
class ChartMarker:
    """A PDSA cycle to mark: drawn at ``date`` and labelled with ``key``."""

    key: int
    date: dt.date
    text: str


def month_label(d: dt.date) -> str:
    """``Feb 2018``, independent of the locale."""
    return f"{_MONTHS[d.month - 1]} {d.year}"


def _num(v: float) -> str:
    """A coordinate with two decimals at most."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fmt(v: float) -> str:
    if not drawable(v):  # an old file's 1e308: a short form, not 309 digits (or a crash)
        return f"{v:.3g}"
    if abs(v) >= 100 or v == int(v):
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}".rstrip("0").rstrip(".")
    return f"{v:.2f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round tick values covering ``lo`` to ``hi`` (1, 2, 2.5 or 5 times a power of ten)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    if hi - lo < 1e-12:
        pad = max(abs(hi) * 0.1, 1e-9) if hi else 1.0  # 10 ** log10(1e-300) is 0: no step
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    count = max(1, round((end - start) / step))
    return [round(start + k * step, 10) for k in range(count + 1)]


def visible_markers(
    dates: Sequence[dt.date], markers: Sequence[ChartMarker]
) -> tuple[list[ChartMarker], list[ChartMarker]]:
    """The markers inside the chart's period (with a month's grace) and those outside it."""
    if not dates:
        return [], list(markers)
    lo, hi = dates[0] - dt.timedelta(days=31), dates[-1] + dt.timedelta(days=31)
    inside = [m for m in markers if lo <= m.date <= hi]
    outside = [m for m in markers if not lo <= m.date <= hi]
    return inside, outside


def chart_svg(
    analysis: Analysis,
    *,
    title: str,
    scale: float = 1.0,
    unit_suffix: str = "",
    goal: float | None = None,
    markers: Sequence[ChartMarker] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
    ident: str = "chart",
) -> str:
    """The chart as one ``<svg>`` element (values multiplied by ``scale``; ``goal`` already is)."""
    pts = analysis.points
    title_id, desc_id = f"{ident}-title", f"{ident}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif" '
        f'font-size="11">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(analysis.verdict)}</desc>'
    )
    if not pts:
        return (
            f'{head}<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{INK}">'
            "No data yet</text></svg>"
        )
    out: list[str] = [head]
    pw, ph = width - LEFT - RIGHT, height - TOP - BOTTOM
    dates = [p.date for p in pts]
    first, last = dates[0], dates[-1]
    days = max((last - first).days, 1)
    pad = days * 0.03 if len(pts) > 1 else 15

    def x(d: dt.date) -> float:
        if len(pts) == 1:
            return LEFT + pw / 2 + (d - first).days * pw / 120
        return LEFT + ((d - first).days + pad) / (days + 2 * pad) * pw

    # Value range: points, lines, limits and goal.
    # Values too far out to draw in place are marked at the edge instead (offscale.py).
    found = [scaled(p.y, scale) for p in pts]
    found += [scaled(part.centre, scale) for part in analysis.parts]
    for p in pts:
        found += [scaled(p.lcl, scale), scaled(p.ucl, scale)]
    if goal is not None and drawable(goal):
        found.append(goal)
    seen = [v for v in found if v is not None] or [0.0, 1.0]
    ticks = nice_ticks(min(seen), max(seen))
    if min(seen) >= 0 and ticks[0] < 0:
        ticks = [t for t in ticks if t >= 0] or [0.0]
    lo, hi = ticks[0], ticks[-1]
    if hi - lo < 1e-12:
        hi = lo + 1

    def y(v: float) -> float:
        return TOP + ph - (v - lo) / (hi - lo) * ph

    # Grid and value axis.
    for t in ticks:
        ty = y(t)
        out.append(
            f'<line x1="{LEFT}" y1="{_num(ty)}" x2="{LEFT + pw}" y2="{_num(ty)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{_num(ty + 3.5)}" text-anchor="end" fill="{INK}">'
            f"{escape(_fmt(t) + unit_suffix.strip() if unit_suffix.strip() == '%' else _fmt(t))}"
            "</text>"
        )
    if unit_suffix.strip() and unit_suffix.strip() != "%":
        out.append(
            f'<text x="{LEFT - 6}" y="{TOP - 12}" text-anchor="end" fill="{INK}">'
            f"{escape(unit_suffix.strip())}</text>"
        )
    out.append(
        f'<line x1="{LEFT}" y1="{TOP + ph}" x2="{LEFT + pw}" y2="{TOP + ph}" stroke="{INK}"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + ph}" stroke="{INK}"/>'
    )

    # Date axis: at most one label per ~70 px, on the points' own dates.
    most = max(2, int(pw // 72))
    step = max(1, math.ceil(len(pts) / most))
    for k in range(0, len(pts), step):
        tx = x(dates[k])
        out.append(
            f'<line x1="{_num(tx)}" y1="{TOP + ph}" x2="{_num(tx)}" y2="{TOP + ph + 4}" '
            f'stroke="{INK}"/>'
            f'<text x="{_num(tx)}" y="{TOP + ph + 16}" text-anchor="middle" fill="{INK}">'
            f"{escape(month_label(dates[k]))}</text>"
        )

    # PDSA cycle markers: dotted verticals, numbered where there is room.
    inside, _ = visible_markers(dates, markers)
    last_label = -1e9
    for m in sorted(inside, key=lambda m: (m.date, m.key)):
        mx = min(max(x(m.date), LEFT), LEFT + pw)
        out.append(
            f'<g class="marker"><title>{escape(f"{m.key}: {m.text} ({month_label(m.date)})")}'
            f'</title><line x1="{_num(mx)}" y1="{TOP}" x2="{_num(mx)}" y2="{TOP + ph}" '
            f'stroke="{MARK}" stroke-width="1" stroke-dasharray="2 3"/>'
        )
        if mx - last_label >= 16:
            out.append(
                f'<text x="{_num(mx)}" y="{TOP - 6}" text-anchor="middle" font-size="9" '
                f'fill="{MARK}">{m.key}</text>'
            )
            last_label = mx
        out.append("</g>")

    # Control limits as steps (P limits vary with each point's denominator).
    for part in analysis.parts:
        seg = pts[part.first - 1 : part.last]
        for attr in ("lcl", "ucl"):
            path = _step_path(
                [(x(p.date), v) for p in seg if (v := scaled(getattr(p, attr), scale)) is not None],
                y,
            )
            if path:
                out.append(
                    f'<path d="{path}" fill="none" stroke="{LIMIT}" stroke-width="1.2" '
                    'stroke-dasharray="5 3"/>'
                )

    # Centre line of each part, labelled.
    centre_name = CENTRE_NAMES[analysis.chart]
    for part in analysis.parts:
        if (c := scaled(part.centre, scale)) is None:
            continue
        x1, x2 = x(dates[part.first - 1]), x(dates[part.last - 1])
        if x2 - x1 < 8:
            x1, x2 = x1 - 4, x2 + 4
        cy = y(c)
        out.append(
            f'<line x1="{_num(x1)}" y1="{_num(cy)}" x2="{_num(x2)}" y2="{_num(cy)}" '
            f'stroke="{CENTRE}" stroke-width="1.6"/>'
        )
        label = f"{centre_name} {_fmt(c)}{unit_suffix.strip() if unit_suffix == '%' else ''}"
        out.append(
            f'<text x="{_num(x1 + 2)}" y="{_num(cy - 4)}" fill="{CENTRE}" font-size="10" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">{escape(label)}</text>'
        )

    if goal is not None and drawable(goal):
        gy = y(goal)
        out.append(
            f'<line x1="{LEFT}" y1="{_num(gy)}" x2="{LEFT + pw}" y2="{_num(gy)}" '
            f'stroke="{GOAL}" stroke-width="1.6" stroke-dasharray="7 4"/>'
            f'<text x="{LEFT + pw + 4}" y="{_num(gy + 3.5)}" fill="{GOAL}">'
            f"{escape(f'Goal {_fmt(goal)}{unit_suffix}')}</text>"
        )

    # The series: a line through consecutive present values, then the points.
    runs: list[list[tuple[float, float]]] = [[]]
    for p in pts:
        if (v := scaled(p.y, scale)) is None:
            runs.append([])
        else:
            runs[-1].append((x(p.date), y(v)))
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{_num(a)},{_num(b)}" for a, b in run)
            out.append(
                f'<polyline points="{coords}" fill="none" stroke="{VALUE}" stroke-width="1.5"/>'
            )
    off = False
    for p in pts:
        if p.y is None:
            continue
        v = scaled(p.y, scale)
        px = x(p.date)
        value = f"{_fmt(p.y * scale)}{unit_suffix}"
        why = ", ".join(s.replace("_", " ") for s in p.signals)
        tip = f"{month_label(p.date)}: {value}" + (f" (signal: {why})" if why else "")
        if v is None:
            off = True
            edge, tip = (TOP, f"{tip} ({OFF_SCALE_LABEL})")
            if p.y > 0:
                arrow = f"M{_num(px)},{_num(edge)} l6,10 l-12,0 z"
            else:
                edge = TOP + ph
                arrow = f"M{_num(px)},{_num(edge)} l6,-10 l-12,0 z"
            out.append(
                f'<path class="off-scale" d="{arrow}" fill="{SIGNAL}" stroke="#fff" '
                f'stroke-width="0.8"><title>{escape(tip)}</title></path>'
            )
            continue
        py = y(v)
        if p.signals:
            out.append(
                f'<path class="signal" d="M{_num(px)},{_num(py - 6)} l6,6 l-6,6 l-6,-6 z" '
                f'fill="{SIGNAL}" stroke="#fff" stroke-width="0.8"><title>{escape(tip)}</title>'
                "</path>"
            )
        else:
            out.append(
                f'<circle class="point" cx="{_num(px)}" cy="{_num(py)}" r="3.4" fill="{VALUE}" '
                f'stroke="#fff" stroke-width="0.8"><title>{escape(tip)}</title></circle>'
            )

    out.append(_legend(analysis, goal is not None, bool(inside), width, height, off))
    out.append("</svg>")
    return "".join(out)


def _step_path(values: Sequence[tuple[float, float]], y: Callable[[float], float]) -> str:
    if not values:
        return ""
    cmds = []
    for k, (px, v) in enumerate(values):
        left = px - 6 if k == 0 else (values[k - 1][0] + px) / 2
        right = px + 6 if k == len(values) - 1 else (values[k + 1][0] + px) / 2
        vy = y(v)
        cmds.append(f"{'M' if k == 0 else 'L'}{_num(left)},{_num(vy)} H{_num(right)}")
    return " ".join(cmds)


def _legend(
    analysis: Analysis, goal: bool, markers: bool, width: int, height: int, off: bool = False
) -> str:
    """One row naming the symbols actually on the chart."""
    items: list[tuple[str, str]] = [
        (
            f'<circle cx="6" cy="-4" r="3.4" fill="{VALUE}"/>'
            f'<line x1="-2" y1="-4" x2="14" y2="-4" stroke="{VALUE}" stroke-width="1.5"/>',
            "Value",
        )
    ]
    if any(p.signals for p in analysis.points):
        items.append((f'<path d="M6,-10 l6,6 l-6,6 l-6,-6 z" fill="{SIGNAL}"/>', "Signal"))
    if off:
        items.append(
            (f'<path d="M6,-10 l6,10 l-12,0 z" fill="{SIGNAL}"/>', OFF_SCALE_LABEL.capitalize())
        )
    items.append(
        (
            f'<line x1="0" y1="-4" x2="16" y2="-4" stroke="{CENTRE}" stroke-width="1.6"/>',
            CENTRE_NAMES[analysis.chart],
        )
    )
    if any(p.lcl is not None or p.ucl is not None for p in analysis.points):
        items.append(
            (
                f'<line x1="0" y1="-4" x2="16" y2="-4" stroke="{LIMIT}" stroke-width="1.2" '
                'stroke-dasharray="5 3"/>',
                "Control limits",
            )
        )
    if goal:
        items.append(
            (
                f'<line x1="0" y1="-4" x2="16" y2="-4" stroke="{GOAL}" stroke-width="1.6" '
                'stroke-dasharray="7 4"/>',
                "Goal",
            )
        )
    if markers:
        items.append(
            (
                f'<line x1="8" y1="-11" x2="8" y2="3" stroke="{MARK}" stroke-dasharray="2 3"/>',
                "PDSA cycle (numbered)",
            )
        )
    out = [f'<g class="legend" transform="translate({LEFT},{height - 14})">']
    pos = 0
    for icon, label in items:
        out.append(
            f'<g transform="translate({pos},0)">{icon}'
            f'<text x="21" y="0" fill="{INK}">{escape(label)}</text></g>'
        )
        pos += 21 + 7 * len(label) + 18
    out.append("</g>")
    return "".join(out)
