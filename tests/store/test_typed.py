"""A large file is read straight into its records, its documents decoded when first needed.

Never accepting more than the full checks, building exactly what ``from_dict`` builds, and
giving the documents (every field, in the file's order) as a plain read gives them. The
demo (every table) is read both ways and compared; then one field of one record of it is
changed to any JSON value, as in ``test_building``. The size from which files are read
this way is lowered to nothing here, so small files take that road.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_building import assert_built_as_from_dict, damaged, each_field_damaged, one_of_each

from pdsa_tui.model import Cycle, Feedback
from pdsa_tui.model.registry import RECORD_CLASSES
from pdsa_tui.store import Store, StoreError, copies, typed
from pdsa_tui.store.checks import parse_and_build, parse_file
from pdsa_tui.store.opening import read_for_reading

PATH = Path("/nonexistent/pdsa-typed-test.json")


@pytest.fixture(autouse=True)
def every_file_typed() -> Iterator[None]:
    """Every file read straight into its records, whatever its size."""
    with mock.patch.object(typed, "TYPED_FROM", 0):
        yield


@pytest.fixture(scope="module", autouse=True)
def same_new_ids() -> Iterator[None]:
    """A value made at each build (a new id) made the same each time."""
    with mock.patch("uuid.uuid4", return_value=uuid.UUID(int=21)):
        yield


@pytest.fixture(scope="module", autouse=True)
def demo(demo_data: dict[str, Any]) -> dict[str, Any]:
    """The demo's data, its clock pinned for every test here (tests/conftest.py)."""
    return demo_data


def assert_same_as_a_plain_read(raw: bytes) -> bool:
    """Read straight into records only what a plain read accepts, building the same
    records, and the same documents when they are asked for. Whether it was read so."""
    got = typed.read_typed(raw)
    try:
        checked = parse_file(PATH, raw)
    except StoreError as exc:
        assert got is None, f"read what the full checks refuse: {exc}"
        return False
    if got is None:
        return False
    held, records, later = got
    assert_built_as_from_dict(checked, records)
    whole = later.whole(copy.deepcopy(held))
    assert json.dumps(whole) == json.dumps(checked)  # the same values, in the same order
    plain, _ = parse_and_build(PATH, raw)
    assert json.dumps(held) == json.dumps({k: v for k, v in plain.items() if k in held})
    return True


def test_the_demo_is_read_straight_into_its_records(demo: dict[str, Any]) -> None:
    assert assert_same_as_a_plain_read(json.dumps(demo).encode())
    got = typed.read_typed(json.dumps(demo).encode())
    assert got is not None
    held, _records, _later = got
    # Tables of records with rows, points or numbers are read as documents, as before.
    assert {"meta", "aims", "measures", "programme", "meetings"} <= set(held)
    assert not {"cycles", "feedback", "ideas", "cases"} & set(held)


def test_every_field_of_every_table_with_every_kind_of_value(demo: dict[str, Any]) -> None:
    accepted = refused = 0
    for bad in each_field_damaged(one_of_each(demo)):
        if assert_same_as_a_plain_read(json.dumps(bad).encode()):
            accepted += 1
        else:
            refused += 1
    assert accepted > 100 and refused > 100  # both ways taken, many times


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_never_accepts_what_the_full_checks_refuse(
    demo: dict[str, Any], data: st.DataObject
) -> None:
    assert_same_as_a_plain_read(json.dumps(data.draw(damaged(demo))).encode())


#: Values msgspec would skip unread in a field it does not know (json refuses some, and
#: reads others as values no typed field holds).
UNREAD = {
    "not UTF-8": b'"\xff"',
    "more digits than json reads": b"1" + b"0" * 5000,
    "beyond a float": b"1e400",
    "NaN": b"NaN",
    "a lone surrogate": b'"\\ud800"',
    "nested too deeply": b"[" * 2000 + b"]" * 2000,
    "text": b'"a"',  # a field this pdsa does not know: read the plain way, and kept
}


@pytest.mark.parametrize("what", sorted(UNREAD))
@pytest.mark.parametrize("where", ["cycles", "feedback", "tasks", "top"])
def test_no_value_is_skipped_unread(demo: dict[str, Any], what: str, where: str) -> None:
    """A field it does not know refuses the straight road (msgspec would skip its value
    unread): the plain read judges the file, as before."""
    data = one_of_each(demo)
    cycle = next(iter(demo["cycles"].values()))
    data["cycles"] = {"1": {**cycle, "tasks": [{"who": "SW"}]}}
    raw = json.dumps(data).encode()
    at = {
        "cycles": b'"objective"',
        "feedback": b'"cycle_id"',
        "tasks": b'"who"',
        "top": b'"meta"',
    }[where]
    cut = raw.index(at)
    bad = raw[:cut] + b'"x": ' + UNREAD[what] + b", " + raw[cut:]
    assert typed.read_typed(raw) is not None
    assert typed.read_typed(bad) is None


@pytest.mark.parametrize("where", ["table", "history"])
def test_an_unknown_table_or_a_history_is_read_as_before(demo: dict[str, Any], where: str) -> None:
    data = copy.deepcopy(demo)
    if where == "table":
        data["from_a_newer_pdsa"] = {"1": {"id": "x"}}
        assert typed.read_typed(json.dumps(data).encode()) is None
    else:
        cycle = next(iter(data["cycles"].values()))
        data["_history"] = {cycle["id"]: {"table": "cycles", "versions": []}}
        assert assert_same_as_a_plain_read(json.dumps(data).encode())


def test_a_record_with_conflicts_is_read_straight(demo: dict[str, Any]) -> None:
    data = copy.deepcopy(demo)
    doc = next(iter(data["cycles"].values()))
    doc["_conflicts"] = [{"field": "lead", "values": [{"value": "A", "rev": "2-a"}]}]
    assert assert_same_as_a_plain_read(json.dumps(data).encode())


def test_a_file_without_its_identity_is_read_as_before(demo: dict[str, Any]) -> None:
    """An identity derived from the records' documents: they are read at once."""
    data = copy.deepcopy(demo)
    data["meta"]["1"].pop(copies.IDENTITY, None)
    data["meta"]["1"].pop("created", None)
    assert typed.read_typed(json.dumps(data).encode()) is None


def _open_both(demo: dict[str, Any], tmp_path: Path) -> tuple[Store, Store]:
    """The demo opened twice for writing: straight into records, and the plain way."""
    stores = []
    for name, size in (("typed", 0), ("plain", 1 << 40)):
        path = tmp_path / name / "p.json"
        path.parent.mkdir()
        path.write_text(json.dumps(demo), encoding="utf-8")
        with mock.patch.object(typed, "TYPED_FROM", size):
            stores.append(Store.open(path, user="SW"))
    assert stores[1]._later is None
    return stores[0], stores[1]


def test_reading_records_never_decodes_the_documents(demo: dict[str, Any], tmp_path: Path) -> None:
    store, plain = _open_both(demo, tmp_path)
    assert store._later is not None
    assert store.counts() == plain.counts()
    assert store.problems() == plain.problems()
    assert store.identity() == plain.identity()
    for cls in RECORD_CLASSES:
        assert store.all(cls) == plain.all(cls)
    assert store._later is not None
    assert store.versions.conflicts() == plain.versions.conflicts()
    assert store._later is None
    assert store.raw_records() == plain.raw_records()
    assert store._base_revs == plain._base_revs


@pytest.mark.parametrize("newer", [False, True])
def test_a_save_writes_the_same_bytes(demo: dict[str, Any], tmp_path: Path, newer: bool) -> None:
    """The file's bytes after a save as a plain open saves them (``newer``: with fields a
    newer pdsa wrote, which are kept, read the plain way)."""
    data = copy.deepcopy(demo)
    if newer:
        for doc in itertools.islice(data["cycles"].values(), 3):
            doc["from_a_newer_pdsa"] = {"kept": [1, 2]}
    store, plain = _open_both(data, tmp_path)
    assert (store._later is None) is newer
    with mock.patch("pdsa_tui.store.store.now_stamp", return_value="2026-01-02T03:04:05+00:00"):
        for s in (store, plain):
            cycle = sorted(s.all(Cycle), key=lambda c: c.id)[0]
            s.save(dataclasses.replace(cycle, learned="Learned: " + cycle.learned))
            fb = sorted(s.all(Feedback), key=lambda f: f.id)[0]
            s.delete(fb)
    assert store.path.read_bytes() == plain.path.read_bytes()
    assert (b"from_a_newer_pdsa" in store.path.read_bytes()) is newer


def test_an_unknown_field_survives_a_save(demo: dict[str, Any], tmp_path: Path) -> None:
    data = copy.deepcopy(demo)
    doc = next(iter(data["cycles"].values()))
    doc["from_a_newer_pdsa"] = {"kept": True}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    store = Store.open(path, user="SW")
    cycle = store.get(Cycle, doc["id"])
    store.save(dataclasses.replace(cycle, learned="More"))
    saved = json.loads(path.read_bytes())
    assert next(d for d in saved["cycles"].values() if d["id"] == doc["id"])[
        "from_a_newer_pdsa"
    ] == {"kept": True}


def test_a_merging_save_after_a_straight_read(demo: dict[str, Any], tmp_path: Path) -> None:
    """Another copy saved since this one read the file: the merge needs the documents as
    this copy read them (their revisions), decoded then."""
    path = tmp_path / "p.json"
    path.write_text(json.dumps(demo), encoding="utf-8")
    mine = Store.open(path, user="SW")
    other = Store.open(path, user="TL")
    first, second = sorted(other.all(Cycle), key=lambda c: c.id)[:2]
    other.save(dataclasses.replace(first, learned="Theirs"))
    assert mine._later is not None
    mine.save(dataclasses.replace(mine.get(Cycle, second.id), learned="Mine"))
    again = Store.open(path, read_only=True)
    assert again.get(Cycle, first.id).learned == "Theirs"
    assert again.get(Cycle, second.id).learned == "Mine"
    assert mine.get(Cycle, first.id).learned == "Theirs"
    assert not mine.versions.conflicts()


def test_a_damaged_large_file_is_refused_with_the_same_message(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    data = copy.deepcopy(demo)
    next(iter(data["cycles"].values()))["planned_start"] = "2019-02-30"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StoreError) as straight:
        read_for_reading(path)
    with mock.patch.object(typed, "TYPED_FROM", 1 << 40), pytest.raises(StoreError) as plain:
        read_for_reading(path)
    assert str(straight.value) == str(plain.value)
    assert "planned_start" in str(straight.value)
