"""Opening checks and builds each record in one walk: never accepting more than the full
checks, and building exactly what ``from_dict`` builds.

The demo (every table) is built both ways and compared field by field; then, property
based, one field of one record of it is changed to any JSON value (or removed, or a
document key or id changed): whenever the one-walk builder accepts the file, the full
checks accept it too and the records are ``from_dict``'s; when it does not, opening
gives the full checks' message, the same as before.
"""

from __future__ import annotations

import copy
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

from pdsa_tui.model import Record
from pdsa_tui.model.registry import RECORD_CLASSES, RECORD_TYPES
from pdsa_tui.store import Store, UnreadableDatabaseError, checks
from pdsa_tui.store.checks import (
    build_checked,
    check_parsed,
    decoded,
    parse_and_build,
    parse_file,
)
from pdsa_tui.store.merge import revs
from pdsa_tui.store.migrations import SCHEMA_VERSION


@pytest.fixture(scope="module", autouse=True)
def every_table_by_its_builder() -> Iterator[None]:
    """Tables of fewer than ``checks.FEW`` records are checked and built as before: here
    every table goes through its builder (one test puts the limit back)."""
    with mock.patch.object(checks, "FEW", 0):
        yield


@pytest.fixture(scope="module", autouse=True)
def same_new_ids(demo: dict[str, Any]) -> Iterator[None]:
    """A data point stored without an id gets a new one each time it is built: one id
    (once the demo is written)."""
    with mock.patch("uuid.uuid4", return_value=uuid.UUID(int=21)):
        yield


@pytest.fixture(scope="module", autouse=True)
def demo(demo_data: dict[str, Any]) -> dict[str, Any]:
    """The demo's data, its clock pinned for every test here (tests/conftest.py)."""
    return demo_data


def assert_built_as_from_dict(data: dict[str, Any], built: dict[type[Record], Any]) -> None:
    """Every record built as ``from_dict`` builds it: equal, same fields in the same order;
    the revisions read from them as from the documents."""
    assert list(revs(data, built).items()) == list(revs(data).items())
    for cls in RECORD_CLASSES:
        records, doc_ids = built[cls]
        docs = data.get(cls.TABLE, {})
        assert len(records) == len(docs)
        for doc_id, doc in docs.items():
            want = cls.from_dict(doc)
            got = records[want.id]
            assert type(got) is cls
            # Compared as shown (NaN is not equal to itself): every field, in order.
            assert repr(vars(got)) == repr(vars(want))
            assert doc_ids[want.id] == doc_id


def test_the_demo_is_built_as_from_dict_builds_it(demo: dict[str, Any]) -> None:
    data = copy.deepcopy(demo)
    built = build_checked(data)
    assert built is not None
    assert_built_as_from_dict(data, built)
    assert data == demo  # nothing of the file's data changed


def test_small_tables_are_checked_and_built_as_before(demo: dict[str, Any]) -> None:
    """With a limit of 200, the demo's small tables go the old way, its cases (243) not."""
    data = copy.deepcopy(demo)
    with mock.patch.object(checks, "FEW", 200):
        built = build_checked(data)
        assert built is not None
        assert_built_as_from_dict(data, built)
        for table in ("cycles", "cases", "meta"):
            bad = copy.deepcopy(demo)
            if table == "meta":
                bad["meta"]["2"] = []  # a document that is not an object
            else:
                next(iter(bad[table].values()))["created"] = 7  # a stamp that is not text
            assert build_checked(bad) is None
            assert_same_verdict(bad)


def test_lists_and_tasks_are_the_records_own(demo: dict[str, Any]) -> None:
    """A record's list is a copy, as ``from_dict`` makes it: editing it leaves the data be."""
    data = copy.deepcopy(demo)
    built = build_checked(data)
    assert built is not None
    cycle = next(c for c in built[RECORD_TYPES["cycles"]][0].values() if c.tasks)
    idea = next(i for i in built[RECORD_TYPES["ideas"]][0].values() if i.settings)
    doc = next(d for d in data["ideas"].values() if d["id"] == idea.id)
    assert idea.settings == doc["settings"] and idea.settings is not doc["settings"]
    assert all(type(t).__name__ == "Task" for t in cycle.tasks)


def test_an_older_schema_is_left_to_the_full_checks(demo: dict[str, Any]) -> None:
    data = copy.deepcopy(demo)
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION - 1
    assert build_checked(data) is None


#: Values of every JSON type, and text that is nearly a date or a number.
TRICKY: list[Any] = [
    None, True, False, 0, 7, -1, 2**64, 1.5, float("nan"), float("inf"), "", " ", "x",
    "2019-02-03", "2019-02-30", "20190203", [], ["a"], [1], [None], [{}],
    [{"who": "a", "what": "b"}], [{"who": 1}], [{"date": "2019-02-03", "value": 1}],
    [{"what": "w", "due": "2019-02-30"}], {}, {"a": "b"},
]  # fmt: skip


def one_of_each(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo with one record a table (the checks look at records one by one)."""
    out = copy.deepcopy(demo)
    for cls in RECORD_CLASSES:
        first = next(iter(out[cls.TABLE]))
        out[cls.TABLE] = {first: out[cls.TABLE][first]}
    return out


def assert_same_verdict(bad: dict[str, Any]) -> None:
    """The one walk accepts ``bad`` only if the full checks do, building what they would."""
    path = Path("/nonexistent/pdsa-building-test.json")
    raw = json.dumps(bad).encode("utf-8")
    built = build_checked(json.loads(raw))
    try:
        checked = parse_file(path, raw)
    except UnreadableDatabaseError as exc:
        assert built is None, f"built what the full checks refuse: {exc}"
        with pytest.raises(UnreadableDatabaseError) as again:
            parse_and_build(path, raw)
        assert str(again.value) == str(exc)
        with pytest.raises(UnreadableDatabaseError) as checked_only:
            check_parsed(path, decoded(path, raw))
        assert str(checked_only.value) == str(exc)
        return
    assert check_parsed(path, decoded(path, raw)) == json.loads(raw) or "NaN" in raw.decode()
    got, records = parse_and_build(path, raw)
    assert json.dumps(got) == json.dumps(checked)  # NaN is not equal to itself
    if records is not None:
        assert_built_as_from_dict(checked, records)


def each_field_damaged(base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Copies of ``base``, each with one field of one record (or an unknown field) given
    one :data:`TRICKY` value or removed: in place (the fields as pdsa writes them), and
    moved last (any other order)."""
    for cls in RECORD_CLASSES:
        (doc_id, doc), *_ = base[cls.TABLE].items()
        for name in [*doc, "unknown_field"]:
            for value, moved in itertools.product([*TRICKY, "removed"], (False, True)):
                bad = copy.deepcopy(base)
                bad_doc = bad[cls.TABLE][doc_id]
                if value == "removed" or moved:
                    bad_doc.pop(name, None)
                if value != "removed":
                    bad_doc[name] = value
                yield bad


def test_every_field_of_every_table_with_every_kind_of_value(demo: dict[str, Any]) -> None:
    accepted = refused = 0
    for bad in each_field_damaged(one_of_each(demo)):
        assert_same_verdict(bad)
        if build_checked(bad) is None:
            refused += 1
        else:
            accepted += 1
    assert accepted > 100 and refused > 100  # both ways taken, many times


@pytest.mark.parametrize("key", ["01", "x", "", "٣", "-1", "1.0", " 1", "0", "99999"])
def test_document_keys(demo: dict[str, Any], key: str) -> None:
    bad = one_of_each(demo)
    docs = bad["cycles"]
    docs[key] = docs.pop(next(iter(docs)))
    assert_same_verdict(bad)


#: Values a hand-edited or damaged file may hold in a field.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["", " ", "2019-02-30", "2019-02-03", "20190203", "x", "0", "01"])
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["who", "what", "date", "id", "value", "x"]), inner)
    ),
    max_leaves=6,
)


@st.composite
def damaged(draw: st.DrawFn, demo: dict[str, Any]) -> dict[str, Any]:
    """The demo with one record's field (or key, or id) changed."""
    data = copy.deepcopy(demo)
    cls = draw(st.sampled_from(RECORD_CLASSES))
    docs = data[cls.TABLE]
    doc_id = draw(st.sampled_from(sorted(docs)))
    doc = docs[doc_id]
    how = draw(st.sampled_from(["value", "value", "value", "remove", "key", "same id"]))
    if how == "key":
        new_key = draw(st.sampled_from(["01", "x", "", "٣", "-1", "0", "99999"]))
        docs[new_key] = docs.pop(doc_id)
    elif how == "same id":
        other = draw(st.sampled_from(sorted(docs)))
        doc["id"] = docs[other]["id"]
    else:
        name = draw(st.sampled_from([*sorted(doc), "unknown_field"]))
        if how == "remove":
            doc.pop(name, None)
        else:
            doc[name] = draw(JSON_VALUES)
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_never_accepts_what_the_full_checks_refuse(
    demo: dict[str, Any], data: st.DataObject
) -> None:
    assert_same_verdict(data.draw(damaged(demo)))


def test_a_store_opened_holds_the_same_records(demo: dict[str, Any], tmp_path: Path) -> None:
    """The store's records, found by id and by owner, are the file's (both ways of building)."""
    path = tmp_path / "p.json"
    path.write_text(json.dumps(demo), encoding="utf-8")
    store = Store.open(path, read_only=True)
    for cls in RECORD_CLASSES:
        for doc in demo[cls.TABLE].values():
            assert store.get(cls, doc["id"]) == cls.from_dict(doc)
    for cycle in store.all(RECORD_TYPES["cycles"]):
        assert cycle in store.cycles(cycle.idea_id)


@pytest.mark.parametrize("table", ["cycles", "feedback", "cases"])
def test_two_records_sharing_an_id(demo: dict[str, Any], table: str) -> None:
    bad = copy.deepcopy(demo)
    first, second, *_ = bad[table].values()
    second["id"] = first["id"]
    assert build_checked(bad) is None
    assert_same_verdict(bad)


@pytest.mark.parametrize(
    "task",
    [
        {"who": "Ann", "what": "Call", "when": "Monday", "where": "Office"},  # as pdsa writes
        {"who": 1, "what": "Call", "when": "Monday", "where": "Office"},
        {"who": "Ann", "what": "Call", "when": "Monday", "where": None},
        {"what": "Call", "who": "Ann", "when": "Monday", "where": "Office"},  # another order
        {"what": "Call"},  # parts missing
        {"who": "Ann", "what": "Call", "when": "Monday", "where": "Office", "how": "x"},
        {"who": "Ann", "what": "Call", "when": "Monday", "where": "Office", "how": 2},
        {},
        ["Ann", "Call"],
    ],
)
def test_a_task_of_any_layout_is_judged_as_the_full_checks_judge_it(
    demo: dict[str, Any], task: Any
) -> None:
    bad = copy.deepcopy(demo)
    cycle = next(c for c in bad["cycles"].values() if c["tasks"])
    cycle["tasks"] = [*cycle["tasks"], task]
    assert_same_verdict(bad)
