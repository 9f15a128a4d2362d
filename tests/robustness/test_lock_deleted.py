"""A deleted or replaced lock file loses nothing (issue 20, item 2).

A sync tool or a tidy user deletes ``pace.json.lock`` while a copy saves: another
copy makes a new lock file and saves too. Each save must still end with both
copies' work in the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.model import Aim
from pdsa_tui.store import Store, lock_path, lockfile
from pdsa_tui.store import files as store_files


def _codes(path: Path) -> set[str]:
    with Store.open(path, read_only=True) as s:
        return {a.code for a in s.aims()}


def test_a_save_made_while_another_writes_with_its_lock_deleted_is_kept(
    tmp_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slow-disk repro: A writes slowly, the lock goes, B saves and is told 'saved'.

    Where the folder can be locked, B simply waits for A; this is the file system where
    it cannot (some network shares), so only the lock file and the checks stand.
    """
    monkeypatch.setattr(lockfile.FileLock, "_lock_folder", lambda self, deadline: None)
    Store.open(tmp_db, create=True).close()
    a = Store.open(tmp_db, user="A")
    b = Store.open(tmp_db, user="B")
    real = store_files.tempfile.mkstemp
    calls = {"n": 0}

    def slow_disk(*args: Any, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:  # A's save is writing: the lock file goes, and B saves
            lock_path(tmp_db).unlink()
            b.save(Aim(code="B", statement="saved by B"))
        return real(*args, **kw)

    monkeypatch.setattr(store_files.tempfile, "mkstemp", slow_disk)
    a.save(Aim(code="A", statement="saved by A"))
    monkeypatch.setattr(store_files.tempfile, "mkstemp", real)
    assert _codes(tmp_db) == {"A", "B"}
    assert {x.code for x in a.aims()} == {"A", "B"}


def test_clean_up_never_removes_a_live_writers_temporary_file(tmp_db: Path) -> None:
    Store.open(tmp_db, create=True).close()
    live = tmp_db.parent / f".{tmp_db.name}.livewriter.tmp"
    fd = os.open(live, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a save in another copy is writing it
        Store.open(tmp_db).close()  # opening for writing cleans up leftovers
        assert live.exists()
    finally:
        os.close(fd)
    Store.open(tmp_db).close()  # its writer is gone: now it is a leftover
    assert not live.exists()


_WRITER = """
import sys, time
from pdsa_tui.model import Aim
from pdsa_tui.store import Store, StoreError
path, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
store = Store.open(path, user=name)
end = time.monotonic() + seconds
n = 0
while time.monotonic() < end:
    n += 1
    code = f"{name}-{n}"
    try:
        store.save(Aim(code=code, statement="s"))
    except StoreError:
        continue
    print(code, flush=True)
"""


def run_writers_with_lock_deleted(path: Path, writers: int, seconds: float) -> tuple[int, int]:
    """``writers`` processes save for ``seconds`` while the lock file is deleted every ~3 ms.

    Returns (acknowledged saves, acknowledged saves missing from the file afterwards).
    """
    Store.open(path, create=True).close()
    stop = threading.Event()

    def delete_the_lock() -> None:
        while not stop.is_set():
            with contextlib.suppress(FileNotFoundError):
                lock_path(path).unlink()
            time.sleep(0.003)

    deleter = threading.Thread(target=delete_the_lock, daemon=True)
    deleter.start()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), f"w{i}", str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    acked: set[str] = set()
    try:
        for p in procs:
            out, _ = p.communicate(timeout=seconds + 60)
            acked.update(out.split())
    finally:
        stop.set()
        deleter.join()
        for p in procs:
            if p.poll() is None:
                p.kill()
    return len(acked), len(acked - _codes(path))


def test_four_writers_with_the_lock_deleted_every_3ms_lose_nothing(tmp_db: Path) -> None:
    acked, lost = run_writers_with_lock_deleted(tmp_db, writers=4, seconds=2.0)
    assert acked > 0
    assert lost == 0, f"{lost} of {acked} acknowledged saves lost"


@pytest.mark.slow
def test_four_writers_with_the_lock_deleted_for_longer(tmp_db: Path) -> None:
    acked, lost = run_writers_with_lock_deleted(tmp_db, writers=4, seconds=20.0)
    assert lost == 0, f"{lost} of {acked} acknowledged saves lost"
