"""The programme record, meetings, rows typed as lines, and how they are stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pdsa_tui.model import Aim, Cycle, Meeting, ValidationError, dates, from_form, to_form
from pdsa_tui.model import Programme as ProgrammeRecord
from pdsa_tui.model.dates import add_months
from pdsa_tui.model.programme import next_due
from pdsa_tui.model.rows import Action, Decision, Member, parse_rows, split_line
from pdsa_tui.store import Store, StoreError


def test_member_lines_parse_agency_by_label_or_prefix() -> None:
    rows = parse_rows("members", "AB | team manager | social work\n\nCD | reporter | SCRA\nEF")
    assert rows == [
        Member("AB", "team manager", "social_work"),
        Member("CD", "reporter", "scra"),
        Member("EF", "", ""),
    ]
    assert rows[0].to_line() == "AB | team manager | Social work"
    assert rows[2].to_line() == "EF"


def test_bad_member_line_names_the_line_and_the_accepted_agencies() -> None:
    with pytest.raises(ValueError, match=r"line 2: agency 'nasa' is not one of: Social work"):
        parse_rows("members", "AB | tm | health\nCD | x | nasa")
    with pytest.raises(ValueError, match=r"line 1: .*no name"):
        parse_rows("members", " | role | health")


def test_action_lines_with_due_dates_day_first_and_done() -> None:
    rows = parse_rows(
        "actions", "Send charts | DL | 01/02/2026\nBook room | PL | 2026-03-05 | done"
    )
    assert rows == [
        Action("Send charts", "DL", dt.date(2026, 2, 1), False),
        Action("Book room", "PL", dt.date(2026, 3, 5), True),
    ]
    assert rows[1].to_line() == "Book room | PL | 05/03/2026 | done"
    assert rows[0].overdue(dt.date(2026, 2, 2)) and not rows[0].overdue(dt.date(2026, 2, 1))
    assert not rows[1].overdue(dt.date(2027, 1, 1))
    with pytest.raises(ValueError, match="line 1: due date: '31/02/2026' is not a real date"):
        parse_rows("actions", "x | y | 31/02/2026")
    with pytest.raises(ValueError, match="'maybe' after the due date"):
        parse_rows("actions", "x | y | 01/01/2026 | maybe")


def test_bar_inside_free_text_stays_in_the_first_part() -> None:
    assert split_line("a | b | c | d", 3) == ["a | b", "c", "d"]


def test_decision_lines_check_the_decision() -> None:
    assert parse_rows("decisions", "Aim 1 › Idea › Cycle 2 | adapt | next started") == [
        Decision("Aim 1 › Idea › Cycle 2", "adapt", "next started")
    ]
    with pytest.raises(ValueError, match="decision 'keep' is not one of: Adopt, Adapt"):
        parse_rows("decisions", "c | keep")


def test_programme_form_round_trip_and_field_errors() -> None:
    values = {
        "name": "Anytown PACE",
        "pace_lead": "Head of service",
        "members": "AB | team manager | Social work",
        "localities": "North, South",
        "leads_cadence": "monthly",
    }
    prog = from_form(ProgrammeRecord, values)
    assert prog.members == [Member("AB", "team manager", "social_work")]
    assert prog.missing_leads() == ["Data lead"]
    again = from_form(ProgrammeRecord, to_form(prog), base=prog)
    assert again == prog
    with pytest.raises(ValidationError) as err:
        from_form(ProgrammeRecord, {"name": "", "members": "x | y | nowhere"})
    fields = {e.field for e in err.value.errors}
    assert fields == {"name", "members"}


def test_meeting_form_keeps_each_decisions_cycle_link() -> None:
    base = Meeting(
        date=dt.date(2026, 3, 3),
        decisions=[Decision("Aim 1 › A › Cycle 1", "adopt", "", cycle_id="c1")],
    )
    values = to_form(base)
    values["decisions"] += "\nSomething else | abandon"
    edited = from_form(Meeting, values, base=base)
    assert [(d.label, d.cycle_id) for d in edited.decisions] == [
        ("Aim 1 › A › Cycle 1", "c1"),
        ("Something else", ""),
    ]


def test_aim_group_meeting_needs_its_aim() -> None:
    with pytest.raises(ValidationError, match="required for an aim group meeting"):
        Meeting(date=dt.date(2026, 1, 1), kind="aim").check()


def test_next_due_by_cadence() -> None:
    day = dt.date(2026, 1, 31)
    assert next_due(day, "weekly") == dt.date(2026, 2, 7)
    assert next_due(day, "fortnightly") == dt.date(2026, 2, 14)
    assert next_due(day, "monthly") == dt.date(2026, 2, 28)
    assert next_due(day, "quarterly") == dt.date(2026, 4, 30)
    assert next_due(day, "six-monthly") == dt.date(2026, 7, 31)
    assert next_due(day, "") is None
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_programme_and_meetings_are_stored_and_reopened(store: Store, tmp_db: Path) -> None:
    prog = store.save(
        ProgrammeRecord(
            name="Anytown PACE",
            members=[Member("AB", "tm", "health")],
            localities=["North", "South"],
        )
    )
    meeting = store.save(
        Meeting(
            date=dt.date(2026, 3, 3),
            present=["PACE lead", "Data lead"],
            actions=[Action("Send charts", "DL", dt.date(2026, 3, 10))],
        )
    )
    store.close()
    with Store.open(tmp_db) as again:
        assert again.programme() == prog
        assert again.programme().localities == ["North", "South"]  # type: ignore[union-attr]
        assert again.meetings() == [meeting]
        assert again.problems() == []
    raw = json.loads(tmp_db.read_text())
    assert raw["meetings"]["1"]["actions"][0]["due"] == "2026-03-10"


def test_one_programme_per_file(store: Store) -> None:
    store.save(ProgrammeRecord(name="One"))
    with pytest.raises(StoreError, match="already has a programme"):
        store.save(ProgrammeRecord(name="Two"))
    assert len(store.all(ProgrammeRecord)) == 1


def test_file_from_before_the_programme_tables_opens(tmp_db: Path) -> None:
    old = {
        "meta": {"1": {"app": "pdsa", "schema_version": 2}},
        "aims": {},
        "measures": {},
        "ideas": {},
        "cycles": {},
        "feedback": {},
    }
    tmp_db.write_text(json.dumps(old))
    with Store.open(tmp_db) as store:
        assert store.programme() is None
        store.save(ProgrammeRecord(name="Added later"))
    with Store.open(tmp_db) as store:
        assert store.programme() is not None


def test_bad_stored_action_date_is_refused_at_open(store: Store, tmp_db: Path) -> None:
    store.save(Meeting(date=dt.date(2026, 3, 3), actions=[Action("x", "y", dt.date(2026, 1, 1))]))
    store.close()
    raw = json.loads(tmp_db.read_text())
    raw["meetings"]["1"]["actions"][0]["due"] = "next week"
    tmp_db.write_text(json.dumps(raw))
    with pytest.raises(
        StoreError, match=r"table 'meetings'.*'actions' has an action due 'next week'"
    ):
        Store.open(tmp_db)


def test_aim_group_cadence_is_an_aim_field() -> None:
    aim = from_form(Aim, {"code": "Aim 1", "statement": "s", "group_cadence": "fortnightly"})
    assert aim.group_cadence == "fortnightly"
    with pytest.raises(ValidationError, match="Aim group meets"):
        from_form(Aim, {"code": "Aim 1", "statement": "s", "group_cadence": "yearly"})


def test_demo_has_a_programme_three_meetings_and_progress(tmp_path: Path) -> None:
    from pdsa_tui.analysis.programme import all_questions, progress_lines
    from pdsa_tui.demo import write_demo

    today = dt.date(2026, 11, 27)
    path = write_demo(tmp_path / "demo.json", today=today)
    with dates.as_of(today), Store.open(path, read_only=True) as store:
        prog = store.programme()
        assert prog is not None and prog.missing_leads() == []
        assert prog.localities == ["Elgin", "Forres", "Buckie", "Keith"]
        meetings = store.meetings()
        assert len(meetings) == 3
        assert [m.date for m in meetings] == [today - dt.timedelta(days=d) for d in (27, 56, 84)]
        # Every decision links to a cycle of the demo.
        for m in meetings:
            for d in m.decisions:
                assert store.lookup(Cycle, d.cycle_id) is not None, d.label
        latest, first = store.assessments()
        assert (latest.date, first.date) == (
            today - dt.timedelta(days=13),
            today - dt.timedelta(days=170),
        )
        questions = all_questions(store.questions())
        lines = progress_lines(
            questions, store.answers(latest.id), latest.date, store.answers(first.id), first.date
        )
        assert "Data: 3 of 4 in place, up from 1 in June" in lines
        assert "Team/Leads group: 5 of 6 in place, up from 2 in June" in lines
        assert store.problems() == []


def test_report_since_is_the_last_pack_or_that_packs_period_when_made_today() -> None:
    day = dt.date(2026, 11, 22)
    assert ProgrammeRecord(name="P").report_since(day) is None  # never packed: the default
    before = ProgrammeRecord(
        name="P", last_pack=dt.date(2026, 10, 1), pack_from=dt.date(2026, 7, 1)
    )
    assert before.report_since(day) == dt.date(2026, 10, 1)
    today = before.packed(day, before.report_since(day))
    assert (today.last_pack, today.pack_from) == (day, dt.date(2026, 10, 1))
    assert today.report_since(day) == dt.date(2026, 10, 1)  # the same pack again
    assert today.packed(day, today.report_since(day)) == today  # nothing to save
    assert today.report_since(day + dt.timedelta(days=1)) == day
    # A pack dated ahead of this computer's clock (another's clock) is still today's.
    assert today.report_since(day - dt.timedelta(days=1)) == dt.date(2026, 10, 1)
