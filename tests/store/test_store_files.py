"""The file itself: permissions, unreadable files untouched, migration, backups, atomic writes."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import filelock
import pytest

from pdsa_tui.model import Aim, Cycle, Task
from pdsa_tui.store import (
    SCHEMA_VERSION,
    NewerSchemaError,
    Store,
    UnreadableDatabaseError,
    access,
    atomic_write,
    list_backups,
    load_file,
    lock_path,
    newest_backup,
)
from pdsa_tui.store import files as store_files
from pdsa_tui.store.files import KEEP_BACKUPS, backup_dir, daily_backup, make_backup
from pdsa_tui.store.migrations import new_database

D = dt.date
UNCHANGED = "The file has not been changed."


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_size


# -- permissions -----------------------------------------------------------------------


def test_new_database_backups_and_lock_are_private(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pdsa's own default folder stays owner-only, whatever the umask."""
    monkeypatch.setattr(access, "private_folder", lambda: tmp_db.parent)
    old = os.umask(0o022)
    try:
        with Store.open(tmp_db, create=True):
            pass
        assert list_backups(tmp_db) == []  # a file just created is not worth a backup
        with Store.open(tmp_db):
            pass
    finally:
        os.umask(old)
    assert mode(tmp_db) == 0o600
    assert mode(lock_path(tmp_db)) == 0o600
    assert mode(backup_dir(tmp_db)) == 0o700
    backups = list_backups(tmp_db)
    assert len(backups) == 1
    assert mode(backups[0]) == 0o600


def test_a_database_elsewhere_follows_the_umask_and_so_does_all_beside_it(tmp_db: Path) -> None:
    """Outside pdsa's own folder a new file follows the folder, like any editor's."""
    old = os.umask(0o002)
    try:
        with Store.open(tmp_db, create=True):
            pass
        with Store.open(tmp_db) as s:
            s.save(Aim(code="A", statement="s"))
    finally:
        os.umask(old)
    assert mode(tmp_db) == 0o664
    assert mode(lock_path(tmp_db)) == 0o664
    assert mode(backup_dir(tmp_db)) & 0o777 == 0o775
    assert [mode(b) for b in list_backups(tmp_db)] == [0o664]


def test_files_beside_take_the_databases_mode_set_by_hand(tmp_db: Path) -> None:
    """Made 0660 by hand, the lock file and backups follow at the next open."""
    old = os.umask(0o077)
    try:
        with Store.open(tmp_db, create=True):
            pass
        assert mode(tmp_db) == 0o600 and mode(lock_path(tmp_db)) == 0o600
        os.chmod(tmp_db, 0o660)
        with Store.open(tmp_db) as s:
            s.save(Aim(code="A", statement="s"))
    finally:
        os.umask(old)
    assert mode(tmp_db) == 0o660
    assert mode(lock_path(tmp_db)) == 0o660
    assert mode(backup_dir(tmp_db)) & 0o777 == 0o770
    assert [mode(b) for b in list_backups(tmp_db)] == [0o660]


def test_saving_keeps_a_chosen_mode(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    os.chmod(tmp_db, 0o640)
    with Store.open(tmp_db) as s:
        s.save(Aim(code="A", statement="s"))
    assert mode(tmp_db) == 0o640


# -- unreadable files: an error naming the file, the file untouched ---------------------------

FOREIGN_TINYDB = {"_default": {"1": {"name": "shopping", "qty": 2}}}

BAD_FILES: list[tuple[str, bytes, str]] = [
    (
        "truncated",
        json.dumps(new_database("2019-01-01"))[:40].encode(),
        "it is not valid JSON (line 1, column 32: Unterminated string starting at); "
        "it may have been cut short or edited by hand.",
    ),
    ("empty", b"", "it is empty (0 bytes)"),
    ("whitespace", b"  \n\t\n", "it holds only blank space"),
    (
        "binary",
        bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0x00]),
        "it is not a text file (byte 0 is not UTF-8)",
    ),
    ("nul-junk", b"\x00" * 64, "it is not valid JSON"),
    (
        "foreign-tinydb",
        json.dumps(FOREIGN_TINYDB).encode(),
        "it is JSON but not a pdsa database (it has no pdsa 'meta' record)",
    ),
    (
        "json-list",
        b"[1, 2, 3]",
        "it is JSON but not a pdsa database (the top level is not an object)",
    ),
    (
        "json-string",
        b'"pdsa"',
        "it is JSON but not a pdsa database (the top level is not an object)",
    ),
    (
        "missing-meta",
        json.dumps({"aims": {}, "cycles": {}}).encode(),
        "it is JSON but not a pdsa database (it has no pdsa 'meta' record)",
    ),
    (
        "other-app-meta",
        json.dumps({"meta": {"1": {"app": "other", "schema_version": 1}}}).encode(),
        "it is JSON but not a pdsa database (it has no pdsa 'meta' record)",
    ),
    (
        "bad-version",
        json.dumps({"meta": {"1": {"app": "pdsa", "schema_version": "two"}}}).encode(),
        "its pdsa 'meta' record has no valid schema_version",
    ),
    (
        "record-without-id",
        json.dumps({**new_database("x"), "aims": {"1": {"code": "A"}}}).encode(),
        "record 1 of table 'aims' has no id",
    ),
    (
        "table-not-object",
        json.dumps({**new_database("x"), "aims": [1]}).encode(),
        "table 'aims' is not an object",
    ),
    (
        "deep-nesting",
        b"[" * 100_000 + b"]" * 100_000,
        "it is not a pdsa database (its JSON is nested too deeply)",
    ),
]


@pytest.mark.parametrize(
    ("content", "problem"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
@pytest.mark.parametrize("how", ["write", "create", "read_only", "fallback"])
def test_unreadable_file_is_reported_and_untouched(
    tmp_db: Path, content: bytes, problem: str, how: str
) -> None:
    tmp_db.write_bytes(content)
    os.chmod(tmp_db, 0o644)
    before = snapshot(tmp_db)
    kwargs = {
        "write": {},
        "create": {"create": True},
        "read_only": {"read_only": True},
        "fallback": {"fallback_read_only": True},
    }[how]
    with pytest.raises(UnreadableDatabaseError) as info:
        Store.open(tmp_db, **kwargs)
    err = info.value
    assert not isinstance(err, NewerSchemaError)
    msg = str(err)
    assert msg.startswith(f"{tmp_db}: {problem}")
    assert UNCHANGED in msg
    assert msg.endswith("No backup of it was found beside it.")
    assert err.path == tmp_db and err.backup is None
    assert snapshot(tmp_db) == before
    assert mode(tmp_db) == 0o644
    assert not backup_dir(tmp_db).exists()
    assert [p.name for p in tmp_db.parent.iterdir() if p.name != tmp_db.name] in (
        [],
        [lock_path(tmp_db).name],
    )
    # The lock was let go: a writer can take it.
    lock = filelock.FileLock(str(lock_path(tmp_db)), timeout=0)
    lock.acquire()
    lock.release()


def test_folder_in_place_of_the_file(tmp_db: Path) -> None:
    tmp_db.mkdir()
    with pytest.raises(UnreadableDatabaseError, match="it is a folder, not a file"):
        Store.open(tmp_db, create=True)
    assert tmp_db.is_dir() and list(tmp_db.iterdir()) == []


def newer(version: int = SCHEMA_VERSION + 1, **tables: Any) -> bytes:
    data = new_database("2030-01-01")
    data["meta"]["1"]["schema_version"] = version
    data.update(tables)
    return json.dumps(data).encode()


@pytest.mark.parametrize("how", [{}, {"create": True}, {"read_only": True}])
def test_newer_schema_is_refused_and_untouched(tmp_db: Path, how: dict[str, bool]) -> None:
    tmp_db.write_bytes(newer())
    before = snapshot(tmp_db)
    with pytest.raises(NewerSchemaError) as info:
        Store.open(tmp_db, **how)
    assert str(info.value) == (
        f"{tmp_db}: it was written by a newer pdsa (schema version {SCHEMA_VERSION + 1}; this pdsa "
        f"reads up to {SCHEMA_VERSION}); upgrade pdsa to open it. {UNCHANGED} "
        "No backup of it was found beside it."
    )
    assert snapshot(tmp_db) == before
    assert not backup_dir(tmp_db).exists()


def test_newer_schema_with_unfamiliar_tables_still_says_newer(tmp_db: Path) -> None:
    """A newer version may lay tables out differently: the user must hear 'upgrade', not 'bad'."""
    tmp_db.write_bytes(newer(aims=[{"code": "A"}], cycles={"1": {"no": "id"}}))
    before = snapshot(tmp_db)
    with pytest.raises(NewerSchemaError, match="written by a newer pdsa"):
        Store.open(tmp_db)
    assert snapshot(tmp_db) == before


def test_error_names_the_newest_backup(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    with Store.open(tmp_db):  # the first open of an existing file makes today's backup
        pass
    daily = list_backups(tmp_db)
    assert len(daily) == 1
    good = tmp_db.read_bytes()
    tmp_db.write_bytes(good[: len(good) // 2])
    before = snapshot(tmp_db)
    with pytest.raises(UnreadableDatabaseError) as info:
        Store.open(tmp_db, create=True)
    assert info.value.backup == daily[0]
    assert str(info.value).endswith(
        f"{UNCHANGED} The newest backup is {daily[0]}; to restore it, copy it over {tmp_db}."
    )
    assert snapshot(tmp_db) == before
    assert list_backups(tmp_db) == daily
    # Following the advice works.
    tmp_db.write_bytes(daily[0].read_bytes())
    with Store.open(tmp_db) as s:
        assert s.problems() == []


def test_newer_schema_names_backup(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    with Store.open(tmp_db):
        pass
    tmp_db.write_bytes(newer())
    with pytest.raises(NewerSchemaError) as info:
        load_file(tmp_db)
    assert info.value.backup == newest_backup(tmp_db)
    assert "The newest backup is" in str(info.value)


# -- migration v1 -> v2 -------------------------------------------------------------------


def v1_file() -> bytes:
    data = new_database("2019-01-01T00:00:00+00:00")
    data["meta"]["1"]["schema_version"] = 1
    idea = {"id": "idea-1", "aim_id": "aim-1", "title": "t", "lead": "TL"}
    aim = {"id": "aim-1", "code": "Aim 1", "statement": "s"}
    cycle = {
        "id": "cyc-1",
        "idea_id": "idea-1",
        "number": 1,
        "objective": "o",
        "tasks": "Book the meeting\n\n  Send letters  \n",
    }
    empty_tasks = {"id": "cyc-2", "idea_id": "idea-1", "number": 2, "objective": "p", "tasks": ""}
    data["aims"] = {"1": aim}
    data["ideas"] = {"1": idea}
    data["cycles"] = {"1": cycle, "2": empty_tasks}
    return json.dumps(data, indent=1).encode()


def test_migration_v1_to_v2_backs_up_first(tmp_db: Path) -> None:
    original = v1_file()
    tmp_db.write_bytes(original)
    with Store.open(tmp_db) as s:
        cycle = s.get(Cycle, "cyc-1")
        assert cycle.tasks == [Task(what="Book the meeting"), Task(what="Send letters")]
        assert s.get(Cycle, "cyc-2").tasks == []
        assert s.problems() == []
    pre = [p for p in list_backups(tmp_db) if ".pre-migration-v1-" in p.name]
    assert len(pre) == 1
    assert pre[0].read_bytes() == original
    assert mode(pre[0]) == mode(tmp_db)  # as private as the file
    data = json.loads(tmp_db.read_bytes())
    assert data["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert data["cycles"]["1"]["tasks"] == [
        {"who": "", "what": "Book the meeting", "when": "", "where": ""},
        {"who": "", "what": "Send letters", "when": "", "where": ""},
    ]
    # Opening again does not migrate (or back up for migration) again.
    with Store.open(tmp_db):
        pass
    assert len([p for p in list_backups(tmp_db) if "pre-migration" in p.name]) == 1


def test_read_only_open_of_v1_migrates_in_memory_only(tmp_db: Path) -> None:
    original = v1_file()
    tmp_db.write_bytes(original)
    before = snapshot(tmp_db)
    with Store.open(tmp_db, read_only=True) as s:
        assert s.get(Cycle, "cyc-1").tasks[1] == Task(what="Send letters")
    assert snapshot(tmp_db) == before
    assert not backup_dir(tmp_db).exists()


def test_migration_failure_to_back_up_leaves_v1(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = v1_file()
    tmp_db.write_bytes(original)

    def no_backup(path: Path, label: str) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("pdsa_tui.store.opening.make_backup", no_backup)
    with pytest.raises(OSError, match="No space left"):
        Store.open(tmp_db)
    assert tmp_db.read_bytes() == original
    monkeypatch.undo()
    with Store.open(tmp_db) as s:  # the lock was released
        assert s.get(Cycle, "cyc-1").tasks[0].what == "Book the meeting"


# -- backups ---------------------------------------------------------------------------


def test_daily_backup_once_a_day(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    first = daily_backup(tmp_db, today=D(2019, 3, 1))
    assert first is not None
    assert first.name == "pdsa.daily-2019-03-01.n000001.json"  # the day, and the count
    assert first.parent == tmp_db.parent / "pdsa.json.backups"
    assert first.read_bytes() == tmp_db.read_bytes()
    assert mode(first) == mode(tmp_db)  # as private as the file
    with Store.open(tmp_db) as s:
        s.save(Aim(code="A", statement="s"))
    assert daily_backup(tmp_db, today=D(2019, 3, 1)) is None  # already made today
    assert first.read_bytes() != tmp_db.read_bytes()  # and not overwritten
    second = daily_backup(tmp_db, today=D(2019, 3, 2))
    assert second is not None and second.read_bytes() == tmp_db.read_bytes()


def test_store_open_makes_todays_backup_once(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    assert list_backups(tmp_db) == []
    with Store.open(tmp_db):
        pass
    with Store.open(tmp_db):
        pass
    names = [p.name for p in list_backups(tmp_db)]
    assert names == [f"pdsa.daily-{dt.date.today().isoformat()}.n000001.json"]


def test_daily_backups_rotate_to_ten(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    pre = make_backup(tmp_db, "pre-migration-v1-20190101-000000")
    start = D(2019, 1, 28)
    for i in range(13):
        assert daily_backup(tmp_db, today=start + dt.timedelta(days=i)) is not None
    dailies = sorted(p.name for p in backup_dir(tmp_db).glob("pdsa.daily-*.json"))
    assert KEEP_BACKUPS == 10
    expected = [
        f"pdsa.daily-{(start + dt.timedelta(days=i)).isoformat()}.n{i + 1:06d}.json"
        for i in range(3, 13)
    ]
    assert dailies == expected  # the newest 10 made
    assert pre.exists()  # migration backups are never rotated away
    assert not [p for p in backup_dir(tmp_db).iterdir() if p.name.endswith(".tmp")]


def test_rotation_with_explicit_keep(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text("{}")
    for i in range(5):
        daily_backup(path, today=D(2020, 2, 27) + dt.timedelta(days=i), keep=3)
    names = sorted(p.name for p in list_backups(path))
    assert names == [
        "db.daily-2020-02-29.n000003.json",
        "db.daily-2020-03-01.n000004.json",
        "db.daily-2020-03-02.n000005.json",
    ]


def test_a_clock_years_ahead_never_prunes_the_real_backups(tmp_path: Path) -> None:
    """Issue 20: a copy 10 years ahead opening the file on 10 days pruned every real one."""
    path = tmp_path / "db.json"
    path.write_text("{}")
    real = D(2026, 11, 27)
    for i in range(10):
        daily_backup(path, today=real + dt.timedelta(days=i))
    for i in range(10):  # the real copy and the wrong clock open it on the same days
        daily_backup(path, today=real + dt.timedelta(days=10 + i))
        daily_backup(path, today=D(2036, 12, 6) + dt.timedelta(days=i))
    names = [p.name for p in list_backups(path)]
    assert len(names) == 10
    assert sum(n.startswith("db.daily-2026") for n in names) == 5  # the newest real ones stay


def test_old_backups_go_a_few_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_text("{}")
    for i in range(12):
        daily_backup(path, today=D(2020, 1, 1) + dt.timedelta(days=i), keep=12)
    daily_backup(path, today=D(2020, 2, 1), keep=3)
    assert len(list_backups(path)) == 11  # 13 made, 2 gone: never all at once


def test_list_and_newest_backup(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    assert list_backups(path) == [] and newest_backup(path) is None
    path.write_text("{}")
    old = make_backup(path, "a")
    new = make_backup(path, "b")
    os.utime(old, ns=(1_000_000_000, 1_000_000_000))
    (backup_dir(path) / "notes.txt").write_text("not a backup")
    assert list_backups(path) == [new, old]
    assert newest_backup(path) == new


# -- atomic_write --------------------------------------------------------------------------


def test_atomic_write_new_file_private(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert mode(target) == 0o600
    other = tmp_path / "g.json"
    atomic_write(other, b"x", mode=0o640)
    assert mode(other) == 0o640


def test_atomic_write_keeps_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"new" * 1000
    assert mode(target) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


class _FailingOS:
    def __init__(self, name: str, after: int = 0) -> None:
        self.name, self.after, self.calls = name, after, 0

    def __getattr__(self, attr: str) -> Any:
        real = getattr(os, attr)
        if attr != self.name:
            return real

        def maybe_fail(*args: Any, **kw: Any) -> Any:
            self.calls += 1
            if self.calls > self.after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kw)

        return maybe_fail


@pytest.mark.parametrize(
    ("call", "after"), [("write", 0), ("write", 1), ("fsync", 0), ("fchmod", 0), ("replace", 0)]
)
def test_atomic_write_failure_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, after: int
) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"previous save")
    os.chmod(target, 0o644)
    before = snapshot(target)
    real_write = os.write
    if call == "write" and after:
        # Short writes force a second os.write call, which then fails.
        monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:10])))
    failing = _FailingOS(call, after)
    monkeypatch.setattr(store_files, "os", failing)
    with pytest.raises(OSError, match="No space left on device"):
        atomic_write(target, b"x" * 100)
    assert failing.calls == after + 1
    monkeypatch.undo()
    assert snapshot(target) == before
    assert mode(target) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.json"]


def test_atomic_write_handles_short_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.json"
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    atomic_write(target, bytes(range(256)) * 3)
    monkeypatch.undo()
    assert target.read_bytes() == bytes(range(256)) * 3


def test_stale_temp_files_are_removed_on_open(tmp_db: Path) -> None:
    with Store.open(tmp_db, create=True):
        pass
    stale = tmp_db.parent / f".{tmp_db.name}.99999.tmp"
    stale.write_bytes(b'{"half": ')
    with Store.open(tmp_db, read_only=True):
        pass
    assert stale.exists()  # a reader never deletes anything
    with Store.open(tmp_db):
        pass
    assert not stale.exists()
