"""'No new data' follows the measure's frequency, not a fixed number of days."""

from __future__ import annotations

import datetime as dt

import pytest

from pdsa_tui.analysis.attention import aim_attention
from pdsa_tui.model import Aim, DataPoint, Measure
from pdsa_tui.model.dates import add_period


def _stale(frequency: str, last: dt.date, today: dt.date) -> bool:
    aim = Aim(code="Aim 9", statement="By 2030, 50% from 2020")
    m = Measure(aim_id=aim.id, name="m", frequency=frequency, points=[DataPoint(last, value=1)])
    return any(a.kind == "stale_data" for a in aim_attention(aim, [m], [], [], today))


@pytest.mark.parametrize(
    ("frequency", "last", "fresh", "stale"),
    [
        # October's point (dated the 1st) covers October; November's is due in December.
        ("monthly", dt.date(2026, 10, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 2)),
        ("weekly", dt.date(2026, 10, 5), dt.date(2026, 10, 19), dt.date(2026, 10, 20)),
        ("quarterly", dt.date(2026, 1, 1), dt.date(2026, 7, 1), dt.date(2026, 7, 2)),
    ],
)
def test_stale_after_two_periods(
    frequency: str, last: dt.date, fresh: dt.date, stale: dt.date
) -> None:
    assert not _stale(frequency, last, fresh)
    assert _stale(frequency, last, stale)


def test_add_period_keeps_month_ends_real() -> None:
    assert add_period(dt.date(2026, 1, 31), "monthly") == dt.date(2026, 2, 28)
    assert add_period(dt.date(2026, 11, 30), "Quarterly", 1) == dt.date(2027, 2, 28)
    assert add_period(dt.date(2026, 1, 1), "fortnightly", 2) == dt.date(2026, 1, 29)
    assert add_period(dt.date(2026, 1, 1), "", 1) == dt.date(2026, 2, 1)
