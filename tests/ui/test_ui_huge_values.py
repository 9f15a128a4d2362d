"""Pilot tests: a measure holding a value an older pdsa accepted (1e308 days) opens, shows
the point "off the scale", and lets the user delete it; the point form refuses such values.

Before issue 9, opening such a measure (on the aim screen, or its data screen) killed
the app with a plotext OverflowError: the screen where the point would be deleted was
the one that crashed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_huge_values import COUNT, DAYS, RATE, build, poison
from textual.widgets import Input
from ui_support import LARGE, SMALL, screen_text, widget_text

from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.dialogs.point_form import PointForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.widgets.chart import ChartView


@pytest.fixture
def poisoned(tmp_path: Path) -> Path:
    path = tmp_path / "old.json"
    build(path)
    poison(path, DAYS, value=[1.7e308])
    poison(path, COUNT, value=[1e308, 1.7e308, 1.7e308])
    return path


def days_values(path: Path) -> list[float | None]:
    with Store.open(path, read_only=True) as s:
        return [p.value for p in s.find_measure(DAYS).sorted_points()]


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_open_the_measure_by_keys_and_delete_the_point(
    poisoned: Path, size: tuple[int, int]
) -> None:
    app = PdsaApp(Store.open(poisoned), poisoned)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the only aim; its first measure is highlighted
        await pilot.pause()
        assert isinstance(app.screen, AimScreen)
        assert "off the scale" in app.screen.query_one(ChartView).plain
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeasureScreen) and DAYS in str(screen.title)
        chart = screen.query_one(ChartView).plain
        assert "▲" in chart and "▲ off the scale" in chart
        await pilot.press("end")  # the newest point: the bad one
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "01/02/2026 (1.7e+308)" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert 1.7e308 not in days_values(poisoned) and len(days_values(poisoned)) == 13
        await pilot.pause()
        assert "off the scale" not in screen.query_one(ChartView).plain


async def test_every_chart_of_a_measure_with_values_near_the_float_limit(poisoned: Path) -> None:
    """1e308 and 1.7e308 twice: their sums and means overflow."""
    app = PdsaApp(Store.open(poisoned), poisoned)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        assert app.store is not None
        screen = MeasureScreen(app.store.find_measure(COUNT).id)
        app.push_screen(screen)
        await pilot.pause()
        seen = set()
        for _ in range(8):  # every chart the data can take, and back to the first
            chart = screen.query_one(ChartView).plain
            assert "▲ off the scale" in chart
            seen.add(widget_text(screen.query_one("#measure-verdict")).split(" ·")[0])
            await pilot.press("c")
            await pilot.pause()
        assert {"Run chart", "I chart (XmR)", "C chart"} <= seen


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_the_point_form_refuses_a_value_no_unit_holds(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = tmp_path / "pdsa.json"
    build(path)
    before = days_values(path)
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert app.store is not None
        app.push_screen(MeasureScreen(app.store.find_measure(DAYS).id))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PointForm)
        value = form.query_one("#point-value", Input)
        value.focus()
        await pilot.press(*"1e308")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open, the typing kept
        assert value.value == "1e308"
        shown = widget_text(form.query_one("#error-value"))
        assert shown == (
            "Value: is too large for a days measure, which accepts 0 to 36,500; got 1e+308"
        )
        await pilot.press("ctrl+u", *"36500", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, PointForm)
    assert days_values(path) == [*before, 36_500]


async def test_the_point_form_on_a_measure_whose_numerators_overflow(tmp_path: Path) -> None:
    """The warnings shown as you type sum the stored numerators: 1.7e308 twice is inf."""
    path = tmp_path / "old.json"
    build(path)
    poison(path, RATE, numerator=[1.7e308, 1.7e308])
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.store is not None
        screen = MeasureScreen(app.store.find_measure(RATE).id)
        app.push_screen(screen)
        await pilot.pause()
        assert "▲ off the scale" in screen.query_one(ChartView).plain
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PointForm)
        form.query_one("#point-numerator", Input).focus()
        await pilot.press("3", "tab", "1", "0")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
    with Store.open(path, read_only=True) as s:
        newest = s.find_measure(RATE).sorted_points()[-1]
    assert (newest.numerator, newest.denominator) == (3, 10)
