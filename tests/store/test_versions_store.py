"""Team use at the store level: many copies on one file, merge, conflicts, history, tombstones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import Programme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdsa_tui.model import Aim, Cycle, DataPoint, Measure
from pdsa_tui.store import (
    SCHEMA_VERSION,
    NewerSchemaError,
    Store,
    UnreadableDatabaseError,
    list_backups,
    lock_path,
)
from pdsa_tui.store.docmerge import merge_docs

D = dt.date


def on_disk(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def open_as(path: Path, user: str) -> Store:
    return Store.open(path, user=user)


# -- many copies on one file ----------------------------------------------------------


def test_two_copies_and_a_third_saving_different_records_lose_nothing(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    a = open_as(tmp_db, "A")
    b = open_as(tmp_db, "B")
    a.save(Aim(code="Aim A", statement="from A"))
    b.save(Aim(code="Aim B", statement="from B"))
    m = b.get(Measure, programme.measure.id)
    b.measure_data.add_point(m, DataPoint(date=D(2021, 1, 1), value=50))
    store.save(Aim(code="Aim C", statement="from the first copy"))
    with Store.open(tmp_db, read_only=True) as check:
        assert sorted(x.code for x in check.aims()) == ["Aim 1", "Aim A", "Aim B", "Aim C"]
        assert D(2021, 1, 1) in {p.date for p in check.get(Measure, m.id).points}
        assert check.problems() == []
    # Each copy's memory now holds what it merged in when it saved.
    assert {x.code for x in store.aims()} == {"Aim 1", "Aim A", "Aim B", "Aim C"}


def test_two_copies_editing_different_fields_of_one_cycle_keep_both(
    tmp_db: Path, programme: Programme
) -> None:
    cycle = programme.cycles[0]
    a = open_as(tmp_db, "A")
    b = open_as(tmp_db, "B")
    a.save(dataclasses.replace(a.get(Cycle, cycle.id), objective="objective by A"))
    b.save(dataclasses.replace(b.get(Cycle, cycle.id), predictions="prediction by B"))
    with Store.open(tmp_db, read_only=True) as check:
        got = check.get(Cycle, cycle.id)
        assert got.objective == "objective by A"
        assert got.predictions == "prediction by B"
        assert check.versions.conflicts() == []
        assert got.updated_by == "B"


def test_the_same_field_gives_one_conflict_with_both_texts_then_resolve(
    tmp_db: Path, programme: Programme
) -> None:
    cycle = programme.cycles[0]
    a = open_as(tmp_db, "A")
    b = open_as(tmp_db, "B")
    a.save(dataclasses.replace(a.get(Cycle, cycle.id), objective="text by A"))
    b.save(dataclasses.replace(b.get(Cycle, cycle.id), objective="text by B"))
    check = Store.open(tmp_db, user="lead")
    rows = check.versions.conflicts()
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["table"], row["field"]) == (cycle.id, "cycles", "objective")
    values = {(v["value"], v["updated_by"]) for v in row["values"]}
    assert values == {("text by A", "A"), ("text by B", "B")}
    stored = check.get(Cycle, cycle.id).objective
    assert stored == row["values"][0]["value"]  # the winner's value is the one stored
    loser = row["values"][1]
    check.versions.resolve_conflict(cycle.id, "objective", loser["index"])
    assert check.versions.conflicts() == []
    assert check.get(Cycle, cycle.id).objective == loser["value"]
    with Store.open(tmp_db, read_only=True) as again:
        assert again.versions.conflicts() == []
        assert again.get(Cycle, cycle.id).objective == loser["value"]
        assert again.get(Cycle, cycle.id).updated_by == "lead"


def test_a_form_saved_from_an_older_version_merges_with_the_newer_one(
    store: Store, programme: Programme
) -> None:
    opened = store.get(Cycle, programme.cycles[0].id)  # a form opens this version
    store.save(dataclasses.replace(opened, predictions="saved by a refresh meanwhile"))
    store.save(dataclasses.replace(opened, objective="typed in the form"))
    got = store.get(Cycle, opened.id)
    assert got.predictions == "saved by a refresh meanwhile"
    assert got.objective == "typed in the form"
    assert store.versions.conflicts() == []


def test_points_merge_by_id_and_two_points_on_one_date_are_a_conflict(
    tmp_db: Path, programme: Programme
) -> None:
    mid = programme.measure.id
    a = open_as(tmp_db, "A")
    b = open_as(tmp_db, "B")
    a.measure_data.add_point(
        a.get(Measure, mid), DataPoint(date=D(2021, 3, 1), numerator=1, denominator=2)
    )
    b.measure_data.add_point(
        b.get(Measure, mid), DataPoint(date=D(2021, 4, 1), numerator=3, denominator=4)
    )
    a.measure_data.add_point(
        a.get(Measure, mid), DataPoint(date=D(2021, 5, 1), numerator=5, denominator=9)
    )
    b.measure_data.add_point(
        b.get(Measure, mid), DataPoint(date=D(2021, 5, 1), numerator=6, denominator=9)
    )
    with Store.open(tmp_db, user="lead") as check:
        points = check.get(Measure, mid).points
        dates = [p.date for p in points]
        assert dates.count(D(2021, 5, 1)) == 1
        assert {D(2021, 3, 1), D(2021, 4, 1)} <= set(dates)
        [row] = check.versions.conflicts()
        assert row["field"] == "points@2021-05-01"
        kept = {(v["value"]["numerator"], v["updated_by"]) for v in row["values"]}
        assert kept == {(5, "A"), (6, "B")}
        six = next(v["index"] for v in row["values"] if v["value"]["numerator"] == 6)
        check.versions.resolve_conflict(mid, "points@2021-05-01", six)
        may = [p for p in check.get(Measure, mid).points if p.date == D(2021, 5, 1)]
        assert [p.numerator for p in may] == [6]
        assert check.versions.conflicts() == []


def test_a_deleted_point_stays_deleted_while_another_copy_adds_one(
    tmp_db: Path, programme: Programme
) -> None:
    mid = programme.measure.id
    a = open_as(tmp_db, "A")
    b = open_as(tmp_db, "B")
    first = a.get(Measure, mid).sorted_points()[0]
    a.measure_data.delete_point(a.get(Measure, mid), first.id)
    b.measure_data.add_point(
        b.get(Measure, mid), DataPoint(date=D(2022, 1, 1), numerator=1, denominator=1)
    )
    with Store.open(tmp_db, read_only=True) as check:
        ids = {p.id for p in check.get(Measure, mid).points}
        assert first.id not in ids
        assert D(2022, 1, 1) in {p.date for p in check.get(Measure, mid).points}
        assert [p.updated_by for p in check.get(Measure, mid).points if p.date.year == 2022] == [
            "B"
        ]


# -- the losses the issue measured ---------------------------------------------------------


def test_a_backup_restored_under_an_open_copy_is_not_overwritten(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    mid = programme.measure.id
    saved = tmp_db.with_name("copy.json")
    shutil.copyfile(tmp_db, saved)
    gone = store.get(Measure, mid).sorted_points()[0]
    store.measure_data.delete_point(store.get(Measure, mid), gone.id)
    shutil.copyfile(saved, tmp_db)  # someone restores the file from before the deletion
    store.save(Aim(code="Aim 9", statement="unrelated edit"))
    with Store.open(tmp_db, read_only=True) as check:
        assert gone.id in {p.id for p in check.get(Measure, mid).points}
        assert "Aim 9" in {x.code for x in check.aims()}


def test_a_cli_write_after_the_lock_file_was_deleted_survives(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    lock_path(tmp_db).unlink(missing_ok=True)
    other = Store.open(tmp_db, user="cli")
    other.measure_data.add_point(
        other.get(Measure, programme.measure.id),
        DataPoint(date=D(2023, 1, 1), numerator=1, denominator=2),
    )
    store.save(dataclasses.replace(store.get(Aim, programme.aim.id), notes="tui edit"))
    with Store.open(tmp_db, read_only=True) as check:
        assert D(2023, 1, 1) in {p.date for p in check.get(Measure, programme.measure.id).points}
        assert check.get(Aim, programme.aim.id).notes == "tui edit"


@pytest.mark.parametrize("swap", ["newer", "foreign", "broken"])
def test_a_file_swapped_for_one_pdsa_cannot_read_is_never_written_over(
    tmp_db: Path, store: Store, programme: Programme, swap: str
) -> None:
    data = on_disk(tmp_db)
    if swap == "newer":
        data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
        raw = json.dumps(data).encode()
    elif swap == "foreign":
        raw = b'{"something": "else"}'
    else:
        raw = json.dumps(data).encode()[:-40]
    tmp_db.write_bytes(raw)
    error = NewerSchemaError if swap == "newer" else UnreadableDatabaseError
    with pytest.raises(error):
        store.save(Aim(code="Aim 2", statement="s"))
    with pytest.raises(error):
        store.refresh()
    assert tmp_db.read_bytes() == raw
    assert "Aim 2" not in {x.code for x in store.aims()}


# -- refresh (live view) -------------------------------------------------------------------


def test_refresh_takes_in_and_counts_another_copys_changes(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    assert store.refresh().total == 0
    other = open_as(tmp_db, "B")
    other.save(Aim(code="Aim 5", statement="s"))
    other.save(dataclasses.replace(other.get(Aim, programme.aim.id), notes="n"))
    before = store.version
    result = store.refresh()
    assert (result.added, result.updated, result.deleted) == (1, 1, 0)
    assert store.version > before
    assert store.get(Aim, programme.aim.id).notes == "n"
    assert store.refresh().total == 0


# -- history, tombstones, restore ------------------------------------------------------------


def test_history_lists_versions_newest_first_and_restores_one(
    store: Store, programme: Programme
) -> None:
    aim = programme.aim
    store.user = "A"
    store.save(dataclasses.replace(store.get(Aim, aim.id), notes="first"))
    store.user = "B"
    store.save(dataclasses.replace(store.get(Aim, aim.id), notes="second", lead="L2"))
    versions = store.versions.history(aim.id)
    assert [v.updated_by for v in versions[:2]] == ["B", "A"]
    assert versions[0].changed == ["lead", "notes"]
    assert versions[1].changed == ["notes"]
    assert [int(v.rev.split("-")[0]) for v in versions] == [3, 2, 1]
    store.versions.restore(aim.id, versions[1].rev)
    got = store.get(Aim, aim.id)
    assert (got.notes, got.lead) == ("first", aim.lead)
    assert len(store.versions.history(aim.id)) == 4


def test_a_deleted_record_and_its_children_can_be_restored(
    store: Store, programme: Programme
) -> None:
    idea = programme.idea
    store.delete(idea)
    deleted = {row["id"]: row for row in store.versions.deleted()}
    assert idea.id in deleted and programme.cycles[0].id in deleted
    assert store.versions.history(idea.id)[0].deleted
    with pytest.raises(Exception, match=r"was deleted by .* Restore it first: .* pdsa restore"):
        store.versions.restore(programme.cycles[0].id)
    store.versions.restore(idea.id)
    store.versions.restore(programme.cycles[0].id)
    assert store.get(Cycle, programme.cycles[0].id).objective == programme.cycles[0].objective
    assert idea.id not in {row["id"] for row in store.versions.deleted()}
    assert store.problems() == []


def test_a_deletion_survives_a_merge_with_an_older_copy(
    tmp_db: Path, store: Store, programme: Programme, tmp_path: Path
) -> None:
    older = tmp_path / "older.json"
    shutil.copyfile(tmp_db, older)
    store.delete(programme.cycles[1])
    result = store.versions.merge_file(older)
    assert result.as_json() == {"added": 0, "updated": 0, "deleted": 0, "conflicts": 0}
    assert store.lookup(Cycle, programme.cycles[1].id) is None


def test_merge_file_brings_back_an_offline_copy_and_is_idempotent(
    tmp_db: Path, store: Store, programme: Programme, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(tmp_db, laptop)
    with Store.open(laptop, user="laptop") as away:
        away.save(Aim(code="Aim 7", statement="on the train"))
        away.save(dataclasses.replace(away.get(Aim, programme.aim.id), lead="laptop lead"))
        away.delete(away.get(Cycle, programme.cycles[1].id))
        away.save(dataclasses.replace(away.get(Cycle, programme.cycles[0].id), objective="L"))
    store.save(dataclasses.replace(store.get(Cycle, programme.cycles[0].id), objective="H"))
    laptop_bytes = laptop.read_bytes()
    gone = 1 + len(store.feedback(programme.cycles[1].id))
    dry = store.versions.merge_file(laptop, dry_run=True)
    assert "Aim 7" not in {a.code for a in store.aims()}
    result = store.versions.merge_file(laptop)
    assert result.as_json() == dry.as_json()
    # The feedback of the deleted cycle went with it.
    assert result.as_json() == {"added": 1, "updated": 2, "deleted": gone, "conflicts": 1}
    assert laptop.read_bytes() == laptop_bytes
    assert store.get(Aim, programme.aim.id).lead == "laptop lead"
    again = store.versions.merge_file(laptop)
    assert again.as_json() == {"added": 0, "updated": 0, "deleted": 0, "conflicts": 0}
    with Store.open(tmp_db, read_only=True) as check:
        assert "Aim 7" in {a.code for a in check.aims()}
        assert len(check.versions.conflicts()) == 1


# -- migration ------------------------------------------------------------------------------


def test_a_version_2_file_is_migrated_with_a_backup_and_keeps_every_record(
    tmp_db: Path, programme: Programme
) -> None:
    data = on_disk(tmp_db)
    for name, table in data.items():
        if name in ("meta", "_history"):
            continue
        for doc in table.values():
            doc.pop("rev", None)
            doc.pop("updated_by", None)
            for p in doc.get("points", []):
                p.pop("updated_by", None)
    del data["_history"]
    data["meta"]["1"]["schema_version"] = 2
    tmp_db.write_text(json.dumps(data), encoding="utf-8")
    counts = {k: len(v) for k, v in data.items() if k != "meta"}
    with Store.open(tmp_db) as s:
        assert {k: s.count_table(k) for k in counts} == counts
        assert all(a.rev.startswith("1-") for a in s.aims())
    migrated = on_disk(tmp_db)
    assert migrated["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert any("pre-migration-v2" in p.name for p in list_backups(tmp_db))


# -- the merge itself ---------------------------------------------------------------------------


def test_merge_covers_a_table_the_model_does_not_know(tmp_path: Path) -> None:
    base = {"id": "r1", "rev": "1-a", "name": "n", "x": 1, "y": 1, "updated": "t0"}
    mine = {**base, "x": 2, "rev": "2-b", "updated": "t1", "updated_by": "A"}
    theirs = {**base, "y": 3, "rev": "2-c", "updated": "t2", "updated_by": "B"}
    merged = merge_docs(base, mine, theirs)
    assert (merged["x"], merged["y"], merged["name"]) == (2, 3, "n")
    assert "_conflicts" not in merged
    # Through files too: a table this pdsa does not know, merged from another copy.
    path = tmp_path / "p.json"
    with Store.open(path, create=True):
        pass
    other = tmp_path / "o.json"
    shutil.copyfile(path, other)
    data = on_disk(other)
    data["widgets"] = {"1": {"id": "widget-1", "rev": "1-x", "reference": "W-0001"}}
    other.write_text(json.dumps(data), encoding="utf-8")
    with Store.open(path) as s:
        assert s.versions.merge_file(other).added == 1
    assert on_disk(path)["widgets"]["1"]["reference"] == "W-0001"


# -- properties: idempotence and order independence ---------------------------------------------

_FIELDS = ("notes", "lead", "population")
_edit = st.tuples(st.integers(0, 3), st.sampled_from(_FIELDS), st.text("abc xyz", max_size=6))


def _content(store: Store) -> dict[str, dict[str, Any]]:
    return {
        a.id: {f: getattr(a, f) for f in ("code", *_FIELDS)}
        for a in store.aims()  # live records and their fields
    }


def _copies(root: Path) -> tuple[Path, Path, list[str]]:
    base = root / "base.json"
    with Store.open(base, create=True, user="setup") as s:
        ids = [s.save(Aim(code=f"Aim {i}", statement="s")).id for i in range(4)]
    a, b = root / "a.json", root / "b.json"
    shutil.copyfile(base, a)
    shutil.copyfile(base, b)
    return a, b, ids


def _apply(path: Path, user: str, edits: list[tuple[int, str, str]], ids: list[str]) -> None:
    with Store.open(path, user=user) as s:
        for i, name, value in edits:
            s.save(dataclasses.replace(s.get(Aim, ids[i]), **{name: value}))


_PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPS
@given(st.lists(_edit, max_size=4), st.lists(_edit, max_size=4), st.booleans())
def test_merge_is_idempotent(
    edits_a: list[tuple[int, str, str]], edits_b: list[tuple[int, str, str]], delete: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a, b, ids = _copies(Path(tmp))
        _apply(a, "A", edits_a, ids)
        _apply(b, "B", edits_b, ids)
        if delete:
            with Store.open(b, user="B") as s:
                s.delete(s.get(Aim, ids[3]))
        with Store.open(a) as s:
            s.versions.merge_file(b)
            first = _content(s)
            conflicts = s.versions.conflicts()
            again = s.versions.merge_file(b)
            assert again.as_json() == {"added": 0, "updated": 0, "deleted": 0, "conflicts": 0}
            assert _content(s) == first
            assert s.versions.conflicts() == conflicts


@_PROPS
@given(
    st.lists(_edit, max_size=5),
    st.lists(_edit, max_size=5),
    st.lists(st.text("pqr", min_size=1, max_size=4), max_size=2),
)
def test_merge_of_changes_that_do_not_conflict_is_order_independent(
    edits_a: list[tuple[int, str, str]],
    edits_b: list[tuple[int, str, str]],
    new_b: list[str],
) -> None:
    # Non-conflicting: the two copies never touch the same field of the same record.
    touched = {(i, f) for i, f, _ in edits_a}
    edits_b = [e for e in edits_b if (e[0], e[1]) not in touched]
    with tempfile.TemporaryDirectory() as tmp:
        a, b, ids = _copies(Path(tmp))
        _apply(a, "A", edits_a, ids)
        _apply(b, "B", edits_b, ids)
        with Store.open(b, user="B") as s:
            for code in new_b:
                s.save(Aim(code=f"New {code}", statement="s"))
        a2, b2 = Path(tmp) / "a2.json", Path(tmp) / "b2.json"
        shutil.copyfile(a, a2)
        shutil.copyfile(b, b2)
        with Store.open(a2) as ab, Store.open(b2) as ba:
            ab.versions.merge_file(b)
            ba.versions.merge_file(a)
            assert _content(ab) == _content(ba)
            assert ab.versions.conflicts() == ba.versions.conflicts() == []
            assert {x.id: x.rev for x in ab.aims()} == {x.id: x.rev for x in ba.aims()}
