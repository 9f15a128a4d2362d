"""The analysis held as columns gives what it gave point by point (issue 21).

``analyse`` keeps its points' results as columns (``PointColumns``) and reads a
series held as columns (``SeriesColumns``) without building its points; each is held
here to the plain form over generated series. Nothing is timed.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics

from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.analysis import SeriesPoint, analyse
from pdsa_tui.analysis.advice import _median
from pdsa_tui.analysis.part import _constant
from pdsa_tui.analysis.results import PointResult, SeriesColumns

START = dt.date(2020, 1, 1)
COUNTS = st.integers(min_value=0, max_value=30)


@st.composite
def ratio_series(draw: st.DrawFn) -> tuple[list[float | None], list[float | None]]:
    n = draw(st.integers(min_value=1, max_value=60))
    nums: list[float | None] = []
    dens: list[float | None] = []
    for _ in range(n):
        den = draw(st.integers(min_value=0, max_value=40))
        num = draw(st.integers(min_value=0, max_value=max(den, 0)))
        gap = draw(st.integers(min_value=0, max_value=12)) == 0
        nums.append(None if gap else float(num))
        dens.append(None if gap else float(den))
    return nums, dens


@settings(max_examples=120, deadline=None)
@given(
    data=ratio_series(),
    chart=st.sampled_from(["p", "u", "pp", "run"]),
    rules=st.sampled_from(["anhoej", "ihi", "mdc"]),
    marks=st.lists(st.integers(min_value=0, max_value=59), max_size=3),
    freeze=st.one_of(st.none(), st.integers(min_value=1, max_value=30)),
    no_negative=st.booleans(),
)
def test_columns_in_give_the_analysis_of_points(
    data: tuple[list[float | None], list[float | None]],
    chart: str,
    rules: str,
    marks: list[int],
    freeze: int | None,
    no_negative: bool,
) -> None:
    nums, dens = data
    n = len(nums)
    dates = [START + dt.timedelta(days=k) for k in range(n)]
    excluded = frozenset(k for k in marks if k < n)
    columns = SeriesColumns(dates, numerator=nums, denominator=dens, exclude=excluded)
    points = [
        SeriesPoint(d, numerator=a, denominator=b, exclude=k in excluded)
        for k, (d, a, b) in enumerate(zip(dates, nums, dens, strict=True))
    ]
    assert columns == points
    options = {"freeze": freeze, "rules": rules, "no_negative": no_negative}
    got = analyse(columns, chart, **options)  # type: ignore[arg-type]
    want = analyse(points, chart, **options)  # type: ignore[arg-type]
    assert got == want
    assert got.points == want.points


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), COUNTS.map(float)), min_size=1, max_size=50),
    chart=st.sampled_from(["run", "i", "c", "mr", "g"]),
)
def test_points_made_from_columns_are_the_results(values: list[float | None], chart: str) -> None:
    points = [SeriesPoint(START + dt.timedelta(days=k), y=v) for k, v in enumerate(values)]
    a = analyse(points, chart)  # type: ignore[arg-type]
    cols = a.columns
    assert len(a.points) == len(cols) == len(values)
    for k, p in enumerate(a.points):
        assert isinstance(p, PointResult)
        assert (p.i, p.date, p.y, p.lcl, p.ucl) == (
            k + 1,
            cols.dates[k],
            cols.ys[k],
            cols.lcls[k],
            cols.ucls[k],
        )
        assert p.signals == cols.signals.get(k, [])
    assert all(cols.signals.values())  # only points with signals have an entry
    assert a.signal == (any(p.signal for p in a.parts) or any(p.signals for p in a.points))


@given(st.lists(st.sampled_from([1, 2, 2.0, 3, 5.5, 10, 40.0]), min_size=1, max_size=120))
def test_median_of_repeated_values_is_statistics_median(values: list[float]) -> None:
    assert _median(values) == statistics.median(values)


@given(st.lists(st.sampled_from([None, 0.0, -0.0, 1.0, 1, 2.5, math.inf, math.nan]), max_size=6))
def test_constant_is_the_one_value_present(values: list[float | None]) -> None:
    present = {v for v in values if v is not None}
    want = present.pop() if len(present) == 1 else None
    got = _constant(values)
    assert got is want or got == want or (got != got and want != want)
