"""Versions of records: conflicts to settle, history, restore, and merging another copy.

:class:`Versions` works on the raw file layout through the store's public
methods, so every table (including ones added later) has history, tombstones
and conflicts without code of its own.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pdsa_tui.model import Record
from pdsa_tui.model.dates import now_stamp
from pdsa_tui.model.errors import FieldError, ValidationError
from pdsa_tui.model.registry import PARENTS, RECORD_TYPES
from pdsa_tui.model.safetext import visible
from pdsa_tui.store.checks import doc_problem, incoming_problem, load_copy
from pdsa_tui.store.docmerge import BOOKKEEPING, CONFLICTS, make_rev
from pdsa_tui.store.errors import MissingParentError, NotFoundError, StoreError
from pdsa_tui.store.history import (
    add_version,
    history_entry,
    rev_number,
    version_at,
    versions,
)
from pdsa_tui.store.merge import MergeResult
from pdsa_tui.store.naming import (
    TITLE_KEYS,
    day_of,
    doc_title,
    field_label,
    shown_value,
    text_spec,
)
from pdsa_tui.valueclass import value_class

R = TypeVar("R", bound=Record)

Doc = dict[str, Any]


class RawStore(Protocol):
    """What :class:`Versions` needs of a store: its raw documents, and saving them."""

    user: str

    def raw_records(self) -> dict[tuple[str, str], tuple[str, Doc]]: ...
    def raw_doc(self, record_id: str) -> Doc | None: ...
    def history_table(self) -> dict[str, Any]: ...
    def write_raw(self, table: str, doc_id: str | None, doc: Doc) -> None: ...
    def merge_copy(self, theirs: dict[str, Any], *, dry_run: bool) -> MergeResult: ...
    def check_writable(self) -> None: ...
    def lookup(self, cls: type[R], record_id: str) -> R | None: ...


def _names(doc: dict[str, Any], wanted: str) -> bool:
    """Whether ``doc``'s title or case reference is ``wanted`` (casefolded, spaces tidied)."""
    names = [doc_title(doc)] + [str(doc.get(k, "")) for k in TITLE_KEYS]
    return any(" ".join(n.split()).casefold() == wanted for n in names if n)


@value_class
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


def _deleted(
    cls: type[Record],
    gone_cls: type[Record],
    gone_id: str,
    tomb: tuple[Doc, Doc],
    *,
    itself: bool = False,
) -> MissingParentError:
    """The error for a ``cls`` saved under (or as) ``gone_id``, told from its tombstone:
    its last title, who deleted it and when; it can be restored."""
    last, deleted = tomb
    return MissingParentError(
        cls.NOUN,
        gone_cls.NOUN,
        gone_id,
        parent_title=doc_title(last),
        deleted_by=visible(str(deleted.get("updated_by") or "")),
        deleted_on=day_of(str(deleted.get("updated") or "")),
        restorable=True,
        itself=itself,
    )


class Versions:
    """Conflicts, history, restore and merge of one open :class:`~pdsa_tui.store.Store`."""

    def __init__(self, store: RawStore) -> None:
        self._store = store

    # -- finding raw records ------------------------------------------------------
    def _locate(self, record_id: str) -> tuple[str, str | None, dict[str, Any] | None]:
        """``(table, doc_id, doc)`` of a record, live or deleted (doc None when deleted)."""
        store = self._store
        rid = record_id.strip()
        for (table, key), (doc_id, doc) in store.raw_records().items():
            if key == rid:
                return table, doc_id, doc
        hist = store.history_table()
        if isinstance(hist.get(rid), dict) and "deleted" in hist[rid]:
            return str(hist[rid].get("table", "")), None, None
        matches = [k for (_t, k) in store.raw_records()] + [
            k for k, h in hist.items() if isinstance(h, dict) and "deleted" in h
        ]
        found = [k for k in matches if len(rid) >= 4 and k.startswith(rid)]
        if len(set(found)) == 1:
            return self._locate(found[0])
        raise NotFoundError(f"no record has id {record_id!r} (give its id, as 'pdsa list' shows)")

    def find(self, name: str) -> str:
        """The id of the record ``name`` names: its id (or a prefix), title or case reference.

        Deleted records count too. Raise :class:`NotFoundError` when nothing or more than
        one record matches, listing the candidates.
        """
        try:
            table, _doc_id, doc = self._locate(name)
        except NotFoundError:
            pass
        else:
            return str(doc["id"]) if doc is not None else self._deleted_id(name)
        wanted = " ".join(name.split()).casefold()
        found: dict[str, str] = {}
        for (table, rid), (_doc_id, doc) in self._store.raw_records().items():
            if _names(doc, wanted):
                found[rid] = (
                    f"{RECORD_TYPES[table].NOUN} '{doc_title(doc)}'"
                    if (table in RECORD_TYPES)
                    else doc_title(doc)
                )
        for gone in self.deleted():
            last = (self._store.history_table().get(gone["id"]) or {}).get("doc") or {}
            if _names(last, wanted):
                found[gone["id"]] = f"'{gone['title']}' (deleted)"
        if len(found) == 1:
            return next(iter(found))
        if not found:
            raise NotFoundError(
                f"no record has id {name!r}, nor that title or case reference (give a "
                "title as 'pdsa list' shows it, a case reference, or an id)"
            )
        listed = "; ".join(f"{label} ({rid[:8]})" for rid, label in sorted(found.items()))
        raise NotFoundError(
            f"{len(found)} records match {name!r}: {listed}; give the id's first characters"
        )

    # -- conflicts --------------------------------------------------------------------
    def conflicts(self) -> list[dict[str, Any]]:
        """Unresolved conflicts: record id, table, title, field and the values kept."""
        store = self._store
        rows: list[dict[str, Any]] = []
        for (table, rid), (_doc_id, doc) in sorted(store.raw_records().items()):
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
        doc = self._store.raw_doc(record_id)
        return len(doc.get(CONFLICTS) or []) if doc is not None else 0

    def _open_conflict(
        self, record_id: str, field_name: str
    ) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
        """``(table, doc_id, doc, conflict)`` of the conflict open on ``field_name``."""
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
        return table, doc_id, doc, hits[0]

    def resolve_conflict(self, record_id: str, field_name: str, take: int) -> dict[str, Any]:
        """Keep value number ``take`` (0 first) of a conflict and close it; return the record."""
        self._store.check_writable()
        table, doc_id, doc, conflict = self._open_conflict(record_id, field_name)
        values = conflict.get("values", [])
        if not 0 <= take < len(values):
            raise NotFoundError(
                f"--take {take} is not one of the values of '{conflict_field(conflict)}'; "
                f"give 0 to {len(values) - 1}"
            )
        return self._settle(table, doc_id, doc, conflict, values[take].get("value"))

    def combine_conflict(self, record_id: str, field_name: str, text: str) -> dict[str, Any]:
        """Close a conflict on a text field with ``text`` (both values, edited into one).

        Recorded in the history as keeping one value is. A field that is not text (a
        date, a choice, a number, a data point) raises :class:`StoreError`; a value the
        field refuses raises :class:`ValidationError` naming the field.
        """
        self._store.check_writable()
        table, doc_id, doc, conflict = self._open_conflict(record_id, field_name)
        spec = text_spec(table, conflict_field(conflict))
        if spec is None:
            label = field_label(table, str(conflict.get("field", "")))
            raise StoreError(
                f"{label} is not text: only one of its values can be kept, not a combination"
            )
        value = text.strip()
        if spec.kind == "text" and "\n" in value:
            raise ValidationError(
                [
                    FieldError(
                        spec.name,
                        spec.label,
                        "is one line: join the lines into one (a line break is not accepted)",
                    )
                ]
            )
        cls = RECORD_TYPES[table]
        errors = cls.from_dict({**doc, spec.name: value}).validate()
        mine = [e for e in errors if e.field == spec.name]
        if mine:
            raise ValidationError(mine)
        return self._settle(table, doc_id, doc, conflict, value)

    def _settle(
        self,
        table: str,
        doc_id: str,
        doc: dict[str, Any],
        conflict: dict[str, Any],
        value: Any,
    ) -> dict[str, Any]:
        """Put ``value`` in the conflict's field, close the conflict, save a new version."""
        new = copy.deepcopy(doc)
        apply_choice(new, conflict, value)
        new[CONFLICTS] = [c for c in doc.get(CONFLICTS) or [] if c is not conflict]
        if not new[CONFLICTS]:
            del new[CONFLICTS]
        self._write_version(table, doc_id, doc, new)
        return new

    def _write_version(
        self, table: str, doc_id: str, old: dict[str, Any], new: dict[str, Any]
    ) -> None:
        store = self._store
        check_like_an_edit(table, new)
        new["updated"] = now_stamp()
        new["updated_by"] = store.user
        new["rev"] = make_rev(rev_number(old.get("rev")) + 1, new)
        add_version(store.history_table(), str(new["id"]), table, old, new)
        store.write_raw(table, doc_id, new)

    # -- history ----------------------------------------------------------------------
    def history(self, record_id: str) -> list[Version]:
        """The versions of a record (live or deleted), newest first."""
        store = self._store
        _table, _doc_id, doc = self._locate(record_id)
        rid = str(doc["id"]) if doc else record_id.strip()
        if doc is None:
            rid = self._deleted_id(record_id)
        hist = store.history_table().get(rid)
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

    def name_of(self, record_id: str) -> str:
        """Record ``record_id`` in words ("change idea 'X'", "... (deleted)"), never its id."""
        try:
            table, _doc_id, doc = self._locate(record_id)
        except NotFoundError:
            return "a record no longer in the file"
        gone = doc is None
        if doc is None:
            doc = (self._store.history_table().get(record_id.strip()) or {}).get("doc") or {}
        cls = RECORD_TYPES.get(table)
        noun = cls.NOUN if cls is not None else table
        return f"{noun} '{doc_title(doc)}'" + (" (deleted)" if gone else "")

    def table_of(self, record_id: str) -> str:
        """The table of record ``record_id``, live or deleted (for labels and nouns)."""
        return self._locate(record_id)[0]

    def _deleted_id(self, record_id: str) -> str:
        hist = self._store.history_table()
        rid = record_id.strip()
        if rid in hist:
            return rid
        return next(k for k in hist if k.startswith(rid))

    def deleted(self) -> list[dict[str, Any]]:
        """Deleted records that can be restored, newest deletion first."""
        store = self._store
        rows = []
        for rid, h in store.history_table().items():
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
        store = self._store
        store.check_writable()
        table, doc_id, doc = self._locate(record_id)
        rid = str(doc["id"]) if doc else self._deleted_id(record_id)
        hist = store.history_table().get(rid)
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
        store = self._store
        check_like_an_edit(table, new)
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
        store.write_raw(table, None, new)

    def _check_parent(self, table: str, content: dict[str, Any]) -> None:
        """A restored record must still belong to something that exists."""
        cls = RECORD_TYPES.get(table)
        link = PARENTS.get(cls) if cls is not None else None
        if cls is None or link is None:
            return
        parent_id = content.get(link[0])
        if not isinstance(parent_id, str) or self._store.lookup(link[1], parent_id) is None:
            raise self.missing_parent(cls, link[1], str(parent_id))

    # -- records saved under one another copy deleted ----------------------------------
    def missing_parent(
        self, cls: type[Record], parent_cls: type[Record], parent_id: str
    ) -> MissingParentError:
        """The error for a ``cls`` saved under ``parent_id``, which is not in the file.

        It names the parent by its last title, and who deleted it when, from its
        tombstone; without one (no history) only by its noun.
        """
        tomb = self._tombstone(parent_id)
        if tomb is None:
            return MissingParentError(cls.NOUN, parent_cls.NOUN, parent_id)
        return _deleted(cls, parent_cls, parent_id, tomb)

    def deleted_error(self, cls: type[Record], record_id: str) -> MissingParentError | None:
        """The error for saving an edit of ``record_id`` if another copy deleted it (its
        tombstone says who and when), else None."""
        tomb = self._tombstone(record_id)
        return None if tomb is None else _deleted(cls, cls, record_id, tomb, itself=True)

    def _tombstone(self, record_id: str) -> tuple[Doc, Doc] | None:
        """``(last version, deletion)`` of a deleted record that can come back, or None.

        A record joined into another by a merge (``merged_into``) is not offered: the
        other one holds it.
        """
        h = self._store.history_table().get(record_id)
        if not isinstance(h, dict):
            return None
        last, deleted = h.get("doc"), h.get("deleted")
        if isinstance(last, dict) and isinstance(deleted, dict) and "merged_into" not in deleted:
            return last, deleted
        return None

    def deleted_owners(self, record_id: str) -> list[tuple[str, Doc]]:
        """Deleted ``record_id`` and the deleted records it belongs to, nearest first.

        Each as ``(table, its last version)``; empty when ``record_id`` is not deleted.
        The chain stops at an owner that is in the file (or has no history).
        """
        chain: list[tuple[str, Doc]] = []
        rid, seen = record_id, set()
        while rid not in seen and (tomb := self._tombstone(rid)) is not None:
            seen.add(rid)
            table = str(self._store.history_table()[rid].get("table", ""))
            chain.append((table, tomb[0]))
            cls = RECORD_TYPES.get(table)
            link = PARENTS.get(cls) if cls is not None else None
            pid = tomb[0].get(link[0]) if link is not None else None
            if link is None or not isinstance(pid, str) or self._store.lookup(link[1], pid):
                break
            rid = pid
        return chain

    def restore_to_save(self, record: Record, error: MissingParentError) -> list[dict[str, Any]]:
        """Bring back what saving ``record`` needs: the deleted owner ``error`` names, its
        deleted owners, and ``record`` itself if it was deleted with them."""
        start = record.id if self._tombstone(record.id) is not None else error.parent_id
        return self.restore_owners(start)

    def restore_owners(self, record_id: str) -> list[dict[str, Any]]:
        """Bring back deleted ``record_id`` and the deleted records it belongs to.

        Outermost first, each through :meth:`restore` (a new version; the deletion stays
        in the history). Returns the restored records, outermost first.
        """
        chain = self.deleted_owners(record_id)
        if not chain:
            raise NotFoundError("that record is not deleted, or has no history to restore")
        return [self.restore(str(doc["id"])) for _table, doc in reversed(chain)]

    # -- merging another copy -----------------------------------------------------------
    def merge_file(self, other: Path, *, dry_run: bool = False) -> MergeResult:
        """Merge a copy of the database edited elsewhere into this one. ``other`` is only read."""
        store = self._store
        if not dry_run:
            store.check_writable()
        theirs = load_copy(other)
        mine = {key: str(doc.get("rev", "")) for key, (_d, doc) in store.raw_records().items()}
        problem = incoming_problem(theirs, mine)
        if problem:
            raise StoreError(
                f"{other} was not merged: {problem}. It may be damaged or made by hand; "
                "nothing was changed"
            )
        return store.merge_copy(theirs, dry_run=dry_run)

    def record_docs(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(table, raw document)`` of every live record, every table."""
        for (table, _rid), (_doc_id, doc) in self._store.raw_records().items():
            yield table, doc


def check_like_an_edit(table: str, doc: dict[str, Any]) -> None:
    """Refuse (:class:`StoreError`) a version no edit could save: a value of the wrong type
    (text that is a number), or one the record's own checks refuse (a date that cannot be)."""
    problem = doc_problem(table, {k: v for k, v in doc.items() if k != CONFLICTS})
    if problem is None:
        cls = RECORD_TYPES.get(table)
        errors = cls.from_dict(doc).validate() if cls is not None else []
        problem = str(errors[0]) if errors else None
    if problem:
        raise StoreError(f"this value cannot be kept: {problem}; nothing was changed")


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
    "Version",
    "Versions",
    "apply_choice",
    "conflict_field",
    "doc_title",
    "field_label",
    "shown_value",
    "text_spec",
]
