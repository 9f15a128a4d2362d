"""The Store API: records in and out, numbering, cascade delete, locking, failed writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Programme

from pdsa_tui.model import (
    Aim,
    ChangeIdea,
    Cycle,
    DataPoint,
    Feedback,
    Measure,
    Task,
    ValidationError,
)
from pdsa_tui.store import (
    SCHEMA_VERSION,
    DatabaseLockedError,
    DatabaseNotFoundError,
    NotFoundError,
    ReadOnlyError,
    Store,
    WriteFailedError,
    lock_path,
    sync,
)
from pdsa_tui.store import files as store_files
from pdsa_tui.store import store as store_module

#: The programme's tables, empty in a new database.
PROGRAMME_TABLES = {"programme": 0, "meetings": 0, "assessments": 0, "answers": 0, "questions": 0}

D = dt.date


def on_disk(path: Path) -> dict[str, Any]:
    return json.loads(path.read_bytes())


def disk_ids(path: Path, table: str) -> set[str]:
    return {doc["id"] for doc in on_disk(path).get(table, {}).values()}


# -- opening ---------------------------------------------------------------------------


def test_create_new_database(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True) as s:
        assert not s.read_only
        assert s.counts() == {
            "aims": 0,
            "measures": 0,
            "ideas": 0,
            "cycles": 0,
            "feedback": 0,
            **PROGRAMME_TABLES,
            "primary_drivers": 0,
            "secondary_drivers": 0,
            "evidence_reviews": 0,
            "spread": 0,
            "change_packages": 0,
            "points": 0,
            "cases": 0,
        }
    data = on_disk(tmp_db)
    assert data["meta"]["1"]["app"] == "pdsa"
    assert data["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert set(data) == {
        "meta",
        "aims",
        "measures",
        "ideas",
        "cycles",
        "feedback",
        "cases",
        *PROGRAMME_TABLES,
        "primary_drivers",
        "secondary_drivers",
        "evidence_reviews",
        "spread",
        "change_packages",
        "_history",
    }


def test_create_makes_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "pdsa.json"
    with Store.open(path, create=True):
        pass
    assert path.is_file()


def test_open_missing_without_create(tmp_db: Path) -> None:
    with pytest.raises(DatabaseNotFoundError, match=r"pdsa\.json: no such database file"):
        Store.open(tmp_db)
    with pytest.raises(DatabaseNotFoundError, match="no such database file"):
        Store.open(tmp_db, create=True, read_only=True)
    assert not tmp_db.exists()


# -- CRUD ---------------------------------------------------------------------------


def test_save_returns_stored_copy_and_get(store: Store) -> None:
    draft = Aim(code="Aim 1", statement="s")
    saved = store.save(draft)
    assert isinstance(saved, Aim)
    assert saved.id == draft.id
    assert store.get(Aim, saved.id) == saved
    assert store.all(Aim) == [saved]
    assert store.count(Aim) == 1
    assert disk_ids(store.path, "aims") == {saved.id}


def test_update_keeps_created_and_bumps_updated(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "now_stamp", lambda: "2019-01-01T00:00:00+00:00")
    saved = store.save(Aim(code="Aim 1", statement="s", created="2018-01-01T00:00:00+00:00"))
    assert saved.updated == "2019-01-01T00:00:00+00:00"
    monkeypatch.setattr(store_module, "now_stamp", lambda: "2019-06-01T00:00:00+00:00")
    edited = store.save(dataclasses.replace(saved, statement="new", created="bogus"))
    assert edited.created == saved.created
    assert edited.updated == "2019-06-01T00:00:00+00:00"
    assert store.get(Aim, saved.id).statement == "new"
    assert store.count(Aim) == 1
    docs = list(on_disk(store.path)["aims"].values())
    assert len(docs) == 1
    assert docs[0]["statement"] == "new" and docs[0]["updated"] == "2019-06-01T00:00:00+00:00"


def test_save_invalid_writes_nothing(store: Store) -> None:
    before = store.path.read_bytes()
    saves = store.saves
    with pytest.raises(ValidationError, match="Code: is required"):
        store.save(Aim(statement="s"))
    assert store.path.read_bytes() == before
    assert store.saves == saves
    assert store.all(Aim) == []


def test_save_with_missing_parent_is_refused(store: Store) -> None:
    # Named in words, never by its id (issue 24): with no history, by what it is.
    with pytest.raises(NotFoundError, match=r"^The measure belongs to an aim that is no longer"):
        store.save(Measure(aim_id="nope", name="m"))
    with pytest.raises(NotFoundError, match=r"^The cycle belongs to a change idea that is no"):
        store.save(Cycle(idea_id="x", objective="o"))
    assert store.all(Measure) == []
    with pytest.raises(NotFoundError, match=r"^no change idea has id abc$"):
        store.get(ChangeIdea, "abc")


def test_get_unknown_id(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no aim has id abc"):
        store.get(Aim, "abc")
    assert store.lookup(Aim, "abc") is None
    saved = store.save(Aim(code="A", statement="s"))
    assert store.lookup(Aim, saved.id) == saved


def test_reopen_keeps_everything(tmp_db: Path, programme: Programme, store: Store) -> None:
    expected = {
        cls: sorted((r.to_dict() for r in store.all(cls)), key=lambda d: d["id"])
        for cls in (Aim, Measure, ChangeIdea, Cycle, Feedback)
    }
    store.close()
    with Store.open(tmp_db) as again:
        for cls, docs in expected.items():
            got = sorted((r.to_dict() for r in again.all(cls)), key=lambda d: d["id"])
            assert got == docs, cls.__name__
        m = again.get(Measure, programme.measure.id)
        assert [p.y for p in m.points] == [60.0, 70.0, 75.0]
        c = again.get(Cycle, programme.cycles[0].id)
        assert c.tasks == [Task("SW", "book meeting", "week 1", "office"), Task("TL", "chair")]
        assert c.stage == "closed"
        assert again.get(Cycle, programme.cycles[1].id).stage == "do"
        assert again.problems() == []


def test_queries_sort_and_filter(store: Store, programme: Programme) -> None:
    a10 = store.save(Aim(code="Aim 10", statement="s"))
    a2 = store.save(Aim(code="aim 2", statement="s"))
    assert [a.code for a in store.aims()] == ["Aim 1", "aim 2", "Aim 10"]
    store.save(Measure(aim_id=a2.id, name="b balancing", type="balancing"))
    store.save(Measure(aim_id=a2.id, name="a process", type="process"))
    store.save(Measure(aim_id=a2.id, name="z outcome", type="outcome"))
    assert [m.name for m in store.measures(a2.id)] == ["z outcome", "a process", "b balancing"]
    assert store.measures(a10.id) == []
    assert [i.id for i in store.ideas(programme.aim.id)] == [programme.idea.id]
    assert store.cycles_for_aim(programme.aim.id) == programme.cycles
    assert store.feedback(programme.cycles[0].id) == programme.feedback
    assert store.parent_of(programme.feedback[0]) == programme.cycles[0]
    assert store.parent_of(programme.aim) is None


def test_find_aim_and_measure(store: Store, programme: Programme) -> None:
    assert store.find_aim("aim  1") == programme.aim
    assert store.find_aim(programme.aim.id) == programme.aim
    assert store.find_aim(programme.aim.id[:8]) == programme.aim
    with pytest.raises(NotFoundError, match=r"no aim 'Aim 9' \(known: 'Aim 1'\)"):
        store.find_aim("Aim 9")
    assert store.find_measure("permanence recommendation within 30 weeks") == programme.measure
    assert store.find_cycle(programme.cycles[1].id[:6]) == programme.cycles[1]
    store.save(Aim(code="AIM 1", statement="other"))
    with pytest.raises(NotFoundError, match="more than one aim is called 'aim 1'"):
        store.find_aim("aim 1")
    # A start that fits several names says which, not "no aim" (it once listed every aim).
    store.save(Aim(code="Aim 12", statement="another"))
    with pytest.raises(NotFoundError, match=r"'AI' starts the names of 3 aims \(.*'Aim 12'"):
        store.find_aim("AI")
    for n in (1, 2):
        rid = f"feed000{n}-0000-4000-8000-000000000000"
        store.save(Cycle(id=rid, idea_id=programme.idea.id, objective="o"))
    with pytest.raises(NotFoundError, match="'feed000' starts the ids of 2 cycles"):
        store.find_cycle("feed000")
    assert store.find_cycle("feed0002").id.startswith("feed0002")


# -- cycle numbering -----------------------------------------------------------------


def test_cycles_numbered_per_idea(store: Store, programme: Programme) -> None:
    assert [c.number for c in programme.cycles] == [1, 2]
    other = store.save(ChangeIdea(aim_id=programme.aim.id, title="Other", lead="TL"))
    o1 = store.save(Cycle(idea_id=other.id, objective="x"))
    third = store.save(Cycle(idea_id=programme.idea.id, objective="y"))
    o2 = store.save(Cycle(idea_id=other.id, objective="z"))
    assert (o1.number, third.number, o2.number) == (1, 3, 2)
    assert [c.title for c in store.cycles(other.id)] == ["Cycle 1: x", "Cycle 2: z"]
    # Editing keeps the number; deleting leaves a gap, never a reused number.
    edited = store.save(dataclasses.replace(third, objective="y2"))
    assert edited.number == 3
    store.delete(third)
    assert store.save(Cycle(idea_id=programme.idea.id, objective="w")).number == 3
    store.delete(programme.cycles[1])
    assert store.save(Cycle(idea_id=programme.idea.id, objective="v")).number == 4
    assert store.problems() == []


def test_next_cycle_saved_gets_next_number(store: Store, programme: Programme) -> None:
    nxt = store.save(programme.cycles[0].next_cycle())
    assert nxt.number == 3
    assert nxt.adapted_from == programme.cycles[0].id
    assert nxt.tasks == programme.cycles[0].tasks


# -- delete ------------------------------------------------------------------------


def test_dependents_counts(store: Store, programme: Programme) -> None:
    assert store.dependents(programme.aim) == {
        "measures": 1,
        "ideas": 1,
        "cycles": 2,
        "feedback": 2,
    }
    assert store.dependents(programme.idea) == {"cycles": 2, "feedback": 2}
    assert store.dependents(programme.cycles[0]) == {"feedback": 2}
    assert store.dependents(programme.cycles[1]) == {}
    assert store.dependents(programme.feedback[0]) == {}


def test_cascade_delete_aim_leaves_no_orphans(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    keep = store.save(Aim(code="Aim 2", statement="s"))
    keep_idea = store.save(ChangeIdea(aim_id=keep.id, title="t", lead="TL"))
    saves = store.saves
    counts = store.delete(programme.aim)
    assert counts == {"aims": 1, "measures": 1, "ideas": 1, "cycles": 2, "feedback": 2}
    assert store.saves == saves + 1  # one save for the whole cascade
    assert store.counts() == {
        "aims": 1,
        "measures": 0,
        "ideas": 1,
        "cycles": 0,
        "feedback": 0,
        **PROGRAMME_TABLES,
        "primary_drivers": 0,
        "secondary_drivers": 0,
        "evidence_reviews": 0,
        "spread": 0,
        "change_packages": 0,
        "points": 0,
        "cases": 0,
    }
    assert store.problems() == []
    store.close()
    data = on_disk(tmp_db)
    assert [d["id"] for d in data["aims"].values()] == [keep.id]
    assert [d["id"] for d in data["ideas"].values()] == [keep_idea.id]
    for table in ("measures", "cycles", "feedback"):
        assert data[table] == {}, table
    with Store.open(tmp_db) as again:
        assert again.problems() == []


def test_delete_cycle_takes_only_its_feedback(store: Store, programme: Programme) -> None:
    assert store.delete(programme.cycles[0]) == {"cycles": 1, "feedback": 2}
    assert store.cycles() == [programme.cycles[1]]
    assert store.all(Feedback) == []
    assert store.get(ChangeIdea, programme.idea.id) == programme.idea
    assert store.problems() == []


def test_problems_finds_orphans_and_duplicates(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True) as s:
        idea_id = "missing-idea"
        s.save(Aim(code="A", statement="s"))
    data = on_disk(tmp_db)
    cycle = Cycle(idea_id=idea_id, number=1, objective="o").to_dict()
    twin = Cycle(idea_id=idea_id, number=1, objective="o").to_dict()
    data["cycles"] = {"1": cycle, "2": twin}
    tmp_db.write_text(json.dumps(data))
    with Store.open(tmp_db) as s:
        found = s.problems()
    assert f"Cycle {cycle['id']} points to missing change idea 'missing-idea'" in found
    assert f"cycles {cycle['id']} and {twin['id']} share number 1" in found
    assert len(found) == 3


# -- data points -----------------------------------------------------------------------


def test_add_update_delete_points(store: Store, programme: Programme) -> None:
    m = programme.measure
    p = DataPoint(date=D(2018, 12, 1), numerator=5, denominator=10)
    m2 = store.measure_data.add_point(m, p)
    assert [x.date for x in m2.points] == [D(2018, 12, 1), *(x.date for x in m.points)]
    assert len(m2.points) == 4
    changed = dataclasses.replace(p, numerator=6)
    m3 = store.measure_data.update_point(m2, changed)
    assert [x.y for x in m3.points if x.id == p.id] == [60.0]
    m4 = store.measure_data.delete_point(m3, p.id)
    assert [x.id for x in m4.points] == [x.id for x in m.points]
    with pytest.raises(NotFoundError, match="has no point nope"):
        store.measure_data.delete_point(m4, "nope")
    with pytest.raises(NotFoundError, match="has no point"):
        store.measure_data.update_point(m4, DataPoint(date=D(2019, 1, 1), value=1))


def test_add_points_all_or_nothing(store: Store, programme: Programme) -> None:
    before = store.path.read_bytes()
    good = DataPoint(date=D(2019, 4, 1), numerator=8, denominator=10)
    bad = DataPoint(date=D(2019, 5, 1), numerator=11, denominator=10)
    with pytest.raises(ValidationError) as info:
        store.measure_data.add_points(programme.measure, [good, bad])
    assert str(info.value) == "Numerator: cannot be above the denominator (11 > 10)"
    assert store.path.read_bytes() == before
    assert len(store.get(Measure, programme.measure.id).points) == 3
    saved = store.measure_data.add_points(
        programme.measure, [good, DataPoint(date=D(2019, 5, 1), value=90)]
    )
    assert len(saved.points) == 5
    assert len(on_disk(store.path)["measures"]["1"]["points"]) == 5


# -- transactions ------------------------------------------------------------------------


def test_transaction_commits_once(store: Store) -> None:
    saves = store.saves
    with store.transaction():
        a = store.save(Aim(code="A", statement="s"))
        store.save(ChangeIdea(aim_id=a.id, title="t", lead="TL"))
        assert disk_ids(store.path, "aims") == set()  # nothing on disk until the block ends
    assert store.saves == saves + 1
    assert disk_ids(store.path, "aims") == {a.id}
    assert len(disk_ids(store.path, "ideas")) == 1


def test_transaction_rolls_back_on_error(store: Store, programme: Programme) -> None:
    before = store.path.read_bytes()
    saves = store.saves
    with pytest.raises(RuntimeError, match="boom"), store.transaction():
        new = store.save(Aim(code="Aim 2", statement="s"))
        store.save(dataclasses.replace(programme.aim, statement="changed"))
        store.delete(programme.cycles[0])
        raise RuntimeError("boom")
    assert store.path.read_bytes() == before
    assert store.saves == saves
    with pytest.raises(NotFoundError):
        store.get(Aim, new.id)
    assert store.get(Aim, programme.aim.id).statement == programme.aim.statement
    assert store.get(Cycle, programme.cycles[0].id) == programme.cycles[0]
    assert len(store.feedback()) == 2
    assert store.problems() == []
    # The store still works after the rollback.
    later = store.save(Aim(code="Aim 3", statement="s"))
    assert disk_ids(store.path, "aims") == {programme.aim.id, later.id}


def test_transaction_rolls_back_on_validation_error(store: Store) -> None:
    with pytest.raises(ValidationError), store.transaction():
        store.save(Aim(code="A", statement="s"))
        store.save(Aim(code="", statement="s"))
    assert store.all(Aim) == []
    assert disk_ids(store.path, "aims") == set()


# -- read-only and locks -----------------------------------------------------------------


def test_a_second_writer_opens_too_and_read_only_refuses_writes(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    second = Store.open(tmp_db)
    assert not second.read_only
    second.save(Aim(code="Aim 2", statement="s"))
    ro = Store.open(tmp_db, read_only=True)
    try:
        assert ro.read_only
        assert ro.get(Aim, programme.aim.id) == programme.aim
        before = tmp_db.read_bytes()
        with pytest.raises(ReadOnlyError, match=r"is open read-only \(.*\); nothing was saved"):
            ro.save(Aim(code="A2", statement="s"))
        with pytest.raises(ReadOnlyError):
            ro.delete(programme.aim)
        with pytest.raises(ReadOnlyError):
            ro.measure_data.add_point(programme.measure, DataPoint(date=D(2020, 1, 1), value=1))
        with pytest.raises(ReadOnlyError), ro.transaction():
            pass
        assert tmp_db.read_bytes() == before
    finally:
        ro.close()
    # The first writer is unaffected, and its save keeps the second one's aim.
    store.save(Aim(code="Aim 3", statement="s"))
    with Store.open(tmp_db, read_only=True) as check:
        assert sorted(a.code for a in check.aims()) == ["Aim 1", "Aim 2", "Aim 3"]


def test_lock_released_on_close(tmp_db: Path) -> None:
    first = Store.open(tmp_db, create=True)
    first.close()
    first.close()  # twice is harmless
    with Store.open(tmp_db) as second:
        assert not second.read_only


def test_read_only_open_needs_no_lock(tmp_db: Path, store: Store) -> None:
    with Store.open(tmp_db, read_only=True) as ro:
        assert ro.read_only and ro.read_only_reason == "opened read-only"
        with pytest.raises(ReadOnlyError, match="opened read-only"):
            ro.save(Aim(code="A", statement="s"))


_HOLDER = """
import sys, time
import filelock
lock = filelock.FileLock(sys.argv[1] + ".lock")
lock.acquire()
print("LOCKED", flush=True)
time.sleep(60)
"""


def test_a_save_waits_for_a_busy_file_and_a_killed_holder_does_not_block(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "BUSY_WAIT", 0.3)
    s = Store.open(tmp_db, create=True)
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "LOCKED"
        assert not Store.open(tmp_db).read_only  # opening needs no lock
        with pytest.raises(DatabaseLockedError, match="is busy: another copy of pdsa"):
            s.save(Aim(code="A", statement="s"))
        assert s.all(Aim) == []  # nothing half-saved in memory either
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert lock_path(tmp_db).exists()  # the stale lock file is still there...
    s.save(Aim(code="A", statement="s"))  # ...and does not block
    assert disk_ids(tmp_db, "aims") == {s.aims()[0].id}


# -- failed writes -----------------------------------------------------------------------


class _FailingOS:
    """``os`` for pdsa_tui.store.files, with one call failing like a full disk."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.calls = 0

    def __getattr__(self, attr: str) -> Any:
        if attr == self.name:

            def fail(*args: Any, **kw: Any) -> Any:
                self.calls += 1
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            return fail
        return getattr(os, attr)


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_write_failure_keeps_last_save(
    store: Store, programme: Programme, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    before = store.path.read_bytes()
    before_mtime = store.path.stat().st_mtime_ns
    failing = _FailingOS(call)
    monkeypatch.setattr(store_files, "os", failing)
    lost = Aim(code="Aim 2", statement="s")
    with pytest.raises(WriteFailedError) as info:
        store.save(lost)
    assert failing.calls >= 1
    step = {"write": "writing", "fsync": "flushing it to the disk", "replace": "replacing the file"}
    assert str(info.value) == (
        f"Could not save to {store.path} while {step[call]}: No space left on device. "
        "The file still holds your last successful save."
    )
    assert isinstance(info.value.__cause__, OSError)
    # Disk: the previous save, untouched, and no temporary file left behind.
    assert store.path.read_bytes() == before
    assert store.path.stat().st_mtime_ns == before_mtime
    assert sorted(p.name for p in store.path.parent.iterdir() if p.name.endswith(".tmp")) == []
    # Memory: rolled back to what is on disk.
    with pytest.raises(NotFoundError):
        store.get(Aim, lost.id)
    assert [a.id for a in store.aims()] == [programme.aim.id]
    # An edit and a cascade delete fail the same way and leave memory as it was.
    with pytest.raises(WriteFailedError):
        store.save(dataclasses.replace(programme.aim, statement="edited"))
    assert store.get(Aim, programme.aim.id).statement == programme.aim.statement
    with pytest.raises(WriteFailedError):
        store.delete(programme.aim)
    assert store.dependents(programme.aim)["feedback"] == 2
    assert store.problems() == []
    assert store.path.read_bytes() == before
    # Once the disk has room again, saving works.
    monkeypatch.undo()
    again = store.save(lost)
    assert store.get(Aim, again.id) == again
    assert disk_ids(store.path, "aims") == {programme.aim.id, lost.id}
    assert on_disk(store.path)["aims"]["1"]["statement"] == programme.aim.statement


def test_write_failure_in_transaction_rolls_back_all(
    store: Store, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store.path.read_bytes()
    monkeypatch.setattr(store_files, "os", _FailingOS("fsync"))
    with pytest.raises(WriteFailedError), store.transaction():
        a = store.save(Aim(code="Aim 2", statement="s"))
        store.save(ChangeIdea(aim_id=a.id, title="t", lead="TL"))
    assert store.path.read_bytes() == before
    assert [x.id for x in store.aims()] == [programme.aim.id]
    assert [i.id for i in store.ideas()] == [programme.idea.id]
    monkeypatch.undo()
    store.save(Aim(code="Aim 3", statement="s"))
    assert len(disk_ids(store.path, "aims")) == 2


def test_write_failure_of_add_points(
    store: Store, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_files, "os", _FailingOS("write"))
    with pytest.raises(WriteFailedError):
        store.measure_data.add_points(programme.measure, [DataPoint(date=D(2019, 4, 1), value=80)])
    assert store.get(Measure, programme.measure.id).points == programme.measure.points


def test_a_saved_file_is_a_tinydb_database(store: Store, programme: Programme) -> None:
    """The file keeps TinyDB's layout: TinyDB itself opens it read-only and reads every table."""
    from tinydb import TinyDB

    from pdsa_tui.model.registry import RECORD_CLASSES

    before = store.path.read_bytes()
    db = TinyDB(store.path, access_mode="r")
    try:
        assert {cls.TABLE for cls in RECORD_CLASSES} <= db.tables()
        for cls in RECORD_CLASSES:
            docs = db.table(cls.TABLE).all()
            assert sorted(d["id"] for d in docs) == sorted(r.id for r in store.all(cls))
            for doc in docs:
                assert cls.from_dict(doc) == store.get(cls, doc["id"])
        [meta] = db.table("meta").all()
        assert meta["app"] == "pdsa"
    finally:
        db.close()
    assert store.path.read_bytes() == before  # read-only: not a byte changed
