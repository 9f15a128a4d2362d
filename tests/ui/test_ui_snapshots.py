"""Snapshot tests of the main screens at 80x24 on the demo with a fixed "today".

Baselines live in ``tests/__snapshots__/test_ui_snapshots/``. After an intended
change to a screen, look at the report pytest writes, then regenerate with::

    pytest tests/test_ui_snapshots.py --snapshot-update

Everything date-dependent is pinned: the demo is built for :data:`TODAY`, every
``today()`` the app calls returns it, and plotext sees a large terminal so charts
are drawn at the widget's size whatever terminal (or none) runs the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pdsa_tui.demo import AIM1_OUTCOME, write_demo
from pdsa_tui.model import Cycle
from pdsa_tui.model import dates as dates_module
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp

TODAY = dt.date(2020, 2, 10)
SIZE = (80, 24)

SnapCompare = Callable[..., bool]


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PdsaApp]:
    """A demo app built for :data:`TODAY`, with today() pinned everywhere."""
    monkeypatch.setenv(dates_module.TODAY_ENV, TODAY.isoformat())
    # plotext limits a chart to the terminal it thinks it runs in (80x24 when piped).
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.setenv("LINES", "100")
    path = tmp_path / "demo.json"
    write_demo(path, today=TODAY)
    store = Store.open(path)
    try:
        yield PdsaApp(store, path, demo=True)
    finally:
        store.close()


def _ids(app: PdsaApp) -> dict[str, str]:
    store = app.store
    assert store is not None
    aim = store.find_aim("Aim 2")
    cycles = store.cycles_for_aim(aim.id)
    # The cycle waiting longest for its next step: a stable choice with content in it.
    cycle = next((c for c in cycles if c.stage in ("study", "act")), cycles[0])
    return {
        "aim": aim.id,
        "measure": store.find_measure(AIM1_OUTCOME).id,
        "cycle": cycle.id,
    }


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def test_aims_overview(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    assert snap_compare(demo, terminal_size=SIZE, run_before=_settle)


def test_aim_screen(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    from pdsa_tui.ui.screens.aim import AimScreen

    async def open_aim(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        demo.push_screen(AimScreen(_ids(demo)["aim"]))
        await _settle(pilot)

    assert snap_compare(demo, terminal_size=SIZE, run_before=open_aim)


def test_measure_screen(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    from pdsa_tui.ui.screens.measure import MeasureScreen

    async def open_measure(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        demo.push_screen(MeasureScreen(_ids(demo)["measure"]))
        await _settle(pilot)

    assert snap_compare(demo, terminal_size=SIZE, run_before=open_measure)


def test_point_form(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    from pdsa_tui.ui.screens.measure import MeasureScreen

    async def open_form(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        demo.push_screen(MeasureScreen(_ids(demo)["measure"]))
        await pilot.pause()
        await pilot.press("a", "5", "tab", "3", "enter")  # numerator above denominator
        await _settle(pilot)

    assert snap_compare(demo, terminal_size=SIZE, run_before=open_form)


def test_cycle_form(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    from pdsa_tui.ui.screens.cycle import CycleScreen

    async def open_cycle(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        cycle_id = _ids(demo)["cycle"]
        assert demo.store is not None and demo.store.lookup(Cycle, cycle_id) is not None
        demo.push_screen(CycleScreen(cycle_id))
        await _settle(pilot)

    assert snap_compare(demo, terminal_size=SIZE, run_before=open_cycle)


def test_review_queue(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    async def open_review(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        demo.action_review()
        await _settle(pilot)

    assert snap_compare(demo, terminal_size=SIZE, run_before=open_review)


LARGE = (120, 40)


def test_aims_overview_large(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    assert snap_compare(demo, terminal_size=LARGE, run_before=_settle)


def test_review_queue_large(snap_compare: SnapCompare, demo: PdsaApp) -> None:
    async def open_review(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        demo.action_review()
        await _settle(pilot)

    assert snap_compare(demo, terminal_size=LARGE, run_before=open_review)


@pytest.fixture
def conflicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PdsaApp]:
    """The demo with one conflict on a cycle's "What happened", its stamps fixed."""
    import dataclasses
    import json

    monkeypatch.setenv(dates_module.TODAY_ENV, TODAY.isoformat())
    path = tmp_path / "demo.json"
    write_demo(path, today=TODAY)
    with Store.open(path) as s:
        cycle_id = _ids(PdsaApp(s, path))["cycle"]
    a, b = Store.open(path, user="AL"), Store.open(path, user="BK")
    a.save(dataclasses.replace(a.get(Cycle, cycle_id), what_happened="Ran in the East team"))
    b.save(dataclasses.replace(b.get(Cycle, cycle_id), what_happened="Ran in the West team"))
    a.close()
    b.close()
    raw = json.loads(path.read_text())
    for doc in raw["cycles"].values():
        for conflict in doc.get("_conflicts") or []:
            for i, value in enumerate(conflict.get("values", [])):
                value["updated"] = f"2020-02-0{i + 3}T10:1{i}:00+00:00"
    path.write_text(json.dumps(raw))
    store = Store.open(path)
    try:
        yield PdsaApp(store, path, demo=True)
    finally:
        store.close()


@pytest.mark.parametrize("size", [SIZE, LARGE], ids=["80x24", "120x40"])
def test_conflicts_screen(
    snap_compare: SnapCompare, conflicted: PdsaApp, size: tuple[int, int]
) -> None:
    from pdsa_tui.ui.screens.versions import ConflictsScreen

    async def open_conflicts(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        conflicted.push_screen(ConflictsScreen())
        await _settle(pilot)

    assert snap_compare(conflicted, terminal_size=size, run_before=open_conflicts)
