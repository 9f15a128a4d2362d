"""The demo built by ``Store.save_all`` is the file one save per record made, byte for byte.

The reference below is the demo's loader as it was before ``save_all``: every value moved
by a plain recursive walk, every record saved by :meth:`Store.save`, a measure's points
added by :meth:`Store.add_points` (ids by :func:`uuid.uuid5`), an amendment saved over
the stored record. With the clock and the programme's identity pinned, both builds must
write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import uuid
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui import demo as demo_module
from pdsa_tui.model import (
    RECORD_TYPES,
    Aim,
    ChangeIdea,
    Cycle,
    DataPoint,
    Measure,
    ValidationError,
    dates,
)
from pdsa_tui.store import Store, copies
from pdsa_tui.store.errors import StoreError

#: A moment well away from any real run: every stamp of both builds is this second.
PINNED = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock of every stamp (records' own defaults too) and the new file's identity."""
    monkeypatch.setattr(dates, "time", types.SimpleNamespace(time=PINNED.timestamp))
    monkeypatch.setattr(dates, "_stamped", (-1, ""))
    monkeypatch.setattr(copies, "new_identity", lambda: "pinned-identity")


def _moved(tl: demo_module.Timeline, value: Any) -> Any:
    """The old ``Timeline.value``: every string looked at, every dict and list copied."""
    if isinstance(value, str):
        day = tl.date(value)
        if day is not None:
            return None if value.endswith("?") and day > tl.today else day.isoformat()
        template = re.compile(r"\{\{(\d{4}-\d{2}-\d{2}(?:[+-]\d+)?|today(?:[+-]\d+)?)\|([^}]*)\}\}")
        return template.sub(tl._fill, value)
    if isinstance(value, dict):
        return {k: _moved(tl, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(tl, v) for v in value]
    return value


def _rows(doc: dict[str, Any], today: dt.date, section: str) -> list[tuple[str, dict[str, Any]]]:
    last = dt.date.fromisoformat(doc.get("timeline", {}).get("last_month", "2020-01-01"))
    tl = demo_module.Timeline.for_file(last, today)
    out = []
    for table, rows in doc.get(section, {}).items():
        for row in rows:
            data = _moved(tl, row)
            if isinstance(row.get("created"), str):
                data["created"] = tl.stamp(row["created"])
            out.append((table, data))
    return out


def _reference_build(store: Store, today: dt.date) -> None:
    """The demo saved one record at a time (the loader before ``save_all``)."""
    point_ids = uuid.UUID("5f0c2a9e-7d43-4b8e-9a61-3c2f0e8d4b17")
    files = [(p.name, json.loads(p.read_text(encoding="utf-8"))) for p in _data_files()]
    with dates.as_of(today), store.transaction():
        for _name, doc in files:
            for table, data in _rows(doc, today, "tables"):
                cls = RECORD_TYPES[table]
                points = data.pop("points", None) if cls is Measure else None
                record = store.save(cls.from_dict(data))
                if isinstance(record, Measure) and points:
                    ids = [
                        uuid.uuid5(point_ids, f"{record.id}/{p['date']}/{k}")
                        for k, p in enumerate(points)
                    ]
                    store.measure_data.add_points(
                        record,
                        [
                            DataPoint.from_dict({"id": str(i), **p})
                            for i, p in zip(ids, points, strict=True)
                        ],
                    )
            for table, data in _rows(doc, today, "amend"):
                cls = RECORD_TYPES[table]
                current = store.get(cls, data["id"])
                store.save(cls.from_dict({**current.to_dict(), **data}))


def _data_files() -> list[Path]:
    folder = Path(demo_module.__file__).parent / demo_module.DATA_FOLDER
    return sorted(folder.glob("*.json"), key=lambda p: p.name)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 11, 22), dt.date(2020, 2, 10), dt.date(2024, 1, 31)]
)
def test_the_demo_file_is_the_one_a_save_per_record_wrote(
    tmp_path: Path, pinned: None, today: dt.date
) -> None:
    built = tmp_path / "built" / "demo.json"
    built.parent.mkdir()
    demo_module.write_demo(built, today=today)
    reference = tmp_path / "reference" / "demo.json"
    reference.parent.mkdir()
    with Store.open(reference, create=True, user="demo") as store:
        _reference_build(store, today)
    assert built.read_bytes() == reference.read_bytes()
    assert built.stat().st_mode == reference.stat().st_mode
    # The records the demo's store holds are those the file holds, read back.
    shown = demo_module.open_demo(tmp_path / "shown.json", today=today)
    again = Store.open(tmp_path / "shown.json", read_only=True)
    for cls in RECORD_TYPES.values():
        assert sorted(shown.all(cls), key=lambda r: r.id) == sorted(
            again.all(cls), key=lambda r: r.id
        )


def test_the_data_files_read_as_json_reads_them() -> None:
    assert [doc for _name, doc in demo_module.data_files()] == [
        json.loads(p.read_text(encoding="utf-8")) for p in _data_files()
    ]


@pytest.mark.parametrize("name", ["m/2024-05-01/0", "x", "", "ü/é/日本/3", "a" * 300])
def test_point_ids_are_uuid5(name: str) -> None:
    ns = uuid.UUID("5f0c2a9e-7d43-4b8e-9a61-3c2f0e8d4b17")
    assert demo_module._point_id(name) == str(uuid.uuid5(ns, name))


def test_now_stamp_is_the_current_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [PINNED.timestamp() + 0.25]
    monkeypatch.setattr(dates, "time", types.SimpleNamespace(time=lambda: clock[0]))
    assert dates.now_stamp() == "2026-11-22T10:00:00+00:00"
    clock[0] += 0.7
    assert dates.now_stamp() == "2026-11-22T10:00:00+00:00"
    clock[0] += 0.1
    assert dates.now_stamp() == "2026-11-22T10:00:01+00:00"
    clock[0] -= 3600  # the clock put back: the text follows it
    assert dates.now_stamp() == "2026-11-22T09:00:01+00:00"


# -- Store.save_all ---------------------------------------------------------------------


def _programme() -> list[Any]:
    aim = Aim(code="Aim 1", statement="Improve", lead="Service manager", kind="national")
    idea = ChangeIdea(aim_id=aim.id, title="Checklist", lead="Team leader")
    cycles = [Cycle(idea_id=idea.id, objective=f"Test {k}") for k in range(3)]
    return [aim, idea, *cycles]


def test_save_all_stores_what_one_save_each_stores(tmp_path: Path, pinned: None) -> None:
    records = _programme()
    one = Store.open(tmp_path / "one.json", create=True, user="t")
    with one.transaction():
        for r in records:
            one.save(r)
    many = Store.open(tmp_path / "many.json", create=True, user="t")
    assert many.save_all(records) == len(records)
    assert (tmp_path / "many.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    assert many.saves == 1
    # The ramp's numbers, as save gives them one by one.
    assert sorted(c.number for c in many.all(Cycle)) == [1, 2, 3]
    # A record already stored goes through save: a second version, with its history.
    aim = many.all(Aim)[0]
    assert many.save_all([Aim.from_dict({**aim.to_dict(), "statement": "Improve more"})]) == 1
    assert many.get(Aim, aim.id).rev.startswith("2-")
    assert many.versions.history(aim.id)[1].content["statement"] == "Improve"


def test_save_all_continues_the_tables_keys(tmp_path: Path, pinned: None) -> None:
    store = Store.open(tmp_path / "k.json", create=True, user="t")
    aim, idea, *cycles = _programme()
    store.save(aim)
    store.save(idea)
    store.save(cycles[0])
    store.save_all(cycles[1:])
    data = json.loads((tmp_path / "k.json").read_text())
    assert sorted(data["cycles"], key=int) == ["1", "2", "3"]


def test_save_all_saves_all_or_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.json", create=True, user="t")
    aim, idea, *cycles = _programme()
    orphan = Cycle(idea_id="no-such-idea", objective="Lost")
    with pytest.raises(StoreError):
        store.save_all([aim, idea, cycles[0], orphan])
    assert store.counts()["aims"] == 0
    assert store.counts()["cycles"] == 0
    assert not json.loads((tmp_path / "a.json").read_text()).get("aims")
    with pytest.raises(ValidationError, match="Code: is required"):  # nothing saved
        store.save_all([aim, Aim(code="", statement="")])
    assert store.counts()["aims"] == 0


# -- Store.new: a database made by its first save --------------------------------------


def test_a_new_store_writes_its_file_once_at_its_first_save(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "folder" / "new.json"
    store = Store.new(path, user="t")
    assert not path.exists()  # nothing on disk until the first save
    assert path.parent.is_dir()
    aim, idea, *cycles = _programme()
    store.save_all([aim, idea, *cycles])
    assert store.saves == 1
    again = Store.open(path, read_only=True)
    assert again.counts()["cycles"] == 3
    assert again.identity() == store.identity() != ""
    store.save(Cycle(idea_id=idea.id, objective="Later"))  # an ordinary save after it
    assert Store.open(path, read_only=True).counts()["cycles"] == 4


def test_a_new_store_never_writes_over_a_file_that_appeared(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    with pytest.raises(FileExistsError):
        Store.new(path.parent, user="t")
    store = Store.new(path, user="t")
    path.write_text("theirs")
    aim, *_ = _programme()
    with pytest.raises(FileExistsError):
        store.save(aim)
    assert path.read_text() == "theirs"


def test_a_new_store_in_a_folder_it_cannot_make_says_so(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match=r"could not create the database.*nothing was written"):
        Store.new(tmp_path / "file" / "new.json", user="t")


def test_a_demo_that_fails_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(store: Store, day: dt.date) -> Any:
        yield Aim(code="", statement="")

    monkeypatch.setattr(demo_module, "_demo_records", broken)
    with pytest.raises(ValidationError):
        demo_module.open_demo(tmp_path / "demo.json")
    assert not (tmp_path / "demo.json").exists()
