"""One injectable "today": ``dates.today()`` honours ``set_today`` and ``$PDSA_TODAY``.

The autouse ``fixed_today`` fixture (conftest) pins every test to ``TODAY``; these
tests prove the seam itself, that the demo, attention, exports and a ``pdsa``
child process all follow it, and that a malformed value is refused by the CLI.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY

from pdsa_tui.cli import main
from pdsa_tui.model import dates
from pdsa_tui.store import Store


def test_tests_run_on_the_pinned_day() -> None:
    assert dates.today() == TODAY
    assert os.environ[dates.TODAY_ENV] == TODAY.isoformat()


def test_set_today_wins_over_the_environment_and_resets() -> None:
    dates.set_today(dt.date(2030, 1, 2))
    try:
        assert dates.today() == dt.date(2030, 1, 2)
    finally:
        dates.set_today(None)
    assert dates.today() == TODAY


def test_without_an_override_today_is_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(dates.TODAY_ENV)
    assert dates.today_override() is None
    assert dates.today() == dt.date.today()


def test_a_malformed_override_falls_back_to_the_clock_in_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(dates.TODAY_ENV, "22/11/2026")
    with pytest.raises(ValueError, match="PDSA_TODAY='22/11/2026' is not a date"):
        dates.today_override()
    assert dates.today() == dt.date.today()


def test_the_cli_refuses_a_malformed_override(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv(dates.TODAY_ENV, "tomorrow")
    target = tmp_path / "demo.json"
    assert main(["demo", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pdsa: PDSA_TODAY='tomorrow' is not a date; give an ISO date")
    assert not target.exists()


def _huddle_end(path: Path) -> dt.date:
    with Store.open(path, read_only=True) as store:
        cycle = next(c for c in store.cycles() if "Monday huddle" in c.objective)
        assert cycle.planned_end is not None
        return cycle.planned_end


def test_the_demo_follows_the_pinned_day(tmp_path: Path) -> None:
    # The huddle cycle is in flight: it ends 18 days after "today".
    assert main(["demo", str(tmp_path / "a.json")]) == 0
    assert _huddle_end(tmp_path / "a.json") == TODAY + dt.timedelta(days=18)
    dates.set_today(dt.date(2031, 3, 1))
    try:
        assert main(["demo", str(tmp_path / "b.json")]) == 0
    finally:
        dates.set_today(None)
    assert _huddle_end(tmp_path / "b.json") == dt.date(2031, 3, 19)


def test_a_child_process_inherits_the_pinned_day(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    env = {**os.environ, dates.TODAY_ENV: "2029-06-15"}
    run = [sys.executable, "-m", "pdsa_tui"]
    p = subprocess.run([*run, "demo", str(path)], env=env, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert _huddle_end(path) == dt.date(2029, 7, 3)
    out = tmp_path / "aim.md"
    p = subprocess.run(
        [*run, "export", "--db", str(path), "--aim", "Aim 2", "--format", "md", "-o", str(out)],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert "What needs attention (as of 15 Jun 2029)" in out.read_text(encoding="utf-8")
