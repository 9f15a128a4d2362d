"""Pilot tests of the key footer: it shows the screen's keys, follows them, and a click presses."""

from __future__ import annotations

from pathlib import Path

from ui_support import LARGE, SMALL, demo_app, screen_text, settled_text

from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.widgets.footer import KeyFooter


def footer_line(app) -> str:  # type: ignore[no-untyped-def]
    """The footer's text (the last row of the screen)."""
    return screen_text(app).splitlines()[-1]


async def test_footer_shows_the_screens_keys_and_follows_the_screen(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        line = footer_line(app)
        assert "n New" in line and "r Review" in line and "^p palette" in line
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AimScreen)
        line = (await settled_text(pilot, app, lambda t: "Edit aim" in t)).splitlines()[-1]
        assert "A Edit aim" in line and "r Review" not in line
        # One footer widget per screen, never rebuilt as a widget per key.
        assert len(app.screen.query(KeyFooter)) == 1
        assert not app.screen.query("FooterKey")


async def test_footer_follows_the_bindings_of_a_tab(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    cycle = next(c for c in store.cycles_for_aim(store.aims()[0].id) if store.feedback(c.id))
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = CycleScreen(cycle.id)
        await app.push_screen(screen)
        await pilot.pause()
        assert "a Add" not in footer_line(app)
        screen.action_show_tab("feedback")
        text = await settled_text(pilot, app, lambda t: "a Add" in t.splitlines()[-1])
        assert "a Add" in text.splitlines()[-1] and "d Delete" in text.splitlines()[-1]


async def test_a_click_on_a_key_in_the_footer_presses_it(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = footer_line(app)
        x = line.index("n New")
        await pilot.click(KeyFooter, offset=(x + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        assert footer.items  # the overview's footer kept its keys under the form
