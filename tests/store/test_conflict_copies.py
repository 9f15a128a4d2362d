"""Sync services' conflict copies merge themselves (issue 20, item 3)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from pdsa_tui.model import Aim
from pdsa_tui.store import Store, copies

FAMILIES = [
    ("pace (Bob's conflicted copy 2026-12-06).json", "Dropbox for Bob"),
    ("pace-LAPTOP-7QK2.json", "OneDrive on LAPTOP-7QK2"),
    ("pace (1).json", "Google Drive"),
    ("pace.sync-conflict-20261206-101112-ABCDEF7.json", "Syncthing on ABCDEF7"),
    ("pace (conflicted copy 2026-12-06 101112).json", "Nextcloud"),
]


@pytest.fixture
def pace(tmp_path: Path) -> Path:
    db = tmp_path / "pace.json"
    with Store.open(db, create=True, user="SP") as s:
        s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
    return db


def _fork(db: Path, name: str, code: str) -> Path:
    """What a sync service leaves: the other machine's version under a conflict name."""
    copy = db.with_name(name)
    shutil.copyfile(db, copy)
    with Store.open(copy, user="laptop") as s:
        s.save(Aim(code=code, statement="saved on the other machine"))
    for extra in copy.parent.glob(f"{copy.name}.*"):  # its lock and backups: not synced
        shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
    return copy


@pytest.mark.parametrize(("name", "who"), FAMILIES)
def test_each_family_is_merged_kept_and_said(pace: Path, name: str, who: str) -> None:
    copy = _fork(pace, name, "Aim 2")
    with Store.open(pace, user="SP") as s:
        assert {a.code for a in s.aims()} == {"Aim 1", "Aim 2"}
        assert s.copy_notices == [f"Merged a conflicting copy made by {who}: 1 change, 0 conflicts"]
    assert not copy.exists()
    assert (copies.kept_dir(pace) / name).exists()  # kept, never deleted
    meta = json.loads(pace.read_bytes())["meta"]["1"]
    assert meta["merged_copies"][0]["file"] == name


def test_another_programmes_file_is_never_touched_whatever_its_name(
    pace: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere.json"
    with Store.open(other, create=True) as s:
        s.save(Aim(code="Other", statement="another programme"))
    lookalike = pace.with_name("pace (1).json")
    shutil.copyfile(other, lookalike)
    before = lookalike.read_bytes()
    with Store.open(pace) as s:
        assert [a.code for a in s.aims()] == ["Aim 1"]
        assert s.copy_notices == []
    assert lookalike.read_bytes() == before


def test_a_copy_with_an_ordinary_name_is_listed_not_merged(pace: Path) -> None:
    deliberate = _fork(pace, "pace-2019.json", "Aim 9")
    with Store.open(pace) as s:
        assert [a.code for a in s.aims()] == ["Aim 1"]
        assert copies.same_programme_files(pace, s.identity()) == [deliberate]


def test_cp_keeps_the_identity_and_older_copies_agree(pace: Path, tmp_path: Path) -> None:
    copied = tmp_path / "copied.json"
    shutil.copyfile(pace, copied)
    with Store.open(pace) as a, Store.open(copied) as b:
        assert a.identity() == b.identity()
    # An older file with no identity: two copies migrated apart agree on one.
    data = json.loads(pace.read_bytes())
    del data["meta"]["1"][copies.IDENTITY]
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(json.dumps(data))
    two.write_text(json.dumps(data))
    with Store.open(one) as a:
        a.save(Aim(code="only in one", statement="s"))
    with Store.open(two) as b:
        b.save(Aim(code="only in two", statement="s"))
    with Store.open(one, read_only=True) as a, Store.open(two, read_only=True) as b:
        assert a.identity() == b.identity()


def test_an_older_files_identity_is_derived_as_before() -> None:
    """The derived identity is blake2b of the creation stamp (12 bytes), as hashlib gives it:
    copies of one older file opened by earlier and later pdsa agree."""
    import hashlib

    data = {"meta": {"1": {"schema_version": 1, "created": "2025-01-02T03:04:05"}}}
    want = hashlib.blake2b(b"2025-01-02T03:04:05", digest_size=12).hexdigest()
    assert copies.identity_of(data) == "derived-" + want


def test_a_conflict_copy_is_merged_before_a_save_and_in_the_live_check(pace: Path) -> None:
    s = Store.open(pace, user="SP")
    _fork(pace, "pace-LAPTOP-7QK2.json", "Aim 2")
    s.refresh()  # the app's live check
    assert {a.code for a in s.aims()} == {"Aim 1", "Aim 2"}
    _fork(pace, "pace (1).json", "Aim 3")
    s.save(dataclasses.replace(s.aims()[0], statement="edited"))
    with Store.open(pace, read_only=True) as r:
        assert {a.code for a in r.aims()} == {"Aim 1", "Aim 2", "Aim 3"}
    assert len(s.copy_notices) == 2
