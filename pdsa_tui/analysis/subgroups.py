"""Several observations on one date: how they become one point (qicharts2's ``qic.agg``).

A point may hold a list of observations (e.g. weeks each child took to a milestone,
grouped by month). Xbar and S charts use every observation; run, I and MR charts
use one value per point made by an aggregate function (``agg.fun``: mean, median
or sum). Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from pdsa_tui.valueclass import value_class

AggFun = Literal["mean", "median", "sum"]
#: The aggregate functions offered, the default first.
AGG_FUNS: tuple[AggFun, ...] = ("mean", "median", "sum")


def exact_mean(values: Sequence[float]) -> float:
    """The mean as R's ``mean()`` gives it: a second pass corrects the rounding of the first.

    So a subgroup of equal values has exactly that mean, and an SD of exactly 0.
    """
    n = len(values)
    try:
        total = math.fsum(values)
    except OverflowError:  # "intermediate overflow": values near the float limit
        total = math.inf
    if not math.isfinite(total):
        # Each v / n is at most the largest float / n: their sum cannot overflow.
        return math.fsum(v / n for v in values)
    m = total / n
    deviations = [v - m for v in values]
    if not all(math.isfinite(d) for d in deviations):
        return m
    try:
        return m + math.fsum(deviations) / n
    except OverflowError:  # their running sum passed the float limit: add them scaled down
        return m + math.fsum(d / n for d in deviations)


def sample_sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation (divisor n − 1); None for fewer than two values.

    Worked on halved, rescaled deviations so that values near the float limit give a
    finite SD where one exists (None where it does not).
    """
    if len(values) < 2:
        return None
    m = exact_mean(values)
    half = [v / 2 - m / 2 for v in values]
    scale = max(abs(h) for h in half)
    if scale == 0:
        return 0.0
    ss = math.fsum((h / scale) ** 2 for h in half)
    sd = 2 * scale * math.sqrt(ss / (len(values) - 1))
    return sd if math.isfinite(sd) else None


def median(values: Sequence[float]) -> float:
    """The median; of an even count, the mean of the middle two."""
    s = sorted(values)
    half = len(s) // 2
    if len(s) % 2:
        return s[half]
    return (s[half - 1] + s[half]) / 2


@value_class(frozen=True)
class Subgroup:
    """One point's observations summarised: size, mean, SD and the value plotted."""

    #: Non-missing observations (qicharts2's ``y.length``).
    size: int
    mean: float | None
    sd: float | None
    #: The point's value by the aggregate function (None = a gap).
    value: float | None


def summarise(values: Sequence[float | None], agg: AggFun = "mean") -> Subgroup:
    """Summarise one point's observations; missing ones (None or NaN) are left out.

    A point whose observations are all missing is a gap with the mean or median,
    but 0 with ``sum`` (R's sum of nothing), as qicharts2 plots it.
    """
    present = [
        float(v)
        for v in values
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    mean = exact_mean(present) if present else None
    if agg == "sum":
        value: float | None = math.fsum(present)
    elif not present:
        value = None
    elif agg == "median":
        value = median(present)
    else:
        value = mean
    return Subgroup(len(present), mean, sample_sd(present), value)
