"""``pdsa measure add``, ``pdsa cases list|add|close|import`` and ``pdsa data`` on a case measure.

Today is pinned (27/11/2026). Every error test checks one line on stderr, the exit status
and that the database file is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.cli import main
from pdsa_tui.model import Aim
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.store import Store

TODAY = dt.date(2026, 11, 27)
M = "Permanence within 30 weeks"


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(dates_mod, "today", lambda: TODAY)
    monkeypatch.setenv("PDSA_DB", str(tmp_path / "unused" / "pdsa.json"))


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def fails(
    capsys: pytest.CaptureFixture[str], db: Path, status: int, words: list[str], *argv: str | Path
) -> str:
    """Run a command that must fail with one line naming ``words``, leaving ``db`` as it was."""
    before = db.read_bytes()
    code, out, err = run(capsys, *argv)
    assert code == status, (code, out, err)
    assert len(err.splitlines()) == 1 and err.startswith("pdsa: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in err, (w, err)
    assert db.read_bytes() == before
    return err


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A database with Aim 2 and a case measure (30 weeks, reminder at 15)."""
    path = tmp_path / "pdsa.json"
    with Store.open(path, create=True) as s:
        s.save(Aim(code="Aim 2", statement="85% within 30 weeks", target_pct=85))
    code, out, err = run(
        capsys,
        "measure", "add", "--db", path, "--aim", "Aim 2", "--name", M, "--cases",
        "--start-event", "accommodated", "--milestone", "permanence recommendation",
        "--target-weeks", "30",
    )  # fmt: skip
    assert code == 0, err
    assert "Added case measure" in out and "reminder at 15 weeks" in out
    return path


def cases(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "cases", "list", "--db", db, "--measure", M, "--json")
    assert code == 0, err
    data: list[dict[str, Any]] = json.loads(out)
    return data


def add(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> str:
    code, out, err = run(capsys, "cases", "add", "--db", db, "--measure", M, *argv)
    assert code == 0, err
    return out


# -- measure add --------------------------------------------------------------------------------
def test_measure_add_makes_a_case_measure_and_a_plain_one(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "measure", "add", "--db", db, "--aim", "Aim 2", "--name", "Days to review",
        "--type", "process", "--unit", "days", "--direction", "down", "--goal", "20",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "list", "measures", "--db", db, "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["Days to review"]["unit"] == "days" and rows["Days to review"]["goal"] == 20
    assert rows["Days to review"]["cases"] is False
    assert rows[M]["cases"] is True and rows[M]["unit"] == "percent"
    with Store.open(db, read_only=True) as s:
        m = s.find_measure(M)
        assert (m.start_event, m.milestone, m.target_weeks, m.reminder_at) == (
            "accommodated",
            "permanence recommendation",
            30,
            15,
        )


def test_measure_add_errors(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["measure", "add", "--db", str(db), "--aim", "Aim 2"]
    fails(capsys, db, 1, ["--start-event: is required", "--milestone: is required"],
          *base, "--name", "x", "--cases", "--target-weeks", "30")  # fmt: skip
    fails(capsys, db, 1, ["--target-weeks: must be whole weeks; got 30.5"],
          *base, "--name", "x", "--cases", "--start-event", "a", "--milestone", "b",
          "--target-weeks", "30.5")  # fmt: skip
    fails(capsys, db, 1, ["--reminder-weeks: must come before the target (30 weeks)"],
          *base, "--name", "x", "--cases", "--start-event", "a", "--milestone", "b",
          "--target-weeks", "30", "--reminder-weeks", "30")  # fmt: skip
    fails(capsys, db, 2, ["leave out --unit"], *base, "--name", "x", "--cases", "--unit", "days")
    fails(capsys, db, 2, ["--target-weeks is for a case measure; add --cases"],
          *base, "--name", "x", "--target-weeks", "30")  # fmt: skip
    fails(capsys, db, 1, ["already has a measure called"], *base, "--name", M.upper())
    fails(
        capsys, db, 1, ["--unit: 'litres' is not one of"], *base, "--name", "x", "--unit", "litres"
    )
    fails(capsys, db, 1, ["no aim 'Aim 9'"], "measure", "add", "--db", db, "--aim", "Aim 9",
          "--name", "x")  # fmt: skip


# -- cases add / close / list ------------------------------------------------------------------
def test_cases_add_close_and_list_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = add(capsys, db, "--ref", "C-1042", "--start", "14/08/2026", "--team", "North",
              "--note", "sibling group", "--lead", "SW (JB), North")  # fmt: skip
    assert "Added case C-1042" in out and "30-week point 12/03/2027" in out
    add(capsys, db, "--ref", "C-7", "--start", "2026-01-05", "--end", "2026-08-03")
    add(capsys, db, "--ref", "C-8", "--start", "2026-01-05")
    rows = {r["ref"]: r for r in cases(capsys, db)}
    assert rows["C-1042"] == {
        "id": rows["C-1042"]["id"],
        "ref": "C-1042",
        "start": "2026-08-14",
        "end": None,
        "deadline": "2027-03-12",
        "reminder": "2026-11-27",
        "weeks": 15.0,
        "status": "open",
        "team": "North",
        "note": "sibling group",
        "lead": "SW (JB), North",
    }
    assert (rows["C-7"]["status"], rows["C-7"]["weeks"], rows["C-7"]["end"]) == (
        "met",
        30.0,
        "2026-08-03",
    )
    assert (rows["C-8"]["status"], rows["C-8"]["weeks"]) == ("missed", 46.6)
    code, out, err = run(capsys, "cases", "close", "--db", db, "--measure", M, "--ref", "c-8",
                         "--end", "01/11/2026")  # fmt: skip
    assert code == 0, err
    assert "Closed case C-8: permanence recommendation on 01/11/2026" in out and "missed" in out
    assert {r["ref"]: r["end"] for r in cases(capsys, db)}["C-8"] == "2026-11-01"
    code, out, _ = run(capsys, "cases", "list", "--db", db, "--measure", M)
    assert "C-1042" in out and "open (reminder)" in out and "12/03/2027" in out
    assert "lead" in out.splitlines()[1] and "SW (JB), North" in out


def test_cases_add_and_close_errors(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(capsys, db, "--ref", "C-1", "--start", "01/01/2026")
    base = ["cases", "add", "--db", str(db), "--measure", M]
    err = fails(capsys, db, 1, ["Reference:", "no digit", "never a child's name"],
                *base, "--ref", "Amy", "--start", "01/01/2026")  # fmt: skip
    fails(capsys, db, 1, ["looks like a person's name (Amy Jones)"],
          *base, "--ref", "Amy Jones 4", "--start", "01/01/2026")  # fmt: skip
    fails(capsys, db, 1, ["Start date: cannot be in the future; got 01/12/2026"],
          *base, "--ref", "C-2", "--start", "01/12/2026")  # fmt: skip
    fails(capsys, db, 1, ["Milestone date: cannot be before the start date (01/06/2026)"],
          *base, "--ref", "C-2", "--start", "01/06/2026", "--end", "01/05/2026")  # fmt: skip
    fails(capsys, db, 1, ["Start date:", "31/02/2026", "is not a real date"],
          *base, "--ref", "C-2", "--start", "31/02/2026")  # fmt: skip
    fails(
        capsys,
        db,
        1,
        ["'c-1' is already a case of"],
        *base,
        "--ref",
        "c-1",
        "--start",
        "01/02/2026",
    )
    close = ["cases", "close", "--db", str(db), "--measure", M]
    fails(
        capsys,
        db,
        1,
        ["has no case 'C-9' (known: C-1)"],
        *close,
        "--ref",
        "C-9",
        "--end",
        "01/06/2026",
    )
    fails(capsys, db, 1, ["Milestone date: cannot be in the future"],
          *close, "--ref", "C-1", "--end", "28/11/2026")  # fmt: skip
    fails(capsys, db, 1, ["no measure 'Nope'"], "cases", "list", "--db", db, "--measure", "Nope")
    assert "nothing was saved" in err


def test_cases_commands_refuse_a_measure_of_typed_points(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "measure", "add", "--db", db, "--aim", "Aim 2", "--name", "Typed")
    fails(capsys, db, 1, ["'Typed' is a measure of typed points", "pdsa data"],
          "cases", "add", "--db", db, "--measure", "Typed", "--ref", "C-1",
          "--start", "01/01/2026")  # fmt: skip


# -- import --------------------------------------------------------------------------------------
def test_cases_import_adds_new_refs_and_updates_known_ones(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(capsys, db, "--ref", "C-1042", "--start", "14/08/2026", "--team", "North")
    csv_path = tmp_path / "extract.csv"
    csv_path.write_text(
        "ref,start,end,team,note\n"
        "c-1042,14/08/2026,20/11/2026,North,\n"
        'C-2001,2026-02-01,,South,"moved, twice"\n'
        "\n"
        "C-2002,01/12/2025,01/07/2026,,\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "cases", "import", "--db", db, "--measure", M, csv_path)
    assert code == 0, err
    assert "3 rows: 2 new cases, 1 updated, 0 unchanged" in out
    rows = {r["ref"]: r for r in cases(capsys, db)}
    assert set(rows) == {"C-1042", "C-2001", "C-2002"}  # the known ref kept as first written
    assert rows["C-1042"]["end"] == "2026-11-20" and rows["C-1042"]["status"] == "met"
    assert rows["C-2001"]["note"] == "moved, twice"
    # The same extract again changes nothing.
    code, out, err = run(capsys, "cases", "import", "--db", db, "--measure", M, csv_path)
    assert "3 unchanged" in out


def test_cases_import_is_all_or_none_and_names_the_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ref,start,end\nC-1,01/06/2026,\nBob Smith,01/01/2026,\nC-3,31/02/2026,\nC-1,01/01/2026,\n",
        encoding="utf-8",
    )
    err = fails(capsys, db, 1, ["bad.csv line 3, column 'ref'", "(and 2 more problems)",
                                "nothing was imported"],
                "cases", "import", "--db", db, "--measure", M, bad)  # fmt: skip
    assert "Bob Smith" in err
    assert cases(capsys, db) == []
    header = tmp_path / "header.csv"
    header.write_text("ref,start\nC-1,01/01/2026\n", encoding="utf-8")
    fails(capsys, db, 1, ["header.csv line 1", "no 'end' column", "ref,start,end"],
          "cases", "import", "--db", db, "--measure", M, header)  # fmt: skip
    fails(capsys, db, 1, ["no such file"], "cases", "import", "--db", db, "--measure", M,
          tmp_path / "missing.csv")  # fmt: skip


# -- data on a case measure --------------------------------------------------------------------
def test_data_list_gives_derived_points_and_data_add_points_to_cases(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Deadlines: 30/07/2026 (met), 29/06/2026 (missed late), 31/07/2026 (missed, none).
    add(capsys, db, "--ref", "C-1", "--start", "01/01/2026", "--end", "30/06/2026")
    add(capsys, db, "--ref", "C-2", "--start", "01/12/2025", "--end", "01/07/2026")
    add(capsys, db, "--ref", "C-3", "--start", "02/01/2026")
    add(capsys, db, "--ref", "C-4", "--start", "01/11/2026")  # open: no point
    code, out, err = run(capsys, "data", "list", "--db", db, "--measure", M, "--json")
    assert code == 0, err
    got = [(p["date"], p["numerator"], p["denominator"]) for p in json.loads(out)]
    assert got == [("2026-06-01", 0, 1), ("2026-07-01", 1, 2)]
    fails(capsys, db, 1, ["is a case measure", "pdsa cases add"],
          "data", "add", "--db", db, "--measure", M, "--date", "01/01/2026",
          "--numerator", "1", "--denominator", "2")  # fmt: skip
    extract = tmp_path / "points.csv"
    extract.write_text("date,value\n01/01/2026,3\n", encoding="utf-8")
    fails(capsys, db, 1, ["is a case measure", "pdsa cases import"],
          "data", "import", "--db", db, "--measure", M, extract)  # fmt: skip
