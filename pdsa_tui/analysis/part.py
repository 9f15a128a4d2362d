"""One part (phase) of a chart analysed: centre, limits, rules, verdict and point results.

``spc.analyse`` splits a series into parts and calls :func:`analyse_part` for each;
the points' results go into columns (:class:`ColumnsOut`), a list per field, and the
work over a part's points is done a column at a time wherever that gives the same
answer as a loop. Pure: no I/O.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from itertools import compress, repeat
from operator import gt, lt, ne
from typing import cast

from pdsa_tui.analysis import charts, charts_more, rules
from pdsa_tui.analysis.charts import LIMIT_CHARTS, RATIO_CHARTS, ChartType
from pdsa_tui.analysis.results import PartResult, SeriesPoint, XmRConvention
from pdsa_tui.analysis.rulesets import MDC_SIGNALS, mdc_causes, mdc_sentences, point_sides
from pdsa_tui.analysis.subgroups import Subgroup
from pdsa_tui.analysis.verdict import VerdictContext, no_limits_note, part_verdict
from pdsa_tui.valueclass import value_class

#: Parts with fewer points than this are analysed, but the rules are not yet reliable.
MIN_RELIABLE_POINTS = 10
#: Limits from a baseline shorter than this are provisional (warned about).
MIN_BASELINE_POINTS = 12
#: P chart normal-approximation rule of thumb: n·p̄ and n·(1 − p̄) should both be >= 5.
P_MIN_EXPECTED = 5.0


@value_class(frozen=True)
class PartInputs:
    """The series' fields the analysis reads for every point, one list each."""

    dates: list[dt.date]
    excluded: list[bool]
    #: Ratio charts only (empty otherwise).
    numerators: list[float | None]
    denominators: list[float | None]


@value_class
class ColumnsOut:
    """The points' results as the parts are analysed, one list per field."""

    ys: list[float | None] = dataclasses.field(default_factory=list)
    centres: list[float | None] = dataclasses.field(default_factory=list)
    lcls: list[float | None] = dataclasses.field(default_factory=list)
    ucls: list[float | None] = dataclasses.field(default_factory=list)
    signals: dict[int, list[str]] = dataclasses.field(default_factory=dict)
    sizes: list[float] = dataclasses.field(default_factory=list)
    types: list[str] = dataclasses.field(default_factory=list)
    causes: list[str | None] = dataclasses.field(default_factory=list)


def analyse_part(
    points: Sequence[SeriesPoint],
    inputs: PartInputs,
    ys: list[float | None],
    first: int,
    last: int,
    freezes: list[int],
    chart: ChartType,
    xmr: XmRConvention,
    ctx: VerdictContext,
    missing_notes: dict[int, str],
    groups: dict[int, Subgroup],
    multiply: float,
    out: ColumnsOut,
) -> PartResult:
    """One part's result; its points' results are added to ``out``.

    Work over the part's points is done a column at a time (slices, ``map``, sets)
    wherever that gives the same answer as a loop: a part may hold 100,000 points.
    """
    warnings: list[str] = []
    inside = [f - 1 for f in freezes if first <= f - 1 <= last]
    base_last = inside[0] if inside else last
    if len(inside) > 1:
        warnings.append(
            f"several baseline ends in this part; the first (point {base_last + 1}) is used"
        )
    for k in sorted(k for k in missing_notes if first <= k <= last):
        warnings.append(f"point {k + 1} ({_day(points[k].date)}) left out: {missing_notes[k]}")

    idx = range(first, last + 1)
    stop = last + 1
    if chart == "mr":
        ys = list(ys)
        ys[first:stop] = charts_more.moving_ranges(ys[first:stop])
    excluded = inputs.excluded
    any_excluded = any(excluded[first:stop])
    included = [k for k in idx if not excluded[k]] if any_excluded else list(idx)
    if base_last == last and None not in ys[first:stop]:
        baseline = included
    else:
        baseline = [k for k in included if k <= base_last and ys[k] is not None]
    base_values = cast("list[float]", list(map(ys.__getitem__, baseline)))

    centre: float | None = None
    lcls: dict[int, float | None] = {}
    ucls: dict[int, float | None] = {}
    lo_col: list[float | None] | None = None
    hi_col: list[float | None] | None = None
    no_variation = False
    spread: float | None = None
    sigma_z: float | None = None
    if chart in charts_more.CHARTS:
        lim_more = charts_more.part_limits(
            chart,
            idx,
            [k for k in included if k <= base_last],
            base_values,
            points,
            groups,
            xmr.screen,
        )
        centre, lcls, ucls = lim_more.centre, lim_more.lcl, lim_more.ucl
        sigma_z = getattr(lim_more, "sigma_z", None)
        if chart != "mr" and base_values and len(base_values) < MIN_BASELINE_POINTS:
            warnings.append(_provisional(len(base_values)))
    elif base_values:
        chain = [ys[k] for k in included if k <= base_last]
        lim: charts.Limits | None = None
        if chart == "run":
            centre = charts.median(base_values)
        elif chart == "p":
            centre, lo_col, hi_col = _p_limits(
                points, inputs.numerators, inputs.denominators, ys, baseline, idx, warnings
            )
        elif chart == "i":
            lim = charts.i_limits(idx, base_values, chain, xmr.factor, xmr.screen)
        elif chart == "c":
            lim = charts.c_limits(idx, base_values)
        elif chart == "u":
            lim = charts.u_limits(
                idx,
                [points[k].numerator or 0.0 for k in baseline],
                [points[k].denominator or 0.0 for k in baseline],
                {k: points[k].denominator for k in idx if ys[k] is not None},
            )
        elif chart == "g":
            lim = charts.g_limits(idx, base_values)
        else:
            lim = charts.t_limits(idx, base_values, chain)
        if lim is not None:
            centre, lcls, ucls = lim.centre, lim.lcl, lim.ucl
            warnings.extend(lim.warnings)
            no_variation = lim.no_variation
            spread = lim.spread
        if chart in LIMIT_CHARTS and len(base_values) < MIN_BASELINE_POINTS:
            warnings.append(_provisional(len(base_values)))
    if lo_col is None or hi_col is None:
        # A chart without limits (or a part without values) has none at any point.
        lo_col = list(map(lcls.get, idx)) if lcls else [None] * len(idx)
        hi_col = list(map(ucls.get, idx)) if ucls else [None] * len(idx)
    if chart == "t":
        # Plotted (and tested) as qicharts2 does: through the transform and back.
        ys = [
            None if y is None else charts.t_transform(y) if first <= k <= last else y
            for k, y in enumerate(ys)
        ]

    # Runs analysis: the included points of the part (missing ones as None) around the centre.
    run_values = list(map(ys.__getitem__, included)) if any_excluded else ys[first:stop]
    # Without excluded points the runs and the shifts see the same values: one side each.
    side = None if any_excluded else rules.sides(run_values, centre)
    runs = rules.runs_analysis(run_values, centre, side)
    masked: list[float | None] = (
        [ys[k] if not excluded[k] else None for k in idx] if any_excluded else ys[first:stop]
    )
    if chart == "mr":
        # qicharts2 sets every runs signal of an MR chart to FALSE: consecutive moving
        # ranges share a point, so runs among them are expected.
        runs = dataclasses.replace(runs, anhoej_signal=False, runs_expected=None)
        shifts: list[rules.Span] = []
        trends: list[rules.Span] = []
    elif ctx.rules == "mdc":
        shifts, trends = [], []
    else:
        shifts = rules.ihi_shifts(masked, centre, side=side)
        trends = rules.ihi_trends(masked)
    # The Making Data Count rules see the values before any multiplier.
    causes: list[str | None] = (
        mdc_causes(masked, centre, lo_col, hi_col, spread, xmr.factor)
        if ctx.rules == "mdc"
        else [None] * len(idx)
    )
    if multiply != 1:
        ys = [y * multiply if y is not None and first <= k <= last else y for k, y in enumerate(ys)]
        centre = None if centre is None else centre * multiply
        lo_col = [None if v is None else v * multiply for v in lo_col]
        hi_col = [None if v is None else v * multiply for v in hi_col]
    part_ys = ys[first:stop]
    n_values = len(run_values) - run_values.count(None)
    if n_values and runs.n_useful == 0:
        warnings.append("every value lies on the centre line: there is no variation to analyse")

    # Only points with signals get an entry (a list in the order they were found).
    signals = out.signals
    sides: dict[int, int] = {}
    for s in shifts:
        for j in s.flagged:
            signals.setdefault(first + j, []).append("shift")
            sides[first + j] = s.direction
    for t in trends:
        for j in t.flagged:
            found = signals.setdefault(first + j, [])
            if "trend" not in found:
                found.append("trend")
                sides.setdefault(first + j, t.direction)
    above, below = _beyond(idx, part_ys, lo_col, hi_col)
    # A point's signals keep their order: shift, trend, then the limit it is beyond.
    for k in above:
        signals.setdefault(k, []).append("above_ucl")
        sides[k] = 1
    for k in below:
        signals.setdefault(k, []).append("below_lcl")
        sides[k] = -1
    point_side = list(map(sides.get, idx, repeat(0))) if sides else [0] * len(idx)
    types = point_sides(ctx.rules, causes, point_side, ctx.direction)
    if ctx.rules == "mdc":
        for k, cause in zip(idx, causes, strict=True):
            if cause is not None and k not in signals:
                signals[k] = [MDC_SIGNALS[cause]]

    lcl_const = _constant(lo_col)
    ucl_const = _constant(hi_col)
    reliable = n_values >= MIN_RELIABLE_POINTS
    dates = inputs.dates
    verdict = part_verdict(
        ctx,
        dates=dates,
        ys=ys,
        centre=centre,
        runs=runs,
        shifts=[_shift_at(s, first) for s in shifts],
        trends=[_shift_at(t, first) for t in trends],
        above=above,
        below=below,
        n_values=n_values,
        reliable=reliable,
        part_first=first,
        frozen=base_last < last,
        extra=mdc_sentences(ctx, dates, ys, idx, causes) if ctx.rules == "mdc" else [],
    )
    if no_variation:
        verdict = f"{no_limits_note(ctx)} {verdict}"
    part = PartResult(
        first=first + 1,
        last=last + 1,
        centre=centre,
        lcl=lcl_const,
        ucl=ucl_const,
        n_obs=runs.n_obs,
        n_useful=runs.n_useful,
        longest_run=runs.longest_run,
        longest_run_max=runs.longest_run_max,
        crossings=runs.crossings,
        crossings_min=runs.crossings_min,
        runs=runs.runs,
        runs_expected=runs.runs_expected,
        anhoej_signal=runs.anhoej_signal,
        shifts=[(first + s.first + 1, first + s.last + 1) for s in shifts],
        trends=[(first + t.first + 1, first + t.last + 1) for t in trends],
        verdict=verdict,
        warnings=warnings,
        baseline_last=base_last + 1,
        reliable=reliable,
        sigma_z=sigma_z,
    )
    if chart in RATIO_CHARTS:
        sizes: list[float] = [
            den if y is not None and den is not None else 0
            for y, den in zip(part_ys, inputs.denominators[first:stop], strict=True)
        ]
    else:
        sizes = [_size(points[k], chart, ys[k], groups.get(k)) for k in idx]
    out.ys.extend(part_ys)
    out.centres.extend([centre] * len(idx))
    out.lcls.extend(lo_col)
    out.ucls.extend(hi_col)
    out.sizes.extend(sizes)
    out.types.extend(types)
    out.causes.extend(causes)
    return part


def _beyond(
    idx: range, ys: list[float | None], lo: list[float | None], hi: list[float | None]
) -> tuple[list[int], list[int]]:
    """The positions above their upper limit, and those below their lower (not above).

    When no value or limit is missing the comparisons run in C, a column at a time.
    """
    # Comparing with None raises TypeError: then (a gap or a part without limits) the loop.
    with contextlib.suppress(TypeError):
        over = list(map(gt, ys, hi))  # type: ignore[arg-type]
        under = list(map(lt, ys, lo))  # type: ignore[arg-type]
        above = list(compress(idx, over))
        start = idx.start
        below = [k for k in compress(idx, under) if not over[k - start]]
        return above, below
    above = [
        k for k, y, h in zip(idx, ys, hi, strict=True) if y is not None and h is not None and y > h
    ]
    below = [
        k
        for k, y, lo_k, h in zip(idx, ys, lo, hi, strict=True)
        if y is not None and lo_k is not None and y < lo_k and not (h is not None and y > h)
    ]
    return above, below


def _size(p: SeriesPoint, chart: ChartType, y: float | None, g: Subgroup | None) -> float:
    """The point's n: its summed denominator (ratio charts) or its number of observations."""
    if chart in RATIO_CHARTS:
        return p.denominator if y is not None and p.denominator is not None else 0
    if g is not None:
        return g.size
    return 1 if p.y is not None and math.isfinite(p.y) else 0


def _provisional(count: int) -> str:
    return (
        f"the limits come from {_count(count, 'baseline point')}; with fewer "
        f"than {MIN_BASELINE_POINTS} they are provisional and may move as data arrive"
    )


def _shift_at(span: rules.Span, offset: int) -> rules.Span:
    """The span with its indices moved from part-relative to series positions."""
    if not offset:
        return span
    return rules.Span(
        span.first + offset,
        span.last + offset,
        tuple(j + offset for j in span.flagged),
        span.direction,
        span.count,
    )


def _p_limits(
    points: Sequence[SeriesPoint],
    numerators: list[float | None],
    denominators: list[float | None],
    ys: list[float | None],
    baseline: list[int],
    idx: range,
    warnings: list[str],
) -> tuple[float | None, list[float | None] | None, list[float | None] | None]:
    """P chart centre p̄ = Σnum/Σden over the baseline, and each point's 3-sigma limits."""
    if len(baseline) == len(idx) and None not in numerators and None not in denominators:
        # The whole part is the baseline and every pair is whole: the columns' slices.
        base_nums = numerators[idx.start : idx.stop]
        base_dens = denominators[idx.start : idx.stop]
    else:
        base_nums = [points[k].numerator or 0.0 for k in baseline]
        base_dens = [points[k].denominator or 0.0 for k in baseline]
    pbar = charts.ratio_of_sums(base_nums, base_dens)  # type: ignore[arg-type]
    if pbar is None:
        return None, None, None
    # Limits depend on the denominator alone: worked out once for each denominator
    # seen, then looked up for every point in C (None: a point with no limits).
    part_ys = ys[idx.start : idx.stop]
    part_dens = denominators[idx.start : idx.stop]
    try:
        # Every point with a value and a denominator above 0 (the usual case): as is. (A
        # denominator that is not finite never has a value: see spc._ratio_values.)
        whole = None not in part_ys and min(part_dens) > 0  # type: ignore[type-var, operator]
    except TypeError:  # a missing denominator
        whole = False
    keys = (
        part_dens
        if whole
        else [
            n_k if y is not None and n_k is not None and n_k > 0 else None
            for y, n_k in zip(part_ys, part_dens, strict=True)
        ]
    )
    lows: dict[float | None, float | None] = {None: None}
    highs: dict[float | None, float | None] = {None: None}
    few: dict[float | None, bool] = {None: False}
    for n_k in set(keys):
        if n_k is None or n_k in few:
            continue
        sd = math.sqrt(pbar * (1 - pbar) / n_k) if 0 <= pbar <= 1 else 0.0
        few[n_k] = n_k * pbar < P_MIN_EXPECTED or n_k * (1 - pbar) < P_MIN_EXPECTED
        lows[n_k], highs[n_k] = max(0.0, pbar - 3 * sd), min(1.0, pbar + 3 * sd)
    counted = len(keys) - keys.count(None)
    small = sum(map(few.__getitem__, keys))
    if pbar > 1:
        warnings.append("the numerators exceed the denominators: these are not proportions")
    if small:
        warnings.append(
            f"small denominators: {small} of {counted} points have n·p̄ or n·(1−p̄) below "
            f"{P_MIN_EXPECTED:g}, so their limits are only approximate"
        )
    return pbar, list(map(lows.__getitem__, keys)), list(map(highs.__getitem__, keys))


def _constant(values: list[float | None]) -> float | None:
    """The single value all non-missing entries share, else None."""
    first = values[0] if values else None
    # The usual cases in C: every entry the first (stops at the first that differs),
    # or several values and none missing.
    if first is not None and not any(map(ne, values, repeat(first))):
        return first
    if first is not None and first == first and None not in values:
        return None  # another value (or a NaN) besides the first
    present = set(values)
    present.discard(None)
    return present.pop() if len(present) == 1 else None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _day(d: dt.date) -> str:
    return d.isoformat()
