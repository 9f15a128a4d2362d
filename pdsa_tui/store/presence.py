"""Who else has a database open: one small presence note per running copy, beside the file.

Each copy writes only its own note (``<file>.presence/<random>.json``: who, which
computer, what record it is editing), refreshes it while it runs and removes it when
it closes. A note not refreshed for :data:`STALE` seconds (a copy killed, a laptop
asleep) is ignored. Nothing here is needed for saving: it only tells people.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from pathlib import Path

from pdsa_tui.store.access import access_of, make_folders
from pdsa_tui.store.files import atomic_write
from pdsa_tui.valueclass import value_class

#: Seconds after which a presence note no longer counts.
STALE = 120.0
#: Seconds between refreshes of this copy's note.
BEAT = 30.0


@value_class(frozen=True)
class Other:
    """Another copy that has the file open."""

    user: str
    host: str
    editing: str = ""

    def label(self) -> str:
        """'SP (LAPTOP-2)'."""
        return f"{self.user or '?'} ({self.host})" if self.host else self.user or "?"


def presence_dir(path: Path) -> Path:
    """The folder beside ``path`` holding the presence notes."""
    return path.with_name(path.name + ".presence")


class Presence:
    """This copy's presence note for one database."""

    def __init__(self, path: Path, user: str) -> None:
        self.path = path
        self.user = user
        self.host = socket.gethostname().split(".")[0]
        # secrets.token_hex(8) is this; importing secrets (hmac, hashlib) cost 1.4 ms.
        self.note = presence_dir(path) / f"{os.urandom(8).hex()}.json"
        self.editing = ""
        self._last = 0.0

    def beat(self, *, editing: str | None = None, force: bool = False) -> None:
        """Write (or refresh) this copy's note; every :data:`BEAT` seconds unless ``force``."""
        if editing is not None and editing != self.editing:
            self.editing, force = editing, True
        now = time.monotonic()
        if not force and now - self._last < BEAT:
            return
        self._last = now
        body = {"user": self.user, "host": self.host, "pid": os.getpid(), "editing": self.editing}
        with contextlib.suppress(OSError):
            folder = presence_dir(self.path)
            access = access_of(self.path)
            make_folders(folder, access.dir_mode)
            access.fix_folder(folder)
            # Not flushed to the disk: the note matters only while this copy runs, and
            # two fsyncs held up the first screen by 5-30 ms (more on a network share).
            note = json.dumps(body).encode("utf-8")
            atomic_write(self.note, note, mode=access.mode, durable=False)

    def others(self) -> list[Other]:
        """The other copies with a fresh note, by user."""
        found = []
        now = time.time()
        with contextlib.suppress(OSError):
            # The file system's clock, as the notes' own times are: a machine whose clock is
            # wrong must not find every note stale. This copy's note was written last beat.
            now = self.note.stat().st_mtime
        with contextlib.suppress(OSError):
            for entry in os.scandir(presence_dir(self.path)):
                if entry.name == self.note.name or not entry.name.endswith(".json"):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                    if now - st.st_mtime > STALE or st.st_size > 4096:
                        continue
                    with open(entry.path, "rb") as fh:
                        body = json.loads(fh.read(4096))
                except (OSError, ValueError):
                    continue
                if isinstance(body, dict):
                    found.append(
                        Other(
                            str(body.get("user") or ""),
                            str(body.get("host") or ""),
                            str(body.get("editing") or ""),
                        )
                    )
        return sorted(found, key=lambda o: (o.user, o.host))

    def leave(self) -> None:
        """Remove this copy's note (the copy is closing)."""
        with contextlib.suppress(OSError):
            self.note.unlink()
