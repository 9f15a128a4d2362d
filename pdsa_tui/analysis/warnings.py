"""Warnings, not refusals: entries that may well be slips, shown beside the field.

Each function is pure (``today`` is a parameter) and returns at most one warning a
field; saving is always still allowed. What counts as a warning:

- a data point dated after today;
- a gap since the measure's previous point of more than two periods of its frequency
  (weekly, fortnightly, monthly or quarterly, read by :func:`add_period`); none for a
  measure of events (frequency "per case", or values that are time or cases between
  events), whose points come when the events do;
- a value far outside the series: beyond the range of the other points of its chart part
  (parts end at rebase markers) by more than 3 sigma, and twice as far from their centre
  as the chart's limits, 6 sigma. Sigma is the P chart's at the point's denominator
  around p-bar (sum of numerators / sum of denominators) for numerator/denominator
  points; for values, the I chart's around the median, from the median moving range /
  0.954 (the mean moving range / 1.128 when most neighbours are equal). Only once the
  part has at least :data:`MIN_SERIES` other points; a part with no variation at all
  gives no such warning (any change would be "far");
- a cycle's "Carried out to" date after today;
- a cycle shown as Do (planned, waiting to run) while its planned start is still ahead;
- a cycle carried out from a date before its planned start.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from dataclasses import dataclass

from pdsa_tui.analysis.charts import mean, median, ratio_of_sums
from pdsa_tui.analysis.verdict import format_number
from pdsa_tui.model import Cycle, DataPoint, Measure, format_date
from pdsa_tui.model.dates import add_period

#: Other points needed before a value is judged against the series.
MIN_SERIES = 6
#: How many sigma from the median counts as far outside (twice an I chart's 3 sigma).
FAR_SIGMA = 6.0
#: And how many sigma beyond the other points' range (a trend's next step is not a slip).
BEYOND_SIGMA = 3.0
#: Frequencies with a period a gap can be measured in (as :func:`add_period` reads them).
_PERIODS = ("week", "fortnight", "month", "quarter")


@dataclass(frozen=True)
class FieldWarning:
    """A warning about one field: ``field`` is the attribute name."""

    field: str
    message: str


def _gap(start: dt.date, end: dt.date, frequency: str) -> str:
    """'5 months', '9 weeks' from ``start`` to ``end``, in the frequency's own unit."""
    if frequency.strip().lower().startswith(("week", "fortnight")):
        weeks = (end - start).days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    n = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return f"{n} month{'s' if n != 1 else ''}"


def _future(day: dt.date | None, today: dt.date) -> str | None:
    if day is None or day <= today:
        return None
    return f"is in the future (today is {format_date(today)})"


def _periodic(measure: Measure) -> bool:
    """Whether the measure's points come at a regular period (not one per event or case)."""
    regular = measure.frequency.strip().lower().startswith(_PERIODS)
    return regular and measure.values_are == "measurements"


def _date_warning(
    day: dt.date, previous: dt.date | None, measure: Measure, today: dt.date
) -> str | None:
    """A point's date after today, or more than two periods after the previous point."""
    future = _future(day, today)
    frequency = measure.frequency
    if future or previous is None or not _periodic(measure):
        return future
    if day <= add_period(previous, frequency, 2):
        return None
    every = frequency.strip()
    return (
        f"{_gap(previous, day, frequency)} after the previous point "
        f"({format_date(previous)}; frequency: {every}): missing points?"
    )


def _value_field(point: DataPoint) -> str:
    return "value" if point.value is not None else "numerator"


def point_warnings(measure: Measure, point: DataPoint, today: dt.date) -> list[FieldWarning]:
    """What may be wrong with ``point`` (new or edited) in ``measure``; never a refusal."""
    out: list[FieldWarning] = []
    others = sorted((p for p in measure.points if p.id != point.id), key=lambda p: p.date)
    earlier = [p.date for p in others if p.date < point.date]
    dated = _date_warning(point.date, earlier[-1] if earlier else None, measure, today)
    if dated:
        out.append(FieldWarning("date", dated))
    far = _judge(point, _stats(_same_part(point, others)), measure.unit)
    if far:
        out.append(FieldWarning(_value_field(point), far))
    return out


def import_warnings(
    measure: Measure, points: list[DataPoint], today: dt.date
) -> list[tuple[DataPoint, FieldWarning]]:
    """The warnings :func:`point_warnings` gives, for many new points at once.

    A gap is measured from the previous point among the stored and the new ones; a value
    is judged against the stored points of its chart part (not the other new rows), so
    each row's warnings do not depend on the order of the rows.
    """
    stored = measure.sorted_points()
    parts: list[list[DataPoint]] = [[]]
    for p in stored:
        parts[-1].append(p)
        if p.rebase_after:
            parts.append([])
    ends = [part[-1].date for part in parts[:-1]]
    stats: dict[int, _PartStats | None] = {}
    days = sorted({p.date for p in stored} | {p.date for p in points})
    out: list[tuple[DataPoint, FieldWarning]] = []
    for point in points:
        i = bisect.bisect_left(days, point.date)
        dated = _date_warning(point.date, days[i - 1] if i else None, measure, today)
        if dated:
            out.append((point, FieldWarning("date", dated)))
        k = bisect.bisect_left(ends, point.date)
        if k not in stats:
            stats[k] = _stats(parts[k])
        far = _judge(point, stats[k], measure.unit)
        if far:
            out.append((point, FieldWarning(_value_field(point), far)))
    return out


def _sigma(values: list[float]) -> float:
    """A robust estimate of the series' point-to-point variation (0: none seen)."""
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    if not ranges:
        return 0.0
    # Overflow-safe mean and median: a file from an older pdsa may hold 1e308.
    median_mr = median(ranges)
    if median_mr > 0:
        return median_mr / 0.954
    return mean(ranges) / 1.128


def _same_part(point: DataPoint, others: list[DataPoint]) -> list[DataPoint]:
    """The other points of the chart part ``point`` falls in (parts end at rebase markers)."""
    before = [p for p in others if p.date < point.date]
    cut = max((i for i, p in enumerate(before) if p.rebase_after), default=-1)
    part = before[cut + 1 :]
    if not point.rebase_after:
        for p in (p for p in others if p.date > point.date):
            part.append(p)
            if p.rebase_after:
                break
    return part


@dataclass(frozen=True)
class _PartStats:
    """What a value is judged against: a chart part's range, centre and variation."""

    low: float
    high: float
    median: float
    sigma: float
    #: Sum of numerators / sum of denominators, when every point is a pair.
    pbar: float | None


def _stats(part: list[DataPoint]) -> _PartStats | None:
    """The part's figures, or None with fewer than :data:`MIN_SERIES` points."""
    series = [y for y in (p.y for p in part) if y is not None]
    if len(series) < MIN_SERIES:
        return None
    pbar = None
    if all(p.value is None for p in part):
        pbar = ratio_of_sums(
            [p.numerator or 0.0 for p in part], [p.denominator or 0.0 for p in part]
        )
    return _PartStats(min(series), max(series), median(series), _sigma(series), pbar)


def _judge(point: DataPoint, stats: _PartStats | None, unit: str) -> str | None:
    """Why ``point``'s value is far outside ``stats``, or None."""
    y = point.y
    if y is None or stats is None or stats.low <= y <= stats.high:
        return None
    if point.value is None and point.denominator and stats.pbar is not None and stats.pbar <= 1:
        # (A rate's p-bar may pass 1: no P chart sigma then, the I chart's below.)
        # Proportions: the P chart's sigma at this point's denominator, around p-bar.
        pbar = stats.pbar
        sigma = 100.0 * math.sqrt(pbar * (1 - pbar) / point.denominator)
        centre = 100.0 * pbar
    else:
        sigma, centre = stats.sigma, stats.median
    beyond = max(stats.low - y, y - stats.high)
    if sigma <= 0 or abs(y - centre) <= FAR_SIGMA * sigma or beyond <= BEYOND_SIGMA * sigma:
        return None
    pct = "%" if unit == "percent" else ""
    shown = [f"{format_number(v)}{pct}" for v in (y, stats.low, stats.high)]
    return (
        f"{shown[0]} is far outside this measure's other points ({shown[1]} to {shown[2]}): a slip?"
    )


def cycle_warnings(cycle: Cycle, today: dt.date) -> list[FieldWarning]:
    """What may be wrong with ``cycle``'s dates as filled in now; never a refusal."""
    out: list[FieldWarning] = []
    future = _future(cycle.do_end, today)
    if future:
        out.append(FieldWarning("do_end", future))
    start = cycle.planned_start
    if start is None:
        return out
    if cycle.stage == "do" and start > today:
        days = (start - today).days
        out.append(
            FieldWarning(
                "planned_start",
                f"is {days} day{'s' if days != 1 else ''} ahead, yet the cycle already shows as "
                "Do (waiting to run)",
            )
        )
    if cycle.do_start is not None and cycle.do_start < start:
        out.append(
            FieldWarning(
                "do_start",
                f"is before the planned start ({format_date(start)}): started early, or a "
                "date slip?",
            )
        )
    return out
