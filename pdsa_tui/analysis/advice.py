"""One line of chart advice: how to read this chart, or which chart would serve better."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pdsa_tui.analysis.charts import LIMIT_CHARTS

if TYPE_CHECKING:
    from pdsa_tui.analysis.spc import PartResult, PointResult, SeriesPoint

#: P chart denominators below this can only flag very large changes.
SMALL_DENOMINATOR = 10
#: Fewer events than this per period are "rare": time between them says more.
RARE_EVENTS = 1.0


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
    if chart in ("c", "u") and per != "a point":
        nums = [
            (p.y if chart == "c" else p.numerator)
            for p in points
            if (p.y if chart == "c" else p.numerator) is not None
        ]
        if nums and sum(n for n in nums if n is not None) / len(nums) < RARE_EVENTS:
            return (
                f"Events are rare (under 1 {per[2:]}): a T chart of days between them "
                "shows change sooner."
            )
    if chart in LIMIT_CHARTS and any(
        p.baseline_last - p.first + 1 < 12 and p.centre is not None for p in parts
    ):
        return (
            "The limits come from fewer than 12 baseline points: treat them as provisional "
            "until you have 12-20."
        )
    return {
        "run": "A run chart needs no assumptions: its rules look for shifts, trends and too "
        "few runs around the median.",
        "p": "P chart: each month's limits depend on its denominator; points outside them "
        "are special causes.",
        "i": "I chart: points outside the limits are special causes; the run rules find "
        "smaller, lasting changes.",
        "c": "C chart: the count of events each period, with limits from the mean count; "
        "it assumes the chance of an event stays the same.",
        "u": "U chart: the limits widen when exposure is small; compare rates, not counts.",
        "g": "G chart: one point per event; a point above the upper limit is an unusually "
        "long run of cases without one.",
        "t": "T chart: one point per event; a point above the upper limit is an unusually "
        "long gap, below the lower limit events close together.",
    }.get(chart, "")
