"""Exports of a case measure: derived points and counts always, case references only on request."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pdsa_tui.cli import main
from pdsa_tui.model import Aim, Case, Measure
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.report.export import export_text
from pdsa_tui.store import Store

TODAY = dt.date(2026, 11, 27)
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates_mod, "today", lambda: TODAY)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pdsa.json"
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 2", statement="85% within 30 weeks", target_pct=85))
        m = s.save(
            Measure(
                aim_id=aim.id,
                name="Permanence within 30 weeks",
                cases=True,
                start_event="accommodated",
                milestone="permanence recommendation",
                target_weeks=30,
            )
        )
        s.measure_data.save_cases(
            m,
            [
                # Deadlines 30/07 (met), 29/06 (missed), 31/07 (missed, none recorded).
                Case(ref="C-1", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)),
                Case(ref="C-2", start=dt.date(2025, 12, 1), end=dt.date(2026, 7, 1)),
                Case(ref="C-3", start=dt.date(2026, 1, 2)),
                # Open, past its 15-week reminder.
                Case(ref="C-1042", start=TODAY - dt.timedelta(days=110), team="North"),
            ],
        )
    return path


def export(db: Path, fmt: str, *, include_cases: bool = False) -> str:
    with Store.open(db, read_only=True) as s:
        return export_text(
            s, aim=s.find_aim("Aim 2"), fmt=fmt, today=TODAY, now=NOW, include_cases=include_cases
        )


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_exports_carry_counts_and_derived_points_but_no_case_refs(db: Path, fmt: str) -> None:
    text = export(db, fmt)
    for ref in ("C-1042", "C-1", "C-2", "C-3"):
        assert f'"{ref}"' not in text and f"{ref} " not in text and f"{ref}<" not in text
    if fmt == "json":
        doc = json.loads(text)
        (mid,) = doc["case_counts"]
        assert doc["case_counts"][mid] == {
            "open": 1,
            "met": 1,
            "missed": 2,
            "past_reminder": 1,
            "overdue": 1,
        }
        points = doc["analyses"][mid]["points"]
        assert [(p["date"], p["y"]) for p in points] == [("2026-06-01", 0.0), ("2026-07-01", 0.5)]
        assert "cases" not in doc
    else:
        assert "4 cases: 2 open (1 overdue, 1 past the reminder), 1 met, 1 missed" in text
        assert "accommodated → permanence recommendation within 30 weeks" in text
        assert "1 open case is past the reminder point" in text
        assert "1 open case is past the deadline with no milestone recorded" in text
        assert "2 points" in text  # the derived monthly points are charted


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_include_cases_lists_each_case_by_reference(db: Path, fmt: str) -> None:
    text = export(db, fmt, include_cases=True)
    if fmt == "json":
        refs = sorted(c["ref"] for c in json.loads(text)["cases"])
        assert refs == ["C-1", "C-1042", "C-2", "C-3"]
    else:
        assert "C-1042" in text and "open, past the reminder" in text
        assert "case C-1042 reached 15 weeks" in text


def test_cli_export_include_cases(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, full = tmp_path / "a.md", tmp_path / "b.md"
    base = ["export", "--db", str(db), "--aim", "Aim 2", "--format", "md"]
    assert main([*base, "-o", str(plain)]) == 0
    assert main([*base, "-o", str(full), "--include-cases"]) == 0
    capsys.readouterr()
    assert "C-1042" not in plain.read_text(encoding="utf-8")
    assert "C-1042" in full.read_text(encoding="utf-8")
