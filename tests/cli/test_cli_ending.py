"""``pdsa check`` ends its process without freeing the records it read.

Run as a command, it ends once its output is flushed (:mod:`pdsa_tui.cli.ending`):
the same output, the same status, stdout and stderr complete, also into a pipe closed
early. Called in-process (``main(argv)``, as tests and scripts do), it returns as
before and keeps nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pdsa_tui.cli import ending, main
from pdsa_tui.cli.errors import EXIT_DATA
from pdsa_tui.demo import write_demo


def pdsa(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m pdsa_tui argv`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "pdsa_tui", *(str(a) for a in argv)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),  # "today" pinned by conftest
        timeout=120,
        check=False,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return write_demo(tmp_path / "demo.json")


def test_a_check_run_as_a_command_says_what_it_says_in_process(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    child = pdsa("check", "--db", db)
    assert child.returncode == 0, child.stderr
    assert main(["check", "--db", str(db)]) == 0
    here = capsys.readouterr()
    assert child.stdout == here.out and child.stderr == here.err == ""
    assert child.stdout.splitlines()[-1].startswith("OK: the file parses")
    assert not ending.kept()  # in-process: nothing held back from being freed


def test_problems_reach_stderr_with_the_status(db: Path) -> None:
    data = json.loads(db.read_text(encoding="utf-8"))
    for doc in list(data["cycles"].values())[:3]:
        doc["idea_id"] = "no-such-idea"
    db.write_text(json.dumps(data), encoding="utf-8")
    child = pdsa("check", "--db", db)
    assert child.returncode == EXIT_DATA
    lines = child.stderr.splitlines()
    assert sum("missing change idea 'no-such-idea'" in ln for ln in lines) == 3
    found = sum(ln.startswith("problem: ") for ln in lines)
    assert lines[-1] == f"pdsa: {found} problems found in {db}"
    assert "OK" not in child.stdout


def test_output_into_a_pipe_closed_early(db: Path) -> None:
    """``pdsa check | head -c 10``: no traceback, no complaint about the closed pipe."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pdsa_tui", "check", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),  # "today" pinned by conftest
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=120)
    assert "Traceback" not in err and "Exception ignored" not in err
