"""Per-record history: earlier versions kept compactly, and tombstones of deleted records.

The file's ``_history`` table maps a record id to::

    {"table": "cycles",
     "versions": [entry, ...],          # newest first
     "doc": {...}, "deleted": {...}}    # only while the record is deleted

Each entry is an earlier version: ``rev``, ``updated``, ``updated_by`` and
``before``, the values of the fields that differ from the next newer version
(the current record, or ``doc`` for a deleted one). A list of data points keeps
only the points that changed (``{"$items": {"new": [ids], "old": [points]}}``),
so history stays small next to the records. ``merged`` lists revs of other
copies' versions that were merged into the next version.
"""

from __future__ import annotations

from typing import Any

#: Versions kept per record; older ones are dropped (a merge with a copy older than
#: this many versions of one record finds no common version and keeps both values).
KEEP_VERSIONS = 100
_SKIP = frozenset({"rev", "updated", "updated_by"})
_ITEMS = "$items"

Doc = dict[str, Any]


def rev_number(rev: Any) -> int:
    """N of a rev ``"N-hash"`` (0 when there is none)."""
    if not isinstance(rev, str):
        return 0
    head = rev.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def _items(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)
    )


def _before(newer: Any, older: Any) -> Any:
    """What to store so ``older`` can be rebuilt from ``newer``."""
    if _items(newer) and _items(older):
        old_ids = {p["id"]: p for p in older}
        new_ids = {p["id"] for p in newer}
        return {
            _ITEMS: {
                "new": sorted(new_ids - set(old_ids)),
                "old": [p for p in older if p not in newer],
            }
        }
    return older


def _rebuild(newer: Any, before: Any) -> Any:
    if isinstance(before, dict) and set(before) == {_ITEMS}:
        delta = before[_ITEMS]
        drop = set(delta.get("new", [])) | {p["id"] for p in delta.get("old", [])}
        items = [p for p in (newer or []) if p.get("id") not in drop] + list(delta.get("old", []))
        if all(isinstance(p.get("date"), str) for p in items):
            items.sort(key=lambda p: (p["date"], p["id"]))
        return items
    return before


def history_entry(older: Doc, newer: Doc) -> dict[str, Any]:
    """The entry that keeps ``older`` once ``newer`` replaces it."""
    before: dict[str, Any] = {}
    for name in dict.fromkeys([*older, *newer]):
        if name in _SKIP or name == "id":
            continue
        o, n = older.get(name), newer.get(name)
        if o != n:
            before[name] = _before(n, o)
    return {
        "rev": older.get("rev", ""),
        "updated": older.get("updated", ""),
        "updated_by": older.get("updated_by", ""),
        "before": before,
    }


def add_version(hist: dict[str, Any], rid: str, table: str, older: Doc, newer: Doc) -> None:
    """Record that ``older`` (record ``rid`` of ``table``) was replaced by ``newer``."""
    h = hist.get(rid)
    if h is None:
        h = hist[rid] = {"table": table, "versions": []}
    versions = h.setdefault("versions", [])
    versions.insert(0, history_entry(older, newer))
    del versions[KEEP_VERSIONS:]


def apply_entry(newer: Doc, entry: dict[str, Any]) -> Doc:
    """The version ``entry`` describes, rebuilt from the next newer one."""
    out = dict(newer)
    for name, value in (entry.get("before") or {}).items():
        if value is None and name not in newer:
            continue
        out[name] = _rebuild(newer.get(name), value)
    for key in ("rev", "updated", "updated_by"):
        out[key] = entry.get(key, "")
    out.pop("_conflicts", None)
    return out


def versions(doc: Doc | None, hist: dict[str, Any] | None) -> list[tuple[Doc, dict[str, Any]]]:
    """Every version of a record, newest first: ``(content, info)``.

    ``info`` has ``rev``, ``updated``, ``updated_by``, ``changed`` (field names that
    differ from the version before it) and ``deleted`` (True for a deletion).
    """
    out: list[tuple[Doc, dict[str, Any]]] = []
    hist = hist or {}
    current = doc
    if current is None:
        last = hist.get("doc")
        deleted = hist.get("deleted")
        if not isinstance(last, dict):
            return out
        if isinstance(deleted, dict):
            info = {**_info(deleted), "deleted": True, "changed": []}
            out.append((dict(last), info))
        current = last
    entries = hist.get("versions") or []
    content = dict(current)
    for i, entry in enumerate([None, *entries]):
        if entry is not None:
            content = apply_entry(content, entry)
        nxt = entries[i] if i < len(entries) else None
        changed = sorted(k for k in (nxt.get("before") or {}) if k != "_conflicts") if nxt else []
        info = {**_info(content), "deleted": bool(entry and entry.get("deleted")), "changed": []}
        oldest = sorted(k for k in content if k not in _SKIP and k not in ("id", "created"))
        info["changed"] = changed if nxt else oldest
        out.append((content, info))
    return out


def _info(doc: Doc) -> dict[str, Any]:
    return {
        "rev": doc.get("rev", ""),
        "updated": doc.get("updated", ""),
        "updated_by": doc.get("updated_by", ""),
    }


def version_at(doc: Doc | None, hist: dict[str, Any] | None, rev: str) -> Doc | None:
    """The record's content at ``rev``, or None when history no longer has it."""
    for content, info in versions(doc, hist):
        if info["rev"] == rev:
            return content
    return None


def chain(doc: Doc | None, hist: dict[str, Any] | None, *, ordered: bool = False) -> list[str]:
    """Revs this copy has seen for a record, newest first (merged-in revs included)."""
    revs: list[str] = []
    if doc is not None:
        revs.append(str(doc.get("rev", "")))
    hist = hist or {}
    deleted = hist.get("deleted")
    if doc is None and isinstance(deleted, dict):
        revs.append(str(deleted.get("rev", "")))
        last = hist.get("doc")
        if isinstance(last, dict):
            revs.append(str(last.get("rev", "")))
    for entry in hist.get("versions") or []:
        revs.append(str(entry.get("rev", "")))
        revs.extend(str(r) for r in entry.get("merged") or [])
    return revs
