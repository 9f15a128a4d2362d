"""Domain records: validation messages, stages, cycles, round-trips and aim hints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from conftest import SEED_AIM_STATEMENT

from pdsa_tui.model import (
    RECORD_TYPES,
    Aim,
    Case,
    ChangeIdea,
    Cycle,
    DataPoint,
    Feedback,
    FieldError,
    FieldSpec,
    Measure,
    Task,
    ValidationError,
    choices,
)
from pdsa_tui.model.base import _check_field
from pdsa_tui.model.drivers import (
    ChangePackage,
    EvidenceReview,
    PrimaryDriver,
    SecondaryDriver,
    SpreadEntry,
)
from pdsa_tui.model.programme import Answer, Assessment, Meeting, Question
from pdsa_tui.model.programme import Programme as ProgrammeRecord

D = dt.date


def messages(record: object, **kw: str) -> dict[str, list[str]]:
    """Field -> messages for every problem ``record.validate(**kw)`` finds."""
    out: dict[str, list[str]] = {}
    for e in record.validate(**kw):  # type: ignore[attr-defined]
        out.setdefault(e.field, []).append(e.message)
    return out


def valid_aim(**kw: object) -> Aim:
    return Aim(**{"code": "Aim 1", "statement": SEED_AIM_STATEMENT, **kw})  # type: ignore[arg-type]


# -- errors -----------------------------------------------------------------------


def test_field_error_and_validation_error_text() -> None:
    a = FieldError("code", "Code", "is required; it cannot be left empty")
    b = FieldError("target_pct", "Target %", "must be a percentage from 0 to 100; got 120")
    assert str(a) == "Code: is required; it cannot be left empty"
    err = ValidationError([a, b])
    assert str(err) == (
        "Code: is required; it cannot be left empty; "
        "Target %: must be a percentage from 0 to 100; got 120"
    )
    assert err.for_field("target_pct") == [b]
    assert err.for_field("lead") == []
    assert isinstance(err, ValueError)


# -- required fields --------------------------------------------------------------

REQUIRED = "is required; it cannot be left empty"


def test_aim_requires_code_and_statement() -> None:
    found = messages(Aim())
    assert found == {"code": [REQUIRED], "statement": [REQUIRED]}
    with pytest.raises(ValidationError) as info:
        Aim(code="  ", statement="\n").check()
    # Blank text is as empty as "", whether or not a form stripped it.
    assert [e.field for e in info.value.errors] == ["code", "statement"]
    assert str(info.value) == f"Code: {REQUIRED}; Statement: {REQUIRED}"


def test_measure_requires_name() -> None:
    assert messages(Measure()) == {"name": [REQUIRED]}


def test_idea_requires_title_and_lead() -> None:
    found = messages(ChangeIdea())
    assert found == {"title": [REQUIRED], "lead": [REQUIRED]}


def test_cycle_requires_objective() -> None:
    assert messages(Cycle()) == {"objective": [REQUIRED]}


def test_feedback_requires_date_source_and_text() -> None:
    found = messages(Feedback())
    assert found == {"date": [REQUIRED], "source": [REQUIRED], "text": [REQUIRED]}
    assert [e.label for e in Feedback().validate()] == ["Date", "Source", "What was said"]


def test_required_choice_cleared_is_reported() -> None:
    assert messages(valid_aim(kind="")) == {"kind": [REQUIRED]}


def test_valid_records_have_no_problems() -> None:
    assert valid_aim().validate() == []
    assert Measure(name="m").validate() == []
    assert ChangeIdea(title="t", lead="TL").validate() == []
    assert Cycle(objective="o").validate() == []
    assert Feedback(date=D(2019, 3, 1), source="carer", text="fine").validate() == []
    a = valid_aim()
    assert a.check() is a


# -- percentages and numbers ---------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 100.5, 120])
def test_aim_target_pct_0_to_100(value: float) -> None:
    found = messages(valid_aim(target_pct=value))
    assert found == {"target_pct": [f"must be a percentage from 0 to 100; got {value:g}"]}


@pytest.mark.parametrize("value", [0, 85, 100])
def test_aim_target_pct_bounds_ok(value: float) -> None:
    assert valid_aim(target_pct=value).validate() == []


def test_percent_goal_0_to_100_only_for_percent_measures() -> None:
    assert messages(Measure(name="m", unit="percent", goal=101)) == {
        "goal": ["must be a percentage from 0 to 100; got 101"]
    }
    assert messages(Measure(name="m", unit="percent", goal=-5)) == {
        "goal": ["must be a percentage from 0 to 100; got -5"]
    }
    assert Measure(name="m", unit="days", goal=210).validate() == []
    assert Measure(name="m", unit="percent", goal=100).validate() == []


def test_min_max_messages_of_number_fields() -> None:
    spec = FieldSpec("goal", "Goal", "number", False, None, 1, 10, "")
    assert _check_field(spec, 0) == [FieldError("goal", "Goal", "must be at least 1; got 0")]
    assert _check_field(spec, 10.5) == [FieldError("goal", "Goal", "must be at most 10; got 10.5")]
    assert _check_field(spec, 5) == []


# -- dates in order -------------------------------------------------------------------


def test_aim_deadline_after_cohort_from() -> None:
    found = messages(valid_aim(cohort_from=D(2019, 2, 1), deadline=D(2019, 1, 1)))
    assert found == {
        "deadline": ["must be after the cohort from-date (01/02/2019); got 01/01/2019"]
    }
    same = messages(valid_aim(cohort_from=D(2019, 2, 1), deadline=D(2019, 2, 1)))
    assert same == {"deadline": ["must be after the cohort from-date (01/02/2019); got 01/02/2019"]}
    assert valid_aim(cohort_from=D(2019, 2, 1), deadline=D(2019, 12, 1)).validate() == []
    assert valid_aim(deadline=D(2019, 12, 1)).validate() == []


def test_cycle_planned_end_not_before_start() -> None:
    c = Cycle(objective="o", planned_start=D(2019, 3, 4), planned_end=D(2019, 3, 1))
    assert messages(c) == {
        "planned_end": ["must be on or after the planned start (04/03/2019); got 01/03/2019"]
    }
    assert dataclasses.replace(c, planned_end=D(2019, 3, 4)).validate() == []


def test_cycle_do_end_not_before_do_start() -> None:
    c = Cycle(objective="o", do_start=D(2019, 3, 4), do_end=D(2019, 3, 3))
    assert messages(c) == {
        "do_end": [
            "must be on or after the date it was carried out from (04/03/2019); got 03/03/2019"
        ]
    }
    err = c.validate()[0]
    assert err.label == "Carried out to"


def test_cycle_both_date_errors_at_once() -> None:
    c = Cycle(
        planned_start=D(2019, 3, 4),
        planned_end=D(2019, 3, 1),
        do_start=D(2019, 3, 4),
        do_end=D(2019, 3, 3),
    )
    assert [e.field for e in c.validate()] == ["objective", "planned_end", "do_end"]


# -- choices ------------------------------------------------------------------------


def test_unknown_choice_lists_accepted_labels() -> None:
    assert messages(valid_aim(kind="regional")) == {
        "kind": ["'regional' is not one of the choices; choose one of: National, Local"]
    }
    fb = Feedback(date=D(2019, 3, 1), source="granny", text="x", tone="angry")
    found = messages(fb)
    assert found["source"] == [
        "'granny' is not one of the choices; choose one of: Child or young person, Parent, "
        "Carer, Kinship carer, Foster carer, Practitioner, Partner agency, Other"
    ]
    assert found["tone"] == [
        "'angry' is not one of the choices; choose one of: Positive, Mixed, Negative, Neutral"
    ]
    assert messages(Cycle(objective="o", decision="maybe")) == {
        "decision": [
            "'maybe' is not one of the choices; choose one of: Adopt, Adapt, Abandon, Expand"
        ]
    }


@pytest.mark.parametrize(
    ("table", "text", "expected"),
    [
        (choices.FEEDBACK_SOURCES, "foster carer", "foster_carer"),
        (choices.FEEDBACK_SOURCES, "Foster", "foster_carer"),
        (choices.FEEDBACK_SOURCES, "kinship_carer", "kinship_carer"),
        (choices.FEEDBACK_SOURCES, "Kinship-carer", "kinship_carer"),
        (choices.FEEDBACK_SOURCES, "child or young person", "child"),
        (choices.FEEDBACK_SOURCES, "Young", None),  # not a prefix of anything
        (choices.FEEDBACK_SOURCES, "carer", "carer"),  # exact beats prefix
        (choices.FEEDBACK_SOURCES, "pa", None),  # parent / partner agency: ambiguous
        (choices.FEEDBACK_SOURCES, "par", None),
        (choices.FEEDBACK_SOURCES, "pare", "parent"),
        (choices.DIRECTIONS, "Higher is better", "up"),
        (choices.DIRECTIONS, "lower", "down"),
        (choices.DIRECTIONS, "DOWN", "down"),
        (choices.DECISIONS, "ad", None),  # adopt / adapt
        (choices.DECISIONS, "adap", "adapt"),
        (choices.DECISIONS, "e", "expand"),
        (choices.UNITS, "  Percent ", "percent"),
        (choices.UNITS, "", None),
        (choices.UNITS, "litres", None),
    ],
)
def test_match_choice(table: dict[str, str], text: str, expected: str | None) -> None:
    assert choices.match_choice(table, text) == expected


def test_choice_label() -> None:
    assert choices.label(choices.FEEDBACK_SOURCES, "foster_carer") == "Foster carer"
    assert choices.label(choices.FEEDBACK_SOURCES, "unknown") == "unknown"
    assert choices.label(choices.FEEDBACK_SOURCES, None) == ""
    assert choices.label(choices.FEEDBACK_SOURCES, "") == ""


def test_no_names_reminder_is_on_feedback_prompts() -> None:
    assert "Never write names" in choices.NO_NAMES_REMINDER
    assert len(choices.FEEDBACK_PROMPTS) == 3


# -- data points -------------------------------------------------------------------


def point(**kw: object) -> DataPoint:
    return DataPoint(date=D(2019, 1, 1), **kw)  # type: ignore[arg-type]


def test_point_value_or_ratio_not_both() -> None:
    p = point(value=5, numerator=1, denominator=2)
    assert messages(p) == {
        "value": ["give either a value or a numerator and denominator, not both"]
    }


def test_point_needs_something() -> None:
    assert messages(point()) == {
        "value": ["is required: give a value, or a numerator and a denominator"]
    }


def test_point_percent_value_0_to_100() -> None:
    assert messages(point(value=101), unit="percent") == {
        "value": ["must be a percentage from 0 to 100; got 101"]
    }
    assert messages(point(value=-0.5), unit="percent") == {
        "value": ["must be a percentage from 0 to 100; got -0.5"]
    }
    assert point(value=100).validate("percent") == []
    assert point(value=101).validate("count") == []


@pytest.mark.parametrize("unit", ["count", "days", "weeks", "rate"])
def test_point_value_not_negative(unit: str) -> None:
    assert messages(point(value=-3), unit=unit) == {
        "value": [f"cannot be negative for a {unit} measure; got -3"]
    }
    assert point(value=0).validate(unit) == []


def test_point_numerator_rules() -> None:
    assert messages(point(denominator=10)) == {"numerator": ["is required with a denominator"]}
    assert messages(point(numerator=3)) == {"denominator": ["is required with a numerator"]}
    assert messages(point(numerator=-1, denominator=10)) == {
        "numerator": ["cannot be negative; got -1"]
    }
    assert messages(point(numerator=11, denominator=10)) == {
        "numerator": ["cannot be above the denominator (11 > 10)"]
    }
    assert point(numerator=10, denominator=10).validate() == []
    assert point(numerator=0, denominator=10).validate() == []


@pytest.mark.parametrize("denominator", [0, -4])
def test_point_denominator_above_zero(denominator: float) -> None:
    assert messages(point(numerator=0, denominator=denominator)) == {
        "denominator": [f"must be above zero (how many were counted); got {denominator:g}"]
    }


def test_point_y() -> None:
    assert point(value=4.5).y == 4.5
    assert point(numerator=3, denominator=4).y == 75.0
    assert point(numerator=3, denominator=0).y is None
    assert point().y is None


def test_measure_reports_bad_points() -> None:
    m = Measure(name="m", unit="percent", points=[point(value=50), point(value=150)])
    assert messages(m) == {
        "points": [
            "the point of 01/01/2019: Value: must be a percentage from 0 to 100; got 150; "
            "correct or delete that point"
        ]
    }


def test_sorted_points_stable() -> None:
    a = DataPoint(date=D(2019, 2, 1), value=1)
    b = DataPoint(date=D(2019, 1, 1), value=2)
    c = DataPoint(date=D(2019, 2, 1), value=3)
    assert Measure(name="m", points=[a, b, c]).sorted_points() == [b, a, c]


# -- cycles -----------------------------------------------------------------------


def test_cycle_stage_walks_plan_do_study_act_closed() -> None:
    c = Cycle()
    assert c.stage == "plan"
    c.objective = "Test a meeting"
    assert c.stage == "plan"
    c.predictions = "It will happen in 4 weeks"
    assert c.stage == "plan"  # still no planned start
    c.planned_start = D(2019, 3, 4)
    assert c.stage == "do"
    c.what_happened = "Held in week 3"
    assert c.stage == "study"
    c.results = "As predicted"
    assert c.stage == "act"
    c.decision = "adopt"
    assert c.stage == "closed"
    assert set(choices.STAGES) == {"plan", "do", "study", "act", "closed"}


@pytest.mark.parametrize(
    ("fields", "stage"),
    [
        ({"objective": "o", "predictions": "  ", "planned_start": D(2019, 1, 1)}, "plan"),
        ({"do_end": D(2019, 1, 2)}, "study"),
        ({"problems": "late"}, "study"),
        ({"what_happened": "   "}, "plan"),
        ({"learned": "x"}, "act"),
        ({"decision": "abandon"}, "closed"),
    ],
)
def test_cycle_stage_from_single_fields(fields: dict[str, object], stage: str) -> None:
    assert Cycle(**fields).stage == stage  # type: ignore[arg-type]


def test_cycle_title_uses_number() -> None:
    assert Cycle(number=3, objective="Try it").title == "Cycle 3: Try it"


def test_next_cycle_copies_the_plan_only() -> None:
    first = Cycle(
        idea_id="idea-1",
        number=1,
        objective="o",
        lead="SW",
        questions="q",
        predictions="p",
        tasks=[Task("SW", "book", "wk1", "office")],
        data_to_collect="d",
        planned_start=D(2019, 3, 4),
        planned_end=D(2019, 3, 29),
        scale="1 team",
        do_start=D(2019, 3, 4),
        what_happened="w",
        results="r",
        learned="l",
        decision="adapt",
        next_steps="n",
    )
    nxt = first.next_cycle()
    assert nxt.idea_id == "idea-1"
    assert nxt.adapted_from == first.id
    assert nxt.id != first.id
    assert nxt.number == 0  # the store gives it the next number
    for name in ("objective", "lead", "questions", "predictions", "data_to_collect", "scale"):
        assert getattr(nxt, name) == getattr(first, name), name
    assert nxt.tasks == first.tasks
    assert nxt.tasks[0] is not first.tasks[0]  # a copy, not shared
    for name in ("do_start", "what_happened", "results", "learned", "decision", "next_steps"):
        assert not getattr(nxt, name), name
    assert nxt.planned_start is None and nxt.planned_end is None
    assert nxt.stage == "plan"


def test_task_lines() -> None:
    t = Task("SW", "book meeting", "week 1", "office")
    assert t.to_line() == "SW | book meeting | week 1 | office"
    assert Task.from_line(t.to_line()) == t
    assert Task("SW", "call").to_line() == "SW | call"
    assert Task.from_line("SW") == Task("SW", "", "", "")
    assert Task.from_line("a | b | c | d | e") == Task("a", "b", "c", "d | e")
    assert Task.from_dict({"who": "x", "what": 3}) == Task("x", "3", "", "")


# -- round trips --------------------------------------------------------------------


def full_records() -> list[object]:
    aim = valid_aim(
        target_pct=85.5,
        population="looked after and accommodated",
        cohort_from=D(2019, 2, 1),
        deadline=D(2019, 12, 1),
        lead="SM",
        members=["a", "b"],
        kind="national",
        status="achieved",
        notes="notes\nsecond line",
    )
    measure = Measure(
        aim_id=aim.id,
        name="m",
        type="process",
        unit="days",
        direction="down",
        goal=30,
        definition="d",
        source="s",
        frequency="weekly",
        points=[
            DataPoint(date=D(2019, 1, 1), value=3.5, note="n", rebase_after=True),
            DataPoint(date=D(2019, 2, 1), numerator=1, denominator=4, baseline_end=True),
        ],
    )
    idea = ChangeIdea(
        aim_id=aim.id,
        title="t",
        description="d",
        lead="TL",
        status="spreading",
        settings=["North", "South"],
        affects=["foster carer", "practitioner"],
        driver_id="sd-1",
    )
    cycle = Cycle(
        idea_id=idea.id,
        number=2,
        adapted_from="prev",
        objective="o",
        tasks=[Task("SW", "book", "wk1", "office"), Task(what="chair")],
        planned_start=D(2019, 3, 4),
        planned_end=D(2019, 3, 29),
        do_start=D(2019, 3, 5),
        do_end=D(2019, 3, 28),
        decision="expand",
    )
    fb = Feedback(
        cycle_id=cycle.id,
        date=D(2019, 3, 20),
        source="kinship_carer",
        method="questionnaire",
        text="It helped — “a lot”",
        themes=["clarity", "time"],
        tone="mixed",
    )
    return [aim, measure, idea, cycle, fb]


@pytest.mark.parametrize("index", range(5), ids=["aim", "measure", "idea", "cycle", "feedback"])
def test_to_dict_from_dict_round_trip(index: int) -> None:
    rec = full_records()[index]
    data = rec.to_dict()  # type: ignore[attr-defined]
    again = type(rec).from_dict(json.loads(json.dumps(data)))  # type: ignore[attr-defined]
    assert again == rec
    assert again.to_dict() == data


def test_to_dict_shapes() -> None:
    _, measure, _, cycle, fb = full_records()
    m = measure.to_dict()  # type: ignore[attr-defined]
    assert m["points"][0]["date"] == "2019-01-01"
    assert m["points"][0]["rebase_after"] is True
    assert m["points"][1]["numerator"] == 1 and m["points"][1]["denominator"] == 4
    c = cycle.to_dict()  # type: ignore[attr-defined]
    assert c["tasks"] == [
        {"who": "SW", "what": "book", "when": "wk1", "where": "office"},
        {"who": "", "what": "chair", "when": "", "where": ""},
    ]
    assert c["planned_start"] == "2019-03-04"
    assert c["do_end"] == "2019-03-28"
    f = fb.to_dict()  # type: ignore[attr-defined]
    assert f["date"] == "2019-03-20"
    assert f["themes"] == ["clarity", "time"]
    assert set(f) >= {"id", "created", "updated", "cycle_id"}


def test_from_dict_ignores_unknown_and_defaults_missing() -> None:
    aim = Aim.from_dict({"id": "x", "code": "A", "statement": "s", "colour": "blue"})
    assert aim.id == "x"
    assert aim.kind == "local" and aim.status == "active" and aim.members == []
    assert aim.deadline is None


def test_point_round_trip() -> None:
    p = DataPoint(date=D(2019, 1, 1), numerator=2, denominator=3, note="x", baseline_end=True)
    assert DataPoint.from_dict(json.loads(json.dumps(p.to_dict()))) == p


def test_record_types_table() -> None:
    assert {
        "aims": Aim,
        "measures": Measure,
        "ideas": ChangeIdea,
        "cycles": Cycle,
        "feedback": Feedback,
        "programme": ProgrammeRecord,
        "meetings": Meeting,
        "assessments": Assessment,
        "answers": Answer,
        "questions": Question,
        "primary_drivers": PrimaryDriver,
        "secondary_drivers": SecondaryDriver,
        "evidence_reviews": EvidenceReview,
        "spread": SpreadEntry,
        "change_packages": ChangePackage,
        "cases": Case,
    } == RECORD_TYPES


def test_specs_skip_internal_fields() -> None:
    names = [s.name for s in Cycle.specs()]
    assert "id" not in names and "idea_id" not in names and "number" not in names
    assert names[0] == "objective"
    assert "points" not in [s.name for s in Measure.specs()]
    with pytest.raises(KeyError):
        Aim.spec("nope")
    assert Aim.spec("target_pct").kind == "percent"


def test_new_ids_are_unique_uuid4() -> None:
    ids = {Aim().id for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 36 and i[14] == "4" for i in ids)


# -- aim statement hints ---------------------------------------------------------------

NO_PCT = "The statement gives no percentage (how much?)."
NO_FROM = "The statement gives no from-date (from when?)."
NO_BY = "The statement gives no by-date (by when?)."


def test_seed_aim_statement_has_no_hints() -> None:
    assert valid_aim().statement_hints() == []


@pytest.mark.parametrize(
    ("statement", "hints"),
    [
        ("Improve permanence planning for looked after children.", [NO_PCT, NO_FROM, NO_BY]),
        (
            "By 01 Dec 2019, more children accommodated on or after 01 Feb 2019 will have a plan.",
            [NO_PCT],
        ),
        ("By 01 Dec 2019, 85% of children will have a plan.", [NO_FROM]),
        ("85% of children accommodated from 01 Feb 2019 will have a plan.", [NO_BY]),
        ("85 per cent of children will have a plan by the panel.", [NO_FROM, NO_BY]),
        ("By December, 85 percent of children since 1 Feb 2019.", [NO_BY]),
    ],
)
def test_weak_statements_get_hints(statement: str, hints: list[str]) -> None:
    assert valid_aim(statement=statement).statement_hints() == hints


def test_aim_title_is_code() -> None:
    assert valid_aim(code="Aim 2").title == "Aim 2"


def test_measure_chart_choice_and_value_kind_are_ordinary_fields() -> None:
    from pdsa_tui.analysis.measures import available_charts, default_chart

    old = Measure.from_dict({"aim_id": "a", "name": "Breakdowns", "unit": "days"})
    assert old.chart == "" and old.values_are == "measurements"
    m = dataclasses.replace(
        old,
        values_are="time_between",
        chart="t",
        points=[DataPoint(date=dt.date(2019, k, 1), value=float(10 + k)) for k in range(1, 8)],
    )
    assert m.validate() == []
    assert Measure.from_dict(m.to_dict()) == m
    assert available_charts(m) == ["run", "i", "mr", "t"] and default_chart(m) == "t"
    # A zero gap cannot go on a T chart: the stored choice falls back to the run chart.
    zero = dataclasses.replace(m, points=[*m.points, DataPoint(date=dt.date(2019, 9, 1), value=0)])
    assert "t" not in available_charts(zero) and default_chart(zero) == "run"
    bad = dataclasses.replace(m, values_are="sometimes")
    assert any(e.field == "values_are" for e in bad.validate())


def test_rate_points_may_exceed_their_denominator() -> None:
    p = DataPoint(date=dt.date(2019, 1, 1), numerator=7, denominator=2.5)
    assert p.validate("rate") == []
    assert any(e.field == "numerator" for e in p.validate("percent"))


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"value": 3.5, "numerator": None, "denominator": None},
        {"observations": [1.0, 2.0], "value": 1.5, "numerator": None, "denominator": None},
        {"observations": [1.0, 2.0], "value": None, "numerator": None, "denominator": None},
        {"observations": "not a list"},
        {"date": ""},
    ],
)
def test_a_stored_point_is_read_as_the_general_reading_reads_it(changes: dict[str, object]) -> None:
    """A point stored as pdsa writes it is read without building keywords: the same point
    (every field, the observations list itself) as the reading of any other layout."""
    from types import MappingProxyType

    from pdsa_tui.model import DataPoint, Measure
    from pdsa_tui.model.dates import parse_date

    point = DataPoint(date=parse_date("2024-01-01"), numerator=3, denominator=10, note="n")
    stored = Measure(name="m", points=[point]).to_dict()["points"][0]
    stored.update(changes)
    fast, general = DataPoint.from_dict(stored), DataPoint.from_dict(MappingProxyType(stored))
    assert vars(fast) == vars(general)
    assert fast.observations is general.observations or not isinstance(stored["observations"], list)
