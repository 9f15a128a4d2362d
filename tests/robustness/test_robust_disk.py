"""A full disk: saves fail with a clear message, the last save stays intact, nothing is left over.

On a real, tiny file system (a 1 MB tmpfs, mounted when running as root; the
tests skip otherwise) and with ``os.write`` patched to fail with ENOSPC
(everywhere). Each case checks: the error names the file and says why; the
CLI exits 1 with one line on stderr; the previous file is byte-for-byte
intact and loads with no problems; no temporary file is left; and after space
is freed the next save works.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from robust_corpus import demo_file, snapshot

from pdsa_tui import cli
from pdsa_tui.demo import AIM4_WEEKS
from pdsa_tui.model import ChangeIdea, Cycle
from pdsa_tui.store import Store, WriteFailedError
from pdsa_tui.store import files as store_files
from pdsa_tui.store.files import backup_dir, list_backups
from pdsa_tui.ui import app as app_module

PDSA = [sys.executable, "-m", "pdsa_tui"]
CASES: list[str] = []  # disk-full cases run, for the summary


def _record(name: str) -> None:
    CASES.append(name)


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs mounted at a folder in ``tmp_path`` (skip if it cannot be mounted)."""
    where = tmp_path / "small"
    where.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the file system holding ``folder``; return the filler file (delete it to free)."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as fh:
        while True:
            try:
                fh.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
                break
        small = b"\0" * 512
        while True:
            try:
                fh.write(small)
            except OSError:
                break
    return filler


def leftovers(path: Path) -> list[str]:
    """Temporary files beside ``path`` or in its backup folder."""
    found = [p.name for p in path.parent.glob(".*.tmp")]
    if backup_dir(path).is_dir():
        found += [p.name for p in backup_dir(path).glob(".*.tmp")]
    return found


def sound(path: Path) -> Store:
    """The file opens read-only with no problems (the caller closes it)."""
    store = Store.open(path, read_only=True)
    assert store.problems() == []
    return store


def _cli(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PDSA, *argv], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )


def _one_line_error(proc: subprocess.CompletedProcess[str], path: Path) -> str:
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert lines[0].startswith("pdsa: ")
    assert str(path) in lines[0] and "No space left on device" in lines[0], lines[0]
    return lines[0]


def test_store_save_on_a_full_disk(small_fs: Path) -> None:
    path = demo_file(small_fs, "pdsa.json")
    with Store.open(path) as store:  # today's backup is made while there is room
        filler = fill(small_fs)
        before = snapshot(path)
        idea = store.all(ChangeIdea)[0]
        big = Cycle(
            idea_id=idea.id, objective="Written when the disk was full", questions="q" * 9000
        )
        with pytest.raises(WriteFailedError) as info:
            store.save(big)
        _record("Store.save, tmpfs full")
        msg = str(info.value)
        assert str(path) in msg and "No space left on device" in msg
        assert "last successful save" in msg
        assert snapshot(path) == before
        assert leftovers(path) == []
        assert store.lookup(Cycle, big.id) is None  # memory rolled back to what is on disk
        with sound(path) as again:
            assert again.lookup(Cycle, big.id) is None
        # A transaction: still nothing half-written.
        with pytest.raises(WriteFailedError), store.transaction():
            store.save(Cycle(idea_id=idea.id, objective="one", questions="q" * 9000))
            store.save(Cycle(idea_id=idea.id, objective="two"))
        _record("Store.transaction, tmpfs full")
        assert snapshot(path) == before and leftovers(path) == []
        filler.unlink()
        saved = store.save(big)  # space freed: the same save now works
    with sound(path) as again:
        assert again.get(Cycle, saved.id).questions == "q" * 9000


def test_cli_data_add_and_import_on_a_full_disk(small_fs: Path) -> None:
    path = demo_file(small_fs, "pdsa.json")
    Store.open(path).close()  # today's backup
    csv = small_fs.parent / "rows.csv"
    csv.write_text("date,value\n" + "".join(f"{d:02d}/01/2031,{d}\n" for d in range(1, 29)))
    filler = fill(small_fs)
    before = snapshot(path)
    add = ["data", "add", "--db", str(path), "--measure", AIM4_WEEKS]
    add += ["--date", "01/02/2031", "--value", "5", "--note", "n" * 5000]
    _one_line_error(_cli(add), path)
    _record("pdsa data add, tmpfs full")
    _one_line_error(
        _cli(["data", "import", "--db", str(path), "--measure", AIM4_WEEKS, str(csv)]), path
    )
    _record("pdsa data import, tmpfs full")
    assert snapshot(path) == before
    assert leftovers(path) == []
    assert _cli(["check", "--db", str(path)]).returncode == 0  # reading needs no space
    filler.unlink()
    assert _cli(add).returncode == 0
    assert (
        _cli(["data", "import", "--db", str(path), "--measure", AIM4_WEEKS, str(csv)]).returncode
        == 0
    )
    with sound(path) as store:
        assert len([p for p in store.find_measure(AIM4_WEEKS).points if p.date.year == 2031]) == 29


def test_demo_on_a_full_disk_leaves_nothing_and_says_what_to_do(small_fs: Path) -> None:
    fill(small_fs)
    target = small_fs / "demo.json"
    proc = _cli(["demo", str(target)])
    _record("pdsa demo, tmpfs full")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "No space left on device" in lines[0] and "Free some space" in lines[0]
    assert "[Errno" not in lines[0]
    assert sorted(p.name for p in small_fs.iterdir()) == ["filler.bin"]  # no 0-byte lock


def test_first_open_of_the_day_on_a_full_disk(
    small_fs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's backup cannot be made: a clear error, no half backup, the file untouched."""
    path = demo_file(small_fs, "pdsa.json")
    assert list_backups(path) == []
    filler = fill(small_fs)
    before = snapshot(path)
    add = ["data", "add", "--db", str(path), "--measure", AIM4_WEEKS, "--date", "01/03/2031"]
    line = _one_line_error(_cli([*add, "--value", "2"]), path)
    assert "backup" in line
    _record("pdsa data add, tmpfs full before the day's backup")
    # The app's entry point: prints the error, returns 1, never starts.
    monkeypatch.setattr(app_module.PdsaApp, "run", lambda self, *a, **k: pytest.fail("started"))
    assert app_module.run(path) == 1
    _record("app run(), tmpfs full before the day's backup")
    assert snapshot(path) == before
    assert leftovers(path) == [] and list_backups(path) == []
    assert _cli(["check", "--db", str(path)]).returncode == 0
    filler.unlink()
    assert _cli([*add, "--value", "2"]).returncode == 0
    assert len(list_backups(path)) == 1


class _NoSpace:
    """``os`` for :mod:`pdsa_tui.store.files` whose ``write`` fails with ENOSPC."""

    def __getattr__(self, attr: str) -> Any:
        if attr == "write":

            def write(fd: int, data: Any) -> int:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            return write
        return getattr(os, attr)


@pytest.mark.parametrize("kind", ["add", "import"])
def test_cli_with_os_write_failing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    path = demo_file(tmp_path, "pdsa.json")
    Store.open(path).close()  # today's backup
    before = snapshot(path)
    csv = tmp_path / "rows.csv"
    csv.write_text("date,value\n01/01/2031,1\n02/01/2031,2\n")
    if kind == "add":
        argv = ["data", "add", "--measure", AIM4_WEEKS, "--date", "01/01/2031", "--value", "1"]
    else:
        argv = ["data", "import", "--measure", AIM4_WEEKS, str(csv)]
    monkeypatch.setattr(store_files, "os", _NoSpace())
    status = cli.main([*argv, "--db", str(path)])
    out, err = capsys.readouterr()
    _record(f"pdsa data {kind}, os.write patched to ENOSPC")
    assert status == 1
    assert len(err.splitlines()) == 1 and "No space left on device" in err and str(path) in err
    assert out == ""
    monkeypatch.undo()
    assert snapshot(path) == before
    assert leftovers(path) == []
    assert cli.main([*argv, "--db", str(path)]) == 0
    capsys.readouterr()


def test_zz_summary(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nrobust disk: {len(CASES)} disk-full cases passed: {'; '.join(CASES)}")
