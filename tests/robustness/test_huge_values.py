"""Values no measure can hold: refused on the way in, harmless in a file that has them.

An older pdsa took any finite float: ``pdsa data add --value 1e308`` on a days measure
(or such rows in a CSV) was saved, and from then on the Markdown export, ``pdsa
analyse`` and the app (plotext overflow) died with a traceback on that measure. Now
each unit accepts a plausible range (days and weeks 0 to 36,500, counts and rates 0 to
10^9, numerators and denominators 0 to 10^9) at every entry path, and every analysis,
chart and export copes with any finite float a file already holds (up to 1.8e308).

The "poisoned" files here are written as an older pdsa would have left them: the JSON
is edited directly, since pdsa itself no longer saves such values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdsa_tui.analysis import SeriesPoint, analyse
from pdsa_tui.analysis.charts import CHART_TYPES
from pdsa_tui.analysis.warnings import import_warnings, point_warnings
from pdsa_tui.cli import main
from pdsa_tui.model import Aim, DataPoint, Measure, ValidationError, point_from_form
from pdsa_tui.model.csvseries import CsvError, read_series_csv, scan_series
from pdsa_tui.report.svg import chart_svg
from pdsa_tui.report.termchart import render_chart
from pdsa_tui.store import Store

DAYS = "Days to first review"
COUNT = "Missed visits"
RATE = "Visits missed per 10 child-months"
PERCENT = "Reviews on time"
#: What an older pdsa could have saved: the float limit, both signs, and values whose
#: sums, means and moving ranges overflow.
HUGE = [1e308, -1e308, 1.7e308, 1.7e308, -1.7e308]


def first(d: int) -> dt.date:
    """The first of the month, ``d`` months after January 2025."""
    return dt.date(2025 + d // 12, d % 12 + 1, 1)


def build(path: Path) -> None:
    """A programme with one measure of each kind, 14 ordinary monthly points each."""
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 9", statement="By 2027, 90% of reviews on time"))

        def values(name: str, unit: str, **kw: Any) -> None:
            pts = [DataPoint(date=first(k), value=float(20 + k % 5)) for k in range(14)]
            s.save(Measure(aim_id=aim.id, name=name, unit=unit, points=pts, **kw))

        def ratios(name: str, unit: str) -> None:
            pts = [DataPoint(date=first(k), numerator=3 + k % 4, denominator=10) for k in range(14)]
            s.save(Measure(aim_id=aim.id, name=name, unit=unit, points=pts))

        values(DAYS, "days", direction="down", goal=21)
        values(COUNT, "count", chart="c")
        ratios(RATE, "rate")
        ratios(PERCENT, "percent")


def poison(path: Path, name: str, **fields: list[float]) -> None:
    """Overwrite the last points' ``fields`` of measure ``name`` in the file, bypassing pdsa."""
    doc = json.loads(path.read_text())
    (m,) = [m for m in doc["measures"].values() if m["name"] == name]
    for field, values in fields.items():
        for p, v in zip(m["points"][-len(values) :], values, strict=True):
            p[field] = v
    path.write_text(json.dumps(doc))


@pytest.fixture
def poisoned(tmp_path: Path) -> Path:
    """Every measure holding values an older pdsa accepted."""
    path = tmp_path / "old.json"
    build(path)
    poison(path, DAYS, value=[*HUGE, 1.7e308])
    poison(path, COUNT, value=[1.7e308, 1.7e308, 1e308])
    poison(path, RATE, numerator=[1.7e308, 5], denominator=[10, 1e-300])
    poison(path, PERCENT, numerator=[1.7e308, 1e308], denominator=[1.7e308, 1.7e308])
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(result: tuple[int, str, str], *words: str) -> None:
    status, _out, err = result
    assert status == 1, err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, (w, err)


def strict_json(text: str) -> Any:
    """JSON as a strict parser reads it: NaN and Infinity are not JSON."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


#: A number written out to absurd length (1e308 as 309 digits).
LONG_DIGITS = re.compile(r"\d{25,}")


# -- the ranges each unit accepts ------------------------------------------------------------
@pytest.mark.parametrize(
    ("unit", "top", "shown"),
    [
        ("days", 36_500, "0 to 36,500"),
        ("weeks", 36_500, "0 to 36,500"),
        ("count", 1e9, "0 to 1,000,000,000"),
        ("rate", 1e9, "0 to 1,000,000,000"),
    ],
)
def test_each_unit_accepts_its_range_and_names_it_when_refusing(
    unit: str, top: float, shown: str
) -> None:
    assert DataPoint(date=first(0), value=top).validate(unit) == []
    for bad, got in ((top + 1, f"{top + 1:,.0f}"), (1e308, "1e+308"), (1.7e308, "1.7e+308")):
        (err,) = DataPoint(date=first(0), value=bad).validate(unit)
        assert (err.field, err.label) == ("value", "Value")
        assert err.message == f"is too large for a {unit} measure, which accepts {shown}; got {got}"


def test_percent_values_stay_0_to_100() -> None:
    (err,) = DataPoint(date=first(0), value=1e308).validate("percent")
    assert err.message == "must be a percentage from 0 to 100; got 1e+308"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_stored_value_that_is_not_finite_is_refused(bad: float) -> None:
    for unit in ("percent", "count", "days", "weeks", "rate"):
        (err,) = DataPoint(date=first(0), value=bad).validate(unit)
        assert err.field == "value" and "is not a finite number" in err.message
    errs = DataPoint(date=first(0), numerator=bad, denominator=bad).validate("percent")
    assert {e.field for e in errs} == {"numerator", "denominator"}


def test_numerators_and_denominators_are_counts_up_to_a_billion() -> None:
    assert DataPoint(date=first(0), numerator=1e9, denominator=1e9).validate("percent") == []
    errs = DataPoint(date=first(0), numerator=1e308, denominator=1.7e308).validate("percent")
    assert [(e.field, e.message) for e in errs] == [
        (
            "numerator",
            "is too large: a numerator or denominator is a count, from 0 to 1,000,000,000; "
            "got 1e+308",
        ),
        (
            "denominator",
            "is too large: a numerator or denominator is a count, from 0 to 1,000,000,000; "
            "got 1.7e+308",
        ),
    ]


def test_a_rate_over_a_tiny_denominator_is_refused() -> None:
    assert DataPoint(date=first(0), numerator=5, denominator=0.5).validate("rate") == []
    (err,) = DataPoint(date=first(0), numerator=5, denominator=1e-300).validate("rate")
    assert err.field == "denominator"
    assert err.message == (
        "is too small for the numerator: the rate would be 5e+300, and a rate measure "
        "accepts 0 to 1,000,000,000; got 1e-300"
    )


def test_a_goal_no_unit_can_reach_is_refused() -> None:
    m = Measure(name="m", unit="days", goal=1e308)
    (err,) = m.validate()
    assert err.field == "goal"
    assert err.message == "is too large for a days measure, which accepts 0 to 36,500; got 1e+308"
    assert Measure(name="m", unit="days", goal=36_500).validate() == []


def test_the_point_form_refuses_and_names_the_range() -> None:
    with pytest.raises(ValidationError) as info:
        point_from_form(date="01/02/2025", value="1e308", unit="days")
    assert str(info.value) == (
        "Value: is too large for a days measure, which accepts 0 to 36,500; got 1e+308"
    )
    with pytest.raises(ValidationError) as info:
        point_from_form(date="01/02/2025", value="1e999", unit="days")
    assert "'1e999' is too large for any measure" in str(info.value)


def test_a_csv_row_beyond_the_range_names_its_line() -> None:
    text = "date,value\n01/01/2025,30\n01/02/2025,1e308\n"
    with pytest.raises(CsvError) as info:
        read_series_csv(text, "in.csv", unit="days")
    assert str(info.value) == (
        "in.csv line 3, column 'value': is too large for a days measure, which accepts "
        "0 to 36,500; got 1e+308"
    )


def test_the_app_import_and_paste_name_the_line() -> None:
    """The data screen's CSV import and spreadsheet paste read rows as the CLI does."""
    found = scan_series("date,value\n01/01/2025,30\n01/02/2025,1e308\n", "in.csv", unit="days")
    assert found.problems == [
        (
            3,
            "in.csv line 3, column 'value': is too large for a days measure, which accepts "
            "0 to 36,500; got 1e+308",
        )
    ]
    pasted = scan_series("01/01/2025\t30\n01/02/2025\t40000\n", "paste", unit="weeks", pasted=True)
    assert pasted.problems == [
        (
            2,
            "paste line 2, column 'value': is too large for a weeks measure, which accepts "
            "0 to 36,500; got 40,000",
        )
    ]


# -- every entry path of the command line ----------------------------------------------------
@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pdsa.json"
    build(path)
    return path


@pytest.mark.parametrize(
    ("measure", "value", "words"),
    [
        (DAYS, "1e308", "Value: is too large for a days measure, which accepts 0 to 36,500"),
        (DAYS, "36501", "got 36,501"),
        (COUNT, "1000000001", "count measure, which accepts 0 to 1,000,000,000; got 1,000,000,001"),
        (DAYS, "1e400", "Value: '1e400' is too large for any measure"),
        (DAYS, "nan", "Value: 'nan' is not a finite number"),
    ],
)
def test_data_add_refuses_a_value_no_unit_holds(
    capsys: pytest.CaptureFixture[str], db: Path, measure: str, value: str, words: str
) -> None:
    before = db.read_bytes()
    r = run(capsys, "data", "add", "--db", db, "--measure", measure, "--date", "01/06/2026",
            f"--value={value}")  # fmt: skip
    one_line_error(r, words)
    assert db.read_bytes() == before


def test_data_add_refuses_a_numerator_no_count_reaches(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    r = run(capsys, "data", "add", "--db", db, "--measure", RATE, "--date", "01/06/2026",
            "--numerator", "2e9", "--denominator", "10")  # fmt: skip
    one_line_error(r, "Numerator: is too large", "from 0 to 1,000,000,000; got 2,000,000,000")
    assert db.read_bytes() == before


def test_data_import_names_the_line_and_imports_nothing(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("date,value\n01/06/2026,30\n01/07/2026,31\n01/08/2026,1e308\n")
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_file)
    one_line_error(
        r,
        f"{csv_file} line 4, column 'value': is too large for a days measure, which accepts "
        "0 to 36,500; got 1e+308; nothing was imported",
    )
    assert db.read_bytes() == before


def test_measure_add_refuses_a_goal_beyond_the_unit(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    r = run(capsys, "measure", "add", "--db", db, "--aim", "Aim 9", "--name", "New",
            "--unit", "weeks", "--goal", "1e308")  # fmt: skip
    one_line_error(r, "--goal: is too large for a weeks measure, which accepts 0 to 36,500")
    assert db.read_bytes() == before


# -- a file an older pdsa left with such values ----------------------------------------------
def test_check_names_the_point_to_correct(
    capsys: pytest.CaptureFixture[str], poisoned: Path
) -> None:
    status, out, err = run(capsys, "check", "--db", poisoned)
    assert status == 1 and "Traceback" not in err
    assert (
        "Data points: the point of 01/02/2026: Value: is too large for a days measure, which "
        "accepts 0 to 36,500; got 1.7e+308; correct or delete that point"
    ) in out + err


def test_the_bad_points_can_be_listed_and_deleted_one_by_one(
    capsys: pytest.CaptureFixture[str], poisoned: Path
) -> None:
    status, out, _ = run(capsys, "data", "list", "--db", poisoned, "--measure", DAYS, "--json")
    assert status == 0
    assert [p["value"] for p in strict_json(out)][-6:] == [*HUGE, 1.7e308]
    # The points already in the file do not block new ones (nor deleting one at a time).
    status, _, err = run(capsys, "data", "add", "--db", poisoned, "--measure", DAYS, "--date",
                         "01/06/2026", "--value", "30")  # fmt: skip
    assert status == 0, err
    for k in range(8, 14):
        day = first(k).strftime("%d/%m/%Y")
        status, _, err = run(capsys, "data", "delete", "--db", poisoned, "--measure", DAYS,
                             "--date", day)  # fmt: skip
        assert status == 0, err
    status, out, err = run(capsys, "check", "--db", poisoned)
    assert "days measure" not in out + err and "count measure" in out + err  # others remain
    with Store.open(poisoned, read_only=True) as s:
        values = [p.value for p in s.find_measure(DAYS).sorted_points()]
    assert len(values) == 9 and values[-1] == 30 and max(values) <= 36_500


def test_a_point_stored_unchanged_is_not_checked_again_but_an_edit_is(poisoned: Path) -> None:
    with Store.open(poisoned) as s:
        m = s.find_measure(DAYS)
        bad = m.sorted_points()[-1]
        s.save(dataclasses.replace(m, frequency="weekly"))  # an edit elsewhere: saved
        with pytest.raises(ValidationError, match="the point of 01/02/2026: Value: is too large"):
            s.measure_data.update_point(m, dataclasses.replace(bad, note="checked"))
        s.measure_data.update_point(m, dataclasses.replace(bad, value=30.0))  # corrected: saved
        with pytest.raises(ValidationError, match="must be a percentage from 0 to 100"):
            s.save(dataclasses.replace(s.find_measure(DAYS), unit="percent"))  # all re-checked


def test_the_warnings_beside_a_new_point_cope_with_a_poisoned_measure(poisoned: Path) -> None:
    """Item 7's "far outside the series" check sums and averages the stored points."""
    with Store.open(poisoned, read_only=True) as s:
        measures = s.all(Measure)
    for m in measures:
        for new in (
            DataPoint(date=first(20), value=0.0),  # below every stored point: judged
            DataPoint(date=first(20), numerator=0.0, denominator=10.0),
        ):
            point_warnings(m, new, first(21))
            import_warnings(m, [new], first(21))


def test_a_rate_above_one_is_judged_without_a_p_chart_sigma() -> None:
    """Events per exposure may pass 1 (p-bar > 1): sqrt(p(1-p)) was a math domain error."""
    pts = [DataPoint(date=first(k), numerator=15.0 + k, denominator=10.0) for k in range(12)]
    m = Measure(name="m", unit="rate", points=pts)
    (warning,) = point_warnings(
        m, DataPoint(date=first(13), numerator=1, denominator=10), first(14)
    )
    assert warning.field == "numerator" and "far outside" in warning.message


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_every_export_format_of_a_poisoned_file(
    capsys: pytest.CaptureFixture[str], poisoned: Path, tmp_path: Path, fmt: str
) -> None:
    out_file = tmp_path / f"all.{fmt}"
    status, _, err = run(
        capsys, "export", "--db", poisoned, "--all", "--format", fmt, "-o", out_file
    )
    assert status == 0 and "Traceback" not in err, err
    text = out_file.read_text()
    assert not LONG_DIGITS.search(text), LONG_DIGITS.search(text)
    if fmt == "json":
        strict_json(text)
    if fmt == "md":
        assert "▲ off the scale" in text and "latest 1.7e+308 days" in text
    if fmt == "html":
        assert 'class="off-scale"' in text and "Off the scale" in text
        assert "nan" not in re.findall(r'[xy]\d?="([^"]*)"', text)


def test_export_of_one_aim_as_markdown_names_the_value(
    capsys: pytest.CaptureFixture[str], poisoned: Path
) -> None:
    status, out, err = run(capsys, "export", "--db", poisoned, "--aim", "Aim 9", "--format", "md",
                           "-o", "-")  # fmt: skip
    assert status == 0, err
    assert "1.7e+308" in out


# -- pdsa analyse on such a CSV --------------------------------------------------------------
def _csv(tmp_path: Path, header: str, rows: list[str]) -> Path:
    path = tmp_path / "series.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


@pytest.mark.parametrize("chart", ["run", "i", "c", "g", "t"])
def test_analyse_a_csv_of_huge_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, chart: str
) -> None:
    values = [20, 22, 21, 1e308, 1.7e308, 1.7e308, 23, 19, 1.7e308, 20, 21, 22]
    if chart == "run" or chart == "i":
        values[:3] = [-1e308, -1.7e308, 5]
    csv_file = _csv(
        tmp_path, "date,value", [f"{first(k).isoformat()},{v!r}" for k, v in enumerate(values)]
    )
    status, out, err = run(capsys, "analyse", csv_file, "--chart", chart)
    assert status == 0 and "Traceback" not in err, err
    assert "off the scale" in out
    assert not LONG_DIGITS.search(out)
    status, out, err = run(capsys, "analyse", csv_file, "--chart", chart, "--json")
    assert status == 0, err
    result = strict_json(out)
    assert [p["y"] is None or math.isfinite(p["y"]) for p in result["points"]]


@pytest.mark.parametrize("chart", ["p", "u"])
def test_analyse_a_csv_of_huge_ratios(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, chart: str
) -> None:
    rows = [f"{first(k).isoformat()},{3 + k % 4},10" for k in range(12)]
    huge = [(1.7e308, 1.7e308), (1e308, 1.7e308), (5, 1e308)]
    if chart == "u":  # events per exposure: numerators may pass the denominators
        huge += [(1e308, 1e-300), (1.7e308, 1e308)]
    for k, (num, den) in enumerate(huge, start=4):
        rows[k] = f"{first(k).isoformat()},{num!r},{den!r}"
    csv_file = _csv(tmp_path, "date,numerator,denominator", rows)
    for extra in ([], ["--json"]):
        status, out, err = run(capsys, "analyse", csv_file, "--chart", chart, *extra)
        assert status == 0 and "Traceback" not in err, err
        if extra:
            strict_json(out)


# -- any finite float, any chart ---------------------------------------------------------------
FINITE = st.floats(allow_nan=False, allow_infinity=False)
EXTREME = st.sampled_from([0.0, 1.0, 1e12, 1e15, 1e300, 1e308, 1.7e308, 1.7976931348623157e308])


def _series(values: list[float], dens: list[float] | None = None) -> list[SeriesPoint]:
    return [
        SeriesPoint(
            date=first(k),
            y=None if dens else v,
            numerator=v if dens else None,
            denominator=dens[k] if dens else None,
        )
        for k, v in enumerate(values)
    ]


def _drawn_and_exported(chart: str, points: list[SeriesPoint], scale: float = 1.0) -> None:
    a = analyse(points, chart)  # type: ignore[arg-type]
    strict_json(json.dumps(a.to_json()))
    for p in a.points:
        for v in (p.y, p.centre, p.lcl, p.ucl):
            assert v is None or math.isfinite(v)
    render_chart(a, width=60, height=12, scale=scale, goal=1.7e308, color=False)
    svg = chart_svg(a, title="t", scale=scale, goal=1.7e308)
    assert not re.search(r'="[^"]*\b(nan|inf)', svg), svg


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chart=st.sampled_from(["run", "i", "mr", "xbar", "s"]),
    values=st.lists(st.one_of(FINITE, EXTREME, EXTREME.map(lambda v: -v)), min_size=1, max_size=16),
)
def test_any_finite_values_any_sign(chart: str, values: list[float]) -> None:
    _drawn_and_exported(chart, _series(values))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chart=st.sampled_from(["c", "g", "t"]),
    values=st.lists(
        st.one_of(
            st.floats(min_value=1e-300, max_value=1.7976931348623157e308), EXTREME.filter(bool)
        ),
        min_size=1,
        max_size=16,
    ),
)
def test_any_positive_values(chart: str, values: list[float]) -> None:
    _drawn_and_exported(chart, _series(values))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chart=st.sampled_from(["p", "u", "run", "pp", "up"]),
    pairs=st.lists(
        st.tuples(
            st.one_of(st.floats(min_value=0, max_value=1.7976931348623157e308), EXTREME),
            st.one_of(
                st.floats(min_value=1e-300, max_value=1.7976931348623157e308), EXTREME.filter(bool)
            ),
        ),
        min_size=1,
        max_size=16,
    ),
)
def test_any_ratios(chart: str, pairs: list[tuple[float, float]]) -> None:
    _drawn_and_exported(chart, _series([n for n, _ in pairs], [d for _, d in pairs]), scale=100)


def test_every_chart_type_is_covered() -> None:
    assert set(CHART_TYPES) == {"run", "i", "c", "g", "t", "p", "u", "pp", "up", "mr", "xbar", "s"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chart=st.sampled_from(["xbar", "s", "i", "run"]),
    groups=st.lists(
        st.lists(st.one_of(FINITE, EXTREME, EXTREME.map(lambda v: -v)), min_size=0, max_size=5),
        min_size=1,
        max_size=10,
    ),
)
def test_any_subgroups(chart: str, groups: list[list[float]]) -> None:
    points = [SeriesPoint(date=first(k), values=tuple(g)) for k, g in enumerate(groups)]
    _drawn_and_exported(chart, points)


def test_the_means_of_huge_values_stay_finite() -> None:
    a = analyse(_series([1.7e308] * 4), "i")
    assert a.parts[0].centre == pytest.approx(1.7e308)
    a = analyse(_series([1.7e308, 1.7e308, 1e308, 1e308]), "run")
    assert a.parts[0].centre == pytest.approx(1.35e308)
    c = analyse(_series([1.7e308] * 3 + [1e308]), "c")
    assert c.parts[0].centre == pytest.approx(1.525e308)


def test_s_limits_beyond_the_float_range_are_left_out() -> None:
    """Found by Hypothesis: B4 x sigma of a huge subgroup overflowed to inf in the JSON."""
    a = analyse([SeriesPoint(date=first(0), values=(0.0, 7.782939445027582e307))], "s")
    strict_json(json.dumps(a.to_json()))
    assert a.points[0].ucl is None
