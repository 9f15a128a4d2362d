"""``Record.to_dict`` on its fast paths writes exactly what dumping every field wrote."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Cycle, Record
from pdsa_tui.model.records import Task
from pdsa_tui.model.registry import RECORD_CLASSES
from pdsa_tui.model.rows import Action
from pdsa_tui.store import Store


def dumped(value: Any) -> Any:
    """A value as ``to_dict`` wrote it before (every value through every test)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dumped(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [dumped(v) for v in value]
    return value


def every_field(rec: Record) -> dict[str, Any]:
    return {f.name: dumped(getattr(rec, f.name)) for f in dataclasses.fields(rec)}


def same(a: Any, b: Any) -> bool:
    """Equal, with the same types and key order (as the file's bytes would show)."""
    return json.dumps(a) == json.dumps(b) and repr(a) == repr(b)


def test_every_record_of_the_demo(tmp_path: Path) -> None:
    db = write_demo(tmp_path / "demo.json")
    with Store.open(db, read_only=True) as store:
        for cls in RECORD_CLASSES:
            for rec in store.all(cls):
                assert same(rec.to_dict(), every_field(rec)), (cls.__name__, rec.id)


def test_odd_values_in_any_field() -> None:
    """A date, a task, a row, nested lists or a subclass of text where text is expected."""

    class Text(str):
        pass

    odd: list[Any] = [
        dt.date(2019, 2, 3),
        dt.datetime(2019, 2, 3, 4, 5),
        Task("a", "b"),
        [Task("a"), [dt.date(2019, 1, 1), None, 1.5], Action("do", due=dt.date(2019, 1, 2))],
        Text("x"),
        None,
        True,
        7,
        {"a": dt.date(2019, 1, 1)},
        (1, 2),
    ]
    base = Cycle(idea_id="i", objective="o", tasks=[Task("w")])
    for f in dataclasses.fields(Cycle):
        for value in odd:
            rec = dataclasses.replace(base, **{f.name: value})
            assert repr(rec.to_dict()) == repr(every_field(rec)), (f.name, value)
