"""Settling conflicts with a combined text, and saving under a record another copy deleted."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import Programme

from pdsa_tui.model import Aim, ChangeIdea, Cycle, ValidationError
from pdsa_tui.store import MissingParentError, Store, StoreError


def _conflict(path: Path, cycle: Cycle, field: str, mine: object, theirs: object) -> None:
    a, b = Store.open(path, user="AL"), Store.open(path, user="BK")
    a.save(dataclasses.replace(a.get(Cycle, cycle.id), **{field: mine}))
    b.save(dataclasses.replace(b.get(Cycle, cycle.id), **{field: theirs}))
    a.close()
    b.close()


def test_a_combined_text_settles_a_conflict_and_is_kept_in_history(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    cycle = programme.cycles[0]
    _conflict(tmp_db, cycle, "what_happened", "ran in East", "ran in West")
    store.refresh()
    assert len(store.versions.conflicts()) == 1
    store.versions.combine_conflict(cycle.id, "what_happened", "ran in East\n\nran in West\n")
    assert store.versions.conflicts() == []
    assert store.get(Cycle, cycle.id).what_happened == "ran in East\n\nran in West"
    newest = store.versions.history(cycle.id)[0]
    assert newest.changed == ["what_happened"] and newest.updated_by == store.user
    with Store.open(tmp_db, read_only=True) as s:
        assert s.get(Cycle, cycle.id).what_happened == "ran in East\n\nran in West"
        assert s.versions.conflicts() == []


def test_only_text_can_be_combined(tmp_db: Path, store: Store, programme: Programme) -> None:
    import datetime as dt

    cycle = programme.cycles[0]
    _conflict(tmp_db, cycle, "do_end", dt.date(2019, 3, 27), dt.date(2019, 3, 26))
    store.refresh()
    with pytest.raises(StoreError, match="only one of its values can be kept"):
        store.versions.combine_conflict(cycle.id, "do_end", "27/03/2019")
    assert len(store.versions.conflicts()) == 1


def test_a_combined_value_the_field_refuses_names_the_field(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    cycle = programme.cycles[0]
    _conflict(tmp_db, cycle, "objective", "Test with one family", "Test with two families")
    store.refresh()
    with pytest.raises(ValidationError) as blank:
        store.versions.combine_conflict(cycle.id, "objective", "   ")
    assert blank.value.errors[0].label == "Objective"
    assert "required" in blank.value.errors[0].message
    with pytest.raises(ValidationError, match="one line"):
        store.versions.combine_conflict(cycle.id, "objective", "one family\ntwo families")
    assert len(store.versions.conflicts()) == 1


def _deleted_by_sam(tmp_db: Path, record: object) -> None:
    with Store.open(tmp_db, user="Sam") as other:
        other.delete(other.get(type(record), record.id))  # type: ignore[arg-type, attr-defined]


def test_saving_under_a_record_another_copy_deleted_names_it_in_words(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    _deleted_by_sam(tmp_db, programme.idea)
    store.refresh()
    with pytest.raises(MissingParentError) as caught:
        store.save(Cycle(idea_id=programme.idea.id, objective="Try it in South"))
    err = caught.value
    assert err.restorable and err.parent_title == "Early permanence planning meeting"
    assert err.deleted_by == "Sam" and err.deleted_on.count("/") == 2
    text = str(err)
    assert programme.idea.id not in text and programme.idea.id[:8] not in text
    assert "Change idea 'Early permanence planning meeting' was deleted by Sam on" in text
    assert "pdsa restore 'Early permanence planning meeting'" in text


def test_restore_to_save_brings_back_the_owner_chain_then_the_save_lands(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    _deleted_by_sam(tmp_db, programme.aim)  # the aim, its idea, its cycles
    store.refresh()
    edited = dataclasses.replace(programme.cycles[1], objective="Test with four families")
    with pytest.raises(MissingParentError) as caught:
        store.save(edited)
    chain = store.versions.deleted_owners(edited.id)
    assert [t for t, _ in chain] == ["cycles", "ideas", "aims"]
    with store.transaction():
        store.versions.restore_to_save(edited, caught.value)
        store.save(edited)
    with Store.open(tmp_db, read_only=True) as s:
        assert s.get(Aim, programme.aim.id).code == "Aim 1"
        assert s.get(ChangeIdea, programme.idea.id)
        assert s.get(Cycle, edited.id).objective == "Test with four families"
        assert edited.id not in {g["id"] for g in s.versions.deleted()}
        assert programme.aim.id not in {g["id"] for g in s.versions.deleted()}
        assert s.problems() == []


def test_a_parent_with_no_history_is_named_by_its_noun_only(
    store: Store, programme: Programme
) -> None:
    with pytest.raises(MissingParentError) as caught:
        store.save(Cycle(idea_id="2d2ec2f3-0000-4000-8000-000000000000", objective="x"))
    err = caught.value
    assert not err.restorable
    assert "2d2ec2f3" not in str(err)
    assert "change idea that is no longer in the file" in str(err)
    assert "another change idea" in str(err)


def test_an_edit_of_a_record_another_copy_deleted_is_not_saved_silently(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    _deleted_by_sam(tmp_db, programme.idea)
    store.refresh()
    edited = dataclasses.replace(programme.idea, title="Early planning meeting, all teams")
    with pytest.raises(MissingParentError) as caught:
        store.save(edited)
    err = caught.value
    assert err.itself and err.restorable and err.deleted_by == "Sam"
    assert str(err).startswith("Change idea 'Early permanence planning meeting' was deleted by")
    assert store.lookup(ChangeIdea, edited.id) is None
    with store.transaction():
        store.versions.restore_to_save(edited, err)
        store.save(edited)
    with Store.open(tmp_db, read_only=True) as s:
        assert s.get(ChangeIdea, edited.id).title == "Early planning meeting, all teams"
        assert edited.id not in {g["id"] for g in s.versions.deleted()}
        assert s.problems() == []
