"""What a store offers for team use: conflicts, history and restore, merging another copy.

All of it works on the raw file layout, so every table (including ones added
later) has history, tombstones and conflicts without code of its own.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdsa_tui.model.dates import now_stamp
from pdsa_tui.model.safetext import visible
from pdsa_tui.store import migrations
from pdsa_tui.store.errors import NotFoundError
from pdsa_tui.store.history import (
    add_version,
    history_entry,
    rev_number,
    version_at,
    versions,
)
from pdsa_tui.store.merge import (
    BOOKKEEPING,
    CONFLICTS,
    MergeResult,
    index,
    make_rev,
    merge_offline,
    record_tables,
)
from pdsa_tui.store.migrations import HISTORY

if TYPE_CHECKING:
    from pdsa_tui.store.store import Store

_TITLE_KEYS = ("code", "name", "title", "objective", "summary", "text", "reference")


def next_doc_id(table: dict[str, Any]) -> str:
    """The next free document key of a table (TinyDB numbers them from 1)."""
    return str(max((int(k) for k in table if k.isdigit()), default=0) + 1)


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


def shown_value(value: Any, width: int = 0) -> str:
    """A stored value on one line, control characters made visible; cut to ``width`` if set."""
    if value is None:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = visible(text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", " "))
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def doc_title(doc: dict[str, Any]) -> str:
    """A short name for a record in lists (its code, name, title... or id)."""
    for key in _TITLE_KEYS:
        value = doc.get(key)
        if isinstance(value, str) and value.strip():
            return shown_value(" ".join(value.split()), 60)
    if isinstance(doc.get("number"), int):
        return f"cycle {doc['number']}"
    return str(doc.get("id", ""))


@dataclass
class Version:
    """One version of a record, for history views."""

    rev: str
    updated: str
    updated_by: str
    changed: list[str]
    deleted: bool
    content: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The documented JSON object of ``pdsa history``."""
        return {
            "rev": self.rev,
            "updated": self.updated,
            "updated_by": self.updated_by,
            "changed": self.changed,
            "deleted": self.deleted,
        }


class TeamMixin:
    """Conflicts, history, restore and merge for :class:`~pdsa_tui.store.Store`."""

    def _self(self) -> Store:
        return self  # type: ignore[return-value]

    # -- finding raw records ------------------------------------------------------
    def _locate(self, record_id: str) -> tuple[str, str | None, dict[str, Any] | None]:
        """``(table, doc_id, doc)`` of a record, live or deleted (doc None when deleted)."""
        store = self._self()
        rid = record_id.strip()
        for (table, key), (doc_id, doc) in index(store._data).items():
            if key == rid:
                return table, doc_id, doc
        hist = store._data.get(HISTORY, {})
        if isinstance(hist.get(rid), dict) and "deleted" in hist[rid]:
            return str(hist[rid].get("table", "")), None, None
        matches = [k for (_t, k) in index(store._data)] + [
            k for k, h in hist.items() if isinstance(h, dict) and "deleted" in h
        ]
        found = [k for k in matches if len(rid) >= 4 and k.startswith(rid)]
        if len(set(found)) == 1:
            return self._locate(found[0])
        raise NotFoundError(f"no record has id {record_id!r} (give its id, as 'pdsa list' shows)")

    def _after_change(self, table: str, rid: str) -> None:
        store = self._self()
        store._touched.add((table, rid))
        store._recache([(table, rid)])
        store._commit()
        store.version += 1

    # -- conflicts --------------------------------------------------------------------
    def conflicts(self) -> list[dict[str, Any]]:
        """Unresolved conflicts: record id, table, title, field and the values kept."""
        store = self._self()
        rows: list[dict[str, Any]] = []
        for (table, rid), (_doc_id, doc) in sorted(index(store._data).items()):
            for c in doc.get(CONFLICTS) or []:
                rows.append(
                    {
                        "id": rid,
                        "table": table,
                        "title": doc_title(doc),
                        "field": conflict_field(c),
                        "values": [
                            {
                                "index": i,
                                "value": v.get("value"),
                                "updated": v.get("updated", ""),
                                "updated_by": v.get("updated_by", ""),
                            }
                            for i, v in enumerate(c.get("values", []))
                        ],
                    }
                )
        return rows

    def open_conflicts(self, record_id: str) -> int:
        """How many conflicts record ``record_id`` has open (0 for a new record)."""
        store = self._self()
        for cls, ids in store._doc_ids.items():
            doc_id = ids.get(record_id)
            if doc_id is not None:
                return len(store._data[cls.TABLE][doc_id].get(CONFLICTS) or [])
        return 0

    def resolve_conflict(self, record_id: str, field_name: str, take: int) -> dict[str, Any]:
        """Keep value number ``take`` (0 first) of a conflict and close it; return the record."""
        store = self._self()
        store._writable()
        table, doc_id, doc = self._locate(record_id)
        if doc is None or doc_id is None:
            raise NotFoundError(f"record {record_id} is deleted; restore it first")
        open_ = doc.get(CONFLICTS) or []
        names = [conflict_field(c) for c in open_]
        hits = [c for c in open_ if conflict_field(c) == field_name]
        if not hits:
            hits = [c for c in open_ if c.get("field") == field_name]
        if len(hits) != 1:
            known = ", ".join(names) or "none"
            what = "more than one conflict matches" if hits else "no conflict is open on"
            raise NotFoundError(
                f"{what} field '{field_name}' of record {doc.get('id')} (open: {known})"
            )
        conflict = hits[0]
        values = conflict.get("values", [])
        if not 0 <= take < len(values):
            raise NotFoundError(
                f"--take {take} is not one of the values of '{conflict_field(conflict)}'; "
                f"give 0 to {len(values) - 1}"
            )
        new = copy.deepcopy(doc)
        apply_choice(new, conflict, values[take].get("value"))
        new[CONFLICTS] = [c for c in open_ if c is not conflict]
        if not new[CONFLICTS]:
            del new[CONFLICTS]
        self._write_version(table, doc_id, doc, new)
        return new

    def _write_version(
        self, table: str, doc_id: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        store = self._self()
        new["updated"] = now_stamp()
        new["updated_by"] = store.user
        new["rev"] = make_rev(rev_number(old.get("rev")) + 1, new)
        add_version(store._history(), str(new["id"]), table, old, new)
        store._data[table][doc_id] = new
        self._after_change(table, str(new["id"]))

    # -- history ----------------------------------------------------------------------
    def history(self, record_id: str) -> list[Version]:
        """The versions of a record (live or deleted), newest first."""
        store = self._self()
        _table, _doc_id, doc = self._locate(record_id)
        rid = str(doc["id"]) if doc else record_id.strip()
        if doc is None:
            rid = self._deleted_id(record_id)
        hist = store._data.get(HISTORY, {}).get(rid)
        return [
            Version(
                info["rev"],
                info["updated"],
                info["updated_by"],
                info["changed"],
                info["deleted"],
                content,
            )
            for content, info in versions(doc, hist)
        ]

    def _deleted_id(self, record_id: str) -> str:
        hist = self._self()._data.get(HISTORY, {})
        rid = record_id.strip()
        if rid in hist:
            return rid
        return next(k for k in hist if k.startswith(rid))

    def deleted(self) -> list[dict[str, Any]]:
        """Deleted records that can be restored, newest deletion first."""
        store = self._self()
        rows = []
        for rid, h in store._data.get(HISTORY, {}).items():
            if not (isinstance(h, dict) and isinstance(h.get("deleted"), dict)):
                continue
            last = h.get("doc") or {}
            rows.append(
                {
                    "id": rid,
                    "table": h.get("table", ""),
                    "title": doc_title(last),
                    "updated": h["deleted"].get("updated", ""),
                    "updated_by": h["deleted"].get("updated_by", ""),
                }
            )
        return sorted(rows, key=lambda r: r["updated"], reverse=True)

    def restore(self, record_id: str, rev: str | None = None) -> dict[str, Any]:
        """Make version ``rev`` (default: the last before a deletion) the record's newest."""
        store = self._self()
        store._writable()
        table, doc_id, doc = self._locate(record_id)
        rid = str(doc["id"]) if doc else self._deleted_id(record_id)
        hist = store._history().get(rid)
        if rev is None:
            if doc is not None:
                raise NotFoundError(f"record {rid} is not deleted; choose a version to restore")
            rev = str((hist or {}).get("doc", {}).get("rev", ""))
        content = version_at(doc, hist, rev)
        if content is None:
            raise NotFoundError(f"record {rid} has no version {rev!r}")
        self._check_parent(table, content)
        new = {k: v for k, v in content.items() if k != CONFLICTS}
        if doc is not None and doc_id is not None:
            if doc.get(CONFLICTS):
                new[CONFLICTS] = doc[CONFLICTS]
            self._write_version(table, doc_id, doc, new)
            return new
        assert hist is not None
        self._undelete(table, rid, hist, new)
        return new

    def _undelete(self, table: str, rid: str, hist: dict[str, Any], new: dict[str, Any]) -> None:
        store = self._self()
        last = hist.pop("doc")
        tomb = hist.pop("deleted")
        versions_ = hist.setdefault("versions", [])
        versions_.insert(0, history_entry(last, last))
        gone = {**last, "rev": tomb["rev"], "updated": tomb["updated"]}
        gone["updated_by"] = tomb["updated_by"]
        new["updated"] = now_stamp()
        new["updated_by"] = store.user
        new["rev"] = make_rev(rev_number(tomb["rev"]) + 1, new)
        entry = history_entry(gone, new)
        entry["deleted"] = True
        versions_.insert(0, entry)
        rows = store._data.setdefault(table, {})
        rows[next_doc_id(rows)] = new
        self._after_change(table, rid)

    def _check_parent(self, table: str, content: dict[str, Any]) -> None:
        """A restored record must still belong to something that exists."""
        from pdsa_tui.store.store import _KINDS, _PARENT

        kind = _KINDS.get(table)
        if kind is None:
            return
        link = _PARENT.get(kind[0])
        if link is None:
            return
        parent_id = content.get(link[0])
        store = self._self()
        if parent_id not in store._cache[link[1]]:
            raise NotFoundError(
                f"this record belongs to a {link[1].__name__.lower()} ({parent_id}) that is "
                "deleted; restore that first"
            )

    # -- merging another copy -----------------------------------------------------------
    def merge_file(self, other: Path, *, dry_run: bool = False) -> MergeResult:
        """Merge a copy of the database edited elsewhere into this one. ``other`` is only read."""
        from pdsa_tui.store.store import load_file

        store = self._self()
        if not dry_run:
            store._writable()
        theirs = load_file(other)
        migrations.migrate(theirs)
        if dry_run:
            return merge_offline(json.loads(json.dumps(store._data)), theirs)
        result = merge_offline(store._data, theirs)
        if result.changed:
            store._touched.update(result.changed)
            store._recache(result.changed)
            store._commit()
            store.version += 1
        return result

    def record_docs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(table, raw document)`` of every live record, every table."""
        for (table, _rid), (_doc_id, doc) in index(self._self()._data).items():
            yield table, doc


def conflict_field(c: dict[str, Any]) -> str:
    """How a conflict's field is named: 'statement', 'points@2019-02-01', 'points#<id>'."""
    name = str(c.get("field", ""))
    if c.get("date"):
        return f"{name}@{c['date']}"
    if c.get("item"):
        return f"{name}#{c['item']}"
    return name


def apply_choice(doc: dict[str, Any], conflict: dict[str, Any], value: Any) -> None:
    """Put the chosen value of ``conflict`` into ``doc``."""
    name = str(conflict.get("field", ""))
    if name in BOOKKEEPING:
        return
    if conflict.get("date") or conflict.get("item"):
        items = [p for p in doc.get(name) or [] if isinstance(p, dict)]
        offered = {v["value"].get("id") for v in conflict["values"] if isinstance(v["value"], dict)}
        items = [p for p in items if p.get("id") not in offered]
        if isinstance(value, dict):
            items.append(value)
        if all(isinstance(p.get("date"), str) for p in items):
            items.sort(key=lambda p: (p["date"], p["id"]))
        doc[name] = items
    else:
        doc[name] = value


__all__ = [
    "TeamMixin",
    "Version",
    "apply_choice",
    "bury",
    "conflict_field",
    "doc_title",
    "next_doc_id",
    "record_tables",
    "same_content",
    "shown_value",
]
