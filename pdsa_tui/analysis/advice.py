"""One line of chart advice: how to read this chart, or which chart would serve better."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pdsa_tui.analysis.charts import LIMIT_CHARTS

if TYPE_CHECKING:
    from pdsa_tui.analysis.results import PartResult, PointResult, SeriesPoint

#: P chart denominators below this can only flag very large changes.
SMALL_DENOMINATOR = 10
#: Fewer events than this per period are "rare": time between them says more.
RARE_EVENTS = 1.0
#: P/U denominators from this size up give limits so tight that ordinary variation signals.
LARGE_DENOMINATOR = 1000
#: ... when at least this share of the points falls outside them.
OVERDISPERSED_SHARE = 0.25


def period_word(points: Sequence[SeriesPoint]) -> str:
    """'a month', 'a week', 'a quarter' from the typical gap between the dates, else 'a point'."""
    gaps = [(b.date - a.date).days for a, b in itertools.pairwise(points)]
    if not gaps:
        return "a point"
    gap = statistics.median(gaps)
    for lo, hi, word in ((6, 8, "a week"), (27, 32, "a month"), (88, 93, "a quarter")):
        if lo <= gap <= hi:
            return word
    return "a point"


def chart_advice(
    chart: str,
    points: Sequence[SeriesPoint],
    parts: Sequence[PartResult],
    results: Sequence[PointResult],
) -> str:
    """The most useful single line of advice for this chart of these points."""
    if not results:
        return ""
    per = period_word(points)
    dens = [p.denominator for p in points if p.denominator is not None and p.denominator > 0]
    if chart in ("i", "t") and any("no variation" in w for p in parts for w in p.warnings):
        return (
            "The baseline has no variation, so no limits can be drawn: the run rules are your "
            "signal; freeze a baseline that includes ordinary ups and downs."
        )
    if chart == "p" and dens and statistics.median(dens) < SMALL_DENOMINATOR:
        return (
            f"Denominators of {min(dens):g}-{max(dens):g}: a P chart can only flag very large "
            "changes; the run chart rules are your main signal."
        )
    if chart in ("p", "u") and dens and statistics.median(dens) >= LARGE_DENOMINATOR:
        outside = sum(1 for r in results if {"above_ucl", "below_lcl"} & set(r.signals))
        if outside >= OVERDISPERSED_SHARE * len(results):
            prime = "P′" if chart == "p" else "U′"
            return (
                f"Denominators in the thousands make {chart.upper()} limits so tight that "
                f"{outside} of {len(results)} points fall outside: a {prime} chart (Laney) "
                "allows for ordinary variation between periods."
            )
    if any(p.values is not None and len(p.values) > 1 for p in points) and chart in (
        "run",
        "i",
        "mr",
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
