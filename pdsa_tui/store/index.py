"""The store's memory of the file: every record built once, found by id or by owner.

Queries read records from here, never from the raw file layout; each save and
each merge updates only the records it changed (:meth:`RecordIndex.refresh`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pdsa_tui.model import Record
from pdsa_tui.model.registry import PARENTS, RECORD_CLASSES, RECORD_TYPES
from pdsa_tui.store.building import Built, from_dicts

R = TypeVar("R", bound=Record)


class RecordIndex:
    """Records by type and id, their document keys, and each type's records by owner."""

    def __init__(self) -> None:
        self.records: dict[type[Record], dict[str, Record]] = {}
        #: The document key (TinyDB's doc_id) of each record, by type.
        self.doc_ids: dict[type[Record], dict[str, str]] = {}
        #: For each type that belongs to another: its records by the owner's id, so a
        #: query of one idea's cycles or one cycle's feedback does not scan the table.
        #: Made for a type at its first such query (opening never needs most of them).
        self._by_parent: dict[type[Record], dict[str, dict[str, Record]]] = {}

    def rebuild(
        self,
        data: dict[str, Any],
        built: Mapping[type[Record], Built] | None = None,
    ) -> None:
        """Build every record of ``data`` (the file's layout) afresh.

        ``built``: the records of ``data``, already built (by class: by id, and their
        document keys), as opening a file makes them while checking them.
        """
        for cls in RECORD_CLASSES:
            if built is not None:
                cache, doc_ids = built[cls]
            else:
                cache, doc_ids = from_dicts(cls, data.get(cls.TABLE, {}))
            self.records[cls] = cache
            self.doc_ids[cls] = doc_ids
        self._by_parent.clear()

    def _grouped(self, cls: type[Record]) -> dict[str, dict[str, Record]]:
        """The owner index of ``cls``, made now if it was not yet."""
        groups = self._by_parent.get(cls)
        if groups is None:
            groups = self._by_parent[cls] = {}
            attr = PARENTS[cls][0]
            for rid, rec in self.records[cls].items():
                groups.setdefault(getattr(rec, attr), {})[rid] = rec
        return groups

    def put(self, cls: type[Record], rec: Record, doc_id: str | None = None) -> None:
        """Hold ``rec`` (new, or replacing the record with its id), keeping the owner index."""
        cache = self.records[cls]
        link = PARENTS.get(cls)
        if link is not None:
            # Made before the first change, then kept: its order is what it always was.
            groups = self._grouped(cls)
            old = cache.get(rec.id)
            if old is not None:
                self._unlink(cls, link[0], old)
            groups.setdefault(getattr(rec, link[0]), {})[rec.id] = rec
        cache[rec.id] = rec
        if doc_id is not None:
            self.doc_ids[cls][rec.id] = doc_id

    def drop(self, cls: type[Record], rid: str) -> None:
        """Forget record ``rid`` (if held)."""
        link = PARENTS.get(cls)
        if link is not None:
            self._grouped(cls)  # made before the first change (see put)
        old = self.records[cls].pop(rid, None)
        self.doc_ids[cls].pop(rid, None)
        if old is not None and link is not None:
            self._unlink(cls, link[0], old)

    def _unlink(self, cls: type[Record], attr: str, rec: Record) -> None:
        groups = self._by_parent[cls]
        parent_id = getattr(rec, attr)
        group = groups.get(parent_id)
        if group is not None:
            group.pop(rec.id, None)
            if not group:
                del groups[parent_id]

    def of(self, cls: type[R], parent_id: str) -> list[R]:
        """The records of type ``cls`` that belong to the record ``parent_id``, unsorted."""
        return list(self._grouped(cls).get(parent_id, {}).values())  # type: ignore[arg-type]

    def groups(self, cls: type[Record]) -> dict[str, dict[str, Record]]:
        """The owner index of ``cls``: owner id -> {record id: record} (no empty groups)."""
        return self._grouped(cls)

    def refresh(self, data: dict[str, Any], keys: Iterable[tuple[str, str]]) -> None:
        """Build again from ``data`` the records ``keys`` (``(table, id)``) only."""
        by_table: dict[str, list[str]] = {}
        for table, rid in keys:
            by_table.setdefault(table, []).append(rid)
        for table, ids in by_table.items():
            cls = RECORD_TYPES.get(table)
            if cls is None:
                continue  # a table this pdsa does not show: kept and merged as it is
            where = {doc.get("id"): doc_id for doc_id, doc in data.get(table, {}).items()}
            for rid in ids:
                doc_id = where.get(rid)
                if doc_id is None:
                    self.drop(cls, rid)
                else:
                    self.put(cls, cls.from_dict(data[table][doc_id]), doc_id)

    def doc_of(self, data: dict[str, Any], table: str, rid: str) -> dict[str, Any] | None:
        """The stored document of record ``rid`` of ``table`` (any table), or None."""
        rows = data.get(table)
        if not isinstance(rows, dict):
            return None
        cls = RECORD_TYPES.get(table)
        if cls is not None:
            doc_id = self.doc_ids[cls].get(rid)
            doc = rows.get(doc_id) if doc_id is not None else None
            if isinstance(doc, dict) and doc.get("id") == rid:
                return doc
        return next((d for d in rows.values() if isinstance(d, dict) and d.get("id") == rid), None)
