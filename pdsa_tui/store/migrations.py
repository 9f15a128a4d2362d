"""Schema versions of the database file and the steps between them.

The file is TinyDB's layout: ``{table: {doc_id: document}}``. Table ``meta``
holds one document ``{"app": "pdsa", "schema_version": N}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

APP_ID = "pdsa"
#: The version this code writes.
SCHEMA_VERSION = 2
META = "meta"
TABLES = (
    "aims",
    "measures",
    "ideas",
    "cycles",
    "feedback",
    "programme",
    "meetings",
    "assessments",
    "answers",
    "questions",
)

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


#: ``MIGRATIONS[n]`` upgrades version n to n + 1, in place.
MIGRATIONS: dict[int, Callable[[Data], None]] = {1: _v1_to_v2}


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
    return data


def shape_problem(data: Any) -> str | None:
    """Why ``data`` is not a well-formed pdsa database, or None if it is."""
    if not isinstance(data, dict):
        return "it is JSON but not a pdsa database (the top level is not an object)"
    if meta_doc(data) is None or meta_doc(data).get("app") != APP_ID:  # type: ignore[union-attr]
        return "it is JSON but not a pdsa database (it has no pdsa 'meta' record)"
    if schema_version(data) is None:
        return "its pdsa 'meta' record has no valid schema_version"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table '{name}' is not an object"
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                return f"record {doc_id} of table '{name}' is not an object"
            if name in TABLES and not isinstance(doc.get("id"), str):
                return f"record {doc_id} of table '{name}' has no id"
    return None
