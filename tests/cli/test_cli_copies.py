"""`pdsa check` names a sync service's conflict copy waiting beside the file.

Seen in the two-account trial: Bob ran `pdsa check` on a file with a Syncthing conflict
copy beside it (nobody had opened the file to write since the service made it); it said
"OK" and nothing else, so the other machine's edits sat unseen until the next open.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_cli import run

from pdsa_tui.model import Aim
from pdsa_tui.store import Store

COPY = "pace.sync-conflict-20261206-183034-BOBPC02.json"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pace.json"
    with Store.open(path, create=True, user="SP") as s:
        s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
    return path


def test_check_names_a_conflict_copy_waiting_to_be_merged(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    copy = db.with_name(COPY)
    shutil.copyfile(db, copy)
    with Store.open(copy, user="Bob") as s:
        s.save(Aim(code="Aim 2", statement="saved on Bob's machine"))
    (db.parent / f"{COPY}.lock").unlink(missing_ok=True)
    r = run(capsys, "check", "--db", db)
    assert r.status == 0, r.err
    out = " ".join(r.out.split())
    assert f"A conflicting copy made by Syncthing on BOBPC02 waits to be merged: {COPY}" in out, out
    assert "pdsa merges it when it next opens this file to write" in out
    assert copy.exists()  # check never merges or moves it


def test_another_programmes_file_with_a_conflict_name_is_not_named(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "other.json"
    with Store.open(other, create=True) as s:
        s.save(Aim(code="X", statement="another programme"))
    shutil.copyfile(other, db.with_name(COPY))
    r = run(capsys, "check", "--db", db)
    assert r.status == 0 and "conflicting copy" not in r.out
