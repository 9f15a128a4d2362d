"""One line of chart advice: how to read this chart, or which chart would serve better."""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from collections.abc import Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

from pdsa_tui.analysis.charts import LIMIT_CHARTS

if TYPE_CHECKING:
    from pdsa_tui.analysis.results import PartResult, PointColumns, SeriesPoint

#: P chart denominators below this can only flag very large changes.
SMALL_DENOMINATOR = 10
#: Fewer events than this per period are "rare": time between them says more.
RARE_EVENTS = 1.0
#: P/U denominators from this size up give limits so tight that ordinary variation signals.
LARGE_DENOMINATOR = 1000
#: ... when at least this share of the points falls outside them.
OVERDISPERSED_SHARE = 0.25


def median(values: Sequence[float]) -> float:
    """``statistics.median`` of a non-empty sequence, the same way (sorted, the middle
    one or the mean of the middle two): importing statistics cost the first screen 1 ms."""
    ordered = sorted(values)
    n = len(ordered)
    if n % 2:
        return ordered[n // 2]
    return (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def period_word(points: Sequence[SeriesPoint], dates: Sequence[dt.date] | None = None) -> str:
    """'a month', 'a week', 'a quarter' from the typical gap between the dates, else 'a point'.

    ``dates``: the points' dates, when the caller has them as a column.
    """
    if dates is None:
        dates = list(map(attrgetter("date"), points))
    # Days between neighbours as differences of ordinals, in C: one step per point.
    days = list(map(dt.date.toordinal, dates))
    gaps = list(map(operator.sub, days[1:], days[:-1]))
    if not gaps:
        return "a point"
    gap = median(gaps)
    for lo, hi, word in ((6, 8, "a week"), (27, 32, "a month"), (88, 93, "a quarter")):
        if lo <= gap <= hi:
            return word
    return "a point"


def _median(values: list[float]) -> float:
    """``statistics.median(values)``; many repeated values (a CSV's denominators) are
    counted in C and their distinct values sorted, rather than every value."""
    counts = Counter(values)
    n = len(values)
    if len(counts) * 4 > n:
        return median(values)
    wanted = (n // 2,) if n % 2 else (n // 2 - 1, n // 2)
    found: list[float] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < len(wanted) and wanted[len(found)] < seen:
            found.append(value)
        if len(found) == len(wanted):
            break
    return found[0] if n % 2 else (found[0] + found[1]) / 2


def chart_advice(
    chart: str,
    points: Sequence[SeriesPoint],
    parts: Sequence[PartResult],
    results: PointColumns,
    denominators: Sequence[float | None] | None = None,
    dates: Sequence[dt.date] | None = None,
) -> str:
    """The most useful single line of advice for this chart of these points.

    ``denominators`` and ``dates``: the points' own, when the caller has them as columns.
    """
    if not len(results):
        return ""
    per = period_word(points, dates)
    if denominators is None:
        denominators = list(map(attrgetter("denominator"), points))
    dens = [d for d in denominators if d is not None and d > 0]
    if chart in ("i", "t") and any("no variation" in w for p in parts for w in p.warnings):
        return (
            "The baseline has no variation, so no limits can be drawn: the run rules are your "
            "signal; freeze a baseline that includes ordinary ups and downs."
        )
    median_den = _median(dens) if dens and chart in ("p", "u") else None
    if chart == "p" and median_den is not None and median_den < SMALL_DENOMINATOR:
        return (
            f"Denominators of {min(dens):g}-{max(dens):g}: a P chart can only flag very large "
            "changes; the run chart rules are your main signal."
        )
    if median_den is not None and median_den >= LARGE_DENOMINATOR:
        outside = sum(1 for s in results.signals.values() if {"above_ucl", "below_lcl"} & set(s))
        if outside >= OVERDISPERSED_SHARE * len(results):
            prime = "P′" if chart == "p" else "U′"
            return (
                f"Denominators in the thousands make {chart.upper()} limits so tight that "
                f"{outside} of {len(results)} points fall outside: a {prime} chart (Laney) "
                "allows for ordinary variation between periods."
            )
    if chart in ("run", "i", "mr") and any(
        p.values is not None and len(p.values) > 1 for p in points
    ):
        return (
            "Several values per date (one per child?): an Xbar chart of their means and an "
            "S chart of their spread use every value, with limits that follow how many."
        )
    if chart in ("run", "i", "c", "u") and per != "a point":
        nums = [v for p in points if (v := p.numerator if chart == "u" else p.y) is not None]
        counts = chart in ("c", "u") or all(v >= 0 and float(v).is_integer() for v in nums)
        if nums and counts and sum(nums) / len(nums) < RARE_EVENTS:
            return (
                f"Events are rare (under 1 {per}): record each event's date, and a T chart "
                "of the days between them shows change sooner."
            )
    if chart in LIMIT_CHARTS and any(
        p.baseline_last - p.first + 1 < 12 and p.centre is not None for p in parts
    ):
        return (
            "The limits come from fewer than 12 baseline points: treat them as provisional "
            "until you have 12-20."
        )
    # Otherwise how to read the chart, in one line that fits 80 columns.
    return {
        "run": "Run chart: the rules find shifts, trends and too few runs around the median.",
        "p": "P chart: each period's limits follow its denominator.",
        "i": "I chart: points beyond the limits are special causes; run rules find drifts.",
        "c": "C chart: events per period; it assumes each period has the same exposure.",
        "u": "U chart: limits widen where exposure is small; compare rates, not counts.",
        "g": "G chart: one point per event; high points are long runs of cases without one.",
        "t": "T chart: one point per event; high points are long gaps between events.",
    }.get(chart, "")
