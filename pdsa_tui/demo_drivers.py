"""The demo's driver diagrams, spread, evidence reviews and change packages (a data file).

``data/demo_drivers.json`` names aims by code and ideas by title; dates are days
before the demo's today. Ids are derived from the names, so a rebuild gives the
same ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from importlib import resources
from typing import Any

from pdsa_tui.model import ChangeIdea
from pdsa_tui.model.dates import format_date
from pdsa_tui.model.drivers import (
    ChangePackage,
    EvidenceReview,
    PrimaryDriver,
    SecondaryDriver,
    SpreadEntry,
    role_key,
)
from pdsa_tui.store import Store

_NAMESPACE = uuid.UUID("7d1c5c8e-3f0a-4a52-9d0e-15a0d2f1c0de")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def _stamp(day: dt.date, minute: int = 0) -> str:
    # Drivers are listed in the order they were added: the data file's order.
    return dt.datetime(day.year, day.month, day.day, 10, minute, tzinfo=dt.UTC).isoformat()


def load_data() -> dict[str, Any]:
    """The data file's content."""
    text = resources.files("pdsa_tui").joinpath("data/demo_drivers.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def add_demo_drivers(store: Store, today: dt.date) -> None:
    """Save the data file's records into ``store`` (its aims and ideas must be there)."""
    data = load_data()

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    aims = {a.code: a for a in store.aims()}
    ideas = {i.title: i for i in store.ideas()}
    for code, primaries in data["drivers"].items():
        aim = aims[code]
        start = aim.cohort_from or ago(365)
        for k, p in enumerate(primaries):
            primary = store.save(
                PrimaryDriver(
                    id=_id(code, p["primary"]),
                    created=_stamp(start, k),
                    aim_id=aim.id,
                    title=p["primary"],
                )
            )
            for j, s in enumerate(p["secondary"]):
                secondary = store.save(
                    SecondaryDriver(
                        id=_id(code, p["primary"], s["title"]),
                        created=_stamp(start, j),
                        primary_id=primary.id,
                        title=s["title"],
                    )
                )
                for title in s["ideas"]:
                    store.save(dataclasses.replace(ideas[title], driver_id=secondary.id))
    for title, roles in data["affects"].items():
        idea = store.get(ChangeIdea, ideas[title].id)
        keys = [role_key(r) or r for r in roles]
        store.save(dataclasses.replace(idea, affects=keys))
    for title, cells in data["spread"].items():
        for cell in cells:
            store.save(
                SpreadEntry(
                    id=_id(title, "spread", cell["locality"]),
                    created=_stamp(ago(cell["days_ago"])),
                    idea_id=ideas[title].id,
                    locality=cell["locality"],
                    stage=cell["stage"],
                    since=ago(cell["days_ago"]),
                )
            )
    for title, reviews in data["evidence"].items():
        for k, r in enumerate(reviews):
            store.save(
                EvidenceReview(
                    id=_id(title, "evidence", str(k)),
                    created=_stamp(ago(r["days_ago"])),
                    idea_id=ideas[title].id,
                    date=ago(r["days_ago"]),
                    trigger=r["trigger"],
                    reason=r["reason"],
                )
            )
    for title, pk in data["packages"].items():
        approvals = "\n".join(
            f"{a['who']} | {format_date(ago(a['days_ago']))}" for a in pk["approvals"]
        )
        store.save(
            ChangePackage(
                id=_id(title, "package"),
                created=_stamp(ago(60)),
                idea_id=ideas[title].id,
                steps=pk["steps"],
                guidance=pk["guidance"],
                contacts=pk["contacts"],
                resources=pk["resources"],
                start_date=ago(pk["start_days_ago"]),
                training=pk["training"],
                approvals=approvals,
                audit_every_weeks=pk["audit_every_weeks"],
                audit_by=pk["audit_by"],
                audit_next_due=ago(pk["audit_due_days_ago"]),
            )
        )
