"""Hand-made cases for the analysis: ties, edge cases, parts and baselines, verdict wording."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from collections.abc import Sequence

import pytest

from pdsa_tui.analysis import SeriesPoint, analyse, rules


def months(n: int, start: dt.date = dt.date(2019, 1, 1)) -> list[dt.date]:
    return [
        dt.date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
        for k in range(n)
    ]


def pts(values: Sequence[float | None], **marks: Sequence[int]) -> list[SeriesPoint]:
    """Points with monthly dates; ``rebase_after``/``baseline_end``/``exclude`` as 1-based lists."""
    return [
        SeriesPoint(
            d,
            y=v,
            rebase_after=k + 1 in marks.get("rebase_after", ()),
            baseline_end=k + 1 in marks.get("baseline_end", ()),
            exclude=k + 1 in marks.get("exclude", ()),
        )
        for k, (d, v) in enumerate(zip(months(len(values)), values, strict=True))
    ]


BASE = [5.0, 7, 6, 4, 5, 8, 7, 4, 6, 5, 6, 4]  # median 5.5, random-looking


# ---------------------------------------------------------------- qbinom and limits


def test_qbinom_matches_definition() -> None:
    for size in range(0, 60):
        k = rules.qbinom(0.05, size)
        cdf = sum(math.comb(size, i) for i in range(k + 1)) / 2**size
        below = sum(math.comb(size, i) for i in range(k)) / 2**size
        assert cdf >= 0.05 and (k == 0 or below < 0.05)


def test_runs_distribution_sums_to_one() -> None:
    for n1, n2 in [(1, 1), (5, 5), (7, 12), (30, 30)]:
        assert sum(rules.runs_distribution(n1, n2).values()) == 1


def test_runs_expected_outside_table_is_none() -> None:
    assert rules.runs_expected(9) is None
    assert rules.runs_expected(61) is None
    assert rules.runs_expected(10) is not None


# ---------------------------------------------------------------- ties and the median


def test_points_on_the_median_are_not_useful() -> None:
    values = [1.0, 2, 3, 3, 3, 4, 5]  # median 3: three points on it
    a = analyse(pts(values))
    (part,) = a.parts
    assert part.centre == 3
    assert part.n_useful == 4
    assert part.runs == 2 and part.crossings == 1


def test_on_median_points_neither_make_nor_break_a_shift() -> None:
    # Six above the median with an on-median point between: one shift of 6.
    values = [1.0, 1, 1, 1, 1, 1, 1, 3, 3, 3, 2, 3, 3, 3, 1, 1]
    a = analyse(pts(values), freeze=7, rebase=())
    centre = a.parts[0].centre
    assert centre == 1
    # Around 1 everything from point 8 on is above or on it.
    assert a.parts[0].shifts == [(8, 14)]
    flagged = [p.i for p in a.points if "shift" in p.signals]
    assert flagged == list(range(8, 15))


def test_ties_count_once_in_a_trend() -> None:
    assert [(s.first, s.last, s.count) for s in rules.ihi_trends([1, 2, 2, 3, 4, 5])] == [(0, 5, 5)]
    assert rules.ihi_trends([1, 2, 2, 3, 4]) == []
    down = rules.ihi_trends([9, 8, 8, 8, 7, 6, 5, 5])
    assert [(s.first, s.last, s.direction) for s in down] == [(0, 6, -1)]


def test_all_points_equal() -> None:
    a = analyse(pts([4.0] * 12), direction="up")
    (part,) = a.parts
    assert part.centre == 4
    assert part.n_useful == 0 and part.runs is None and part.longest_run is None
    assert not part.anhoej_signal and not part.shifts and not part.trends
    assert "no variation" in part.verdict
    assert any("no variation" in w for w in part.warnings)
    i_chart = analyse(pts([4.0] * 12), "i")
    # No spread in the baseline: no limits at all (qicharts2, NHSRplotthedots), and why.
    assert i_chart.parts[0].lcl is None and i_chart.parts[0].ucl is None
    assert all(p.lcl is None and p.ucl is None for p in i_chart.points)
    assert not any(p.signals for p in i_chart.points)
    assert i_chart.parts[0].verdict.startswith(
        "No control limits: every baseline value is the same"
    )


def test_i_chart_flat_baseline_then_change_is_not_special_cause() -> None:
    a = analyse(pts([4.0] * 12 + [9.0, 1.0, 5.0]), "i", freeze=12)
    assert all(p.lcl is None and p.ucl is None for p in a.points)
    assert not any({"above_ucl", "below_lcl"} & set(p.signals) for p in a.points)
    assert "no variation" in a.advice


def test_short_baseline_warns() -> None:
    a = analyse(
        pts([3.0, 5.0, 4.0, 6.0, 2.0, 5.0, 4.0, 3.0, 6.0, 5.0, 4.0, 2.0, 3.0]), "c", freeze=8
    )
    assert any("8 baseline points" in w and "fewer than 12" in w for w in a.parts[0].warnings)
    full = analyse(pts([3.0, 5.0, 4.0, 6.0, 2.0, 5.0, 4.0, 3.0, 6.0, 5.0, 4.0, 2.0]), "c")
    assert not any("fewer than 12" in w for w in full.parts[0].warnings)
    run = analyse(pts([3.0, 5.0, 4.0]), "run")
    assert not any("fewer than 12" in w for w in run.parts[0].warnings)


def test_t_chart_refuses_zero_days() -> None:
    with pytest.raises(ValueError, match="point 2"):
        analyse(pts([4.0, 0.0, 3.0]), "t")


def test_chart_verdicts_say_what_a_move_means() -> None:
    gaps = [20.0, 25.0, 18.0, 30.0, 22.0, 27.0, 19.0, 24.0, 21.0, 26.0, 23.0, 20.0, 400.0]
    t = analyse(pts(gaps), "t", freeze=12, direction="up")
    assert "longer gaps between events: events rarer: improvement for this measure" in t.verdict
    c = analyse(
        pts([2.0, 3.0, 1.0, 2.0, 4.0, 2.0, 3.0, 1.0, 2.0, 3.0, 2.0, 2.0, 15.0]), "c", freeze=12
    )
    assert "above the upper control limit" in c.verdict and "(more events)" in c.verdict


# ---------------------------------------------------------------- edge cases


def test_empty_series() -> None:
    a = analyse([])
    assert a.n == 0 and a.parts == [] and a.points == []
    assert "No data" in a.verdict
    assert a.to_json()["parts"] == []


@pytest.mark.parametrize("chart", ["run", "p", "i"])
def test_single_point(chart: str) -> None:
    point = [SeriesPoint(dt.date(2020, 1, 1), y=0.5, numerator=3, denominator=6)]
    a = analyse(point, chart)  # type: ignore[arg-type]
    (part,) = a.parts
    assert part.centre == 0.5
    assert part.n_useful == 0
    assert "too few points for the rules to be reliable" in a.verdict
    json.dumps(a.to_json())


@pytest.mark.parametrize("chart", ["run", "p", "i"])
def test_all_missing(chart: str) -> None:
    a = analyse([SeriesPoint(d) for d in months(5)], chart)  # type: ignore[arg-type]
    (part,) = a.parts
    assert part.centre is None and part.n_useful == 0
    assert all(p.y is None and p.signals == [] for p in a.points)
    assert "No values" in a.verdict


def test_missing_values_are_skipped() -> None:
    values: list[float | None] = [1.0, None, 2, 3, None, 4, 5, 6]
    a = analyse(pts(values))
    assert a.parts[0].centre == 3.5
    assert a.parts[0].n_useful == 6
    assert a.parts[0].trends == [(1, 8)]
    trend = [p.i for p in a.points if "trend" in p.signals]
    assert trend == [1, 3, 4, 6, 7, 8]


def test_zero_denominator_is_skipped_and_reported() -> None:
    ds = months(4)
    series = [
        SeriesPoint(ds[0], numerator=2, denominator=10),
        SeriesPoint(ds[1], numerator=0, denominator=0),
        SeriesPoint(ds[2], numerator=4, denominator=10),
        SeriesPoint(ds[3], numerator=3, denominator=10),
    ]
    for chart in ("run", "p"):
        a = analyse(series, chart)
        assert a.points[1].y is None
        assert a.parts[0].centre == pytest.approx(0.3)
        assert any("zero denominator" in w for w in a.parts[0].warnings)


def test_y_wins_over_numerator_for_run_charts() -> None:
    a = analyse([SeriesPoint(dt.date(2020, 1, 1), y=7, numerator=1, denominator=2)])
    assert a.points[0].y == 7


# ---------------------------------------------------------------- parts and baselines


def test_freeze_uses_baseline_for_centre_and_tests_all_points() -> None:
    values = [*BASE, *(v + 10 for v in BASE)]
    a = analyse(pts(values), freeze=12)
    (part,) = a.parts
    assert part.centre == 5.5
    assert part.baseline_last == 12
    assert part.n_useful == 24
    assert (13, 24) in part.shifts
    assert part.anhoej_signal


def test_baseline_end_marker_equals_freeze() -> None:
    values = [*BASE, *(v + 10 for v in BASE)]
    by_arg = analyse(pts(values), freeze=12)
    by_marker = analyse(pts(values, baseline_end=[12]))
    assert by_arg.to_json() == by_marker.to_json()


def test_rebase_marker_equals_rebase_argument() -> None:
    values = [*BASE, *(v + 10 for v in BASE)]
    by_arg = analyse(pts(values), rebase=[12])
    by_marker = analyse(pts(values, rebase_after=[12]))
    assert by_arg.to_json() == by_marker.to_json()
    assert [(p.first, p.last) for p in by_arg.parts] == [(1, 12), (13, 24)]
    assert by_arg.parts[1].centre == 15.5
    assert not by_arg.parts[1].shifts


def test_freeze_and_rebase_together() -> None:
    # Part 1: 1-12 with baseline 1-6; part 2: 13-30 with its own baseline 13-22.
    values = [*BASE, *(v + 10 for v in BASE), *(v + 20 for v in BASE[:6])]
    a = analyse(pts(values, baseline_end=[22]), freeze=6, rebase=[12])
    one, two = a.parts
    assert (one.first, one.last, one.baseline_last) == (1, 12, 6)
    assert one.centre == 5.5  # median of BASE[:6] = (5+6)/2
    assert (two.first, two.last, two.baseline_last) == (13, 30, 22)
    assert two.centre == 15.5  # median of the first 10 of BASE, plus 10
    assert two.shifts == [(25, 30)]  # the six points lifted by 20


def test_invalid_rebase_and_freeze_are_reported_not_fatal() -> None:
    a = analyse(pts(BASE), freeze=99, rebase=[0, 12, 5])
    assert [(p.first, p.last) for p in a.parts] == [(1, 5), (6, 12)]
    assert len(a.warnings) == 3


def test_excluded_points_are_drawn_but_not_used() -> None:
    values = [*BASE[:5], 100.0, *BASE[5:]]
    a = analyse(pts(values, exclude=[6]), "i")
    plain = analyse(pts(BASE), "i")
    assert a.parts[0].centre == plain.parts[0].centre
    assert a.parts[0].n_useful == plain.parts[0].n_useful
    assert a.points[5].excluded and "above_ucl" in a.points[5].signals


def test_i_chart_screens_large_moving_ranges() -> None:
    values = [*BASE, 40.0, *BASE]
    a = analyse(pts(values), "i")
    mrs = [abs(b - x) for x, b in itertools.pairwise(values)]
    mean_mr = sum(mrs) / len(mrs)
    kept = [m for m in mrs if m < 3.267 * mean_mr]
    centre = sum(values) / len(values)
    assert a.parts[0].ucl == pytest.approx(centre + 2.66 * sum(kept) / len(kept))
    assert "above_ucl" in a.points[12].signals


# ---------------------------------------------------------------- P chart


def test_p_chart_limits_clip_and_small_denominator_warning() -> None:
    ds = months(12)
    series = [SeriesPoint(d, numerator=k % 3, denominator=4) for k, d in enumerate(ds)]
    a = analyse(series, "p")
    pbar = sum(k % 3 for k in range(12)) / 48
    sd = math.sqrt(pbar * (1 - pbar) / 4)
    assert a.parts[0].centre == pytest.approx(pbar)
    assert a.points[0].ucl == pytest.approx(min(1.0, pbar + 3 * sd))
    assert a.points[0].lcl == 0.0
    assert any("small denominators" in w for w in a.parts[0].warnings)


def test_p_chart_no_warning_for_large_denominators() -> None:
    series = [
        SeriesPoint(d, numerator=40 + k % 5, denominator=100) for k, d in enumerate(months(12))
    ]
    a = analyse(series, "p")
    assert not any("small denominators" in w for w in a.parts[0].warnings)
    assert a.parts[0].ucl is not None  # constant denominators: constant limits


# ---------------------------------------------------------------- verdicts


def test_verdict_shift_direction_up_is_improvement() -> None:
    values = [*BASE, *(v + 10 for v in BASE[:8])]
    a = analyse(pts(values), freeze=12, direction="up", scale=1, unit_label="%")
    assert (
        "Signal (IHI shift): 8 points in a row above the median from Jan 2020 - the process "
        "has shifted upwards (improvement for this measure)."
    ) in a.verdict


def test_verdict_shift_direction_down_is_deterioration() -> None:
    values = [*BASE, *(v + 10 for v in BASE[:8])]
    a = analyse(pts(values), freeze=12, direction="down")
    assert "shifted upwards (deterioration for this measure)" in a.verdict


def test_verdict_neutral_says_only_the_way() -> None:
    values = [*BASE, *(v - 10 for v in BASE[:8])]
    a = analyse(pts(values), freeze=12)
    assert "below the median" in a.verdict
    assert "shifted downwards." in a.verdict
    assert "improvement" not in a.verdict and "deterioration" not in a.verdict


def test_verdict_trend_and_no_signal() -> None:
    assert analyse(pts(BASE)).verdict == "Random variation only: no evidence of change yet."
    trend = analyse(pts([5.0, 4, 6, 5, 1, 2, 3, 4, 8, 9, 5, 4]), direction="up")
    assert "6 points in a row going up from May 2019 to Oct 2019" in trend.verdict
    assert "(improvement for this measure)" in trend.verdict


def test_verdict_points_outside_limits_with_scale() -> None:
    series = [SeriesPoint(d, numerator=50, denominator=100) for d in months(12)]
    series.append(SeriesPoint(dt.date(2020, 1, 1), numerator=95, denominator=100))
    a = analyse(series, "p", freeze=12, direction="down", scale=100, unit_label="%")
    assert "above_ucl" in a.points[-1].signals
    assert "1 point above the upper control limit (Jan 2020: 95%)" in a.verdict
    assert "(deterioration for this measure)" in a.verdict


def test_verdict_too_many_runs() -> None:
    values = [1.0, 9] * 10
    a = analyse(pts(values))
    assert a.parts[0].runs == 20
    assert "too many runs (20; " in a.verdict


def test_verdict_too_few_points() -> None:
    a = analyse(pts([1.0, 2, 3, 4, 5, 6, 7]))
    assert a.verdict.startswith("Only 7 points: too few points for the rules to be reliable")
    assert "Early signs to watch" in a.verdict
    assert not a.parts[0].reliable


def test_verdict_parts_are_listed() -> None:
    values = [*BASE, *(v + 10 for v in BASE)]
    a = analyse(pts(values), rebase=[12])
    lines = a.verdict.split("\n")
    assert lines[0].startswith("Part 1 (Jan 2019 to Dec 2019): ")
    assert lines[1].startswith("Part 2 (Jan 2020 to Dec 2020): ")


def test_to_json_contract_shape() -> None:
    a = analyse(pts([*BASE, *(v + 10 for v in BASE)]), freeze=12)
    data = json.loads(json.dumps(a.to_json()))
    assert data["chart"] == "run" and data["n"] == 24
    part = data["parts"][0]
    for key in (
        "first",
        "last",
        "centre",
        "n_useful",
        "longest_run",
        "longest_run_max",
        "crossings",
        "crossings_min",
        "runs",
        "runs_expected",
        "anhoej_signal",
        "shifts",
        "trends",
    ):
        assert key in part
    assert part["runs_expected"] == list(rules.runs_expected(24) or ())
    assert part["shifts"] == [[13, 24]]
    point = data["points"][0]
    assert point == {**point, "i": 1, "date": "2019-01-01", "y": 5.0, "lcl": None, "ucl": None}
    assert data["points"][20]["signals"] == ["shift"]


def test_runs_below_then_above_the_median_read_as_one_change_upwards() -> None:
    import datetime as _dt

    from pdsa_tui.analysis import SeriesPoint
    from pdsa_tui.analysis import analyse as _analyse

    ys = [2, 3, 2, 3, 2, 3, 2, 3, 8, 9, 8, 9, 8, 9, 8, 9]
    pts = [
        SeriesPoint(_dt.date(2019, 1 + k % 12, 1) if k < 12 else _dt.date(2020, k - 11, 1), y)
        for k, y in enumerate(ys)
    ]
    verdict = _analyse(pts, "run", direction="up").verdict
    assert "then 8 above it" in verdict
    assert "shifted upwards (improvement for this measure)" in verdict
    assert "deterioration" not in verdict


def test_a_lone_run_at_the_start_says_the_later_points_moved() -> None:
    import datetime as _dt

    from pdsa_tui.analysis import SeriesPoint
    from pdsa_tui.analysis import analyse as _analyse

    ys = [1, 1, 1, 1, 1, 1, 5, 3, 6, 2, 7, 3, 6, 4]
    pts = [
        SeriesPoint(_dt.date(2019, 1, 1) + _dt.timedelta(days=31 * k), y) for k, y in enumerate(ys)
    ]
    verdict = _analyse(pts, "run", direction="down").verdict
    assert "the first 6 points are all below the median" in verdict
    assert "shifted upwards since (deterioration for this measure)" in verdict


def test_chart_advice_names_the_better_chart() -> None:
    rare = analyse(pts([0.0, 1.0, 0.0, 0.0, 2.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0]), "c")
    assert rare.advice == (
        "Events are rare (under 1 a month): record each event's date, and a T chart of the days "
        "between them shows change sooner."
    )
    small = [
        SeriesPoint(d, numerator=float(k % 3), denominator=float(3 + k % 5))
        for k, d in enumerate(months(14))
    ]
    p = analyse(small, "p")
    assert p.advice.startswith("Denominators of 3-7: a P chart can only flag very large changes")
    many = analyse(pts([float(3 + k % 4) for k in range(14)]), "c")
    assert many.advice.startswith("C chart: events per period")
