"""The ``pdsa`` command line: demo, check, list, data list/add/import, options and usage.

``analyse`` and ``export`` have their own test modules. Most tests call
:func:`pdsa_tui.cli.main` in-process (fast); a few run ``python -m pdsa_tui`` to
prove the entry point, the exit codes and that stderr never shows a traceback.

Every error test also checks the database file is byte-for-byte unchanged.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import conftest
import pytest

from pdsa_tui import __version__
from pdsa_tui.cli import main
from pdsa_tui.demo import AIM1_OUTCOME, AIM2_OUTCOME, AIM4_WEEKS, write_demo
from pdsa_tui.model import Aim, ChangeIdea, Cycle, Measure
from pdsa_tui.store import Store

EXAMPLES = conftest.EXAMPLES
#: A value measure of the demo (unit days, monthly points on the 1st, Feb 2018 - Jan 2020).
DAYS = "Days from accommodation to first LAC review"
STAGES = {"plan", "do", "study", "act", "closed"}


# -- helpers and fixtures ------------------------------------------------------------------------
@dataclasses.dataclass
class Result:
    status: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> Result:
    """Run ``pdsa argv`` in-process; return exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return Result(status, out, err)


def assert_one_line_error(r: Result, status: int, *words: str) -> None:
    """Exit ``status`` and exactly one line on stderr: ``pdsa: ...`` holding ``words``."""
    assert r.status == status, (r.status, r.out, r.err)
    assert "Traceback" not in r.err
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("pdsa: "), r.err
    for w in words:
        assert w in r.err, (w, r.err)


def load_json(text: str) -> Any:
    return json.loads(text)


@pytest.fixture(autouse=True)
def _no_real_default_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test reach the user's real default database."""
    monkeypatch.setenv("PDSA_DB", str(tmp_path / "unused-default" / "pdsa.json"))


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo programme, written once per module (copied for each test)."""
    return write_demo(tmp_path_factory.mktemp("template") / "demo.json")


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database for one test."""
    path = tmp_path / "demo.json"
    shutil.copyfile(demo_template, path)
    return path


def counts_of(path: Path) -> dict[str, int]:
    with Store.open(path, read_only=True) as s:
        return s.counts()


def points_json(capsys: pytest.CaptureFixture[str], db: Path, measure: str) -> list[dict[str, Any]]:
    r = run(capsys, "data", "list", "--db", db, "--measure", measure, "--json")
    assert r.status == 0, r.err
    data: list[dict[str, Any]] = load_json(r.out)
    return data


def add_empty_measure(db: Path, name: str, unit: str) -> Measure:
    """Save a measure with no points into ``db`` (under the demo's first aim)."""
    with Store.open(db) as s:
        aim = s.aims()[0]
        return s.save(Measure(aim_id=aim.id, name=name, type="process", unit=unit))


def day_first(text: str) -> str:
    """'01/02/2020' -> '2020-02-01'."""
    d, m, y = (int(x) for x in text.split("/"))
    return dt.date(y, m, d).isoformat()


# -- pdsa demo ----------------------------------------------------------------------------------
def test_demo_writes_a_new_file_and_prints_its_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new" / "demo.json"
    r = run(capsys, "demo", path)
    assert r.status == 0, r.err
    assert r.err == ""
    assert path.is_file()
    c = counts_of(path)
    assert c["aims"] == 4 and c["measures"] >= 8 and c["cycles"] > 0 and c["feedback"] > 0
    for n, noun in [
        (c["aims"], "aims"),
        (c["measures"], "measures"),
        (c["points"], "data points"),
        (c["ideas"], "change ideas"),
        (c["cycles"], "PDSA cycles"),
        (c["feedback"], "feedback entries"),
    ]:
        assert f"{n} {noun}" in r.out
    assert str(path) in r.out
    # What it wrote is sound.
    assert run(capsys, "check", "--db", path).status == 0


@pytest.mark.parametrize("existing", ["notes", "demo", "folder"])
def test_demo_never_overwrites(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db: Path, existing: str
) -> None:
    if existing == "notes":
        path = tmp_path / "notes.json"
        path.write_bytes(b"my own notes, not a database\n")
    elif existing == "demo":
        path = db
    else:
        path = tmp_path / "a-folder"
        path.mkdir()
    before = path.read_bytes() if path.is_file() else None
    r = run(capsys, "demo", path)
    assert_one_line_error(r, 1, "already exists")
    assert r.out == ""
    if before is None:
        assert path.is_dir() and not any(path.iterdir())
    else:
        assert path.read_bytes() == before


# -- pdsa check ---------------------------------------------------------------------------------
def test_check_passes_on_the_demo_and_prints_counts(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    r = run(capsys, "check", "--db", db)
    assert r.status == 0, r.err
    assert r.err == ""
    c = counts_of(db)
    assert f"{c['aims']} aims" in r.out and f"{c['points']} data points" in r.out
    assert "schema version" in r.out and "OK" in r.out
    # The records around the cycles are counted too (issues 14 and 15 added them).
    assert f"{c['meetings']} meetings" in r.out and f"{c['spread']} spread entries" in r.out
    assert f"{c['primary_drivers']} primary drivers" in r.out
    assert db.read_bytes() == before


def test_commands_leave_the_collector_as_they_found_it(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    """A command keeps its open store out of the collector's passes only while it runs."""
    import gc

    frozen = gc.get_freeze_count()  # an earlier test in this process may have frozen some
    for argv in (("check",), ("list", "aims"), ("data", "add", "--measure", "x", "--value", "1")):
        run(capsys, *argv, "--db", db)
        assert gc.get_freeze_count() == frozen, argv
        assert gc.isenabled()


def test_check_reports_a_broken_reference(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    data = json.loads(db.read_text(encoding="utf-8"))
    doc = next(iter(data["measures"].values()))
    doc["aim_id"] = "no-such-aim"
    db.write_text(json.dumps(data), encoding="utf-8")
    before = db.read_bytes()
    r = run(capsys, "check", "--db", db)
    assert r.status == 1
    assert "Traceback" not in r.err
    assert doc["id"] in r.err and "no-such-aim" in r.err
    assert r.err.splitlines()[-1].startswith("pdsa: ")
    assert "OK" not in r.out
    assert db.read_bytes() == before


def test_check_reports_a_cycle_whose_idea_is_gone(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    data = json.loads(db.read_text(encoding="utf-8"))
    key, idea = next(iter(data["ideas"].items()))
    del data["ideas"][key]
    db.write_text(json.dumps(data), encoding="utf-8")
    r = run(capsys, "check", "--db", db)
    assert r.status == 1
    assert idea["id"] in r.err and "missing change idea" in r.err


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty"),
    "blank": (b"  \n\n", "blank"),
    "cut short": (b'{"meta": {"1": {"app": "pdsa", "schema_v', "not valid JSON"),
    "not utf-8": (b"\xff\xfe\x00{", "not a text file"),
    "foreign json": (b'{"settings": {"theme": "dark"}}', "not a pdsa database"),
    "json array": (b"[1, 2, 3]", "not a pdsa database"),
    "newer schema": (
        b'{"meta": {"1": {"app": "pdsa", "schema_version": 99}}, "aims": []}',
        "newer pdsa",
    ),
}

COMMANDS_ON_DB: dict[str, list[str]] = {
    "check": ["check"],
    "list": ["list", "aims", "--json"],
    "data list": ["data", "list", "--measure", DAYS],
    "data add": ["data", "add", "--measure", DAYS, "--date", "2021-01-01", "--value", "3"],
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
@pytest.mark.parametrize("command", list(COMMANDS_ON_DB))
def test_unreadable_file_is_named_and_left_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, command: str
) -> None:
    content, words = BAD_FILES[kind]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    r = run(capsys, *COMMANDS_ON_DB[command], "--db", path)
    assert_one_line_error(r, 1, str(path), words, "has not been changed")
    assert r.out == ""
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "bad.json.lock") == ["bad.json"]


@pytest.mark.parametrize("command", list(COMMANDS_ON_DB))
def test_missing_database_is_an_error_and_is_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    path = tmp_path / "nothing-here.json"
    r = run(capsys, *COMMANDS_ON_DB[command], "--db", path)
    assert_one_line_error(r, 1, str(path), "pdsa demo")
    assert not path.exists()


def test_a_folder_given_as_the_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    r = run(capsys, "check", "--db", tmp_path)
    assert_one_line_error(r, 1, str(tmp_path), "folder")


# -- pdsa list ----------------------------------------------------------------------------------
def _expected(db: Path) -> dict[str, Any]:
    with Store.open(db, read_only=True) as s:
        return {
            "aims": {a.id: a for a in s.all(Aim)},
            "measures": {m.id: m for m in s.all(Measure)},
            "ideas": {i.id: i for i in s.all(ChangeIdea)},
            "cycles": {c.id: c for c in s.all(Cycle)},
        }


@pytest.mark.parametrize("kind", ["aims", "measures", "ideas", "cycles"])
def test_list_text_shows_every_record_with_its_id(
    capsys: pytest.CaptureFixture[str], db: Path, kind: str
) -> None:
    expected = _expected(db)[kind]
    r = run(capsys, "list", kind, "--db", db)
    assert r.status == 0, r.err
    assert r.err == ""
    lines = r.out.splitlines()
    assert lines[0].split()[0] == "id"
    assert len(lines) == 1 + len(expected)
    shown = {line.split()[0] for line in lines[1:]}
    assert shown == set(expected)


@pytest.mark.parametrize("kind", ["aims", "measures", "ideas", "cycles"])
def test_list_json_is_an_array_of_objects_with_id_and_name(
    capsys: pytest.CaptureFixture[str], db: Path, kind: str
) -> None:
    expected = _expected(db)[kind]
    r = run(capsys, "list", kind, "--json", "--db", db)
    assert r.status == 0, r.err
    rows = load_json(r.out)
    assert isinstance(rows, list) and len(rows) == len(expected)
    assert {row["id"] for row in rows} == set(expected)
    for row in rows:
        assert isinstance(row, dict)
        assert isinstance(row.get("name") or row.get("title"), str)


def test_list_measures_json_names_the_aim(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    exp = _expected(db)
    rows = load_json(run(capsys, "list", "measures", "--json", "--db", db).out)
    for row in rows:
        m = exp["measures"][row["id"]]
        assert row["name"] == m.name
        assert row["aim"] == exp["aims"][m.aim_id].code
        # A case measure's points are its derived monthly points.
        assert row["points"] == len(m.points) or (row["cases"] and m.points == [])
    assert AIM1_OUTCOME in {row["name"] for row in rows}
    assert {r["name"]: r["points"] for r in rows if r["cases"]}[AIM2_OUTCOME] >= 24


def test_list_cycles_json_has_idea_number_and_stage(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    exp = _expected(db)
    rows = load_json(run(capsys, "list", "cycles", "--json", "--db", db).out)
    assert {row["stage"] for row in rows} > {"closed"}  # the demo has cycles at several stages
    for row in rows:
        c = exp["cycles"][row["id"]]
        assert row["idea"] == exp["ideas"][c.idea_id].title
        assert isinstance(row["number"], int) and row["number"] == c.number >= 1
        assert row["stage"] in STAGES and row["stage"] == c.stage


def test_list_ideas_json_has_title_and_aim(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    exp = _expected(db)
    rows = load_json(run(capsys, "list", "ideas", "--json", "--db", db).out)
    for row in rows:
        idea = exp["ideas"][row["id"]]
        assert row["title"] == idea.title
        assert row["aim"] == exp["aims"][idea.aim_id].code
        # Its cycles alone (it once counted spread entries and packages too: 8 for 3 cycles).
        assert row["cycles"] == sum(c.idea_id == idea.id for c in exp["cycles"].values())
    assert sum(row["cycles"] for row in rows) == len(exp["cycles"])


@pytest.mark.parametrize("kind", ["aims", "measures", "ideas", "cycles"])
def test_list_on_an_empty_database(
    capsys: pytest.CaptureFixture[str], tmp_db: Path, kind: str
) -> None:
    Store.open(tmp_db, create=True).close()
    assert run(capsys, "list", kind, "--db", tmp_db).out.strip() == "(none)"
    assert load_json(run(capsys, "list", kind, "--json", "--db", tmp_db).out) == []


def test_list_does_not_change_the_file(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    before = db.read_bytes()
    for kind in ("aims", "measures", "ideas", "cycles"):
        assert run(capsys, "list", kind, "--db", db).status == 0
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".backups").exists()  # read-only: not even a backup


# -- pdsa data list -----------------------------------------------------------------------------
def test_data_list_json_ratio_measure(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    points = points_json(capsys, db, AIM1_OUTCOME)
    assert len(points) == 24
    dates = [dt.date.fromisoformat(p["date"]) for p in points]
    assert dates == sorted(dates) and dates[0] == dt.date(2018, 2, 1)
    for p in points:
        assert "value" not in p
        assert isinstance(p["numerator"], int) and isinstance(p["denominator"], int)
        assert 0 <= p["numerator"] <= p["denominator"]
        assert isinstance(p["note"], str)
    assert any(p["note"] for p in points)


def test_data_list_json_value_measure(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    points = points_json(capsys, db, AIM4_WEEKS)
    assert len(points) == 24
    for p in points:
        assert dt.date.fromisoformat(p["date"]).day == 1
        assert isinstance(p["value"], int | float)
        assert "numerator" not in p and "denominator" not in p
        assert "note" in p


def test_data_list_text(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    first = points_json(capsys, db, AIM1_OUTCOME)[0]
    r = run(capsys, "data", "list", "--db", db, "--measure", AIM1_OUTCOME)
    assert r.status == 0 and r.err == ""
    lines = r.out.splitlines()
    assert lines[0] == f"{AIM1_OUTCOME} (24 points)"
    assert lines[1].split() == ["date", "value", "num/den", "note"]
    assert len(lines) == 2 + 24
    row = lines[2]
    assert row.startswith("01/02/2018")  # day first, as the app shows dates
    assert f"{first['numerator']}/{first['denominator']}" in row
    assert first["note"] in row
    assert "%" in row


def test_data_list_finds_a_measure_by_id_prefix_or_any_case(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    rows = load_json(run(capsys, "list", "measures", "--json", "--db", db).out)
    mid = next(r["id"] for r in rows if r["name"] == AIM4_WEEKS)
    by_name = points_json(capsys, db, AIM4_WEEKS)
    assert points_json(capsys, db, mid) == by_name
    assert points_json(capsys, db, mid[:8]) == by_name
    assert points_json(capsys, db, AIM4_WEEKS.upper()) == by_name


def test_data_list_unknown_measure(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    r = run(capsys, "data", "list", "--db", db, "--measure", "No such measure", "--json")
    assert_one_line_error(r, 1, "no measure 'No such measure'", "known:", AIM1_OUTCOME)
    assert r.out == ""


# -- pdsa data add ------------------------------------------------------------------------------
def test_data_add_a_value_with_an_iso_date_and_a_note(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    r = run(
        capsys, "data", "add", "--db", db, "--measure", DAYS,
        "--date", "2020-02-01", "--value", "28", "--note", "new review booking",
    )  # fmt: skip
    assert r.status == 0, r.err
    assert r.err == "" and "Added 01/02/2020" in r.out and "25 points" in r.out
    last = points_json(capsys, db, DAYS)[-1]
    assert last["date"] == "2020-02-01"
    assert last["value"] == 28
    assert last["note"] == "new review booking"
    assert run(capsys, "check", "--db", db).status == 0


def test_data_add_a_ratio(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    r = run(
        capsys, "data", "add", "--db", db, "--measure", AIM1_OUTCOME,
        "--date", "01/02/2020", "--numerator", "3", "--denominator", "4", "--user", "DL",
    )  # fmt: skip
    assert r.status == 0, r.err
    last = points_json(capsys, db, AIM1_OUTCOME)[-1]
    assert last == {
        "id": last["id"],
        "date": "2020-02-01",
        "numerator": 3,
        "denominator": 4,
        "note": "",
        "updated_by": "DL",
    }


def test_data_add_reads_dates_day_first(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    add_empty_measure(db, "Test count", "count")
    r = run(capsys, "data", "add", "--db", db, "--measure", "Test count",
            "--date", "01/02/2019", "--value", "5")  # fmt: skip
    assert r.status == 0, r.err
    r = run(capsys, "data", "add", "--db", db, "--measure", "Test count",
            "--date", "03/02/2019", "--value", "6")  # fmt: skip
    assert r.status == 0, r.err
    assert [p["date"] for p in points_json(capsys, db, "Test count")] == [
        "2019-02-01",
        "2019-02-03",
    ]


def test_data_add_percent_values(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    add_empty_measure(db, "Test percent", "percent")
    base = ["data", "add", "--db", str(db), "--measure", "Test percent"]
    assert run(capsys, *base, "--date", "2020-01-01", "--value", "100").status == 0
    assert run(capsys, *base, "--date", "2020-02-01", "--value", "0").status == 0
    before = db.read_bytes()
    r = run(capsys, *base, "--date", "2020-03-01", "--value", "100.5")
    assert_one_line_error(r, 1, "percentage", "100.5")
    assert db.read_bytes() == before
    assert [p["value"] for p in points_json(capsys, db, "Test percent")] == [100, 0]


def test_data_add_to_a_measure_that_already_holds_both_kinds(
    capsys: pytest.CaptureFixture[str], tmp_db: Path, make_programme: Any
) -> None:
    # The example programme's percent measure has two ratios and one plain percentage
    # (an audit month); `pdsa check` passes it, so adding either kind must work too.
    with Store.open(tmp_db, create=True) as s:
        name = make_programme(s).measure.name
    assert run(capsys, "check", "--db", tmp_db).status == 0
    base = ["data", "add", "--db", str(tmp_db), "--measure", name]
    r = run(capsys, *base, "--date", "2019-04-01", "--value", "80")
    assert r.status == 0, r.err
    r = run(capsys, *base, "--date", "2019-05-01", "--numerator", "8", "--denominator", "10")
    assert r.status == 0, r.err
    points = points_json(capsys, tmp_db, name)
    assert [p["date"] for p in points] == [
        "2019-01-01",
        "2019-02-01",
        "2019-03-01",
        "2019-04-01",
        "2019-05-01",
    ]
    assert points[2] == {"id": points[2]["id"], "date": "2019-03-01", "value": 75,
                         "note": "audit month", "updated_by": ""}  # fmt: skip
    assert (points[4]["numerator"], points[4]["denominator"]) == (8, 10)


ADD_ERRORS: list[tuple[str, list[str], int, list[str]]] = [
    ("impossible date", [DAYS, "--date", "31/02/2019", "--value", "3"], 1, ["31/02/2019"]),
    ("empty date", [DAYS, "--date", "", "--value", "3"], 1, ["Date"]),
    ("not a number", [DAYS, "--date", "2021-01-01", "--value", "lots"], 1, ["'lots'"]),
    ("negative value", [DAYS, "--date", "2021-01-01", "--value", "-3"], 1, ["negative"]),
    (
        "numerator above denominator",
        [AIM1_OUTCOME, "--date", "2021-01-01", "--numerator", "5", "--denominator", "4"],
        1,
        ["above the denominator"],
    ),
    (
        "denominator zero",
        [AIM1_OUTCOME, "--date", "2021-01-01", "--numerator", "0", "--denominator", "0"],
        1,
        ["Denominator"],
    ),
    (
        "negative numerator",
        [AIM1_OUTCOME, "--date", "2021-01-01", "--numerator", "-1", "--denominator", "4"],
        1,
        ["negative"],
    ),
    (
        "percent over 100",
        [AIM1_OUTCOME, "--date", "2021-01-01", "--value", "101"],
        1,
        ["101"],
    ),
    (
        "value and numerator",
        [DAYS, "--date", "2021-01-01", "--value", "3", "--numerator", "1"],
        2,
        ["--value"],
    ),
    ("numerator only", [AIM1_OUTCOME, "--date", "2021-01-01", "--numerator", "1"], 2, ["both"]),
    (
        "denominator only",
        [AIM1_OUTCOME, "--date", "2021-01-01", "--denominator", "4"],
        2,
        ["both"],
    ),
    ("neither value nor ratio", [DAYS, "--date", "2021-01-01"], 2, ["--value"]),
    (
        "duplicate date",
        [DAYS, "--date", "01/02/2019", "--value", "3"],
        1,
        ["already has a point on 01/02/2019"],
    ),
    (
        "duplicate date, ISO",
        [DAYS, "--date", "2019-02-01", "--value", "3"],
        1,
        ["already has a point on 01/02/2019"],
    ),
    (
        "unknown measure",
        ["Weeks to nowhere", "--date", "2021-01-01", "--value", "3"],
        1,
        ["no measure 'Weeks to nowhere'", "known:", AIM1_OUTCOME],
    ),
    (
        "value into a ratio measure",
        [AIM1_OUTCOME, "--date", "2021-01-01", "--value", "50"],
        1,
        ["numerator/denominator pairs", "nothing was added"],
    ),
    (
        "ratio into a value measure",
        [DAYS, "--date", "2021-01-01", "--numerator", "1", "--denominator", "2"],
        1,
        ["plain values", "nothing was added"],
    ),
]


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [case[1:] for case in ADD_ERRORS],
    ids=[case[0] for case in ADD_ERRORS],
)
def test_data_add_errors_write_nothing(
    capsys: pytest.CaptureFixture[str], db: Path, args: list[str], status: int, words: list[str]
) -> None:
    before = db.read_bytes()
    r = run(capsys, "data", "add", "--db", db, "--measure", *args)
    assert_one_line_error(r, status, *words)
    assert r.out == ""
    assert db.read_bytes() == before


# -- pdsa data import ---------------------------------------------------------------------------
def _read_example(name: str) -> list[dict[str, str]]:
    with open(EXAMPLES / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_import_the_example_ratio_csv(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    rows = _read_example("data_import_percent.csv")
    before = points_json(capsys, db, AIM1_OUTCOME)
    path = EXAMPLES / "data_import_percent.csv"
    r = run(capsys, "data", "import", "--db", db, "--measure", AIM1_OUTCOME, path)
    assert r.status == 0, r.err
    assert r.err == ""
    assert f"Imported {len(rows)} points" in r.out
    after = points_json(capsys, db, AIM1_OUTCOME)
    assert after[: len(before)] == before
    new = after[len(before) :]
    assert [(p["date"], p["numerator"], p["denominator"], p["note"]) for p in new] == [
        (day_first(row["date"]), int(row["numerator"]), int(row["denominator"]), row["note"])
        for row in rows
    ]
    assert run(capsys, "check", "--db", db).status == 0


def test_import_the_example_values_csv(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    rows = _read_example("data_import_values.csv")
    path = EXAMPLES / "data_import_values.csv"
    r = run(capsys, "data", "import", "--db", db, "--measure", AIM4_WEEKS, path)
    assert r.status == 0, r.err
    new = points_json(capsys, db, AIM4_WEEKS)[-len(rows) :]
    assert [(p["date"], p["value"], p["note"]) for p in new] == [
        (day_first(row["date"]), float(row["value"]), row["note"]) for row in rows
    ]


def test_import_twice_is_refused_the_second_time(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    path = EXAMPLES / "data_import_percent.csv"
    assert run(capsys, "data", "import", "--db", db, "--measure", AIM1_OUTCOME, path).status == 0
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", AIM1_OUTCOME, path)
    assert_one_line_error(r, 1, "already has a point on 01/02/2020")
    assert db.read_bytes() == before


def test_import_ratios_into_a_value_measure_is_refused(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    path = EXAMPLES / "data_import_percent.csv"
    r = run(capsys, "data", "import", "--db", db, "--measure", AIM4_WEEKS, path)
    assert_one_line_error(r, 1, "plain values", "nothing was imported")
    assert db.read_bytes() == before


def _write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


GOOD_VALUE_ROWS = "date,value,note\n01/02/2020,10,\n01/03/2020,11,\n01/04/2020,12,\n"
GOOD_RATIO_ROWS = "date,numerator,denominator\n01/02/2020,1,2\n01/03/2020,1,3\n01/04/2020,2,3\n"

LINE5_ERRORS: list[tuple[str, str, str, str, list[str]]] = [
    ("value not a number", DAYS, GOOD_VALUE_ROWS, "01/05/2020,abc,", ["column 'value'", "'abc'"]),
    ("impossible date", DAYS, GOOD_VALUE_ROWS, "31/02/2020,13,", ["column 'date'", "31/02/2020"]),
    ("no date", DAYS, GOOD_VALUE_ROWS, ",13,", ["column 'date'"]),
    ("missing value", DAYS, GOOD_VALUE_ROWS, "01/05/2020,,", ["column 'value'"]),
    ("negative value", DAYS, GOOD_VALUE_ROWS, "01/05/2020,-2,", ["column 'value'", "negative"]),
    ("too many cells", DAYS, GOOD_VALUE_ROWS, "01/05/2020,13,note,extra", ["4 cells"]),
    (
        "numerator above denominator",
        AIM1_OUTCOME,
        GOOD_RATIO_ROWS,
        "01/05/2020,4,3",
        ["column 'numerator'"],
    ),
    ("denominator zero", AIM1_OUTCOME, GOOD_RATIO_ROWS, "01/05/2020,0,0", ["column 'denominator'"]),
]


@pytest.mark.parametrize(
    ("measure", "good", "bad", "words"),
    [case[1:] for case in LINE5_ERRORS],
    ids=[case[0] for case in LINE5_ERRORS],
)
def test_import_a_bad_fifth_line_names_it_and_imports_nothing(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    tmp_path: Path,
    measure: str,
    good: str,
    bad: str,
    words: list[str],
) -> None:
    # Lines 1-4 are the header and three good rows; line 5 is bad; line 6 is good again.
    csv_path = _write(tmp_path, good + bad + "\n" + "01/06/2020,1,2\n")
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", measure, csv_path)
    assert_one_line_error(r, 1, f"{csv_path} line 5", "nothing was imported", *words)
    assert r.out == ""
    assert db.read_bytes() == before


def test_import_names_the_file_line_when_a_note_spans_lines(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    # A note typed with alt+enter in Excel is saved as a quoted cell over two lines.
    text = 'date,value,note\n01/02/2020,3,"first line\nsecond line"\n01/03/2020,4,\n01/04/2020,x,\n'
    csv_path = _write(tmp_path, text)
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_path)
    assert_one_line_error(r, 1, f"{csv_path} line 5,", "column 'value'")
    assert db.read_bytes() == before
    # Without the bad line it imports, note and all.
    csv_path = _write(tmp_path, text.replace("01/04/2020,x,\n", ""))
    assert run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_path).status == 0
    notes = {p["date"]: p["note"] for p in points_json(capsys, db, DAYS)}
    assert notes["2020-02-01"] == "first line\nsecond line"


@pytest.mark.parametrize("rows", [1, 5000])
def test_import_an_unclosed_quote_is_an_error_not_a_swallowed_row(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, rows: int
) -> None:
    good = "".join(f"{d:02d}/{m:02d}/2021,{d},note\n" for m in range(1, 13) for d in range(1, 29))
    text = 'date,value,note\n01/02/2020,3,"never closed\n01/03/2020,4,\n' + good * (rows // 300)
    csv_path = _write(tmp_path, text)
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_path)
    assert_one_line_error(r, 1, f"{csv_path} line 2", "quote", "nothing was imported")
    assert db.read_bytes() == before


SHAPE_ERRORS: dict[str, tuple[bytes, list[str]]] = {
    "empty file": (b"", ["empty"]),
    "blank lines only": (b"\n\n  \n", ["empty"]),
    "header only": (b"date,value\n", ["header but no data rows"]),
    "no header": (b"01/02/2020,3\n01/03/2020,4\n", ["line 1", "'date'"]),
    "wrong columns": (b"when,how_many\n01/02/2020,3\n", ["line 1", "'date'"]),
    "value and ratio columns": (b"date,value,numerator,denominator\n", ["line 1", "do not fit"]),
    "numerator without denominator": (b"date,numerator\n01/02/2020,3\n", ["line 1"]),
    "unknown column": (b"date,value,colour\n01/02/2020,3,red\n", ["line 1", "'colour'"]),
}


@pytest.mark.parametrize("case", list(SHAPE_ERRORS))
def test_import_files_of_the_wrong_shape(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, case: str
) -> None:
    content, words = SHAPE_ERRORS[case]
    csv_path = tmp_path / "in.csv"
    csv_path.write_bytes(content)
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_path)
    assert_one_line_error(r, 1, str(csv_path), "nothing was imported", *words)
    assert db.read_bytes() == before


def test_import_excel_utf8_with_bom_and_crlf(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    text = "Date,Value,Note\r\n01/02/2020,31,Café review\r\n01/03/2020,29,\r\n"
    csv_path = tmp_path / "excel.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_path)
    assert r.status == 0, r.err
    assert "Imported 2 points" in r.out
    new = points_json(capsys, db, DAYS)[-2:]
    assert [(p["date"], p["value"], p["note"]) for p in new] == [
        ("2020-02-01", 31, "Café review"),
        ("2020-03-01", 29, ""),
    ]


def test_import_non_utf8_bytes(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    # What Excel's plain "CSV (Comma delimited)" writes on Windows: cp1252, not UTF-8.
    csv_path = tmp_path / "ansi.csv"
    csv_path.write_bytes("date,value,note\n01/02/2020,3,£40 taxi\n".encode("cp1252"))
    before = db.read_bytes()
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, csv_path)
    assert_one_line_error(r, 1, str(csv_path), "UTF-8")
    assert db.read_bytes() == before


def test_import_missing_file(capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path) -> None:
    before = db.read_bytes()
    missing = tmp_path / "not-there.csv"
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, missing)
    assert_one_line_error(r, 1, str(missing), "no such file")
    assert db.read_bytes() == before


def test_import_a_folder_instead_of_a_file(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    r = run(capsys, "data", "import", "--db", db, "--measure", DAYS, tmp_path)
    assert_one_line_error(r, 1, str(tmp_path))


def test_import_into_an_unknown_measure(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    before = db.read_bytes()
    path = EXAMPLES / "data_import_values.csv"
    r = run(capsys, "data", "import", "--db", db, "--measure", "Nope", path)
    assert_one_line_error(r, 1, "no measure 'Nope'", "known:")
    assert db.read_bytes() == before


# -- --db and $PDSA_DB --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "list", "aims"],
        ["list", "aims", "--db", "{db}"],
        ["list", "--db", "{db}", "aims"],
        ["--db", "{db}", "check"],
        ["check", "--db", "{db}"],
        ["--db", "{db}", "data", "list", "--measure", DAYS],
        ["data", "--db", "{db}", "list", "--measure", DAYS],
        ["data", "list", "--db", "{db}", "--measure", DAYS],
        ["data", "list", "--measure", DAYS, "--db", "{db}"],
    ],
)
def test_db_option_before_or_after_the_subcommand(
    capsys: pytest.CaptureFixture[str], db: Path, argv: list[str]
) -> None:
    r = run(capsys, *(a.format(db=db) for a in argv))
    assert r.status == 0, r.err
    assert r.out.strip()


def test_db_before_the_subcommand_is_where_data_add_writes(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    r = run(capsys, "--db", db, "data", "add", "--measure", DAYS, "--date", "2021-01-01",
            "--value", "3")  # fmt: skip
    assert r.status == 0, r.err
    assert points_json(capsys, db, DAYS)[-1]["date"] == "2021-01-01"


def test_pdsa_db_is_the_default(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_option = run(capsys, "list", "measures", "--db", db).out
    monkeypatch.setenv("PDSA_DB", str(db))
    assert run(capsys, "list", "measures").out == with_option
    r = run(capsys, "data", "add", "--measure", DAYS, "--date", "2021-01-01", "--value", "3")
    assert r.status == 0, r.err
    assert points_json(capsys, db, DAYS)[-1]["date"] == "2021-01-01"


def test_db_option_overrides_pdsa_db(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "elsewhere.json"
    monkeypatch.setenv("PDSA_DB", str(missing))
    assert run(capsys, "check", "--db", db).status == 0
    r = run(capsys, "check")
    assert_one_line_error(r, 1, str(missing))
    assert not missing.exists()


# -- bad usage ----------------------------------------------------------------------------------
USAGE_ERRORS: dict[str, tuple[list[str], str]] = {
    "unknown subcommand": (["frobnicate"], "invalid choice: 'frobnicate'"),
    "unknown list kind": (["list", "widgets"], "invalid choice: 'widgets'"),
    "list without a kind": (["list"], "required"),
    "unknown option": (["check", "--verbose"], "--verbose"),
    "data without an action": (["data"], "required"),
    "unknown data action": (["data", "remove"], "invalid choice: 'remove'"),
    "data list without --measure": (["data", "list"], "--measure"),
    "data add without --date": (["data", "add", "--measure", DAYS, "--value", "3"], "--date"),
    "data add without --measure": (["data", "add", "--date", "2021-01-01"], "--measure"),
    "data import without a file": (["data", "import", "--measure", DAYS], "FILE.csv"),
    "demo without a path": (["demo"], "PATH"),
    "--db without a path": (["check", "--db"], "--db"),
}


@pytest.mark.parametrize("case", list(USAGE_ERRORS))
def test_bad_usage_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    argv, words = USAGE_ERRORS[case]
    monkeypatch.setenv("PDSA_DB", str(db))
    before = db.read_bytes()
    r = run(capsys, *argv)
    assert_one_line_error(r, 2, words, "--help")
    assert r.out == ""
    assert db.read_bytes() == before


# -- the real entry point -----------------------------------------------------------------------
def pdsa(*argv: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m pdsa_tui argv`` in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pdsa_tui", *(str(a) for a in argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=60,
        check=False,
    )


def test_version() -> None:
    p = pdsa("--version")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == f"pdsa {__version__}"


def test_entry_point_demo_check_list_and_add(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    env = {"PDSA_DB": str(path)}
    p = pdsa("demo", path, env=env)
    assert p.returncode == 0, p.stderr
    assert "4 aims" in p.stdout
    assert pdsa("check", env=env).returncode == 0
    p = pdsa("list", "cycles", "--json", env=env)
    assert p.returncode == 0 and json.loads(p.stdout)
    p = pdsa("data", "add", "--measure", DAYS, "--date", "01/02/2020", "--value", "28", env=env)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["frobnicate"], 2),
        (["list", "widgets"], 2),
        (["data", "add", "--measure", DAYS, "--date", "2021-01-01", "--numerator", "1"], 2),
        (["data", "add", "--measure", DAYS, "--date", "31/02/2019", "--value", "3"], 1),
        (["check", "--db", "{missing}"], 1),
        (["check", "--db", "{corrupt}"], 1),
    ],
)
def test_entry_point_errors_have_no_traceback(
    db: Path, tmp_path: Path, argv: list[str], status: int
) -> None:
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_bytes(b'{"meta": ')
    argv = [a.format(missing=tmp_path / "missing.json", corrupt=corrupt) for a in argv]
    before = db.read_bytes()
    p = pdsa(*argv, env={"PDSA_DB": str(db)})
    assert p.returncode == status, p.stderr
    assert "Traceback" not in p.stderr
    assert len(p.stderr.splitlines()) == 1 and p.stderr.startswith("pdsa: ")
    assert p.stdout == ""
    assert db.read_bytes() == before
    assert corrupt.read_bytes() == b'{"meta": '


def test_console_script(db: Path) -> None:
    script = Path(sys.executable).with_name("pdsa")
    if not script.exists():
        pytest.skip("the pdsa console script is not installed beside this Python")
    p = subprocess.run(
        [str(script), "list", "aims", "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    assert len(json.loads(p.stdout)) == 4


def test_a_second_writer_is_not_refused_while_another_copy_has_the_file_open(db: Path) -> None:
    add = ["data", "add", "--db", str(db), "--measure", DAYS, "--date", "2021-01-01"]
    with Store.open(db) as holder:
        assert not holder.read_only
        p = pdsa(*add, "--value", "3")
        assert p.returncode == 0, p.stderr
        assert pdsa("check", "--db", db).returncode == 0
        # The open copy's next save keeps the command's point.
        holder.save(dataclasses.replace(holder.aims()[0], notes="saved by the open copy"))
    with Store.open(db, read_only=True) as s:
        m = s.find_measure(DAYS)
        assert dt.date(2021, 1, 1) in {pt.date for pt in m.points}
