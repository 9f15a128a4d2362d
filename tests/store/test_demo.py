"""The demo programme: complete, valid, realistic, name-free and deterministic."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import conftest
import pytest

from pdsa_tui import demo as demo_module
from pdsa_tui.analysis.cases import case_states, live_measures
from pdsa_tui.demo import (
    AIM2_OUTCOME,
    AIM2_REMINDER,
    AIM4_WEEKS,
    N_MONTHS,
    build_demo,
    import_samples,
    month,
    write_demo,
)
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Feedback, Measure, dates, parse_date
from pdsa_tui.model.dates import add_months
from pdsa_tui.store import Store

EXAMPLES = conftest.EXAMPLES
#: A day well away from the suite's pinned day: the demo must land around it.
TODAY = dt.date(2026, 11, 22)
#: The day the shipped examples (``examples/demo.json``, the import samples) were built on.
EXAMPLES_DAY = dt.date(2020, 2, 10)
#: The demo's data then runs from November 2024 to last month, October 2026.
FIRST = dt.date(2024, 11, 1)
LAST = dt.date(2026, 10, 1)

#: The seed's four aims: code -> (target %, cohort from, deadline, words of the statement),
#: dates as the demo shows them on TODAY (the seed's timescales, moved so that the
#: active aims' deadlines are ahead).
SEED_AIMS = {
    "Aim 1": (100, dt.date(2025, 3, 1), dt.date(2025, 6, 30), "2 years"),
    "Aim 2": (85, dt.date(2025, 11, 1), dt.date(2027, 3, 1), "30 weeks"),
    "Aim 3": (60, dt.date(2024, 11, 1), dt.date(2027, 3, 1), "15 weeks"),
    "Aim 4": (60, dt.date(2024, 11, 1), dt.date(2027, 3, 1), "16 weeks"),
}

#: Common first names in Scotland: none may appear anywhere in the demo.
FIRST_NAMES = [
    "Callum", "Calum", "Isla", "Morag", "Eilidh", "Ewan", "Euan", "Fraser", "Hamish", "Ailsa",
    "Catriona", "Mhairi", "Mairi", "Kirsty", "Lachlan", "Rory", "Ruaridh", "Finlay", "Fiona",
    "Alasdair", "Alistair", "Murdo", "Shona", "Sheena", "Jamie", "Kyle", "Iain", "Ian", "Angus",
    "Kenneth", "Duncan", "Archie", "Olivia", "Emily", "Sophie", "Jack", "Aidan", "Connor", "Ryan",
    "Megan", "Chloe", "Ellie", "Amy", "Lucy", "Hannah", "Erin", "Caitlin", "Rachel", "Sarah",
    "Claire", "Karen", "Lorraine", "Gillian", "Elaine", "David", "John", "James", "Robert",
    "William", "Andrew", "Stuart", "Graham", "Scott", "Craig", "Gordon", "Struan", "Innes",
    "Kenzie", "Skye", "Freya", "Harris", "Lewis", "Niamh", "Orla", "Ava", "Mia", "Leo", "Harry",
    "Oliver", "Noah", "Charlie", "Thomas", "Lily", "Ella", "Evie", "Grace",
]  # fmt: skip
NAME_RE = re.compile(r"\b(" + "|".join(FIRST_NAMES) + r")\b")
TITLE_RE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z]")


@pytest.fixture(autouse=True)
def demo_day(fixed_today: dt.date) -> Iterator[None]:
    """These tests look at the demo as of :data:`TODAY`, not the suite's pinned day."""
    with dates.as_of(TODAY):
        yield


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "demo.json", create=True)
    try:
        build_demo(store, today=TODAY)
        yield store
    finally:
        store.close()


def live(demo: Store) -> list[Measure]:
    """The demo's measures as charted: the case measures with their derived points."""
    return live_measures(demo.measures(), demo.all(Case), TODAY)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _all_records(store: Store) -> list[Any]:
    return [r for cls in (Aim, Measure, ChangeIdea, Cycle, Feedback, Case) for r in store.all(cls)]


def _without_updated(store: Store) -> list[dict[str, Any]]:
    out = []
    for rec in _all_records(store):
        d = rec.to_dict()
        d.pop("updated")
        d.pop("rev")  # it hashes the content with its save time
        out.append(d)
    return sorted(out, key=lambda d: d["id"])


def test_demo_is_valid_and_saved_in_one_write(demo: Store) -> None:
    assert demo.problems() == []
    assert demo.saves == 1


def test_build_is_fast(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "fast.json", create=True)
    try:
        start = time.perf_counter()
        build_demo(store, today=TODAY)
        elapsed = time.perf_counter() - start
    finally:
        store.close()
    assert elapsed < 1.0  # about 0.02 s; generous for slow CI machines


def test_four_seed_aims(demo: Store) -> None:
    aims = demo.aims()
    assert [a.code for a in aims] == list(SEED_AIMS)
    for aim in aims:
        target, cohort_from, deadline, words = SEED_AIMS[aim.code]
        assert aim.target_pct == target
        assert aim.cohort_from == cohort_from
        assert aim.deadline == deadline
        assert words in aim.statement
        assert f"{target}%" in aim.statement
        # The statement names the dates the aim holds, as moved.
        assert f"{deadline:%Y}" in aim.statement and f"{cohort_from:%Y}" in aim.statement
        assert "{{" not in aim.statement
        if aim.status == "active":
            assert aim.deadline > TODAY
        assert aim.statement_hints() == []
        assert aim.kind == "national"
        assert aim.lead and aim.members
    assert demo.find_aim("Aim 1").status == "achieved"


def test_measures_per_aim_and_types(demo: Store) -> None:
    types = set()
    for aim in demo.aims():
        measures = demo.measures(aim.id)
        assert 2 <= len(measures) <= 5, aim.code
        assert any(m.type == "outcome" for m in measures), aim.code
        types |= {m.type for m in measures}
        for m in measures:
            # Rare events are recorded one point per event, not monthly.
            per_event = m.values_are in ("time_between", "count_between")
            assert m.definition and m.source
            assert m.frequency == ("per case" if per_event else "monthly"), m.name
            assert m.points or m.cases
    assert types == {"outcome", "process", "balancing"}


def test_each_new_chart_type_has_a_measure_and_one_has_mdc_rules_and_a_target(
    demo: Store,
) -> None:
    """Issue 22: P′, U′, Xbar, S and MR each chart a demo measure; one reads the MDC way."""
    measures = demo.measures()
    charts = {m.chart for m in measures}
    assert {"pp", "up", "xbar", "s", "mr"} <= charts
    assert any(m.rules == "mdc" and m.goal is not None for m in measures)
    # Authority-wide rates: denominators in the thousands (why P′/U′, not P/U).
    for m in measures:
        if m.chart in ("pp", "up"):
            assert len(m.points) == 24 and min(p.denominator or 0 for p in m.points) >= 1000


def test_outcome_measures_have_24_monthly_points_with_small_denominators(demo: Store) -> None:
    outcomes = [m for m in live(demo) if m.type == "outcome"]
    assert len(outcomes) >= 4
    for m in outcomes:
        pts = m.sorted_points()
        assert [p.date for p in pts] == [month(i, today=TODAY) for i in range(N_MONTHS)], m.name
        assert pts[0].date == FIRST and pts[-1].date == LAST  # data up to last month
        if m.unit == "percent":
            for p in pts:
                assert p.denominator is not None and p.numerator is not None
                assert 2 <= p.denominator <= 9, (m.name, p)
                assert 0 <= p.numerator <= p.denominator


def test_markers_and_notes(demo: Store) -> None:
    points = [p for m in live(demo) for p in m.points]
    assert sum(p.baseline_end for p in points) >= 1
    assert sum(p.rebase_after for p in points) >= 1
    outcome = next(m for m in live(demo) if m.name == AIM2_OUTCOME)
    assert [p.date for p in outcome.points if p.baseline_end] == [dt.date(2026, 3, 1)]
    weeks = demo.find_measure(AIM4_WEEKS)
    assert [p.date for p in weeks.points if p.rebase_after] == [dt.date(2025, 6, 1)]
    assert any("recording system" in p.note for p in points)


def test_aim2_outcome_shows_a_shift_after_the_reminder(demo: Store) -> None:
    pts = next(m for m in live(demo) if m.name == AIM2_OUTCOME).sorted_points()
    ys = [p.y for p in pts]
    assert all(y is not None for y in ys)
    values = [float(y) for y in ys if y is not None]
    median = statistics.median(values[:12])
    assert 30 <= median <= 45  # the baseline is about 40%
    adopted = next(i for i, p in enumerate(pts) if p.baseline_end)
    after = values[adopted + 1 :]
    assert len(after) >= 6
    assert all(v > median for v in after)
    assert statistics.mean(after) >= 75  # about 80% once the reminder is adopted


def test_aim2_shift_seen_by_the_analysis_engine(demo: Store) -> None:
    analysis = pytest.importorskip("pdsa_tui.analysis")
    pts = next(m for m in live(demo) if m.name == AIM2_OUTCOME).sorted_points()
    series = [
        analysis.SeriesPoint(
            date=p.date,
            y=p.y,
            numerator=p.numerator,
            denominator=p.denominator,
            baseline_end=p.baseline_end,
            rebase_after=p.rebase_after,
        )
        for p in pts
    ]
    result = analysis.analyse(series, chart="run")
    shifts = [s for part in result.parts for s in part.shifts]
    assert shifts, result.verdict
    first, last = shifts[-1]
    assert last == len(pts)
    assert last - first + 1 >= 6


def test_ideas_and_ramps(demo: Store) -> None:
    ideas = demo.ideas()
    statuses = {i.status for i in ideas}
    assert {"idea", "abandoned", "testing", "sustained"} <= statuses
    titles = {i.title for i in ideas}
    for words in ("15-week", "Two-week planning meeting", "Routine audit", "Legal tracker"):
        assert any(words in t for t in titles), words
    for idea in ideas:
        assert idea.lead and idea.driver_id
        if idea.status != "idea":
            assert idea.settings
            assert 1 <= len(demo.cycles(idea.id)) <= 4
    planning = next(i for i in ideas if i.title.startswith("Two-week planning meeting"))
    ramp = demo.cycles(planning.id)
    assert [c.number for c in ramp] == [1, 2, 3]  # "in its 3rd PDSA cycle"
    assert ramp[-1].stage != "closed"


def test_cycles_at_every_stage_and_decision(demo: Store) -> None:
    cycles = demo.all(Cycle)
    assert {c.stage for c in cycles} == {"plan", "do", "study", "act", "closed"}
    assert {c.decision for c in cycles if c.decision} == {"adopt", "adapt", "abandon", "expand"}
    by_id = {c.id: c for c in cycles}
    for c in cycles:
        for name in ("objective", "lead", "questions", "predictions", "data_to_collect", "scale"):
            assert getattr(c, name).strip(), (c.title, name)
        assert c.tasks and all(t.who and t.what and t.when and t.where for t in c.tasks)
        if c.stage != "plan":
            assert c.planned_start and c.planned_end
        if c.stage in ("study", "act", "closed"):
            assert c.do_start and c.do_end and c.what_happened
        if c.stage in ("act", "closed"):
            assert c.results and c.learned
        if c.stage == "closed":
            assert c.next_steps
        if c.adapted_from is not None:
            before = by_id[c.adapted_from]
            assert before.idea_id == c.idea_id and before.decision == "adapt"
            assert before.number == c.number - 1
    assert sum(c.adapted_from is not None for c in cycles) >= 2


def test_current_cycles_need_attention(demo: Store) -> None:
    cycles = demo.all(Cycle)
    assert any(c.stage == "study" and c.do_end and c.do_end <= TODAY for c in cycles)
    assert any(c.stage == "act" for c in cycles)
    overdue = [
        c for c in cycles if c.stage in ("plan", "do") and c.planned_end and c.planned_end < TODAY
    ]
    assert len(overdue) == 1
    half_way = [
        c
        for c in cycles
        if c.stage == "do"
        and c.planned_start
        and c.planned_end
        and c.planned_start + (c.planned_end - c.planned_start) / 2 <= TODAY <= c.planned_end
    ]
    assert len(half_way) == 1
    for f in demo.all(Feedback):
        assert f.date is not None and f.date <= TODAY


def test_attention_engine_sees_the_current_cycles(demo: Store) -> None:
    attention = pytest.importorskip("pdsa_tui.analysis.attention")
    kinds = set()
    for aim in demo.aims():
        items = attention.aim_attention(
            aim, demo.measures(aim.id), demo.ideas(aim.id), demo.cycles_for_aim(aim.id), TODAY
        )
        kinds |= {a.kind for a in items}
    assert {"waiting_study", "waiting_act", "overdue", "half_way"} <= kinds


def test_feedback_voices(demo: Store) -> None:
    feedback = demo.all(Feedback)
    sources = {f.source for f in feedback}
    assert len(sources) >= 5
    assert {"child", "parent", "practitioner", "partner_agency"} <= sources
    assert sources & {"carer", "kinship_carer", "foster_carer"}
    assert {f.tone for f in feedback} >= {"positive", "mixed", "negative"}
    assert len({f.method for f in feedback}) >= 4
    assert all(f.themes and f.text for f in feedback)
    texts = " ".join(f.text for f in feedback).lower()
    assert "listened to" in texts
    assert "understand the process" in texts
    assert "took too long" in texts or "too long" in texts


def test_no_personal_names_anywhere(demo: Store) -> None:
    for rec in _all_records(demo):
        for text in _strings(rec.to_dict()):
            assert not NAME_RE.search(text), (type(rec).__name__, text)
            assert not TITLE_RE.search(text), (type(rec).__name__, text)


def test_non_ascii_text_survives(demo: Store, tmp_path: Path) -> None:
    texts = [t for rec in _all_records(demo) for t in _strings(rec.to_dict())]
    assert any("Fàilte" in t for t in texts)
    assert any(not t.isascii() for t in texts)
    raw = demo.path.read_bytes().decode("utf-8")
    assert "Fàilte" in raw  # stored as UTF-8, not escaped


def test_deterministic_for_a_given_today(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.json", "b.json"):
        store = Store.open(tmp_path / name, create=True)
        try:
            build_demo(store, today=TODAY)
            dumps.append(_without_updated(store))
        finally:
            store.close()
    assert dumps[0] == dumps[1]


def test_a_later_today_moves_the_whole_programme(tmp_path: Path) -> None:
    later = TODAY + dt.timedelta(days=400)  # 27/12/2027: data to November 2027
    stores = []
    for name, today in (("a.json", TODAY), ("b.json", later)):
        store = Store.open(tmp_path / name, create=True)
        build_demo(store, today=today)
        stores.append(store)
    try:
        a, b = stores
        assert {r.id for r in _all_records(a)} == {r.id for r in _all_records(b)}
        for m in a.all(Measure):
            moved = b.get(Measure, m.id).points
            # The same values, 13 months later (monthly points stay on the 1st).
            assert [p.y for p in m.points] == [p.y for p in moved]
            month_of = [add_months(p.date, 13).replace(day=1) for p in m.points]
            assert month_of == [p.date.replace(day=1) for p in moved]
            if m.frequency == "monthly" and moved:
                assert {p.date.day for p in moved} == {1}
        assert b.find_measure(AIM2_REMINDER).sorted_points()[-1].date == dt.date(2027, 11, 1)
        # Case measures: the cases move with the programme (their derived points too).
        assert len(a.all(Case)) == len(b.all(Case)) > 0
        for aim in a.aims():
            assert b.find_aim(aim.code).deadline == add_months(aim.deadline or TODAY, 13)
        # Cycles in flight keep their distance from today, to the day.
        for c in a.all(Cycle):
            other = b.get(Cycle, c.id)
            if c.stage in ("do", "study", "act") and c.do_start and c.do_start > LAST:
                assert other.do_start == c.do_start + dt.timedelta(days=400)
    finally:
        for s in stores:
            s.close()


def test_the_demo_tells_a_living_story(demo: Store) -> None:
    from pdsa_tui.analysis.attention import aim_attention
    from pdsa_tui.ui.summaries import time_left

    for aim in demo.aims():
        items = aim_attention(
            aim, demo.measures(aim.id), demo.ideas(aim.id), demo.cycles_for_aim(aim.id), TODAY
        )
        assert not [i for i in items if i.kind == "stale_data"], aim.code
        if aim.status == "active":
            assert "left" in time_left(aim.deadline, TODAY), aim.code
    in_flight = [c for c in demo.all(Cycle) if c.stage in ("do", "study", "act")]
    assert any(c.do_start and TODAY - dt.timedelta(days=60) <= c.do_start for c in in_flight)


def test_an_extra_data_file_adds_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = demo_module.data_files()
    aim2 = next(r["id"] for r in files[0][1]["tables"]["aims"] if r["code"] == "Aim 2")
    extra = {
        "about": "A test part: one more measure for Aim 2, on the same timeline.",
        "timeline": {"last_month": "2020-01-01"},
        "tables": {
            "measures": [
                {
                    "id": "0c9c7f0e-8d7e-4a53-9a55-3a4b3b9b3f10",
                    "aim_id": aim2,
                    "created": "today-3",
                    "name": "Extra measure since {{2019-12-01|%B %Y}}",
                    "unit": "count",
                    "points": [
                        {"date": "2019-12-01", "value": 2},
                        {"date": "2020-01-01", "value": 3},
                    ],
                }
            ]
        },
    }
    monkeypatch.setattr(demo_module, "data_files", lambda: [*files, ("90-extra.json", extra)])
    store = Store.open(tmp_path / "x.json", create=True)
    try:
        build_demo(store, today=TODAY)
        m = store.find_measure("0c9c7f0e-8d7e-4a53-9a55-3a4b3b9b3f10")
        assert m.name == "Extra measure since September 2026"
        assert [p.date for p in m.sorted_points()] == [dt.date(2026, 9, 1), LAST]
        assert m.created.startswith("2026-11-19")
        assert store.problems() == []
    finally:
        store.close()
    extra["tables"] = {"widgets": [{}]}
    store = Store.open(tmp_path / "y.json", create=True)
    try:
        with pytest.raises(ValueError, match=r"90-extra\.json: unknown table 'widgets'"):
            build_demo(store, today=TODAY)
        assert store.counts()["aims"] == 0  # all or nothing
    finally:
        store.close()


def test_date_expressions_and_amends_of_a_data_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dates moved then shifted by days, '?' for what has not happened yet, times, amends."""
    files = demo_module.data_files()
    aim2 = next(r for r in files[0][1]["tables"]["aims"] if r["code"] == "Aim 2")
    measure_id = "0c9c7f0e-8d7e-4a53-9a55-3a4b3b9b3f11"
    extra = {
        "about": "A test part: a case measure with two cases, then the aim amended.",
        "timeline": {"last_month": "2020-01-01"},
        "tables": {
            "measures": [
                {
                    "id": measure_id,
                    "aim_id": aim2["id"],
                    "created": "2019-12-01 10:07",
                    "name": "Extra cases",
                    "cases": True,
                    "start_event": "accommodated",
                    "milestone": "permanence recommendation",
                    "target_weeks": 30,
                }
            ],
            "cases": [
                {
                    "id": "0c9c7f0e-8d7e-4a53-9a55-3a4b3b9b3f12",
                    "measure_id": measure_id,
                    "ref": "C-9001",
                    "start": "2019-06-01-10",
                    "end": "2020-01-01+3?",
                },
                {
                    "id": "0c9c7f0e-8d7e-4a53-9a55-3a4b3b9b3f13",
                    "measure_id": measure_id,
                    "ref": "C-9002",
                    "start": "2019-06-01+2",
                    "end": "2020-01-01+60?",
                },
            ],
        },
        "amend": {"aims": [{"id": aim2["id"], "notes": "Amended by a later part"}]},
    }
    monkeypatch.setattr(demo_module, "data_files", lambda: [*files, ("90-extra.json", extra)])
    store = Store.open(tmp_path / "x.json", create=True)
    try:
        build_demo(store, today=TODAY)
        m = store.find_measure(measure_id)
        assert m.created == f"{add_months(LAST, -1).isoformat()}T10:07:00+00:00"
        first, second = sorted(store.cases(m.id), key=lambda c: c.ref)
        june = add_months(LAST, -7)
        assert first.start == june - dt.timedelta(days=10)
        assert first.end == LAST + dt.timedelta(days=3)  # on or before today: it happened
        assert second.start == june + dt.timedelta(days=2)
        assert second.end is None  # after today: not yet
        aim = store.get(Aim, aim2["id"])
        assert aim.notes == "Amended by a later part"
        assert aim.code == "Aim 2" and aim.statement.startswith("By 01 Mar 2027, 85%")  # kept
        assert store.problems() == []
    finally:
        store.close()


def test_every_shipped_data_file_is_wellformed() -> None:
    names = [name for name, _ in demo_module.data_files()]
    assert names[0] == "10-programme.json"
    for _name, doc in demo_module.data_files():
        assert doc["about"] and set(doc["tables"]) <= set(demo_module.RECORD_TYPES)


def test_build_refuses_a_store_with_data(demo: Store) -> None:
    with pytest.raises(ValueError, match="not empty"):
        build_demo(demo, today=TODAY)


def test_write_demo_creates_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "demo.json"
    assert write_demo(path, today=TODAY) == path
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match="already exists"):
        write_demo(path)
    assert path.read_bytes() == before
    other = tmp_path / "other.json"
    other.write_text("not mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_demo(other)
    assert other.read_text(encoding="utf-8") == "not mine"
    with Store.open(path, read_only=True) as store:
        assert store.problems() == []
        assert store.counts()["aims"] == 4


def test_example_database_matches_a_fresh_build(tmp_path: Path) -> None:
    example = EXAMPLES / "demo.json"
    with dates.as_of(EXAMPLES_DAY), Store.open(example, read_only=True) as shipped:
        assert shipped.problems() == []
        fresh = Store.open(tmp_path / "fresh.json", create=True)
        try:
            build_demo(fresh)
            assert shipped.counts() == fresh.counts()
            # Built for the same day: same ids and the same data points.
            assert {r.id for r in _all_records(shipped)} == {r.id for r in _all_records(fresh)}
            for m in fresh.all(Measure):
                got = shipped.get(Measure, m.id)
                # Who added a point depends on who builds the demo: compare the rest.
                assert [
                    dataclasses.astuple(dataclasses.replace(p, updated_by="")) for p in got.points
                ] == [
                    dataclasses.astuple(dataclasses.replace(p, updated_by="")) for p in m.points
                ], m.name
        finally:
            fresh.close()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_import_samples_follow_the_demo(demo: Store) -> None:
    for name, text in import_samples(today=EXAMPLES_DAY).items():
        shipped = EXAMPLES / name
        assert shipped.read_text(encoding="utf-8") == text, f"regenerate {shipped}"
    samples = import_samples(today=TODAY)
    percent = _rows(samples["data_import_percent.csv"])
    values = _rows(samples["data_import_values.csv"])
    assert list(percent[0]) == ["date", "numerator", "denominator", "note"]
    assert list(values[0]) == ["date", "value", "note"]
    for rows, measure in ((percent, AIM2_REMINDER), (values, AIM4_WEEKS)):
        m = demo.find_measure(measure)
        last = m.sorted_points()[-1].date
        dates = [parse_date(r["date"]) for r in rows]
        assert len(dates) == 6
        assert dates == sorted(dates) and dates[0] > last
        assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", r["date"]) for r in rows)
    for r in percent:
        assert 0 <= int(r["numerator"]) <= int(r["denominator"]) <= 9
    assert demo.find_measure(AIM4_WEEKS).unit == "weeks"
    assert all(float(r["value"]) > 0 for r in values)


def test_outcomes_of_aims_2_3_4_are_case_measures_with_one_case_past_its_reminder(
    demo: Store,
) -> None:
    by_name = {m.name: m for m in live(demo)}
    outcomes = [m for m in demo.measures() if m.type == "outcome" and m.cases]
    assert sorted(demo.get(Aim, m.aim_id).code for m in outcomes) == ["Aim 2", "Aim 3", "Aim 4"]
    aim2 = by_name[AIM2_OUTCOME]
    # The cases give back the story month by month (met, due): one case a child.
    story = [(1, 3), (2, 4), (1, 2), (1, 4), (2, 5), (1, 3), (2, 4), (0, 2), (2, 5), (1, 3)]
    story += [(2, 6), (2, 4), (1, 3), (2, 4), (2, 5), (3, 5), (3, 4), (4, 5), (3, 4), (5, 6)]
    story += [(2, 3), (4, 5), (3, 3), (5, 6)]
    assert [(p.numerator, p.denominator) for p in aim2.sorted_points()] == story
    assert [p.date for p in aim2.sorted_points()] == [add_months(FIRST, k) for k in range(24)]
    adopted = [add_months(FIRST, 16)]
    assert [p.date for p in aim2.points if p.baseline_end] == adopted == [dt.date(2026, 3, 1)]
    reminded = []
    for m in outcomes:
        states = case_states(m, demo.cases(m.id), TODAY)
        assert any(s.status == "open" for s in states), m.name
        assert all(re.fullmatch(r"C-\d{4}", s.case.ref) for s in states)
        reminded += [s.case.ref for s in states if s.past_reminder]
    assert reminded == ["C-1042"]
    attention = pytest.importorskip("pdsa_tui.analysis.attention")
    aim2_aim = demo.get(Aim, aim2.aim_id)
    items = attention.aim_attention(aim2_aim, [aim2], [], [], TODAY, cases=demo.cases(aim2.id))
    assert any(a.kind == "case_reminder" and "C-1042 reached 15 weeks" in a.text for a in items)
