"""The one place that draws a run/control chart for the terminal, with plotext 5.x.

plotext is imported inside :func:`render_chart`, so importing this module is free.
plotext keeps one global figure: it is cleared before every call, so nothing leaks
between charts (calls must not run in parallel threads).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from itertools import compress, repeat
from operator import mul
from typing import TYPE_CHECKING, Any, cast

from pdsa_tui.report.offscale import OFF_SCALE, OFF_SCALE_LABEL, drawable, scaled

if TYPE_CHECKING:
    from pdsa_tui.analysis import Analysis

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

POINT = "•"
SIGNAL = "◆"
CENTRE = "─"
LIMIT = "┄"
GOAL = "═"
#: A value too large (or too far below zero) to draw in place, at the top or bottom edge.
ABOVE = "▲"
BELOW = "▼"

# Colours plotext knows by name; readable on dark and light terminals.
_C_POINT = "blue"
_C_SIGNAL = "red"
_C_CENTRE = "green"
_C_LIMIT = "orange"
_C_GOAL = "magenta"
_C_MARK = "cyan"

MIN_WIDTH = 30
MIN_HEIGHT = 8


def render_chart(
    analysis: Analysis,
    *,
    width: int,
    height: int,
    goal: float | None = None,
    markers: Sequence[tuple[dt.date, str]] = (),
    title: str = "",
    scale: float = 1.0,
    color: bool = True,
    key: bool = True,
    ceiling: float | None = None,
) -> str:
    """Draw ``analysis`` as text ``width`` columns by ``height`` rows (ANSI colours if ``color``).

    Points over time with date labels, the centre line of each part, the control
    limits of P and I charts, an optional ``goal`` (in displayed units, i.e. already
    multiplied by ``scale``), signal points in another marker and colour, and a
    vertical line with a short label for each of ``markers`` (e.g. PDSA cycles).
    Values are multiplied by ``scale`` for display (100 for percentages). With
    ``key`` the last row explains the symbols. ``ceiling`` caps the value axis where
    values cannot go (100 for percentages) so padding does not draw impossible values.
    A value beyond :data:`~pdsa_tui.report.offscale.OFF_SCALE` is marked at the top or
    bottom edge (``▲``/``▼``), and lines that far out are left out.
    """
    width = max(width, MIN_WIDTH)
    height = max(height, MIN_HEIGHT)
    cols = analysis.columns
    if not len(cols):
        return "No data to chart yet."

    import plotext as plt  # deferred: costs ~50 ms and is needed only when drawing

    plot_height = height - 1 if key else height
    # Cleared before, not after too: each clearing makes a new figure (a tenth of a
    # chart's time), and one before every chart is enough for none to leak into another.
    plt.clf()
    plt.theme("clear")
    # Without a terminal plotext would cap the chart at 80x24; we know the size we want.
    plt.limitsize(False, False)
    plt.plotsize(width, plot_height)
    n = len(cols)
    xs = list(map(float, range(1, n + 1)))
    drawn: list[float] = []
    buckets = max(width - 8, 10)

    # Limits first, so the centre and the points are drawn over them.
    for part in analysis.parts:
        at = xs[part.first - 1 : part.last]
        for limits in (cols.lcls, cols.ucls):
            seg = limits[part.first - 1 : part.last]
            _draw_steps(plt, at, seg, scale, LIMIT, _C_LIMIT, drawn, n, buckets)
    for part in analysis.parts:
        if (c := scaled(part.centre, scale)) is not None:
            plt.plot([part.first - 0.4, part.last + 0.4], [c, c], marker=CENTRE, color=_C_CENTRE)
            drawn.append(c)
    if goal is not None and drawable(goal):
        plt.plot([0.6, n + 0.4], [goal, goal], marker=GOAL, color=_C_GOAL)
        drawn.append(goal)

    # The series: connecting lines for runs of present values, then the points.
    # With more points than columns, each column keeps only its extremes: the
    # picture is the same, and plotext no longer draws thousands of hidden segments.
    ys, whole = _scaled_column(cols.ys, scale)
    gaps = [] if whole else [k for k, y in enumerate(ys) if y is None]
    start = 0
    for end in [*gaps, n]:
        if end - start > 1:
            tx, ty = _thin_xy(xs[start:end], ys[start:end], n, buckets)  # type: ignore[arg-type]
            plt.plot(tx, ty, marker="braille", color=_C_POINT)
        start = end + 1
    # The points with signals, and the others (those with a value, both).
    flagged = sorted(k for k in cols.signals if ys[k] is not None)
    if gaps or flagged:
        keep = bytearray(b"\x01") * n
        for k in (*flagged, *gaps):
            keep[k] = 0
        plain = list(compress(range(n), keep))
        px, py = _thin_xy(
            list(map(xs.__getitem__, plain)),
            cast("list[float]", list(map(ys.__getitem__, plain))),
            n,
            buckets,
        )
    else:
        px, py = _thin_xy(xs, cast("list[float]", ys), n, buckets)
    fx, fy = _thin_xy([xs[k] for k in flagged], [ys[k] for k in flagged], n, buckets)  # type: ignore[misc]
    if px:
        plt.scatter(px, py, marker=POINT, color=_C_POINT)
    if fx:
        plt.scatter(fx, fy, marker=SIGNAL, color=_C_SIGNAL)
    drawn.extend(py + fy)

    lo, hi = _y_range(drawn)
    if drawn and min(drawn) >= 0:
        lo = max(lo, 0.0)
    if analysis.chart == "p":
        # Proportions live in [0, 1]: padding beyond that only wastes rows.
        lo, hi = max(lo, min([0.0, *drawn])), min(hi, max([scale, *drawn]))
    if ceiling is not None and drawn and max(drawn) <= ceiling:
        hi = min(hi, ceiling)
    plt.ylim(lo, hi)
    plt.xlim(0.5, n + 0.5)
    off = (
        []
        if whole
        else [(xs[k], y > 0) for k, y in enumerate(cols.ys) if y is not None and ys[k] is None]
    )
    for marker, edge in ((ABOVE, hi), (BELOW, lo)):
        xs_off = [x for x, above in off if above == (marker == ABOVE)]
        if xs_off:
            plt.scatter(xs_off, [edge] * len(xs_off), marker=marker, color=_C_SIGNAL)
    _draw_markers(plt, cols.dates, markers, hi, lo, width)
    ticks, labels = _x_ticks(cols.dates, xs, width)
    plt.xticks(ticks, labels)
    if title:
        plt.title(title[: max(width - 4, 10)])
    text = _built(plt, color)
    lines = text.rstrip("\n").split("\n")
    if key:
        lines.append(_key(analysis, goal is not None, bool(markers), width, scale, off))
    return "\n".join(line.rstrip() if not color else line for line in lines)


def _built(plt: Any, color: bool) -> str:
    """The figure drawn as text, in colour or not.

    plotext colours every cell of its canvas (about 1,400), and without colour
    ``uncolorize`` took the colours off again: the characters are read from its matrix
    instead (the same text for a third of the work). A plotext without that matrix, or
    a chart whose own texts hold escape codes, is drawn and uncoloured as before.
    """
    if color:
        return str(plt.build())
    from plotext import _global

    figure = _global.figure
    try:
        figure._set_sizes()
        figure._build_matrix()
        matrix = figure.monitor.matrix
        text = "".join(["".join(row) + "\n" for row in reversed(matrix.marker)])
    except AttributeError:  # another plotext than the 5.3 this was written for
        return str(plt.uncolorize(plt.build()))
    if "\x1b" in text:
        matrix.set_canvas()
        text = matrix.get_canvas()
    return str(plt.uncolorize(text)) if "\x1b" in text else text


def _thin_xy(
    xs: list[float], ys: list[float], n: int, buckets: int
) -> tuple[list[float], list[float]]:
    """At most the lowest and highest point of each of ``buckets`` columns, left to right,
    of the points ``zip(xs, ys)`` (``xs`` ascending), as (xs, ys).

    A column cannot show more: its extremes draw the same picture (the line between
    them covers the rest), and plotext's cost grows with every point it is given.
    Each column's first lowest and first highest point are kept. A
    column is a stretch of ``xs`` (they ascend), found by bisection, and its extremes
    by ``min``/``max`` of its slice and ``index`` (the first equal one, as ``min`` keeps
    the first), all in C: 100,000 points cost a few hundred Python steps, not 100,000.
    """
    if len(xs) <= 2 * buckets:
        return xs, ys
    per = buckets / max(n, 1)

    def column(x: float) -> int:
        return int((x - 1) * per)

    out_x: list[float] = []
    out_y: list[float] = []
    pos, end_all = 0, len(xs)
    while pos < end_all:
        end = bisect.bisect_left(xs, column(xs[pos]) + 1, pos, end_all, key=column)
        stretch = ys[pos:end]
        lo = pos + stretch.index(min(stretch))
        hi = pos + stretch.index(max(stretch))
        for k in sorted({lo, hi}, key=lambda k: (xs[k], ys[k])):
            out_x.append(xs[k])
            out_y.append(ys[k])
        pos = end
    return out_x, out_y


def _scaled_column(values: list[float | None], scale: float) -> tuple[list[float | None], bool]:
    """:func:`~pdsa_tui.report.offscale.scaled` of each value, and whether none is None.

    The usual case in C: no value missing (``None * scale`` raises), every product
    within :data:`~pdsa_tui.report.offscale.OFF_SCALE` and none NaN (a NaN makes the
    sum NaN): the products are the answer.
    """
    try:
        out = list(map(mul, values, repeat(scale)))
    except TypeError:  # a missing value
        out = []
    if out:
        total = sum(out)
        if total == total and min(out) >= -OFF_SCALE and max(out) <= OFF_SCALE:
            return cast("list[float | None]", out), True
    scaled_values = _scaled_all(values, scale)
    return scaled_values, None not in scaled_values


def _scaled_all(values: list[float | None], scale: float) -> list[float | None]:
    """:func:`~pdsa_tui.report.offscale.scaled` of each value."""
    return [
        None
        if v is None
        else w
        if (w := v * scale).__class__ is float and -OFF_SCALE <= w <= OFF_SCALE
        else scaled(v, scale)
        for v in values
    ]


def _draw_steps(
    plt: Any,
    at: list[float],
    seg: list[float | None],
    scale: float,
    marker: str,
    colour: str,
    drawn: list[float],
    n: int,
    buckets: int,
) -> None:
    """A limit line as steps: flat across each point, so varying P limits stay readable.

    With more points than columns a step per point cannot be seen: the line then
    follows each column's extremes instead.
    """
    if len(seg) > 2 * buckets:
        values, whole = _scaled_column(seg, scale)
        if not whole:
            keep = [k for k, v in enumerate(values) if v is not None]
            at, values = [at[k] for k in keep], [values[k] for k in keep]
        tx, ty = _thin_xy(at, cast("list[float]", values), n, buckets)
        drawn.extend(ty)
        if tx:
            plt.plot(tx, ty, marker=marker, color=colour)
        return
    xs: list[float] = []
    ys: list[float] = []
    for i, limit in zip(at, seg, strict=True):
        v = scaled(limit, scale)
        if v is None:
            continue
        xs.extend((i - 0.5, i + 0.5))
        ys.extend((v, v))
        drawn.append(v)
    if xs:
        plt.plot(xs, ys, marker=marker, color=colour)


def _y_range(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    if hi - lo < 1e-12:
        # At least 1e-9: plotext's tick labels overflow on a span of 1e-300.
        pad = max(abs(hi) * 0.1, 1e-9) if hi else 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


def _x_position(dates: Sequence[dt.date], when: dt.date) -> float | None:
    """Where a date falls on the index axis, interpolating between the points' dates."""
    if (
        not dates
        or when < dates[0] - dt.timedelta(days=31)
        or when > dates[-1] + dt.timedelta(days=31)
    ):
        return None
    if when <= dates[0]:
        return 1.0 - 0.5 * min(1.0, (dates[0] - when).days / 31)
    for k in range(1, len(dates)):
        a, b = dates[k - 1], dates[k]
        if a <= when <= b:
            span = (b - a).days or 1
            return k + (when - a).days / span
    return len(dates) + 0.5 * min(1.0, (when - dates[-1]).days / 31)


def markers_drawn(
    dates: Sequence[dt.date], markers: Sequence[tuple[dt.date, str]]
) -> list[tuple[dt.date, str]]:
    """The markers :func:`render_chart` draws for points on ``dates`` (those near the span)."""
    return [m for m in markers if _x_position(dates, m[0]) is not None]


def _draw_markers(
    plt: Any,
    dates: Sequence[dt.date],
    markers: Sequence[tuple[dt.date, str]],
    top: float,
    bottom: float,
    width: int,
) -> None:
    # Many cycles start on one date: each date is placed once.
    where = {when: _x_position(dates, when) for when in {when for when, _ in markers}}
    # One line per place: plotext draws every line it is given, and 1,250 cycles on 10
    # dates drew the same 10 lines 1,250 times (the same picture). Of the markers at one
    # place, only the last in label order has room for its label (the others have the
    # next one at no distance): each place keeps that one.
    last: dict[float, str] = {}
    for when, label in markers:
        x = where[when]
        if x is not None and (x not in last or label > last[x]):
            last[x] = label
    places = sorted(last)
    cols_per_x = max(width - 8, 10) / max(len(dates), 1)
    y = top - (top - bottom) * 0.02
    for k, x in enumerate(places):
        plt.vline(x, _C_MARK)
        room = (
            int(((places[k + 1] - x) if k + 1 < len(places) else len(dates) + 0.5 - x) * cols_per_x)
            - 1
        )
        short = last[x][: max(0, min(room, 12))]
        if short:
            plt.text(short, x + 0.15, y, color=_C_MARK)


def date_label(d: dt.date, *, daily: bool = False) -> str:
    """``Mar 19`` (or ``3 Mar`` for weekly or daily data)."""
    if daily:
        return f"{d.day} {_MONTHS[d.month - 1]}"
    return f"{_MONTHS[d.month - 1]} {d.year % 100:02d}"


def _x_ticks(
    dates: Sequence[dt.date], xs: Sequence[float], width: int
) -> tuple[list[float], list[str]]:
    n = len(dates)
    span_days = (dates[-1] - dates[0]).days if n > 1 else 0
    daily = n > 1 and span_days / (n - 1) < 25 and span_days < 200
    label_width = 7
    most = max(2, (width - 8) // (label_width + 2))
    step = max(1, math.ceil(n / most))
    idx = list(range(0, n, step))
    return [xs[k] for k in idx], [date_label(dates[k], daily=daily) for k in idx]


def _key(
    analysis: Analysis,
    goal: bool,
    markers: bool,
    width: int,
    scale: float,
    off: list[tuple[float, bool]],
) -> str:
    """One line naming the symbols actually on the chart (``off``: (position, above zero)
    of each point too far out to draw in place)."""
    cols = analysis.columns
    items = [f"{POINT} value"]
    if cols.signals:
        items.append(f"{SIGNAL} signal")
    if off:
        arrows = (ABOVE if any(a for _, a in off) else "") + (
            BELOW if not all(a for _, a in off) else ""
        )
        items.insert(1, f"{arrows} {OFF_SCALE_LABEL}")
    from pdsa_tui.analysis.charts import CENTRE_KEYS

    centre = CENTRE_KEYS[analysis.chart]
    if any(scaled(p.centre, scale) is not None for p in analysis.parts):
        items.append(f"{CENTRE} {centre}")
    if any(
        scaled(hi, scale) is not None or scaled(lo, scale) is not None
        for lo, hi in zip(cols.lcls, cols.ucls, strict=True)
    ):
        items.append(f"{LIMIT} limits")
    if goal:
        items.append(f"{GOAL} goal")
    if markers:
        items.append("│ cycle")
    text = "  ".join(items)
    return text if len(text) <= width else " ".join(items)[:width]
