"""Crash-safe file writing and the backups kept beside a database."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pdsa_tui.store.access import PRIVATE, PRIVATE_DIR, Access, access_of, make_folders
from pdsa_tui.store.errors import SaveStepError, StoreError

#: The largest file pdsa reads (a database, a copy to merge): far above any real programme.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: How a file that is not a regular file is named in messages, by its type bits.
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}

#: How many daily backups are kept beside a database.
KEEP_BACKUPS = 10
#: ``fsync`` of a folder is not supported on some file systems; only these errors mean that.
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF})


@contextlib.contextmanager
def _step(step: str) -> Iterator[None]:
    """Turn an OSError in the block into :class:`SaveStepError` naming ``step``."""
    try:
        yield
    except SaveStepError:
        raise
    except OSError as exc:
        raise SaveStepError(step, exc) from exc


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents as 0700, whatever the umask.

    Folders that already exist keep their permissions: they are the user's.
    """
    make_folders(folder, PRIVATE_DIR)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable.

    Raises :class:`OSError` when the folder cannot be synced; only a file system
    that does not support syncing folders at all (EINVAL, ENOTSUP) is passed over.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def temp_prefix(path: Path) -> str:
    """The start of the names of ``path``'s temporary files (they end in ``.tmp``)."""
    return f".{path.name}."


def is_temp_of(path: Path, candidate: str) -> bool:
    """Whether ``candidate`` (a file name) is one of ``path``'s temporary files.

    Matched literally: a name like ``team[1].json`` is not a pattern.
    """
    return candidate.startswith(temp_prefix(path)) and candidate.endswith(".tmp")


def hold_temp(fd: int) -> None:
    """Lock a temporary file being written, so clean-up knows its writer is alive."""
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def temp_in_use(path: Path) -> bool:
    """Whether a live writer holds the temporary file ``path`` (see :func:`hold_temp`)."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # cannot look: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


#: Seconds a save keeps trying to replace a file another program holds open (Windows).
BUSY_REPLACE = 4.0


def replace_file(src: Path, dst: Path) -> None:
    """``os.replace``, retried with back-off while another program holds ``dst``.

    On Windows an antivirus scanner or a sync client that has the file open makes the
    rename fail (``PermissionError``, a sharing violation) for a moment: the save waits
    up to :data:`BUSY_REPLACE` seconds before it gives up.
    """
    deadline = time.monotonic() + BUSY_REPLACE
    pause = 0.05
    while True:
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if time.monotonic() + pause > deadline:
                raise SaveStepError(
                    "replacing the file (another program, such as an antivirus scanner or a "
                    "sync client, kept it busy; close it, then save again)",
                    exc,
                ) from exc
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    before_replace: Callable[[], None] | None = None,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, never half.

    Writes a new temporary file with an unpredictable name in the same folder
    (created exclusively, never through a planted symlink), flushes and fsyncs
    it, renames it over ``path`` and fsyncs the folder. A new file gets ``mode``
    (default 0600); an existing file keeps its permissions and its group (so a
    colleague's save leaves a shared file shared). While it is written the
    temporary file is locked, so no other copy's clean-up takes it for a killed
    save's. On any error (the folder's fsync included) the temporary file is
    removed and ``path`` holds what it held before. Errors are
    :class:`SaveStepError` naming the step. ``before_replace`` runs just before
    the rename (a last check that the save may go ahead). Not ``durable`` (a note that
    only matters while the app runs): no fsync, so a power cut may lose it, but readers
    still see the old or the new note, never half of one.
    """
    folder = path.parent
    if mode is not None:
        access = Access(mode)
    else:
        access = access_of(path) if path.exists() else Access(PRIVATE)
    with _step("creating a temporary file beside it"):
        fd, name = tempfile.mkstemp(dir=folder, prefix=temp_prefix(path), suffix=".tmp")
    tmp = Path(name)
    previous: Path | None = None
    held: list[int] = []
    try:
        try:
            hold_temp(fd)
            with _step("setting its permissions"):
                os.fchmod(fd, access.mode)
                access.set_group(fd)
            with _step("writing"):
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            if durable:
                with _step("flushing it to the disk"):
                    os.fsync(fd)
            if before_replace is not None:
                before_replace()
            previous = _keep_previous(path, held)
            with _step("replacing the file"):
                replace_file(tmp, path)
        finally:
            os.close(fd)
        try:
            if durable:
                with _step("flushing the folder to the disk"):
                    fsync_dir(folder)
        except OSError:
            if previous is not None:
                # The rename may not survive a crash: put the last save back, report failure.
                with contextlib.suppress(OSError):
                    os.replace(previous, path)
                    previous = None
            raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        if previous is not None:
            with contextlib.suppress(OSError):
                os.unlink(previous)
        for kept in held:
            os.close(kept)


def _keep_previous(path: Path, held: list[int]) -> Path | None:
    """A hard link to the file about to be replaced, to put back if the save fails late.

    It is held (like a temporary file) until the save ends; its descriptor goes in ``held``.
    """
    # secrets.token_hex(8), without importing secrets (and hashlib) at start-up.
    link = path.with_name(f"{temp_prefix(path)}{os.urandom(8).hex()}.prev.tmp")
    try:
        os.link(path, link, follow_symlinks=False)
    except OSError:
        return None  # no file yet, or no hard links here: nothing to put back
    with contextlib.suppress(OSError):
        fd = os.open(link, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        held.append(fd)
        hold_temp(fd)
    return link


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, read up to a size limit.

    A FIFO, device, socket or folder is refused at once (never opened in a way that
    could block), and a file larger than ``limit`` (default :data:`MAX_FILE_BYTES`)
    is refused with its size: :class:`StoreError` naming the file. ``OSError`` as
    ``open`` raises it (``FileNotFoundError`` when there is no file).
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "a special file")
            raise StoreError(f"{path}: it is not a regular file (it is {kind}); nothing was read")
        if st.st_size > limit:
            raise StoreError(_too_large(path, st.st_size, limit))
        chunks: list[bytes] = []
        total = 0
        # The size fstat gave in one read (joining 1 MB pieces copied a large file once
        # more), then on to the end in pieces, in case it grew.
        size = st.st_size + 1
        while True:
            chunk = os.read(fd, size)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while read
                raise StoreError(_too_large(path, total, limit))
            chunks.append(chunk)
            size = 1 << 20
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(path: Path, size: int, limit: int) -> str:
    mb = 1024 * 1024
    return (
        f"{path}: it is {size / mb:.1f} MB, larger than the {limit / mb:.0f} MB pdsa reads; "
        "it is not a pdsa database, or not one this pdsa can open"
    )


def backup_dir(path: Path) -> Path:
    """The folder beside ``path`` where its backups are kept."""
    return path.with_name(path.name + ".backups")


def _stem(path: Path) -> str:
    return path.name[:-5] if path.name.endswith(".json") else path.name


def list_backups(path: Path) -> list[Path]:
    """Backups of ``path``, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix == ".json" and not p.name.startswith(".")
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def newest_backup(path: Path) -> Path | None:
    """The most recent backup of ``path``, if any."""
    backups = list_backups(path)
    return backups[0] if backups else None


def make_backup_folder(path: Path) -> Path:
    """The backups folder of ``path``, made (or opened up) for everyone who may use ``path``."""
    folder = backup_dir(path)
    access = access_of(path)
    make_folders(folder, access.dir_mode)
    access.fix_folder(folder)
    return folder


def make_backup(path: Path, label: str) -> Path:
    """Copy ``path`` into its backup folder as ``<name>.<label>.json`` (its mode and group)."""
    folder = make_backup_folder(path)
    access = access_of(path)
    target = folder / f"{_stem(path)}.{label}.json"
    with _step("copying it to a backup"):
        fd, name = tempfile.mkstemp(dir=folder, prefix=temp_prefix(target), suffix=".tmp")
    tmp = Path(name)
    try:
        with _step("copying it to a backup"):
            hold_temp(fd)
            access.apply_fd(fd)
            with os.fdopen(fd, "wb") as dst, open(path, "rb") as src:
                shutil.copyfileobj(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(tmp, target)
            fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # a full disk must not leave half a backup behind
        raise
    return target


def remove_stale_temp_files(path: Path) -> None:
    """Delete temporary files a killed save or backup of ``path`` left behind.

    A file a live writer holds (locked while it saves) is never touched.
    """
    for folder in (path.parent, backup_dir(path)):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        in_backups = folder != path.parent  # every temporary file there is one of ours
        for name in names:
            if not (
                is_temp_of(path, name)
                or (in_backups and name.startswith(".") and name.endswith(".tmp"))
            ):
                continue
            item = folder / name
            if temp_in_use(item):
                continue
            with contextlib.suppress(OSError):
                os.unlink(item)


def daily_backup(
    path: Path, *, today: dt.date | None = None, keep: int = KEEP_BACKUPS
) -> Path | None:
    """Back up ``path`` once a day (by this computer's clock) and keep the newest ``keep``.

    "Newest" is the order the backups were made (a count in the name), never the date in
    their names: one copy whose clock is years ahead cannot push out the real ones. At
    most two old backups go per new one, never all at once. Returns the new backup, or
    None when today's already exists.
    """
    day = (today or dt.date.today()).isoformat()
    stem = _stem(path)
    folder = backup_dir(path)
    start = f"{stem}.daily-"
    existing = _dailies(folder, start)
    if any(p.name.startswith(f"{start}{day}.") for _n, p in existing):
        return None
    count = max((n for n, _p in existing), default=0) + 1
    made = make_backup(path, f"daily-{day}.n{count:06d}")
    dailies = sorted([*existing, (count, made)])
    for _n, old in dailies[:-keep][:2]:
        with contextlib.suppress(OSError):
            old.unlink()
    return made


def _dailies(folder: Path, start: str) -> list[tuple[int, Path]]:
    """Daily backups in ``folder`` with the count they were made in (0 for older names)."""
    out = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    for name in names:
        if not (name.startswith(start) and name.endswith(".json")):
            continue
        middle = name[len(start) : -5]
        _day, _, tail = middle.partition(".n")
        out.append((int(tail) if tail.isdigit() else 0, folder / name))
    return out
