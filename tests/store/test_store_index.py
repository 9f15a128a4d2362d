"""The store's index of records by the record they belong to stays right after every change.

Queries such as ``store.cycles(idea_id)`` read the index; each test compares them with a
full scan of the table (what they did before the index) after adds, edits that move a
record to another parent, deletes, merges from another copy or file, restores,
a failed save's rollback and a reopen.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import Programme, build_programme

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Measure
from pdsa_tui.model.registry import PARENTS as _PARENT
from pdsa_tui.store import Store, WriteFailedError


def scanned(store: Store) -> dict[tuple[str, str], set[str]]:
    """Every ``(table, parent id)`` with the ids of its records, by a full scan."""
    out: dict[tuple[str, str], set[str]] = {}
    for cls, (attr, _parent) in _PARENT.items():
        for rec in store.all(cls):
            out.setdefault((cls.TABLE, getattr(rec, attr)), set()).add(rec.id)
    return out


def indexed(store: Store) -> dict[tuple[str, str], set[str]]:
    """The same, as the index holds it (no empty groups, the cached records themselves)."""
    out: dict[tuple[str, str], set[str]] = {}
    for cls in _PARENT:
        for parent_id, group in store._index.groups(cls).items():
            assert group, f"an empty group is left for {cls.TABLE} of {parent_id}"
            for rid, rec in group.items():
                assert store.lookup(cls, rid) is rec
            out[(cls.TABLE, parent_id)] = set(group)
    return out


def assert_index_right(store: Store) -> None:
    assert indexed(store) == scanned(store)
    for aim in store.all(Aim):
        by_scan = sorted(
            c.id for c in store.all(Cycle) if store.get(ChangeIdea, c.idea_id).aim_id == aim.id
        )
        assert sorted(c.id for c in store.cycles_for_aim(aim.id)) == by_scan
        assert {m.id for m in store.measures(aim.id)} == {
            m.id for m in store.all(Measure) if m.aim_id == aim.id
        }
    for cycle in store.all(Cycle):
        assert [f.id for f in store.feedback(cycle.id)] == [
            f.id for f in store.feedback() if f.cycle_id == cycle.id
        ]


def test_queries_by_parent_match_a_scan_after_adds_and_edits(
    store: Store, programme: Programme
) -> None:
    assert_index_right(store)
    second = store.save(Aim(code="Aim 2", statement="Another aim"))
    idea = store.save(ChangeIdea(aim_id=second.id, title="Second idea", lead="TL"))
    new = store.save(Cycle(idea_id=idea.id, objective="first test"))
    assert [c.id for c in store.cycles(idea.id)] == [new.id]
    assert_index_right(store)
    # Moving records to another parent moves them in the index too.
    store.save(dataclasses.replace(store.get(ChangeIdea, programme.idea.id), aim_id=second.id))
    fb = programme.feedback[0]
    store.save(dataclasses.replace(store.get(Feedback, fb.id), cycle_id=new.id))
    assert programme.idea.id in {i.id for i in store.ideas(second.id)}
    assert store.ideas(programme.aim.id) == []
    assert fb.id in {f.id for f in store.feedback(new.id)}
    assert fb.id not in {f.id for f in store.feedback(programme.cycles[0].id)}
    assert_index_right(store)


def test_the_index_follows_deletes_restores_and_a_reopen(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    store.delete(programme.cycles[0])
    assert store.feedback(programme.cycles[0].id) == []
    assert [c.id for c in store.cycles(programme.idea.id)] == [programme.cycles[1].id]
    assert_index_right(store)
    store.versions.restore(programme.cycles[0].id)
    assert {c.id for c in store.cycles(programme.idea.id)} == {c.id for c in programme.cycles}
    assert_index_right(store)
    store.delete(programme.aim)
    assert store.ideas(programme.aim.id) == [] and store.measures(programme.aim.id) == []
    assert_index_right(store)
    with Store.open(tmp_db) as again:
        assert indexed(again) == indexed(store)
        assert_index_right(again)


def test_the_index_follows_another_copys_saves_and_a_merged_file(
    tmp_db: Path, store: Store, programme: Programme, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(tmp_db, laptop)
    other = Store.open(tmp_db, user="other")
    added = other.save(Cycle(idea_id=programme.idea.id, objective="from the other copy"))
    other.delete(other.get(Cycle, programme.cycles[1].id))
    store.refresh()
    assert {c.id for c in store.cycles(programme.idea.id)} == {programme.cycles[0].id, added.id}
    assert_index_right(store)
    with Store.open(laptop, user="laptop") as away:
        idea = away.save(ChangeIdea(aim_id=programme.aim.id, title="Offline idea", lead="TL"))
        away.save(Cycle(idea_id=idea.id, objective="on the train"))
    store.versions.merge_file(laptop)
    assert [c.objective for c in store.cycles(idea.id)] == ["on the train"]
    assert_index_right(store)


def test_a_failed_save_rolls_the_index_back_too(
    store: Store, programme: Programme, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = indexed(store)

    def fail(*args: object, **kwargs: object) -> None:
        raise WriteFailedError("disk full")

    monkeypatch.setattr(store._file, "save", fail)
    with pytest.raises(WriteFailedError):
        store.save(Cycle(idea_id=programme.idea.id, objective="never saved"))
    assert indexed(store) == before
    assert_index_right(store)


def test_many_records_keep_their_own_parents(store: Store) -> None:
    with store.transaction():
        for _ in range(3):
            build_programme(store)
    assert len(store.all(Aim)) == 3
    for idea in store.all(ChangeIdea):
        assert len(store.cycles(idea.id)) == 2
    assert_index_right(store)


def test_exporting_every_aim_scans_each_table_a_fixed_number_of_times(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No scan of a whole table per cycle: the work of ``export --all`` grows linearly.

    Counts full-table reads (``Store.all``) of cycles and feedback while exporting a
    programme, then one with three times as many cycles: the count must not grow.
    """
    from pdsa_tui.report.export import export_text

    scans: list[str] = []
    real_all = Store.all

    def counting(self: Store, cls: type[Any]) -> list[Any]:
        if cls in (Cycle, Feedback):
            scans.append(cls.TABLE)
        return real_all(self, cls)

    build_programme(store)
    monkeypatch.setattr(Store, "all", counting)
    for fmt in ("html", "md"):
        export_text(store, all=True, fmt=fmt)
    few = len(scans)
    monkeypatch.setattr(Store, "all", real_all)
    with store.transaction():
        for _ in range(2):
            build_programme(store)
    assert len(store.all(Cycle)) == 6
    scans.clear()
    monkeypatch.setattr(Store, "all", counting)
    for fmt in ("html", "md"):
        export_text(store, all=True, fmt=fmt)
    assert len(scans) <= few, scans
