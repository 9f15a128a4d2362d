"""Opening a database file: making a new one, and reading one ready to write.

A file opened for writing is read under the write lock, so that clearing a killed
save's temporary files, migrating an older schema (after a backup) and the day's
backup never race another copy's save. :meth:`Store.open` builds the store from
what :func:`read_for_writing` returns.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from pdsa_tui.model.dates import now_stamp
from pdsa_tui.store import copies, migrations
from pdsa_tui.store.access import creation_mode, make_database_folder
from pdsa_tui.store.checks import BuiltTables, parse_and_build, read_file
from pdsa_tui.store.errors import (
    CutShortError,
    DatabaseLockedError,
    OpenWriteFailedError,
    WriteFailedError,
    create_failed_text,
)
from pdsa_tui.store.files import (
    atomic_write,
    daily_backup,
    make_backup,
    remove_stale_temp_files,
)
from pdsa_tui.store.storage import encode
from pdsa_tui.store.sync import SyncedFile, signature
from pdsa_tui.store.typed import Later, read_typed
from pdsa_tui.valueclass import value_class

#: Seconds an open waits for a file that does not parse but changed just now to become whole
#: (a sync client or a copy over a network share writing it in place), while it keeps changing.
WRITING_WAIT = 5.0
#: Seconds the file must stay as it is for the wait to end early: no writer is at work.
STILL = 1.0
#: A file that does not parse and changed less than this many seconds ago may be being written.
JUST_NOW = 60.0


@value_class
class Opened:
    """A database file as read: its data (migrated), its bytes and its schema version before.

    ``records``: its records, built while they were checked (None: build them from ``data``).
    ``later``: the tables of records left out of ``data``, to be decoded when first needed
    (a large file is read straight into its records: :mod:`.typed`).
    """

    data: dict[str, Any]
    raw: bytes
    version: int
    records: BuiltTables | None = None
    later: Later | None = None


def parse_records(
    path: Path, raw: bytes
) -> tuple[dict[str, Any], BuiltTables | None, Later | None]:
    """``raw`` checked, with its records: straight into them when it is large and well kept."""
    typed = read_typed(raw)
    if typed is not None:
        return typed
    data, records = parse_and_build(path, raw)
    return data, records, None


def read_whole(
    path: Path,
) -> tuple[bytes, tuple[dict[str, Any], BuiltTables | None, Later | None]]:
    """``path``'s bytes and :func:`parse_records` of them, once the file is whole.

    A file that does not parse but changed just now may be arriving (a sync client or
    a copy over a network share writing it in place): it is read again each time it
    changes, while it keeps changing, for up to :data:`WRITING_WAIT` seconds. Refused
    (:class:`CutShortError`) if it is still broken; then the message says a sync service
    may still be bringing it.
    """
    deadline: float | None = None
    while True:
        seen = signature(path)
        raw = read_file(path)
        try:
            return raw, parse_records(path, raw)
        except CutShortError as exc:
            age = _age(path)
            if age is None or age > JUST_NOW:
                raise
            if deadline is None:
                deadline = time.monotonic() + WRITING_WAIT
            if not _changes(path, seen, deadline):
                raise CutShortError(
                    path,
                    f"{exc.problem}. It changed {_seconds(age)} ago, so a sync service may "
                    "still be bringing it: wait until it has finished, then open it again",
                    exc.backup,
                ) from None


def _seconds(age: float) -> str:
    """'1 second', '12 seconds'."""
    n = max(1, round(age))
    return f"{n} second{'' if n == 1 else 's'}"


def _age(path: Path) -> float | None:
    """Seconds since ``path`` last changed (None if it is gone)."""
    try:
        return abs(time.time() - path.stat().st_mtime)
    except OSError:
        return None


def _changes(path: Path, seen: tuple[int, int, int, int] | None, deadline: float) -> bool:
    """Wait until ``path`` is no longer as ``seen`` (True), or it stays so for :data:`STILL`
    seconds or ``deadline`` passes (False: nobody is writing it)."""
    still = min(deadline, time.monotonic() + STILL)
    while time.monotonic() < still:
        time.sleep(0.05)
        if signature(path) != seen:
            time.sleep(0.05)  # let the writer get on before reading it again
            return True
    return signature(path) != seen


def new_data() -> dict[str, Any]:
    """A new, empty database: the schema's tables and a programme identity of its own."""
    data = migrations.new_database(now_stamp())
    data["meta"]["1"][copies.IDENTITY] = copies.new_identity()
    return data


def create_file(p: Path) -> None:
    """Write a new, empty database at ``p`` (unless another copy just did)."""
    try:
        make_database_folder(p)
        with SyncedFile(p, b"").locked():
            if not p.exists():
                # Private in pdsa's own folder; elsewhere the folder's rules (umask, group).
                atomic_write(p, encode(new_data()), mode=creation_mode(p))
    except OSError as exc:
        raise WriteFailedError(create_failed_text(p, exc)) from exc


def read_for_reading(path: Path) -> Opened:
    """Read ``path`` for a read-only store: migrated in memory only, never written."""
    raw, (data, records, later) = read_whole(path)
    version = migrations.schema_version(data) or migrations.SCHEMA_VERSION
    migrations.migrate(data)
    return Opened(data, raw, version, records, later)


def read_for_writing(path: Path, *, fresh: bool) -> Opened:
    """Read ``path`` for a writable store: tidy, migrate (after a backup) and back up the day.

    ``fresh``: the file was just created (it holds nothing worth a backup).
    """
    seen = signature(path)
    raw, (data, records, later) = read_whole(path)
    if signature(path) != seen:
        seen = None  # it was still being written: read it again under the lock
    version = migrations.schema_version(data) or migrations.SCHEMA_VERSION
    try:
        # Under the write lock: no other copy is saving or backing up meanwhile,
        # so leftover temporary files are a killed save's.
        with SyncedFile(path, raw).locked():
            remove_stale_temp_files(path)
            # Another copy may have saved (or migrated) it since: read it again,
            # unless it is as it was (the fingerprint every refresh trusts).
            again = raw if seen is not None and signature(path) == seen else read_file(path)
            if again != raw:
                raw = again
                data, records, later = parse_records(path, raw)
                version = migrations.schema_version(data) or migrations.SCHEMA_VERSION
            if version < migrations.SCHEMA_VERSION:
                assert later is None  # only a file of this schema is read straight into records
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                make_backup(path, f"pre-migration-v{version}-{stamp}")
                migrations.migrate(data)
                raw = encode(data)
                atomic_write(path, raw)
            if not fresh:
                daily_backup(path)
    except OSError as exc:
        raise OpenWriteFailedError(path, exc) from exc
    except DatabaseLockedError:
        if version < migrations.SCHEMA_VERSION:
            raise  # a migration must not race another copy's save
        # Only the day's backup waits: the next open makes it.
    copies.ensure_identity(data)  # saved with the next save
    return Opened(data, raw, version, records, later)
