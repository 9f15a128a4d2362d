"""The demo's measures of rare events and rates (T, G and U charts), from a data file.

``data/demo_rare_events.json`` names aims by code. T and G points are one per event
(the event's date and the days or cases since the previous one); U points are monthly
(date, events, exposure). Ids are derived from the names, so a rebuild gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from importlib import resources
from typing import Any

from pdsa_tui.model import DataPoint, Measure
from pdsa_tui.store import Store

_NAMESPACE = uuid.UUID("5b0e7c3a-13c4-4f1e-8a6d-2c9e0b7a1d13")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def load_data() -> dict[str, Any]:
    """The data file's content."""
    text = resources.files("pdsa_tui").joinpath("data/demo_rare_events.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def add_demo_rare_events(store: Store) -> None:
    """Save the data file's measures into ``store`` (their aims must be there)."""
    aims = {a.code: a for a in store.aims()}
    for m in load_data()["measures"]:
        aim = aims[m["aim"]]
        points = []
        for k, row in enumerate(m["points"], start=1):
            day = dt.date.fromisoformat(row[0])
            ratio = len(row) == 3
            points.append(
                DataPoint(
                    id=_id(m["name"], str(k)),
                    date=day,
                    value=None if ratio else float(row[1]),
                    numerator=float(row[1]) if ratio else None,
                    denominator=float(row[2]) if ratio else None,
                    baseline_end=k == m.get("baseline_end"),
                )
            )
        first = dt.date.fromisoformat(m["points"][0][0])
        fields = {
            k: m[k]
            for k in (
                "name",
                "type",
                "unit",
                "direction",
                "values_are",
                "chart",
                "frequency",
                "definition",
                "source",
            )
        }
        measure = store.save(
            Measure(
                id=_id(m["name"]),
                created=dt.datetime(
                    first.year, first.month, first.day, 9, tzinfo=dt.UTC
                ).isoformat(),
                aim_id=aim.id,
                goal=None,
                **fields,
            )
        )
        store.add_points(measure, points)
