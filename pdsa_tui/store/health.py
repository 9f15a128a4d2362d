"""What is wrong inside an open database, for ``pdsa check`` and the app's health line.

Read through the store's public queries only (:class:`Records`), so the checks can be
read, and tested, apart from saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol, TypeVar

from pdsa_tui.model.base import Record
from pdsa_tui.model.drivers import SecondaryDriver
from pdsa_tui.model.measures import Measure
from pdsa_tui.model.records import ChangeIdea, Cycle
from pdsa_tui.model.registry import PARENTS, RECORD_CLASSES

R = TypeVar("R", bound=Record)


class Records(Protocol):
    """What the checks read of a store."""

    def records_of(self, cls: type[R]) -> Mapping[str, R]:
        """The records of type ``cls`` by id."""
        ...


def counts(store: Records) -> dict[str, int]:
    """Records per table, with data points counted too."""
    out = {cls.TABLE: len(store.records_of(cls)) for cls in RECORD_CLASSES}
    out["points"] = sum(len(m.points) for m in store.records_of(Measure).values())
    return out


def future_records(store: Records) -> list[str]:
    """Records saved more than a day ahead of this computer's clock (a wrong clock)."""
    limit = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat(timespec="seconds")
    found = []
    for cls in RECORD_CLASSES:
        for rec in store.records_of(cls).values():
            stamp = str(rec.updated or "")
            if stamp[:19] > limit[:19] and stamp[:4].isdigit():
                who = f" by {rec.updated_by}" if rec.updated_by else ""
                found.append(
                    f"{cls.NOUN.capitalize()} {rec.id} was saved{who} on {stamp[:10]}, "
                    "more than a day ahead of this computer's clock: check that "
                    "computer's date and time"
                )
    return found


def problems(store: Records) -> list[str]:
    """What is wrong inside the database: broken links, invalid records, duplicate numbers."""
    found: list[str] = []
    for cls, (attr, parent) in PARENTS.items():
        owners = store.records_of(parent)
        for rec in store.records_of(cls).values():
            if getattr(rec, attr) not in owners:
                found.append(
                    f"{cls.NOUN.capitalize()} {rec.id} points to missing "
                    f"{parent.NOUN} {getattr(rec, attr)!r}"
                )
    drivers = store.records_of(SecondaryDriver)
    for idea in store.records_of(ChangeIdea).values():  # a soft link: shown as unlinked
        if idea.driver_id and idea.driver_id not in drivers:
            found.append(
                f"Change idea {idea.id} points to missing secondary driver {idea.driver_id!r}"
            )
    for cls in RECORD_CLASSES:
        for rec in store.records_of(cls).values():
            for err in rec.validate():
                found.append(f"{cls.NOUN.capitalize()} {rec.id}: {err}")
    found.extend(future_records(store))
    seen: dict[tuple[str, int], str] = {}
    for c in store.records_of(Cycle).values():
        key = (c.idea_id, c.number)
        if key in seen:
            found.append(f"cycles {seen[key]} and {c.id} share number {c.number}")
        seen[key] = c.id
    return found
