"""``pdsa export``: files written, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from pdsa_tui.cli import main
from pdsa_tui.store import Store


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pdsa_tui.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo") / "demo.json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_exports_each_format(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for fmt in ("md", "html", "csv", "json"):
        out = tmp_path / f"report.{fmt}"
        status, stdout, err = run(
            capsys,
            "export",
            "--db",
            str(demo_db),
            "--aim",
            "aim 2",
            "--format",
            fmt,
            "-o",
            str(out),
        )
        assert (status, err) == (0, "")
        assert str(out) in stdout and "Aim 2 report" in stdout
        data = out.read_text(encoding="utf-8")
        assert data
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# Aim 2: aim report")
    assert "<svg" in (tmp_path / "report.html").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO((tmp_path / "report.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "aim_code"
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert doc["format"] == "pdsa-export"
    assert len(rows) - 1 == len(doc["cycles"])


def test_cycle_by_id_prefix_and_all(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo_db, read_only=True) as store:
        cycle = store.cycles_for_aim(store.find_aim("Aim 2").id)[0]
        n_aims = len(store.aims())
    out = tmp_path / "cycle.md"
    status, stdout, _ = run(
        capsys, "export", "--db", str(demo_db), "--cycle", cycle.id[:8], "--format", "md",
        "-o", str(out),
    )  # fmt: skip
    assert status == 0 and "cycle 1 summary" in stdout
    assert out.read_text(encoding="utf-8").startswith("# Cycle 1 of ")
    out = tmp_path / "all.md"
    status, stdout, _ = run(
        capsys, "export", "--db", str(demo_db), "--all", "--format", "md", "-o", str(out)
    )
    assert status == 0
    text = out.read_text(encoding="utf-8")
    assert "## Contents" in text and text.count("\n## Aim ") == n_aims


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        ([], 2, "exactly one of --aim"),
        (["--aim", "Aim 2", "--all"], 2, "exactly one of --aim"),
        (["--aim", "Aim 2", "--cycle", "abcd"], 2, "exactly one of --aim"),
        (["--aim", "Aim 2", "--format", "odt"], 2, "unknown format 'odt'"),
        (["--aim", "Aim 99"], 1, "no aim 'Aim 99'"),
        (["--cycle", "zzzzzzzz"], 1, "no cycle 'zzzzzzzz'"),
    ],
)
def test_errors(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    out = tmp_path / "x.md"
    if "--format" not in args:
        args = [*args, "--format", "md"]
    code, stdout, err = run(capsys, "export", "--db", str(demo_db), *args, "-o", str(out))
    assert code == status
    assert err.startswith("pdsa: ") and err.count("\n") == 1 and message in err, err
    assert stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_missing_output_is_usage_error(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export", "--db", str(demo_db), "--aim", "Aim 2", "--format", "md")
    assert code == 2 and "-o/--output" in err


def test_no_overwrite_without_force(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    out.write_text("keep me", encoding="utf-8")
    base = ["export", "--db", str(demo_db), "--aim", "Aim 2", "--format", "html", "-o", str(out)]
    code, _, err = run(capsys, *base)
    assert code == 1 and "already exists; add --force" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    code, _, err = run(capsys, *base, "--force")
    assert code == 0 and err == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_write_failure_is_data_error(
    demo_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run(
        capsys, "export", "--db", str(demo_db), "--aim", "Aim 2", "--format", "md",
        "-o", str(tmp_path / "no" / "such" / "dir.md"),
    )  # fmt: skip
    assert code == 1 and "does not exist" in err and err.count("\n") == 1

    def broken(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", broken)
    code, _, err = run(
        capsys, "export", "--db", str(demo_db), "--aim", "Aim 2", "--format", "json",
        "-o", str(tmp_path / "r.json"),
    )  # fmt: skip
    assert code == 1 and "No space left on device" in err and "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


def test_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "export", "--db", str(tmp_path / "none.json"), "--all", "--format", "md",
        "-o", str(tmp_path / "r.md"),
    )  # fmt: skip
    assert code == 1 and "no database" in err
    assert not (tmp_path / "r.md").exists()


def test_an_export_run_as_a_command_writes_what_it_writes_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run as a command, `pdsa export` ends without freeing what it read (cli/ending.py):
    the same file, the same message, the same status as called in-process."""
    import subprocess
    import sys

    from pdsa_tui.cli import ending
    from pdsa_tui.demo import write_demo

    db = write_demo(tmp_path / "demo.json")
    child = subprocess.run(
        [sys.executable, "-m", "pdsa_tui", "export", "--all", "--db", str(db),
         "-o", str(tmp_path / "child.md")],
        capture_output=True, text=True, encoding="utf-8", env=dict(os.environ), timeout=120,
        check=False,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    assert main(["export", "--all", "--db", str(db), "-o", str(tmp_path / "here.md")]) == 0
    assert not ending.kept()  # in-process: nothing kept, freed as usual
    here = capsys.readouterr()
    assert child.stdout.replace("child.md", "here.md") == here.out
    assert child.stderr == here.err == ""
    child_text = (tmp_path / "child.md").read_text(encoding="utf-8")
    here_text = (tmp_path / "here.md").read_text(encoding="utf-8")

    # The same export but for the minute it was stamped with.
    def unstamped(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("*Exported ")]

    assert unstamped(child_text) == unstamped(here_text) and len(child_text) > 10_000


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_word_or_pdf_export_is_not_written_to_a_terminal(demo_db: Path, fmt: str) -> None:
    import pty
    import subprocess
    import sys

    primary, secondary = pty.openpty()  # stdout a terminal, as when a person types it
    argv = ["export", "--db", str(demo_db), "--aim", "Aim 2", "--format", fmt, "-o", "-"]
    child = subprocess.Popen(
        [sys.executable, "-m", "pdsa_tui", *argv],
        stdout=secondary,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(secondary)
    shown = b""
    try:
        while True:  # what the terminal receives, read as it comes so the child never waits
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the child closed the terminal: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(primary)
    err = child.stderr.read() if child.stderr else ""
    # It once poured the binary file (PK..., %PDF) into the terminal.
    assert child.wait(timeout=120) == 2, err
    assert "binary and would garble the terminal" in err
    assert shown == b""


def test_a_word_export_still_goes_down_a_pipe(demo_db: Path) -> None:
    import subprocess
    import sys

    argv = ["export", "--db", str(demo_db), "--aim", "Aim 2", "--format", "docx", "-o", "-"]
    done = subprocess.run(
        [sys.executable, "-m", "pdsa_tui", *argv], capture_output=True, timeout=120, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith(b"PK\x03\x04")
