"""The demo programme: a synthetic Moray-style PACE improvement programme.

Everything here is invented for demonstration and training. The four aims are the
national PACE aims with the Moray timescales from the published project write-up;
the people are roles and initials only, never names, and the numbers are small
monthly counts of the kind PACE groups really see (denominators of 2 to 9).

The data's own dates are fixed (February 2018 to January 2020). A few cycles are
placed relative to ``today`` so that the app always has something to show: one
past its planned end, one past half-way, one waiting for Study and one waiting
for an Act decision. The build is deterministic for a given ``today``: record ids
come from a seeded random generator and ``created`` stamps from the data's dates
(the store itself sets ``updated`` when it saves).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pdsa_tui.demo_drivers import add_demo_drivers
from pdsa_tui.demo_programme import add_demo_programme
from pdsa_tui.demo_rare_events import add_demo_rare_events
from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Feedback, Measure, Task, dates
from pdsa_tui.store import Store

#: Seed of the generators behind ids and the noisier series.
SEED = 20180201
#: The first month of the demo's data; there are :data:`N_MONTHS` monthly points.
FIRST_MONTH = dt.date(2018, 2, 1)
N_MONTHS = 24

#: Names of the measures the sample import files are for (``pdsa data import --measure``).
AIM2_OUTCOME = "% with permanence recommendation within 30 weeks"
#: A measure of typed monthly ratios (Aim 1's outcome); Aim 2's is a case measure.
AIM1_OUTCOME = "% of children at home 2+ years with a routine audit reported"
#: A measure of typed monthly ratios the data import sample fits (Aim 2's process measure).
AIM2_REMINDER = "% of cases with 15-week checklist reminder sent"
AIM4_WEEKS = "Weeks from agency decision to Permanence Order lodged"

Ratio = tuple[int, int]


def month(i: int) -> dt.date:
    """The first day of the ``i``-th month of the demo (0 = February 2018)."""
    m = FIRST_MONTH.month - 1 + i
    return dt.date(FIRST_MONTH.year + m // 12, m % 12 + 1, 1)


def _stamp(day: dt.date, hour: int = 9) -> str:
    """A ``created`` stamp for a record made on ``day`` (same shape as the store's)."""
    return dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=dt.UTC).isoformat()


class _Ids:
    """Deterministic uuid4-shaped ids from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def __call__(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


# --------------------------------------------------------------------------------------
# Monthly series (index 0 = Feb 2018 ... 23 = Jan 2020)
# --------------------------------------------------------------------------------------

#: Aim 1 outcome: children at home 2+ years due an audit that month / audited and reported.
AIM1_AUDITED: list[Ratio] = [
    (0, 6), (1, 7), (0, 5), (1, 8),  # Feb-May 2018: audits ad hoc
    (3, 7), (5, 8), (7, 8), (9, 9),  # Jun-Sep 2018: first PDSA, adopted in September
    (8, 8), (7, 7), (9, 9), (6, 6), (8, 8), (7, 8), (9, 9), (8, 8),
    (7, 7), (6, 6), (8, 8), (9, 9), (7, 7), (6, 7), (8, 8), (7, 7),
]  # fmt: skip

#: Aim 2 outcome: children reaching 30 weeks that month / with a permanence recommendation.
AIM2_RECOMMENDED: list[Ratio] = [
    (1, 3), (2, 4), (1, 2), (1, 4), (2, 5), (1, 3),  # Feb-Jul 2018
    (2, 4), (0, 2), (2, 5), (1, 3), (2, 6), (2, 4),  # Aug 2018-Jan 2019
    (1, 3), (2, 4), (2, 5), (3, 5), (3, 4),  # Feb-Jun 2019: reminder tested, adopted in June
    (4, 5), (3, 4), (5, 6), (2, 3), (4, 5), (3, 3), (5, 6),  # Jul 2019-Jan 2020
]  # fmt: skip
#: Position of the month the 15-week reminder was adopted (June 2019): the baseline ends here.
AIM2_ADOPTED = 16

#: Aim 2 process, from March 2019: cases reaching 15 weeks / reminder sent and discussed.
AIM2_REMINDED: list[Ratio] = [
    (1, 3),
    (2, 4),
    (3, 4),
    (4, 5),
    (5, 5),
    (4, 4),
    (5, 6),
    (3, 4),
    (5, 5),
    (4, 4),
    (6, 6),
]
AIM2_REMINDED_FROM = 13

#: Aim 3 outcome: recommendations away from home that month / presented within 15 weeks.
AIM3_PRESENTED: list[Ratio] = [
    (0, 2), (1, 3), (1, 2), (0, 2), (1, 3), (1, 4), (1, 2), (1, 4),
    (1, 3), (0, 2), (1, 2), (1, 3), (2, 3), (1, 2), (2, 3), (2, 4),
    (2, 3), (3, 4), (1, 2), (2, 3), (3, 4), (2, 3), (3, 5), (2, 3),
]  # fmt: skip

#: Aim 3 process, from June 2018: 72-hour meetings / followed by a two-week planning meeting.
AIM3_PLANNED: list[Ratio] = [
    (1, 4), (2, 5), (1, 3), (1, 4), (1, 3), (1, 4), (2, 5), (1, 3),  # East team only
    (3, 5), (3, 4), (4, 6), (4, 5), (3, 4), (5, 6), (4, 5), (3, 3),  # both teams from Apr 2019
    (5, 6), (4, 5), (5, 5), (4, 4),
]  # fmt: skip
AIM3_PLANNED_FROM = 4

#: Aim 3 balancing: panel reports sent back for more information (fewer once planned early).
AIM3_RETURNED: list[float] = [
    1, 2, 1, 0, 2, 1, 2, 1, 1, 2, 1, 2,
    1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0,
]  # fmt: skip

#: Aim 4 outcome: agency decisions for a Permanence Order / order lodged within 16 weeks.
AIM4_LODGED: list[Ratio] = [
    (0, 2), (1, 3), (0, 2), (1, 2), (0, 3), (1, 4), (1, 3), (0, 2),  # Feb-Sep 2018
    (2, 3), (2, 2), (1, 2), (2, 3), (3, 4), (2, 3), (2, 2), (3, 4),  # legal tracker from Oct
    (1, 2), (2, 3), (3, 4), (2, 3), (3, 3), (2, 3), (3, 4), (2, 2),
]  # fmt: skip
#: Position of the month the legal tracker was adopted (September 2018): the outcome's
#: baseline ends here and the weeks measure starts a new phase after it.
AIM4_ADOPTED = 7

#: Aim 4 balancing: applications the court returned for more information (no change: good).
AIM4_RETURNED: list[float] = [
    1, 0, 2, 1, 0, 1, 2, 0, 1, 1, 0, 2,
    1, 0, 1, 2, 0, 1, 1, 0, 2, 1, 0, 1,
]  # fmt: skip
#: Aim 1: the last month before the routine audit was adopted (September 2018).
AIM1_REBASE_AFTER = 7

#: Aim 1 process, from June 2018: audits completed / reported within 10 working days.
AIM1_REPORTED: list[Ratio] = [
    (1, 3), (3, 5), (5, 7), (8, 9), (6, 8), (7, 7), (8, 9), (6, 6), (7, 8), (6, 7),
    (9, 9), (8, 8), (6, 7), (6, 6), (8, 8), (8, 9), (7, 7), (5, 6), (8, 8), (7, 7),
]  # fmt: skip
AIM1_REPORTED_FROM = 4

#: Six months after the demo's data for ``pdsa data import`` (Aim 2 outcome).
IMPORT_PERCENT: list[tuple[int, int, str]] = [
    (4, 5, ""),
    (2, 4, "Covid-19 lockdown: Children's Hearings moved to remote hearings"),
    (3, 4, "Remote hearings; two recommendations delayed"),
    (4, 5, ""),
    (5, 6, ""),
    (4, 4, "Back to in-person Leads group, Elgin"),
]
#: Six months after the demo's data for ``pdsa data import`` (Aim 4 weeks, monthly median).
IMPORT_WEEKS: list[tuple[float, str]] = [
    (14.5, ""),
    (19.0, "Covid-19 lockdown: court business paused"),
    (21.5, "Court backlog"),
    (17.0, ""),
    (15.5, ""),
    (14.0, ""),
]


def _ratio_points(
    ids: _Ids,
    series: Sequence[Ratio],
    *,
    start: int = 0,
    notes: dict[int, str] | None = None,
    baseline_end: int | None = None,
    rebase_after: int | None = None,
) -> list[DataPoint]:
    notes = notes or {}
    return [
        DataPoint(
            date=month(start + k),
            numerator=num,
            denominator=den,
            note=notes.get(start + k, ""),
            baseline_end=start + k == baseline_end,
            rebase_after=start + k == rebase_after,
            id=ids(),
        )
        for k, (num, den) in enumerate(series)
    ]


def _value_points(
    ids: _Ids,
    values: Sequence[float],
    *,
    start: int = 0,
    notes: dict[int, str] | None = None,
    baseline_end: int | None = None,
    rebase_after: int | None = None,
) -> list[DataPoint]:
    notes = notes or {}
    return [
        DataPoint(
            date=month(start + k),
            value=v,
            note=notes.get(start + k, ""),
            baseline_end=start + k == baseline_end,
            rebase_after=start + k == rebase_after,
            id=ids(),
        )
        for k, v in enumerate(values)
    ]


def _noisy(
    rng: random.Random, levels: Sequence[float], sd: float, *, ndigits: int = 1
) -> list[float]:
    """``levels`` with a little deterministic noise, never below zero."""
    return [max(0.0, round(rng.gauss(level, sd), ndigits)) for level in levels]


# --------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, store: Store, today: dt.date) -> None:
        self.store = store
        self.today = today
        self.ids = _Ids(SEED)
        self.rng = random.Random(SEED + 1)

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    # -- savers that give every record a deterministic id and created stamp --
    def aim(self, day: dt.date, **kw: Any) -> Aim:
        return self.store.save(Aim(id=self.ids(), created=_stamp(day), **kw))

    def measure(self, aim: Aim, day: dt.date, points: list[DataPoint], **kw: Any) -> Measure:
        m = self.store.save(Measure(id=self.ids(), created=_stamp(day), aim_id=aim.id, **kw))
        return self.store.add_points(m, points)

    def idea(self, aim: Aim, day: dt.date, **kw: Any) -> ChangeIdea:
        kw.pop("driver", None)  # the driver diagram comes from data/demo_drivers.json
        return self.store.save(ChangeIdea(id=self.ids(), created=_stamp(day), aim_id=aim.id, **kw))

    def cycle(self, idea: ChangeIdea, day: dt.date, after: Cycle | None = None, **kw: Any) -> Cycle:
        """Save the next cycle of ``idea``; linked to ``after`` when that one decided 'adapt'."""
        adapted_from = after.id if after is not None and after.decision == "adapt" else None
        return self.store.save(
            Cycle(
                id=self.ids(),
                created=_stamp(day),
                idea_id=idea.id,
                adapted_from=adapted_from,
                **kw,
            )
        )

    def feedback(
        self,
        cycle: Cycle,
        day: dt.date,
        source: str,
        method: str,
        text: str,
        themes: list[str],
        tone: str,
    ) -> Feedback:
        return self.store.save(
            Feedback(
                id=self.ids(),
                created=_stamp(day, 16),
                cycle_id=cycle.id,
                date=day,
                source=source,
                method=method,
                text=text,
                themes=themes,
                tone=tone,
            )
        )

    # -- the programme ---------------------------------------------------------
    def build(self) -> None:
        self.aim1()
        self.aim2()
        self.aim3()
        self.aim4()

    def aim1(self) -> None:
        b = self
        aim = b.aim(
            dt.date(2018, 5, 14),
            code="Aim 1",
            statement=(
                "By 30 September 2018, 100% of children looked after at home for more than "
                "2 years from 01 June 2018, will undergo a routine audit that will be reported "
                "to the Service & Team Managers."
            ),
            target_pct=100,
            population="children looked after at home (home supervision) for more than 2 years",
            cohort_from=dt.date(2018, 6, 1),
            deadline=dt.date(2018, 9, 30),
            lead="Team Manager (TM), East team",
            members=["Reviewing Officer (RO)", "Data lead", "Senior Practitioner (SP)"],
            kind="national",
            status="achieved",
            notes=(
                "Already part of existing processes; implemented after one PDSA cycle. "
                "Still monitored monthly at the Leads group to make sure audits stay within "
                "timescale."
            ),
        )
        b.measure(
            aim,
            dt.date(2018, 5, 14),
            _ratio_points(
                b.ids,
                AIM1_AUDITED,
                notes={
                    0: "Baseline from the initial data review of Moray (Moireibh) systems",
                    7: "Routine audit adopted as standard practice",
                    13: "One audit delayed: Team Manager post vacant",
                },
                rebase_after=AIM1_REBASE_AFTER,
            ),
            name=AIM1_OUTCOME,
            type="outcome",
            unit="percent",
            direction="up",
            goal=100,
            definition=(
                "Denominator: children looked after at home for more than 2 years whose audit "
                "fell due in the month. Numerator: those whose routine audit was completed and "
                "reported to the Service & Team Managers in the month."
            ),
            source="Audit log kept by the Data lead; checked against the case management system",
            frequency="monthly",
        )
        b.measure(
            aim,
            dt.date(2018, 6, 1),
            _ratio_points(b.ids, AIM1_REPORTED, start=AIM1_REPORTED_FROM),
            name="% of audits reported to managers within 10 working days",
            type="process",
            unit="percent",
            direction="up",
            goal=90,
            definition=(
                "Denominator: routine audits completed in the month. Numerator: those whose "
                "summary reached the Service Manager and Team Manager within 10 working days."
            ),
            source="Audit log (date completed, date reported)",
            frequency="monthly",
        )
        before = [1.0, 1.5, 0.5, 1.0]
        after = [6.0, 7.5, 8.0, 8.5] + [7.0] * 16
        b.measure(
            aim,
            dt.date(2018, 6, 1),
            _value_points(b.ids, _noisy(b.rng, before + after, 0.8)),
            name="Team Manager hours on audits per month",
            type="balancing",
            unit="count",
            direction="down",
            goal=None,
            definition=(
                "Hours Team Managers recorded against 'PACE audit' in their diaries in the "
                "month (unit: hours). Watched so the audit does not crowd out supervision."
            ),
            source="Team Manager diary returns",
            frequency="monthly",
        )

        audit = b.idea(
            aim,
            dt.date(2018, 5, 14),
            title="Routine audit of children looked after at home 2+ years",
            description=(
                "A short standard audit (plan, last review, risks, whether home supervision is "
                "still the right order) for every child looked after at home for more than two "
                "years, reported to the Service & Team Managers."
            ),
            lead="Team Manager (TM), East team",
            status="sustained",
            settings=["East team", "West team", "Elgin", "Forres"],
            driver="Children's plans reviewed before drift sets in",
        )
        c1 = b.cycle(
            audit,
            dt.date(2018, 5, 28),
            objective="Test a one-page audit of children at home 2+ years in the East team",
            lead="Team Manager (TM), East team",
            questions=(
                "Can a Team Manager complete the audit in under an hour per child? Does it "
                "find children whose plan needs to change?"
            ),
            predictions=(
                "Audits will take about 45 minutes each; at least 1 in 4 children will need "
                "their plan looked at again."
            ),
            tasks=[
                Task(
                    "Data lead",
                    "Pull the list of children at home 2+ years",
                    "by 1 June",
                    "Elgin office",
                ),
                Task(
                    "TM", "Complete the audit for each child on the list", "June-July", "East team"
                ),
                Task("TM", "Report findings to Service Manager", "end of July", "Leads group"),
                Task(
                    "RO",
                    "Check audit findings against last review minutes",
                    "July",
                    "Reviewing team",
                ),
            ],
            data_to_collect=(
                "Time taken per audit; number of children whose plan was changed or brought "
                "back to a hearing; date each audit was reported."
            ),
            planned_start=dt.date(2018, 6, 4),
            planned_end=dt.date(2018, 8, 31),
            scale="1 team, 8 children",
            do_start=dt.date(2018, 6, 4),
            do_end=dt.date(2018, 8, 24),
            what_happened=(
                "Eight audits completed; the list from the case management system missed two "
                "children whose order had been renewed, found by the Reviewing Officer."
            ),
            problems="The system report dates from the latest order, not the first one.",
            results=(
                "Average 40 minutes per audit (predicted 45). Three of eight children (not two "
                "as predicted) had their plan brought back for review."
            ),
            learned=(
                "Cheap to do and finds real drift. The list must be checked by hand against "
                "review minutes until the system report is fixed."
            ),
            decision="adopt",
            next_steps=(
                "Adopt across both teams from September 2018; Data lead to ask for the report "
                "to be changed; keep monitoring monthly."
            ),
        )
        b.feedback(c1, dt.date(2018, 7, 10), "practitioner", "meeting",
                   "The audit made us look again at children who had been at home on "
                   "supervision for years without anyone asking whether the plan was still right.",
                   ["drift", "reflection"], "positive")  # fmt: skip
        b.feedback(c1, dt.date(2018, 7, 24), "partner_agency", "conversation",
                   "Reporter: helpful to have the long-term home supervision cases flagged "
                   "before the hearing; two came back to a hearing sooner.",
                   ["information sharing", "hearings"], "positive")  # fmt: skip
        b.feedback(c1, dt.date(2018, 8, 7), "parent", "conversation",
                   "I didn't know why someone was reading our file again. Once it was "
                   "explained it was fine.",
                   ["communication", "understanding the process"], "mixed")  # fmt: skip

        share = b.idea(
            aim,
            b.ago(6),
            title="Audit summary shared with the Reviewing Officer before the review",
            description=(
                "Send the one-page audit summary to the child's Reviewing Officer two weeks "
                "before the looked after review, so the review can act on it."
            ),
            lead="Reviewing Officer (RO)",
            status="testing",
            settings=["West team"],
            driver="Children's plans reviewed before drift sets in",
        )
        b.cycle(
            share,
            b.ago(3),
            objective="Test sending the audit summary to the Reviewing Officer before one review",
            lead="Reviewing Officer (RO)",
            questions=(
                "Does the Reviewing Officer use the summary in the review? Is two weeks "
                "enough notice?"
            ),
            predictions=(
                "The summary will be read and at least one point from it will appear in the "
                "review minutes."
            ),
            tasks=[
                Task(
                    "TM",
                    "Send the audit summary by secure email",
                    "2 weeks before review",
                    "West team",
                ),
                Task("RO", "Note which points were used", "at the review", "Forres"),
            ],
            data_to_collect="Whether the summary was read; points carried into the minutes.",
            scale="1 team, 2 children",
        )

    def aim2(self) -> None:
        b = self
        aim = b.aim(
            dt.date(2018, 2, 5),
            code="Aim 2",
            statement=(
                "By 01 Dec 2019, 85% of looked after & accommodated on or after 01 Feb 2019, "
                "will have a recommendation for permanence within 30 weeks."
            ),
            target_pct=85,
            population="children looked after and accommodated",
            cohort_from=dt.date(2019, 2, 1),
            deadline=dt.date(2019, 12, 1),
            lead="PACE Lead (Service Manager)",
            members=[
                "Team Manager (TM), East team",
                "Team Manager, West team",
                "Reviewing Officer (RO)",
                "Data lead",
                "Senior Practitioner (SP)",
            ],
            kind="national",
            status="active",
            notes=(
                "30 weeks from accommodation to a recommendation for permanence. A reminder "
                "at 15 weeks marks the half-way point."
            ),
        )
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _ratio_points(
                b.ids,
                AIM2_RECOMMENDED,
                notes={
                    0: "Baseline from the initial data review",
                    7: "Only two children; both delayed by court dates",
                    10: "December: holiday period, fewer meetings",
                    12: "New recording system introduced: figures checked by hand",
                    16: "15-week reminder adopted in East team",
                    20: "Social worker vacancy in East team",
                },
                baseline_end=AIM2_ADOPTED,
            ),
            name=AIM2_OUTCOME,
            type="outcome",
            unit="percent",
            direction="up",
            goal=85,
            definition=(
                "Denominator: children looked after and accommodated whose 30-week point "
                "(30 weeks from accommodation) fell in the month. Numerator: those of them "
                "with a recommendation for permanence made on or before the 30-week point."
            ),
            source="Case management system; permanence tracker kept by the Data lead",
            frequency="monthly",
        )
        b.measure(
            aim,
            dt.date(2019, 3, 1),
            _ratio_points(
                b.ids,
                AIM2_REMINDED,
                start=AIM2_REMINDED_FROM,
                notes={13: "Testing with one social worker only"},
            ),
            name=AIM2_REMINDER,
            type="process",
            unit="percent",
            direction="up",
            goal=100,
            definition=(
                "Denominator: accommodated children reaching 15 weeks in the month. "
                "Numerator: those whose 15-week reminder was sent and discussed in supervision "
                "within a week."
            ),
            source="Timeline checklist; supervision records",
            frequency="monthly",
        )
        hours = [11.0] * 13 + [12.5, 13.0, 12.0, 11.5] + [10.5] * 7
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _value_points(b.ids, _noisy(b.rng, hours, 1.0)),
            name="Social worker hours on permanence paperwork per case",
            type="balancing",
            unit="count",
            direction="down",
            goal=None,
            definition=(
                "Mean hours recorded against permanence paperwork (reports, checklist, "
                "chronology) per case reaching 30 weeks in the month (unit: hours)."
            ),
            source="Time recording sample: 3 social workers per team",
            frequency="monthly",
        )
        days = [round(v) for v in _noisy(b.rng, [34.0] * N_MONTHS, 4.0)]
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _value_points(b.ids, [float(d) for d in days], notes={12: "New recording system"}),
            name="Days from accommodation to first LAC review",
            type="balancing",
            unit="days",
            direction="down",
            goal=42,
            definition=(
                "Mean days from the date of accommodation to the first looked after child "
                "review, for children whose first review was held in the month. Watched so "
                "that permanence work does not delay first reviews (due within 6 weeks)."
            ),
            source="Reviewing Officers' diary",
            frequency="monthly",
        )

        reminder = b.idea(
            aim,
            dt.date(2019, 2, 18),
            title="15-week timeline checklist reminder",
            description=(
                "A timeline checklist that triggers a reminder when a case reaches the "
                "15-week point, half-way through the 30 weeks of Aim 2, so the social worker "
                "and Team Manager check the permanence plan is on track."
            ),
            lead="Team Manager (TM), East team",
            status="spreading",
            settings=["East team", "Elgin", "West team", "Forres"],
            driver="Timely permanence planning and decision making",
        )
        c1 = b.cycle(
            reminder,
            dt.date(2019, 2, 25),
            objective="Test an emailed 15-week reminder with one social worker",
            lead="Team Manager (TM), East team",
            questions=(
                "Does an email at 15 weeks prompt the social worker to book the permanence "
                "planning meeting? How long does the checklist take?"
            ),
            predictions=(
                "All 3 cases will have a planning meeting booked within a week of the "
                "reminder; the checklist will take about 15 minutes."
            ),
            tasks=[
                Task(
                    "Data lead",
                    "Add 15-week dates to the permanence tracker",
                    "by 1 March",
                    "Elgin office",
                ),
                Task(
                    "Data lead",
                    "Email the reminder on the 15-week date",
                    "March-April",
                    "East team",
                ),
                Task(
                    "SW",
                    "Complete the checklist and book the meeting",
                    "within 1 week",
                    "East team",
                ),
                Task("TM", "Check progress in supervision", "fortnightly", "East team"),
            ],
            data_to_collect=(
                "Date reminder sent; date meeting booked; minutes to complete the checklist; "
                "social worker's view of the reminder."
            ),
            planned_start=dt.date(2019, 3, 4),
            planned_end=dt.date(2019, 4, 26),
            scale="1 team, 1 social worker, 3 families",
            do_start=dt.date(2019, 3, 4),
            do_end=dt.date(2019, 4, 26),
            what_happened=(
                "Reminders went out for all 3 cases. Only 1 meeting was booked within a week; "
                "one email arrived on a court day and was missed."
            ),
            problems="Email reminders compete with everything else in the inbox.",
            results=(
                "1 of 3 meetings booked within a week (predicted 3 of 3). The checklist took "
                "10-20 minutes, as predicted."
            ),
            learned=(
                "The checklist helps; an email on its own does not. The reminder needs a "
                "conversation attached to it."
            ),
            decision="adapt",
            next_steps="Move the reminder into supervision and test with the whole East team.",
        )
        b.feedback(c1, dt.date(2019, 3, 27), "practitioner", "conversation",
                   "The email came on a day I was in court and it got buried. A reminder is "
                   "good, but not like that.",
                   ["timing", "workload"], "mixed")  # fmt: skip
        b.feedback(c1, dt.date(2019, 4, 17), "practitioner", "meeting",
                   "Seeing the 15-week point on the checklist made me book the permanence "
                   "planning meeting straight away.",
                   ["prompt", "planning"], "positive")  # fmt: skip

        c2 = b.cycle(
            reminder,
            dt.date(2019, 4, 29),
            after=c1,
            objective="Test the 15-week reminder as a standing item in supervision, East team",
            lead="Team Manager (TM), East team",
            questions=(
                "Does discussing the 15-week checklist in supervision get the planning "
                "meeting booked? Does it add much time to supervision?"
            ),
            predictions=(
                "At least 4 of 5 cases will have a meeting booked within a week; it will add "
                "no more than 10 minutes to supervision."
            ),
            tasks=[
                Task(
                    "Data lead",
                    "Send TM the list of cases reaching 15 weeks",
                    "every Monday",
                    "Elgin office",
                ),
                Task("TM", "Go through the checklist in supervision", "May-June", "East team"),
                Task("SW", "Book the permanence planning meeting", "within 1 week", "East team"),
                Task(
                    "PACE Lead",
                    "Ask families and carers how the process felt",
                    "June",
                    "home visits",
                ),
            ],
            data_to_collect=(
                "Cases reaching 15 weeks; reminders discussed; meetings booked within a week; "
                "minutes added to supervision; feedback from families and carers."
            ),
            planned_start=dt.date(2019, 5, 6),
            planned_end=dt.date(2019, 6, 28),
            scale="1 team, 5 social workers, 5 families",
            do_start=dt.date(2019, 5, 6),
            do_end=dt.date(2019, 6, 28),
            what_happened=(
                "All 5 cases discussed in supervision; 4 meetings booked within a week, the "
                "fifth waited for a parent's solicitor."
            ),
            problems="Two supervisions were cancelled; the Team Manager covered by phone.",
            results=(
                "4 of 5 booked within a week, as predicted. Supervision took 5-10 minutes "
                "longer. Families said they understood what would happen next."
            ),
            learned=(
                "Linking the reminder to supervision works and families notice the "
                "difference. Cancelled supervision needs a fallback."
            ),
            decision="adopt",
            next_steps=(
                "Adopt in East team from July 2019. Plan a cycle to spread to the West team "
                "with learning sessions for practitioners."
            ),
        )
        b.feedback(c2, dt.date(2019, 5, 29), "practitioner", "questionnaire",
                   "Having it in supervision means it actually gets talked about. Took about "
                   "10 minutes.",
                   ["supervision", "time"], "positive")  # fmt: skip
        b.feedback(c2, dt.date(2019, 6, 5), "parent", "conversation",
                   "Helped me understand the process and what happens next. Before, it felt "
                   "like nothing was happening.",
                   ["understanding the process", "listened to"], "positive")  # fmt: skip
        b.feedback(c2, dt.date(2019, 6, 12), "foster_carer", "conversation",
                   "For the first time I knew roughly when the decision would be made, so I "
                   "could prepare the wee one.",
                   ["certainty", "preparing the child"], "positive")  # fmt: skip
        b.feedback(c2, dt.date(2019, 6, 19), "practitioner", "questionnaire",
                   "Another form. Useful, but it took too long the first few times.",
                   ["paperwork", "took too long"], "mixed")  # fmt: skip
        b.feedback(c2, dt.date(2019, 6, 24), "child", "other",
                   "Young person (8) used the 'three houses' tool with their worker and drew "
                   "the foster home as the house of good things; wants to know where they "
                   "will live 'for keeps'.",
                   ["child's view", "quieter voices"], "mixed")  # fmt: skip

        c3 = b.cycle(
            reminder,
            b.ago(75),
            after=c2,
            objective="Spread the 15-week reminder in supervision to the West team (Forres)",
            lead="Team Manager, West team",
            questions=(
                "Does the reminder work the same way in a team that did not design it? What "
                "do the West team need to pick it up?"
            ),
            predictions=(
                "After one learning session, at least 5 of 6 cases will have a meeting booked "
                "within a week of the 15-week point."
            ),
            tasks=[
                Task(
                    "TM, East team",
                    "Run a learning session for West team",
                    "week 1",
                    "Forres office",
                ),
                Task(
                    "Data lead", "Add West team cases to the weekly list", "week 1", "Elgin office"
                ),
                Task(
                    "Team Manager, West team",
                    "Use the checklist in supervision",
                    "weeks 2-8",
                    "Forres",
                ),
                Task(
                    "PACE Lead",
                    "Gather feedback from carers and panel members",
                    "weeks 6-8",
                    "Forres",
                ),
            ],
            data_to_collect=(
                "West team cases reaching 15 weeks; meetings booked within a week; feedback "
                "from practitioners, kinship carers and Children's Hearings panel members."
            ),
            planned_start=b.ago(70),
            planned_end=b.ago(14),
            scale="1 team, 6 social workers, 6 families",
            do_start=b.ago(68),
            do_end=b.ago(15),
            what_happened=(
                "Learning session held in Forres; 6 cases reached 15 weeks during the test and "
                "all were discussed in supervision."
            ),
            problems="One kinship carer was not told about the timescale by anyone.",
            results=(
                "5 of 6 meetings booked within a week (as predicted). Practitioners picked it "
                "up easily; kinship carers were not always included."
            ),
            learned=(
                "It spreads with little adaptation. Kinship carers need their own "
                "explanation of the 30-week timeline."
            ),
        )
        b.feedback(c3, b.ago(55), "practitioner", "meeting",
                   "Easy to pick up because the East team had already ironed out the problems.",
                   ["spread", "learning from others"], "positive")  # fmt: skip
        b.feedback(c3, b.ago(40), "kinship_carer", "conversation",
                   "Nobody told me about the 15 weeks, but the social worker came back to us "
                   "quicker than before.",
                   ["communication", "family-based care"], "mixed")  # fmt: skip
        b.feedback(c3, b.ago(21), "partner_agency", "questionnaire",
                   "Children's Hearings panel member: reports now say clearly where the "
                   "permanence plan is up to.",
                   ["hearings", "clarity"], "positive")  # fmt: skip

        huddle = b.idea(
            aim,
            b.ago(35),
            title="Permanence tracker reviewed at the weekly team huddle",
            description=(
                "Five minutes at the West team's Monday huddle to look at every case between "
                "10 and 30 weeks on the permanence tracker."
            ),
            lead="Senior Practitioner (SP), West team",
            status="testing",
            settings=["West team", "Forres"],
            driver="Effective use of data and tracking",
        )
        hc = b.cycle(
            huddle,
            b.ago(30),
            objective="Test a 5-minute tracker review at the Monday huddle for 6 weeks",
            lead="Senior Practitioner (SP), West team",
            questions="Can the huddle review stay under 5 minutes? Does it catch cases drifting?",
            predictions=(
                "It will take under 5 minutes and flag at least one drifting case in six weeks."
            ),
            tasks=[
                Task(
                    "Data lead",
                    "Print the tracker for cases at 10-30 weeks",
                    "each Monday",
                    "Forres office",
                ),
                Task(
                    "SP", "Lead the huddle review and note actions", "each Monday", "Forres office"
                ),
            ],
            data_to_collect="Minutes per huddle; cases flagged; actions completed by next week.",
            planned_start=b.ago(24),
            planned_end=b.today + dt.timedelta(days=18),
            scale="1 team, 6 social workers",
            do_start=b.ago(24),
        )
        b.feedback(hc, b.ago(10), "practitioner", "observation",
                   "Five minutes at the huddle, standing up. Quick, and people remember their "
                   "own cases.",
                   ["time", "ownership"], "positive")  # fmt: skip

        b.idea(
            aim,
            dt.date(2019, 11, 20),
            title="Kinship assessment started at the first LAC review",
            description=(
                "Ask at the first looked after review whether anyone in the wider family "
                "could care for the child, and start the kinship assessment then, so that "
                "family-based care is considered early in the permanence process."
            ),
            lead="Kinship Team Leader",
            status="idea",
            settings=[],
            driver="Family-based care considered early",
        )

    def aim3(self) -> None:
        b = self
        aim = b.aim(
            dt.date(2018, 2, 5),
            code="Aim 3",
            statement=(
                "By 01 Dec 2019, 60% of children who have had a recommendation for permanence "
                "away from home from 01 Feb 2018, will be presented to the Fostering & "
                "Adoption Panel within 15 weeks."
            ),
            target_pct=60,
            population="children with a recommendation for permanence away from home",
            cohort_from=dt.date(2018, 2, 1),
            deadline=dt.date(2019, 12, 1),
            lead="Family Placement Team Leader (FPTL)",
            members=["Senior Practitioner (SP)", "Panel adviser", "Data lead", "Health visitor"],
            kind="national",
            status="active",
            notes=(
                "15 weeks from the recommendation to presentation at the Fostering & "
                "Adoption Panel."
            ),
        )
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _ratio_points(
                b.ids,
                AIM3_PRESENTED,
                notes={
                    3: "Panel cancelled in May",
                    12: "New recording system introduced",
                    16: "Fàilte session for new staff in Elgin (Eilginn): PACE briefing",
                },
            ),
            name="% presented to Fostering & Adoption Panel within 15 weeks",
            type="outcome",
            unit="percent",
            direction="up",
            goal=60,
            definition=(
                "Denominator: children whose 15-week point after a recommendation for "
                "permanence away from home fell in the month. Numerator: those presented to "
                "the Fostering & Adoption Panel on or before it."
            ),
            source="Panel minutes; permanence tracker",
            frequency="monthly",
        )
        b.measure(
            aim,
            dt.date(2018, 6, 1),
            _ratio_points(b.ids, AIM3_PLANNED, start=AIM3_PLANNED_FROM),
            name="% with a two-week planning meeting after the 72-hour meeting",
            type="process",
            unit="percent",
            direction="up",
            goal=90,
            definition=(
                "Denominator: children with a 72-hour meeting in the month. Numerator: those "
                "with a planning meeting of the team around the child within 14 days of it."
            ),
            source="Meeting diary kept by business support",
            frequency="monthly",
        )
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _value_points(b.ids, AIM3_RETURNED),
            name="Panel reports returned for more information",
            type="balancing",
            unit="count",
            direction="down",
            goal=0,
            definition=(
                "Permanence reports the Fostering & Adoption Panel sent back for more "
                "information in the month. Watched so that speed does not cost quality."
            ),
            source="Panel adviser's log",
            frequency="monthly",
        )

        planning = b.idea(
            aim,
            dt.date(2018, 5, 21),
            title=(
                "Two-week planning meeting with the team around the child after the 72-hour meeting"
            ),
            description=(
                "Within two weeks of the 72-hour meeting, bring together the team around the "
                "child (social worker, family placement worker, health, education, carers "
                "and parents) to agree the assessment plan and what the panel will need."
            ),
            lead="Senior Practitioner (SP), Family Placement Team",
            status="testing",
            settings=["East team", "Elgin", "West team", "Forres"],
            driver="Assessments completed timeously and focused on outcomes for the child",
        )
        c1 = b.cycle(
            planning,
            dt.date(2018, 5, 28),
            objective="Test a two-week planning meeting for 2 families in the East team",
            lead="Senior Practitioner (SP), Family Placement Team",
            questions=(
                "Can the team around the child meet within two weeks of the 72-hour meeting? "
                "Do families feel included?"
            ),
            predictions=(
                "Both meetings will be held within 14 days; parents will say they understood "
                "the plan."
            ),
            tasks=[
                Task(
                    "Business support",
                    "Book the meeting at the 72-hour meeting",
                    "day 3",
                    "Elgin office",
                ),
                Task("SP", "Chair the meeting with an agreed agenda", "by day 14", "Elgin office"),
                Task(
                    "SW",
                    "Ask the parent and young person how it felt",
                    "after the meeting",
                    "home visit",
                ),
            ],
            data_to_collect=(
                "Days from 72-hour meeting to planning meeting; who attended; parent and "
                "young person feedback."
            ),
            planned_start=dt.date(2018, 6, 4),
            planned_end=dt.date(2018, 8, 10),
            scale="1 team, 2 families",
            do_start=dt.date(2018, 6, 4),
            do_end=dt.date(2018, 8, 3),
            what_happened=(
                "One meeting held on day 12, the other on day 19 because health could not "
                "attend earlier."
            ),
            problems="Health colleagues need more notice; no agenda template.",
            results="1 of 2 within 14 days (predicted 2). Parents felt listened to, as predicted.",
            learned=(
                "The meeting is valued; it needs booking at the 72-hour meeting itself and a "
                "shared agenda."
            ),
            decision="adapt",
            next_steps="Book at the 72-hour meeting, use an agenda template, invite health early.",
        )
        b.feedback(c1, dt.date(2018, 6, 20), "parent", "conversation",
                   "I felt better listened to. They asked me what I thought before deciding.",
                   ["listened to", "participation"], "positive")  # fmt: skip
        b.feedback(c1, dt.date(2018, 7, 4), "practitioner", "meeting",
                   "Hard to get everyone in the room within two weeks of the 72-hour meeting; "
                   "health couldn't come.",
                   ["attendance", "timescales"], "negative")  # fmt: skip
        b.feedback(c1, dt.date(2018, 7, 18), "child", "conversation",
                   "Young person (14): it was a lot of people. I'd rather talk to my worker "
                   "first and they tell the meeting.",
                   ["participation", "quieter voices"], "mixed")  # fmt: skip

        c2 = b.cycle(
            planning,
            dt.date(2019, 1, 7),
            after=c1,
            objective="Test the planning meeting with an agenda template, booked at 72 hours",
            lead="Senior Practitioner (SP), Family Placement Team",
            questions=(
                "Does booking at the 72-hour meeting get health and education there within 14 "
                "days? Does the template keep the assessment focused?"
            ),
            predictions=(
                "4 of 5 meetings within 14 days, with health present; assessments will need "
                "fewer changes at panel."
            ),
            tasks=[
                Task(
                    "Business support",
                    "Book the meeting before the 72-hour meeting ends",
                    "day 3",
                    "Elgin and Forres",
                ),
                Task("SP", "Chair using the agenda template", "by day 14", "Elgin"),
                Task("Health visitor", "Attend or send a written update", "by day 14", "Elgin"),
                Task("SW", "Gather carer and child views", "after the meeting", "home visits"),
            ],
            data_to_collect=(
                "Days to meeting; attendance by agency; panel requests for more information; "
                "carer, parent and child feedback."
            ),
            planned_start=dt.date(2019, 1, 14),
            planned_end=dt.date(2019, 3, 29),
            scale="1 team, 5 families",
            do_start=dt.date(2019, 1, 14),
            do_end=dt.date(2019, 3, 29),
            what_happened=(
                "5 meetings held, 4 within 14 days; health attended 4. One meeting was held "
                "in a café at a foster carer's request."
            ),
            problems="Education could rarely attend during school hours.",
            results=(
                "4 of 5 within 14 days, as predicted. No assessment came back from panel for "
                "more information during the test."
            ),
            learned=(
                "The template and early booking work. Assessments were completed more "
                "timeously and were more focused on outcomes for the child."
            ),
            decision="expand",
            next_steps="Widen to the West team (Forres) with the same template.",
        )
        b.feedback(c2, dt.date(2019, 2, 6), "foster_carer", "questionnaire",
                   "The meeting was in the café in Forres, which felt less formal. I knew what "
                   "the assessment was for.",
                   ["setting", "understanding the process"], "positive")  # fmt: skip
        b.feedback(c2, dt.date(2019, 2, 20), "child", "observation",
                   "Observed by the health visitor: infant (9 months) settled and content "
                   "with the carers throughout; the carers' routine was discussed in plain "
                   "language.",
                   ["quieter voices", "infant"], "positive")  # fmt: skip
        b.feedback(c2, dt.date(2019, 3, 13), "practitioner", "meeting",
                   "Assessments are more focused on outcomes for the child because we agree at "
                   "the start what the panel will need.",
                   ["focus on outcomes", "assessment quality"], "positive")  # fmt: skip
        b.feedback(c2, dt.date(2019, 3, 20), "partner_agency", "questionnaire",
                   "Education: the meetings are useful but always in school hours; could we "
                   "send a written update instead?",
                   ["attendance", "multi-agency"], "mixed")  # fmt: skip

        c3 = b.cycle(
            planning,
            b.ago(60),
            after=c2,
            objective="Test the planning meeting in both teams, with residential carers invited",
            lead="Senior Practitioner (SP), Family Placement Team",
            questions=(
                "Does the meeting work as well in the West team? Do residential and kinship "
                "carers find it useful? Can education send a written update?"
            ),
            predictions=(
                "At least 5 of 6 meetings within 14 days across both teams; carers will say "
                "it helped them understand the plan."
            ),
            tasks=[
                Task(
                    "Business support",
                    "Book meetings at the 72-hour meeting",
                    "day 3",
                    "Elgin and Forres",
                ),
                Task("SP", "Brief West team chairs on the template", "week 1", "Forres office"),
                Task(
                    "Education liaison",
                    "Send a written update if unable to attend",
                    "by day 14",
                    "schools",
                ),
                Task(
                    "PACE Lead",
                    "Collect feedback from carers and parents",
                    "weeks 4-7",
                    "home visits",
                ),
            ],
            data_to_collect=(
                "Days to meeting by team; attendance by agency; written updates received; "
                "carer and parent feedback."
            ),
            planned_start=b.ago(56),
            planned_end=b.ago(7),
            scale="2 teams, 6 families",
            do_start=b.ago(56),
            do_end=b.ago(8),
            what_happened=(
                "6 meetings held, 5 within 14 days; education sent written updates for 3. "
                "Residential carers attended for the first time."
            ),
            problems="One parent had to take time off work twice because the date moved.",
        )
        b.feedback(c3, b.ago(45), "carer", "meeting",
                   "Residential carer: being invited for the first time helped us understand "
                   "what the plan is for the young person.",
                   ["included", "understanding the plan"], "positive")  # fmt: skip
        b.feedback(c3, b.ago(30), "parent", "conversation",
                   "It took too long to get a date that suited everyone; I had to take time "
                   "off work twice.",
                   ["took too long", "scheduling"], "negative")  # fmt: skip

        digest = b.idea(
            aim,
            dt.date(2018, 8, 27),
            title="Weekly email digest of cases approaching panel",
            description=(
                "A weekly email to all practitioners listing children within 4 weeks of "
                "their 15-week panel date."
            ),
            lead="Data lead",
            status="abandoned",
            settings=["East team", "West team"],
            driver="Effective use of data and tracking",
        )
        d1 = b.cycle(
            digest,
            dt.date(2018, 8, 27),
            objective="Test a weekly digest email to both teams for 6 weeks",
            lead="Data lead",
            questions="Do practitioners read the digest and act on it?",
            predictions="Most practitioners will open it; panel papers will be ready earlier.",
            tasks=[
                Task(
                    "Business support",
                    "Compile the digest from the tracker",
                    "every Friday",
                    "Elgin office",
                ),
                Task(
                    "Data lead",
                    "Check read receipts and panel paper dates",
                    "weekly",
                    "Elgin office",
                ),
            ],
            data_to_collect="Emails opened; panel papers submitted on time; time to compile.",
            planned_start=dt.date(2018, 9, 3),
            planned_end=dt.date(2018, 10, 12),
            scale="2 teams, all practitioners",
            do_start=dt.date(2018, 9, 3),
            do_end=dt.date(2018, 10, 12),
            what_happened="Six digests sent; fewer than a third were opened.",
            problems="Compiling the digest took half a day a week.",
            results=("Open rate under a third (predicted most); no change in panel paper dates."),
            learned=(
                "Another email does not change practice; the reminder needs to sit where "
                "decisions are made."
            ),
            decision="abandon",
            next_steps="Stop the digest; put the tracker in front of Team Managers instead.",
        )
        b.feedback(d1, dt.date(2018, 9, 26), "practitioner", "questionnaire",
                   "Another email on top of hundreds. I didn't open most of them.",
                   ["email overload"], "negative")  # fmt: skip
        b.feedback(d1, dt.date(2018, 10, 10), "other", "conversation",
                   "Business support: putting the digest together took half a day every week.",
                   ["workload", "took too long"], "negative")  # fmt: skip

    def aim4(self) -> None:
        b = self
        aim = b.aim(
            dt.date(2018, 2, 5),
            code="Aim 4",
            statement=(
                "By 01 Dec 2019, 60% of children from 01 Feb 2018, who have an agency approved "
                "permanence plan to be secured via a Permanence Order, will have the order "
                "lodged within 16 weeks of the agency decision date."
            ),
            target_pct=60,
            population=(
                "children with an agency approved permanence plan to be secured via a "
                "Permanence Order"
            ),
            cohort_from=dt.date(2018, 2, 1),
            deadline=dt.date(2019, 12, 1),
            lead="Principal Solicitor (PS), Legal Services",
            members=["Solicitor, Legal Services", "Team Manager (TM), East team", "Data lead"],
            kind="national",
            status="active",
            notes=(
                "16 weeks from the agency decision to lodging the Permanence Order "
                "application. Implemented after one PDSA; still monitored."
            ),
        )
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _ratio_points(
                b.ids,
                AIM4_LODGED,
                notes={8: "Legal tracker in use", 12: "New recording system introduced"},
                baseline_end=AIM4_ADOPTED,
            ),
            name="% of Permanence Orders lodged within 16 weeks",
            type="outcome",
            unit="percent",
            direction="up",
            goal=60,
            definition=(
                "Denominator: children whose 16-week point after the agency decision (to seek "
                "a Permanence Order) fell in the month. Numerator: those whose application was "
                "lodged with the court on or before it."
            ),
            source="Legal tracker (Legal Services)",
            frequency="monthly",
        )
        before = [24.0, 26.0, 22.0, 28.0, 25.0, 23.0, 27.0, 24.0]
        after = [17.0, 15.0, 16.0, 14.0] + [14.5] * 12
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _value_points(
                b.ids,
                _noisy(b.rng, before + after, 1.5, ndigits=0),
                notes={AIM4_ADOPTED: "Legal tracker adopted: new phase from October 2018"},
                rebase_after=AIM4_ADOPTED,
            ),
            name=AIM4_WEEKS,
            type="outcome",
            unit="weeks",
            direction="down",
            goal=16,
            definition=(
                "Median weeks from the agency decision date to the date the Permanence Order "
                "application was lodged, for applications lodged in the month."
            ),
            source="Legal tracker (Legal Services)",
            frequency="monthly",
        )
        b.measure(
            aim,
            dt.date(2018, 2, 5),
            _value_points(b.ids, AIM4_RETURNED),
            name="Applications returned by the court for more information",
            type="balancing",
            unit="count",
            direction="down",
            goal=0,
            definition=(
                "Permanence Order applications the court returned for more information in the "
                "month. Watched so that lodging faster does not mean lodging incomplete "
                "applications."
            ),
            source="Legal Services case log",
            frequency="monthly",
        )

        tracker = b.idea(
            aim,
            dt.date(2018, 7, 23),
            title="Legal tracker for Permanence Order lodging",
            description=(
                "A shared tracker of every agency decision for a Permanence Order, with the "
                "16-week lodging date and what is outstanding, reviewed fortnightly by Legal "
                "Services and Team Managers."
            ),
            lead="Solicitor, Legal Services",
            status="sustained",
            settings=["Legal Services", "East team", "West team"],
            driver="Legal processes that do not add delay",
        )
        t1 = b.cycle(
            tracker,
            dt.date(2018, 7, 30),
            objective="Test a fortnightly review of a shared legal tracker for 6 weeks",
            lead="Solicitor, Legal Services",
            questions=(
                "Does a shared tracker show what is holding up lodging? Can outstanding "
                "reports be chased before the 16-week date?"
            ),
            predictions=(
                "Every case on the tracker will have a named owner for each outstanding item; "
                "at least 2 of 3 will be lodged within 16 weeks."
            ),
            tasks=[
                Task(
                    "Solicitor", "Set up the tracker with current cases", "week 1", "Legal Services"
                ),
                Task("Solicitor and TMs", "Review the tracker", "fortnightly", "Elgin office"),
                Task(
                    "SW",
                    "Send outstanding reports by the agreed date",
                    "as agreed",
                    "East and West teams",
                ),
            ],
            data_to_collect=(
                "Weeks from agency decision to lodging; items outstanding at each review; "
                "time spent on the review."
            ),
            planned_start=dt.date(2018, 8, 6),
            planned_end=dt.date(2018, 9, 14),
            scale="Legal Services and 2 teams, 3 cases",
            do_start=dt.date(2018, 8, 6),
            do_end=dt.date(2018, 9, 14),
            what_happened=(
                "Three reviews held; all three cases had owners for outstanding items; two "
                "were lodged within 16 weeks."
            ),
            problems="The tracker duplicated part of an existing Legal Services spreadsheet.",
            results="2 of 3 lodged within 16 weeks, as predicted. Reviews took 20 minutes.",
            learned=(
                "It fits the existing process; merging it with the Legal Services "
                "spreadsheet removes the double entry."
            ),
            decision="adopt",
            next_steps="Adopt from October 2018 using the merged spreadsheet; monitor monthly.",
        )
        b.feedback(t1, dt.date(2018, 8, 29), "practitioner", "meeting",
                   "Solicitor: we can see at a glance which orders are waiting for reports and "
                   "chase them before they drift.",
                   ["visibility", "drift"], "positive")  # fmt: skip
        b.feedback(t1, dt.date(2018, 9, 12), "practitioner", "conversation",
                   "I know who to ask now when a lodging date slips.",
                   ["clarity", "communication"], "positive")  # fmt: skip

        solicitor = b.idea(
            aim,
            b.ago(60),
            title="Solicitor joins the permanence planning meeting",
            description=(
                "A Legal Services solicitor attends the permanence planning meeting so that "
                "legal requirements for the Permanence Order are known from the start."
            ),
            lead="Principal Solicitor (PS), Legal Services",
            status="testing",
            settings=["Legal Services", "East team"],
            driver="Legal processes that do not add delay",
        )
        b.cycle(
            solicitor,
            b.ago(55),
            objective="Test a solicitor attending 3 permanence planning meetings",
            lead="Principal Solicitor (PS), Legal Services",
            questions=(
                "Does early legal advice reduce requests for more information later? Is it a "
                "good use of solicitor time?"
            ),
            predictions=(
                "Each meeting will identify at least one legal requirement early; solicitor "
                "time will be under an hour per meeting."
            ),
            tasks=[
                Task(
                    "Business support",
                    "Invite Legal Services to the next 3 meetings",
                    "week 1",
                    "Elgin office",
                ),
                Task(
                    "Solicitor", "Attend and note legal requirements", "weeks 2-6", "Elgin office"
                ),
            ],
            data_to_collect="Legal requirements identified; solicitor minutes per meeting.",
            planned_start=b.ago(49),
            planned_end=b.ago(9),
            scale="1 team, 3 families",
        )


def build_demo(store: Store, *, today: dt.date | None = None) -> None:
    """Write the demo programme into ``store``, which must be open, writable and empty.

    Everything is saved in one transaction: all of it lands or none. ``today``
    (default: today's date) places the few cycles that should look current.
    """
    counts = store.counts()
    if any(counts.values()):
        raise ValueError(f"{store.path} is not empty: the demo is only written into a new database")
    from pdsa_tui.demo_cases import add_demo_cases

    day = today or dates.today()
    with store.transaction():
        _Builder(store, day).build()
        add_demo_drivers(store, day)
        add_demo_rare_events(store)
        add_demo_programme(store, day)
        add_demo_cases(store, day)


def write_demo(path: str | os.PathLike[str], *, today: dt.date | None = None) -> Path:
    """Create a new database at ``path`` holding the demo programme; return its path.

    Refuses (``FileExistsError``) when something already exists at ``path``.
    """
    p = Path(path).expanduser().absolute()
    if p.exists() or p.is_symlink():
        raise FileExistsError(f"{p} already exists; the demo is only written to a new file")
    store = Store.open(p, create=True, user="demo")
    try:
        build_demo(store, today=today)
    except BaseException:
        store.close()
        p.unlink(missing_ok=True)
        raise
    store.close()
    return p


# --------------------------------------------------------------------------------------
# Sample CSV files for ``pdsa data import``
# --------------------------------------------------------------------------------------


def import_samples() -> dict[str, str]:
    """The sample import files (name -> CSV text), six months after the demo's data."""
    pct = io.StringIO()
    w = csv.writer(pct, lineterminator="\n")
    w.writerow(["date", "numerator", "denominator", "note"])
    for k, (num, den, note) in enumerate(IMPORT_PERCENT):
        w.writerow([f"{month(N_MONTHS + k):%d/%m/%Y}", num, den, note])
    vals = io.StringIO()
    w = csv.writer(vals, lineterminator="\n")
    w.writerow(["date", "value", "note"])
    for k, (value, note) in enumerate(IMPORT_WEEKS):
        w.writerow([f"{month(N_MONTHS + k):%d/%m/%Y}", f"{value:g}", note])
    return {"data_import_percent.csv": pct.getvalue(), "data_import_values.csv": vals.getvalue()}


def write_import_samples(folder: str | os.PathLike[str]) -> list[Path]:
    """Write the sample import CSVs into ``folder`` (overwriting); return their paths."""
    out = []
    for name, text in import_samples().items():
        target = Path(folder) / name
        target.write_text(text, encoding="utf-8")
        out.append(target)
    return out
