"""Shared fixtures: a database path, an open store and a small example programme.

Keep this file generic: any test module may use these.

- ``tmp_db``: a path for a database file that does not exist yet.
- ``store``: a writable :class:`Store` on ``tmp_db`` (closed after the test).
- ``make_programme``: the :func:`build_programme` function, so a test can call
  ``make_programme(store)`` to get one aim, measure (with points), change idea,
  two cycles and two pieces of feedback.
- ``programme``: ``make_programme(store)`` already called on ``store``.

``--long`` enables tests marked ``slow``.

Every test runs on the fixed day :data:`TODAY` (autouse ``fixed_today``): it is
set in ``$PDSA_TODAY``, so ``pdsa_tui.model.dates.today()`` and every ``pdsa``
subprocess a test starts see the same day, whatever the clock says.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Feedback, Measure, Task, dates
from pdsa_tui.store import Store

#: The repository, its shipped examples, this folder's test data, and the shared folder beside
#: the repository (reference data and seed documents). Tests sit in sub-folders by layer.
REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
TEST_DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO.parent / "shared"

# Test modules share helpers across layers (``from test_ui_cycle import open_cycle``):
# every layer's folder is importable, whichever folder pytest collects first.
for _layer in ("unit", "store", "ui", "cli", "robustness"):
    sys.path.insert(0, str(Path(__file__).resolve().parent / _layer))

#: The statement of the PACE seed aim (it has a percentage, a from-date and a by-date).
SEED_AIM_STATEMENT = (
    "By 01 Dec 2019, 85% of looked after & accommodated on or after 01 Feb 2019, "
    "will have a recommendation for permanence within 30 weeks."
)


#: The day every test runs on (see ``fixed_today``).
TODAY = dt.date(2020, 2, 10)


def pytest_configure(config: pytest.Config) -> None:
    # Session-scoped fixtures (a demo built once per module) run before any
    # function fixture, so the day is pinned for the whole process as well.
    os.environ[dates.TODAY_ENV] = TODAY.isoformat()


@pytest.fixture(autouse=True, scope="session")
def fixed_today_for_the_session() -> Iterator[None]:
    """Pin :data:`TODAY` before module-scoped fixtures run (demo files built once per module)."""
    from pdsa_tui.store import opening

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(dates.TODAY_ENV, TODAY.isoformat())
        # A broken file a test just wrote is no sync client's: refused without the wait.
        mp.setattr(opening, "STILL", 0.02)
        yield


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the app, the CLI and its subprocesses to :data:`TODAY`."""
    monkeypatch.setenv(dates.TODAY_ENV, TODAY.isoformat())
    dates.set_today(None)
    return TODAY


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long", action="store_true", default=False, help="run tests marked slow as well"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--long"):
        return
    skip = pytest.mark.skip(reason="slow: run with --long")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@dataclass
class Programme:
    """The records :func:`build_programme` saved, as the store returned them."""

    aim: Aim
    measure: Measure
    idea: ChangeIdea
    cycles: list[Cycle]
    feedback: list[Feedback]


def build_programme(store: Store) -> Programme:
    """Save one small, valid PACE-style programme into ``store`` and return its records."""
    aim = store.save(
        Aim(
            code="Aim 1",
            statement=SEED_AIM_STATEMENT,
            target_pct=85,
            population="looked after and accommodated",
            cohort_from=dt.date(2019, 2, 1),
            deadline=dt.date(2019, 12, 1),
            lead="Service manager",
            members=["SW team A", "Reviewing officer"],
            kind="national",
        )
    )
    measure = store.save(
        Measure(
            aim_id=aim.id,
            name="Permanence recommendation within 30 weeks",
            type="outcome",
            unit="percent",
            direction="up",
            goal=85,
            definition="Children with a recommendation within 30 weeks / children accommodated",
            source="Case management system",
            points=[
                DataPoint(date=dt.date(2019, 1, 1), numerator=6, denominator=10),
                DataPoint(date=dt.date(2019, 2, 1), numerator=7, denominator=10),
                DataPoint(date=dt.date(2019, 3, 1), value=75.0, note="audit month"),
            ],
        )
    )
    idea = store.save(
        ChangeIdea(
            aim_id=aim.id,
            title="Early permanence planning meeting",
            description="Hold a planning meeting within 4 weeks of accommodation",
            lead="Team leader",
            status="testing",
            settings=["North locality"],
        )
    )
    first = store.save(
        Cycle(
            idea_id=idea.id,
            objective="Test a planning meeting with one family",
            lead="SW",
            questions="Does the meeting happen within 4 weeks?",
            predictions="It will, if booked at accommodation",
            tasks=[Task("SW", "book meeting", "week 1", "office"), Task("TL", "chair")],
            data_to_collect="Date booked, date held",
            planned_start=dt.date(2019, 3, 4),
            planned_end=dt.date(2019, 3, 29),
            scale="1 team, 1 family",
            do_start=dt.date(2019, 3, 4),
            do_end=dt.date(2019, 3, 28),
            what_happened="Meeting held in week 3",
            results="Held within 4 weeks as predicted",
            learned="Booking at accommodation works",
            decision="adapt",
            next_steps="Try with 3 families",
        )
    )
    second = store.save(
        Cycle(
            idea_id=idea.id,
            objective="Test with three families",
            predictions="All three within 4 weeks",
            planned_start=dt.date(2019, 4, 1),
        )
    )
    feedback = [
        store.save(
            Feedback(
                cycle_id=first.id,
                date=dt.date(2019, 3, 20),
                source="foster_carer",
                method="conversation",
                text="It helped to know the plan early",
                themes=["clarity"],
                tone="positive",
            )
        ),
        store.save(
            Feedback(
                cycle_id=first.id,
                date=dt.date(2019, 3, 25),
                source="practitioner",
                method="meeting",
                text="Took a long time to arrange",
                tone="mixed",
            )
        ),
    ]
    return Programme(aim, measure, idea, [first, second], feedback)


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    """A path for a new database file (not created)."""
    return tmp_path / "pdsa.json"


@pytest.fixture
def store(tmp_db: Path) -> Iterator[Store]:
    """A writable store on a new database at ``tmp_db``."""
    s = Store.open(tmp_db, create=True)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def make_programme() -> Callable[[Store], Programme]:
    """:func:`build_programme`, to call as ``make_programme(store)``."""
    return build_programme


@pytest.fixture
def programme(store: Store) -> Programme:
    """The example programme saved in ``store``."""
    return build_programme(store)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo database's data (every table holds records) for the store's reading tests
    (test_building, test_typed), and from then on one clock: a record stored without its
    ``created`` or ``updated`` is stamped when it is built, so two builds a second apart
    under load would differ."""
    import json
    import types
    from unittest import mock

    from robust_corpus import demo_file

    from pdsa_tui.model.registry import RECORD_CLASSES

    data: dict[str, Any] = json.loads(demo_file(tmp_path_factory.mktemp("demo")).read_bytes())
    assert all(data[cls.TABLE] for cls in RECORD_CLASSES)
    with mock.patch.object(dates, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0)):
        yield data
