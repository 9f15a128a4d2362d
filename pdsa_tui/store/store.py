"""The open database: records in memory, saved safely to one file that many copies share.

:class:`Store` opens the file (checked by :mod:`.checks`), keeps its records in a
:class:`~.index.RecordIndex`, and saves through :class:`~.sync.SyncedFile`, merging
what other copies saved meanwhile (:mod:`.merge`). Conflicts, history and restore
are :class:`~.versions.Versions` (``store.versions``); reads (lookups, sorted lists,
finds, links) are :class:`~.queries.RecordQueries`, which ``Store`` extends. The file keeps TinyDB's
layout (``{table: {doc_id: document}}``), so TinyDB itself can read it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pdsa_tui.memory import paused_gc
from pdsa_tui.model import (
    Measure,
    Record,
)
from pdsa_tui.model.dates import now_stamp
from pdsa_tui.model.errors import RuleError
from pdsa_tui.model.registry import PARENTS
from pdsa_tui.store import absorb, copies, migrations, opening
from pdsa_tui.store.access import make_database_folder
from pdsa_tui.store.checks import (
    BuiltTables,
    parse_file,
    read_only_reason,
)
from pdsa_tui.store.docmerge import make_rev, merge_docs
from pdsa_tui.store.docs import bury, next_doc_id, same_content
from pdsa_tui.store.errors import (
    CutShortError,
    DatabaseLockedError,
    DatabaseNotFoundError,
    LockFileError,
    ReadOnlyError,
    StoreError,
    WriteFailedError,
    create_failed_text,
)
from pdsa_tui.store.history import add_version, rev_number, version_at
from pdsa_tui.store.measure_data import MeasureData
from pdsa_tui.store.merge import MergeResult, index, merge_live, merge_offline, revs
from pdsa_tui.store.migrations import HISTORY
from pdsa_tui.store.paths import current_user
from pdsa_tui.store.queries import RecordQueries
from pdsa_tui.store.storage import decode
from pdsa_tui.store.sync import SyncedFile
from pdsa_tui.store.typed import Later

if TYPE_CHECKING:
    from pdsa_tui.store.versions import Versions

R = TypeVar("R", bound=Record)
Doc = dict[str, Any]


def _checked(record: Record, stored: Record | None) -> None:
    """Validate ``record`` before it replaces ``stored``; raise :class:`ValidationError`.

    A measure's points that are stored unchanged (same unit) are not checked again: a
    file from an older pdsa may hold values no unit accepts now (1e308 days), and one
    such point must not stop the user correcting or deleting the others, or adding new
    ones. New and edited points, and every point after a change of unit, are checked.
    """
    if isinstance(record, Measure) and isinstance(stored, Measure) and record.unit == stored.unit:
        held = {p.id: p for p in stored.points}
        fresh = [p for p in record.points if held.get(p.id) != p]
        if len(fresh) < len(record.points):
            dataclasses.replace(record, points=fresh).check()
            return
    record.check()


class Store(RecordQueries):
    """An open pdsa database, shared safely with any other copies of pdsa using the file.

    Records returned by queries are shared with the store's cache: treat them
    as read-only and save changed copies (``dataclasses.replace``). Every save
    merges what other copies saved since this one last read the file.

    The save path: :meth:`save` validates the record, applies its own rules
    (``before_save``), writes its document and history into memory, then
    :meth:`_commit` asks :class:`SyncedFile` to save; under the lock it reads the
    file, and if another copy changed it, :meth:`_merge_in` merges theirs into
    memory (:func:`merge_live`) and refreshes the index before the atomic write.
    """

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        *,
        read_only: bool,
        synced: bytes,
        read_only_reason: str = "",
        user: str = "",
        records: BuiltTables | None = None,
        later: Later | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        #: Why the store is read-only, for the user (empty when writable).
        self.read_only_reason = read_only_reason
        #: Who this copy's saves are by (``updated_by``).
        self.user = user
        #: The schema version the file had when opened (before any migration).
        self.file_version = migrations.SCHEMA_VERSION
        super().__init__(data, records, later)
        self._file = SyncedFile(path, synced)
        self._batch_depth = 0
        self._dirty = False
        self._saves = 0
        #: Each record's rev in the file as this copy last read or wrote it (see
        #: :attr:`_base_revs`; None until the documents are decoded, with ``later``).
        self._revs: dict[tuple[str, str], str] | None = (
            revs(data, records) if later is None else None
        )
        #: Records changed in memory since the last save.
        self._touched: set[tuple[str, str]] = set()
        #: Bumped on every change, so views know when to refresh.
        self.version = 0
        #: Changes merged in from other copies, not yet shown to the user.
        self.incoming: list[MergeResult] = []
        #: What this copy merged from sync services' conflict copies, not yet shown.
        self.copy_notices: list[str] = []
        self._refused_copies: set[str] = set()
        #: Memory holds records the file lost (a sync service's older version): save them.
        self._write_back = False

    @property
    def measure_data(self) -> MeasureData:
        """A measure's points and cases: added, changed and removed (made at each use,
        as :attr:`versions` is)."""
        return MeasureData(self)

    @property
    def versions(self) -> Versions:
        """Conflicts, history, restore and merging another copy.

        Made at each use (it holds nothing but the store): kept on the store, the two
        would form a cycle that only the garbage collector frees, by walking every record
        (half a second after ``pdsa check`` of 50,000 cycles); without it the store is
        freed as soon as it is dropped. Imported at first use: opening the app needs none of it.
        """
        from pdsa_tui.store.versions import Versions

        return Versions(self)

    # -- opening and closing ----------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        create: bool = False,
        read_only: bool = False,
        fallback_read_only: bool = False,
        user: str | None = None,
    ) -> Store:
        """Open the database at ``path``.

        ``create`` makes a new empty database if there is no file (never over
        an existing one). Any number of copies may open one file for writing;
        ``fallback_read_only`` opens read-only when the file stays too busy to
        migrate. ``user`` is who saves (default ``$PDSA_USER``, else the login).
        """
        # Resolved once: a symlinked database is saved, locked and backed up where it lives.
        p = Path(os.path.realpath(Path(path).expanduser()))
        who = current_user(user)
        if not p.exists() and not p.is_symlink():
            if not create:
                raise DatabaseNotFoundError(
                    f"{p}: no such database file (create one with 'pdsa demo {p}' or by "
                    "opening it in the app)"
                )
            if read_only:
                raise DatabaseNotFoundError(f"{p}: no such database file")
            opening.create_file(p)
            return cls._finish_open(p, read_only=False, reason="", user=who, fresh=True)
        if read_only:
            return cls._finish_open(p, read_only=True, reason="opened read-only", user=who)
        why = read_only_reason(p)
        if why:
            return cls._finish_open(p, read_only=True, reason=why, user=who)
        try:
            return cls._finish_open(p, read_only=False, reason="", user=who)
        except LockFileError as exc:
            return cls._finish_open(p, read_only=True, reason=str(exc), user=who)
        except DatabaseLockedError as exc:
            if not fallback_read_only:
                raise
            return cls._finish_open(p, read_only=True, reason=str(exc), user=who)

    @classmethod
    def new(cls, path: str | os.PathLike[str], *, user: str | None = None) -> Store:
        """A new, empty database for ``path``, held in memory until its first save makes it.

        For a programme written whole (the demo): one write, not an empty file written,
        read back and written again. Refuses (``FileExistsError``) when something is at
        ``path``, now or at that first save (then nothing is written).
        """
        p = Path(os.path.realpath(Path(path).expanduser()))
        if os.path.lexists(p):
            raise FileExistsError(f"{p} already exists")
        try:
            make_database_folder(p)
        except OSError as exc:
            raise WriteFailedError(create_failed_text(p, exc)) from exc
        store = cls(p, opening.new_data(), read_only=False, synced=b"", user=current_user(user))
        store._file.new = True
        return store

    @classmethod
    def _finish_open(
        cls, path: Path, *, read_only: bool, reason: str, user: str, fresh: bool = False
    ) -> Store:
        # Parsing and building every record makes millions of objects, none of them
        # garbage: the collector's passes over them would only cost time (a fifth of it).
        with paused_gc():
            if read_only:
                got = opening.read_for_reading(path)
            else:
                got = opening.read_for_writing(path, fresh=fresh)
            store = cls(
                path,
                got.data,
                read_only=read_only,
                synced=got.raw,
                read_only_reason=reason,
                user=user,
                records=got.records,
                later=got.later,
            )
            store.file_version = got.version
            if not read_only:
                with contextlib.suppress(StoreError):  # a copy that cannot be merged waits
                    store.absorb_copies()
            return store

    def close(self) -> None:
        """Nothing to release: every save is already on disk and no lock is held."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _base_revs(self) -> dict[tuple[str, str], str]:
        """Each record's rev in the file as this copy last read or wrote it."""
        if self._revs is None:
            self._documents()  # decoding them sets _revs (see _took_documents)
        assert self._revs is not None
        return self._revs

    @_base_revs.setter
    def _base_revs(self, value: dict[tuple[str, str], str]) -> None:
        self._revs = value

    def _took_documents(self) -> None:
        # Nothing changed in memory yet (every change reads the documents first).
        self._revs = revs(self._held)

    def _recache(self, keys: Iterable[tuple[str, str]]) -> None:
        self._index.refresh(self._data, keys)

    def _base(self) -> dict[str, Any]:
        """The file as this copy last read or wrote it (parsed again: rarely needed)."""
        data: dict[str, Any] = decode(self._file.synced) if self._file.synced else {}
        if data:
            migrations.migrate(data)
        return data

    def _rollback(self) -> None:
        """Return memory to what this copy last read or wrote, after a failed save."""
        self._data = self._base() or migrations.new_database(now_stamp())
        self._dirty = False
        self._touched.clear()
        self._base_revs = revs(self._data)
        self._index.rebuild(self._data)
        self._cache = self._index.records
        self.version += 1

    def _theirs(self, raw: bytes) -> dict[str, Any]:
        """Another copy's file, checked and brought to this schema; refused if newer or foreign."""
        try:
            data = parse_file(self.path, raw, known=self._base_revs)
        except CutShortError as exc:
            # It changed since this copy read it: most likely still arriving, in place.
            raise CutShortError(
                self.path,
                f"{exc.problem}. It has just changed, so a sync service may still be bringing "
                "it: pdsa reads it again when it changes",
                exc.backup,
            ) from None
        migrations.migrate(data)
        return data

    def _merge_in(self, raw: bytes) -> None:
        """Merge what another copy saved (``raw``) into memory."""
        with paused_gc():  # a parse makes objects by the hundred thousand: see memory.py
            result = merge_live(self._base_revs, self._data, self._theirs(raw))
        self._file.mark_read(raw)
        if result.kept:  # the file lost records no copy deleted: the next save writes them
            self._touched.update(result.kept)
            self._write_back = True
        if result.changed:
            self._recache(result.changed)
            self._synced(result.changed)
            self.version += 1
            self.incoming.append(result)

    def _synced(self, keys: Iterable[tuple[str, str]]) -> None:
        """Memory and file now agree on the records ``keys``."""
        for key in keys:
            doc = self._doc_of(*key)
            if doc is None:
                self._base_revs.pop(key, None)
            else:
                self._base_revs[key] = str(doc.get("rev", ""))

    def _doc_of(self, table: str, rid: str) -> dict[str, Any] | None:
        return self._index.doc_of(self._data, table, rid)

    # -- sync services' conflict copies ------------------------------------------------
    def identity(self) -> str:
        """The programme's identity (the same in every copy of this file)."""
        # The meta table is read at open, whatever else waits (see RecordQueries._data).
        return copies.identity_of(self._held)

    def absorb_copies(self) -> list[str]:
        """Merge sync services' conflict copies of this programme beside the file, and save.

        Each merged copy is moved into the kept folder (``<file>.kept``) and remembered
        in the file; returns (and keeps in :attr:`copy_notices`) one line for each.
        """
        if self.read_only:
            return []
        before = len(self.copy_notices)
        taken = self._take_copies()
        if not taken:
            return self.copy_notices[before:]
        return self._commit(taken)

    def _take_copies(self) -> list[tuple[copies.Found, str]]:
        """Merge into memory every conflict copy of this programme beside the file."""
        got = absorb.merge_copies(self.path, lambda: self._data, self.user, self._refused_copies)
        self.copy_notices.extend(got.refused)
        self._kept(got.unchanged)
        if got.changed:
            self._touched.update(got.changed)
            self._recache(got.changed)
            self.version += 1
        return got.taken

    def _kept(self, taken: list[tuple[copies.Found, str]]) -> list[str]:
        """After the save: move merged copies into the kept folder; say what was merged."""
        lines = []
        for f, text in taken:
            with contextlib.suppress(OSError):  # merged and saved; moving it is tidying
                copies.keep(self.path, f.path)
            lines.append(text)
        self.copy_notices.extend(lines)
        return lines

    def refresh(self) -> MergeResult:
        """Take in what other copies saved since this one last looked; say what changed.

        Cheap when nothing changed (one ``stat``). Raises :class:`StoreError` when the
        file on disk is no longer one this pdsa can read (it is then never written).
        """
        raw = self._file.changed()
        if raw is not None:
            self._merge_in(raw)
        if not self.read_only:
            self.absorb_copies()
            if self._write_back and not self._batch_depth:
                self._commit()
        return self.take_incoming()

    def take_incoming(self) -> MergeResult:
        """The changes merged in from other copies since last asked, added up."""
        total = MergeResult()
        for r in self.incoming:
            total.added += r.added
            total.updated += r.updated
            total.deleted += r.deleted
            total.conflicts += r.conflicts
            total.changed.extend(r.changed)
            total.items.extend(r.items)
        self.incoming.clear()
        return total

    def _commit(self, taken: list[tuple[copies.Found, str]] | None = None) -> list[str]:
        """Save memory to the file now (merging others' changes), or at the end of the batch.

        Conflict copies beside the file are merged in first (``taken``: already merged);
        returns one line for each copy merged and kept.
        """
        if self._batch_depth:
            self._dirty = True
            return []
        if taken is None:
            taken = self._take_copies()
        try:
            self._file.save(self._data, self._merge_in)
        except StoreError:
            self._rollback()
            raise
        lines = self._kept(taken)
        self._write_back = False
        self._dirty = False
        self._saves += 1
        self._synced(self._touched)
        self._touched.clear()
        return lines

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes in the block one save: all of them land, or none."""
        self.check_writable()
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self._rollback()
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self._commit()

    @property
    def saves(self) -> int:
        """How many saves reached the disk since opening."""
        return self._saves

    def check_writable(self) -> None:
        """Raise :class:`ReadOnlyError` if this copy may not save."""
        if self.read_only:
            raise ReadOnlyError(
                f"{self.path} is open read-only ({self.read_only_reason}); nothing was saved"
            )

    # -- raw documents (the file's layout), for versions and merging ----------------
    def raw_records(self) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        """``{(table, id): (doc_id, document)}`` of every live record, every table."""
        return index(self._data)

    def raw_doc(self, record_id: str) -> dict[str, Any] | None:
        """The stored document of a live record of a known table, or None."""
        for cls, ids in self._index.doc_ids.items():
            doc_id = ids.get(record_id)
            if doc_id is not None:
                doc: dict[str, Any] = self._data[cls.TABLE][doc_id]
                return doc
        return None

    def history_table(self) -> dict[str, Any]:
        """Every record's past versions and tombstones, by record id (changes are saved)."""
        hist: dict[str, Any] = self._data.setdefault(HISTORY, {})
        return hist

    def write_raw(self, table: str, doc_id: str | None, doc: dict[str, Any]) -> None:
        """Store ``doc`` as document ``doc_id`` of ``table`` (None: a new key) and save it."""
        rows = self._data.setdefault(table, {})
        rows[doc_id if doc_id is not None else next_doc_id(rows)] = doc
        key = (table, str(doc["id"]))
        self._touched.add(key)
        self._recache([key])
        self._commit()
        self.version += 1

    def merge_copy(self, theirs: dict[str, Any], *, dry_run: bool = False) -> MergeResult:
        """Merge another copy's checked, migrated data into this one (and save)."""
        if dry_run:
            return merge_offline(json.loads(json.dumps(self._data)), theirs)
        result = merge_offline(self._data, theirs)
        if result.changed:
            self._touched.update(result.changed)
            self._recache(result.changed)
            self._commit()
            self.version += 1
        return result

    # -- writes --------------------------------------------------------------
    def save(self, record: R) -> R:
        """Validate and save ``record`` (insert or update); return what was stored.

        The record's own rules apply first (``before_save``: a new cycle gets the
        next number in its change idea's ramp, a second programme is refused). A record
        edited from an older version (``rev``) than the one stored now (another
        copy saved it meanwhile) is merged field by field with the stored one.
        Raises :class:`ValidationError` (nothing written) or a :class:`StoreError`.
        """
        self.check_writable()
        cls = type(record)
        existing = self.lookup(cls, record.id)
        record = self._ruled(record, existing)
        doc = self._stamped(record, existing)
        table = self._data.setdefault(cls.TABLE, {})
        doc_id = self._index.doc_ids[cls].get(record.id)
        old = table.get(doc_id) if doc_id is not None else None
        if old is None:
            doc_id = next_doc_id(table)
            doc["rev"] = make_rev(1, doc)
        else:
            doc = {**old, **doc}
            if record.rev and record.rev != old.get("rev"):
                doc = self._merge_stale(cls.TABLE, old, doc, record.rev)
            elif same_content(old, doc):
                return existing  # type: ignore[return-value]
            else:
                doc["rev"] = make_rev(rev_number(old.get("rev")) + 1, doc)
            add_version(self.history_table(), record.id, cls.TABLE, old, doc)
        assert doc_id is not None
        self._put(cls, table, doc_id, doc)
        self._commit()
        self.version += 1
        return self.get(cls, self._joined_into(record.id))

    def save_all(self, records: Iterable[Record]) -> int:
        """Save ``records`` in order, each as :meth:`save` would, in one save (all or none).

        For many new records at once (the demo's 400): each is checked, ruled and
        stamped as by :meth:`save`, but its document key is counted on from the table's
        last instead of found by a walk over the table, and nothing is looked up again
        to be returned. A record already stored (or edited from a version: ``rev``) goes
        through :meth:`save`. Returns how many records were given.
        """
        self.check_writable()
        keys: dict[str, int] = {}  # each table's next document key, once worked out
        count = 0
        with self.transaction():
            for record in records:
                count += 1
                cls = type(record)
                if record.rev or record.id in self._cache[cls]:
                    self.save(record)
                    continue
                record = self._ruled(record, None)
                doc = self._stamped(record, None)  # and the key save() would give it
                table = self._data.setdefault(cls.TABLE, {})
                key = keys.get(cls.TABLE)
                if key is None or str(key) in table:  # first of its table, or save() added
                    key = int(next_doc_id(table))
                keys[cls.TABLE] = key + 1
                doc["rev"] = make_rev(1, doc)
                self._put(cls, table, str(key), doc)
                self._dirty = True  # written when the transaction ends
            self.version += 1
        return count

    def _ruled(self, record: R, existing: R | None) -> R:
        """``record`` checked and as its own rules make it, to be saved over ``existing``.

        Raises :class:`ValidationError`, or a :class:`StoreError` when its parent is gone,
        another copy deleted it, or a rule refuses it.
        """
        cls = type(record)
        _checked(record, existing)
        link = PARENTS.get(cls)
        if link is not None:
            parent_id = getattr(record, link[0])
            if parent_id not in self._cache[link[1]]:
                # Deleted by another copy, most likely: named in words, with its tombstone.
                raise self.versions.missing_parent(cls, link[1], parent_id)
        if record.rev and existing is None:
            # An edit of a record another copy deleted: saving it would bring it back
            # silently, beside its tombstone. Ask instead (the error says who and when).
            gone = self.versions.deleted_error(cls, record.id)
            if gone is not None:
                raise gone
        try:
            return record.before_save(existing, self)  # the record's own rules
        except RuleError as exc:
            raise StoreError(str(exc)) from None

    def _stamped(self, record: Record, existing: Record | None) -> Doc:
        """``record``'s document as a save writes it: stamped now, by this copy's user,
        keeping ``existing``'s creation stamp."""
        changes: dict[str, Any] = {"updated": now_stamp(), "updated_by": self.user}
        if existing is not None:
            changes["created"] = existing.created
        # The stamps are text, stored as they are: no new record is needed to write them.
        return {**record.to_dict(), **changes}

    def _put(self, cls: type[Record], table: dict[str, Any], doc_id: str, doc: Doc) -> None:
        """Hold ``doc``, a record of ``cls``, as document ``doc_id`` of ``table``."""
        table[doc_id] = doc
        self._touched.add((cls.TABLE, doc["id"]))
        self._index.put(cls, cls.from_dict(doc), doc_id)

    def _joined_into(self, record_id: str) -> str:
        """The id a record now lives under: its own, or the one a merge joined it into
        (another copy added the same case at the same time)."""
        seen = {record_id}
        while True:
            h = self.history_table().get(record_id)
            deleted = h.get("deleted") if isinstance(h, dict) else None
            target = deleted.get("merged_into") if isinstance(deleted, dict) else None
            if not isinstance(target, str) or target in seen:
                return record_id
            seen.add(target)
            record_id = target

    def _merge_stale(self, table: str, old: dict[str, Any], doc: dict[str, Any], rev: str) -> Any:
        """``doc`` was edited from version ``rev``; ``old`` is newer: merge both."""
        base = version_at(old, self.history_table().get(doc["id"]), rev)
        # The edit being saved now is the newest: it wins a same-field conflict.
        mine = {**doc, "rev": f"{rev_number(old.get('rev')) + 1}-"}
        mine.pop("_conflicts", None)
        return merge_docs(base, mine, old)

    def delete(self, record: Record) -> dict[str, int]:
        """Delete ``record`` and everything that belongs to it, in one save.

        Deleting an aim deletes its measures and change ideas, their cycles and
        their feedback: nothing is left orphaned. Each keeps a tombstone and its
        history, so it can be restored and never comes back from an older copy.
        Returns the counts deleted.
        """
        self.check_writable()
        doomed: list[Record] = [record, *record.deleted_with(self)]
        stack = self.children(record)
        while stack:
            rec = stack.pop()
            doomed.append(rec)
            stack.extend(self.children(rec))
        counts: dict[str, int] = {}
        # Records that outlive one being deleted (ideas of a secondary driver) are unlinked.
        unlinked = [u for rec in doomed for u in rec.unlinked_on_delete(self)]
        stamp = now_stamp()
        with self.transaction():
            for rec in unlinked:
                self.save(rec)
            for rec in doomed:
                cls = type(rec)
                doc_id = self._index.doc_ids[cls].get(rec.id)
                self._index.drop(cls, rec.id)
                old = self._data[cls.TABLE].pop(doc_id, None) if doc_id is not None else None
                if old is not None:
                    bury(self.history_table(), cls.TABLE, old, stamp, self.user)
                    self._touched.add((cls.TABLE, rec.id))
                counts[cls.TABLE] = counts.get(cls.TABLE, 0) + 1
            self._dirty = True
        self.version += 1
        return counts
