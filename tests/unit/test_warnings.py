"""Warnings, not refusals: a future point, a gap, a value far outside the series, cycle dates."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pdsa_tui.analysis.warnings import (
    FieldWarning,
    cycle_warnings,
    import_warnings,
    point_warnings,
)
from pdsa_tui.model import Cycle, DataPoint, Measure, format_date
from pdsa_tui.model.dates import add_period

TODAY = dt.date(2026, 11, 22)


def monthly(values: list[float], *, last: dt.date = dt.date(2026, 10, 1)) -> Measure:
    """A days measure with one point a month, the last on ``last``."""
    n = len(values)
    return Measure(
        name="Days to review",
        unit="days",
        frequency="monthly",
        points=[
            DataPoint(date=add_period(last, "monthly", k - n + 1), value=v)
            for k, v in enumerate(values)
        ],
    )


SERIES = [20, 24, 19, 22, 25, 21, 23, 20]


def fields(warnings: list[FieldWarning]) -> list[str]:
    return [w.field for w in warnings]


def test_a_usual_next_point_has_no_warning() -> None:
    assert (
        point_warnings(monthly(SERIES), DataPoint(date=dt.date(2026, 11, 1), value=22), TODAY) == []
    )


def test_a_point_dated_after_today() -> None:
    point = DataPoint(date=TODAY + dt.timedelta(days=1), value=22)
    assert point_warnings(monthly(SERIES), point, TODAY) == [
        FieldWarning("date", "is in the future (today is 22/11/2026)")
    ]
    # Today itself is fine.
    assert point_warnings(monthly(SERIES), DataPoint(date=TODAY, value=22), TODAY) == []


@pytest.mark.parametrize(
    ("day", "warned"),
    [
        (dt.date(2026, 11, 1), False),  # one month on
        (dt.date(2026, 12, 1), False),  # two months on: exactly twice the frequency
        (dt.date(2026, 12, 2), True),  # more than twice
    ],
)
def test_a_gap_of_more_than_twice_the_frequency(day: dt.date, warned: bool) -> None:
    got = point_warnings(monthly(SERIES), DataPoint(date=day, value=22), day)
    assert fields(got) == (["date"] if warned else [])
    if warned:
        assert got[0].message == (
            "2 months after the previous point (01/10/2026; frequency: monthly): missing points?"
        )


def test_a_gap_counts_from_the_point_before_not_the_last() -> None:
    # An edited point in the middle is judged against the point before it.
    measure = monthly(SERIES)
    middle = measure.sorted_points()[4]
    assert point_warnings(measure, middle, TODAY) == []


def test_a_weekly_gap_in_weeks_and_none_for_events() -> None:
    m = Measure(
        name="w",
        unit="count",
        frequency="weekly",
        points=[DataPoint(date=dt.date(2026, 10, 5), value=3)],
    )
    got = point_warnings(m, DataPoint(date=dt.date(2026, 10, 27), value=3), TODAY)
    assert got == [
        FieldWarning(
            "date",
            "3 weeks after the previous point (05/10/2026; frequency: weekly): missing points?",
        )
    ]
    # A measure of events has no period: its points come when the events do.
    for frequency, kind in (("per case", "measurements"), ("monthly", "time_between")):
        m.frequency, m.values_are = frequency, kind
        late = DataPoint(date=dt.date(2027, 6, 1), value=3)
        assert point_warnings(m, late, late.date) == []


def test_a_value_far_outside_the_series() -> None:
    # A slip of the finger: 220 for 22.
    got = point_warnings(monthly(SERIES), DataPoint(date=dt.date(2026, 11, 1), value=220), TODAY)
    assert got == [
        FieldWarning("value", "220 is far outside this measure's other points (19 to 25): a slip?")
    ]


def test_far_is_twice_the_i_chart_distance() -> None:
    # Median 21.5; moving ranges 4,5,3,3,4,2,3 -> median 3 -> sigma 3/0.954 = 3.14; 6 sigma = 18.9.
    near = point_warnings(monthly(SERIES), DataPoint(date=dt.date(2026, 11, 1), value=40), TODAY)
    far = point_warnings(monthly(SERIES), DataPoint(date=dt.date(2026, 11, 1), value=41), TODAY)
    low = point_warnings(monthly(SERIES), DataPoint(date=dt.date(2026, 11, 1), value=2), TODAY)
    assert fields(near) == [] and fields(far) == ["value"] and fields(low) == ["value"]


def test_too_few_points_or_no_variation_gives_no_value_warning() -> None:
    few = monthly(SERIES[:5])
    assert point_warnings(few, DataPoint(date=dt.date(2026, 11, 1), value=900), TODAY) == []
    flat = monthly([100.0] * 10)
    assert point_warnings(flat, DataPoint(date=dt.date(2026, 11, 1), value=40), TODAY) == []


def test_a_ratio_point_is_judged_by_its_percentage_beside_the_numerator() -> None:
    m = Measure(
        name="% on time",
        unit="percent",
        frequency="monthly",
        points=[
            DataPoint(
                date=add_period(dt.date(2026, 1, 1), "monthly", k), numerator=n, denominator=10
            )
            for k, n in enumerate([7, 8, 7, 6, 8, 7, 7, 8])
        ],
    )
    got = point_warnings(m, DataPoint(date=dt.date(2026, 9, 1), numerator=1, denominator=50), TODAY)
    assert got == [
        FieldWarning(
            "numerator", "2% is far outside this measure's other points (60% to 80%): a slip?"
        )
    ]


def planned(**kw: object) -> Cycle:
    base: dict[str, object] = {
        "objective": "Test it",
        "predictions": "It works",
        "planned_start": TODAY - dt.timedelta(days=7),
    }
    base.update(kw)
    return Cycle(**base)  # type: ignore[arg-type]


def test_carried_out_to_in_the_future() -> None:
    later = TODAY + dt.timedelta(days=3)
    assert cycle_warnings(planned(do_end=later), TODAY) == [
        FieldWarning("do_end", f"is in the future (today is {format_date(TODAY)})")
    ]
    assert cycle_warnings(planned(do_end=TODAY), TODAY) == []


def test_a_cycle_shown_as_do_before_its_planned_start() -> None:
    ahead = planned(planned_start=TODAY + dt.timedelta(days=14))
    assert ahead.stage == "do"
    assert fields(cycle_warnings(ahead, TODAY)) == ["planned_start"]
    assert cycle_warnings(ahead, TODAY)[0].message == (
        "is 14 days ahead, yet the cycle already shows as Do (waiting to run)"
    )
    # Started already, or not planned fully (still Plan): no warning.
    assert cycle_warnings(planned(), TODAY) == []
    assert (
        cycle_warnings(planned(planned_start=TODAY + dt.timedelta(days=14), predictions=""), TODAY)
        == []
    )


def test_a_value_is_judged_within_its_chart_part_and_never_inside_its_range() -> None:
    # Before the rebase: 0% to 40%; after it: 90% to 100%. 10% is far from the new part.
    values = [0, 10, 40, 20, 30, 10, 95, 100, 90, 100, 95, 100, 100]
    m = monthly(values)
    pts = m.sorted_points()
    pts[5].rebase_after = True
    new = DataPoint(date=dt.date(2026, 11, 1), value=10)
    assert fields(point_warnings(m, new, TODAY)) == ["value"]
    assert "(90 to 100)" in point_warnings(m, new, TODAY)[0].message
    # An edit of a first-part point is judged against the first part: 10 is usual there.
    assert point_warnings(m, dataclasses.replace(pts[1], value=12), TODAY) == []
    # Inside the range of its part is never "far", however the median sits.
    lopsided = monthly([100, 100, 100, 100, 100, 100, 100, 0, 100])
    inside = DataPoint(date=dt.date(2026, 11, 1), value=5)
    assert point_warnings(lopsided, inside, TODAY) == []


def test_proportions_use_the_p_chart_sigma_at_the_points_denominator() -> None:
    m = Measure(
        name="% on time",
        unit="percent",
        frequency="monthly",
        points=[
            DataPoint(
                date=add_period(dt.date(2026, 1, 1), "monthly", k), numerator=n, denominator=d
            )
            for k, (n, d) in enumerate([(7, 7), (6, 7), (8, 8), (7, 7), (9, 9), (8, 8), (6, 7)])
        ],
    )
    # p-bar = 51/53; at n = 15 sigma = 4.9%, so 12/15 (80%) is 3.3 sigma off: not far.
    near = DataPoint(date=dt.date(2026, 8, 1), numerator=12, denominator=15)
    assert point_warnings(m, near, TODAY) == []
    far = DataPoint(date=dt.date(2026, 8, 1), numerator=1, denominator=15)
    assert fields(point_warnings(m, far, TODAY)) == ["numerator"]


def test_import_warnings_match_point_warnings_for_one_row() -> None:
    m = monthly(SERIES)
    for point in (
        DataPoint(date=dt.date(2026, 11, 1), value=220),
        DataPoint(date=TODAY + dt.timedelta(days=1), value=22),
        DataPoint(date=dt.date(2027, 2, 1), value=22),
        DataPoint(date=dt.date(2026, 11, 1), value=22),
    ):
        day = min(point.date, TODAY) if point.date <= TODAY else TODAY
        single = point_warnings(m, point, day)
        assert [w for _, w in import_warnings(m, [point], day)] == single


def test_import_warnings_measure_gaps_across_the_new_rows_too() -> None:
    m = monthly(SERIES)  # last point 01/10/2026
    rows = [
        DataPoint(date=dt.date(2027, 4, 1), value=22),  # 2 months after the row below
        DataPoint(date=dt.date(2027, 2, 1), value=21),  # 4 months after the last stored
    ]
    got = import_warnings(m, rows, dt.date(2027, 5, 1))
    assert [(p.date, w.message.split(" after")[0]) for p, w in got] == [
        (dt.date(2027, 2, 1), "4 months")
    ]


def test_a_trend_s_next_step_just_past_the_range_is_not_far() -> None:
    # Hours falling month by month: 0.2 after 0.3 continues the trend; 0.3 to 9.3 is the range.
    falling = monthly([9.3, 8.1, 7.0, 6.2, 5.1, 4.0, 3.2, 2.1, 1.0, 0.3])
    assert point_warnings(falling, DataPoint(date=dt.date(2026, 11, 1), value=0.2), TODAY) == []
