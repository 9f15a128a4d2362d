"""Opening for writing reads the file once when no other copy changed it meanwhile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Aim
from pdsa_tui.store import Store, UnreadableDatabaseError
from pdsa_tui.store import opening as opening_module


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    real = opening_module.read_file

    def counted(path: Path) -> bytes:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(opening_module, "read_file", counted)
    return reads


def test_an_unchanged_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "demo.json"
    write_demo(db)
    reads = _count_reads(monkeypatch)
    with Store.open(db) as store:
        assert not store.read_only and store.aims()
    assert len(reads) == 1


def test_a_file_changed_in_place_during_the_open_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written over in place (same inode, as an editor may): its times change; read again."""
    db = tmp_path / "demo.json"
    write_demo(db)
    with Store.open(db, user="other") as other:
        added = other.save(Aim(code="Aim 9", statement="saved while the file was opened"))
        newer = db.read_bytes()
    with Store.open(db) as store:
        store.delete(store.get(Aim, added.id))
    older = db.read_bytes()
    real = opening_module.read_file
    reads: list[Path] = []

    def read_then_changed_in_place(path: Path) -> bytes:
        raw = real(path)
        if not reads:
            st = os.stat(path)
            with open(path, "r+b") as f:  # same inode, new bytes
                f.write(newer)
                f.truncate()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        reads.append(path)
        return raw

    assert older != newer
    monkeypatch.setattr(opening_module, "read_file", read_then_changed_in_place)
    with Store.open(db) as opened:
        assert opened.lookup(Aim, added.id) is not None
    assert len(reads) == 2


def test_a_number_of_too_many_digits_is_refused_in_words(tmp_path: Path) -> None:
    """json refuses an integer of over 4,300 digits with a ValueError: said, not raised."""
    path = tmp_path / "p.json"
    write_demo(path)
    raw = path.read_bytes()
    at = raw.index(b'"number":') + len(b'"number":')
    end = raw.index(b",", at)
    path.write_bytes(raw[:at] + b"9" * 5000 + raw[end:])
    with pytest.raises(UnreadableDatabaseError) as refused:
        Store.open(path, read_only=True)
    assert "a whole number of more than 4,300 digits" in str(refused.value)
