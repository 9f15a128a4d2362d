"""Form text -> records: every bad field named, with what is accepted, all at once."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEED_AIM_STATEMENT

from pdsa_tui.model import (
    Aim,
    ChangeIdea,
    Cycle,
    DataPoint,
    Feedback,
    Measure,
    Task,
    ValidationError,
    field_text,
    from_form,
    parse_number,
    point_from_form,
    to_form,
)
from pdsa_tui.model.dates import DATE_HELP
from pdsa_tui.model.forms import NUMBER_RULE, number_text, parse_field

D = dt.date
REQUIRED = "is required; it cannot be left empty"


def errors_of(call, *args, **kw) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Field -> messages of the ValidationError ``call`` raises."""
    with pytest.raises(ValidationError) as info:
        call(*args, **kw)
    out: dict[str, list[str]] = {}
    for e in info.value.errors:
        out.setdefault(e.field, []).append(e.message)
    return out


# -- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("42", 42.0), (" 7.5 ", 7.5), ("85%", 85.0), ("85 %", 85.0), ("-3", -3.0)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_parse_number_blank_is_none() -> None:
    assert parse_number("") is None
    assert parse_number("   ") is None
    assert parse_number("%") is None


@pytest.mark.parametrize("text", ["abc", "12x", "1.2.3", "eighty"])
def test_parse_number_rejects_words(text: str) -> None:
    assert errors_of(parse_number, text, label="Goal", field="goal") == {
        "goal": [f"'{text}' is not a number; type digits, e.g. 42 or 7.5"]
    }


@pytest.mark.parametrize("text", ["inf", "nan", "-Infinity"])
def test_parse_number_rejects_non_finite(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number(text)
    assert str(info.value) == f"Value: '{text}' is not a finite number; type {NUMBER_RULE}"


@pytest.mark.parametrize("text", ["1e400", "-1e999"])
def test_parse_number_rejects_overflow_as_too_large(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number(text)
    assert str(info.value) == f"Value: '{text}' is too large for any measure; type {NUMBER_RULE}"


# -- single fields -----------------------------------------------------------------------


def test_parse_field_kinds() -> None:
    assert parse_field(Aim.spec("code"), "  Aim 2  ") == "Aim 2"
    assert parse_field(Aim.spec("notes"), "  keep indent\n\n") == "  keep indent"
    assert parse_field(Aim.spec("deadline"), "01/12/2019") == D(2019, 12, 1)
    assert parse_field(Aim.spec("deadline"), " ") is None
    assert parse_field(Aim.spec("target_pct"), "85%") == 85.0
    assert parse_field(Aim.spec("kind"), "nat") == "national"
    assert parse_field(Aim.spec("kind"), "") == ""
    assert parse_field(Aim.spec("members"), "a, b,\nc,, ") == ["a", "b", "c"]
    assert parse_field(Cycle.spec("tasks"), "SW | book | wk1\n\n TL | chair") == [
        Task("SW", "book", "wk1", ""),
        Task("TL", "chair", "", ""),
    ]


def test_parse_field_bad_date_message() -> None:
    assert errors_of(parse_field, Cycle.spec("planned_start"), "31/02/2019") == {
        "planned_start": [
            f"'31/02/2019' is not a real date: February 2019 has 28 days ({DATE_HELP})"
        ]
    }


def test_parse_field_unknown_choice_lists_labels() -> None:
    assert errors_of(parse_field, Feedback.spec("method"), "telepathy") == {
        "method": [
            "'telepathy' is not one of: Conversation, Questionnaire, Observation, Meeting, Other"
        ]
    }
    assert errors_of(parse_field, Cycle.spec("decision"), "ad") == {
        "decision": ["'ad' is not one of: Adopt, Adapt, Abandon, Expand"]
    }


# -- whole forms ----------------------------------------------------------------------


def test_from_form_builds_a_valid_aim() -> None:
    aim = from_form(
        Aim,
        {
            "code": " Aim 2 ",
            "statement": SEED_AIM_STATEMENT,
            "target_pct": "85",
            "cohort_from": "01/02/2019",
            "deadline": "1 Dec 2019",
            "members": "SW, TL",
            "kind": "National",
            "status": "act",
        },
    )
    assert (aim.code, aim.target_pct, aim.kind, aim.status) == ("Aim 2", 85.0, "national", "active")
    assert (aim.cohort_from, aim.deadline) == (D(2019, 2, 1), D(2019, 12, 1))
    assert aim.members == ["SW", "TL"]
    assert aim.statement_hints() == []


def test_from_form_reports_every_error_at_once() -> None:
    found = errors_of(
        from_form,
        Aim,
        {
            "code": "",
            "statement": "   ",
            "target_pct": "120",
            "cohort_from": "31/02/2019",
            "deadline": "someday",
            "kind": "regional",
        },
    )
    assert found == {
        "cohort_from": [
            f"'31/02/2019' is not a real date: February 2019 has 28 days ({DATE_HELP})"
        ],
        "deadline": [f"'someday' is not a date ({DATE_HELP})"],
        "kind": ["'regional' is not one of: National, Local"],
        "code": [REQUIRED],
        "statement": [REQUIRED],
        "target_pct": ["must be a percentage from 0 to 100; got 120"],
    }


def test_from_form_error_order_parse_errors_first() -> None:
    with pytest.raises(ValidationError) as info:
        from_form(Aim, {"code": "", "statement": "s", "target_pct": "lots"})
    assert [e.field for e in info.value.errors] == ["target_pct", "code"]
    assert str(info.value) == (
        f"Target %: 'lots' is not a number; type digits, e.g. 42 or 7.5; Code: {REQUIRED}"
    )


def test_from_form_non_number_percent() -> None:
    assert errors_of(from_form, Aim, {"code": "A", "statement": "s", "target_pct": "most"}) == {
        "target_pct": ["'most' is not a number; type digits, e.g. 42 or 7.5"]
    }


def test_from_form_deadline_after_from_date() -> None:
    found = errors_of(
        from_form,
        Aim,
        {"code": "A", "statement": "s", "cohort_from": "01/02/2019", "deadline": "01/01/2019"},
    )
    assert found == {
        "deadline": ["must be after the cohort from-date (01/02/2019); got 01/01/2019"]
    }


def test_from_form_cycle_dates_in_order() -> None:
    found = errors_of(
        from_form,
        Cycle,
        {
            "objective": "o",
            "planned_start": "2019-03-04",
            "planned_end": "2019-03-01",
            "do_start": "05/03/2019",
            "do_end": "04/03/2019",
        },
    )
    assert found == {
        "planned_end": ["must be on or after the planned start (04/03/2019); got 01/03/2019"],
        "do_end": [
            "must be on or after the date it was carried out from (05/03/2019); got 04/03/2019"
        ],
    }


def test_from_form_measure_percent_goal_and_required_name() -> None:
    found = errors_of(from_form, Measure, {"name": " ", "unit": "Percent", "goal": "150%"})
    assert found == {
        "name": [REQUIRED],
        "goal": ["must be a percentage from 0 to 100; got 150"],
    }
    m = from_form(Measure, {"name": "Days to panel", "unit": "days", "goal": "210"})
    assert (m.unit, m.goal, m.direction) == ("days", 210.0, "up")


def test_from_form_measure_unknown_unit() -> None:
    assert errors_of(from_form, Measure, {"name": "m", "unit": "litres"}) == {
        "unit": ["'litres' is not one of: Percent, Count, Days, Weeks, Rate"]
    }


def test_from_form_idea_requires_title_and_lead() -> None:
    assert errors_of(from_form, ChangeIdea, {"title": "", "lead": ""}) == {
        "title": [REQUIRED],
        "lead": [REQUIRED],
    }
    idea = from_form(ChangeIdea, {"title": "t", "lead": "TL", "status": "Test"})
    assert idea.status == "testing"


def test_from_form_cycle_requires_objective() -> None:
    assert errors_of(from_form, Cycle, {"objective": "  "}) == {"objective": [REQUIRED]}


def test_from_form_feedback_required_and_choices() -> None:
    found = errors_of(from_form, Feedback, {"date": "", "source": "", "text": " \n "})
    assert found == {"date": [REQUIRED], "source": [REQUIRED], "text": [REQUIRED]}
    found = errors_of(
        from_form, Feedback, {"date": "01/03/2019", "source": "nan", "text": "x", "tone": "grumpy"}
    )
    assert found == {
        "source": [
            "'nan' is not one of: Child or young person, Parent, Carer, Kinship carer, "
            "Foster carer, Practitioner, Partner agency, Other"
        ],
        "tone": ["'grumpy' is not one of: Positive, Mixed, Negative, Neutral"],
    }


def test_from_form_feedback_labels_and_prefixes() -> None:
    fb = from_form(
        Feedback,
        {
            "date": "1 Mar 2019",
            "source": "Kinship carer",
            "method": "quest",
            "text": "Clearer now",
            "themes": "clarity, time",
            "tone": "Pos",
        },
    )
    assert (fb.date, fb.source, fb.method, fb.tone) == (
        D(2019, 3, 1),
        "kinship_carer",
        "questionnaire",
        "positive",
    )
    assert fb.themes == ["clarity", "time"]


def test_from_form_keeps_base_ids_and_links() -> None:
    base = Cycle(idea_id="idea-1", number=4, objective="old", lead="SW")
    edited = from_form(Cycle, {"objective": "new"}, base=base)
    assert (edited.id, edited.idea_id, edited.number, edited.created) == (
        base.id,
        "idea-1",
        4,
        base.created,
    )
    assert edited.objective == "new"
    assert edited.lead == "SW"  # not in the form: kept
    assert base.objective == "old"  # base not changed


def test_to_form_from_form_round_trip() -> None:
    cycle = Cycle(
        idea_id="i",
        objective="o",
        tasks=[Task("SW", "book", "wk1", "office"), Task("TL", "chair")],
        planned_start=D(2019, 3, 4),
        decision="adapt",
    )
    form = to_form(cycle)
    assert form["tasks"] == "SW | book | wk1 | office\nTL | chair"
    assert form["planned_start"] == "04/03/2019"
    assert form["planned_end"] == ""
    assert form["decision"] == "adapt"
    assert from_form(Cycle, form, base=cycle) == cycle
    aim = Aim(code="A", statement="s", target_pct=85.5, members=["a", "b"])
    assert field_text(aim, "target_pct") == "85.5"
    assert field_text(aim, "members") == "a, b"
    assert from_form(Aim, to_form(aim), base=aim) == aim


# -- data points ---------------------------------------------------------------------


def test_point_from_form_value_and_ratio() -> None:
    p = point_from_form(date="01/02/2019", value="12", note=" n ", unit="days")
    assert (p.date, p.value, p.numerator, p.note) == (D(2019, 2, 1), 12.0, None, "n")
    q = point_from_form(date="2019-03-01", numerator="3", denominator="4", unit="percent")
    assert q.y == 75.0


def test_point_from_form_all_errors_at_once() -> None:
    found = errors_of(point_from_form, date="31/02/2019", value="x", numerator="", denominator="-")
    assert found == {
        "date": [f"'31/02/2019' is not a real date: February 2019 has 28 days ({DATE_HELP})"],
        "value": ["'x' is not a number; type digits, e.g. 42 or 7.5"],
        "denominator": ["'-' is not a number; type digits, e.g. 42 or 7.5"],
    }


def test_point_from_form_value_and_ratio_exclusive() -> None:
    found = errors_of(point_from_form, date="01/02/2019", value="5", numerator="1", denominator="2")
    assert found == {"value": ["give either a value or a numerator and denominator, not both"]}
    assert errors_of(point_from_form, date="01/02/2019") == {
        "value": ["is required: give a value, or a numerator and a denominator"]
    }


def test_point_from_form_percent_range() -> None:
    assert errors_of(point_from_form, date="01/02/2019", value="101", unit="percent") == {
        "value": ["must be a percentage from 0 to 100; got 101"]
    }


def test_point_from_form_ratio_rules() -> None:
    assert errors_of(point_from_form, date="01/02/2019", numerator="5", denominator="4") == {
        "numerator": ["cannot be above the denominator (5 > 4)"]
    }
    assert errors_of(point_from_form, date="01/02/2019", numerator="-1", denominator="4") == {
        "numerator": ["cannot be negative; got -1"]
    }
    assert errors_of(point_from_form, date="01/02/2019", numerator="0", denominator="0") == {
        "denominator": ["must be above zero (how many were counted); got 0"]
    }
    assert errors_of(point_from_form, date="01/02/2019", denominator="4") == {
        "numerator": ["is required with a denominator"]
    }
    assert errors_of(point_from_form, date="01/02/2019", numerator="4") == {
        "denominator": ["is required with a numerator"]
    }


def test_point_from_form_negative_count() -> None:
    assert errors_of(point_from_form, date="01/02/2019", value="-2", unit="count") == {
        "value": ["cannot be negative for a count measure; got -2"]
    }


def test_point_from_form_base_keeps_id_and_date() -> None:
    base = DataPoint(date=D(2019, 1, 1), value=1)
    p = point_from_form(date="01/02/2019", value="2", base=base, rebase_after=True)
    assert (p.id, p.date, p.value, p.rebase_after) == (base.id, D(2019, 2, 1), 2.0, True)
    fresh = point_from_form(date="01/02/2019", value="2")
    assert fresh.id != base.id and len(fresh.id) == 36


def test_an_untouched_field_keeps_its_stored_value_exactly() -> None:
    # A members item holding a comma, and a number with more digits than "%g" shows:
    # saving the form as shown must change neither (it split the member in two).
    aim = Aim(
        code="Aim 9",
        statement=SEED_AIM_STATEMENT,
        members=["Team Manager (TM), East team", "Reviewing Officer"],
        target_pct=85.123456789,
    )
    again = from_form(Aim, to_form(aim), base=aim)
    assert again.members == aim.members
    assert again.target_pct == aim.target_pct
    # A field the user did change is parsed as typed.
    edited = from_form(Aim, {**to_form(aim), "members": "SW, TM"}, base=aim)
    assert edited.members == ["SW", "TM"]
    # Items holding commas are shown apart with semicolons, so editing one keeps the others.
    shown = to_form(aim)["members"]
    assert shown == "Team Manager (TM), East team; Reviewing Officer"
    added = from_form(Aim, {**to_form(aim), "members": shown + "; Data lead"}, base=aim)
    assert added.members == [*aim.members, "Data lead"]


@pytest.mark.parametrize("value", [1234567.0, 1234567.891, 0.1, 85.123456789, 1e20, 2.5e-7])
def test_a_number_reads_back_from_its_form_text(value: float) -> None:
    # The point form and every number field show this text (it was "%g": 1.23457e+06).
    assert parse_number(number_text(value)) == value
    assert "e" not in number_text(1234567.0)
