"""Run-chart rules: Anhøj (qicharts2) and IHI (Perla, Provost & Murray 2011).

Pure functions over a sequence of values (``None`` = missing or excluded) and a
centre line. Positions returned are 0-based indices into the given sequence; the
caller turns them into 1-based chart positions.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from itertools import compress
from typing import cast

from pdsa_tui.valueclass import value_class

#: IHI shift: this many or more consecutive useful points on one side of the centre.
SHIFT_LENGTH = 6
#: IHI trend: this many or more consecutive points all going up or all going down.
TREND_LENGTH = 5
#: Smallest and largest number of useful points the runs table covers.
RUNS_TABLE_MIN = 10
RUNS_TABLE_MAX = 60
#: Probability in each tail of the runs distribution for "too few" / "too many" runs.
RUNS_TAIL = Fraction(25, 1000)


def qbinom(p: float, size: int, prob: float = 0.5) -> int:
    """Smallest ``k`` with P(X <= k) >= ``p`` for X ~ Binomial(size, prob), as R's ``qbinom``.

    Exact: wherever floating point could put the answer in doubt, the cumulative
    probability is compared as a rational number (R adds a fuzz factor for the
    same reason). ``prob = 0.5``, the only case the runs rules need, takes time of
    order √size beyond :data:`EXACT_QBINOM_MAX` points: a normal-approximation start
    and a local search over floating-point sums, with the exact sum only when a sum
    lies too close to ``p`` to decide.
    """
    if size < 0:
        raise ValueError("size must be >= 0")
    if not 0.0 <= p <= 1.0:
        raise ValueError("p must be within [0, 1]")
    if prob == 0.5:
        if size <= EXACT_QBINOM_MAX or not 0.0 < p < 1.0:
            return _qbinom_half_exact(p, size)
        return _qbinom_half_local(p, size)
    target = Fraction(p)
    q = Fraction(prob)
    total = Fraction(0)
    for k in range(size + 1):
        total += math.comb(size, k) * q**k * (1 - q) ** (size - k)
        if total >= target:
            return k
    return size


#: Up to this size ``qbinom(p, size, 0.5)`` sums exact integers (fast enough: about 1 ms).
EXACT_QBINOM_MAX = 2000
#: Floating-point sums nearer than this (relative) to ``p`` are checked exactly.
_QBINOM_DOUBT = 1e-9


def _qbinom_half_exact(p: float, size: int) -> int:
    """qbinom(p, size, 0.5) by summing binomial coefficients as integers (quadratic in size)."""
    # P(X <= k) = sum(C(size, i), i <= k) / 2**size: compare integers.
    target = Fraction(p)
    goal = target.numerator << size
    cumulative = 0
    c = 1
    for k in range(size + 1):
        cumulative += c
        if cumulative * target.denominator >= goal:
            return k
        c = c * (size - k) // (k + 1)
    return size


def _at_least_half(p: float, size: int, k: int) -> bool:
    """P(X <= k) >= p for X ~ Binomial(size, 0.5): in floating point, exactly when in doubt."""
    if k < 0:
        return p <= 0.0
    if k >= size:
        return True
    total, _ = _lower_tail(size, k)
    if abs(total - p) > _QBINOM_DOUBT * p:
        return total >= p
    target = Fraction(p)
    exact = sum(math.comb(size, j) for j in range(k + 1))
    return exact * target.denominator >= target.numerator << size


def _lower_tail(size: int, k: int) -> tuple[float, int]:
    """P(X <= k) for X ~ Binomial(size, 0.5) in floating point, and the terms it summed.

    pmf(k) from log-gamma, then the tail downwards until the terms stop mattering:
    about √size terms (a test counts them).
    """
    term = math.exp(
        math.lgamma(size + 1) - math.lgamma(k + 1) - math.lgamma(size - k + 1) - size * _LN2
    )
    total = term
    i = k
    while i > 0 and term > total * 1e-18:
        term *= i / (size - i + 1)
        i -= 1
        total += term
    return total, k - i + 1


_LN2 = math.log(2.0)


def _qbinom_half_local(p: float, size: int) -> int:
    """qbinom(p, size, 0.5) from a normal-approximation start and a local search."""
    from statistics import NormalDist

    sd = math.sqrt(size) / 2
    k = min(size, max(0, math.floor(size / 2 + NormalDist().inv_cdf(p) * sd)))
    while not _at_least_half(p, size, k):
        k += 1
    while k > 0 and _at_least_half(p, size, k - 1):
        k -= 1
    return k


def longest_run_max(n_useful: int) -> int:
    """Anhøj upper limit for the longest run: ``round(log2(n)) + 3`` (Schilling 2012).

    R rounds half to even, as Python does; log2 of an integer is never exactly
    x.5, so the two agree for every ``n``.
    """
    if n_useful < 1:
        raise ValueError("n_useful must be >= 1")
    return round(math.log2(n_useful)) + 3


@cache
def crossings_min(n_useful: int) -> int:
    """Anhøj lower limit for the number of crossings: ``qbinom(0.05, n - 1, 0.5)`` (Chen 2010)."""
    return qbinom(0.05, max(n_useful - 1, 0), 0.5)


def runs_distribution(n1: int, n2: int) -> dict[int, Fraction]:
    """Exact distribution of the number of runs of ``n1`` and ``n2`` points (Swed & Eisenhart).

    With ``N = n1 + n2`` and all arrangements equally likely:
    P(R = 2k) = 2·C(n1-1, k-1)·C(n2-1, k-1) / C(N, n1) and
    P(R = 2k+1) = [C(n1-1, k)·C(n2-1, k-1) + C(n1-1, k-1)·C(n2-1, k)] / C(N, n1).
    """
    if n1 < 1 or n2 < 1:
        raise ValueError("both sides need at least one point")
    total = math.comb(n1 + n2, n1)
    dist: dict[int, Fraction] = {}
    for r in range(2, n1 + n2 + 1):
        k = r // 2
        if r % 2 == 0:
            count = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            count = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(
                n1 - 1, k - 1
            ) * math.comb(n2 - 1, k)
        if count:
            dist[r] = Fraction(count, total)
    return dist


@cache
def runs_expected(n_useful: int) -> tuple[int, int] | None:
    """Expected range ``(lo, hi)`` of the number of runs for ``n_useful`` points, or None.

    Fewer than ``lo`` runs is "too few", more than ``hi`` is "too many". The IHI
    table printed in Perla, Provost & Murray (2011, Table 1) could not be found
    in a citable machine-readable form, so the range is derived here, the way that
    table was, from the exact Swed–Eisenhart runs distribution: the points are split
    as evenly as possible above and below the median (``n // 2`` and ``n - n // 2``),
    ``lo`` is the smallest ``r`` with P(R <= r) > 2.5 % and ``hi`` the largest ``r``
    with P(R >= r) > 2.5 %. This reproduces refdata's
    ``runs_table_COMPUTED_swed_eisenhart.csv`` exactly. Outside 10..60 useful
    points the table is not defined and the answer is None.
    """
    if not RUNS_TABLE_MIN <= n_useful <= RUNS_TABLE_MAX:
        return None
    dist = runs_distribution(n_useful // 2, n_useful - n_useful // 2)
    ordered = sorted(dist)
    cumulative = Fraction(0)
    lo = ordered[0]
    for r in ordered:
        cumulative += dist[r]
        if cumulative > RUNS_TAIL:
            lo = r
            break
    tail = Fraction(0)
    hi = ordered[-1]
    for r in reversed(ordered):
        if tail + dist[r] > RUNS_TAIL:
            hi = r
            break
        tail += dist[r]
    return lo, hi


@value_class(frozen=True)
class RunsResult:
    """Runs analysis of one part around its centre line (qicharts2 ``runs.analysis``)."""

    n_obs: int
    n_useful: int
    runs: int | None
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    anhoej_signal: bool
    runs_expected: tuple[int, int] | None

    @property
    def too_few_runs(self) -> bool:
        """IHI: fewer runs than the table's lower limit."""
        return (
            self.runs is not None
            and self.runs_expected is not None
            and self.runs < self.runs_expected[0]
        )

    @property
    def too_many_runs(self) -> bool:
        """IHI: more runs than the table's upper limit."""
        return (
            self.runs is not None
            and self.runs_expected is not None
            and self.runs > self.runs_expected[1]
        )

    @property
    def long_run_signal(self) -> bool:
        """Anhøj: the longest run is longer than its limit."""
        return (
            self.longest_run is not None
            and self.longest_run_max is not None
            and self.longest_run > self.longest_run_max
        )

    @property
    def crossings_signal(self) -> bool:
        """Anhøj: fewer crossings than their limit."""
        return (
            self.crossings is not None
            and self.crossings_min is not None
            and self.crossings < self.crossings_min
        )


def sides(values: Sequence[float | None], centre: float | None) -> list[int]:
    """Side of each value relative to ``centre``: +1 above, -1 below, 0 on it or missing."""
    if centre is None or math.isnan(centre):
        return [0] * len(values)
    # v != v: NaN, as math.isnan, without a call per value.
    return [0 if v is None or v != v or v == centre else 1 if v > centre else -1 for v in values]


def _side_bytes(useful_sides: Sequence[int]) -> bytes:
    """Sides +1/-1 as the bytes 2/0, so runs of one side are found by a regular expression
    in C rather than a loop per point (100,000 points make about 50,000 runs)."""
    return bytes(map((1).__add__, useful_sides))


#: A run of one side in :func:`_side_bytes`.
_RUN = re.compile(rb"\x00+|\x02+")


def runs_analysis(
    values: Sequence[float | None], centre: float | None, side: list[int] | None = None
) -> RunsResult:
    """Anhøj runs analysis of ``values`` around ``centre``, exactly as qicharts2 does it.

    ``values`` are the points of one part that take part in the analysis
    (``None`` for missing or excluded ones). Points on the centre and missing
    points are not useful: they are dropped before runs are counted, so they
    neither make nor break a run. ``side``: ``sides(values, centre)``, if the caller has it.
    """
    n_obs = len(values)
    useful = [s for s in (sides(values, centre) if side is None else side) if s]
    n = len(useful)
    if n == 0:
        return RunsResult(n_obs, 0, None, None, None, None, None, False, None)
    lengths = list(map(len, _RUN.findall(_side_bytes(useful))))
    runs = len(lengths)
    longest = max(lengths)
    lrmax = longest_run_max(n)
    crossings = runs - 1
    cmin = crossings_min(n)
    signal = longest > lrmax or crossings < cmin
    return RunsResult(n_obs, n, runs, longest, lrmax, crossings, cmin, signal, runs_expected(n))


@value_class(frozen=True)
class Span:
    """A shift or trend: first and last index (0-based) and the indices it flags."""

    first: int
    last: int
    flagged: tuple[int, ...]
    #: +1 above the centre or upwards, -1 below or downwards.
    direction: int
    #: Points that count towards the rule (ties in a trend count once).
    count: int


def ihi_shifts(
    values: Sequence[float | None],
    centre: float | None,
    min_length: int = SHIFT_LENGTH,
    side: list[int] | None = None,
) -> list[Span]:
    """IHI shifts: ``min_length`` or more consecutive useful points on one side of ``centre``.

    Points on the centre neither count nor break a shift; they are flagged when
    they lie inside one (between its first and last useful point). Missing points
    are skipped and never flagged. This matches the jsphdms/runchart test vectors.
    ``side``: ``sides(values, centre)``, if the caller has it.
    """
    s = sides(values, centre) if side is None else side
    useful = list(compress(range(len(s)), s))
    spans: list[Span] = []
    if min_length < 1:
        min_length = 1
    # Runs of one side among the useful points, each found in C (see _side_bytes).
    long_run = re.compile(b"\\x00{%d,}|\\x02{%d,}" % (min_length, min_length))
    for m in long_run.finditer(_side_bytes([s[i] for i in useful])):
        start, end = m.start(), m.end() - 1
        first, last = useful[start], useful[end]
        flagged = tuple(
            i for i in range(first, last + 1) if values[i] is not None and not _nan(values[i])
        )
        spans.append(Span(first, last, flagged, s[first], end - start + 1))
    return spans


def ihi_trends(values: Sequence[float | None], min_length: int = TREND_LENGTH) -> list[Span]:
    """IHI trends: ``min_length`` or more consecutive points all going up or all going down.

    Missing points are skipped. Equal neighbours count once: a run of equal
    values neither makes nor breaks a trend; ties inside a trend are flagged,
    ties before its start or after its end are not. Two trends may share their
    turning point. This matches the jsphdms/runchart test vectors.
    """
    # The present values, then groups of equal neighbours (starts: each group's first
    # position in present); all in C, as is the search for long monotone stretches.
    present = [i for i, v in enumerate(values) if v is not None and v == v]
    pv = cast("list[float]", [values[i] for i in present])
    starts = [0, *compress(range(1, len(pv)), map(operator.ne, pv[1:], pv[:-1]))]
    gv = [pv[j] for j in starts] if pv else []
    # Each step between groups, up (1) or down (0); a stretch of min_length groups is
    # min_length - 1 steps one way.
    steps = bytes(map(operator.gt, gv[1:], gv[:-1]))
    need = max(min_length - 1, 1)
    stretch = re.compile(b"\\x01{%d,}|\\x00{%d,}" % (need, need))
    starts.append(len(pv))
    spans: list[Span] = []
    for m in stretch.finditer(steps):
        a, b = m.start(), m.end()
        direction = 1 if steps[a] else -1
        first = present[starts[a + 1] - 1]
        last = present[starts[b]]
        flagged = (first, *present[starts[a + 1] : starts[b]], last)
        spans.append(Span(first, last, flagged, direction, b - a + 1))
    return spans


def _nan(v: float | None) -> bool:
    return v is not None and math.isnan(v)
