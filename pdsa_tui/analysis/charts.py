"""The chart types: their names, and the centre line and limits of each control chart.

C, U, G and T charts are defined exactly as qicharts2 0.8.1 defines them
(R/helper.functions.R: qic.c, qic.u, qic.g, qic.t; see
``shared/refdata/qicharts2_oracle/README.md``). Pure functions, no I/O.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import field
from typing import Literal

from pdsa_tui.valueclass import value_class

ChartType = Literal["run", "p", "pp", "u", "up", "c", "i", "mr", "xbar", "s", "g", "t"]

#: Every chart type, in the order choices are offered.
CHART_TYPES: tuple[ChartType, ...] = (
    "run",
    "p",
    "pp",
    "u",
    "up",
    "c",
    "i",
    "mr",
    "xbar",
    "s",
    "g",
    "t",
)
#: Charts whose values are numerator/denominator pairs.
RATIO_CHARTS: frozenset[str] = frozenset({"p", "pp", "u", "up"})
#: Charts that draw control limits.
LIMIT_CHARTS: frozenset[str] = frozenset(
    {"p", "pp", "i", "mr", "c", "u", "up", "xbar", "s", "g", "t"}
)
#: Charts of several observations per date (one subgroup per date).
SUBGROUP_CHARTS: frozenset[str] = frozenset({"xbar", "s"})

CHART_NAMES: dict[str, str] = {
    "run": "Run chart",
    "p": "P chart",
    "i": "I chart (XmR)",
    "c": "C chart",
    "u": "U chart",
    "g": "G chart",
    "t": "T chart",
    "pp": "P′ chart (Laney)",
    "up": "U′ chart (Laney)",
    "mr": "MR chart",
    "xbar": "Xbar chart",
    "s": "S chart",
}
#: What each chart is for, in a few words (shown when choosing one).
CHART_PURPOSES: dict[str, str] = {
    "run": "median and run rules",
    "p": "proportions with limits",
    "i": "single values with limits",
    "c": "counts of events",
    "u": "rates of events per exposure",
    "g": "cases between rare events",
    "t": "days between rare events",
    "pp": "proportions with large denominators",
    "up": "rates with large exposures",
    "mr": "moving ranges of single values",
    "xbar": "means of several values per date",
    "s": "spread of several values per date",
}
#: The centre line as named in sentences.
CENTRE_NAMES: dict[str, str] = {
    "run": "the median",
    "p": "the centre line",
    "i": "the mean",
    "c": "the mean count",
    "u": "the mean rate",
    "g": "the median",
    "t": "the centre line",
    "pp": "the centre line",
    "up": "the mean rate",
    "mr": "the mean moving range",
    "xbar": "the grand mean",
    "s": "the mean SD",
}
#: The centre line as named in a chart's key.
CENTRE_KEYS: dict[str, str] = {
    "run": "median",
    "p": "p̄",
    "i": "mean",
    "c": "mean",
    "u": "ū",
    "g": "median",
    "t": "centre",
    "pp": "p̄",
    "up": "ū",
    "mr": "mean MR",
    "xbar": "mean",
    "s": "mean SD",
}

#: Moving ranges at or above this multiple of their mean are screened out (Nelson 1982).
MR_SCREEN_FACTOR = 3.267
#: T charts: values are sent through y^(1/T_POWER) for an I chart, then back (Nelson 1994).
T_POWER = 3.6
#: qicharts2's I chart factor, 3 / d2 with d2 = 1.128.
QIC_I_FACTOR = 3 / 1.128

NO_VARIATION = (
    "no control limits: every baseline value is the same, so there is no variation to "
    "set limits from; the run rules still apply"
)


def mean(values: Sequence[float]) -> float:
    """The mean of finite ``values``, itself finite even where their sum is not.

    A file may hold any float (an older pdsa accepted 1e308); the plain sum of two
    such values overflows, so those are averaged as the sum of each value / n.
    """
    try:
        total = math.fsum(values)
    except OverflowError:  # "intermediate overflow": the exact sum is too large
        total = math.inf
    if math.isfinite(total):
        return total / len(values)
    return 2 * _halved_sum(values, len(values))


def _halved_sum(values: Sequence[float], k: int) -> float:
    """Σ(v / 2k): at most half the largest float, so fsum cannot overflow on the way."""
    return math.fsum(v / (2 * k) for v in values)


def median(values: Sequence[float]) -> float:
    """The median of finite ``values``, finite even for two neighbours near the float limit."""
    s = sorted(values)
    half = len(s) // 2
    if len(s) % 2:
        return s[half]
    a, b = s[half - 1], s[half]
    mid = (a + b) / 2
    return mid if math.isfinite(mid) else a / 2 + b / 2


def ratio_of_sums(nums: Sequence[float], dens: Sequence[float]) -> float | None:
    """Σnums / Σdens (None when Σdens <= 0 or the ratio is too large for a float)."""
    try:
        num, den = math.fsum(nums), math.fsum(dens)
    except OverflowError:
        num = den = math.inf
    if not (math.isfinite(num) and math.isfinite(den)):
        # Dividing every term by the same number keeps the ratio and the sums finite.
        k = max(len(nums), len(dens), 1)
        num, den = _halved_sum(nums, k), _halved_sum(dens, k)
    if den <= 0:
        return None
    try:
        ratio = num / den
    except OverflowError:  # pragma: no cover - float division gives inf, not an error
        return None
    return ratio if math.isfinite(ratio) else None


def power(v: float, exponent: float) -> float | None:
    """``v ** exponent``, or None when the result is too large for a float."""
    try:
        out = v**exponent
    except OverflowError:
        return None
    return out if isinstance(out, float) and math.isfinite(out) else None


@value_class
class Limits:
    """A part's centre line and the limits at each of its points (None = none drawn)."""

    centre: float | None
    lcl: dict[int, float | None]
    ucl: dict[int, float | None]
    warnings: list[str] = field(default_factory=list)
    #: True when an I (or T) chart draws no limits because its baseline has no variation.
    no_variation: bool = False
    #: The I chart's mean moving range (for the 2-sigma lines of Making Data Count).
    spread: float | None = None


def mean_moving_range(values: Sequence[float | None], screen: bool) -> tuple[float | None, bool]:
    """(mean moving range, baseline has no variation) of consecutive values.

    A missing value breaks the chain (no range on either side); excluded points are
    left out of ``values`` first, so a range bridges them (as qicharts2). With
    screening, ranges at or above 3.267 x their mean are dropped and the mean taken
    again. When every range is 0 there is no spread at all: qicharts2's strict test
    (``MR < 0``) then drops every range and draws no limits (NHSRplotthedots draws
    none either); unscreened, the mean range is 0 and the limits sit on the centre.
    """
    mrs = [abs(b - a) for a, b in itertools.pairwise(values) if a is not None and b is not None]
    if not mrs:
        return None, False
    if all(m == 0 for m in mrs):
        # Unscreened (NHSRplotthedots' screen_outliers = FALSE) the limits sit on the centre.
        return (None, True) if screen else (0.0, False)
    amr = mean(mrs)
    if screen:
        # amr > 0 here, so the smallest range is always kept.
        kept = [m for m in mrs if m < MR_SCREEN_FACTOR * amr]
        amr = mean(kept) if kept else amr
    return amr, False


def i_limits(
    idx: Sequence[int],
    base_values: Sequence[float],
    chain: Sequence[float | None],
    factor: float,
    screen: bool,
) -> Limits:
    """I chart: centre = baseline mean, limits = centre ± factor x mean moving range.

    ``chain`` holds the baseline's values in order (None for missing) for the ranges.
    """
    centre = mean(base_values)
    out = Limits(centre, dict.fromkeys(idx), dict.fromkeys(idx))
    spread, flat = mean_moving_range(chain, screen)
    if flat:
        out.no_variation = True
        out.warnings.append(NO_VARIATION)
    elif spread is None:
        out.warnings.append("limits need at least two consecutive baseline values")
    else:
        # A range near the float limit (1e308 beside -1e308) has no finite limits.
        lo, hi = _finite(centre - factor * spread), _finite(centre + factor * spread)
        out.spread = spread
        for k in idx:
            out.lcl[k], out.ucl[k] = lo, hi
    return out


def c_limits(idx: Sequence[int], base_values: Sequence[float]) -> Limits:
    """C chart (qic.c): centre = mean count, limits = centre ± 3√centre, LCL at least 0."""
    centre = mean(base_values)
    sd = math.sqrt(centre) if centre >= 0 else math.nan
    lo, hi = _finite(centre - 3 * sd), _finite(centre + 3 * sd)
    lo = None if lo is None else max(0.0, lo)
    return Limits(centre, dict.fromkeys(idx, lo), dict.fromkeys(idx, hi))


def u_limits(
    idx: Sequence[int],
    base_num: Sequence[float],
    base_den: Sequence[float],
    dens: dict[int, float | None],
) -> Limits:
    """U chart (qic.u): centre = Σnum/Σden over the baseline, limits ± 3√(centre/den_i)."""
    out = Limits(None, dict.fromkeys(idx), dict.fromkeys(idx))
    centre = ratio_of_sums(base_num, base_den)
    out.centre = centre
    if centre is None or centre < 0:
        return out
    sqrt, ucl, lcl = math.sqrt, out.ucl, out.lcl
    for k in idx:
        den = dens.get(k)
        if den is None or den <= 0:
            continue
        three_sd = 3 * sqrt(centre / den)
        if math.isfinite(three_sd) and math.isfinite(centre + three_sd):
            ucl[k] = centre + three_sd
            lcl[k] = max(0.0, centre - three_sd)
    return out


def g_limits(idx: Sequence[int], base_values: Sequence[float]) -> Limits:
    """G chart (qic.g): limits from the baseline mean m (σ = √(m(m+1))), centre = median.

    The LCL, m − 3σ clipped to 0, is always 0: only "above the UCL" can signal.
    """
    m = mean(base_values)
    sd = math.sqrt(m * (m + 1)) if m >= 0 else math.nan
    hi = _finite(m + 3 * sd)
    lo = _finite(m - 3 * sd)
    lo = None if lo is None else max(0.0, lo)
    return Limits(median(base_values), dict.fromkeys(idx, lo), dict.fromkeys(idx, hi))


def t_transform(y: float) -> float:
    """A T chart value as plotted: sent through y^(1/3.6) and back, as qicharts2 does."""
    back = power(y ** (1 / T_POWER), T_POWER)
    return y if back is None else back  # near the float limit the round trip overflows


def t_limits(
    idx: Sequence[int], base_values: Sequence[float], chain: Sequence[float | None]
) -> Limits:
    """T chart (qic.t): an I chart of y^(1/3.6) (qicharts2's factor, screened), raised back.

    The centre is (mean of the transformed values)^3.6. A transformed LCL that is
    negative or undefined becomes 0; an undefined UCL (no usable moving range) is none.
    """
    z_base = [v ** (1 / T_POWER) for v in base_values]
    z_chain = [None if v is None else v ** (1 / T_POWER) for v in chain]
    z = i_limits(idx, z_base, z_chain, QIC_I_FACTOR, True)
    assert z.centre is not None  # i_limits always has a centre from a non-empty baseline
    out = Limits(power(z.centre, T_POWER), {}, {}, z.warnings, z.no_variation)
    if z.no_variation:
        out.warnings = [
            "no upper limit: every baseline gap is the same, so there is no variation to "
            "set it from; the run rules still apply"
        ]
    for k in idx:
        lo, hi = z.lcl[k], z.ucl[k]
        out.ucl[k] = None if hi is None else power(hi, T_POWER)
        out.lcl[k] = lo**T_POWER if lo is not None and lo >= 0 else 0.0
    return out


def _finite(v: float) -> float | None:
    """``v``, or None when it is infinite or NaN (qicharts2 then draws no limit)."""
    return v if math.isfinite(v) else None
