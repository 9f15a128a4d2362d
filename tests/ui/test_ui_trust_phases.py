"""Issue 24, item 2: a cycle's phase moves only when the person says so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_ui_cycle import demo_cycle, on_disk, open_cycle, status, tab_to, type_text, value
from ui_support import SMALL, demo_app, screen_text

from pdsa_tui.model import ChangeIdea, Cycle, dates, format_date
from pdsa_tui.ui.dialogs.modals import HelpScreen
from pdsa_tui.ui.dialogs.pick import PickScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.idea import IdeaScreen


async def test_a_note_in_what_happened_does_not_move_a_running_cycle(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        assert cycle.planned_end is not None and cycle.planned_end > dates.today()
        screen = await open_cycle(app, pilot, cycle)
        await tab_to(pilot, "what_happened")
        await type_text(pilot, "Mid-cycle: two huddles so far")
        await pilot.pause()
        # Still running: nothing suggests Study yet.
        assert "suggests" not in status(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, cycle.id)
        assert saved.what_happened.endswith("Mid-cycle: two huddles so far")
        assert saved.stage == "do"
        # Results typed: still Do once saved, and the status line offers Study.
        await pilot.press("f4")
        await pilot.pause()
        await type_text(pilot, "Drift spotted sooner")
        await pilot.pause()
        assert "What you typed suggests Study: ctrl+n moves it to Study." in status(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(app).get(Cycle, cycle.id).stage == "do"
        # Asked: the picker offers Study first; enter moves it and saves.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert "Move cycle" in screen_text(app) and "Study:" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert on_disk(app).get(Cycle, cycle.id).stage == "study"
        assert "Study" in status(screen).split("·")[0]


async def test_a_cycle_starting_tomorrow_is_saved_in_plan(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    tomorrow = dates.today() + dt.timedelta(days=1)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        idea = next(i for i in app.store.all(ChangeIdea) if i.title.startswith("Permanence"))
        app.push_screen(IdeaScreen(idea.id))
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CycleScreen)
        await type_text(pilot, "Try the tracker in the West team")
        await tab_to(pilot, "predictions")
        await type_text(pilot, "Drift spotted within a week")
        await tab_to(pilot, "planned_start")
        await type_text(pilot, format_date(tomorrow))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.cycle is not None
        saved = on_disk(app).get(Cycle, screen.cycle.id)
        assert saved.stage == "plan"
        # No warning that it "already shows as Do".
        assert not any("already shows" in str(n.message) for n in app._notifications)
        # Moving it to Do before its start is refused, saying why and what to do.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # Do, the next phase
        await pilot.pause()
        assert on_disk(app).get(Cycle, saved.id).stage == "plan"
        assert f"planned to start on {format_date(tomorrow)}, so it stays in Plan" in (
            screen_text(app)
        )


async def test_a_cycle_carried_out_after_today_is_not_moved_to_study(tmp_path: Path) -> None:
    """A cycle is studied after it runs: a 'Carried out from' after today keeps it in Do,
    saying why, with everything typed still on screen; corrected, it moves."""
    app = demo_app(tmp_path)
    later = dates.today() + dt.timedelta(days=3)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("f3")
        await pilot.pause()
        await tab_to(pilot, "do_start")
        await pilot.press("ctrl+u")
        await type_text(pilot, format_date(later))
        await pilot.press("f4")
        await pilot.pause()
        await type_text(pilot, "Drift spotted sooner")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # Study, suggested by the results typed
        await pilot.pause()
        assert on_disk(app).get(Cycle, cycle.id).stage == "do"
        shown = screen_text(app)
        assert f"carried out from {format_date(later)}, after today" in shown
        assert value(screen, "results").endswith("Drift spotted sooner")
        # The date corrected to today: the same move goes through, with the results saved.
        await pilot.press("f3")
        await pilot.pause()
        await tab_to(pilot, "do_start")
        await pilot.press("ctrl+u")
        await type_text(pilot, format_date(dates.today()))
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, cycle.id)
        assert saved.stage == "study" and saved.do_start == dates.today()
        assert saved.results.endswith("Drift spotted sooner")


async def test_f1_on_a_cycle_explains_the_phases(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_cycle(app, pilot, demo_cycle(app, "do", "Permanence tracker"))
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Phases move only when you say so" in app.screen.about
        assert "ctrl+n" in app.screen.about
