"""Case measures: reference rules, the derivation of monthly points, and the store's cases."""

from __future__ import annotations

import datetime as dt

import pytest

from pdsa_tui.analysis.cases import (
    case_counts,
    case_state,
    case_states,
    cases_due_in,
    closed_by_milestone,
    derive_points,
    live_measures,
    open_by_deadline,
    toggle_mark,
    with_derived_points,
)
from pdsa_tui.model import Aim, Case, DataPoint, Measure, ValidationError, ref_problem
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.store import Store

D = dt.date
TODAY = D(2026, 11, 27)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates_mod, "today", lambda: TODAY)


def case_measure(**kw: object) -> Measure:
    fields: dict[str, object] = {
        "aim_id": "a",
        "name": "Permanence within 30 weeks",
        "cases": True,
        "start_event": "accommodated",
        "milestone": "permanence recommendation",
        "target_weeks": 30,
    }
    fields.update(kw)
    return Measure(**fields)  # type: ignore[arg-type]


def case(ref: str, start: dt.date, end: dt.date | None = None, measure: str = "m") -> Case:
    return Case(measure_id=measure, ref=ref, start=start, end=end)


# -- references ------------------------------------------------------------------------------
@pytest.mark.parametrize("ref", ["C-1042", "SW/2019/0042", "12345", "CP 2019 42", "c-7"])
def test_case_management_references_are_accepted(ref: str) -> None:
    assert ref_problem(ref) is None


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("Amy", "has no digit"),
        ("amy jones", "has no digit"),
        ("Amy Jones 4", "looks like a person's name (Amy Jones)"),
        ("Mary-Jane O'Neil 12", "looks like a person's name"),
        ("", "is required"),
        ("C-" + "1" * 50, "at most 40"),
    ],
)
def test_name_like_references_are_refused_saying_why(ref: str, why: str) -> None:
    problem = ref_problem(ref)
    assert problem is not None and why in problem


def test_case_validation_names_each_field() -> None:
    bad = Case(measure_id="m", ref="Tom Smith", start=D(2026, 12, 1), end=D(2026, 11, 1))
    errors = {e.field: e.message for e in bad.validate()}
    assert "no digit" in errors["ref"]
    assert errors["start"] == "cannot be in the future; got 01/12/2026"
    assert "before the start date (01/12/2026)" in errors["end"]
    future_end = Case(measure_id="m", ref="C-1", start=D(2026, 1, 1), end=D(2026, 11, 28))
    assert [e.field for e in future_end.validate()] == ["end"]
    # The milestone may be on the start day and on today.
    assert Case(measure_id="m", ref="C-1", start=TODAY, end=TODAY).validate() == []


def test_case_measure_needs_its_events_and_whole_target_weeks() -> None:
    m = Measure(aim_id="a", name="x", cases=True)
    fields = {e.field for e in m.validate()}
    assert {"start_event", "milestone", "target_weeks"} <= fields
    m = case_measure(target_weeks=30.5, reminder_weeks=31)
    msgs = {e.field: e.message for e in m.validate()}
    assert msgs["target_weeks"] == "must be whole weeks; got 30.5"
    assert "must come before the target" in msgs["reminder_weeks"]
    assert case_measure().reminder_at == 15
    assert case_measure(reminder_weeks=10).reminder_at == 10
    typed = case_measure(points=[DataPoint(date=D(2026, 1, 1), value=50)])
    assert any("derived from its cases" in e.message for e in typed.validate())
    assert any(e.field == "unit" for e in case_measure(unit="days").validate())


# -- one case ------------------------------------------------------------------------------------
def test_deadline_is_start_plus_seven_times_target_weeks_days() -> None:
    s = case_state(case("C-1", D(2026, 1, 5)), 30, 15, TODAY)
    assert s.deadline == D(2026, 1, 5) + dt.timedelta(days=210)
    assert s.reminder == D(2026, 1, 5) + dt.timedelta(days=105)


def test_milestone_on_the_deadline_day_is_met_and_a_day_later_missed() -> None:
    start = D(2026, 1, 5)
    deadline = start + dt.timedelta(days=210)
    on_time = case_state(case("C-1", start, deadline), 30, 15, TODAY)
    late = case_state(case("C-2", start, deadline + dt.timedelta(days=1)), 30, 15, TODAY)
    assert (on_time.status, on_time.weeks) == ("met", 30.0)
    assert (late.status, late.weeks) == ("missed", 30.1)


def test_missed_without_a_milestone_once_the_deadline_has_passed() -> None:
    start = TODAY - dt.timedelta(days=211)
    s = case_state(case("C-1", start), 30, 15, TODAY)
    assert s.status == "missed" and s.overdue and not s.past_reminder
    assert s.days_left == -1 and s.weeks == 30.1
    on_deadline_day = case_state(case("C-2", TODAY - dt.timedelta(days=210)), 30, 15, TODAY)
    assert on_deadline_day.status == "open" and not on_deadline_day.overdue


def test_open_case_past_its_reminder_point() -> None:
    s = case_state(case("C-1", TODAY - dt.timedelta(days=105)), 30, 15, TODAY)
    assert (s.status, s.past_reminder, s.reminder_in, s.weeks) == ("open", True, 0, 15.0)
    before = case_state(case("C-2", TODAY - dt.timedelta(days=104)), 30, 15, TODAY)
    assert not before.past_reminder and before.reminder_in == 1


# -- monthly points -------------------------------------------------------------------------------
def _start_for(deadline: dt.date, weeks: int = 30) -> dt.date:
    return deadline - dt.timedelta(days=7 * weeks)


def test_monthly_points_count_each_case_once_in_its_deadline_month() -> None:
    m = case_measure(id="m")
    cases = [
        # Deadline on the last day of August: counts in August. Met on the deadline day.
        case("C-1", _start_for(D(2026, 8, 31)), D(2026, 8, 31)),
        # Deadline 1 Sep, milestone came late (in October): missed, counted in September.
        case("C-2", _start_for(D(2026, 9, 1)), D(2026, 10, 2)),
        # Deadline in September, milestone early (in June): met, still counted in September.
        case("C-3", _start_for(D(2026, 9, 20)), D(2026, 6, 1)),
        # Deadline in September with no milestone: missed.
        case("C-4", _start_for(D(2026, 9, 30))),
        # No case falls due in October: no point for October.
        # Deadline in November (this month, not ended): no point yet, however it stands.
        case("C-5", _start_for(D(2026, 11, 2)), D(2026, 10, 1)),
        # Open, deadline ahead.
        case("C-6", _start_for(D(2027, 1, 15))),
        # Another measure's case is ignored.
        case("X-1", _start_for(D(2026, 8, 10)), measure="other"),
    ]
    states = case_states(m, cases, TODAY)
    assert [s.status for s in states] == ["met", "missed", "met", "missed", "met", "open"]
    points = derive_points(states, TODAY)
    assert [(p.date, p.numerator, p.denominator) for p in points] == [
        (D(2026, 8, 1), 1, 1),
        (D(2026, 9, 1), 1, 3),
    ]
    assert points[1].y == pytest.approx(100 / 3)
    counts = case_counts(states)
    assert (counts.open, counts.met, counts.missed, counts.overdue) == (1, 3, 2, 1)
    assert counts.sentence() == (
        "6 cases: 2 open (1 overdue, 1 past the reminder), 3 met, 1 missed"
    )
    # A month's point leads to the cases it counts (any day of the month finds them).
    assert [s.case.ref for s in cases_due_in(states, D(2026, 9, 17))] == ["C-2", "C-3", "C-4"]
    assert [s.case.ref for s in cases_due_in(states, D(2026, 8, 1))] == ["C-1"]
    assert cases_due_in(states, D(2026, 10, 1)) == []


def test_a_month_gets_its_point_on_the_first_day_of_the_next_month() -> None:
    m = case_measure(id="m")
    cases = [case("C-1", _start_for(D(2026, 10, 31)), D(2026, 10, 1))]
    states_in_oct = case_states(m, cases, D(2026, 10, 31))
    assert derive_points(states_in_oct, D(2026, 10, 31)) == []
    nov1 = derive_points(case_states(m, cases, D(2026, 11, 1)), D(2026, 11, 1))
    assert [(p.date, p.numerator, p.denominator) for p in nov1] == [(D(2026, 10, 1), 1, 1)]


def test_no_cases_no_points_and_typed_measures_are_left_alone() -> None:
    m = case_measure(id="m")
    assert with_derived_points(m, [], TODAY).points == []
    typed = Measure(id="t", aim_id="a", name="typed", points=[DataPoint(D(2026, 1, 1), value=3)])
    assert with_derived_points(typed, [case("C-1", D(2026, 1, 1), measure="t")], TODAY) is typed
    live = live_measures([typed, m], [case("C-1", _start_for(D(2026, 3, 3)), measure="m")], TODAY)
    assert live[0] is typed
    assert [(p.numerator, p.denominator) for p in live[1].points] == [(0, 1)]


def test_open_cases_sort_by_days_to_deadline_closed_by_milestone() -> None:
    m = case_measure(id="m")
    cases = [
        case("C-3", TODAY - dt.timedelta(days=20)),
        case("C-1", TODAY - dt.timedelta(days=200)),
        case("C-2", TODAY - dt.timedelta(days=300)),
        case("C-9", D(2026, 1, 1), D(2026, 5, 1)),
        case("C-8", D(2026, 2, 1), D(2026, 3, 1)),
    ]
    states = case_states(m, cases, TODAY)
    assert [s.case.ref for s in open_by_deadline(states)] == ["C-2", "C-1", "C-3"]
    assert [s.case.ref for s in closed_by_milestone(states)] == ["C-8", "C-9"]


# -- store ----------------------------------------------------------------------------------
def _saved_case_measure(store: Store) -> Measure:
    aim = store.save(Aim(code="Aim 2", statement="x"))
    return store.save(case_measure(aim_id=aim.id))


def test_store_keeps_cases_in_their_own_table_and_refuses_a_second_ref(store: Store) -> None:
    m = _saved_case_measure(store)
    saved = store.measure_data.save_case(m, Case(ref="C-1042", start=D(2026, 5, 1)))
    assert saved.measure_id == m.id
    assert store.find_case(m, "c-1042") == saved
    with pytest.raises(ValidationError, match="already a case of"):
        store.measure_data.save_case(m, Case(ref="c-1042", start=D(2026, 6, 1)))
    # An update of the same case keeps its reference.
    store.measure_data.save_case(m, Case(**{**saved.__dict__, "end": D(2026, 9, 1)}))
    with Store.open(store.path, read_only=True) as again:
        assert [(c.ref, c.end) for c in again.cases(m.id)] == [("C-1042", D(2026, 9, 1))]
    assert store.counts()["cases"] == 1


def test_cases_are_saved_all_or_none_and_go_with_their_measure(store: Store) -> None:
    m = _saved_case_measure(store)
    with pytest.raises(ValidationError):
        store.measure_data.save_cases(
            m, [Case(ref="C-1", start=D(2026, 1, 1)), Case(ref="Ann Lee 2", start=D(2026, 1, 1))]
        )
    assert store.cases(m.id) == []
    store.measure_data.save_cases(
        m, [Case(ref="C-1", start=D(2026, 1, 1)), Case(ref="C-2", start=TODAY)]
    )
    assert store.dependents(m) == {"cases": 2}
    store.delete(m)
    assert store.cases() == []


def test_typed_measures_take_no_cases_and_case_measures_no_points(store: Store) -> None:
    m = _saved_case_measure(store)
    typed = store.save(Measure(aim_id=m.aim_id, name="typed"))
    with pytest.raises(ValidationError, match="typed points, not of cases"):
        store.measure_data.save_case(typed, Case(ref="C-1", start=D(2026, 1, 1)))
    with pytest.raises(ValidationError, match="derived from its cases"):
        store.measure_data.add_point(m, DataPoint(D(2026, 1, 1), numerator=1, denominator=2))


def test_month_marks_put_baseline_and_rebase_markers_on_derived_points() -> None:
    m = case_measure(id="m", month_marks=["2026-08-01:baseline_end", "2026-09-01:rebase_after"])
    cases = [
        case("C-1", _start_for(D(2026, 8, 10)), D(2026, 8, 1)),
        case("C-2", _start_for(D(2026, 9, 10)), D(2026, 9, 1)),
    ]
    points = with_derived_points(m, cases, TODAY).points
    assert [(p.baseline_end, p.rebase_after) for p in points] == [(True, False), (False, True)]
    marks = toggle_mark(m.month_marks, D(2026, 8, 1), "baseline_end")
    assert marks == ["2026-09-01:rebase_after"]
    assert toggle_mark(marks, D(2026, 10, 1), "baseline_end") == [
        "2026-09-01:rebase_after",
        "2026-10-01:baseline_end",
    ]
