"""A file caught half-written by a sync client that writes in place, as pdsa opens it.

Seen in the two-account trial: a 15 MB programme, half of it delivered, the rest a few
seconds later. The app refused to start and the message advised copying a backup over
the file (which would have thrown away the version arriving). An open now waits a few
seconds for a file that changed just now to become whole; one that stays broken is
refused with a word about sync services, and an old broken file at once, as before.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pdsa_tui.model import Aim
from pdsa_tui.store import Store, opening
from pdsa_tui.store.errors import UnreadableDatabaseError


@pytest.fixture
def whole(tmp_path: Path) -> bytes:
    """A programme's bytes (one aim), saved once."""
    db = tmp_path / "pace.json"
    with Store.open(db, create=True, user="SP") as s:
        s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
    return db.read_bytes()


def _half(db: Path, raw: bytes) -> None:
    """What a sync client writing in place has written so far, just now."""
    with open(db, "r+b") as f:
        f.truncate(0)
        f.write(raw[: len(raw) // 2])
    # "Just now" by the clock pdsa reads: under a shifted clock (faketime, a year on) the
    # kernel's stamp would otherwise be a year old.
    now = time.time()
    os.utime(db, (now, now))


@pytest.mark.parametrize("read_only", [False, True])
def test_an_open_waits_for_a_file_being_written(
    tmp_path: Path, whole: bytes, read_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening, "STILL", 3.0)  # the writer pauses; the suite's is shorter
    db = tmp_path / "pace.json"
    _half(db, whole)

    def rest() -> None:
        time.sleep(0.3)
        with open(db, "ab") as f:
            f.write(whole[len(whole) // 2 :])

    writer = threading.Thread(target=rest)
    writer.start()
    try:
        with Store.open(db, read_only=read_only) as s:
            assert [a.code for a in s.aims()] == ["Aim 1"]
    finally:
        writer.join()


def test_a_file_that_stays_half_written_is_refused_with_a_word_about_sync(
    tmp_path: Path, whole: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening, "STILL", 0.3)
    db = tmp_path / "pace.json"
    _half(db, whole)
    with pytest.raises(UnreadableDatabaseError) as got:
        Store.open(db)
    said = str(got.value)
    assert "it is not valid JSON" in said
    assert "a sync service may still be bringing it" in said
    assert db.read_bytes() == whole[: len(whole) // 2]  # never written over


def test_an_old_broken_file_is_refused_at_once_as_before(
    tmp_path: Path, whole: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opening, "STILL", 60.0)  # would be seen if it waited
    db = tmp_path / "pace.json"
    _half(db, whole)
    old = time.time() - 3600
    os.utime(db, (old, old))
    with pytest.raises(UnreadableDatabaseError) as got:
        Store.open(db)
    assert "sync service" not in str(got.value)


def test_an_open_copy_says_a_half_written_file_may_be_arriving_then_takes_it_in(
    tmp_path: Path, whole: bytes
) -> None:
    db = tmp_path / "pace.json"
    open_copy = Store.open(db, user="SP")
    with Store.open(db, user="Bob") as other:  # the version the sync client brings
        other.save(Aim(code="Aim 2", statement="from the other machine"))
    arriving = db.read_bytes()
    _half(db, arriving)
    with pytest.raises(UnreadableDatabaseError) as got:
        open_copy.refresh()
    assert "a sync service may still be bringing it" in str(got.value)
    with open(db, "ab") as f:
        f.write(arriving[len(arriving) // 2 :])
    assert open_copy.refresh().added == 1
    assert {a.code for a in open_copy.aims()} == {"Aim 1", "Aim 2"}
