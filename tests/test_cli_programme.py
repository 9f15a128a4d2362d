"""``pdsa programme``, ``pdsa meeting`` and ``pdsa assess`` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pdsa_tui.model import Aim
from pdsa_tui.store import Store
from tests.test_cli import Result, assert_one_line_error, run


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "p.json"
    with Store.open(path, create=True) as store:
        store.save(Aim(code="Aim 1", statement="s", lead="TM", group_cadence="fortnightly"))
        store.save(Aim(code="Aim 2", statement="s"))
    return path


def _set(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> Result:
    return run(capsys, "programme", "set", "--db", db, *args)


def test_programme_show_without_a_programme_says_how_to_make_one(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    r = run(capsys, "programme", "show", "--db", db)
    assert_one_line_error(r, 1, "has no programme yet", "pdsa programme set --name")
    assert db.read_bytes() == before


def test_programme_set_then_show_text_and_json(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    r = _set(
        capsys,
        db,
        "--name",
        "Anytown PACE",
        "--pace-lead",
        "Head of service",
        "--localities",
        "North, South",
        "--member",
        "AB | team manager | social work",
        "--member",
        "CD | reporter | SCRA",
        "--governance-to",
        "Corporate parenting board",
    )
    assert r.status == 0, r.err
    assert "Created the programme 'Anytown PACE'" in r.out
    r = run(capsys, "programme", "show", "--db", db)
    assert r.status == 0
    assert "Data lead: (not named: the template calls this role crucial)" in r.out
    assert "Reports to: Corporate parenting board, quarterly" in r.out
    assert "AB - team manager (Social work)" in r.out
    assert "Aim 1: lead TM; group meets every 2 weeks" in r.out
    data = json.loads(run(capsys, "programme", "show", "--json", "--db", db).out)
    assert data["name"] == "Anytown PACE"
    assert data["missing_leads"] == ["Data lead"]
    assert data["localities"] == ["North", "South"]
    assert data["members"][1] == {"name": "CD", "role": "reporter", "agency": "scra"}
    assert [a["code"] for a in data["aims"]] == ["Aim 1", "Aim 2"]
    assert data["governance"] == {"to": "Corporate parenting board", "cadence": "quarterly"}
    # A second set changes only what it names.
    assert _set(capsys, db, "--data-lead", "Data officer").status == 0
    data = json.loads(run(capsys, "programme", "show", "--json", "--db", db).out)
    assert data["data_lead"] == "Data officer" and data["pace_lead"] == "Head of service"
    assert data["missing_leads"] == []


def test_programme_set_errors_name_the_option_and_write_nothing(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    r = _set(capsys, db, "--name", "X", "--member", "AB | tm | nasa", "--leads-cadence", "yearly")
    assert_one_line_error(r, 1, "--member: line 1: agency 'nasa'", "--leads-cadence: 'yearly'")
    r = _set(capsys, db)
    assert_one_line_error(r, 2, "nothing to set")
    r = _set(capsys, db, "--pace-lead", "X")
    assert_one_line_error(r, 1, "--name: is required")
    assert db.read_bytes() == before


def test_programme_show_makes_control_characters_visible(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    assert _set(capsys, db, "--name", "Evil\x1b[31m name").status == 0
    r = run(capsys, "programme", "show", "--db", db)
    assert "\x1b" not in r.out
    assert "Evil\\x1b[31m name" in r.out
