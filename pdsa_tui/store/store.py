"""The database: a TinyDB file behind a small API of model records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import json
import math
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pdsa_tui.memory import paused_gc
from pdsa_tui.model import (
    Aim,
    Answer,
    Assessment,
    Case,
    ChangeIdea,
    Cycle,
    DataPoint,
    Feedback,
    FieldError,
    Measure,
    Meeting,
    Programme,
    Question,
    Record,
    ValidationError,
    ref_key,
)
from pdsa_tui.model.dates import now_stamp
from pdsa_tui.model.drivers import (
    SecondaryDriver,
)
from pdsa_tui.model.registry import LINK_FIELDS, PARENTS, RECORD_CLASSES
from pdsa_tui.model.rows import ROW_KINDS, row_problem
from pdsa_tui.store import migrations
from pdsa_tui.store.errors import (
    DatabaseLockedError,
    DatabaseNotFoundError,
    NewerSchemaError,
    NotFoundError,
    ReadOnlyError,
    StoreError,
    UnreadableDatabaseError,
    WriteFailedError,
)
from pdsa_tui.store.files import (
    atomic_write,
    daily_backup,
    make_backup,
    make_private_dirs,
    newest_backup,
    remove_stale_temp_files,
)
from pdsa_tui.store.history import add_version, rev_number, version_at
from pdsa_tui.store.merge import MergeResult, make_rev, merge_docs, merge_live, revs
from pdsa_tui.store.migrations import HISTORY
from pdsa_tui.store.paths import current_user
from pdsa_tui.store.storage import encode
from pdsa_tui.store.sync import LockFileError, SyncedFile
from pdsa_tui.store.team import TeamMixin, bury, next_doc_id, same_content

R = TypeVar("R", bound=Record)

_TYPES = RECORD_CLASSES
_PARENT = PARENTS


def natural_key(text: str) -> list[Any]:
    """Sort 'Aim 10' after 'Aim 2'."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text)]


def _noun(cls: type[Record]) -> str:
    """How messages name a record type: 'aim', 'change idea', ..."""
    return cls.NOUN


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


class OpenWriteFailedError(WriteFailedError, OSError):
    """Opening for writing needed a write (the day's backup, a migration) that failed.

    Also an :class:`OSError`, as the failure was before this class existed.
    """

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        super().__init__(
            f"{path}: could not make its backup before opening it for writing ({reason}). "
            f"The file has not been changed. {what_to_do(exc)} "
            "Or open it read-only (pdsa --read-only)."
        )


def what_to_do(exc: OSError) -> str:
    """What the user can do about a failed write, by its cause."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some space on that disk and try again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "Choose a folder you can write to, or ask for write permission."
    return "Check the disk and try again."


def read_only_reason(path: Path) -> str:
    """Why ``path`` can only be opened read-only (its or its folder's permissions), or ''."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return ""
    if not mode & 0o222 or not os.access(path, os.W_OK):
        return (
            f"the file is read-only (permissions {stat.filemode(mode)}); "
            f"to edit it, make it writable first (chmod u+w {path})"
        )
    folder = path.parent
    try:
        folder_mode = folder.stat().st_mode
    except OSError:
        return ""
    if not folder_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"its folder {folder} is read-only, so no save could replace the file; "
            "to edit it, copy it to a folder you can write to"
        )
    return ""


def read_file(path: Path) -> bytes:
    """The bytes of a database file, with a clear error when it cannot be read."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DatabaseNotFoundError(f"{path}: no such database file") from None
    except IsADirectoryError:
        raise UnreadableDatabaseError(path, "it is a folder, not a file", None) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def load_file(path: Path) -> dict[str, Any]:
    """Read and check a database file without changing it.

    Raises :class:`UnreadableDatabaseError` (empty, not JSON, not ours) or
    :class:`NewerSchemaError`, each naming the file and its newest backup.
    """
    return parse_file(path, read_file(path))


def parse_file(
    path: Path, raw: bytes, *, known: dict[tuple[str, str], str] | None = None
) -> dict[str, Any]:
    """Check and parse the bytes ``raw`` of the database file ``path`` (see :func:`load_file`).

    Records whose ``(table, id)`` has the same rev in ``known`` were checked before
    (this copy holds them already) and are not checked again.
    """

    def bad(problem: str) -> UnreadableDatabaseError:
        return UnreadableDatabaseError(path, problem, newest_backup(path))

    if not raw.strip():
        raise bad("it is empty (0 bytes)" if not raw else "it holds only blank space")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad(f"it is not a text file (byte {exc.start} is not UTF-8)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise bad(
            f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "it may have been cut short or edited by hand"
        ) from None
    except RecursionError:
        raise bad("it is not a pdsa database (its JSON is nested too deeply)") from None
    # A newer version may lay its tables out differently: say "newer" before checking shape.
    version = migrations.schema_version(data) if isinstance(data, dict) else None
    if version is None or version <= migrations.SCHEMA_VERSION:
        problem = migrations.shape_problem(data)
        if problem:
            raise bad(problem)
    assert version is not None
    if version > migrations.SCHEMA_VERSION:
        raise NewerSchemaError(
            path,
            f"it was written by a newer pdsa (schema version {version}; this pdsa reads up to "
            f"{migrations.SCHEMA_VERSION}); upgrade pdsa to open it",
            newest_backup(path),
        )
    problem = _records_problem(data, version, known or {})
    if problem:
        raise bad(problem)
    return data


def _is_doc_key(key: str) -> bool:
    """A TinyDB document key as TinyDB writes it: ASCII digits, no leading zero.

    "01" and "1" would become one document; "²" passes ``isdigit`` but not ``int``.
    """
    return key.isascii() and key.isdigit() and str(int(key)) == key


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _point_problem(point: Any) -> str | None:
    if not isinstance(point, dict):
        return "is not an object"
    if not _is_iso_date(point.get("date")):
        return f"has date {point.get('date')!r}, not an ISO date (yyyy-mm-dd)"
    for key in ("value", "numerator", "denominator"):
        if point.get(key) is not None and not _is_number(point[key]):
            return f"has {key} {point[key]!r}, not a number"
    for key, kind in (("note", str), ("id", str), ("rebase_after", bool), ("baseline_end", bool)):
        if key in point and not isinstance(point[key], kind):
            return f"has {key} {point[key]!r}, not {'text' if kind is str else 'true/false'}"
    return None


def _value_problem(kind: str, value: Any, version: int) -> str | None:
    """Why a stored value cannot be a field of ``kind``, or None if it can."""
    if kind in ("text", "longtext", "choice"):
        return None if isinstance(value, str) else "is not text"
    if kind in ("number", "percent"):
        return None if value is None or _is_number(value) else "is not a number"
    if kind == "date":
        return None if value is None or _is_iso_date(value) else "is not an ISO date (yyyy-mm-dd)"
    if kind == "list":
        return None if _is_str_list(value) else "is not a list of text"
    if kind == "tasks":
        if version < 2 and isinstance(value, str):
            return None  # version 1 kept tasks as text; the migration turns it into a list
        ok = isinstance(value, list) and all(
            isinstance(t, dict) and all(isinstance(v, str) for v in t.values()) for t in value
        )
        return None if ok else "is not a list of tasks"
    if kind in ROW_KINDS:
        return row_problem(kind, value)
    if kind == "points":
        if not isinstance(value, list):
            return "is not a list of data points"
        seen: dict[str, int] = {}
        for i, point in enumerate(value, start=1):
            why = _point_problem(point)
            if why:
                return f"point {i} {why}"
            pid = point.get("id")
            if pid is not None and pid in seen:
                return f"points {seen[pid]} and {i} share id {pid}"
            if pid is not None:
                seen[pid] = i
    return None


def _field_kinds(cls: type[Record]) -> dict[str, str]:
    kinds = {f.name: f.metadata.get("kind", "internal") for f in dataclasses.fields(cls)}
    for name in ("id", "created", "updated", *LINK_FIELDS):
        if name in kinds:
            kinds[name] = "id"
    if cls is Cycle:
        kinds["number"] = "int"
        kinds["adapted_from"] = "optional-id"
    if cls is Answer:
        kinds["question"] = "id"
    for name, kind in kinds.items():
        if kind == "date-internal":
            kinds[name] = "date"
    return kinds


_BY_TABLE: dict[str, type[Record]] = {cls.TABLE: cls for cls in _TYPES}
_TEXT_KINDS = frozenset({"text", "longtext", "choice", "id", "optional-id"})
_NULLABLE_KINDS = frozenset({"number", "percent", "date", "optional-id"})
_KINDS: dict[str, tuple[type[Record], dict[str, str]]] = {
    cls.TABLE: (cls, _field_kinds(cls)) for cls in _TYPES
}


def _records_problem(
    data: dict[str, Any], version: int, known: dict[tuple[str, str], str]
) -> str | None:
    """Why a record's stored fields would break pdsa later, naming table, record and field.

    A file whose records have the wrong types (a date that is not a date, a number
    stored as text, a link missing) is refused at open rather than crashing a screen.
    """
    for table, (cls, kinds) in _KINDS.items():
        docs = data.get(table, {})
        seen_ids: dict[Any, str] = {}
        for doc_id, doc in docs.items():
            where = f"record {doc_id} of table '{table}'"
            if not _is_doc_key(doc_id):
                return (
                    f"{where} has a key that is not a number (keys are whole numbers "
                    "such as 12, without leading zeros)"
                )
            rid = doc.get("id")
            if rid in seen_ids:
                return f"records {seen_ids[rid]} and {doc_id} of table '{table}' share id {rid}"
            seen_ids[rid] = doc_id
            if known and known.get((table, rid)) == doc.get("rev"):
                continue  # this copy holds that very version: it was checked when read
            link = _PARENT.get(cls)
            if link is not None and not isinstance(doc.get(link[0]), str):
                return f"{where} (id {doc.get('id')}) has no {link[0]} (the record it belongs to)"
            for name, value in doc.items():
                kind = kinds.get(name)
                if kind is None:
                    continue  # a field from a newer pdsa: kept as it is
                # The common cases first, checked fast: text, a date, an empty value.
                if value.__class__ is str:
                    if kind in _TEXT_KINDS:
                        continue
                    if kind == "date":
                        try:
                            dt.date.fromisoformat(value)
                            continue
                        except ValueError:
                            pass
                elif (value is None and kind in _NULLABLE_KINDS) or (
                    kind == "list"
                    and value.__class__ is list
                    and all(v.__class__ is str for v in value)
                ):
                    continue
                if kind == "id":
                    why = None if isinstance(value, str) else "is not text"
                elif kind == "optional-id":
                    why = None if value is None or isinstance(value, str) else "is not text"
                elif kind == "int":
                    ok = isinstance(value, int) and not isinstance(value, bool)
                    why = None if ok else "is not a whole number"
                else:
                    why = _value_problem(kind, value, version)
                if why:
                    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
                    shown = "" if kind == "points" else f" ({shown})"
                    return f"{where} (id {doc.get('id')}): field '{name}' {why}{shown}"
    return None


class Store(TeamMixin):
    """An open pdsa database, shared safely with any other copies of pdsa using the file.

    Records returned by queries are shared with the store's cache: treat them
    as read-only and save changed copies (``dataclasses.replace``). Every save
    merges what other copies saved since this one last read the file.
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
    ) -> None:
        self.path = path
        self.read_only = read_only
        #: Why the store is read-only, for the user (empty when writable).
        self.read_only_reason = read_only_reason
        #: Who this copy's saves are by (``updated_by``).
        self.user = user
        #: The schema version the file had when opened (before any migration).
        self.file_version = migrations.SCHEMA_VERSION
        self._data = data
        self._file = SyncedFile(path, synced)
        self._batch_depth = 0
        self._dirty = False
        self._saves = 0
        self._cache: dict[type[Record], dict[str, Record]] = {}
        self._doc_ids: dict[type[Record], dict[str, str]] = {}
        #: For each record type that belongs to another (see ``_PARENT``): its records
        #: by the id of the record they belong to, so a query of one idea's cycles or
        #: one cycle's feedback does not scan the whole table.
        self._by_parent: dict[type[Record], dict[str, dict[str, Record]]] = {}
        self._rebuild()
        #: Each record's rev in the file as this copy last read or wrote it.
        self._base_revs = revs(data)
        #: Records changed in memory since the last save.
        self._touched: set[tuple[str, str]] = set()
        #: Bumped on every change, so views know when to refresh.
        self.version = 0
        #: Changes merged in from other copies, not yet shown to the user.
        self.incoming: list[MergeResult] = []

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
            cls._create(p)
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

    @staticmethod
    def _create(p: Path) -> None:
        """Write a new, empty database at ``p`` (unless another copy just did)."""
        try:
            make_private_dirs(p.parent)
            with SyncedFile(p, b"").locked():
                if not p.exists():
                    atomic_write(p, encode(migrations.new_database(now_stamp())), mode=0o600)
        except OSError as exc:
            raise WriteFailedError(
                f"{p}: could not create the database ({exc.strerror or exc}); nothing was "
                f"written. {what_to_do(exc)}"
            ) from exc

    @classmethod
    def _finish_open(
        cls, path: Path, *, read_only: bool, reason: str, user: str, fresh: bool = False
    ) -> Store:
        # Parsing and building every record makes millions of objects, none of them
        # garbage: the collector's passes over them would only cost time (a fifth of it).
        with paused_gc():
            return cls._read_and_build(path, read_only, reason, user, fresh)

    @classmethod
    def _read_and_build(
        cls, path: Path, read_only: bool, reason: str, user: str, fresh: bool
    ) -> Store:
        raw = read_file(path)
        data = parse_file(path, raw)
        version = migrations.schema_version(data) or migrations.SCHEMA_VERSION
        if read_only:
            migrations.migrate(data)  # in memory only: never written
            store = cls(path, data, read_only=True, synced=raw, read_only_reason=reason, user=user)
        else:
            try:
                # Under the write lock: no other copy is saving or backing up meanwhile,
                # so leftover temporary files are a killed save's.
                with SyncedFile(path, raw).locked():
                    remove_stale_temp_files(path)
                    again = read_file(path)  # another copy may have saved (or migrated) it
                    if again != raw:
                        raw = again
                        data = parse_file(path, raw)
                        version = migrations.schema_version(data) or migrations.SCHEMA_VERSION
                    if version < migrations.SCHEMA_VERSION:
                        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                        make_backup(path, f"pre-migration-v{version}-{stamp}")
                        migrations.migrate(data)
                        raw = encode(data)
                        atomic_write(path, raw)
                    if not fresh:  # a file just created holds nothing worth a backup
                        daily_backup(path)
            except OSError as exc:
                raise OpenWriteFailedError(path, exc) from exc
            except DatabaseLockedError:
                if version < migrations.SCHEMA_VERSION:
                    raise  # a migration must not race another copy's save
                # Only the day's backup waits: the next open makes it.
            store = cls(path, data, read_only=False, synced=raw, user=user)
        store.file_version = version
        return store

    def close(self) -> None:
        """Nothing to release: every save is already on disk and no lock is held."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- cache -------------------------------------------------------------
    def _rebuild(self) -> None:
        data = self._data
        for cls in _TYPES:
            table = data.get(cls.TABLE, {})
            cache: dict[str, Record] = {}
            doc_ids: dict[str, str] = {}
            for doc_id, doc in table.items():
                rec = cls.from_dict(doc)
                cache[rec.id] = rec
                doc_ids[rec.id] = doc_id
            self._cache[cls] = cache
            self._doc_ids[cls] = doc_ids
            link = _PARENT.get(cls)
            if link is not None:
                groups: dict[str, dict[str, Record]] = {}
                attr = link[0]
                for rid, rec in cache.items():
                    groups.setdefault(getattr(rec, attr), {})[rid] = rec
                self._by_parent[cls] = groups

    def _put(self, cls: type[Record], rec: Record) -> None:
        """Cache ``rec`` (new or replacing the record with its id), keeping the index."""
        cache = self._cache[cls]
        link = _PARENT.get(cls)
        if link is not None:
            old = cache.get(rec.id)
            if old is not None:
                self._unlink(cls, link[0], old)
            self._by_parent[cls].setdefault(getattr(rec, link[0]), {})[rec.id] = rec
        cache[rec.id] = rec

    def _drop(self, cls: type[Record], rid: str) -> None:
        """Remove record ``rid`` from the cache and the index (if cached)."""
        old = self._cache[cls].pop(rid, None)
        self._doc_ids[cls].pop(rid, None)
        link = _PARENT.get(cls)
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

    def _of(self, cls: type[R], parent_id: str) -> list[R]:
        """The records of type ``cls`` that belong to the record ``parent_id``, unsorted."""
        return list(self._by_parent[cls].get(parent_id, {}).values())  # type: ignore[arg-type]

    def _recache(self, keys: Iterable[tuple[str, str]]) -> None:
        """Update the cache for the records ``keys`` (``(table, id)``) only."""
        by_table: dict[str, list[str]] = {}
        for table, rid in keys:
            by_table.setdefault(table, []).append(rid)
        for table, ids in by_table.items():
            cls = _BY_TABLE.get(table)
            if cls is None:
                continue  # a table this pdsa does not show: kept and merged as it is
            where = {doc.get("id"): doc_id for doc_id, doc in self._data.get(table, {}).items()}
            for rid in ids:
                doc_id = where.get(rid)
                if doc_id is None:
                    self._drop(cls, rid)
                else:
                    self._put(cls, cls.from_dict(self._data[table][doc_id]))
                    self._doc_ids[cls][rid] = doc_id

    def _base(self) -> dict[str, Any]:
        """The file as this copy last read or wrote it (parsed again: rarely needed)."""
        data: dict[str, Any] = json.loads(self._file.synced) if self._file.synced else {}
        if data:
            migrations.migrate(data)
        return data

    def _rollback(self) -> None:
        """Return memory to what this copy last read or wrote, after a failed save."""
        self._data = self._base() or migrations.new_database(now_stamp())
        self._dirty = False
        self._touched.clear()
        self._base_revs = revs(self._data)
        self._rebuild()
        self.version += 1

    def _theirs(self, raw: bytes) -> dict[str, Any]:
        """Another copy's file, checked and brought to this schema; refused if newer or foreign."""
        data = parse_file(self.path, raw, known=self._base_revs)
        migrations.migrate(data)
        return data

    def _merge_in(self, raw: bytes) -> None:
        """Merge what another copy saved (``raw``) into memory."""
        with paused_gc():  # a parse makes objects by the hundred thousand: see memory.py
            result = merge_live(self._base_revs, self._data, self._theirs(raw))
        self._file.mark_read(raw)
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
        """The stored document of record ``rid`` of ``table`` (any table), or None."""
        rows = self._data.get(table)
        if not isinstance(rows, dict):
            return None
        cls = _BY_TABLE.get(table)
        if cls is not None:
            doc_id = self._doc_ids[cls].get(rid)
            doc = rows.get(doc_id) if doc_id is not None else None
            if isinstance(doc, dict) and doc.get("id") == rid:
                return doc
        found = next((d for d in rows.values() if isinstance(d, dict) and d.get("id") == rid), None)
        return found

    def refresh(self) -> MergeResult:
        """Take in what other copies saved since this one last looked; say what changed.

        Cheap when nothing changed (one ``stat``). Raises :class:`StoreError` when the
        file on disk is no longer one this pdsa can read (it is then never written).
        """
        raw = self._file.changed()
        if raw is not None:
            self._merge_in(raw)
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
        self.incoming.clear()
        return total

    def _commit(self) -> None:
        """Save memory to the file now (merging others' changes), or at the end of the batch."""
        if self._batch_depth:
            self._dirty = True
            return
        try:
            self._file.save(self._data, self._merge_in)
        except StoreError:
            self._rollback()
            raise
        self._dirty = False
        self._saves += 1
        self._synced(self._touched)
        self._touched.clear()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes in the block one save: all of them land, or none."""
        self._writable()
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

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                f"{self.path} is open read-only ({self.read_only_reason}); nothing was saved"
            )

    # -- queries -------------------------------------------------------------
    def get(self, cls: type[R], record_id: str) -> R:
        """The record of type ``cls`` with ``record_id``."""
        rec = self._cache[cls].get(record_id)
        if rec is None:
            raise NotFoundError(f"no {_noun(cls)} has id {record_id}")
        return rec  # type: ignore[return-value]

    def lookup(self, cls: type[R], record_id: str) -> R | None:
        """The record of type ``cls`` with ``record_id``, or None."""
        return self._cache[cls].get(record_id)  # type: ignore[return-value]

    def all(self, cls: type[R]) -> list[R]:
        """Every record of type ``cls``, unsorted."""
        return list(self._cache[cls].values())  # type: ignore[arg-type]

    def count_table(self, table: str) -> int:
        """How many documents a table of the file holds (any table, known or not)."""
        rows = self._data.get(table)
        return len(rows) if isinstance(rows, dict) else 0

    def count(self, cls: type[Record]) -> int:
        """How many records of type ``cls`` there are."""
        return len(self._cache[cls])

    def aims(self) -> list[Aim]:
        """Aims by code ('Aim 2' before 'Aim 10')."""
        return sorted(self.all(Aim), key=lambda a: natural_key(a.code))

    def measures(self, aim_id: str | None = None) -> list[Measure]:
        """Measures (of one aim), outcome first, then by name."""
        order = {"outcome": 0, "process": 1, "balancing": 2}
        ms = self.all(Measure) if aim_id is None else self._of(Measure, aim_id)
        return sorted(ms, key=lambda m: (order.get(m.type, 3), natural_key(m.name)))

    def ideas(self, aim_id: str | None = None) -> list[ChangeIdea]:
        """Change ideas (of one aim) by title."""
        ideas = self.all(ChangeIdea) if aim_id is None else self._of(ChangeIdea, aim_id)
        return sorted(ideas, key=lambda i: natural_key(i.title))

    def cycles(self, idea_id: str | None = None) -> list[Cycle]:
        """Cycles (of one idea) in ramp order."""
        cs = self.all(Cycle) if idea_id is None else self._of(Cycle, idea_id)
        return sorted(cs, key=lambda c: (c.idea_id, c.number))

    def cycles_for_aim(self, aim_id: str) -> list[Cycle]:
        """Every cycle of every change idea of an aim."""
        return sorted(
            (c for i in self._of(ChangeIdea, aim_id) for c in self._of(Cycle, i.id)),
            key=lambda c: (c.idea_id, c.number),
        )

    def feedback(self, cycle_id: str | None = None) -> list[Feedback]:
        """Feedback (of one cycle), oldest first."""
        fb = self.all(Feedback) if cycle_id is None else self._of(Feedback, cycle_id)
        return sorted(fb, key=lambda f: (f.date or dt.date.min, f.created))

    # -- the programme ------------------------------------------------------------
    def programme(self) -> Programme | None:
        """The file's programme (the first made, should merged copies hold two), or None."""
        progs = sorted(self.all(Programme), key=lambda p: (p.created, p.id))
        return progs[0] if progs else None

    def meetings(self) -> list[Meeting]:
        """Meetings, newest first."""
        return sorted(
            self.all(Meeting), key=lambda m: (m.date or dt.date.min, m.created), reverse=True
        )

    def assessments(self) -> list[Assessment]:
        """Self-assessments, newest first."""
        return sorted(
            self.all(Assessment), key=lambda a: (a.date or dt.date.min, a.created), reverse=True
        )

    def answers(self, assessment_id: str) -> dict[str, Answer]:
        """An assessment's answers by question id (the latest edit wins a duplicate)."""
        out: dict[str, Answer] = {}
        for a in sorted(self.all(Answer), key=lambda a: a.updated):
            if a.assessment_id == assessment_id:
                out[a.question] = a
        return out

    def questions(self) -> list[Question]:
        """The group's own questions, oldest first."""
        return sorted(self.all(Question), key=lambda q: (q.created, q.id))

    def _find(self, cls: type[R], text: str, names: Iterable[tuple[R, str]], what: str) -> R:
        key = text.strip()
        if key in self._cache[cls]:
            return self._cache[cls][key]  # type: ignore[return-value]
        items = list(names)
        folded = " ".join(key.lower().split())
        exact = [r for r, n in items if " ".join(n.lower().split()) == folded]
        if len(exact) == 1:
            return exact[0]
        by_id = [r for r, _ in items if len(key) >= 4 and r.id.startswith(key)]
        if len(by_id) == 1:
            return by_id[0]
        prefix = [r for r, n in items if folded and " ".join(n.lower().split()).startswith(folded)]
        if len(prefix) == 1 and not exact:
            return prefix[0]
        if len(exact) > 1:
            raise NotFoundError(
                f"more than one {what} is called '{text}'; give its id instead "
                f"({', '.join(r.id for r in exact)})"
            )
        known = ", ".join(f"'{n}'" for _, n in items[:8]) or "none yet"
        if len(items) > 8:
            known += f" and {len(items) - 8} more; 'pdsa list' shows them all"
        raise NotFoundError(f"no {what} '{text}' (known: {known})")

    def find_aim(self, code_or_id: str) -> Aim:
        """The aim with this code (case-insensitive), id or id prefix."""
        return self._find(Aim, code_or_id, ((a, a.code) for a in self.aims()), "aim")

    def find_measure(self, name_or_id: str) -> Measure:
        """The measure with this name (case-insensitive), id or id prefix."""
        return self._find(Measure, name_or_id, ((m, m.name) for m in self.measures()), "measure")

    def find_idea(self, title_or_id: str) -> ChangeIdea:
        """The change idea with this title (case-insensitive, or a unique start), id or prefix."""
        return self._find(
            ChangeIdea, title_or_id, ((i, i.title) for i in self.ideas()), "change idea"
        )

    def find_cycle(self, cycle_id: str) -> Cycle:
        """The cycle with this id or id prefix."""
        return self._find(Cycle, cycle_id, ((c, c.id) for c in self.all(Cycle)), "cycle")

    def parent_of(self, record: Record) -> Record | None:
        """The record ``record`` belongs to, if any."""
        link = _PARENT.get(type(record))
        if link is None:
            return None
        return self._cache[link[1]].get(getattr(record, link[0]))

    def children(self, record: Record) -> list[Record]:
        """The records that belong directly to ``record``."""
        out: list[Record] = []
        for cls, (_attr, parent) in _PARENT.items():
            if isinstance(record, parent):
                out.extend(self._by_parent[cls].get(record.id, {}).values())
        return out

    def dependents(self, record: Record) -> dict[str, int]:
        """How many records of each table deleting ``record`` would also delete."""
        counts: dict[str, int] = {}
        stack = self.children(record)
        while stack:
            rec = stack.pop()
            counts[rec.TABLE] = counts.get(rec.TABLE, 0) + 1
            stack.extend(self.children(rec))
        return counts

    # -- writes --------------------------------------------------------------
    def save(self, record: R) -> R:
        """Validate and save ``record`` (insert or update); return what was stored.

        A new cycle gets the next number in its change idea's ramp. A record
        edited from an older version (``rev``) than the one stored now (another
        copy saved it meanwhile) is merged field by field with the stored one.
        Raises :class:`ValidationError` (nothing written) or a :class:`StoreError`.
        """
        self._writable()
        cls = type(record)
        _checked(record, self._cache[cls].get(record.id))
        link = _PARENT.get(cls)
        if link is not None:
            parent_id = getattr(record, link[0])
            if parent_id not in self._cache[link[1]]:
                raise NotFoundError(
                    f"{_noun(cls).capitalize()} belongs to {_noun(link[1])} {parent_id!r}, "
                    "which does not exist"
                )
        existing = self._cache[cls].get(record.id)
        if isinstance(record, Programme) and existing is None and self._cache[Programme]:
            raise StoreError("this file already has a programme (one per file); edit that one")
        changes: dict[str, Any] = {"updated": now_stamp(), "updated_by": self.user}
        if existing is not None:
            changes["created"] = existing.created
        if isinstance(record, Cycle) and record.number <= 0:
            numbers = [c.number for c in self.cycles(record.idea_id)]
            changes["number"] = max(numbers, default=0) + 1
        doc = dataclasses.replace(record, **changes).to_dict()
        table = self._data.setdefault(cls.TABLE, {})
        doc_id = self._doc_ids[cls].get(record.id)
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
            add_version(self._history(), record.id, cls.TABLE, old, doc)
        assert doc_id is not None
        table[doc_id] = doc
        self._touched.add((cls.TABLE, record.id))
        self._doc_ids[cls][record.id] = doc_id
        self._put(cls, cls.from_dict(doc))
        self._commit()
        self.version += 1
        return self.get(cls, record.id)

    def _history(self) -> dict[str, Any]:
        hist: dict[str, Any] = self._data.setdefault(HISTORY, {})
        return hist

    def _merge_stale(self, table: str, old: dict[str, Any], doc: dict[str, Any], rev: str) -> Any:
        """``doc`` was edited from version ``rev``; ``old`` is newer: merge both."""
        base = version_at(old, self._history().get(doc["id"]), rev)
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
        self._writable()
        doomed: list[Record] = [record]
        if isinstance(record, Question):
            # A question's answers go with it (they name it, not belong to it).
            doomed += [a for a in self.all(Answer) if a.question == record.id]
        stack = self.children(record)
        while stack:
            rec = stack.pop()
            doomed.append(rec)
            stack.extend(self.children(rec))
        counts: dict[str, int] = {}
        # Ideas outlive the secondary driver they worked on: they are unlinked, not deleted.
        gone = {r.id for r in doomed if isinstance(r, SecondaryDriver)}
        orphans = [i for i in self.all(ChangeIdea) if gone and i.driver_id in gone]
        stamp = now_stamp()
        with self.transaction():
            for idea in orphans:
                self.save(dataclasses.replace(idea, driver_id=""))
            for rec in doomed:
                cls = type(rec)
                doc_id = self._doc_ids[cls].get(rec.id)
                self._drop(cls, rec.id)
                old = self._data[cls.TABLE].pop(doc_id, None) if doc_id is not None else None
                if old is not None:
                    bury(self._history(), cls.TABLE, old, stamp, self.user)
                    self._touched.add((cls.TABLE, rec.id))
                counts[cls.TABLE] = counts.get(cls.TABLE, 0) + 1
            self._dirty = True
        self.version += 1
        return counts

    # -- data points ---------------------------------------------------------
    def add_points(self, measure: Measure, points: Iterable[DataPoint]) -> Measure:
        """Add points to a measure in one save (all or none); return the saved measure."""
        current = self.get(Measure, measure.id)
        new = [dataclasses.replace(p, updated_by=self.user) for p in points]
        errors = [e for p in new for e in p.validate(current.unit)]
        if errors:
            raise ValidationError(errors)
        merged = sorted([*current.points, *new], key=lambda p: p.date)
        return self.save(dataclasses.replace(current, points=merged))

    def add_point(self, measure: Measure, point: DataPoint) -> Measure:
        """Add one point to a measure."""
        return self.add_points(measure, [point])

    def update_point(self, measure: Measure, point: DataPoint) -> Measure:
        """Replace the point with ``point.id``."""
        current = self.get(Measure, measure.id)
        if not any(p.id == point.id for p in current.points):
            raise NotFoundError(f"measure '{current.name}' has no point {point.id}")
        point = dataclasses.replace(point, updated_by=self.user)
        pts = sorted(
            (point if p.id == point.id else p for p in current.points), key=lambda p: p.date
        )
        return self.save(dataclasses.replace(current, points=pts))

    def delete_point(self, measure: Measure, point_id: str) -> Measure:
        """Remove the point with ``point_id`` (the measure's history keeps it)."""
        current = self.get(Measure, measure.id)
        pts = [p for p in current.points if p.id != point_id]
        if len(pts) == len(current.points):
            raise NotFoundError(f"measure '{current.name}' has no point {point_id}")
        return self.save(dataclasses.replace(current, points=pts))

    # -- cases ------------------------------------------------------------------------
    def cases(self, measure_id: str | None = None) -> list[Case]:
        """Cases (of one case measure) by start date, then reference."""
        cs = self.all(Case) if measure_id is None else self._of(Case, measure_id)
        return sorted(cs, key=lambda c: (c.start or dt.date.min, natural_key(c.ref)))

    def find_case(self, measure: Measure, ref: str) -> Case | None:
        """The case of ``measure`` with reference ``ref`` ('c-1042' finds 'C-1042'), or None."""
        key = ref_key(ref)
        for c in self.all(Case):
            if c.measure_id == measure.id and ref_key(c.ref) == key:
                return c
        return None

    def save_cases(self, measure: Measure, cases: Iterable[Case]) -> list[Case]:
        """Save cases of a case measure in one save (all or none); return what was stored.

        A reference may be used by one case of a measure only: a case whose reference
        belongs to another case of the measure is refused (:class:`ValidationError`).
        """
        current = self.get(Measure, measure.id)
        if not current.cases:
            raise ValidationError(
                [
                    FieldError(
                        "measure",
                        "Measure",
                        f"'{current.name}' is a measure of typed points, not of cases",
                    )
                ]
            )
        batch = [dataclasses.replace(c, measure_id=current.id) for c in cases]
        owners = {ref_key(c.ref): c.id for c in self.cases(current.id)}
        for c in batch:
            key = ref_key(c.ref)
            if owners.get(key, c.id) != c.id:
                raise ValidationError(
                    [
                        FieldError(
                            "ref",
                            "Reference",
                            f"'{c.ref.strip()}' is already a case of '{current.name}'; "
                            "edit that case instead",
                        )
                    ]
                )
            owners[key] = c.id
        errors = [e for c in batch for e in c.validate()]
        if errors:
            raise ValidationError(errors)
        with self.transaction():
            return [self.save(c) for c in batch]

    def save_case(self, measure: Measure, case: Case) -> Case:
        """Save one case of a case measure (see :meth:`save_cases`)."""
        return self.save_cases(measure, [case])[0]

    # -- health ----------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Records per table, with data points counted too."""
        out = {cls.TABLE: self.count(cls) for cls in _TYPES}
        out["points"] = sum(len(m.points) for m in self.all(Measure))
        return out

    def problems(self) -> list[str]:
        """What is wrong inside the database: broken links, invalid records, duplicate numbers."""
        found: list[str] = []
        for cls, (attr, parent) in _PARENT.items():
            for rec in self._cache[cls].values():
                if getattr(rec, attr) not in self._cache[parent]:
                    found.append(
                        f"{_noun(cls).capitalize()} {rec.id} points to missing "
                        f"{_noun(parent)} {getattr(rec, attr)!r}"
                    )
        for idea in self.all(ChangeIdea):  # a soft link: the idea shows as unlinked
            if idea.driver_id and idea.driver_id not in self._cache[SecondaryDriver]:
                found.append(
                    f"Change idea {idea.id} points to missing secondary driver {idea.driver_id!r}"
                )
        for cls in _TYPES:
            for rec in self._cache[cls].values():
                for err in rec.validate():
                    found.append(f"{_noun(cls).capitalize()} {rec.id}: {err}")
        seen: dict[tuple[str, int], str] = {}
        for c in self.all(Cycle):
            key = (c.idea_id, c.number)
            if key in seen:
                found.append(f"cycles {seen[key]} and {c.id} share number {c.number}")
            seen[key] = c.id
        return found
