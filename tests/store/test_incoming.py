"""Copies from outside are checked, and nothing a merge does is final (issue 20, item 5)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.model import Aim, Measure
from pdsa_tui.store import Store, StoreError, checks


def _copy(db: Path, tmp_path: Path, name: str = "other.json") -> Path:
    other = tmp_path / name
    shutil.copyfile(db, other)
    return other


def _edit_raw(path: Path, change: Any) -> None:
    data = json.loads(path.read_bytes())
    change(data)
    path.write_text(json.dumps(data))


def _docs(data: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return list(data[table].values())


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """A database with one aim and one measure with points."""
    db = tmp_path / "pace.json"
    with Store.open(db, create=True, user="SP") as s:
        aim = s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
        m = s.save(Measure(aim_id=aim.id, name="Weeks to permanence", type="outcome"))
        import datetime as dt

        from pdsa_tui.model import DataPoint

        s.measure_data.add_points(
            m, [DataPoint(date=dt.date(2019, 1, d), value=d) for d in (1, 2, 3)]
        )
    return db


def test_a_conflict_entry_of_the_wrong_type_is_refused_naming_the_record(
    shared: Path, tmp_path: Path
) -> None:
    other = _copy(shared, tmp_path)

    def plant(data: dict[str, Any]) -> None:
        aim = _docs(data, "aims")[0]
        aim["_conflicts"] = [
            {
                "field": "statement",
                "values": [{"value": 5, "rev": "9-x", "updated": "", "updated_by": ""}],
            }
        ]
        aim["rev"] = "9-abc"

    _edit_raw(other, plant)
    before = shared.read_bytes()
    with Store.open(shared) as s, pytest.raises(StoreError, match=r"aims"):
        s.versions.merge_file(other)
    assert shared.read_bytes() == before


def test_a_history_entry_of_the_wrong_type_is_refused(shared: Path, tmp_path: Path) -> None:
    other = _copy(shared, tmp_path)

    def plant(data: dict[str, Any]) -> None:
        aim = _docs(data, "aims")[0]
        data["_history"][aim["id"]] = {
            "table": "aims",
            "versions": [
                {"rev": "0-x", "updated": "", "updated_by": "", "before": {"statement": 5}}
            ],
        }

    _edit_raw(other, plant)
    before = shared.read_bytes()
    with Store.open(shared) as s, pytest.raises(StoreError, match="history"):
        s.versions.merge_file(other)
    assert shared.read_bytes() == before


def test_a_history_entry_naming_an_unknown_table_is_refused(shared: Path, tmp_path: Path) -> None:
    other = _copy(shared, tmp_path)
    _edit_raw(other, lambda d: d["_history"].update({"x1": {"table": "nope", "versions": []}}))
    with Store.open(shared) as s, pytest.raises(StoreError, match="nope"):
        s.versions.merge_file(other)


def test_resolving_a_conflict_checks_the_value_like_an_edit(shared: Path) -> None:
    def plant(data: dict[str, Any]) -> None:
        aim = _docs(data, "aims")[0]
        aim["_conflicts"] = [
            {
                "field": "statement",
                "values": [
                    {"value": "kept", "rev": "", "updated": "", "updated_by": ""},
                    {"value": 5, "rev": "", "updated": "", "updated_by": ""},
                ],
            }
        ]

    _edit_raw(shared, plant)
    with Store.open(shared) as s:
        aim = s.aims()[0]
        with pytest.raises(StoreError, match="statement"):
            s.versions.resolve_conflict(aim.id, "statement", 1)
    with Store.open(shared) as s:  # the file still opens
        assert s.aims()[0].statement == "Permanence within 30 weeks"


def test_restoring_a_version_checks_it_like_an_edit(shared: Path) -> None:
    with Store.open(shared) as s:
        aim = s.aims()[0]
        s.save(dataclasses.replace(aim, statement="second"))

    def plant(data: dict[str, Any]) -> None:
        rid = _docs(data, "aims")[0]["id"]
        data["_history"][rid]["versions"][0]["before"]["statement"] = 7

    _edit_raw(shared, plant)
    with Store.open(shared) as s:
        aim = s.aims()[0]
        old = s.versions.history(aim.id)[1].rev
        with pytest.raises(StoreError, match="statement"):
            s.versions.restore(aim.id, old)
    Store.open(shared).close()


def test_a_merge_that_deletes_a_measure_keeps_it_restorable(shared: Path, tmp_path: Path) -> None:
    """A crafted copy claims the measure was deleted after our version: it can come back."""
    other = _copy(shared, tmp_path)
    with Store.open(shared) as s:
        m = s.measures()[0]
        mine = s.raw_doc(m.id)
        assert mine is not None
        mine_rev = mine["rev"]

    def crafted(data: dict[str, Any]) -> None:
        for key, doc in list(data["measures"].items()):
            if doc["id"] == m.id:
                del data["measures"][key]
        data["_history"][m.id] = {
            "table": "measures",
            "doc": {**mine, "name": "not what we had", "points": [], "rev": "5-aaaa"},
            "deleted": {"rev": "6-bbbb", "updated": "2030-01-01T00:00:00", "updated_by": "x"},
            "versions": [{"rev": mine_rev, "updated": "", "updated_by": "", "before": {}}],
        }

    _edit_raw(other, crafted)
    with Store.open(shared) as s:
        result = s.versions.merge_file(other)
        assert result.deleted == 1
        assert s.lookup(Measure, m.id) is None
        s.versions.restore(m.id, mine_rev)
    with Store.open(shared) as s:
        back = s.get(Measure, m.id)
        assert back.name == "Weeks to permanence"
        assert [p.value for p in back.points] == [1, 2, 3]


def test_a_merge_that_replaces_my_version_keeps_it_in_history(shared: Path, tmp_path: Path) -> None:
    other = _copy(shared, tmp_path)
    with Store.open(other, user="laptop") as s:
        s.save(dataclasses.replace(s.aims()[0], statement="from the laptop"))
    with Store.open(shared) as s:
        aim = s.aims()[0]
        mine_rev = s.raw_doc(aim.id)["rev"]  # type: ignore[index]
        s.versions.merge_file(other)
        assert s.aims()[0].statement == "from the laptop"
        s.versions.restore(aim.id, mine_rev)
        assert s.aims()[0].statement == "Permanence within 30 weeks"


def test_what_is_not_a_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match="not a regular file"):
        checks.read_file(fifo)


def test_no_file_is_read_without_a_size_limit(
    shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "MAX_FILE_BYTES", 100)
    with pytest.raises(StoreError, match="larger than"):
        checks.read_file(shared)
