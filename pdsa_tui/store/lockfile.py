"""The lock file beside a database: held only while a save runs, checked to be the real one.

A sync tool or a tidy user may delete or replace the lock file while a copy holds
it; another copy then makes a new one and both would think they held the lock.
Like SQLite, a copy checks after taking the lock that the file on disk is the one
it locked (same device and inode), and takes it again when not; :meth:`still_held`
asks the same just before the database is replaced. The lock file takes the
database's mode and group (see :mod:`.access`), so every colleague who may write
the database may take it; one left owner-only by an older pdsa is replaced.

A lock file can be deleted between a save's last check and its rename, and a copy
slowed down there (a busy machine) would then rename over a save another copy made
with a new lock file. So the folder itself is locked too, where the file system
allows it: nobody deletes a folder that holds a database. The lock file stays, for
older copies of pdsa and for systems where a folder cannot be locked.

POSIX systems use ``flock``; elsewhere (Windows, where an open file cannot be
deleted) :mod:`filelock` does the locking.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

from pdsa_tui.store.access import Access

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

#: Seconds between tries while another copy holds the lock.
POLL = 0.005


class LockTimeout(Exception):
    """Another copy held the lock for longer than the wait allowed."""


class FileLock:
    """An exclusive lock on ``path``, checked to be the file on disk."""

    def __init__(self, path: Path, access: Callable[[], Access]) -> None:
        self.path = path
        self._access = access
        self._fd: int | None = None
        self._dir_fd: int | None = None
        self._fallback: object | None = None

    @property
    def is_locked(self) -> bool:
        """Whether this object holds the lock now."""
        return self._fd is not None or self._fallback is not None

    def acquire(self, timeout: float) -> None:
        """Take the lock, waiting up to ``timeout`` seconds; raise :class:`LockTimeout`."""
        if fcntl is None:
            self._acquire_fallback(timeout)
            return
        deadline = time.monotonic() + timeout
        self._lock_folder(deadline)
        try:
            self._lock_file(deadline)
        except BaseException:
            self._unlock_folder()
            raise

    def _lock_folder(self, deadline: float) -> None:
        """Lock the database's folder (skipped where the file system cannot lock folders)."""
        assert fcntl is not None
        try:
            fd = os.open(self.path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            return
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                    os.close(fd)  # not supported here (some network file systems)
                    return
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(str(self.path)) from None
                time.sleep(POLL)
                continue
            self._dir_fd = fd
            return

    def _unlock_folder(self) -> None:
        if self._dir_fd is not None:
            fd, self._dir_fd = self._dir_fd, None
            os.close(fd)

    def _lock_file(self, deadline: float) -> None:
        """Take the lock file, checked to be the one on disk."""
        assert fcntl is not None
        replaced = False
        while True:
            fd = self._open(replaced)
            replaced = True  # an unusable lock file is replaced at most once per take
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise LockTimeout(str(self.path)) from None
                time.sleep(POLL)
                continue
            if self._is_on_disk(fd):
                self._fd = fd
                self._share(fd)
                return
            os.close(fd)  # deleted or replaced while we waited: lock the one there now

    def _open(self, replaced: bool) -> int:
        """Open (or create) the lock file; replace one this user may not open (once)."""
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        mode = self._access().mode
        try:
            return os.open(self.path, flags, mode)
        except PermissionError:
            if replaced or not self.path.exists():
                raise
        # Left owner-only by someone else (an older pdsa): make one everyone may use.
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        return os.open(self.path, flags, mode)

    def _is_on_disk(self, fd: int) -> bool:
        """Whether ``fd`` is the file now at the lock's path (not deleted or replaced)."""
        try:
            held = os.fstat(fd)
            there = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)

    def _share(self, fd: int) -> None:
        """Give the lock file the database's mode and group when this user owns it."""
        with contextlib.suppress(OSError):
            st = os.fstat(fd)
            access = self._access()
            if st.st_uid == os.geteuid() and (
                (st.st_mode & 0o777) != access.mode
                or (access.gid is not None and st.st_gid != access.gid)
            ):
                access.apply_fd(fd)

    def still_held(self) -> bool:
        """Whether the lock file on disk is still the one this object locked."""
        if self._fd is None:
            return self._fallback is not None
        return self._is_on_disk(self._fd)

    def release(self) -> None:
        """Let the lock go (closing the file releases ``flock``)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)
        self._unlock_folder()
        if self._fallback is not None:
            lock, self._fallback = self._fallback, None
            lock.release()  # type: ignore[attr-defined]

    def _acquire_fallback(self, timeout: float) -> None:
        import filelock

        lock = filelock.FileLock(str(self.path), mode=self._access().mode)
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise LockTimeout(str(self.path)) from None
        self._fallback = lock
