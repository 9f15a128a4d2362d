"""Small operations on stored documents (the file's raw layout), shared by saves and versions."""

from __future__ import annotations

from typing import Any

from pdsa_tui.store.docmerge import make_rev
from pdsa_tui.store.history import rev_number


def next_doc_id(table: dict[str, Any]) -> str:
    """The next free document key of a table (TinyDB numbers them from 1)."""
    # In C: building the demo adds 413 records one at a time, each a scan of its table.
    return str(max(map(int, filter(str.isdigit, table)), default=0) + 1)


def same_content(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when a save would change no field (only the stamps)."""
    keys = (set(old) | set(new)) - {"rev", "updated", "updated_by"}
    return all(old.get(k) == new.get(k) for k in keys)


def bury(hist: dict[str, Any], table: str, old: dict[str, Any], stamp: str, user: str) -> None:
    """Keep a tombstone (and the last version) of a record being deleted."""
    rid = str(old.get("id"))
    h = hist.setdefault(rid, {"table": table, "versions": []})
    h["table"] = table
    h["doc"] = old
    marker = {"id": rid, "deleted": True, "updated": stamp, "updated_by": user}
    h["deleted"] = {
        "rev": make_rev(rev_number(old.get("rev")) + 1, marker),
        "updated": stamp,
        "updated_by": user,
    }
