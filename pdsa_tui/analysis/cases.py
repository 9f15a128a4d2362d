"""Case measures: each case's deadline and status, and the monthly points derived from them.

Pure functions of the cases, the measure's target and ``today``:

- a case's deadline is start + 7 x target weeks days; its reminder date is start +
  7 x reminder weeks days (whole days, rounded down);
- it is **met** if its milestone date is on or before the deadline, **missed** if the
  milestone came later or the deadline passed without one, and **open** while the
  deadline is ahead (or today) and no milestone is recorded;
- each case counts once, in the calendar month of its deadline; a month's point (dated
  the 1st) exists once the month has ended and at least one case fell due in it:
  numerator = met, denominator = due.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Literal

from pdsa_tui.model import Case, DataPoint, Measure
from pdsa_tui.valueclass import value_class

CaseStatus = Literal["open", "met", "missed"]


@value_class(frozen=True, slots=True)
class CaseState:
    """One case with its dates and status on ``today``."""

    case: Case
    start: dt.date
    deadline: dt.date
    reminder: dt.date
    status: CaseStatus
    #: Weeks from start to milestone, or to today while no milestone (one decimal).
    weeks: float
    #: Days from today to the deadline (negative once it has passed).
    days_left: int
    #: Days from today to the reminder date (negative once it has passed).
    reminder_in: int

    @property
    def closed(self) -> bool:
        """The milestone is recorded."""
        return self.case.end is not None

    @property
    def past_reminder(self) -> bool:
        """Open and at or past the reminder point."""
        return self.status == "open" and self.reminder_in <= 0

    @property
    def overdue(self) -> bool:
        """No milestone recorded and the deadline has passed."""
        return self.case.end is None and self.days_left < 0


def case_state(case: Case, target_weeks: float, reminder_weeks: float, today: dt.date) -> CaseState:
    """Where ``case`` stands on ``today``."""
    return _state(case, _days(target_weeks), _days(reminder_weeks), today)


def _days(weeks: float) -> dt.timedelta:
    """``weeks`` as whole days (rounded down), to add to a start date."""
    return dt.timedelta(days=math.floor(7 * weeks))


def _state(
    case: Case, to_deadline: dt.timedelta, to_reminder: dt.timedelta, today: dt.date
) -> CaseState:
    start = case.start
    assert start is not None  # a saved case always has a start date
    deadline = start + to_deadline
    reminder = start + to_reminder
    status: CaseStatus
    end = case.end
    if end is not None:
        status = "met" if end <= deadline else "missed"
        weeks = (end - start).days / 7
    else:
        status = "missed" if today > deadline else "open"
        weeks = max(0, (today - start).days) / 7
    return CaseState(
        case,
        start,
        deadline,
        reminder,
        status,
        round(weeks, 1),
        (deadline - today).days,
        (reminder - today).days,
    )


def case_states(measure: Measure, cases: Iterable[Case], today: dt.date) -> list[CaseState]:
    """Every case of ``measure`` with its status, in start order."""
    target = measure.target_weeks
    reminder = measure.reminder_at
    if target is None or reminder is None:
        return []
    # The offsets once per measure, not per case: 5,000 cases are worked out per redraw.
    to_deadline, to_reminder = _days(target), _days(reminder)
    mid = measure.id
    states = [
        _state(c, to_deadline, to_reminder, today)
        for c in cases
        if c.measure_id == mid and c.start is not None
    ]
    states.sort(key=lambda s: (s.start, s.case.ref))
    return states


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


MARKS = ("baseline_end", "rebase_after")


def parse_marks(marks: Iterable[str]) -> dict[dt.date, set[str]]:
    """``["2019-06-01:baseline_end"]`` -> ``{date(2019, 6, 1): {"baseline_end"}}``."""
    out: dict[dt.date, set[str]] = {}
    for mark in marks:
        day, _, kind = mark.partition(":")
        try:
            month = dt.date.fromisoformat(day)
        except ValueError:
            continue
        if kind in MARKS:
            out.setdefault(month, set()).add(kind)
    return out


def toggle_mark(marks: Sequence[str], month: dt.date, kind: str) -> list[str]:
    """``marks`` with ``kind`` at ``month`` switched on or off."""
    mark = f"{month.isoformat()}:{kind}"
    return [m for m in marks if m != mark] if mark in marks else sorted([*marks, mark])


def cases_due_in(states: Iterable[CaseState], month: dt.date) -> list[CaseState]:
    """The cases whose deadline falls in ``month`` (those its point counts), by reference."""
    first = _month_start(month)
    return sorted(
        (s for s in states if _month_start(s.deadline) == first), key=lambda s: s.case.ref
    )


def derive_points(
    states: Iterable[CaseState], today: dt.date, marks: Iterable[str] = ()
) -> list[DataPoint]:
    """The monthly points: per ended month with cases due, met over due, dated the 1st.

    ``marks`` (see :attr:`Measure.month_marks`) put the baseline-end and rebase markers
    on the points of their months, as on typed points.
    """
    marked = parse_marks(marks)
    this_month = _month_start(today)
    due: dict[dt.date, list[CaseState]] = {}
    for s in states:
        month = _month_start(s.deadline)
        if month < this_month:  # the month has ended
            due.setdefault(month, []).append(s)
    points = []
    for month in sorted(due):
        group = due[month]
        met = sum(1 for s in group if s.status == "met")
        points.append(
            DataPoint(
                date=month,
                numerator=met,
                denominator=len(group),
                note=f"derived from {len(group)} case{'s' if len(group) != 1 else ''} due",
                baseline_end="baseline_end" in marked.get(month, ()),
                rebase_after="rebase_after" in marked.get(month, ()),
                id=f"cases-{month:%Y-%m}",
            )
        )
    return points


def with_derived_points(measure: Measure, cases: Iterable[Case], today: dt.date) -> Measure:
    """``measure`` as the charts see it: a case measure gets its derived monthly points.

    A measure of typed points is returned unchanged.
    """
    if not measure.cases:
        return measure
    points = derive_points(case_states(measure, cases, today), today, measure.month_marks)
    return dataclasses.replace(measure, points=points)


def live_measures(
    measures: Sequence[Measure], cases: Iterable[Case], today: dt.date
) -> list[Measure]:
    """``measures`` in the same order, each case measure with its derived points."""
    by_measure = group_cases(cases)
    return [with_derived_points(m, by_measure.get(m.id, ()), today) for m in measures]


def group_cases(cases: Iterable[Case]) -> dict[str, list[Case]]:
    """Cases by the id of their measure."""
    out: dict[str, list[Case]] = {}
    for c in cases:
        out.setdefault(c.measure_id, []).append(c)
    return out


@value_class(frozen=True)
class CaseCounts:
    """How many cases are open, met, missed and past the reminder point."""

    open: int
    met: int
    missed: int
    past_reminder: int
    overdue: int

    @property
    def total(self) -> int:
        """Every case."""
        return self.open + self.met + self.missed

    @property
    def unfinished(self) -> int:
        """Cases with no milestone yet, overdue ones included: what the Open tab lists."""
        return self.open + self.overdue

    def sentence(self) -> str:
        """'12 cases: 4 open (1 overdue, 1 past the reminder), 7 met, 1 missed'.

        "Open" counts what the Open tab lists: an overdue case has missed its deadline
        (``missed`` counts it, for the charts) but is still open until its milestone.
        """
        text = f"{self.total} case{'s' if self.total != 1 else ''}: {self.unfinished} open"
        notes = [
            f"{n} {what}"
            for n, what in ((self.overdue, "overdue"), (self.past_reminder, "past the reminder"))
            if n
        ]
        if notes:
            text += f" ({', '.join(notes)})"
        closed_missed = self.missed - self.overdue
        # Met and missed are the closed cases (the Closed tab), so the three add up.
        text += f", {self.met} met, {closed_missed} missed"
        return text


def case_counts(states: Iterable[CaseState]) -> CaseCounts:
    """Counts by status (overdue cases count as missed, and also as overdue)."""
    states = list(states)
    return CaseCounts(
        open=sum(1 for s in states if s.status == "open"),
        met=sum(1 for s in states if s.status == "met"),
        missed=sum(1 for s in states if s.status == "missed"),
        past_reminder=sum(1 for s in states if s.past_reminder),
        overdue=sum(1 for s in states if s.overdue),
    )


def open_by_deadline(states: Iterable[CaseState]) -> list[CaseState]:
    """Cases with no milestone yet, fewest days to the deadline first (overdue at the top)."""
    return sorted(
        (s for s in states if s.case.end is None), key=lambda s: (s.days_left, s.case.ref)
    )


def closed_by_milestone(states: Iterable[CaseState]) -> list[CaseState]:
    """Cases with a milestone date, in order of it."""
    return sorted(
        (s for s in states if s.case.end is not None),
        key=lambda s: (s.case.end or s.start, s.start, s.case.ref),
    )


def weeks_by_month(closed: Iterable[CaseState]) -> list[tuple[dt.date, list[float]]]:
    """Closed cases' weeks to the milestone, grouped by the month of the milestone.

    One subgroup per month (the 1st), for an Xbar chart of the mean weeks and an S
    chart of their spread; months in order.
    """
    months: dict[dt.date, list[float]] = {}
    for s in closed:
        if s.case.end is not None:
            months.setdefault(_month_start(s.case.end), []).append(s.weeks)
    return sorted(months.items())
