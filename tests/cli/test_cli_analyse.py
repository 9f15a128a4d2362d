"""``pdsa analyse FILE.csv``: errors (status and line/column) and the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import conftest
import pytest

from pdsa_tui.cli import main
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE

EXAMPLES = conftest.EXAMPLES


def write(tmp_path: Path, text: str, name: str = "series.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["analyse", *argv])
    out = capsys.readouterr()
    return status, out.out, out.err


MONTHLY = "date,value\n" + "".join(
    f"01/{m:02d}/2019,{v}\n"
    for m, v in zip(range(1, 13), [5, 7, 6, 4, 5, 8, 7, 4, 6, 5, 6, 4], strict=True)
)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["empty"]),
        ("\n\n", ["empty"]),
        ("01/02/2019,5\n02/03/2019,6\n", ["line 1", "no header"]),
        ("date,value\n", ["no data rows"]),
        ("date,amount\n01/02/2019,5\n", ["line 1", "column 2", "unknown column 'amount'"]),
        ("when,value\n01/02/2019,5\n", ["line 1", "column 1", "unknown column 'when'"]),
        ("date,value,numerator,denominator\n01/02/2019,5,1,2\n", ["line 1", "not both"]),
        ("value,numerator\n5,1\n", ["line 1", "no 'date' column"]),
        ("date,value\n01/02/2019,5\n31/02/2019,6\n", ["line 3", "column 1", "not a real date"]),
        ("date,value\nsoon,5\n", ["line 2", "column 1 (date)", "'soon'"]),
        ("date,value\n01/02/2019,five\n", ["line 2", "column 2 (value)", "'five' is not a number"]),
        ("date,value\n01/02/2019,nan\n", ["line 2", "column 2 (value)", "not a finite number"]),
        ("date,value\n01/02/2019,5,7\n", ["line 2", "3 fields"]),
        (
            "date,numerator,denominator\n01/02/2019,3,0\n",
            ["line 2", "column 3 (denominator)", "denominator is 0"],
        ),
        (
            "date,numerator,denominator\n01/02/2019,3,4\n01/03/2019,5,4\n",
            ["line 3", "column 2 (numerator)", "above the denominator"],
        ),
        (
            "date,numerator,denominator\n01/02/2019,-1,4\n",
            ["line 2", "column 2 (numerator)", "negative"],
        ),
        (
            "date,numerator,denominator\n01/02/2019,1,-4\n",
            ["line 2", "column 3 (denominator)", "negative"],
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_bad_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needles: list[str]
) -> None:
    path = write(tmp_path, text)
    status, out, err = run_cli(capsys, str(path))
    assert status == EXIT_DATA
    assert out == ""
    assert err.startswith("pdsa: ") and err.count("\n") == 1
    assert str(path) in err
    for needle in needles:
        assert needle in err, (needle, err)


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,value\n01/02/2019,5\n01/03/2019,caf\xe9\n".encode("latin-1"))
    status, _, err = run_cli(capsys, str(path))
    assert status == EXIT_DATA and "line 3" in err and "UTF-8" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--chart", "x"], "invalid choice"),
        (["--freeze", "0"], "1 or more"),
        (["--freeze", "abc"], "not a whole number"),
        (["--freeze", "13"], "beyond the last point"),
        (["--rebase", "12"], "between 1 and 11"),
        (["--chart", "p"], "numerator,denominator"),
    ],
)
def test_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    path = write(tmp_path, MONTHLY)
    status, out, err = run_cli(capsys, str(path), *argv)
    assert status == EXIT_USAGE
    assert out == ""
    assert needle in err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_cli(capsys, str(tmp_path / "nope.csv"))
    assert status == EXIT_USAGE and out == "" and "no such file" in err


# ---------------------------------------------------------------- output


def test_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lifted = "".join(
        f"01/{m:02d}/2020,{v + 10}\n"
        for m, v in zip(range(1, 13), [5, 7, 6, 4, 5, 8, 7, 4, 6, 5, 6, 4], strict=True)
    )
    path = write(tmp_path, MONTHLY + lifted)
    status, out, err = run_cli(capsys, str(path), "--json", "--freeze", "12")
    assert status == 0 and err == ""
    data = json.loads(out)
    assert data["chart"] == "run" and data["n"] == 24
    (part,) = data["parts"]
    expected_types = {
        "first": int,
        "last": int,
        "centre": float,
        "n_useful": int,
        "longest_run": int,
        "longest_run_max": int,
        "crossings": int,
        "crossings_min": int,
        "runs": int,
        "runs_expected": list,
        "anhoej_signal": bool,
        "shifts": list,
        "trends": list,
    }
    for key, kind in expected_types.items():
        assert isinstance(part[key], kind), key
    assert (part["first"], part["last"], part["centre"]) == (1, 24, 5.5)
    assert part["shifts"] == [[13, 24]] and part["anhoej_signal"] is True
    assert len(part["runs_expected"]) == 2
    first = data["points"][0]
    assert {k: first[k] for k in ("i", "date", "y", "lcl", "ucl", "signals")} == {
        "i": 1,
        "date": "2019-01-01",
        "y": 5.0,
        "lcl": None,
        "ucl": None,
        "signals": [],
    }
    assert data["points"][12]["signals"] == ["shift"]


def test_json_p_chart_has_limits_and_rebase_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(
        f"{2019 + k // 12}-{k % 12 + 1:02d}-01,{3 + k % 4},{10 + k % 3}\n" for k in range(24)
    )
    path = write(tmp_path, "Date,Numerator,Denominator\n" + rows)
    status, out, _ = run_cli(capsys, str(path), "--chart", "p", "--json", "--rebase", "6", "12")
    assert status == 0
    data = json.loads(out)
    assert [(p["first"], p["last"]) for p in data["parts"]] == [(1, 6), (7, 12), (13, 24)]
    assert all(isinstance(p["lcl"], float) and isinstance(p["ucl"], float) for p in data["points"])
    status, again, _ = run_cli(
        capsys, str(path), "--chart", "p", "--json", "--rebase", "6", "--rebase", "12"
    )
    assert again == out
    status, comma, _ = run_cli(capsys, str(path), "--chart", "p", "--json", "--rebase", "6,12")
    assert comma == out


def test_day_first_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "date,value\n01/02/2019,5\n2019-03-01,6\n")
    status, out, _ = run_cli(capsys, str(path), "--json")
    assert status == 0
    assert [p["date"] for p in json.loads(out)["points"]] == ["2019-02-01", "2019-03-01"]


def test_human_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MONTHLY)
    status, out, err = run_cli(capsys, str(path))
    assert status == 0 and err == ""
    assert out.startswith("series.csv: Run chart, 12 points, Jan 2019 to Dec 2019")
    assert "Jan 19" in out  # the chart's date labels
    assert "Part  Points  Centre" in out
    assert "Verdict:" in out and "Random variation only" in out
    assert "\x1b[" not in out  # not a terminal: no colour


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("analyse_*.csv")))
def test_examples_analyse(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / name
    status, out, err = run_cli(capsys, str(path), "--json")
    assert status == 0, err
    assert json.loads(out)["n"] >= 20


def test_errors_name_the_file_line_after_a_note_spanning_lines(tmp_path: Path) -> None:
    from pdsa_tui.cli import main

    csv_file = tmp_path / "notes.csv"
    csv_file.write_text(
        'date,value,note\n01/01/2019,3,"a note\nover two lines"\n01/02/2019,x,\n',
        encoding="utf-8",
    )
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["analyse", str(csv_file)])
    assert status == 1
    assert "line 4, column 2 (value): 'x' is not a number" in err.getvalue()


# ---------------------------------------------------------------- C, U, G and T charts


COUNTS = "date,value\n" + "".join(
    f"01/{m:02d}/2019,{v}\n"
    for m, v in zip(range(1, 13), [2, 3, 1, 2, 4, 2, 3, 1, 2, 3, 2, 14], strict=True)
)


def test_c_chart_flags_a_count_above_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COUNTS)
    status, out, _ = run_cli(capsys, str(path), "--chart", "c", "--freeze", "11", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["chart"] == "c" and data["parts"][0]["centre"] == 25 / 11
    assert data["points"][11]["signals"] == ["above_ucl"]
    assert data["points"][0]["lcl"] == 0.0 and data["points"][0]["ucl"] > 6
    assert "fewer than 12" in data["parts"][0]["warnings"][0]
    status, human, _ = run_cli(capsys, str(path), "--chart", "c", "--freeze", "11")
    assert human.startswith("series.csv: C chart, 12 points")
    assert "Advice: " in human and "(more events)" in human
    # Everything fits 80 columns (the width a pipe gets): chart, advice, table, verdict, warnings.
    assert max(len(line) for line in human.splitlines()) <= 80


def test_exclude_leaves_points_out_of_centre_and_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COUNTS)
    status, out, _ = run_cli(capsys, str(path), "--chart", "c", "--exclude", "12", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["parts"][0]["centre"] == 25 / 11
    assert data["parts"][0]["n_useful"] == 11
    # Still drawn, and still tested against the limits.
    assert data["points"][11]["y"] == 14 and "above_ucl" in data["points"][11]["signals"]
    status, _, err = run_cli(capsys, str(path), "--exclude", "13")
    assert status == EXIT_USAGE and "--exclude 13 is beyond the last point" in err


def test_u_chart_takes_rates_above_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = "".join(f"2019-{m:02d}-01,{3 + m % 3},{1.5 + m % 2}\n" for m in range(1, 13))
    path = write(tmp_path, "date,numerator,denominator\n" + rows)
    status, out, err = run_cli(capsys, str(path), "--chart", "u", "--json")
    assert status == 0, err
    data = json.loads(out)
    nums = [3 + m % 3 for m in range(1, 13)]
    dens = [1.5 + m % 2 for m in range(1, 13)]
    assert data["parts"][0]["centre"] == pytest.approx(sum(nums) / sum(dens))
    assert data["points"][0]["y"] == pytest.approx(nums[0] / dens[0])
    # The same file as proportions is refused: a numerator above its denominator.
    status, _, err = run_cli(capsys, str(path), "--chart", "p")
    assert status == EXIT_DATA and "line 2" in err and "--chart u" in err


def test_t_chart_from_event_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "date\n03/01/2024\n20/02/2024\n21/02/2024\n02/05/2024\n30/06/2024\n")
    status, out, err = run_cli(capsys, str(path), "--chart", "t", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["n"] == 4
    assert [p["date"] for p in data["points"]] == [
        "2024-02-20",
        "2024-02-21",
        "2024-05-02",
        "2024-06-30",
    ]
    assert [round(p["y"], 9) for p in data["points"]] == [48, 1, 71, 59]
    status, human, _ = run_cli(capsys, str(path), "--chart", "t")
    assert "days between consecutive event dates" in human


@pytest.mark.parametrize(
    ("text", "chart", "needles"),
    [
        ("date,value\n2024-01-01,5\n2024-01-09,0\n", "t", ["line 3", "0 days", "above 0"]),
        ("date,value\n2024-01-01,5\n2024-01-09,-2\n", "t", ["line 3", "above 0"]),
        ("date\n2024-01-01\n2024-01-09\n09/01/2024\n", "t", ["line 4", "same day as line 3"]),
        ("date\n2024-01-01\n", "t", ["line 2", "at least two"]),
        ("date,value\n2024-01-01,5\n2024-02-01,-1\n", "c", ["line 3", "negative"]),
        ("date,value\n2024-01-01,5\n2024-02-01,-1\n", "g", ["line 3", "negative"]),
    ],
)
def test_event_chart_bad_data(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    chart: str,
    needles: list[str],
) -> None:
    path = write(tmp_path, text)
    status, out, err = run_cli(capsys, str(path), "--chart", chart)
    assert status == EXIT_DATA and out == ""
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.mark.parametrize(
    ("text", "chart", "needle"),
    [
        (MONTHLY, "u", "numerator,denominator"),
        ("date,numerator,denominator\n2019-01-01,1,2\n", "c", "needs the columns date,value"),
        ("date\n2019-01-01\n2019-02-01\n", "i", "dates alone is for --chart t"),
    ],
)
def test_chart_needs_its_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, chart: str, needle: str
) -> None:
    path = write(tmp_path, text)
    status, out, err = run_cli(capsys, str(path), "--chart", chart)
    assert status == EXIT_USAGE and out == "" and needle in err


def test_g_chart_events_may_share_a_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "date,value\n2024-01-01,4\n2024-01-01,0\n2024-02-01,9\n")
    status, out, err = run_cli(capsys, str(path), "--chart", "g", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["parts"][0]["centre"] == 4  # the median
    assert data["points"][0]["lcl"] == 0.0
