"""Layout (issue 9, item 9): charts fill their room, toasts keep off the verdict, forms ask
only what fits, a new cycle's lead defaults, hints are said once, cycle markers are named."""

from __future__ import annotations

from pathlib import Path

from test_ui_cycle import demo_app, on_disk, type_text
from textual.widgets import Input
from textual.widgets._toast import Toast
from ui_support import LARGE, SMALL, screen_text, wait_until, widget_text

from pdsa_tui.model import ChangeIdea, Cycle, Feedback, Measure
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.feedback import FeedbackForm
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.dialogs.point_form import PointForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.footer import KeyFooter


async def open_aim(app: PdsaApp, pilot: object, code: str = "Aim 2") -> AimScreen:
    assert app.store is not None
    screen = AimScreen(app.store.find_aim(code).id)
    app.push_screen(screen)
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]  # the chart draws after a refresh
    return screen


async def test_the_aim_chart_fills_the_height_it_is_given(tmp_path: Path) -> None:
    for size in (LARGE, SMALL):
        app = demo_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            screen = await open_aim(app, pilot)
            chart = screen.query_one("#aim-chart", ChartView)
            verdict = screen.query_one("#aim-verdict")
            footer_top = app.screen.size.height - 1
            # Nothing empty between the chart, the verdict under it and the footer.
            assert chart.region.bottom == verdict.region.y
            assert verdict.region.bottom >= footer_top - 1
            drawn = chart.plain.splitlines()
            assert len(drawn) >= chart.region.height - 1
            if size == LARGE:
                assert chart.region.height >= 15  # it was 4 rows with 18 empty below


async def test_toasts_do_not_cover_the_verdict(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        assert app.store is not None
        measure = next(m for m in app.store.all(Measure) if m.unit == "days" and m.points)
        screen = MeasureScreen(measure.id)
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "30")
        await pilot.press("enter")
        # The toast is mounted a moment after the save.
        await wait_until(pilot, lambda: bool(app.screen.query(Toast)))
        toasts = list(app.screen.query(Toast))
        assert toasts and "Saved the point" in widget_text(toasts[0])

        def covered() -> bool:
            verdict = screen.query_one("#measure-verdict-box").region
            chart = screen.query_one("#measure-chart").region
            return any(t.region.overlaps(verdict) or t.region.overlaps(chart) for t in toasts)

        # Notices take their own lines above the footer: the verdict and the chart (its
        # key included) move up instead of being covered.
        # (While the notice still shows: one that expired covers nothing.)
        await wait_until(pilot, lambda: not covered(), timeout=2.0)
        assert not covered() and all(t.is_attached for t in toasts)
        footer = screen.query_one(KeyFooter).region
        for toast in toasts:
            assert toast.region.height <= 3  # one line of text, no padding rows
            assert toast.region.bottom <= footer.y


async def test_a_new_days_measure_asks_for_a_value_only(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        aim = app.store.find_aim("Aim 2")
        for unit, ratio in (("days", False), ("weeks", False), ("count", False), ("percent", True)):
            measure = app.store.save(Measure(aim_id=aim.id, name=f"New {unit}", unit=unit))
            screen = MeasureScreen(measure.id)
            app.push_screen(screen)
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, PointForm)
            assert bool(form.query("#point-numerator")) == ratio, unit
            assert ("how many met it" in screen_text(app)) == ratio, unit
            if not ratio:
                await type_text(pilot, "12")
                await pilot.press("enter")
                await pilot.pause()
                assert [p.value for p in on_disk(app).get(Measure, measure.id).points] == [12]
            else:
                await pilot.press("escape")
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()


async def test_a_new_cycles_lead_is_the_change_ideas_lead(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        idea = next(i for i in app.store.all(ChangeIdea) if i.lead)
        app.push_screen(IdeaScreen(idea.id))
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        draft = app.screen
        assert isinstance(draft, CycleScreen) and draft.is_draft
        assert draft.query_one("#field-lead", Input).value == idea.lead
        # The cursor starts in the first empty field (the objective), the lead is kept.
        await type_text(pilot, "Try it with one family")
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = max(on_disk(app).cycles(idea.id), key=lambda c: c.number)
        assert new.objective == "Try it with one family"
        assert new.lead == idea.lead
        # A blank new cycle with only its default lead leaves without a question.
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IdeaScreen)


async def test_no_hint_is_said_twice(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.press("n")  # a new aim: its target percent and members
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        assert screen_text(app).count("0 to 100") == 1
        assert app.screen.query_one("#field-target_pct", Input).placeholder == ""
        assert app.screen.query_one("#field-members", Input).placeholder == ""
        for field in app.screen.query(Input):
            box = field.parent
            assert box is not None
            label = widget_text(box.query_one(".field-label"))
            if field.placeholder:
                assert field.placeholder.lower() not in label.lower(), field.id
        await pilot.press("escape")
        await pilot.pause()
        # The feedback form's themes.
        assert app.store is not None
        cycle = next(c for c in app.store.all(Cycle) if c.stage != "plan")
        app.push_screen(FeedbackForm("New feedback", Feedback(cycle_id=cycle.id), app.store.save))
        await pilot.pause()
        text = screen_text(app)
        assert "comma-separated tags" in text
        assert text.count("comma-separated") == 1


async def test_chart_markers_say_which_change_idea(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_aim(app, pilot)
        plain = screen.query_one("#aim-chart", ChartView).plain
        assert app.store is not None
        titles = [i.title for i in app.store.ideas(app.store.find_aim("Aim 2").id)]
        keyed = [line for line in plain.splitlines() if "C1 = " in line]
        assert keyed, plain
        assert any(t[:20] in keyed[0] for t in titles)
        assert ", cycle " in keyed[0]


async def test_every_chart_of_an_aims_measures_keys_its_markers(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        assert app.store is not None
        aim = app.store.find_aim("Aim 2")
        titles = [i.title for i in app.store.ideas(aim.id)]
        typed = next(m for m in app.store.measures(aim.id) if not m.cases and m.points)
        cases = next(m for m in app.store.measures(aim.id) if m.cases)
        app.push_screen(MeasureScreen(typed.id))
        await pilot.pause()
        await pilot.pause()
        for screen, chart_id in ((app.screen, "#measure-chart"), (None, "#monthly-chart")):
            if screen is None:
                app.push_screen(CasesScreen(cases.id))
                await pilot.pause()
                await pilot.press("p")  # the monthly points and their chart
                await pilot.pause()
                await pilot.pause()
            plain = app.screen.query_one(chart_id, ChartView).plain
            keyed = [line for line in plain.splitlines() if "C1 = " in line]
            assert keyed, plain
            assert any(t[:20] in keyed[0] for t in titles)
