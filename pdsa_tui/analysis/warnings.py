"""Warnings, not refusals: entries that may well be slips, shown beside the field.

Each function is pure (``today`` is a parameter) and returns at most one warning a
field; saving is always still allowed. What counts as a warning:

- a data point dated after today;
- a gap since the measure's previous point of more than two periods of its frequency
  (read by :func:`add_period`: weekly, fortnightly, monthly, quarterly; monthly when
  pdsa cannot read it, as the overview's "no recent data" rule reads it too);
- a value far outside the series: outside the range of the other points of its chart
  part (parts end at rebase markers) and twice as far from their centre as the chart's
  limits: 6 sigma. For numerator/denominator points that is the P chart's sigma at the
  point's denominator around p-bar (sum of numerators / sum of denominators); for values,
  the I chart's sigma around the median, estimated from the median moving range / 0.954
  (the mean moving range / 1.128 when most neighbours are equal). Only once the part has
  at least :data:`MIN_SERIES` other points; a part with no variation at all gives no such
  warning (any change would be "far");
- a cycle's "Carried out to" date after today;
- a cycle shown as Do (planned, waiting to run) while its planned start is still ahead;
- a cycle carried out from a date before its planned start.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from dataclasses import dataclass

from pdsa_tui.analysis.verdict import format_number
from pdsa_tui.model import Cycle, DataPoint, Measure, format_date
from pdsa_tui.model.dates import add_period

#: Other points needed before a value is judged against the series.
MIN_SERIES = 6
#: How many sigma from the median counts as far outside (twice an I chart's 3 sigma).
FAR_SIGMA = 6.0


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


def point_warnings(measure: Measure, point: DataPoint, today: dt.date) -> list[FieldWarning]:
    """What may be wrong with ``point`` (new or edited) in ``measure``; never a refusal."""
    out: list[FieldWarning] = []
    future = _future(point.date, today)
    if future:
        out.append(FieldWarning("date", future))
    others = sorted((p for p in measure.points if p.id != point.id), key=lambda p: p.date)
    earlier = [p for p in others if p.date < point.date]
    if not future and earlier:
        last = earlier[-1].date
        if point.date > add_period(last, measure.frequency, 2):
            every = measure.frequency.strip() or "monthly"
            out.append(
                FieldWarning(
                    "date",
                    f"{_gap(last, point.date, measure.frequency)} after the previous point "
                    f"({format_date(last)}; frequency: {every}): missing points?",
                )
            )
    far = _far_outside(point, others, measure.unit)
    if far:
        out.append(FieldWarning("value" if point.value is not None else "numerator", far))
    return out


def _sigma(values: list[float]) -> float:
    """A robust estimate of the series' point-to-point variation (0: none seen)."""
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    if not ranges:
        return 0.0
    median_mr = statistics.median(ranges)
    if median_mr > 0:
        return median_mr / 0.954
    return statistics.fmean(ranges) / 1.128


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


def _far_outside(point: DataPoint, others: list[DataPoint], unit: str) -> str | None:
    y = point.y
    part = [p for p in _same_part(point, others) if p.y is not None]
    series = [p.y for p in part if p.y is not None]
    if y is None or len(series) < MIN_SERIES:
        return None
    low, high = min(series), max(series)
    if low <= y <= high:
        return None
    if point.value is None and point.denominator and all(p.value is None for p in part):
        # Proportions: the P chart's sigma at this point's denominator, around p-bar.
        num = sum(p.numerator or 0.0 for p in part)
        den = sum(p.denominator or 0.0 for p in part)
        pbar = num / den if den else 0.0
        sigma = 100.0 * math.sqrt(pbar * (1 - pbar) / point.denominator)
        centre = 100.0 * pbar
    else:
        sigma = _sigma(series)
        centre = statistics.median(series)
    if sigma <= 0 or abs(y - centre) <= FAR_SIGMA * sigma:
        return None
    pct = "%" if unit == "percent" else ""
    shown = [f"{format_number(v)}{pct}" for v in (y, low, high)]
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
