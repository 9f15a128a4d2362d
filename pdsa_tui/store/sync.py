"""One database file shared by many copies of pdsa: short locks, change detection, saves.

No copy holds the file open. A save takes the lock file (waiting up to
:data:`BUSY_WAIT` seconds for another save to finish), reads the file, and if
its bytes differ from what this copy last read or wrote, hands them to a merge
callback before writing the union atomically. The lock is released as soon as
the file is written.

Correctness does not rest on the lock alone (a sync tool or a person may delete
the lock file mid-save, and locks do not cross machines): just before the rename
a save checks that it still holds the lock file on disk (else takes it again)
and that the database still holds the bytes it merged with; if another copy
replaced it meanwhile, the save reads and merges again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pdsa_tui.store.access import access_of, creation_mode
from pdsa_tui.store.checks import read_only_reason
from pdsa_tui.store.errors import (
    DatabaseLockedError,
    LockFileError,
    ReadOnlyError,
    WriteFailedError,
    create_failed_text,
    save_failed_text,
)
from pdsa_tui.store.files import atomic_write, read_regular
from pdsa_tui.store.lockfile import FileLock, LockTimeout
from pdsa_tui.store.storage import encode

#: Seconds a save waits for another copy's save to finish.
BUSY_WAIT = 5.0
#: How many times a save reads and merges again when another copy replaced the file meanwhile.
ATTEMPTS = 50

Signature = tuple[int, int, int, int]


def lock_path(path: Path) -> Path:
    """The lock file taken while ``path`` is written."""
    return path.with_name(path.name + ".lock")


def encode_for_save(path: Path, data: Any) -> bytes:
    """:func:`encode`, with a lone surrogate reported as a :class:`WriteFailedError`."""
    try:
        return encode(data)
    except UnicodeEncodeError as exc:
        # A lone surrogate (e.g. from a command-line argument that was not UTF-8).
        bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else "?"
        raise WriteFailedError(
            f"Could not save to {path}: some text holds {bad!a}, which is not a "
            "character that can be stored (it often comes from text that was not UTF-8). "
            "The file still holds your last successful save."
        ) from exc


def signature(path: Path) -> Signature | None:
    """A cheap fingerprint of the file's state (None if it is gone)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class SyncedFile:
    """The file as this copy last read or wrote it, and how to save over it safely."""

    def __init__(self, path: Path, synced: bytes, *, new: bool = False) -> None:
        self.path = path
        #: The bytes this copy last read or wrote: the common ancestor of a merge.
        self.synced = synced
        #: Not made yet: the first save makes the file, and refuses (``FileExistsError``,
        #: nothing written) if something is at its path by then.
        self.new = new
        self.seen: Signature | None = signature(path)
        self._lock = FileLock(lock_path(path), lambda: access_of(path))

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock file; wait up to :data:`BUSY_WAIT` seconds for it."""
        self._take()
        try:
            yield
        finally:
            self._lock.release()

    def _take(self) -> None:
        """Take the lock file (see :meth:`locked`)."""
        try:
            self._lock.acquire(timeout=BUSY_WAIT)
        except LockTimeout:
            raise DatabaseLockedError(self.path) from None
        except OSError as exc:
            raise LockFileError(
                f"Could not save to {self.path}: its lock file {lock_path(self.path)} cannot be "
                f"made ({exc.strerror or exc}). The file still holds your last successful save."
            ) from None

    def read(self) -> bytes | None:
        """The file's bytes now (None if it is gone)."""
        try:
            return read_regular(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise WriteFailedError(
                f"Could not read {self.path} before saving ({exc.strerror or exc}). "
                "Nothing was saved."
            ) from None

    def changed(self) -> bytes | None:
        """The file's bytes if another copy changed it since this one last looked, else None."""
        sig = signature(self.path)
        if sig is None or sig == self.seen:
            return None
        raw = self.read()
        self.seen = sig
        if raw is None or raw == self.synced:
            return None
        return raw

    def mark_read(self, raw: bytes) -> None:
        """This copy now holds what ``raw`` holds."""
        self.synced = raw

    def save(self, data: Any, merge: Callable[[bytes], None]) -> None:
        """Write ``data``; first ``merge(bytes)`` if the file changed since last read.

        ``merge`` updates ``data`` in place (or raises to refuse the save). Raises
        :class:`DatabaseLockedError` when the file stays busy, else
        :class:`WriteFailedError` on a failed write.
        """
        for _attempt in range(ATTEMPTS):
            with self.locked():
                before = signature(self.path)
                if self.new:
                    if os.path.lexists(self.path):
                        raise FileExistsError(f"{self.path} already exists; nothing was written")
                else:
                    # Made read-only since this copy opened it: a rename would still replace
                    # it (that needs only the folder's permission), against its owner's wish.
                    why = read_only_reason(self.path)
                    if why:
                        raise ReadOnlyError(
                            f"Could not save to {self.path}: it was made read-only since it was "
                            f"opened ({why}). The file still holds the last save."
                        )
                    raw = self.read()
                    if raw is not None and raw != self.synced:
                        merge(raw)
                payload = encode_for_save(self.path, data)

                def unchanged(before: Signature | None = before) -> None:
                    if not self._lock.still_held():  # the lock file was deleted or replaced
                        self._lock.release()
                        self._take()
                    if signature(self.path) != before:
                        raise _Replaced

                # A new file: private in pdsa's own folder; elsewhere the folder's rules.
                mode = creation_mode(self.path) if self.new else None
                try:
                    atomic_write(self.path, payload, mode=mode, before_replace=unchanged)
                except _Replaced:
                    continue  # another copy saved meanwhile: read and merge again
                except OSError as exc:
                    text = create_failed_text if self.new else save_failed_text
                    raise WriteFailedError(text(self.path, exc)) from exc
                self.new = False
                self.synced = payload
                self.seen = signature(self.path)
                return
        raise DatabaseLockedError(self.path)


class _Replaced(Exception):
    """The database changed on disk after this save read it (raised before the rename)."""
