"""Run chart and control chart (P, I, C, U, G, T) analysis of a measure's series.

Centre lines, limits and the runs analysis follow qicharts2 (Anhøj) and, for the
I chart's default constants, NHSRplotthedots; C, U, G and T charts are qicharts2's
(``charts.py``); the IHI shift/trend/runs rules follow
Perla, Provost & Murray (2011). Everything here is pure: no I/O, no terminal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress
from operator import truediv
from typing import cast

from pdsa_tui.analysis import charts_more
from pdsa_tui.analysis.charts import (
    CHART_TYPES,
    RATIO_CHARTS,
    SUBGROUP_CHARTS,
    ChartType,
)
from pdsa_tui.analysis.part import (
    ColumnsOut,
    PartInputs,
    analyse_part,
)
from pdsa_tui.analysis.results import (
    EMPTY_COLUMNS,
    XMR_PLOTTHEDOTS,
    Analysis,
    Direction,
    PartResult,
    PointColumns,
    SeriesPoint,
    XmRConvention,
    series_column,
)
from pdsa_tui.analysis.rulesets import (
    RuleSet,
    assurance_sentence,
    chart_icons,
)
from pdsa_tui.analysis.subgroups import AggFun, Subgroup, summarise
from pdsa_tui.analysis.verdict import (
    VerdictContext,
    overall_verdict,
)

#: Charts whose points' several observations become one value by ``agg``.
AGG_CHARTS = frozenset({"run", "i", "mr", "xbar"})
#: Charts of the spread of the values (moving ranges, SDs): no direction, no target.
SPREAD_CHARTS = frozenset({"mr", "s"})


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
            chart,
            0,
            [],
            EMPTY_COLUMNS,
            "No data yet: nothing to analyse.",
            rules=rules,
            direction=direction,
        )

    warnings: list[str] = []
    # Each field read once for all points (in C), not once a point per use.
    ratio = chart in RATIO_CHARTS
    inputs = PartInputs(
        series_column(points, "date"),
        series_column(points, "exclude"),
        series_column(points, "numerator") if ratio else [],
        series_column(points, "denominator") if ratio else [],
    )
    if ratio:
        missing_notes: dict[int, str] = {}
        groups: dict[int, Subgroup] = {}
        ys = _ratio_values(points, inputs, chart, missing_notes)
    else:
        ys, missing_notes, groups = _values(points, chart, agg)
    marked = compress(range(1, n + 1), series_column(points, "rebase_after"))
    breaks = _positions(rebase, list(marked), n, "rebase", warnings)
    freezes = _freeze_positions(freeze, points, n, warnings)

    bounds: list[tuple[int, int]] = []
    start = 0
    for b in breaks:
        bounds.append((start, b - 1))
        start = b
    bounds.append((start, n - 1))

    parts: list[PartResult] = []
    out = ColumnsOut()
    for first, last in bounds:
        part = analyse_part(
            points,
            inputs,
            ys,
            first,
            last,
            freezes,
            chart,
            xmr,
            ctx,
            missing_notes,
            groups,
            multiply,
            out,
        )
        parts.append(part)
    results = PointColumns(
        inputs.dates,
        out.ys,
        out.centres,
        out.lcls,
        out.ucls,
        out.signals,
        inputs.excluded,
        out.sizes,
        out.types,
        out.causes,
    )
    if no_negative:
        parts, results = charts_more.lift_negative_limits(parts, results)
    verdict = overall_verdict(parts, inputs.dates)
    from pdsa_tui.analysis.advice import chart_advice

    advice = chart_advice(
        chart, points, parts, results, inputs.denominators if ratio else None, inputs.dates
    )
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
    Not for ratio charts: :func:`_ratio_values` gives theirs.
    """
    ys: list[float | None] = []
    notes: dict[int, str] = {}
    groups: dict[int, Subgroup] = {}
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
                y, why = _quotient(num, den)
                if why:
                    notes[k] = why
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


def _quotient(num: float, den: float) -> tuple[float | None, str]:
    """``num / den`` of a finite pair, or None and why it cannot be plotted."""
    if den == 0:
        return None, "a zero denominator"
    if den < 0 or num < 0:
        return None, "a negative numerator or denominator"
    y = float(num) / float(den)
    if not math.isfinite(y):
        return None, "a numerator too large for its denominator to work with"
    return y, ""


def _ratio_values(
    points: Sequence[SeriesPoint], inputs: PartInputs, chart: ChartType, notes: dict[int, str]
) -> list[float | None]:
    """Each point's numerator / denominator, None (and a note) where that fails.

    When every pair is whole, finite, not negative and the denominator above 0 (a
    CSV's usual case), the quotients are taken in C, in one step; otherwise each
    point goes through the general loop's tests, in its order.
    """
    isfinite = math.isfinite
    if inputs.numerators:
        # A missing value makes min() or isfinite() raise TypeError: no pass for None.
        nums = cast("list[float]", inputs.numerators)
        dens = cast("list[float]", inputs.denominators)
        try:
            whole = (
                all(map(isfinite, nums))
                and all(map(isfinite, dens))
                and min(dens) > 0
                and min(nums) >= 0
            )
        except TypeError:  # a value that is not a number: the loop below says what
            whole = False
        if whole:
            quotients = list(map(truediv, map(float, nums), map(float, dens)))
            if all(map(isfinite, quotients)):
                return cast("list[float | None]", quotients)
    ys: list[float | None] = []
    for k, p in enumerate(points):
        num, den = p.numerator, p.denominator
        y: float | None = None
        if num is not None and den is not None and isfinite(num) and isfinite(den):
            y, why = _quotient(num, den)
            if why:
                notes[k] = why
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
    out = set(compress(range(1, n + 1), series_column(points, "baseline_end")))
    if freeze is not None:
        if freeze < 1:
            warnings.append(f"freeze {freeze} ignored: it must be 1 or more")
        elif freeze > n:
            warnings.append(f"freeze {freeze} is beyond the last point ({n}): all points used")
        else:
            out.add(freeze)
    return sorted(out)


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)
