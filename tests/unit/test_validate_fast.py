"""Record validation on its fast paths finds exactly what checking every field finds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Record, base
from pdsa_tui.model.base import _check_field
from pdsa_tui.model.errors import FieldError
from pdsa_tui.model.registry import RECORD_CLASSES
from pdsa_tui.store import Store


def every_field(rec: Record) -> list[FieldError]:
    """Validation as it was: every spec through _check_field, then the cross checks."""
    errors: list[FieldError] = []
    for s in type(rec).specs():
        errors.extend(_check_field(s, getattr(rec, s.name)))
    errors.extend(rec._cross_checks())
    return errors


def outcome(check: Any, rec: Record) -> Any:
    """What ``check(rec)`` gives, or the type of what it raises (a value of the wrong type
    can upset a record's cross checks; both ways must meet it alike)."""
    try:
        return check(rec)
    except Exception as exc:
        return type(exc)


#: Values that are wrong for some kind of field, or blank, or fine.
ODD: list[Any] = [
    "",
    "  ",
    "x",
    "not-a-choice",
    None,
    [],
    -5,
    1e400,
    150,
    42.5,
    dt.date(2019, 2, 1),
]


@pytest.fixture(params=["field by field", "written out"], autouse=True)
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test both ways: before and after a class's validator is written out."""
    monkeypatch.setattr(base, "WRITE_OUT_AFTER", 10**9 if request.param == "field by field" else 0)
    monkeypatch.setattr(base, "_VALIDATORS", {})  # none written out yet in this test
    monkeypatch.setattr(base, "_VALIDATED", {})
    return str(request.param)


def test_validate_matches_checking_every_field(tmp_path: Path) -> None:
    db = tmp_path / "demo.json"
    write_demo(db)
    rng = random.Random(21)
    checked = 0
    with Store.open(db, read_only=True) as store:
        for cls in RECORD_CLASSES:
            for rec in store.all(cls):
                assert rec.validate() == every_field(rec)
                for s in cls.specs():
                    odd = dataclasses.replace(rec, **{s.name: rng.choice(ODD)})
                    assert outcome(lambda r: r.validate(), odd) == outcome(every_field, odd), (
                        cls.__name__,
                        s.name,
                    )
                    checked += 1
    assert checked > 1000


def test_every_field_with_every_odd_value(tmp_path: Path) -> None:
    """Each record class's written-out ``validate``, field by field, value by value."""
    db = tmp_path / "demo.json"
    write_demo(db)
    with Store.open(db, read_only=True) as store:
        for cls in RECORD_CLASSES:
            rec = store.all(cls)[0]
            for s in cls.specs():
                keys = list(s.choices or {})
                for value in [*ODD, *keys, *(f" {k}" for k in keys), "\t"]:
                    odd = dataclasses.replace(rec, **{s.name: value})
                    assert outcome(lambda r: r.validate(), odd) == outcome(every_field, odd), (
                        cls.__name__,
                        s.name,
                        value,
                    )
