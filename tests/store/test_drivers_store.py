"""Driver-diagram records in the store: the v2 -> v3 migration of free-text drivers, links."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import Programme

from pdsa_tui.model import ChangeIdea
from pdsa_tui.model.drivers import ChangePackage, PrimaryDriver, SecondaryDriver, SpreadEntry
from pdsa_tui.store import SCHEMA_VERSION, Store, list_backups
from pdsa_tui.store.drivers import (
    driver_ideas,
    link_driver,
    primary_drivers,
    secondary_drivers,
    secondary_of,
    unlinked_ideas,
)
from pdsa_tui.store.migrations import MIGRATED_PRIMARY, new_database


def v2_file() -> bytes:
    """A version 2 file: ideas of two aims naming drivers as free text."""
    data = new_database("2019-01-01T00:00:00+00:00")
    for table in ("primary_drivers", "secondary_drivers", "evidence_reviews", "spread"):
        del data[table]
    del data["change_packages"]
    data["meta"]["1"]["schema_version"] = 2

    def idea(n: int, aim: str, driver: str) -> dict[str, object]:
        return {
            "id": f"idea-{n}",
            "aim_id": aim,
            "title": f"Idea {n}",
            "lead": "TL",
            "driver": driver,
        }

    data["aims"] = {
        "1": {"id": "aim-1", "code": "Aim 1", "statement": "s"},
        "2": {"id": "aim-2", "code": "Aim 2", "statement": "s"},
    }
    data["ideas"] = {
        "1": idea(1, "aim-1", "Early planning"),
        "2": idea(2, "aim-1", "  early   PLANNING "),
        "3": idea(3, "aim-1", "Data and tracking"),
        "4": idea(4, "aim-1", ""),
        "5": idea(5, "aim-2", "Early planning"),
    }
    return json.dumps(data, indent=1).encode()


def test_migration_moves_driver_text_into_the_diagram_after_a_backup(tmp_db: Path) -> None:
    original = v2_file()
    tmp_db.write_bytes(original)
    with Store.open(tmp_db) as s:
        assert s.problems() == []
        [p1] = primary_drivers(s, "aim-1")
        [p2] = primary_drivers(s, "aim-2")
        assert p1.title == p2.title == MIGRATED_PRIMARY
        titles = [d.title for d in secondary_drivers(s, p1.id)]
        assert sorted(titles) == ["Data and tracking", "Early planning"]
        early = next(d for d in secondary_drivers(s, p1.id) if d.title == "Early planning")
        assert [i.id for i in driver_ideas(s, early.id)] == ["idea-1", "idea-2"]
        # Same words in another aim: that aim's own driver, not shared across aims.
        idea5 = s.get(ChangeIdea, "idea-5")
        other = secondary_of(s, idea5)
        assert other is not None and other.id != early.id and other.primary_id == p2.id
        assert [i.id for i in unlinked_ideas(s, "aim-1")] == ["idea-4"]
    pre = [p for p in list_backups(tmp_db) if ".pre-migration-v2-" in p.name]
    assert len(pre) == 1
    assert pre[0].read_bytes() == original  # the old text is kept there, byte for byte
    data = json.loads(tmp_db.read_bytes())
    assert data["meta"]["1"]["schema_version"] == SCHEMA_VERSION == 4
    assert all("driver" not in doc for doc in data["ideas"].values())
    assert len(data["secondary_drivers"]) == 3
    # Opening again migrates nothing more.
    with Store.open(tmp_db) as s:
        assert s.count(SecondaryDriver) == 3
    assert len([p for p in list_backups(tmp_db) if "pre-migration" in p.name]) == 1


def test_read_only_open_of_v2_migrates_in_memory_only(tmp_db: Path) -> None:
    original = v2_file()
    tmp_db.write_bytes(original)
    os.chmod(tmp_db, 0o600)
    with Store.open(tmp_db, read_only=True) as s:
        assert s.count(PrimaryDriver) == 2
        assert secondary_of(s, s.get(ChangeIdea, "idea-1")) is not None
    assert tmp_db.read_bytes() == original


def test_link_driver_creates_once_and_deleting_a_driver_unlinks_ideas(
    store: Store, programme: Programme
) -> None:
    idea = link_driver(store, programme.idea, "Timely planning", "Early meetings")
    again = link_driver(store, idea, "timely  planning", "EARLY meetings")
    assert again.driver_id == idea.driver_id
    assert store.count(PrimaryDriver) == 1 and store.count(SecondaryDriver) == 1
    [primary] = primary_drivers(store, programme.aim.id)
    counts = store.delete(primary)
    assert counts == {"primary_drivers": 1, "secondary_drivers": 1}
    kept = store.get(ChangeIdea, programme.idea.id)
    assert kept.driver_id == "" and kept.title == programme.idea.title
    assert store.problems() == []


def test_deleting_an_idea_deletes_its_package_and_spread(
    store: Store, programme: Programme
) -> None:
    store.save(ChangePackage(idea_id=programme.idea.id, steps="a\nb"))
    store.save(SpreadEntry(idea_id=programme.idea.id, locality="North", stage="testing"))
    counts = store.delete(store.get(ChangeIdea, programme.idea.id))
    assert counts["change_packages"] == 1 and counts["spread"] == 1
    assert store.count(ChangePackage) == 0 and store.problems() == []


def test_check_names_an_idea_linked_to_a_missing_driver(store: Store, programme: Programme) -> None:
    import dataclasses

    store.save(dataclasses.replace(programme.idea, driver_id="gone"))
    assert store.problems() == [
        f"Change idea {programme.idea.id} points to missing secondary driver 'gone'"
    ]
    assert unlinked_ideas(store, programme.aim.id)[0].id == programme.idea.id


def test_roles_an_idea_affects_must_be_feedback_roles(store: Store, programme: Programme) -> None:
    import dataclasses

    import pytest

    from pdsa_tui.model import ValidationError, from_form

    values = {"affects": "foster carer, Practitioner, social worker"}
    with pytest.raises(ValidationError) as info:
        from_form(ChangeIdea, values, base=programme.idea)
    message = str(info.value)
    assert "Roles it affects: 'social worker' is not a role" in message
    assert "Child or young person" in message  # says what is accepted
    ok = from_form(ChangeIdea, {"affects": "foster carer, Practitioner"}, base=programme.idea)
    assert store.save(dataclasses.replace(ok)).affects == ["foster carer", "Practitioner"]
