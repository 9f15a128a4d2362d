"""Phases set by hand, and files saved before them (issue 24, item 2)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pdsa_tui.model import ChangeIdea, Cycle, dates
from pdsa_tui.model.phases import move_problem, phase_choices, suggested_phase
from pdsa_tui.store import Store


def _idea(store: Store) -> ChangeIdea:
    from pdsa_tui.model import Aim

    aim = store.save(Aim(code="Aim 1", statement="By 2027, 90% of reviews on time", lead="TM"))
    return store.save(ChangeIdea(aim_id=aim.id, title="Reminder", lead="TM"))


def test_an_older_file_opens_with_the_phase_it_showed_and_saving_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store.open(path, create=True) as store:
        idea = _idea(store)
        store.save(
            Cycle(
                idea_id=idea.id,
                objective="Test",
                predictions="All on time",
                planned_start=dt.date(2020, 1, 1),
                what_happened="Ran in one team",
            )
        )
    # As an older version wrote it: no phase at all.
    raw = json.loads(path.read_text())
    for doc in raw["cycles"].values():
        del doc["phase"]
    path.write_text(json.dumps(raw))
    with Store.open(path) as store:
        (cycle,) = store.all(Cycle)
        assert cycle.phase == "" and cycle.stage == "study"
        # Results typed: older versions moved it to Act; now it stays where it was.
        import dataclasses

        saved = store.save(dataclasses.replace(cycle, results="4 of 5 on time"))
        assert (saved.phase, saved.stage) == ("study", "study")
    with Store.open(path, read_only=True) as store:
        assert store.all(Cycle)[0].stage == "study"


def test_a_new_cycle_with_its_start_ahead_is_in_plan(tmp_path: Path) -> None:
    with Store.open(tmp_path / "db.json", create=True) as store:
        idea = _idea(store)
        ahead = dates.today() + dt.timedelta(days=1)
        c = store.save(Cycle(idea_id=idea.id, objective="T", predictions="P", planned_start=ahead))
        assert c.stage == "plan"
        assert move_problem(c, "do", dates.today()) is not None
        assert move_problem(c, "do", ahead) is None


def test_a_cycle_runs_before_it_is_studied_or_decided() -> None:
    today = dt.date(2020, 2, 10)
    ahead = dt.date(2020, 2, 17)
    planned = Cycle(number=3, phase="plan", objective="T", predictions="P", planned_start=ahead)
    for target in ("do", "study", "act"):
        problem = move_problem(planned, target, today)
        assert problem is not None and "planned to start on 17/02/2020" in problem
    assert move_problem(planned, "plan", today) is None
    # Said to have run already: it may leave Plan, and be studied once that day has come.
    ran_ahead = Cycle(number=3, phase="do", planned_start=ahead, do_start=ahead)
    assert move_problem(ran_ahead, "do", today) is None
    for target in ("study", "act"):
        problem = move_problem(ran_ahead, target, today)
        assert problem is not None
        assert (
            "Cycle 3 says it was carried out from 17/02/2020, after today (10/02/2020)" in problem
        )
        assert move_problem(ran_ahead, target, ahead) is None
    assert move_problem(Cycle(phase="do", do_start=today), "study", today) is None


def test_suggestions_follow_what_is_typed() -> None:
    today = dt.date(2020, 2, 10)
    running = Cycle(
        phase="do",
        planned_start=dt.date(2020, 2, 1),
        planned_end=dt.date(2020, 3, 1),
        what_happened="so far so good",
    )
    assert suggested_phase(running, today) is None
    assert suggested_phase(running, dt.date(2020, 3, 2)) == "study"
    studied = Cycle(phase="study", results="4 of 5")
    assert suggested_phase(studied, today) == "act"
    assert phase_choices(studied, today)[0] == (
        "act",
        "Act: decide: adopt, adapt, abandon or expand (suggested)",
    )
    assert suggested_phase(Cycle(phase="act", decision="adopt"), today) is None
