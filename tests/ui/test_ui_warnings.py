"""Pilot tests of warnings beside fields: shown while typing, saving still allowed.

A point dated in the future, a gap since the previous point, a value far outside the
series; a cycle's "Carried out to" in the future; a cycle shown as Do before its planned
start. Each test types with keys and checks the screen and the file on disk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import TODAY
from textual.pilot import Pilot
from textual.widgets import Input, Static
from ui_support import LARGE, SMALL, line_under, wait_until, widget_text

from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Measure, format_date
from pdsa_tui.model.dates import add_period
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.point_form import PointForm
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.measure import MeasureScreen

NAME = "Days from accommodation to first review"
VALUES = [20, 24, 19, 22, 25, 21, 23, 20]
LAST = add_period(dt.date(TODAY.year, TODAY.month, 1), "monthly", -4)  # the 1st, four months ago


def make_db(tmp_path: Path) -> Path:
    """A monthly days measure (points up to four months ago) and a change idea with one cycle."""
    path = tmp_path / "warn.json"
    n = len(VALUES)
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 1", statement="Reviews within 20 days", target_pct=80))
        s.save(
            Measure(
                aim_id=aim.id,
                name=NAME,
                unit="days",
                direction="down",
                frequency="monthly",
                points=[
                    DataPoint(date=add_period(LAST, "monthly", k - n + 1), value=v)
                    for k, v in enumerate(VALUES)
                ],
            )
        )
        idea = s.save(
            ChangeIdea(aim_id=aim.id, title="Book the review at accommodation", lead="TM")
        )
        s.save(Cycle(idea_id=idea.id, objective="Try with one team", predictions="Sooner"))
    return path


async def point_form(app: PdsaApp, pilot: Pilot[None]) -> PointForm:
    assert app.store is not None
    await pilot.pause()
    app.push_screen(MeasureScreen(app.store.find_measure(NAME).id))
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, PointForm)
    return form


def warning(form: PointForm, name: str) -> str:
    line = form.query_one(f"#warn-{name}", Static)
    return widget_text(line) if line.has_class("-shown") else ""


async def retype(pilot: Pilot[None], form: PointForm, name: str, text: str) -> None:
    """Put the cursor in field ``name``, empty it and type ``text`` key by key."""
    form.query_one(f"#point-{name}", Input).focus()
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()


async def test_point_in_the_future_warns_while_typing_and_still_saves(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    ahead = TODAY + dt.timedelta(days=10)
    async with app.run_test(size=SMALL) as pilot:
        form = await point_form(app, pilot)
        # The suggested date (a month after the last point) is fine: nothing shown.
        await retype(pilot, form, "value", "21")
        assert warning(form, "date") == "" and warning(form, "value") == ""
        await retype(pilot, form, "date", format_date(ahead))
        assert warning(form, "date") == f"⚠ is in the future (today is {format_date(TODAY)})"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
        assert any(
            "Saved the point" in str(n.message) and "in the future" in str(n.message)
            for n in app._notifications
        )
    with Store.open(path, read_only=True) as s:
        assert s.find_measure(NAME).sorted_points()[-1].date == ahead


async def test_gap_and_far_value_warn_beside_their_fields(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=LARGE) as pilot:
        form = await point_form(app, pilot)
        await retype(pilot, form, "date", format_date(TODAY))
        assert warning(form, "date") == (
            f"⚠ 4 months after the previous point ({format_date(LAST)}; frequency: monthly): "
            "missing points?"
        )
        await retype(pilot, form, "date", format_date(add_period(LAST, "monthly", 2)))
        assert warning(form, "date") == ""
        await retype(pilot, form, "value", "220")
        assert warning(form, "value") == (
            "⚠ 220 is far outside this measure's other points (19 to 25): a slip?"
        )
        await retype(pilot, form, "value", "22")
        assert warning(form, "value") == ""


async def test_cycle_dates_warn_beside_their_fields_and_save(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    ahead = TODAY + dt.timedelta(days=14)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        cycle = app.store.all(Cycle)[0]
        screen = CycleScreen(cycle.id)
        app.push_screen(screen)
        # The form puts the cursor in its first field once drawn: wait for that first.
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.id == "field-objective"
        )

        def warned(name: str) -> str:
            return line_under(screen.field(name), "field-warning")

        # Plan: a planned start two weeks ahead keeps the cycle in Plan: no warning.
        screen.query_one("#field-planned_start", Input).focus()
        await pilot.press(*format_date(ahead))
        await pilot.pause()
        assert warned("planned_start") == ""
        assert screen.cycle is not None and screen.cycle.stage == "plan"
        # Do: "Carried out to" in the future.
        await pilot.press("f3")
        await pilot.pause()
        await pilot.pause()
        screen.query_one("#field-do_end", Input).focus()
        await pilot.press(*format_date(TODAY + dt.timedelta(days=3)))
        await wait_until(pilot, lambda: bool(warned("do_end")))
        assert warned("do_end") == f"⚠ is in the future (today is {format_date(TODAY)})"
        # With the Do recorded the cycle is no longer shown as Do: that warning goes.
        assert warned("planned_start") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Carried out to is in the future" in str(n.message) for n in app._notifications)
    with Store.open(path, read_only=True) as s:
        saved = s.all(Cycle)[0]
    assert saved.do_end == TODAY + dt.timedelta(days=3) and saved.planned_start == ahead
