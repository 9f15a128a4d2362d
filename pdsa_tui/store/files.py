"""Crash-safe file writing and the backups kept beside a database."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
from pathlib import Path

#: How many daily backups are kept beside a database.
KEEP_BACKUPS = 10
PRIVATE = 0o600


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Not supported here (e.g. some network file systems).
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, never half.

    Writes a temporary file in the same folder, flushes and fsyncs it, renames it
    over ``path`` and fsyncs the folder. A new file gets ``mode`` (default 0600);
    an existing file keeps its permissions. On any error the temporary file is
    removed and ``path`` is untouched.
    """
    folder = path.parent
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            mode = PRIVATE
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


def backup_dir(path: Path) -> Path:
    """The folder beside ``path`` where its backups are kept."""
    return path.with_name(path.name + ".backups")


def list_backups(path: Path) -> list[Path]:
    """Backups of ``path``, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix == ".json"]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def newest_backup(path: Path) -> Path | None:
    """The most recent backup of ``path``, if any."""
    backups = list_backups(path)
    return backups[0] if backups else None


def make_backup(path: Path, label: str) -> Path:
    """Copy ``path`` into its backup folder as ``<name>.<label>.json`` (owner-only)."""
    folder = backup_dir(path)
    folder.mkdir(mode=0o700, exist_ok=True)
    stem = path.name[:-5] if path.name.endswith(".json") else path.name
    target = folder / f"{stem}.{label}.json"
    tmp = folder / f".{target.name}.tmp"
    try:
        with open(path, "rb") as src:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
            with os.fdopen(fd, "wb") as dst:
                shutil.copyfileobj(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # a full disk must not leave half a backup behind
        raise
    fsync_dir(folder)
    return target


def daily_backup(
    path: Path, *, today: dt.date | None = None, keep: int = KEEP_BACKUPS
) -> Path | None:
    """Back up ``path`` once a day and keep the newest ``keep`` daily backups.

    Returns the new backup, or None when today's already exists.
    """
    day = (today or dt.date.today()).isoformat()
    stem = path.name[:-5] if path.name.endswith(".json") else path.name
    target = backup_dir(path) / f"{stem}.daily-{day}.json"
    if target.exists():
        return None
    made = make_backup(path, f"daily-{day}")
    dailies = sorted(
        (p for p in backup_dir(path).glob(f"{stem}.daily-*.json")), key=lambda p: p.name
    )
    for old in dailies[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return made
