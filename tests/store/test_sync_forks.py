"""A sync service's fork delivered under the file's own name while a copy has it open.

Two people save one programme on two machines between syncs. The service keeps the
newer under the file's name (replacing the file on the machine whose version is
older) and the older as a conflict copy beside it. A copy of pdsa open on that
machine then sees the file change to a version that does not come from the one it
read: a sibling, not a newer version. Taking it as a newer version would overwrite
that machine's edit, and the conflict copy (holding that very edit) would then look
like an older version and merge as "0 changes": the edit silently gone from the file.
Seen in the two-account trial (Syncthing between two group folders, 6 December 2026).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from pdsa_tui.model import Aim, ChangeIdea, Cycle
from pdsa_tui.store import Store, copies

CONFLICT = "pace.sync-conflict-20261206-183034-BOBPC02.json"


def _deliver(src: Path, dst: Path) -> None:
    """The service puts a version in place: a new file renamed over the old one."""
    tmp = dst.with_name(f".~sync-{dst.name}")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


@pytest.fixture
def two_folders(tmp_path: Path) -> tuple[Path, Path, str]:
    """Alice's and Bob's folders holding one programme with one cycle; its id."""
    a, b = tmp_path / "alice", tmp_path / "bob"
    a.mkdir()
    b.mkdir()
    with Store.open(a / "pace.json", create=True, user="SP") as s:
        aim = s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
        idea = s.save(ChangeIdea(aim_id=aim.id, title="Legal tracker", lead="SP"))
        cycle = s.save(Cycle(idea_id=idea.id, objective="Test the tracker", lead="SW"))
        s.save(Cycle(idea_id=idea.id, objective="Test it again", lead="SW"))
    _deliver(a / "pace.json", b / "pace.json")
    return a / "pace.json", b / "pace.json", cycle.id


def _edit(path: Path, user: str, cycle_id: str, **changes: str) -> None:
    """One person opens the file, changes the cycle, saves (as a form does)."""
    with Store.open(path, user=user) as s:
        s.save(dataclasses.replace(s.get(Cycle, cycle_id), **changes))


def _fork(alice: Path, bob: Path) -> None:
    """The service: both changed; Alice's is newer and keeps the name, Bob's is the copy."""
    shutil.copyfile(bob, bob.with_name(CONFLICT))
    _deliver(alice, bob)


def test_one_field_edited_on_both_machines_is_a_conflict_not_lost(
    two_folders: tuple[Path, Path, str],
) -> None:
    alice, bob, cid = two_folders
    open_on_bob = Store.open(bob, user="Bob")  # Bob's app, open all along
    _edit(alice, "Alice", cid, lead="Alice's lead")
    _edit(bob, "Bob", cid, lead="Bob's lead")
    open_on_bob.refresh()  # the app takes in Bob's own save (another copy on his machine)
    _fork(alice, bob)
    open_on_bob.refresh()  # the service's fork, and its conflict copy beside it
    with Store.open(bob, read_only=True) as s:
        [conflict] = s.versions.conflicts()
        assert conflict["field"] == "lead"
        assert {v["value"] for v in conflict["values"]} == {"Alice's lead", "Bob's lead"}
    assert not bob.with_name(CONFLICT).exists()
    assert (copies.kept_dir(bob) / CONFLICT).exists()


def test_different_cycles_edited_on_both_machines_both_stay(
    two_folders: tuple[Path, Path, str],
) -> None:
    """The service's fork holds Bob's cycle as it was before his edit: not a restore."""
    alice, bob, cid = two_folders
    with Store.open(bob, read_only=True) as s:
        [other] = [c.id for c in s.all(Cycle) if c.id != cid]
    open_on_bob = Store.open(bob, user="Bob")
    _edit(alice, "Alice", cid, lead="Alice's lead")
    _edit(bob, "Bob", other, lead="Bob's lead")
    open_on_bob.refresh()
    _fork(alice, bob)
    open_on_bob.refresh()
    with Store.open(bob, read_only=True) as s:
        assert (s.get(Cycle, cid).lead, s.get(Cycle, other).lead) == ("Alice's lead", "Bob's lead")


def test_different_fields_edited_on_both_machines_both_stay(
    two_folders: tuple[Path, Path, str],
) -> None:
    alice, bob, cid = two_folders
    open_on_bob = Store.open(bob, user="Bob")
    _edit(alice, "Alice", cid, lead="Alice's lead")
    _edit(bob, "Bob", cid, objective="Bob's objective")
    open_on_bob.refresh()
    _fork(alice, bob)
    open_on_bob.refresh()
    with Store.open(bob, read_only=True) as s:
        cycle = s.get(Cycle, cid)
        assert (cycle.lead, cycle.objective) == ("Alice's lead", "Bob's objective")
        assert s.versions.conflicts() == []


def test_an_edit_beats_a_deletion_made_on_the_other_machine(
    two_folders: tuple[Path, Path, str],
) -> None:
    alice, bob, cid = two_folders
    open_on_bob = Store.open(bob, user="Bob")
    with Store.open(alice, user="Alice") as s:
        s.delete(s.get(Cycle, cid))
    _edit(bob, "Bob", cid, lead="Bob's lead")
    open_on_bob.refresh()
    _fork(alice, bob)
    open_on_bob.refresh()
    with Store.open(bob, read_only=True) as s:
        assert s.get(Cycle, cid).lead == "Bob's lead"


def test_a_backup_put_back_still_counts_as_a_change(
    two_folders: tuple[Path, Path, str],
) -> None:
    """A whole file older than the open copy's (a backup restored) is no fork: it is taken."""
    alice, _bob, cid = two_folders
    older = alice.with_name("older.json")
    shutil.copyfile(alice, older)
    open_on_alice = Store.open(alice, user="Alice")
    _edit(alice, "Alice", cid, lead="a mistake")
    open_on_alice.refresh()
    _deliver(older, alice)
    open_on_alice.refresh()
    assert open_on_alice.get(Cycle, cid).lead == "SW"
