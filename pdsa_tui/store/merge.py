"""Record-level three-way merge of two pdsa files, generic over every table.

Works on the raw file layout (``{table: {doc_id: doc}}``), so a table added later
(cases, meetings, drivers...) merges with no code of its own. Every record version
has a ``rev`` (``"N-hash"``); the version with the higher ``(N, updated,
updated_by, rev)`` wins a same-field conflict, and the losing value is kept in the
record's ``_conflicts`` for a person to resolve. Nothing anyone saved is dropped.

Two ways to find the common ancestor of a record:

* :func:`merge_live`: another copy saved while this one had the file open. The
  ancestor is the file as this copy last read it (like KeePassXC), so a restored
  backup or a sync tool's older file counts as a change made on disk; but a sync
  service's fork put in place (older versions of some records beside newer or
  sibling versions of others) never replaces what this copy holds.
* :func:`merge_offline`: a copy edited elsewhere (``pdsa merge OTHER.json``). The
  ancestor is the newest version both records' histories share (like CouchDB), so a
  record deleted here never comes back from an older copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import field
from typing import Any

from pdsa_tui.model.base import Record
from pdsa_tui.model.registry import PARENTS, RECORD_CLASSES, RECORD_TYPES
from pdsa_tui.store.docmerge import (
    CONFLICTS,
    make_rev,
    merge_docs,
)
from pdsa_tui.store.history import KEEP_VERSIONS, chain, history_entry, rev_number, version_at
from pdsa_tui.store.migrations import HISTORY
from pdsa_tui.valueclass import value_class

META = "meta"
#: Tables that hold no records.
RESERVED = frozenset({META, HISTORY})
Doc = dict[str, Any]
Data = dict[str, Any]
Key = tuple[str, str]  # (table, record id)


def record_tables(data: Data) -> Iterator[str]:
    """Every table that holds records (all but meta and history)."""
    for name, table in data.items():
        if name not in RESERVED and isinstance(table, dict):
            yield name


def index(data: Data) -> dict[Key, tuple[str, Doc]]:
    """``{(table, id): (doc_id, doc)}`` over every record table."""
    out: dict[Key, tuple[str, Doc]] = {}
    for name in record_tables(data):
        for doc_id, doc in data[name].items():
            if isinstance(doc, dict):
                out[(name, str(doc.get("id") or f"#{doc_id}"))] = (doc_id, doc)
    return out


# -- whole files ----------------------------------------------------------------------
@value_class
class MergeResult:
    """What a merge changed in the receiving file."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    #: The records that changed, ``(table, id)``.
    changed: list[Key] = field(default_factory=list)
    #: Records this copy holds that the file lost with no deletion recorded: to write back.
    kept: list[Key] = field(default_factory=list)
    #: What happened to each: ``("added" | "changed" | "deleted", table, document)``, the
    #: document as it is after the merge (before it, for a deletion).
    items: list[tuple[str, str, Doc]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many records changed."""
        return len(self.changed)

    def as_json(self) -> dict[str, int]:
        """The documented JSON summary."""
        return {
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
        }


def count_conflicts(doc: Doc | None) -> int:
    """Open conflicts on a record."""
    return len(doc.get(CONFLICTS) or []) if doc else 0


class _Merger:
    """Applies per-record decisions to ``mine`` in place and counts them."""

    def __init__(self, mine: Data, theirs: Data) -> None:
        self.mine = mine
        self.theirs = theirs
        self.m_index = index(mine)
        self.t_index = index(theirs)
        self.m_hist: dict[str, Any] = mine.setdefault(HISTORY, {})
        self.t_hist: dict[str, Any] = theirs.get(HISTORY) or {}
        self.result = MergeResult()

    def record_keys(self, extra: Iterable[Key] = ()) -> list[Key]:
        keys = dict.fromkeys([*self.m_index, *self.t_index, *extra])
        for hist in (self.m_hist, self.t_hist):
            for rid, h in hist.items():
                if isinstance(h, dict) and isinstance(h.get("table"), str):
                    keys[(h["table"], rid)] = None
        return list(keys)

    def doc(self, side: dict[Key, tuple[str, Doc]], key: Key) -> Doc | None:
        hit = side.get(key)
        return hit[1] if hit else None

    def _put(self, key: Key, doc: Doc | None) -> None:
        table, _rid = key
        hit = self.m_index.get(key)
        if doc is None:
            if hit is not None:
                del self.mine[table][hit[0]]
                del self.m_index[key]
            return
        if hit is not None:
            self.mine[table][hit[0]] = doc
        else:
            rows = self.mine.setdefault(table, {})
            doc_id = str(max((int(k) for k in rows if k.isdigit()), default=0) + 1)
            rows[doc_id] = doc
        self.m_index[key] = (hit[0] if hit else doc_id, doc)

    def take_theirs(self, key: Key) -> None:
        """Mine becomes theirs for this record; what mine held stays in its history.

        A record new here takes theirs' history too. One this copy had keeps its own
        history, and the version it replaces (or the deletion) is added to it, so a
        merge is never final: whatever it replaced or deleted can be restored.
        """
        before = self.doc(self.m_index, key)
        after = self.doc(self.t_index, key)
        rid = key[1]
        th = self.t_hist.get(rid)
        mh = self.m_hist.get(rid)
        self._put(key, after)
        if before is None and not (isinstance(mh, dict) and isinstance(mh.get("doc"), dict)):
            if th is not None:
                self.m_hist[rid] = th  # theirs is a fresh parse: no copy needed
            elif after is not None:
                self.m_hist.pop(rid, None)
        else:
            self._keep_mine(key, before, after, th)
        self._count(key, before, after)

    def _keep_mine(self, key: Key, before: Doc | None, after: Doc | None, th: Any) -> None:
        """Add to this copy's history of a record the change theirs brings (``after``)."""
        table, rid = key
        h = self.m_hist.get(rid)
        if not isinstance(h, dict):
            h = self.m_hist[rid] = {"table": table, "versions": []}
        versions_ = h.setdefault("versions", [])
        their_revs = chain(after, th if isinstance(th, dict) else None)
        if before is None:  # deleted here, and theirs is newer: the tombstone's doc is the older
            last = h.pop("doc", None)
            tomb = h.pop("deleted", None)
            if isinstance(last, dict) and after is not None:
                entry = history_entry(last, after)
                if isinstance(tomb, dict):
                    entry["merged"] = [str(tomb.get("rev", ""))]
                versions_.insert(0, entry)
        elif after is None:  # theirs deleted it: keep ours as the tombstone's last version
            deleted = th.get("deleted") if isinstance(th, dict) else None
            h["doc"] = before
            h["deleted"] = (
                dict(deleted)
                if isinstance(deleted, dict)
                else {"rev": "", "updated": "", "updated_by": ""}
            )
        else:
            entry = history_entry(before, after)
            entry["merged"] = [r for r in their_revs[1:] if r != before.get("rev")]
            versions_.insert(0, entry)
        del versions_[KEEP_VERSIONS:]

    def put_merged(self, key: Key, merged: Doc, mine: Doc, theirs_rev: str) -> None:
        """Store a merge of both sides as the record's next version."""
        entry = history_entry(mine, merged)
        entry["merged"] = [theirs_rev]
        h = self.m_hist.setdefault(key[1], {"table": key[0], "versions": []})
        h["versions"].insert(0, entry)
        self._put(key, merged)
        self._count(key, mine, merged)

    def revive(self, key: Key, theirs: Doc) -> None:
        """Theirs edited a record deleted here: the edit wins and the record comes back.

        The version deleted here stays in the record's history.
        """
        self._put(key, theirs)
        self._keep_mine(key, None, theirs, self.t_hist.get(key[1]))
        self._count(key, None, theirs)

    def _count(self, key: Key, before: Doc | None, after: Doc | None) -> None:
        if before is None and after is None:
            return
        if before is None:
            self.result.added += 1
            self.result.items.append(("added", key[0], after or {}))
        elif after is None:
            self.result.deleted += 1
            self.result.items.append(("deleted", key[0], before))
        else:
            self.result.updated += 1
            self.result.items.append(("changed", key[0], after))
        self.result.conflicts += max(0, count_conflicts(after) - count_conflicts(before))
        self.result.changed.append(key)


def _same(a: Doc | None, b: Doc | None) -> bool:
    if a is None or b is None:
        return a is b
    if "rev" in a and "rev" in b:
        return bool(a["rev"] == b["rev"])
    return a == b


def merge_live(base_revs: dict[Key, str], mine: Data, theirs: Data) -> MergeResult:
    """Merge ``theirs`` (the file now) into ``mine`` (memory), in place.

    ``base_revs`` are the records' revs in the file as this copy last read or
    wrote it. A record only one side changed since then takes that side (a
    deletion included); one both changed merges field by field, the version
    both started from coming from history.
    """
    m = _Merger(mine, theirs)
    older: list[Key] = []  # the file holds an older version: taken unless the file is a fork
    newer = forked = False
    for key in m.record_keys(base_revs):
        b = base_revs.get(key)
        mine_doc = m.doc(m.m_index, key)
        theirs_doc = m.doc(m.t_index, key)
        if _same(mine_doc, theirs_doc):
            _sync_history(m, key)
            continue
        if _at(mine_doc, b):
            if theirs_doc is None and not _buried(m.t_hist.get(key[1])):
                # Gone from the file with no tombstone: no copy of pdsa deleted it (a sync
                # service delivered a version that never had it). Keep it, and write it
                # back: nothing is lost.
                m.result.kept.append(key)
                continue
            way = _way(m, key, mine_doc, theirs_doc)
            if way == "older":
                older.append(key)
            elif way == "sibling":
                forked = True
                _keep_both(m, key, mine_doc, theirs_doc)
            else:
                newer = True
                m.take_theirs(key)
        elif _at(theirs_doc, b):
            continue
        elif mine_doc is None:
            assert theirs_doc is not None
            m.revive(key, theirs_doc)
        elif theirs_doc is None:
            continue  # deleted there, edited here: the edit wins
        else:
            rid = key[1]
            base = None
            if b is not None:
                base = version_at(mine_doc, m.m_hist.get(rid), b) or version_at(
                    theirs_doc, m.t_hist.get(rid), b
                )
            merged = merge_docs(base, mine_doc, theirs_doc)
            m.put_merged(key, merged, mine_doc, theirs_doc.get("rev", ""))
    for key in older:
        if forked or newer:
            # A sync service's fork: the other machine's file, holding this record as it
            # was before this machine's edit. Taken, the edit would go (and the conflict
            # copy holding it would then merge as an older version: lost in silence).
            m.result.kept.append(key)
        else:  # an older file put back (a backup restored): a change made on disk
            m.take_theirs(key)
    settle(m)
    return m.result


def _way(m: _Merger, key: Key, mine: Doc | None, theirs: Doc | None) -> str:
    """How the file's version of a record stands to this copy's (unchanged since read).

    "newer" (it comes from this copy's: another copy's edit or deletion), "older" (this
    copy's comes from it) or "sibling" (both come from an older version: a fork).
    """
    mh, th = m.m_hist.get(key[1]), m.t_hist.get(key[1])
    mine_rev = _state_rev(mine, mh)
    if mine_rev is None or mine_rev in chain(theirs, th):
        return "newer"
    if _state_rev(theirs, th) in chain(mine, mh):
        return "older"
    return "sibling"


def _keep_both(m: _Merger, key: Key, mine: Doc | None, theirs: Doc | None) -> None:
    """Two versions of a record from one ancestor (a fork): neither replaces the other.

    An edit beats a deletion (as in :func:`merge_offline`); two edits merge field by
    field from the version both share (none found: every difference is a conflict).
    What this copy then holds is written back.
    """
    if theirs is None:
        m.result.kept.append(key)
    elif mine is None:
        m.revive(key, theirs)
    else:
        mh, th = m.m_hist.get(key[1]), m.t_hist.get(key[1])
        base = _common_ancestor(mine, mh, theirs, th)
        m.put_merged(key, merge_docs(base, mine, theirs), mine, str(theirs.get("rev", "")))
        m.result.kept.append(key)


def _buried(hist: Any) -> bool:
    """Whether a record's history holds its deletion (a tombstone)."""
    return isinstance(hist, dict) and isinstance(hist.get("deleted"), dict)


def _at(doc: Doc | None, rev: str | None) -> bool:
    """Whether ``doc`` is still the version ``rev`` (None: the record did not exist)."""
    if doc is None or rev is None:
        return doc is None and rev is None
    return bool(doc.get("rev") == rev)


def revs(
    data: Data, built: Mapping[type[Record], tuple[dict[str, Record], dict[str, str]]] | None = None
) -> dict[Key, str]:
    """Every record's rev, for :func:`merge_live`'s ``base_revs`` (keyed as :func:`index`).

    ``built``: records built from ``data`` (by class: by id, and their document keys),
    whose ``rev`` is read instead of their documents' (the same value, found faster).
    """
    out: dict[Key, str] = {}
    for name in record_tables(data):
        cls = RECORD_TYPES.get(name)
        got = built.get(cls) if built is not None and cls is not None else None
        if got is not None:
            records, doc_ids = got
            for rid, rec in records.items():
                rev = rec.rev
                out[(name, rid or f"#{doc_ids[rid]}")] = rev if rev.__class__ is str else str(rev)
            continue
        for doc_id, doc in data[name].items():
            if isinstance(doc, dict):
                out[(name, str(doc.get("id") or f"#{doc_id}"))] = str(doc.get("rev", ""))
    return out


def _sync_history(m: _Merger, key: Key) -> None:
    """Both sides agree on the record; a tombstone only theirs has is still worth keeping."""
    rid = key[1]
    if rid not in m.m_hist and rid in m.t_hist:
        m.m_hist[rid] = m.t_hist[rid]


def _state_rev(doc: Doc | None, hist: dict[str, Any] | None) -> str | None:
    """The rev of a record's newest version here: its own, or its deletion's."""
    if doc is not None:
        return str(doc.get("rev", ""))
    if hist and isinstance(hist.get("deleted"), dict):
        return str(hist["deleted"].get("rev", ""))
    return None


def merge_offline(mine: Data, theirs: Data) -> MergeResult:
    """Merge another copy's file ``theirs`` into ``mine`` (in place), ancestors from history."""
    m = _Merger(mine, theirs)
    for key in m.record_keys():
        rid = key[1]
        mine_doc = m.doc(m.m_index, key)
        theirs_doc = m.doc(m.t_index, key)
        mh, th = m.m_hist.get(rid), m.t_hist.get(rid)
        rev_m, rev_t = _state_rev(mine_doc, mh), _state_rev(theirs_doc, th)
        if rev_t is None or rev_m == rev_t:
            continue  # they never had it, or both have the same version
        if rev_m is None:
            m.take_theirs(key)  # new there (or created and deleted there)
            continue
        chain_m, chain_t = chain(mine_doc, mh), chain(theirs_doc, th)
        if rev_t in chain_m:
            continue  # theirs is an older version of mine
        if rev_m in chain_t:
            m.take_theirs(key)  # mine is an older version of theirs
        elif mine_doc is None:
            if theirs_doc is not None:
                m.revive(key, theirs_doc)  # deleted here, edited there: the edit wins
        elif theirs_doc is None:
            continue  # deleted there, edited here: the edit wins
        else:
            base = _common_ancestor(mine_doc, mh, theirs_doc, th)
            merged = merge_docs(base, mine_doc, theirs_doc)
            m.put_merged(key, merged, mine_doc, rev_t)
    settle(m)
    return m.result


def _common_ancestor(
    mine: Doc, mh: dict[str, Any] | None, theirs: Doc, th: dict[str, Any] | None
) -> Doc | None:
    """The newest version both sides share, rebuilt from history (None if none is shared)."""
    mine_revs = chain(mine, mh)
    for rev in chain(theirs, th, ordered=True):
        if rev in mine_revs:
            found = version_at(mine, mh, rev)
            if found is None:
                found = version_at(theirs, th, rev)
            if found is not None:
                return found
    return None


# -- after the record-by-record merge: one thing, one record; no orphans --------------------
def settle(m: _Merger) -> None:
    """Join records that are one thing (natural keys), then bring back deleted owners of work."""
    _join_natural_duplicates(m)
    _revive_owners(m)


def _join_natural_duplicates(m: _Merger) -> None:
    """Two copies each added the same case (or answer): keep one record, with a conflict.

    The record kept is the one made first (then the lower id), so every copy that
    merges the two keeps the same one; the other is buried, its content in history.
    """
    for cls in RECORD_CLASSES:
        if cls.merge_key.__func__ is Record.merge_key.__func__:  # type: ignore[attr-defined]
            continue
        groups: dict[tuple[str, ...], list[Doc]] = {}
        for (table, _rid), (_doc_id, doc) in m.m_index.items():
            if table == cls.TABLE:
                key = cls.merge_key(doc)
                if key is not None:
                    groups.setdefault(key, []).append(doc)
        for docs in groups.values():
            if len(docs) < 2:
                continue
            docs.sort(key=lambda d: (str(d.get("created") or ""), str(d.get("id"))))
            keep = docs[0]
            for other in docs[1:]:
                keep = _join(m, cls.TABLE, keep, other)


def _join(m: _Merger, table: str, keep: Doc, other: Doc) -> Doc:
    """Fold ``other`` into ``keep`` (fields that differ become conflicts); bury ``other``."""
    base = {"created": other.get("created")}  # the kept record's own creation stays
    merged = merge_docs(base, keep, {**other, "id": keep.get("id")})
    merged["id"] = keep.get("id")
    key: Key = (table, str(keep.get("id")))
    m.put_merged(key, merged, keep, str(other.get("rev", "")))
    okey: Key = (table, str(other.get("id")))
    m._put(okey, None)
    h = m.m_hist.setdefault(okey[1], {"table": table, "versions": []})
    h["doc"] = other
    marker = {"id": okey[1], "deleted": True, "merged_into": key[1]}
    h["deleted"] = {
        "rev": make_rev(rev_number(other.get("rev")) + 1, marker),
        "updated": str(merged.get("updated") or ""),
        "updated_by": str(merged.get("updated_by") or ""),
        "merged_into": key[1],
    }
    m._count(okey, other, None)
    return merged


def _revive_owners(m: _Merger) -> None:
    """Work kept under a record another copy deleted brings that record back (and its owners)."""
    while True:
        revived = False
        for (table, _rid), (_doc_id, doc) in list(m.m_index.items()):
            cls = RECORD_TYPES.get(table)
            link = PARENTS.get(cls) if cls is not None else None
            if link is None:
                continue
            pid = doc.get(link[0])
            pkey: Key = (link[1].TABLE, str(pid))
            if not isinstance(pid, str) or pkey in m.m_index:
                continue
            h = m.m_hist.get(pid)
            if isinstance(h, dict) and isinstance(h.get("doc"), dict) and "deleted" in h:
                _undelete(m, pkey, h)
                revived = True
        if not revived:
            return


def _undelete(m: _Merger, key: Key, h: dict[str, Any]) -> None:
    """Bring a buried record back as its next version, the deletion kept in its history."""
    last = h.pop("doc")
    tomb = h.pop("deleted")
    tomb = tomb if isinstance(tomb, dict) else {}
    versions_ = h.setdefault("versions", [])
    versions_.insert(0, history_entry(last, last))
    new = dict(last)
    new.pop(CONFLICTS, None)
    new["rev"] = make_rev(rev_number(tomb.get("rev")) + 1, new)
    gone = {**last, "rev": tomb.get("rev", ""), "updated": tomb.get("updated", "")}
    gone["updated_by"] = tomb.get("updated_by", "")
    entry = history_entry(gone, new)
    entry["deleted"] = True
    versions_.insert(0, entry)
    m._put(key, new)
    m._count(key, None, new)
