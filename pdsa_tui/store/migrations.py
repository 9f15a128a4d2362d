"""Schema versions of the database file and the steps between them.

The file is TinyDB's layout: ``{table: {doc_id: document}}``. Table ``meta``
holds one document ``{"app": "pdsa", "schema_version": N}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from pdsa_tui.model import registry

APP_ID = "pdsa"
#: The version this code writes.
SCHEMA_VERSION = 4
META = "meta"
#: Per-record history and tombstones (see :mod:`pdsa_tui.store.history`).
HISTORY = "_history"
#: The record tables, each kept as ``{doc_id: document}``.
TABLES = registry.TABLES

#: The primary driver that version 3 files the old free-text drivers under, per aim.
MIGRATED_PRIMARY = "Drivers from before the driver diagram (sort these)"

Data = dict[str, Any]


def _v1_to_v2(data: Data) -> None:
    """Version 1 kept a cycle's tasks as one block of text; version 2 keeps a list."""
    for doc in data.get("cycles", {}).values():
        tasks = doc.get("tasks")
        if isinstance(tasks, str):
            doc["tasks"] = [
                {"who": "", "what": line.strip(), "when": "", "where": ""}
                for line in tasks.splitlines()
                if line.strip()
            ]


def _v2_to_v3(data: Data) -> None:
    """Version 2 kept an idea's driver as free text; version 3 has a driver diagram.

    Each aim whose ideas named drivers gets one primary driver (:data:`MIGRATED_PRIMARY`)
    with a secondary driver per distinct text (same words, any case, count once), and
    each idea links to its secondary driver. The text itself stays in the
    pre-migration backup the store makes first.
    """
    for name in TABLES:
        data.setdefault(name, {})
    stamp = next(
        (str(doc.get("updated")) for doc in data["ideas"].values() if doc.get("updated")), ""
    )
    primaries: dict[str, str] = {}
    secondaries: dict[tuple[str, str], str] = {}

    def insert(table: str, doc: dict[str, Any]) -> str:
        docs = data[table]
        doc_id = str(max((int(k) for k in docs if k.isdigit()), default=0) + 1)
        record_id = str(uuid.uuid4())
        docs[doc_id] = {"id": record_id, "created": stamp, "updated": stamp, **doc}
        return record_id

    for doc in data["ideas"].values():
        text = doc.pop("driver", "")
        doc.setdefault("driver_id", "")
        doc.setdefault("affects", [])
        if not isinstance(text, str) or not text.strip():
            continue
        aim_id = str(doc.get("aim_id", ""))
        if aim_id not in primaries:
            primaries[aim_id] = insert(
                "primary_drivers", {"aim_id": aim_id, "title": MIGRATED_PRIMARY, "notes": ""}
            )
        key = (aim_id, " ".join(text.lower().split()))
        if key not in secondaries:
            secondaries[key] = insert(
                "secondary_drivers",
                {"primary_id": primaries[aim_id], "title": " ".join(text.split()), "notes": ""},
            )
        doc["driver_id"] = secondaries[key]


def _v3_to_v4(data: Data) -> None:
    """Version 4 gives every record a revision and an author, and keeps history.

    The rev hashes the record's content, so two copies of one file migrated apart
    agree on it (and their merge finds the common version), while copies that had
    already drifted apart do not.
    """
    import hashlib  # only files from before revisions need it (1 ms of start-up)

    for name, table in data.items():
        if name in (META, HISTORY) or not isinstance(table, dict):
            continue
        for doc in table.values():
            if not isinstance(doc, dict) or isinstance(doc.get("rev"), str):
                continue
            doc.setdefault("updated_by", "")
            text = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=5)
            doc["rev"] = f"1-{digest.hexdigest()}"
    data.setdefault(HISTORY, {})


#: ``MIGRATIONS[n]`` upgrades version n to n + 1, in place.
MIGRATIONS: dict[int, Callable[[Data], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def meta_doc(data: Data) -> dict[str, Any] | None:
    """The meta document, or None when the file has none."""
    table = data.get(META)
    if not isinstance(table, dict) or not table:
        return None
    doc = next(iter(table.values()))
    return doc if isinstance(doc, dict) else None


def schema_version(data: Data) -> int | None:
    """The file's schema version, or None when it is not a pdsa database."""
    meta = meta_doc(data)
    if meta is None or meta.get("app") != APP_ID:
        return None
    version = meta.get("schema_version")
    ok = isinstance(version, int) and not isinstance(version, bool) and version >= 1
    return version if ok else None


def migrate(data: Data) -> int:
    """Upgrade ``data`` in place to :data:`SCHEMA_VERSION`; return the version it had."""
    start = schema_version(data)
    if start is None:
        raise ValueError("not a pdsa database")
    version = start
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](data)
        version += 1
    meta = meta_doc(data)
    assert meta is not None
    meta["schema_version"] = SCHEMA_VERSION
    return start


def new_database(created: str) -> Data:
    """The contents of a new, empty database."""
    data: Data = {
        META: {"1": {"app": APP_ID, "schema_version": SCHEMA_VERSION, "created": created}}
    }
    for name in TABLES:
        data[name] = {}
    data[HISTORY] = {}
    return data


def shape_problem(data: Any, checked: frozenset[str] = frozenset()) -> str | None:
    """Why ``data`` is not a well-formed pdsa database, or None if it is.

    The documents of the tables in ``checked`` are known to be objects with ids already.
    """
    if not isinstance(data, dict):
        return "it is JSON but not a pdsa database (the top level is not an object)"
    if meta_doc(data) is None or meta_doc(data).get("app") != APP_ID:  # type: ignore[union-attr]
        return "it is JSON but not a pdsa database (it has no pdsa 'meta' record)"
    if schema_version(data) is None:
        return "its pdsa 'meta' record has no valid schema_version"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table '{name}' is not an object"
        if name in checked:
            continue
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                return f"record {doc_id} of table '{name}' is not an object"
            if name in TABLES and not isinstance(doc.get("id"), str):
                return f"record {doc_id} of table '{name}' has no id"
    return None
