"""P′ and U′ (Laney), Xbar, S and MR charts, exactly as qicharts2 0.8.1 draws them.

Read with ``shared/refdata/qicharts2_more_types/SPEC.md`` (qic.pp, qic.up, qic.xbar,
qic.s and qic.mr in R/helper.functions.R). Every function takes one part: ``idx``,
the series positions of the part, and the baseline positions it may use, and
returns the centre and the limits at each point (None = no limit drawn).
Pure functions, no I/O.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from pdsa_tui.analysis.charts import MR_SCREEN_FACTOR, Limits, ratio_of_sums
from pdsa_tui.analysis.subgroups import Subgroup
from pdsa_tui.valueclass import value_class

if TYPE_CHECKING:
    from pdsa_tui.analysis.results import PartResult, PointColumns, SeriesPoint

#: The charts this module draws.
CHARTS: frozenset[str] = frozenset({"pp", "up", "xbar", "s", "mr"})

#: d2 for moving ranges of two: σ = mean moving range / 1.128.
D2 = 1.128
#: MR chart: UCL = 3.267 × mean moving range (D4 for ranges of two); the LCL is 0.
MR_UCL_FACTOR = 3.267


def c4(n: int) -> float:
    """Bias-correction constant c4(n) for a sample SD of ``n`` values (n ≥ 2)."""
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def a3(n: int) -> float:
    """Xbar chart factor A3(n) = 3 / (c4(n)·√n): limits = centre ± A3·s̄."""
    return 3 / (c4(n) * math.sqrt(n))


def b3(n: int) -> float:
    """S chart lower factor B3(n) = max(0, 1 − 3·c5/c4), c5 = √(1 − c4²)."""
    c = c4(n)
    return max(0.0, 1 - 3 * math.sqrt(1 - c * c) / c)


def b4(n: int) -> float:
    """S chart upper factor B4(n) = 1 + 3·c5/c4."""
    c = c4(n)
    return 1 + 3 * math.sqrt(1 - c * c) / c


@value_class
class LaneyLimits(Limits):
    """P′/U′ limits, with Laney's σz for the part (None when it cannot be computed)."""

    sigma_z: float | None = None


def laney_limits(
    idx: Sequence[int],
    baseline: Sequence[int],
    nums: Mapping[int, float | None],
    dens: Mapping[int, float | None],
    *,
    proportion: bool,
    screen: bool = True,
) -> LaneyLimits:
    """P′ (``proportion``) or U′ limits: the P/U limits widened by σz (qic.pp, qic.up).

    ``baseline`` lists the part's baseline positions in order, excluded ones left
    out (their neighbours then form a moving range). ``nums``/``dens`` are each
    point's summed numerator and denominator (None or a 0 denominator: missing).
    ``screen`` drops moving ranges of z at or above 3.267 × their mean (qicharts2's
    default); the screen runs once.
    """
    base_num = [v for k in baseline if (v := nums.get(k)) is not None and dens.get(k)]
    base_den = [v for k in baseline if (v := dens.get(k)) and nums.get(k) is not None]
    centre = ratio_of_sums(base_num, base_den)
    out = LaneyLimits(centre, dict.fromkeys(idx), dict.fromkeys(idx))
    if centre is None:
        return out
    spread = centre * (1 - centre) if proportion else centre

    def sigma(k: int) -> float:
        den = dens.get(k)
        if not den or nums.get(k) is None or spread < 0:
            return math.nan
        return math.sqrt(spread / den)

    def z(k: int) -> float:
        num, den, s = nums.get(k), dens.get(k), sigma(k)
        if num is None or not den or not s:
            return math.nan  # a missing point, or p̄ of 0 or 1 (0/0 in R)
        return (num / den - centre) / s

    zs = [z(k) for k in baseline]
    mrs = [abs(b - a) for a, b in itertools.pairwise(zs) if not (math.isnan(a) or math.isnan(b))]
    if not mrs:
        return out
    amr = _fsum(mrs) / len(mrs)
    kept = [m for m in mrs if m < MR_SCREEN_FACTOR * amr] if screen else mrs
    if not kept or not math.isfinite(amr):
        return out  # no range, or ranges beyond the float range: no limits
    sigma_z = _fsum(kept) / len(kept) / D2
    if not math.isfinite(sigma_z):
        return out
    out.sigma_z = sigma_z
    for k in idx:
        s = sigma(k)
        hi, lo = centre + 3 * s * sigma_z, centre - 3 * s * sigma_z
        if math.isfinite(hi):
            out.ucl[k] = min(1.0, hi) if proportion else hi
        if math.isfinite(lo):
            out.lcl[k] = max(0.0, lo)
    return out


def _sigma(part_sizes: Sequence[int], base: Sequence[Subgroup]) -> tuple[float | None, bool]:
    """(Xbar sigma = S centre, variable sizes) over the baseline, as qic.xbar/qic.s.

    Variable sizes (decided over every point of the part): the pooled SD, whose
    denominator Σ(nᵢ − 1) also takes points without an SD: a point of one value
    adds 0 and a point of none adds −1 (qicharts2 does so). Constant sizes: the
    mean of the baseline SDs.
    """
    var_n = len(set(part_sizes)) > 1
    if var_n:
        num = _fsum((g.size - 1) * (g.sd * g.sd) for g in base if g.sd is not None)
        den = sum(g.size - 1 for g in base)
        if den <= 0:
            return None, True
        value = math.sqrt(num / den) if num >= 0 else math.nan
        return (value if math.isfinite(value) else None), True
    sds = [g.sd for g in base if g.sd is not None]
    if not sds:
        return None, False
    value = _fsum(sds) / len(sds)
    return (value if math.isfinite(value) else None), False


def _fsum(values: Iterable[float]) -> float:
    """math.fsum, or inf where the sum is too large for a float (then no limits are drawn)."""
    try:
        return math.fsum(values)
    except (OverflowError, ValueError):
        return math.inf


def xbar_limits(
    idx: Sequence[int], groups: Mapping[int, Subgroup], baseline: Sequence[int]
) -> Limits:
    """Xbar chart: centre = Σnᵢȳᵢ/Σnᵢ over the baseline, limits ± A3(nᵢ)·sigma per point.

    A point of fewer than two values has no limits (A3 is undefined there).
    """
    base = [groups[k] for k in baseline]
    weighted = [(g.size, g.mean) for g in base if g.mean is not None and g.size > 0]
    total = sum(n for n, _ in weighted)
    out = Limits(None, dict.fromkeys(idx), dict.fromkeys(idx))
    if not total:
        return out
    centre = _fsum(n * m for n, m in weighted) / total
    if not math.isfinite(centre):  # near the float limit: the weights first
        centre = _fsum(n / total * m for n, m in weighted)
    if not math.isfinite(centre):
        return out
    out.centre = centre
    sigma, _ = _sigma([groups[k].size for k in idx], base)
    if sigma is None:
        return out
    for k in idx:
        n = groups[k].size
        if n >= 2:
            lo, hi = centre - a3(n) * sigma, centre + a3(n) * sigma
            out.lcl[k] = lo if math.isfinite(lo) else None
            out.ucl[k] = hi if math.isfinite(hi) else None
    return out


def s_limits(idx: Sequence[int], groups: Mapping[int, Subgroup], baseline: Sequence[int]) -> Limits:
    """S chart: centre = the Xbar sigma (no c4 correction); limits B3(nᵢ)·centre, B4(nᵢ)·centre."""
    sigma, _ = _sigma([groups[k].size for k in idx], [groups[k] for k in baseline])
    out = Limits(sigma, dict.fromkeys(idx), dict.fromkeys(idx))
    if sigma is None:
        return out
    for k in idx:
        n = groups[k].size
        if n >= 2:
            lo, hi = b3(n) * sigma, b4(n) * sigma
            out.lcl[k] = lo if math.isfinite(lo) else None  # beyond the float range
            out.ucl[k] = hi if math.isfinite(hi) else None
    return out


def moving_ranges(values: Sequence[float | None]) -> list[float | None]:
    """|vᵢ − vᵢ₋₁| within one part; the first point, and both sides of a gap, have none."""
    out: list[float | None] = [None]
    for a, b in itertools.pairwise(values):
        mr = None if a is None or b is None else abs(b - a)
        out.append(mr if mr is None or math.isfinite(mr) else None)  # beyond the float range
    return out[: len(values)]


def mr_limits(idx: Sequence[int], base_values: Sequence[float]) -> Limits:
    """MR chart: centre = mean of the baseline moving ranges (no screening), UCL = 3.267×, LCL 0."""
    out = Limits(None, dict.fromkeys(idx, 0.0), dict.fromkeys(idx))
    if not base_values:
        return out
    centre = _fsum(base_values) / len(base_values)
    if not math.isfinite(centre):
        centre = _fsum(v / len(base_values) for v in base_values)
    out.centre = centre if math.isfinite(centre) else None
    ucl = MR_UCL_FACTOR * centre
    for k in idx:
        out.ucl[k] = ucl if math.isfinite(ucl) else None
    return out


def part_limits(
    chart: str,
    idx: Sequence[int],
    base_all: Sequence[int],
    base_values: Sequence[float],
    points: Sequence[SeriesPoint],
    groups: Mapping[int, Subgroup],
    screen: bool,
) -> Limits:
    """One part's centre and limits for a P′, U′, Xbar, S or MR chart.

    ``base_all``: the part's baseline positions in order, excluded ones left out,
    missing ones kept; ``base_values``: the baseline's values present (the moving
    ranges, for an MR chart).
    """
    if chart in ("pp", "up"):
        return laney_limits(
            idx,
            base_all,
            {k: points[k].numerator for k in idx},
            {k: points[k].denominator for k in idx},
            proportion=chart == "pp",
            screen=screen,
        )
    if chart == "xbar":
        return xbar_limits(idx, groups, base_all)
    if chart == "s":
        return s_limits(idx, groups, base_all)
    return mr_limits(idx, base_values)


def lift_negative_limits(
    parts: Sequence[PartResult], points: PointColumns
) -> tuple[list[PartResult], PointColumns]:
    """qicharts2's ``y.neg = FALSE``: with no value below 0, no LCL below 0 either.

    When any plotted value is negative the chart is left as it is.
    """
    if any(y is not None and y < 0 for y in points.ys):
        return list(parts), points
    lcls = [0.0 if v is not None and v < 0 else v for v in points.lcls]
    new_parts = []
    for part in parts:
        present = set(lcls[part.first - 1 : part.last])
        present.discard(None)
        new_parts.append(
            dataclasses.replace(part, lcl=present.pop() if len(present) == 1 else None)
        )
    return new_parts, dataclasses.replace(points, lcls=lcls)
