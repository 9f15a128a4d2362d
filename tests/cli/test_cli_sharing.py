"""Exports never write over a database (issue 20, item 8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, run

from pdsa_tui.demo import write_demo
from pdsa_tui.store import Store
from pdsa_tui.store.files import backup_dir, list_backups


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pace.json"
    write_demo(path)
    Store.open(path).close()  # the day's backup
    return path


@pytest.mark.parametrize("force", [False, True])
def test_an_export_never_writes_over_the_database_or_its_backups(
    capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, force: bool
) -> None:
    copy = tmp_path / "copy.json"
    shutil.copyfile(db, copy)
    extra = ["--force"] if force else []
    for target in (db, list_backups(db)[0], backup_dir(db) / "new.json", copy):
        before = target.read_bytes() if target.exists() else None
        r = run(capsys, "export", "--all", "--format", "json", "-o", target, "--db", db, *extra)
        assert_one_line_error(r, 1, "never writes over a database")
        assert (target.read_bytes() if target.exists() else None) == before


def test_export_to_a_terminal_shows_control_characters(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from pdsa_tui.cli import outfile

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen, pipe = Terminal(), io.StringIO()
    monkeypatch.setattr(outfile, "exact_stdout", lambda: screen)
    outfile.write_output(None, "Aim \x1b[31mred\x1b[0m\n", force=False)
    monkeypatch.setattr(outfile, "exact_stdout", lambda: pipe)
    outfile.write_output(None, "Aim \x1b[31mred\x1b[0m\n", force=False)
    assert "\x1b" not in screen.getvalue() and "␛[31m" in screen.getvalue()
    assert pipe.getvalue() == "Aim \x1b[31mred\x1b[0m\n"  # a file or pipe keeps every byte
