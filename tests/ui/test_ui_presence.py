"""Who else is here: presence notes beside the database (issue 20, item 9)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from ui_support import LARGE, screen_text, wait_until

from pdsa_tui.model import Aim
from pdsa_tui.store import Store
from pdsa_tui.store.presence import STALE, Presence, presence_dir
from pdsa_tui.ui.app import PdsaApp


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "pace.json"
    with Store.open(db, create=True) as s:
        s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
    return db


async def test_the_overview_shows_who_else_has_the_file_open(tmp_path: Path) -> None:
    db = _db(tmp_path)
    laptop = Presence(db, "SP")
    laptop.host = "LAPTOP-2"
    laptop.beat(force=True)
    app = PdsaApp(Store.open(db, user="KM"), db)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        assert "Also open: SP (LAPTOP-2)" in screen_text(app)
        laptop.leave()
        await wait_until(pilot, lambda: "Also open" not in screen_text(app))
    assert not any(presence_dir(db).iterdir())  # this copy's own note went with it


def test_a_stale_note_is_ignored(tmp_path: Path) -> None:
    db = _db(tmp_path)
    gone = Presence(db, "SP")
    gone.beat(force=True)
    old = time.time() - STALE - 5
    os.utime(gone.note, (old, old))
    assert Presence(db, "KM").others() == []


async def test_opening_a_record_another_copy_is_editing_says_so(tmp_path: Path) -> None:
    db = _db(tmp_path)
    with Store.open(db, read_only=True) as s:
        aim = s.aims()[0]
    other = Presence(db, "SP")
    other.host = "LAPTOP-2"
    other.beat(editing=aim.id)
    app = PdsaApp(Store.open(db, user="KM"), db)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        app.editing_record(aim.id)  # what a form on that record does when it opens
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("SP (LAPTOP-2) is editing this record too" in m for m in notes)


def test_a_wrong_clock_does_not_make_every_note_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes are judged by the file system's clock: a machine 400 days ahead still sees them."""
    db = _db(tmp_path)
    laptop = Presence(db, "SP")
    laptop.host = "LAPTOP-2"
    laptop.beat(force=True)
    mine = Presence(db, "KM")
    mine.beat(force=True)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 400 * 86400)
    assert [(o.user, o.host) for o in mine.others()] == [("SP", "LAPTOP-2")]


def test_a_note_is_written_whole_but_not_flushed_to_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note matters only while its copy runs: no fsync holds up the first screen."""
    db = _db(tmp_path)
    synced: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    note = Presence(db, "KM")
    note.beat(force=True)
    assert synced == []
    assert [p.name for p in presence_dir(db).iterdir()] == [note.note.name]
    with Store.open(db) as store:  # a save still reaches the disk
        store.save(Aim(code="Aim 2", statement="Fewer moves"))
    assert synced
    note.leave()
