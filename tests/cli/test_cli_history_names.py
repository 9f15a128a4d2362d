"""`pdsa history` by a record's title or case reference, not only its id (issue 24, item 4)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, run

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Aim
from pdsa_tui.model.cases import Case
from pdsa_tui.store import Store


@pytest.fixture
def db(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    path = tmp_path / "pdsa.json"
    write_demo(path)
    return path


def test_history_by_title_by_case_reference_and_of_a_deleted_aim(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with Store.open(db) as s:
        aim = s.aims()[-1]
        case = s.all(Case)[0]
    by_title = json.loads(run(capsys, "history", aim.code.lower(), "--db", db, "--json").out)
    by_id = json.loads(run(capsys, "history", aim.id, "--db", db, "--json").out)
    assert by_title == by_id
    by_ref = json.loads(run(capsys, "history", case.ref, "--db", db, "--json").out)
    assert by_ref and by_ref[0]["rev"] == case.rev
    with Store.open(db, user="AL") as s:
        s.delete(s.get(Aim, aim.id))
    text = run(capsys, "history", aim.code, "--db", db).out
    assert "(deleted)" in text
    assert_one_line_error(run(capsys, "history", "no such aim", "--db", db), 1, "no record")


def test_history_names_the_candidates_when_a_name_is_ambiguous(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    with Store.open(db) as s:
        a = s.aims()[0]
        s.save(Aim(code="Twin", statement="By 2030, 50% twin one", lead="TM"))
        s.save(Aim(code="Twin", statement="By 2030, 50% twin two", lead="TM"))
        assert a.id
    shutil.copyfile(db, tmp_path / "copy.json")
    assert_one_line_error(run(capsys, "history", "twin", "--db", db), 1, "2 records match")


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--value", "-inf", "'-inf' is not a finite number"),
        ("--date", "-2025-01-01", "starts with '-'"),
    ],
)
def test_a_value_starting_with_a_dash_is_judged_not_taken_for_an_option(
    capsys: pytest.CaptureFixture[str], db: Path, option: str, value: str, says: str
) -> None:
    """Issue 24, item 8: argparse said only "expected one argument"."""
    args = {"--value": "3", "--date": "2020-01-01", option: value}
    result = run(
        capsys, "data", "add", "--db", db, "--measure",
        "Days from accommodation to first LAC review",
        "--date", args["--date"], "--value", args["--value"],
    )  # fmt: skip
    assert result.status != 0
    assert "expected one argument" not in result.err
    assert says in result.err


def test_restore_a_deleted_aim_by_its_code(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    with Store.open(db, user="AL") as s:
        aim = s.aims()[-1]
        s.delete(s.get(Aim, aim.id))
    result = run(capsys, "restore", aim.code, "--db", db)
    assert result.status == 0, result.err
    with Store.open(db, read_only=True) as s:
        assert aim.id in {a.id for a in s.aims()}


def test_a_two_digit_year_is_refused_in_data_add_and_import(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    """Issue 24, item 8: '02/01/25' used to be stored as 2 January 2025 without a word."""
    measure = "Days from accommodation to first LAC review"
    with Store.open(db, read_only=True) as s:
        before = len(s.find_measure(measure).points)
    result = run(
        capsys, "data", "add", "--db", db, "--measure", measure, "--date", "02/01/25",
        "--value", "3",
    )  # fmt: skip
    assert result.status != 0
    assert_one_line_error(result, result.status, "'02/01/25': write the year in full, e.g. 02/01")
    csv_file = tmp_path / "short.csv"
    csv_file.write_text("date,value\n01/01/2025,4\n02/01/25,12\n", encoding="utf-8")
    result = run(capsys, "data", "import", "--db", db, "--measure", measure, str(csv_file))
    assert result.status != 0
    assert "line 3" in result.err and "write the year in full, e.g. 02/01/2025" in result.err
    with Store.open(db, read_only=True) as s:
        assert len(s.find_measure(measure).points) == before
