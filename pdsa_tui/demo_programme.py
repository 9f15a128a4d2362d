"""The demo's programme, meetings and self-assessments, read from ``data/demo/40-programme.json``.

The file is in the demo data format (``{"tables": {table: [records]}}``) and uses
only dates relative to today (``"today-27"``), so any loader of that format reads
it the same way. This small reader adds it to the demo until the whole demo is
read from ``data/demo/``; it does nothing if the programme is already there.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from typing import Any

from pdsa_tui.model import RECORD_TYPES
from pdsa_tui.store import Store

FILE = "data/demo/40-programme.json"
_RELATIVE = re.compile(r"^today(?:([+-])(\d+))?$")


def load_data() -> dict[str, Any]:
    """The data file's content."""
    data: dict[str, Any] = json.loads(
        resources.files("pdsa_tui").joinpath(FILE).read_text(encoding="utf-8")
    )
    return data


def _dated(value: Any, today: dt.date) -> Any:
    """``value`` with every ``today±N`` made an ISO date."""
    if isinstance(value, str):
        m = _RELATIVE.match(value)
        if m is None:
            return value
        days = int(m[2] or 0) * (-1 if m[1] == "-" else 1)
        return (today + dt.timedelta(days=days)).isoformat()
    if isinstance(value, list):
        return [_dated(v, today) for v in value]
    if isinstance(value, dict):
        return {k: _dated(v, today) for k, v in value.items()}
    return value


def add_demo_programme(store: Store, today: dt.date) -> None:
    """Save the file's records into ``store`` (its cycles must be there already)."""
    if store.programme() is not None:
        return
    for table, rows in load_data()["tables"].items():
        cls = RECORD_TYPES[table]
        for row in rows:
            data = _dated(row, today)
            if "created" in data:
                data["created"] = f"{data['created']}T09:30:00+00:00"
            store.save(cls.from_dict(data))
