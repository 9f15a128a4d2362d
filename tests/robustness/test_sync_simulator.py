"""A sync service simulated between two folders, with pdsa writing on both sides (issue 20).

The service copies what changed since it last synced; when both sides changed
``pace.json`` between syncs it keeps both, as real services do: the newer keeps the
name and the older is saved under the family's conflict name, on both sides.
Locks do not cross the two folders. Hypothesis chooses the schedule (writes and
edits on either side, syncs, live checks); after quiescence every acknowledged write
is in both folders' files, each side's last edit of its own field of a shared aim
is there too, and no conflict copy is left unmerged.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdsa_tui.model import Aim
from pdsa_tui.store import Store, copies

NAME = "pace.json"


def conflict_name(family: str, n: int) -> str:
    """The name each service gives the older of two versions (the n-th conflict)."""
    return {
        "Dropbox": f"pace (Bob's conflicted copy 2026-12-06 {n}).json",
        "OneDrive": f"pace-LAPTOP-{n}Q.json",
        "Google Drive": f"pace ({n}).json",
        "Syncthing": f"pace.sync-conflict-20261206-1011{n:02d}-ABCDEF7.json",
        "Nextcloud": f"pace (conflicted copy 2026-12-06 1011{n:02d}).json",
    }[family]


def _synced_names(folder: Path) -> set[str]:
    """The files a service syncs: databases and copies (not locks, backups, kept folders)."""
    return {
        n
        for n in os.listdir(folder)
        if n.endswith(".json") and not n.startswith(".") and (folder / n).is_file()
    }


def _put(folder: Path, name: str, data: bytes) -> None:
    """Deliver a file the way a sync client does: a new file renamed into place."""
    tmp = folder / f".~sync-{name}"
    tmp.write_bytes(data)
    os.replace(tmp, folder / name)


class SyncService:
    """Two folders kept in step by a service that forks on concurrent changes."""

    def __init__(self, a: Path, b: Path, family: str) -> None:
        self.sides = (a, b)
        self.family = family
        self.conflicts = 0
        #: What each name held when last synced (None: it did not exist).
        self.last: dict[str, bytes | None] = {}

    def _read(self, folder: Path, name: str) -> bytes | None:
        try:
            return (folder / name).read_bytes()
        except FileNotFoundError:
            return None

    def sync(self) -> None:
        """One pass: bring every synced name to one version on both sides."""
        a, b = self.sides
        for name in sorted(_synced_names(a) | _synced_names(b) | set(self.last)):
            va, vb = self._read(a, name), self._read(b, name)
            base = self.last.get(name)
            if va == vb:
                self.last[name] = va
                continue
            if va == base:
                self._apply(a, name, vb)
            elif vb == base:
                self._apply(b, name, va)
            elif va is None or vb is None:  # deleted on one side, changed on the other
                keep = va if va is not None else vb
                self._apply(a, name, keep)
                self._apply(b, name, keep)
            else:  # both changed: the newer keeps the name, the older is a conflict copy
                older_a = (a / name).stat().st_mtime_ns <= (b / name).stat().st_mtime_ns
                newer, older = (vb, va) if older_a else (va, vb)
                self.conflicts += 1
                fork = conflict_name(self.family, self.conflicts)
                for side in (a, b):
                    _put(side, fork, older)
                    _put(side, name, newer)
                self.last[fork] = older
                self.last[name] = newer
                continue
            self.last[name] = self._read(a, name)

    def _apply(self, folder: Path, name: str, data: bytes | None) -> None:
        if data is None:
            (folder / name).unlink(missing_ok=True)
        else:
            _put(folder, name, data)


def _codes(path: Path) -> set[str]:
    with Store.open(path, read_only=True) as s:
        return {a.code for a in s.aims()}


#: The field of the shared aim each side edits (side 0 Alice, side 1 Bob).
EDITED = ("statement", "lead")


def _edited(path: Path) -> tuple[str, str]:
    with Store.open(path, read_only=True) as s:
        shared = s.find_aim("SHARED")
        return shared.statement, shared.lead


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(0, 1)),
        st.tuples(st.just("edit"), st.integers(0, 1)),
        st.tuples(st.just("check"), st.integers(0, 1)),
        st.tuples(st.just("sync"), st.just(0)),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    schedule=OPS,
    family=st.sampled_from(["Dropbox", "OneDrive", "Google Drive", "Syncthing", "Nextcloud"]),
)
def test_every_acknowledged_write_reaches_both_folders(
    tmp_path_factory: object, schedule: list[tuple[str, int]], family: str
) -> None:
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="pdsa-sync-"))
    try:
        a, b = root / "alice", root / "bob"
        a.mkdir()
        b.mkdir()
        with Store.open(a / NAME, create=True) as first:
            first.save(Aim(code="SHARED", statement="s", lead="l"))
        shutil.copyfile(a / NAME, b / NAME)  # the service delivered the new file
        service = SyncService(a, b, family)
        service.sync()
        stores = (Store.open(a / NAME, user="A"), Store.open(b / NAME, user="B"))
        acked: set[str] = set()
        last_edit = ["s", "l"]  # each side's last acknowledged value of its own field
        for n, (op, side) in enumerate(schedule):
            if op == "write":
                code = f"{'AB'[side]}{n}"
                stores[side].save(Aim(code=code, statement="s"))
                acked.add(code)
            elif op == "edit":
                shared = stores[side].find_aim("SHARED")
                value = f"{'AB'[side]}{n}"
                stores[side].save(dataclasses.replace(shared, **{EDITED[side]: value}))
                last_edit[side] = value
            elif op == "check":
                stores[side].refresh()
            else:
                service.sync()
        for _round in range(8):  # quiescence: syncs and live checks until nothing moves
            service.sync()
            for s in stores:
                s.refresh()
            service.sync()
            same = (a / NAME).read_bytes() == (b / NAME).read_bytes()
            left = [f for side in (a, b) for f in copies.conflict_names(side / NAME)]
            if same and not left:
                break
        for side in (a, b):
            assert acked <= _codes(side / NAME), f"lost in {side.name}"
            # Only one side edits each field: its last edit is never undone (a sync fork
            # once put the other machine's older version back over it).
            assert _edited(side / NAME) == tuple(last_edit), f"an edit lost in {side.name}"
            assert list(copies.conflict_names(side / NAME)) == []
    finally:
        shutil.rmtree(root, ignore_errors=True)
