"""Copies of a programme beside its database: sync services' conflict copies, and others.

When two machines save one file between syncs, a sync service keeps both, the older
under a new name. Each pdsa file carries its programme's identity (random, made
with the programme; a file from before identities gets one derived from what every
copy of it shares, so two copies migrated apart agree). A file beside the database
whose name follows a sync service's conflict pattern *and* whose identity is this
programme's is merged (the ordinary three-way merge) and then moved into the kept
folder beside the database, never deleted. Another programme's file is never
touched, whatever its name. A same-programme file with an ordinary name (a copy made
on purpose) is only listed (``pdsa check``) and merged when asked (``pdsa merge``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pdsa_tui.store import migrations
from pdsa_tui.store.access import access_of, make_folders
from pdsa_tui.valueclass import value_class

#: Meta key of the programme's identity.
IDENTITY = "programme_identity"
#: How many merged conflict copies the file's log remembers.
KEEP_LOG = 50


def new_identity() -> str:
    """A new programme's identity (random)."""
    return uuid.uuid4().hex


def _blake2b_hex(data: bytes, *, digest_size: int) -> str:
    """``hashlib.blake2b(data, digest_size=...).hexdigest()``, without importing ``hashlib``
    (and OpenSSL's module: about 1 ms of each open of a file from before identities).
    ``hashlib.blake2b`` is ``_blake2``'s own class."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    digest: str = blake2b(data, digest_size=digest_size).hexdigest()
    return digest


def identity_of(data: dict[str, Any]) -> str:
    """The programme identity of a file's data: stored, or derived for an older file.

    Derived from what every copy of one older file shares (its creation stamp, else
    its first record), so two copies migrated apart agree on it.
    """
    meta = migrations.meta_doc(data) or {}
    stored = meta.get(IDENTITY)
    if isinstance(stored, str) and stored:
        return stored
    seed = str(meta.get("created") or "")
    if not seed:
        firsts = [
            (str(doc.get("created") or ""), str(doc.get("id") or ""))
            for name, table in data.items()
            if name not in ("meta", migrations.HISTORY) and isinstance(table, dict)
            for doc in table.values()
            if isinstance(doc, dict)
        ]
        seed = repr(min(firsts)) if firsts else "empty"
    return "derived-" + _blake2b_hex(seed.encode("utf-8"), digest_size=12)


def ensure_identity(data: dict[str, Any]) -> None:
    """Store the identity in the file's meta (an older file gets its derived one)."""
    meta = migrations.meta_doc(data)
    if meta is not None and not meta.get(IDENTITY):
        meta[IDENTITY] = identity_of(data)


@value_class(frozen=True)
class Found:
    """A file beside the database named like one of a sync service's conflict copies."""

    path: Path
    service: str
    #: The machine or person the service names (may be empty).
    who: str = ""

    def describe(self) -> str:
        """'OneDrive on LAPTOP-7QK2', "Dropbox (Bob's conflicted copy)", 'Google Drive'."""
        if not self.who:
            return self.service
        if self.service == "Dropbox":
            return f"Dropbox for {self.who}"
        return f"{self.service} on {self.who}"


def _patterns(stem: str, ext: str) -> list[tuple[str, re.Pattern[str]]]:
    s, e = re.escape(stem), re.escape(ext)
    return [
        (
            "Dropbox",
            re.compile(
                rf"{s} \((?P<who>.+?)'s conflicted copy \d{{4}}-\d{{2}}-\d{{2}}(?: \d+)?\)"
                rf"(?: \(\d+\))?{e}"
            ),
        ),
        (
            "Nextcloud",
            re.compile(
                rf"{s} \(conflicted copy (?:(?P<who>.+?) )?\d{{4}}-\d{{2}}-\d{{2}} \d{{6}}\){e}"
            ),
        ),
        (
            "Syncthing",
            re.compile(rf"{s}\.sync-conflict-\d{{8}}-\d{{6}}-(?P<who>[A-Z0-9]{{7}}){e}"),
        ),
        ("Google Drive", re.compile(rf"{s} \(\d{{1,3}}\){e}")),
        # A Windows computer name: capitals, digits and hyphens, at least one letter
        # ('pace-2019.json' is a copy made on purpose, not OneDrive's).
        ("OneDrive", re.compile(rf"{s}-(?P<who>(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{{0,14}}){e}")),
    ]


def _split(path: Path) -> tuple[str, str]:
    name = path.name
    return (name[:-5], ".json") if name.endswith(".json") else (name, "")


def conflict_names(path: Path) -> Iterator[Found]:
    """Files beside ``path`` named like a sync service's conflict copy of it (not yet opened)."""
    stem, ext = _split(path)
    try:
        names = sorted(os.listdir(path.parent))
    except OSError:
        return
    patterns = None  # made for the first name that may be a copy: most folders have none
    for name in names:
        # Every service's copy is named the file's stem, something, then its extension.
        if name == path.name or name.startswith(".") or not name.startswith(stem):
            continue
        if not name.endswith(ext):
            continue
        if patterns is None:
            patterns = _patterns(stem, ext)
        for service, pattern in patterns:
            match = pattern.fullmatch(name)
            if match:
                who = (match.groupdict().get("who") or "").strip()
                yield Found(path.parent / name, service, who)
                break


def kept_dir(path: Path) -> Path:
    """The folder beside ``path`` where merged copies are kept."""
    return path.with_name(path.name + ".kept")


def keep(path: Path, copy: Path) -> Path:
    """Move a merged copy into the kept folder (never deleted); return where it went."""
    folder = kept_dir(path)
    access = access_of(path)
    make_folders(folder, access.dir_mode)
    access.fix_folder(folder)
    target = folder / copy.name
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{stamp}-{os.getpid()}-{copy.name}"
    os.replace(copy, target)
    return target


def log_merge(data: dict[str, Any], entry: dict[str, Any]) -> None:
    """Remember a merged copy in the file's meta (who made it, when, what it changed)."""
    meta = migrations.meta_doc(data)
    if meta is None:
        return
    log = meta.get("merged_copies")
    if not isinstance(log, list):
        log = meta["merged_copies"] = []
    log.insert(0, entry)
    del log[KEEP_LOG:]


def _of_programme(path: Path, identity: str) -> dict[str, Any] | None:
    """The JSON of ``path`` when it holds the programme ``identity``, else None (another
    programme's file, not JSON, or not readable)."""
    from pdsa_tui.store.checks import decoded, read_file

    try:
        data = decoded(path, read_file(path))
        if isinstance(data, dict) and identity_of(data) == identity:
            return data
    except Exception:
        pass
    return None


def same_programme_files(path: Path, identity: str) -> list[Path]:
    """Other ``.json`` files beside ``path`` that hold this programme (copies made on purpose)."""
    from pdsa_tui.store.checks import check_parsed

    found = []
    conflicts = {f.path.name for f in conflict_names(path)}
    with contextlib.suppress(OSError):
        for name in sorted(os.listdir(path.parent)):
            other = path.parent / name
            if name == path.name or name in conflicts or not name.endswith(".json"):
                continue
            data = _of_programme(other, identity)
            if data is None:
                continue
            # Another programme's file is not checked record by record: only a copy
            # of this one must be a whole, readable file to be named.
            try:
                check_parsed(other, data)
            except Exception:
                continue
            found.append(other)
    return found


def waiting_copies(path: Path, identity: str) -> list[Found]:
    """Sync services' conflict copies of this programme beside ``path``, not yet merged."""
    return [f for f in conflict_names(path) if _of_programme(f.path, identity) is not None]
