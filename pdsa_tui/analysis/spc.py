"""Run chart and control chart (P, I, C, U, G, T) analysis of a measure's series.

Centre lines, limits and the runs analysis follow qicharts2 (Anhøj) and, for the
I chart's default constants, NHSRplotthedots; C, U, G and T charts are qicharts2's
(``charts.py``); the IHI shift/trend/runs rules follow
Perla, Provost & Murray (2011). Everything here is pure: no I/O, no terminal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

from pdsa_tui.analysis import charts, charts_more, rules
from pdsa_tui.analysis.charts import (
    CHART_TYPES,
    LIMIT_CHARTS,
    RATIO_CHARTS,
    SUBGROUP_CHARTS,
    ChartType,
)
from pdsa_tui.analysis.results import (
    XMR_PLOTTHEDOTS,
    Analysis,
    Direction,
    PartResult,
    PointResult,
    SeriesPoint,
    XmRConvention,
    point_result,
)
from pdsa_tui.analysis.rulesets import (
    MDC_SIGNALS,
    RuleSet,
    assurance_sentence,
    chart_icons,
    mdc_causes,
    mdc_sentences,
    point_sides,
)
from pdsa_tui.analysis.subgroups import AggFun, Subgroup, summarise
from pdsa_tui.analysis.verdict import (
    VerdictContext,
    no_limits_note,
    overall_verdict,
    part_verdict,
)

#: Charts whose points' several observations become one value by ``agg``.
AGG_CHARTS = frozenset({"run", "i", "mr", "xbar"})
#: Charts of the spread of the values (moving ranges, SDs): no direction, no target.
SPREAD_CHARTS = frozenset({"mr", "s"})
#: Parts with fewer points than this are analysed, but the rules are not yet reliable.
MIN_RELIABLE_POINTS = 10
#: Limits from a baseline shorter than this are provisional (warned about).
MIN_BASELINE_POINTS = 12
#: P chart normal-approximation rule of thumb: n·p̄ and n·(1 − p̄) should both be >= 5.
P_MIN_EXPECTED = 5.0


def analyse(
    points: Sequence[SeriesPoint],
    chart: ChartType = "run",
    *,
    freeze: int | None = None,
    rebase: Sequence[int] = (),
    direction: Direction = "neutral",
    scale: float = 1.0,
    unit_label: str = "",
    xmr: XmRConvention = XMR_PLOTTHEDOTS,
    rules: RuleSet = "anhoej",
    target: float | None = None,
    multiply: float = 1.0,
    no_negative: bool = False,
    agg: AggFun = "mean",
) -> Analysis:
    """Analyse a series (in the caller's order) as one of :data:`CHART_TYPES`.

    ``freeze`` is the 1-based position of the last baseline point: the part that
    contains it takes its centre (and limits) from its points up to there, while
    every point of the part is tested against them. ``rebase`` holds 1-based
    positions after which a new part begins (qicharts2's ``part``). The points'
    ``baseline_end``/``rebase_after`` markers add to these. qicharts2 ignores
    ``freeze`` once parts are given; here each part may have its own baseline end
    (the first one inside it counts). ``scale`` and ``unit_label`` only change how
    values read in the verdicts (e.g. 100 and "%" for proportions). A T chart's
    values must all be above 0 (:class:`ValueError` otherwise: check them first).

    ``rules`` picks the rule set the signals and verdict use (``rulesets.RULE_SETS``);
    ``target`` (on the multiplied scale) gives the assurance icon. As qicharts2:
    ``multiply`` scales values, centre and limits after the analysis (100 = per
    cent, 1000 = per 1,000); ``no_negative`` lifts every LCL below 0 to 0 when no
    value is negative (``y.neg = FALSE``); ``agg`` turns a point's several
    observations into one value for run, I and MR charts (and Xbar's points).
    ``xmr.screen`` = False keeps every moving range (I, P′, U′).
    """
    if chart not in CHART_TYPES:
        raise ValueError(f"unknown chart type {chart!r}; use one of {', '.join(CHART_TYPES)}")
    if chart in SPREAD_CHARTS:
        # A wider spread is neither better nor worse by the measure's direction, and a
        # target is for the values, not their spread.
        direction, target = "neutral", None
    n = len(points)
    ctx = VerdictContext(
        chart=chart, direction=direction, scale=scale, unit=unit_label, rules=rules
    )
    if n == 0:
        return Analysis(
            chart, 0, [], [], "No data yet: nothing to analyse.", rules=rules, direction=direction
        )

    warnings: list[str] = []
    ys, missing_notes, groups = _values(points, chart, agg)
    breaks = _positions(
        rebase, [k + 1 for k, p in enumerate(points) if p.rebase_after], n, "rebase", warnings
    )
    freezes = _freeze_positions(freeze, points, n, warnings)

    bounds: list[tuple[int, int]] = []
    start = 0
    for b in breaks:
        bounds.append((start, b - 1))
        start = b
    bounds.append((start, n - 1))

    parts: list[PartResult] = []
    results: list[PointResult] = []
    for first, last in bounds:
        part, part_points = _analyse_part(
            points, ys, first, last, freezes, chart, xmr, ctx, missing_notes, groups, multiply
        )
        parts.append(part)
        results.extend(part_points)
    if no_negative:
        parts, results = charts_more.lift_negative_limits(parts, results)
    verdict = overall_verdict(parts, [p.date for p in points])
    from pdsa_tui.analysis.advice import chart_advice

    advice = chart_advice(chart, points, parts, results)
    variation, assurance = chart_icons(chart, results, direction, target)
    if assurance is not None:
        changed = variation not in (None, "common_cause")
        verdict = f"{verdict}\n{assurance_sentence(ctx, assurance, target, changed)}"
    return Analysis(
        chart,
        n,
        parts,
        results,
        verdict,
        warnings,
        advice,
        rules,
        direction,
        target,
        variation,
        assurance,
    )


def _values(
    points: Sequence[SeriesPoint], chart: ChartType, agg: AggFun = "mean"
) -> tuple[list[float | None], dict[int, str], dict[int, Subgroup]]:
    """Each point's y (None when missing), why a value is missing, and its subgroup.

    A point with several observations becomes one value by ``agg`` (an S chart: their SD).
    """
    ys: list[float | None] = []
    notes: dict[int, str] = {}
    groups: dict[int, Subgroup] = {}
    if chart in RATIO_CHARTS:
        return _ratio_values(points, chart, notes), notes, groups
    for k, p in enumerate(points):
        y: float | None = None
        # A sum of no observations is 0 (qicharts2's agg.fun = sum): even for one gap.
        summed = agg == "sum" and chart in AGG_CHARTS
        if chart not in RATIO_CHARTS and (
            p.values is not None or chart in SUBGROUP_CHARTS or summed
        ):
            obs = p.values if p.values is not None else (p.y,)
            g = groups[k] = summarise(obs, agg)
            y = g.sd if chart == "s" else g.value
            if y is not None and not math.isfinite(y):
                y = None
        elif chart in RATIO_CHARTS or p.y is None:
            num, den = p.numerator, p.denominator
            if num is not None and den is not None and _finite(num) and _finite(den):
                if den == 0:
                    notes[k] = "a zero denominator"
                elif den < 0 or num < 0:
                    notes[k] = "a negative numerator or denominator"
                else:
                    y = float(num) / float(den)
                    if not math.isfinite(y):
                        y = None
                        notes[k] = "a numerator too large for its denominator to work with"
            elif chart in RATIO_CHARTS and p.y is not None:
                notes[k] = f"no numerator/denominator (a {chart.upper()} chart needs both)"
        else:
            y = float(p.y) if _finite(p.y) else None
            if chart == "t" and y is not None and y <= 0:
                raise ValueError(
                    f"point {k + 1}: a T chart needs times between events above 0; got {y:g}"
                )
        ys.append(y)
    return ys, notes, groups


def _ratio_values(
    points: Sequence[SeriesPoint], chart: ChartType, notes: dict[int, str]
) -> list[float | None]:
    """:func:`_values` of a ratio chart: numerator / denominator, None (and a note) where
    that fails; the general loop's tests in its order, without a call per point."""
    isfinite = math.isfinite
    ys: list[float | None] = []
    for k, p in enumerate(points):
        num, den = p.numerator, p.denominator
        y: float | None = None
        if num is not None and den is not None and isfinite(num) and isfinite(den):
            if den == 0:
                notes[k] = "a zero denominator"
            elif den < 0 or num < 0:
                notes[k] = "a negative numerator or denominator"
            else:
                y = float(num) / float(den)
                if not isfinite(y):
                    y = None
                    notes[k] = "a numerator too large for its denominator to work with"
        elif p.y is not None:
            notes[k] = f"no numerator/denominator (a {chart.upper()} chart needs both)"
        ys.append(y)
    return ys


def _positions(
    given: Sequence[int], marked: Sequence[int], n: int, what: str, warnings: list[str]
) -> list[int]:
    """Valid 1-based break positions (1..n-1), sorted and merged; others are reported."""
    out: set[int] = set()
    # A marker on the last point announces a phase no data has reached yet: not an error.
    for pos in [*given, *(m for m in marked if m < n)]:
        if 1 <= pos <= n - 1:
            out.add(pos)
        else:
            warnings.append(
                f"{what} after point {pos} ignored: it must be between 1 and {n - 1}"
                if n > 1
                else f"{what} after point {pos} ignored: a single point cannot be split"
            )
    return sorted(out)


def _freeze_positions(
    freeze: int | None, points: Sequence[SeriesPoint], n: int, warnings: list[str]
) -> list[int]:
    marked = [k + 1 for k, p in enumerate(points) if p.baseline_end]
    out = set(marked)
    if freeze is not None:
        if freeze < 1:
            warnings.append(f"freeze {freeze} ignored: it must be 1 or more")
        elif freeze > n:
            warnings.append(f"freeze {freeze} is beyond the last point ({n}): all points used")
        else:
            out.add(freeze)
    return sorted(out)


def _analyse_part(
    points: Sequence[SeriesPoint],
    ys: list[float | None],
    first: int,
    last: int,
    freezes: list[int],
    chart: ChartType,
    xmr: XmRConvention,
    ctx: VerdictContext,
    missing_notes: dict[int, str],
    groups: dict[int, Subgroup],
    multiply: float = 1.0,
) -> tuple[PartResult, list[PointResult]]:
    warnings: list[str] = []
    inside = [f - 1 for f in freezes if first <= f - 1 <= last]
    base_last = inside[0] if inside else last
    if len(inside) > 1:
        warnings.append(
            f"several baseline ends in this part; the first (point {base_last + 1}) is used"
        )
    for k in range(first, last + 1):
        if k in missing_notes:
            warnings.append(f"point {k + 1} ({_day(points[k].date)}) left out: {missing_notes[k]}")

    idx = range(first, last + 1)
    if chart == "mr":
        ys = list(ys)
        ys[first : last + 1] = charts_more.moving_ranges(ys[first : last + 1])
    included = [k for k in idx if not points[k].exclude]
    baseline = [k for k in included if k <= base_last and ys[k] is not None]
    base_values = [v for k in baseline if (v := ys[k]) is not None]

    centre: float | None = None
    lcls: dict[int, float | None] = dict.fromkeys(idx)
    ucls: dict[int, float | None] = dict.fromkeys(idx)
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
            centre = _p_limits(points, ys, baseline, idx, lcls, ucls, warnings)
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
    if chart == "t":
        # Plotted (and tested) as qicharts2 does: through the transform and back.
        ys = [
            None if y is None else charts.t_transform(y) if first <= k <= last else y
            for k, y in enumerate(ys)
        ]

    # Runs analysis: the included points of the part (missing ones as None) around the centre.
    run_values = [ys[k] for k in included]
    runs = rules.runs_analysis(run_values, centre)
    masked: list[float | None] = [ys[k] if not points[k].exclude else None for k in idx]
    if chart == "mr":
        # qicharts2 sets every runs signal of an MR chart to FALSE: consecutive moving
        # ranges share a point, so runs among them are expected.
        runs = dataclasses.replace(runs, anhoej_signal=False, runs_expected=None)
        shifts: list[rules.Span] = []
        trends: list[rules.Span] = []
    elif ctx.rules == "mdc":
        shifts, trends = [], []
    else:
        shifts = rules.ihi_shifts(masked, centre)
        trends = rules.ihi_trends(masked)
    # The Making Data Count rules see the values before any multiplier.
    causes: list[str | None] = (
        mdc_causes(masked, idx, centre, lcls, ucls, spread, xmr.factor)
        if ctx.rules == "mdc"
        else [None] * len(idx)
    )
    if multiply != 1:
        ys = [y * multiply if y is not None and first <= k <= last else y for k, y in enumerate(ys)]
        centre = None if centre is None else centre * multiply
        lcls = {k: None if v is None else v * multiply for k, v in lcls.items()}
        ucls = {k: None if v is None else v * multiply for k, v in ucls.items()}
    n_values = sum(1 for k in included if ys[k] is not None)
    if n_values and runs.n_useful == 0:
        warnings.append("every value lies on the centre line: there is no variation to analyse")

    signals: dict[int, list[str]] = {k: [] for k in idx}
    sides: dict[int, int] = {}
    for s in shifts:
        for j in s.flagged:
            signals[first + j].append("shift")
            sides[first + j] = s.direction
    for t in trends:
        for j in t.flagged:
            if "trend" not in signals[first + j]:
                signals[first + j].append("trend")
                sides.setdefault(first + j, t.direction)
    above: list[int] = []
    below: list[int] = []
    for k in idx:
        yk, lo_k, hi_k = ys[k], lcls[k], ucls[k]
        if yk is None:
            continue
        if hi_k is not None and yk > hi_k:
            signals[k].append("above_ucl")
            above.append(k)
            sides[k] = 1
        elif lo_k is not None and yk < lo_k:
            signals[k].append("below_lcl")
            below.append(k)
            sides[k] = -1
    types = point_sides(ctx.rules, causes, [sides.get(k, 0) for k in idx], ctx.direction)
    for k, cause in zip(idx, causes, strict=True):
        if cause is not None and not signals[k]:
            signals[k].append(MDC_SIGNALS[cause])

    lcl_const = _constant([lcls[k] for k in idx])
    ucl_const = _constant([ucls[k] for k in idx])
    reliable = n_values >= MIN_RELIABLE_POINTS
    dates = [p.date for p in points]
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
        sizes = [
            den if ys[k] is not None and (den := points[k].denominator) is not None else 0
            for k in idx
        ]
    else:
        sizes = [_size(points[k], chart, ys[k], groups.get(k)) for k in idx]
    point_results = [
        point_result(
            k + 1,
            points[k].date,
            ys[k],
            centre,
            lcls[k],
            ucls[k],
            signals[k],
            points[k].exclude,
            size,
            point_type,
            cause,
        )
        for k, cause, point_type, size in zip(idx, causes, types, sizes, strict=True)
    ]
    return part, point_results


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
    ys: list[float | None],
    baseline: list[int],
    idx: range,
    lcls: dict[int, float | None],
    ucls: dict[int, float | None],
    warnings: list[str],
) -> float | None:
    """P chart centre p̄ = Σnum/Σden over the baseline; fills per-point 3-sigma limits."""
    pbar = charts.ratio_of_sums(
        [points[k].numerator or 0.0 for k in baseline],
        [points[k].denominator or 0.0 for k in baseline],
    )
    if pbar is None:
        return None
    small = 0
    counted = 0
    # Limits depend on the denominator alone: worked out once for each denominator seen.
    by_n: dict[float, tuple[float, float, bool]] = {}
    for k in idx:
        n_k = points[k].denominator
        if ys[k] is None or n_k is None or n_k <= 0:
            continue
        counted += 1
        got = by_n.get(n_k)
        if got is None:
            sd = math.sqrt(pbar * (1 - pbar) / n_k) if 0 <= pbar <= 1 else 0.0
            few = n_k * pbar < P_MIN_EXPECTED or n_k * (1 - pbar) < P_MIN_EXPECTED
            got = by_n[n_k] = (max(0.0, pbar - 3 * sd), min(1.0, pbar + 3 * sd), few)
        lcls[k], ucls[k], few = got
        if few:
            small += 1
    if pbar > 1:
        warnings.append("the numerators exceed the denominators: these are not proportions")
    if small:
        warnings.append(
            f"small denominators: {small} of {counted} points have n·p̄ or n·(1−p̄) below "
            f"{P_MIN_EXPECTED:g}, so their limits are only approximate"
        )
    return pbar


def _constant(values: list[float | None]) -> float | None:
    """The single value all non-missing entries share, else None."""
    present = {v for v in values if v is not None}
    return present.pop() if len(present) == 1 else None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def _day(d: dt.date) -> str:
    return d.isoformat()
