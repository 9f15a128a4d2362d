"""``pdsa programme``, ``pdsa meeting`` and ``pdsa assess`` on the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from test_cli import Result, assert_one_line_error, run

from pdsa_tui.model import Aim, Meeting, Question
from pdsa_tui.model.rows import Action, Decision
from pdsa_tui.store import Store


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
    assert "Evil\u241b[31m name" in r.out


# -- meetings --------------------------------------------------------------------------------
def test_meeting_list_text_and_json(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    assert run(capsys, "meeting", "list", "--db", db).out.strip() == "(no meetings recorded)"
    assert json.loads(run(capsys, "meeting", "list", "--json", "--db", db).out) == []
    with Store.open(db) as store:
        older = store.save(
            Meeting(
                date=dt.date(2026, 1, 6),
                kind="aim",
                aim="Aim 1",
                present=["TM"],
                actions=[Action("a", "b", dt.date(2026, 1, 20), done=True)],
            )
        )
        newer = store.save(
            Meeting(
                date=dt.date(2026, 2, 3),
                present=["PACE lead", "Data lead", "Reporter"],
                decisions=[
                    Decision("Aim 1 › X › Cycle 1", "adopt"),
                    Decision("Aim 1 › X › Cycle 2", ""),  # studied, nothing decided yet
                ],
                actions=[Action("send charts", "DL", dt.date(2026, 2, 10))],
            )
        )
    data = json.loads(run(capsys, "meeting", "list", "--json", "--db", db).out)
    assert data == [
        {
            "id": newer.id,
            "date": "2026-02-03",
            "kind": "leads",
            "aim": "",
            "present": ["PACE lead", "Data lead", "Reporter"],
            "decisions": 1,
            "actions": 1,
        },
        {
            "id": older.id,
            "date": "2026-01-06",
            "kind": "aim",
            "aim": "Aim 1",
            "present": ["TM"],
            "decisions": 0,
            "actions": 1,
        },
    ]
    out = run(capsys, "meeting", "list", "--db", db).out
    assert out.splitlines()[0].endswith(
        "03/02/2026  Leads group: 3 present, 1 decisions, 1 actions (1 open)"
    )
    assert "Aim 1 group: 1 present" in out


def test_meeting_list_without_a_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    r = run(capsys, "meeting", "list", "--db", tmp_path / "none.json")
    assert_one_line_error(r, 1, "no database at")
    r = run(capsys, "meeting", "frobnicate", "--db", tmp_path / "none.json")
    assert_one_line_error(r, 2, "invalid choice")


# -- self-assessment ----------------------------------------------------------------------------
def _assess(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, dict[str, object]]:
    rows = json.loads(run(capsys, "assess", "list", "--json", "--db", db).out)
    return {r["id"]: r for r in rows}


def test_assess_list_every_question_not_yet_with_evidence(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    rows = _assess(capsys, db)
    assert len(rows) == 60
    first = rows["team-1"]
    assert set(first) == {
        "id",
        "theme",
        "question",
        "status",
        "notes",
        "action",
        "owner",
        "review",
        "evidence",
    }
    assert first["theme"] == "Team/Leads group"
    assert first["question"] == "PACE Lead and Data Lead identified (crucial)"
    assert first["status"] == "not-yet" and first["review"] is None
    assert first["evidence"] == "No programme recorded yet: no PACE lead or data lead named."
    assert rows["team-3"]["evidence"] == "Aims without a lead: Aim 2 (1 of 2 have one)."
    assert rows["team-6"]["evidence"] is None
    text = run(capsys, "assess", "list", "--db", db).out
    assert "No self-assessment yet" in text and "\nData\n" in text


def test_assess_set_then_list_and_a_second_round(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    r = run(capsys, "assess", "new", "--date", "02/03/2026", "--db", db)
    assert r.status == 0 and "Started the self-assessment of 02/03/2026" in r.out
    r = run(
        capsys,
        "assess",
        "set",
        "data-2",
        "--status",
        "partly",
        "--notes",
        "monthly only",
        "--action",
        "ask IT",
        "--owner",
        "DL",
        "--review",
        "01/06/2026",
        "--db",
        db,
    )
    assert r.status == 0, r.err
    assert "Set data-2 to 'partly' in the self-assessment of 02/03/2026" in r.out
    row = _assess(capsys, db)["data-2"]
    assert (row["status"], row["notes"], row["action"], row["owner"], row["review"]) == (
        "partly",
        "monthly only",
        "ask IT",
        "DL",
        "2026-06-01",
    )
    # A second round carries answers forward; changing it leaves the first as it was.
    assert run(capsys, "assess", "new", "--date", "2026-09-01", "--db", db).status == 0
    assert run(capsys, "assess", "set", "data-2", "--status", "in-place", "--db", db).status == 0
    row = _assess(capsys, db)["data-2"]
    assert row["status"] == "in-place" and row["notes"] == "monthly only"
    with Store.open(db, read_only=True) as store:
        first, second = sorted(store.assessments(), key=lambda a: a.date)  # type: ignore[arg-type, return-value]
        assert store.answers(first.id)["data-2"].status == "partly"
        assert store.answers(second.id)["data-2"].status == "in-place"


def test_assess_errors_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    before = db.read_bytes()
    r = run(capsys, "assess", "set", "nope", "--status", "partly", "--db", db)
    assert_one_line_error(r, 1, "no question 'nope'", "pdsa assess list")
    r = run(capsys, "assess", "set", "data-1", "--status", "maybe", "--db", db)
    assert_one_line_error(r, 2, "invalid choice: 'maybe'", "in-place")
    r = run(capsys, "assess", "set", "data-1", "--db", db)
    assert_one_line_error(r, 2, "--status")
    r = run(
        capsys,
        "assess",
        "set",
        "data-1",
        "--status",
        "partly",
        "--review",
        "31/02/2026",
        "--db",
        db,
    )
    assert_one_line_error(r, 1, "--review: '31/02/2026' is not a real date")
    assert db.read_bytes() == before
    assert run(capsys, "assess", "new", "--date", "2026-03-02", "--db", db).status == 0
    after = db.read_bytes()
    r = run(capsys, "assess", "new", "--date", "2026-03-01", "--db", db)
    assert_one_line_error(r, 1, "a new one must be later")
    assert db.read_bytes() == after


def test_assess_set_a_custom_question_by_id_prefix(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with Store.open(db) as store:
        q = store.save(Question(theme="data", text="Do we share charts with the board?"))
    rows = json.loads(run(capsys, "assess", "list", "--json", "--db", db).out)
    ids = [r["id"] for r in rows]
    # The group's own question follows its theme's template questions.
    assert ids.index(q.id) == ids.index("data-4") + 1
    r = run(capsys, "assess", "set", q.id[:8], "--status", "n/a", "--db", db)
    assert r.status == 0, r.err
    assert _assess(capsys, db)[q.id]["status"] == "n/a"


# -- governance pack and minutes --------------------------------------------------------------
@pytest.fixture
def pack_db(capsys: pytest.CaptureFixture[str], db: Path) -> Path:
    assert _set(capsys, db, "--name", "Anytown <PACE>", "--pace-lead", "HoS").status == 0
    with Store.open(db) as store:
        for day, what in (
            (dt.date(2026, 9, 1), "old action"),
            (dt.date(2026, 11, 3), "new action"),
        ):
            store.save(
                Meeting(
                    date=day,
                    present=["HoS"],
                    decisions=[Decision(f"Aim 1 › X › Cycle {day.month}", "adopt", "| pipe")],
                    actions=[Action(what, "DL", day + dt.timedelta(days=7))],
                )
            )
    run(capsys, "assess", "new", "--date", "2026-03-02", "--db", db)
    run(capsys, "assess", "set", "data-1", "--status", "partly", "--db", db)
    run(capsys, "assess", "new", "--date", "2026-09-01", "--db", db)
    run(capsys, "assess", "set", "data-1", "--status", "in-place", "--db", db)
    return db


def test_export_programme_in_three_formats(
    capsys: pytest.CaptureFixture[str],
    pack_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pack's meetings and actions are dated in 2026: "overdue" is as of this day.
    monkeypatch.setenv("PDSA_TODAY", "2026-11-22")
    md = tmp_path / "pack.md"
    r = run(
        capsys,
        "export",
        "--programme",
        "--format",
        "md",
        "-o",
        md,
        "--since",
        "01/10/2026",
        "--db",
        pack_db,
    )
    assert r.status == 0, r.err
    assert "meetings since 01/10/2026" in r.out
    text = md.read_text()
    assert "# Anytown \\<PACE\\>: governance pack" in text
    assert "- Data: 1 of 4 in place, up from 0 in March" in text
    assert "### Leads group, 03 Nov 2026" in text
    assert "### Leads group, 01 Sep 2026" not in text  # before --since
    assert "Overdue: old action (DL, due 08 Sep 2026)" in text  # still open, still listed
    assert "\\| pipe" in text
    html = tmp_path / "pack.html"
    assert (
        run(
            capsys, "export", "--programme", "-o", html, "--since", "2026-01-01", "--db", pack_db
        ).status
        == 0
    )
    page = html.read_text()
    assert "Anytown &lt;PACE&gt;" in page and "old action" in page and "new action" in page
    js = tmp_path / "pack.json"
    assert (
        run(capsys, "export", "--programme", "--format", "json", "-o", js, "--db", pack_db).status
        == 0
    )
    data = json.loads(js.read_text())
    assert data["kind"] == "governance-pack"
    assert data["programme"]["name"] == "Anytown <PACE>"
    assert [c["id"] for c in data["assessment"]["changes"]] == ["data-1"]
    assert len(data["assessment"]["questions"]) == 60
    # Every export recorded the day: the next pack starts from it by default.
    shown = json.loads(run(capsys, "programme", "show", "--json", "--db", pack_db).out)
    assert shown["last_pack"] == "2026-11-22"
    # Made again the same day, the pack covers the period of the one before it that day.
    assert data["since"] == "2026-01-01"


def test_a_pack_made_again_the_same_day_covers_the_same_meetings(
    capsys: pytest.CaptureFixture[str],
    pack_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Store.open(pack_db) as store:
        prog = store.programme()
        assert prog is not None
        store.save(dataclasses.replace(prog, last_pack=dt.date(2026, 10, 1)))

    def pack(today: str, name: str) -> tuple[str, str]:
        monkeypatch.setenv("PDSA_TODAY", today)
        out = tmp_path / name
        r = run(capsys, "export", "--programme", "-o", out, "--db", pack_db)
        assert r.status == 0, r.err
        return r.out, out.read_text()

    said, first = pack("2026-11-22", "pack.md")
    assert "meetings since 01/10/2026" in said
    assert "### Leads group, 03 Nov 2026" in first
    # The board wants it in Word too, or a typo was mended: the same day, the same meetings
    # (it once covered only meetings since that morning's pack: none).
    for name in ("again.md", "pack.html", "pack.json"):
        said, text = pack("2026-11-22", name)
        assert "meetings since 01/10/2026" in said, name
        assert "03 Nov 2026" in text or "2026-11-03" in text, name
    # The next day, the pack of the 22nd is the last pack.
    said, later = pack("2026-11-23", "next.md")
    assert "meetings since 22/11/2026" in said
    assert "### Leads group, 03 Nov 2026" not in later
    shown = json.loads(run(capsys, "programme", "show", "--json", "--db", pack_db).out)
    assert shown["last_pack"] == "2026-11-23"


def test_export_minutes_of_one_meeting(
    capsys: pytest.CaptureFixture[str], pack_db: Path, tmp_path: Path
) -> None:
    meetings = json.loads(run(capsys, "meeting", "list", "--json", "--db", pack_db).out)
    out = tmp_path / "minutes.md"
    r = run(capsys, "export", "--meeting", meetings[0]["id"][:8], "-o", out, "--db", pack_db)
    assert r.status == 0, r.err
    text = out.read_text()
    assert text.startswith("# Minutes: Leads group, 03 Nov 2026")
    assert "| Aim 1 › X › Cycle 11 | Adopt | \\| pipe |" in text
    assert "| new action | DL | 10 Nov 2026 | open |" in text


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["--programme", "--aim", "Aim 1", "--format", "md"], 2, "not with --aim"),
        (
            ["--programme", "--format", "csv"],
            2,
            "format 'csv' for the governance pack; use one of: md, html, json, docx, pdf",
        ),
        (["--programme", "--format", "md", "--since", "31/02/2026"], 1, "--since: '31/02/2026'"),
        (["--aim", "Aim 1", "--format", "md", "--since", "2026-01-01"], 2, "--since goes with"),
        (["--meeting", "zzzz", "--format", "md"], 1, "no meeting 'zzzz'"),
        (
            ["--meeting", "zzzz", "--format", "json"],
            2,
            "format 'json' for minutes; use one of: md, html, docx, pdf",
        ),
    ],
)
def test_export_programme_errors_write_nothing(
    capsys: pytest.CaptureFixture[str],
    pack_db: Path,
    tmp_path: Path,
    args: list[str],
    status: int,
    words: str,
) -> None:
    before = pack_db.read_bytes()
    out = tmp_path / "out.md"
    r = run(capsys, "export", *args, "-o", out, "--db", pack_db)
    assert_one_line_error(r, status, words)
    assert not out.exists()
    assert pack_db.read_bytes() == before


def test_export_programme_never_overwrites_without_force(
    capsys: pytest.CaptureFixture[str], pack_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.md"
    out.write_text("keep me")
    r = run(capsys, "export", "--programme", "-o", out, "--db", pack_db)
    assert_one_line_error(r, 1, "already exists; add --force")
    assert out.read_text() == "keep me"
    assert run(capsys, "export", "--programme", "-o", out, "--force", "--db", pack_db).status == 0
    assert "governance pack" in out.read_text()
