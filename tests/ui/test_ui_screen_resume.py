"""A screen is styled once as it first shows (not again as it resumes), in the theme in use."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static
from ui_support import SMALL, demo_app

from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.themes import THEME_ENV


class Counted(PdsaScreen):
    """A plain pdsa screen that counts Textual's restyles of it."""

    def __init__(self) -> None:
        super().__init__()
        self.restyled = 0

    def compose_body(self):  # type: ignore[no-untyped-def]
        yield Static("Hello", id="hello")

    def update_node_styles(self, animate: bool = True) -> None:
        self.restyled += 1
        super().update_node_styles(animate)


async def test_a_screen_is_styled_once_as_it_first_shows_and_follows_a_theme_change(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = Counted()
        await app.push_screen(screen)
        await pilot.pause()
        # Styled as it mounted: the first showing does not style it all again.
        assert screen.restyled == 0
        dark = screen.styles.background
        # Covered by another screen, the theme changes; it comes back in the new theme.
        app.push_screen(Counted())
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        assert app.screen is screen
        assert screen.styles.background != dark
        assert screen.styles.background == app.current_theme.to_color_system().background


async def test_the_first_screen_and_the_cycle_form_show_in_the_theme_chosen_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(THEME_ENV, "textual-light")
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        light = app.current_theme.to_color_system().background
        assert app.theme == "textual-light" and app.screen.styles.background == light
        assert app.store is not None
        app.push_screen(CycleScreen(app.store.cycles()[0].id))
        await pilot.pause()
        assert app.screen.styles.background == light
