"""Attacks on the database file (issue 10): each was reproduced on main before it was fixed.

Symlinked databases, planted temp-file symlinks, read-only files and folders,
malformed files that used to open, backup leftovers, names that look like glob
patterns, and a fault injected into each I/O step of a save.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.cli import main
from pdsa_tui.model import Aim, DataPoint
from pdsa_tui.store import (
    ReadOnlyError,
    Store,
    UnreadableDatabaseError,
    WriteFailedError,
    access,
    list_backups,
    lock_path,
    lockfile,
)
from pdsa_tui.store import files as store_files
from pdsa_tui.store.files import backup_dir, daily_backup, fsync_dir, make_backup
from pdsa_tui.store.migrations import SCHEMA_VERSION, new_database


def snapshot(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_mode


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_line(err: str, *words: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pdsa: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def new_db(path: Path) -> Path:
    with Store.open(path, create=True) as s:
        s.save(Aim(code="Aim 1", statement="first"))
    return path


# -- 1. a symlinked database ------------------------------------------------------------------


def test_a_symlinked_database_is_saved_where_it_really_lives(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = new_db(tmp_path / "real" / "db.json")
    (tmp_path / "link").mkdir()
    link = tmp_path / "link" / "db.json"
    link.symlink_to(Path("..") / "real" / "db.json")
    with Store.open(link) as store:
        assert store.path == real
        store.save(Aim(code="Aim 2", statement="through the link"))
    assert link.is_symlink()  # the link is still a link...
    with Store.open(real, read_only=True) as again:  # ...and the real file got the write
        assert {a.code for a in again.aims()} == {"Aim 1", "Aim 2"}
    # Lock, backups and temp files beside the real file, none beside the link.
    assert sorted(p.name for p in (tmp_path / "link").iterdir()) == ["db.json"]
    assert lock_path(real).exists() and backup_dir(real).is_dir()


def test_two_links_to_one_file_share_one_lock_and_merge(tmp_path: Path) -> None:
    real = new_db(tmp_path / "db.json")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.symlink_to(real)
    b.symlink_to(real)
    with Store.open(a) as first, Store.open(b) as second:
        assert first.path == second.path == real
        first.save(Aim(code="Aim A", statement="s"))
        second.save(Aim(code="Aim B", statement="s"))
    assert a.is_symlink() and b.is_symlink()
    with Store.open(real, read_only=True) as check:
        assert {x.code for x in check.aims()} >= {"Aim A", "Aim B"}


# -- 6. temp files: exclusive, unpredictable; folders 0700 -----------------------------------------


def test_a_planted_temp_symlink_is_never_followed(tmp_path: Path) -> None:
    db = new_db(tmp_path / "db.json")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    with Store.open(db) as store:
        # Planted while the file is open: the old predictable names (this pid and around it).
        for pid in range(os.getpid() - 2, os.getpid() + 3):
            (tmp_path / f".db.json.{pid}.tmp").symlink_to(victim)
        store.save(Aim(code="Aim 2", statement="s"))
    assert victim.read_text() == "precious"
    with Store.open(db, read_only=True) as again:
        assert len(again.aims()) == 2


def test_temp_names_are_unpredictable_and_exclusive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    real = tempfile.mkstemp

    def spy(*args: Any, **kw: Any) -> tuple[int, str]:
        fd, name = real(*args, **kw)
        made.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    target = tmp_path / "f.json"
    store_files.atomic_write(target, b"1")
    store_files.atomic_write(target, b"2")
    assert len(set(made)) == 2 and all(str(os.getpid()) not in n for n in made)
    assert all(n.startswith(".f.json.") and n.endswith(".tmp") for n in made)


def test_folders_pdsa_creates_are_private_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In pdsa's own default folder; elsewhere a folder follows the umask, like any editor's."""
    monkeypatch.setattr(access, "private_folder", lambda: tmp_path / "new" / "deeper")
    old = os.umask(0)
    try:
        db = tmp_path / "new" / "deeper" / "db.json"
        with Store.open(db, create=True) as store:
            make_backup(store.path, "x")
    finally:
        os.umask(old)
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper", backup_dir(db)):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


# -- 5 and 8. read-only file, read-only folder -------------------------------------------------


def test_a_read_only_file_opens_read_only_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_db(tmp_path / "db.json")
    os.chmod(db, 0o444)
    before = snapshot(db)
    with Store.open(db) as store:
        assert store.read_only
        assert "the file is read-only" in store.read_only_reason
        with pytest.raises(ReadOnlyError, match="read-only"):
            store.save(Aim(code="Aim 2", statement="s"))
    status, _, err = cli(
        capsys, "data", "add", "--db", db, "--measure", "x", "--date", "1/1/2020", "--value", "1"
    )
    assert status == 1
    one_line(err, "read-only")
    status, out, _ = cli(capsys, "list", "aims", "--db", db)
    assert status == 0 and "Aim 1" in out
    assert snapshot(db) == before
    assert not backup_dir(db).exists()  # not even the day's backup was written


def test_a_read_only_folder_opens_read_only_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    db = new_db(folder / "db.json")
    lock_path(db).unlink()
    shutil.rmtree(backup_dir(db), ignore_errors=True)
    os.chmod(folder, 0o555)
    try:
        before = snapshot(db)
        with Store.open(db) as store:
            assert store.read_only
            assert f"its folder {folder} is read-only" in store.read_only_reason
        status, _, err = cli(capsys, "check", "--db", db)
        assert status == 0, err
        assert sorted(p.name for p in folder.iterdir()) == ["db.json"]
        assert snapshot(db) == before
    finally:
        os.chmod(folder, 0o755)


def test_a_lock_that_cannot_be_made_opens_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a non-root user sees in a folder they cannot write: no traceback from the lock."""
    db = new_db(tmp_path / "db.json")

    def denied(self: Any, *a: Any, **kw: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(lock_path(db)))

    monkeypatch.setattr(lockfile.FileLock, "acquire", denied)
    with Store.open(db) as store:
        assert store.read_only
        assert (
            "lock file" in store.read_only_reason and "Permission denied" in store.read_only_reason
        )


# -- 4 and 7. malformed files that used to open --------------------------------------------------


def _malformed(kind: str) -> dict[str, Any]:
    data = new_database("2020-01-01T00:00:00+00:00")
    aim = {"id": "a1", "code": "Aim 1", "statement": "s", "created": "c", "updated": "u"}
    measure = {
        "id": "m1", "aim_id": "a1", "name": "M", "created": "c", "updated": "u",
        "points": [{"id": "p1", "date": "2020-01-01", "value": 1.0}],
    }  # fmt: skip
    data["aims"] = {"1": aim}
    data["measures"] = {"1": measure}
    if kind == "keys 1 and 01":
        data["aims"]["01"] = {**aim, "id": "a3", "code": "Aim 3"}
    elif kind == "key ²":
        data["aims"] = {"²": aim}
    elif kind == "two records, one id":
        data["aims"]["2"] = {**aim, "code": "Aim 2"}
    elif kind == "two points, one id":
        measure["points"].append({"id": "p1", "date": "2020-02-01", "value": 2.0})
    elif kind == "schema_version true":
        data["meta"]["1"]["schema_version"] = True
    return data


MALFORMED = {
    "keys 1 and 01": "has a key that is not a number",
    "key ²": "has a key that is not a number",
    "two records, one id": "records 1 and 2 of table 'aims' share id a1",
    "two points, one id": "points 1 and 2 share id p1",
    "schema_version true": "no valid schema_version",
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_malformed_files_are_refused_by_open_and_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    db = tmp_path / "db.json"
    db.write_text(json.dumps(_malformed(kind)), encoding="utf-8")
    before = snapshot(db)
    for read_only in (False, True):
        with pytest.raises(UnreadableDatabaseError, match=MALFORMED[kind]):
            Store.open(db, read_only=read_only)
    for argv in (["check"], ["list", "aims"], ["data", "list", "--measure", "M"]):
        status, out, err = cli(capsys, *argv, "--db", db)
        assert status == 1 and out == ""
        one_line(err, MALFORMED[kind], "The file has not been changed")
    assert snapshot(db) == before


def test_the_well_formed_twin_still_opens(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_text(json.dumps(_malformed("none")), encoding="utf-8")
    with Store.open(db) as store:
        assert [a.code for a in store.aims()] == ["Aim 1"]
        store.measure_data.add_point(
            store.find_measure("M"), DataPoint(date=dt.date(2020, 3, 1), value=3)
        )


# -- 13. backup leftovers and names that look like patterns -----------------------------------


def test_stale_backup_temp_files_are_cleaned_on_open(tmp_path: Path) -> None:
    db = new_db(tmp_path / "team[1].json")
    folder = backup_dir(db)
    folder.mkdir(exist_ok=True)
    stale = folder / ".team[1].daily-2020-01-01.json.abc123.tmp"
    stale.write_bytes(b"x" * 100_000)  # what a kill during a backup leaves
    beside = tmp_path / ".team[1].json.k3j2h1.tmp"
    beside.write_bytes(b'{"half": ')
    other = tmp_path / ".teamX.json.k3j2h1.tmp"  # another database's: not ours to delete
    other.write_bytes(b"")
    with Store.open(db):
        pass
    assert not stale.exists() and not beside.exists()
    assert other.exists()


def test_rotation_works_for_a_name_with_brackets(tmp_path: Path) -> None:
    db = new_db(tmp_path / "team[1].json")
    for i in range(5):
        daily_backup(db, today=dt.date(2020, 1, 1) + dt.timedelta(days=i), keep=3)
    names = sorted(p.name for p in list_backups(db))
    assert names == [f"team[1].daily-2020-01-0{d}.n00000{d}.json" for d in (3, 4, 5)]


# -- the fault-injection test: each I/O step of a save fails in turn -----------------------------


class _Fail:
    """Fail the ``after``+1-th call of ``os.<name>`` as seen by the store's file code."""

    def __init__(self, name: str, after: int, code: int) -> None:
        self.name, self.after, self.code, self.calls = name, after, code, 0

    def __getattr__(self, attr: str) -> Any:
        real = getattr(os, attr)
        if attr != self.name:
            return real

        def maybe_fail(*args: Any, **kw: Any) -> Any:
            self.calls += 1
            if self.calls > self.after:
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kw)

        return maybe_fail


STEPS = {
    # step: (what to break, which call, errno, the words of the message)
    "open": ("mkstemp", 0, errno.EACCES, "creating a temporary file beside it"),
    "write": ("write", 0, errno.ENOSPC, "writing"),
    "fsync": ("fsync", 0, errno.EIO, "flushing it to the disk"),
    "rename": ("replace", 0, errno.EXDEV, "replacing the file"),
    "directory fsync": ("fsync", 1, errno.EIO, "flushing the folder to the disk"),
}


@pytest.mark.parametrize("step", STEPS)
def test_each_step_of_a_save_failing_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    db = new_db(tmp_path / "db.json")
    os.chmod(db, 0o640)
    store = Store.open(db)
    try:
        before = snapshot(db)
        name, after, code, words = STEPS[step]
        if name == "mkstemp":

            def no_temp(*a: Any, **kw: Any) -> Any:
                raise OSError(code, os.strerror(code))

            monkeypatch.setattr(tempfile, "mkstemp", no_temp)
        else:
            monkeypatch.setattr(store_files, "os", _Fail(name, after, code))
        with pytest.raises(WriteFailedError) as info:
            store.save(Aim(code="Aim 2", statement="lost"))
        monkeypatch.undo()
        assert str(info.value) == (
            f"Could not save to {db} while {words}: {os.strerror(code)}. "
            "The file still holds your last successful save."
        )
        assert snapshot(db) == before
        assert temps(tmp_path) == []
        assert [a.code for a in store.aims()] == ["Aim 1"]  # memory is what is on disk
        store.save(Aim(code="Aim 3", statement="after the fault"))  # and saving works again
    finally:
        store.close()
    with Store.open(db, read_only=True) as again:
        assert [a.code for a in again.aims()] == ["Aim 1", "Aim 3"]


def test_a_failing_backup_copy_leaves_the_file_and_no_half_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_db(tmp_path / "db.json")
    assert not backup_dir(db).exists()  # a new file: the next open makes the day's backup
    before = snapshot(db)

    def full(*a: Any, **kw: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_files.shutil, "copyfileobj", full)
    status, _, err = cli(
        capsys, "data", "add", "--db", db, "--measure", "M", "--date", "1/1/2020", "--value", "1"
    )
    assert status == 1
    one_line(
        err,
        "could not make its backup",
        "No space left on device",
        "Free some space",
        "The file has not been changed",
    )
    assert snapshot(db) == before
    assert temps(backup_dir(db)) == [] and list_backups(db) == []


def test_fsync_of_the_folder_reports_errors_but_not_unsupported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for code, raises in ((errno.EIO, True), (errno.EINVAL, False)):
        monkeypatch.setattr(store_files, "os", _Fail("fsync", 0, code))
        if raises:
            with pytest.raises(OSError, match="Input/output error"):
                fsync_dir(tmp_path)
        else:
            fsync_dir(tmp_path)
        monkeypatch.undo()


# -- 14. messages ----------------------------------------------------------------------------------


def test_check_names_the_files_own_schema_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = new_database("2020-01-01T00:00:00+00:00")
    data["meta"]["1"]["schema_version"] = 1
    db = tmp_path / "v1.json"
    db.write_text(json.dumps(data), encoding="utf-8")
    status, out, err = cli(capsys, "check", "--db", db)
    assert status == 0, err
    assert f"schema version 1 (pdsa upgrades it to {SCHEMA_VERSION}" in out


def test_cli_save_errors_do_not_promise_kept_typing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db.json"
    cli(capsys, "demo", db)
    Store.open(db).close()  # the day's backup
    monkeypatch.setattr(store_files, "os", _Fail("write", 0, errno.ENOSPC))
    status, _, err = cli(
        capsys,
        "data",
        "add",
        "--db",
        db,
        "--measure",
        "Weeks from agency decision",
        "--date",
        "1/1/2031",
        "--value",
        "1",
    )
    assert status == 1
    line = one_line(err, "No space left on device", "last successful save")
    assert "typed" not in line


def test_export_to_an_empty_name_or_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "db.json"
    cli(capsys, "demo", db)
    monkeypatch.chdir(tmp_path)
    status, _, err = cli(capsys, "export", "--db", db, "--all", "--format", "md", "-o", "")
    assert status == 2
    one_line(err, "-o needs a file name")
    status, out, err = cli(capsys, "export", "--db", db, "--all", "--format", "md", "-o", "-")
    assert status == 0, err
    assert out.startswith("#") and "Aim 1" in out
    assert not (tmp_path / "-").exists()
