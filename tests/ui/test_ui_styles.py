"""The style sheets: app.tcss read at start, screens.tcss and a screen's own sheet when the
first screen needing them opens, without parsing every sheet again."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from ui_support import SMALL, demo_app

from pdsa_tui.model import Cycle
from pdsa_tui.ui import styles
from pdsa_tui.ui.app import PdsaApp, WelcomeScreen
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.screens.programme import ProgrammeScreen

SCREENS_SHEET = str(styles.path("screens.tcss"))


def later_rules(app: PdsaApp) -> Stylesheet:
    """screens.tcss parsed on its own, with the app's theme variables."""
    sheet = Stylesheet(variables=app.stylesheet._variables)
    sheet.read(styles.path("screens.tcss"))
    sheet.parse()
    return sheet


def matched(sheet: Stylesheet, app: PdsaApp) -> list[str]:
    """'rule -> widget' for every rule of ``sheet`` matching a widget of the app's screens."""
    out = []
    nodes: list[DOMNode] = [n for s in app.screen_stack for n in s.walk_children(with_self=True)]
    for rule in sheet.rules:
        for node in nodes:
            if any(Stylesheet._check_rule(rule, node.css_path_nodes)):
                out.append(f"{rule.selectors} -> {node!r}")
    return out


async def test_the_first_screens_and_the_cycle_form_need_no_later_rules(tmp_path: Path) -> None:
    """What app.tcss says it holds: no rule of screens.tcss styles anything on the overview,
    the welcome screen or any tab of the cycle form (those never read screens.tcss)."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        sheet = later_rules(app)
        found = matched(sheet, app)
        store = app.store
        assert store is not None
        for cycle in store.all(Cycle)[:3]:
            app.push_screen(CycleScreen(cycle.id))
            await pilot.pause()
            for _ in range(5):
                found += matched(sheet, app)
                await pilot.press("ctrl+pagedown")
                await pilot.pause()
            app.pop_screen()
            await pilot.pause()
        # Still not read: nothing opened needed it.
        assert not app.stylesheet.has_source(SCREENS_SHEET, "")
    welcome = PdsaApp(None, tmp_path / "none.json")
    async with welcome.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(welcome.screen, WelcomeScreen)
        found += matched(later_rules(welcome), welcome)
    assert not found, found


async def test_a_later_screen_reads_screens_tcss_once_without_parsing_all_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_app(tmp_path)
    reparsed: list[int] = []
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        monkeypatch.setattr(app.stylesheet, "reparse", lambda: reparsed.append(1))
        store = app.store
        assert store is not None
        aim = store.aims()[0]
        app.push_screen(AimScreen(aim.id))
        await pilot.pause()
        assert app.stylesheet.has_source(SCREENS_SHEET, "")
        # screens.tcss styles the aim screen: its tabs fill what the summary leaves.
        tabs = app.screen.query_one("#aim-tabs")
        assert str(tabs.styles.height) == "1fr"
        # A screen with a sheet of its own: read and applied, nothing parsed again.
        app.push_screen(ProgrammeScreen())
        await pilot.pause()
        detail = app.screen.query_one(".programme-detail")
        assert detail.styles.max_height is not None and detail.styles.max_height.value == 45
        assert not reparsed


async def test_the_later_rules_survive_a_change_of_theme(tmp_path: Path) -> None:
    """A theme chosen later parses every sheet again, those read later included."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        store = app.store
        assert store is not None
        app.push_screen(AimScreen(store.aims()[0].id))
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        assert str(app.screen.query_one("#aim-tabs").styles.height) == "1fr"
        app.pop_screen()
        await pilot.pause()
        app.push_screen(AimScreen(store.aims()[1].id))  # a new screen after the change
        await pilot.pause()
        assert str(app.screen.query_one("#aim-tabs").styles.height) == "1fr"
