"""Team use through the command line: merge, conflicts, history, data delete, --user."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_cli import DAYS, Result, assert_one_line_error, run

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Cycle
from pdsa_tui.store import SCHEMA_VERSION, Store


@pytest.fixture(autouse=True)
def _no_env_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PDSA_USER", raising=False)
    monkeypatch.setenv("PDSA_DB", str(tmp_path / "default-not-used.json"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("team") / "demo.json"
    write_demo(path)
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "pdsa.json"
    shutil.copyfile(template, path)
    return path


def js(r: Result) -> Any:
    assert r.status == 0, r.err
    return json.loads(r.out)


def test_user_is_recorded_and_listed(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    r = run(capsys, "data", "add", "--measure", DAYS, "--date", "01/03/2030", "--value", "12",
            "--db", db, "--user", "DL")  # fmt: skip
    assert r.status == 0, r.err
    points = js(run(capsys, "data", "list", "--measure", DAYS, "--json", "--db", db))
    assert [p["updated_by"] for p in points if p["date"] == "2030-03-01"] == ["DL"]
    measures = js(run(capsys, "list", "measures", "--json", "--db", db))
    days = next(m for m in measures if m["name"] == DAYS)
    assert days["updated_by"] == "DL"
    for what in ("aims", "ideas", "cycles"):
        rows = js(run(capsys, "--user", "x", "list", what, "--json", "--db", db))
        assert rows and all("updated_by" in row for row in rows)


def test_pdsa_user_from_the_environment(
    capsys: pytest.CaptureFixture[str], db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDSA_USER", "AGL")
    r = run(capsys, "data", "add", "--measure", DAYS, "--date", "2030-04-01", "--value", "3",
            "--db", db)  # fmt: skip
    assert r.status == 0, r.err
    points = js(run(capsys, "data", "list", "--measure", DAYS, "--json", "--db", db))
    assert [p["updated_by"] for p in points if p["date"] == "2030-04-01"] == ["AGL"]


def test_data_delete_removes_one_point_and_history_keeps_it(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = js(run(capsys, "data", "list", "--measure", DAYS, "--json", "--db", db))
    first = before[0]
    r = run(capsys, "data", "delete", "--measure", DAYS, "--date", first["date"], "--db", db,
            "--user", "DL")  # fmt: skip
    assert r.status == 0, r.err
    assert r.out.startswith(f"Deleted {first['date'][8:]}/{first['date'][5:7]}/")
    after = js(run(capsys, "data", "list", "--measure", DAYS, "--json", "--db", db))
    assert [p["id"] for p in after] == [p["id"] for p in before[1:]]
    measure_id = js(run(capsys, "list", "measures", "--json", "--db", db))
    mid = next(m["id"] for m in measure_id if m["name"] == DAYS)
    versions = js(run(capsys, "history", mid, "--db", db, "--json"))
    assert versions[0]["updated_by"] == "DL" and versions[0]["changed"] == ["points"]
    assert set(versions[0]) == {"rev", "updated", "updated_by", "changed", "deleted"}
    again = run(capsys, "data", "delete", "--measure", DAYS, "--date", first["date"], "--db", db)
    assert_one_line_error(again, 1, "has no point on")


def _laptop_copy(db: Path, tmp_path: Path) -> tuple[Path, str]:
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(db, laptop)
    with Store.open(laptop, user="laptop") as s:
        cycle = s.all(Cycle)[0]
        s.save(dataclasses.replace(cycle, objective="edited on the train"))
    with Store.open(db, user="office") as s:
        s.save(dataclasses.replace(s.get(Cycle, cycle.id), objective="edited in the office"))
    return laptop, cycle.id


def test_merge_prints_the_summary_and_json_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    laptop, _cycle_id = _laptop_copy(db, tmp_path)
    with Store.open(laptop, user="laptop") as s:
        s.delete(s.all(Cycle)[-1])
    laptop_bytes = laptop.read_bytes()
    dry = run(capsys, "merge", laptop, "--db", db, "--dry-run", "--json")
    db_bytes = db.read_bytes()
    counts = js(dry)
    assert set(counts) == {"added", "updated", "deleted", "conflicts"}
    assert db.read_bytes() == db_bytes
    r = run(capsys, "merge", laptop, "--db", db)
    assert r.status == 0, r.err
    n = counts
    assert r.out == (
        f"merged {laptop}: {n['added']} added, {n['updated']} updated, "
        f"{n['deleted']} deleted, {n['conflicts']} conflicts\n"
    )
    assert n["conflicts"] == 1 and n["updated"] == 1 and n["deleted"] >= 1
    assert laptop.read_bytes() == laptop_bytes
    again = js(run(capsys, "merge", laptop, "--db", db, "--json"))
    assert again == {"added": 0, "updated": 0, "deleted": 0, "conflicts": 0}


def test_conflicts_list_and_resolve(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    laptop, cycle_id = _laptop_copy(db, tmp_path)
    assert run(capsys, "merge", laptop, "--db", db).status == 0
    rows = js(run(capsys, "conflicts", "--json", "--db", db))
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["table"], row["field"]) == (cycle_id, "cycles", "objective")
    assert {(v["value"], v["updated_by"]) for v in row["values"]} == {
        ("edited on the train", "laptop"),
        ("edited in the office", "office"),
    }
    text = run(capsys, "conflicts", "--db", db)
    assert "field objective" in text.out and "[0]" in text.out and "[1]" in text.out
    train = next(v["index"] for v in row["values"] if v["updated_by"] == "laptop")
    bad = run(capsys, "conflicts", "resolve", cycle_id, "objective", "--take", "7", "--db", db)
    assert_one_line_error(bad, 1, "--take 7", "0 to 1")
    r = run(capsys, "conflicts", "resolve", cycle_id, "objective", "--take", str(train),
            "--db", db, "--user", "lead")  # fmt: skip
    assert r.status == 0, r.err
    assert js(run(capsys, "conflicts", "--json", "--db", db)) == []
    assert run(capsys, "conflicts", "--db", db).out == "No conflicts.\n"
    with Store.open(db, read_only=True) as s:
        assert s.get(Cycle, cycle_id).objective == "edited on the train"
        assert s.get(Cycle, cycle_id).updated_by == "lead"


def test_merge_refuses_what_is_not_a_pdsa_database_or_is_newer(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    before = db.read_bytes()
    other = tmp_path / "other.json"
    other.write_text('{"not": "ours"}', encoding="utf-8")
    assert_one_line_error(run(capsys, "merge", other, "--db", db), 1, "not a pdsa database")
    data = json.loads(db.read_text(encoding="utf-8"))
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    other.write_text(json.dumps(data), encoding="utf-8")
    assert_one_line_error(run(capsys, "merge", other, "--db", db), 1, "newer pdsa")
    assert_one_line_error(run(capsys, "merge", tmp_path / "none.json", "--db", db), 1, "no such")
    assert db.read_bytes() == before


def test_history_of_a_deleted_record_lists_the_deletion(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with Store.open(db, user="AL") as s:
        cycle = s.all(Cycle)[0]
        s.delete(cycle)
    versions = js(run(capsys, "history", cycle.id, "--db", db, "--json"))
    assert versions[0]["deleted"] is True and versions[0]["updated_by"] == "AL"
    text = run(capsys, "history", cycle.id[:8], "--db", db)
    assert "(deleted)" in text.out
    assert_one_line_error(run(capsys, "history", "nope-nope", "--db", db), 1, "no record")


_SAVER = """
import sys
from pdsa_tui.cli import main
db, who = sys.argv[1], sys.argv[2]
for i in range(25):
    code = main(["data", "add", "--db", db, "--user", who, "--measure", sys.argv[3],
                 "--date", f"{2040 + int(who[1:])}-{i // 28 + 1:02d}-{i % 28 + 1:02d}",
                 "--value", str(i)])
    if code == 0:
        print("OK", i, flush=True)
"""


def test_four_processes_saving_25_times_each_lose_nothing(db: Path) -> None:
    """The stress test: every acknowledged save is in the file and 'pdsa check' is clean."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(db), f"p{n}", DAYS],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    acknowledged: set[tuple[str, int]] = set()
    for n, proc in enumerate(procs):
        out, err = proc.communicate(timeout=300)
        assert "Traceback" not in err, err
        acknowledged |= {
            (f"p{n}", int(line.split()[1])) for line in out.splitlines() if line.startswith("OK ")
        }
    assert len(acknowledged) == 100
    with Store.open(db, read_only=True) as s:
        m = s.find_measure(DAYS)
        stored = {(p.updated_by, int(p.value or 0)) for p in m.points if p.date.year >= 2040}
        assert acknowledged <= stored
        assert s.problems() == []
    check = subprocess.run(
        [sys.executable, "-m", "pdsa_tui", "check", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr


def test_merge_dry_run_lists_each_record_by_title(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    laptop, _cycle_id = _laptop_copy(db, tmp_path)
    with Store.open(laptop, user="laptop") as s:
        idea = s.ideas()[0]
        s.delete(s.cycles(idea.id)[-1])
    before = db.read_bytes()
    r = run(capsys, "merge", laptop, "--db", db, "--dry-run")
    assert r.status == 0, r.err
    assert db.read_bytes() == before
    lines = r.out.splitlines()
    assert lines[0].endswith("(dry run: nothing written)")
    assert any(line.startswith("  would change cycle") for line in lines[1:]), r.out
    assert any(line.startswith("  would delete cycle") for line in lines[1:]), r.out


def test_restore_brings_back_what_a_merge_replaced(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(db, laptop)
    with Store.open(laptop, user="laptop") as s:
        cycle = s.all(Cycle)[0]
        s.save(dataclasses.replace(cycle, objective="edited on the train"))
    with Store.open(db) as s:
        mine = s.get(Cycle, cycle.id)
        rev = s.raw_doc(cycle.id)["rev"]  # type: ignore[index]
    assert run(capsys, "merge", laptop, "--db", db).status == 0
    r = run(capsys, "restore", cycle.id, "--version", rev, "--db", db)
    assert r.status == 0, r.err
    assert r.out.startswith(f"Restored {cycle.id}")
    with Store.open(db) as s:
        assert s.get(Cycle, cycle.id).objective == mine.objective
    assert_one_line_error(run(capsys, "restore", "nope", "--db", db), 1, "no record has id")
