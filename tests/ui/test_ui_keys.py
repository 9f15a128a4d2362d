"""Keys that do what they say (issue 9, items 3 and 5): typing replaces a pre-filled field,
F1 is help everywhere, the footer shows the keys that act where they act, the review
queue puts the cursor where the next typing goes; and the overview's leftovers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY
from test_ui_cycle import demo_app, demo_cycle, on_disk, open_cycle, tab_to, type_text, value
from test_ui_review import open_review
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from ui_support import LARGE, SMALL, screen_text, settled_text, widget_text

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Measure, format_date
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import HelpScreen, RecordForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.widgets.record_table import RecordTable
from pdsa_tui.ui.widgets.tab_bar import TabBar


async def footer(pilot: Pilot[None]) -> str:
    """The bottom row of the screen: the footer (drawn a moment after the screen)."""
    await pilot.pause()
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, PdsaApp)
    text = await settled_text(pilot, app, lambda t: "palette" in t.splitlines()[-1])
    return text.splitlines()[-1]


def demo_measure(app: PdsaApp, unit: str) -> Measure:
    """A demo measure of typed points with ``unit`` and a frequency."""
    assert app.store is not None
    return next(m for m in app.store.all(Measure) if m.unit == unit and not m.cases and m.frequency)


# -- item 3: entering a pre-filled field ----------------------------------------------------
async def test_tab_into_a_prefilled_field_then_typing_replaces_it(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        measure = demo_measure(app, "percent")
        frequency = measure.frequency
        app.push_screen(MeasureScreen(measure.id))
        await pilot.pause()
        await pilot.press("m")  # edit the measure
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await tab_to(pilot, "frequency")
        await type_text(pilot, frequency)  # the same word again, as a user retyping it
        assert app.screen.fields.values()["frequency"] == frequency  # not "monthlymonthly"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(app).get(Measure, measure.id).frequency == frequency


async def test_carried_out_to_is_replaced_and_a_text_area_is_added_to(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        cycle = demo_cycle(app, "do", "Permanence tracker")
        assert cycle.do_start is not None
        first_end = cycle.do_start + dt.timedelta(days=9)
        cycle = app.store.save(
            dataclasses.replace(cycle, do_end=first_end, what_happened="Held twice.")
        )
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("f3")  # the Do tab: the cursor in its first empty field (problems)
        await pilot.pause()
        await pilot.press("shift+tab", "shift+tab")  # back to "Carried out to"
        assert app.focused is not None and app.focused.id == "field-do_end"
        new_end = cycle.do_start + dt.timedelta(days=14)
        await type_text(pilot, format_date(new_end))
        assert value(screen, "do_end") == format_date(new_end)  # not both dates run together
        # A multi-line field keeps its text: the cursor lands after it.
        await pilot.press("tab")
        assert isinstance(app.focused, TextArea)
        await type_text(pilot, " Then weekly.")
        assert value(screen, "what_happened") == "Held twice. Then weekly."
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, cycle.id)
        assert saved.do_end == new_end
        assert saved.what_happened == "Held twice. Then weekly."


async def test_a_click_into_a_prefilled_field_selects_it(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        measure = demo_measure(app, "percent")
        app.push_screen(MeasureScreen(measure.id))
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        field = app.screen.query_one("#field-frequency", Input)
        field.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click(field)
        await pilot.pause()
        assert app.focused is field
        assert field.selected_text == measure.frequency
        await type_text(pilot, "weekly")
        assert field.value == "weekly"


# -- item 5: keys that lie ------------------------------------------------------------------
async def test_f1_is_help_inside_text_fields_and_question_mark_is_typed(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "do", "Permanence tracker"))
        await tab_to(pilot, "what_happened")
        await type_text(pilot, "Why?")
        assert value(screen, "what_happened") == "Why?"  # ? is typed, not help
        assert app.screen is screen
        assert "F1 Help" in await footer(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = widget_text(app.screen.query_one("#help-keys"))
        assert "F2-F6" in keys and "Tabs" in keys
        await pilot.press("f1")  # F1 again closes it
        await pilot.pause()
        assert app.screen is screen
        assert value(screen, "what_happened") == "Why?"
        # In a form (a modal screen) too.
        await pilot.press("f6", "a")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        assert "F1 Help" in await footer(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "ctrl+s saves" in text and "Save" in text


async def test_cycle_tab_keys_show_on_the_tabs_and_in_the_footer(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "do", "Permanence tracker"))
        text = screen_text(app)
        assert "F2 Plan" in text and "F3 Do" in text and "F6 Feedback" in text
        assert "F2-F6 Tabs" in await footer(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert screen.query_one(TabBar).active == "study"
        # On the feedback tab its keys fit 80 columns with the rest.
        await pilot.press("f6")
        await pilot.pause()
        bottom = await footer(pilot)
        for shown in ("F1 Help", "^s Save", "F2-F6 Tabs", "a Add", "e Edit", "d Delete"):
            assert shown in bottom


async def test_chart_key_shows_and_acts_only_on_the_measures_tab(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        assert app.store is not None
        aim = app.store.find_aim("Aim 2")
        app.push_screen(AimScreen(aim.id))
        await pilot.pause()
        assert "c Chart type" in await footer(pilot)
        charts_before = {m.id: m.chart for m in app.store.measures(aim.id)}
        await pilot.press("i")  # the change ideas tab
        await pilot.pause()
        assert "c Chart type" not in await footer(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert {m.id: m.chart for m in on_disk(app).measures(aim.id)} == charts_before
        await pilot.press("m")
        await pilot.pause()
        assert "c Chart type" in await footer(pilot)


async def test_review_save_and_next_puts_the_cursor_in_the_next_cycles_field(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(app, pilot)
        assert "m Meeting" in await footer(pilot)  # it fits 80 columns now
        first, second = (r.key for r in screen.query_one("#queue", RecordTable).rows[:2])
        waits = on_disk(app).get(Cycle, second).stage
        screen.query_one("#field-next_steps").focus()
        await type_text(pilot, "Talk to the West team")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(app).get(Cycle, first).next_steps == "Talk to the West team"
        assert screen.current == second
        # The first empty field of the phase the next cycle waits for.
        expected = "field-results" if waits == "study" else "field-decision"
        assert app.focused is not None and app.focused.id == expected
        await type_text(pilot, "Typed straight in")
        assert screen.query_one(f"#{expected}").has_focus


# -- the overview's leftovers --------------------------------------------------------------
async def test_an_achieved_aim_never_says_over(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        assert app.store is not None
        aim = next(a for a in app.store.aims() if a.status == "active")
        past = (aim.cohort_from or TODAY - dt.timedelta(days=400)) + dt.timedelta(days=1)
        assert past < TODAY
        app.store.save(dataclasses.replace(aim, status="achieved", deadline=past))
        app.screen.sync()  # type: ignore[attr-defined]
        await pilot.pause()
        row = app.screen.query_one("#aims", RecordTable).row_text(aim.id)
        assert "achieved" in row and "over" not in row
        app.push_screen(AimScreen(aim.id))
        await pilot.pause()
        summary = widget_text(app.screen.query_one("#aim-summary"))
        assert "over" not in summary and "achieved" in summary
        assert on_disk(app).get(Aim, aim.id).status == "achieved"


async def test_at_80_columns_f1_is_in_view_and_help_lists_every_key(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "F1 Help" in await footer(pilot)
        await pilot.press("f1")
        await pilot.pause()
        keys = widget_text(app.screen.query_one("#help-keys"))
        for wanted in ("Programme", "Conflicts", "History", "Merge", "F1"):
            assert wanted in keys
        await pilot.press("escape", "enter")  # the first aim
        await pilot.pause()
        assert isinstance(app.screen, AimScreen)
        assert "F1 Help" in await footer(pilot)
        await pilot.press("question_mark")  # no text field has the cursor: ? works too
        await pilot.pause()
        keys = widget_text(app.screen.query_one("#help-keys"))
        assert "Drivers" in keys and "Spread" in keys


async def test_new_cycle_form_is_not_dirty_with_only_its_defaults(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        idea = app.store.get(Cycle, demo_cycle(app, "do", "Permanence tracker").id).idea_id
        draft = CycleScreen(draft=Cycle(idea_id=idea, lead="TM"))
        app.push_screen(draft)
        await pilot.pause()
        assert not draft.is_dirty()


# -- the change-idea lead's 5-minute job ---------------------------------------------------
#: Keys as counted in the note: each key press is one, and each run of typed text is one.
#: Before (29): tab down down enter | tab [date] tab [what happened] ctrl+s | f5 a tab enter
#: [f] enter tab tab [what was said] ctrl+s | escape shift+tab down enter down down enter a
#: [value] enter.
JOB_KEYS_BEFORE = 29


async def test_the_five_minute_job_takes_fewer_keys(tmp_path: Path) -> None:
    """From the overview: record a cycle's Do, add one feedback, add one data point."""
    app = demo_app(tmp_path)
    count: list[str] = []

    async def press(*keys: str) -> None:
        count.extend(keys)
        await pilot.press(*keys)
        await pilot.pause()

    async def typed(text: str) -> None:
        count.append(f"[{text}]")
        await type_text(pilot, text)

    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.store is not None
        store = app.store
        cycle = demo_cycle(app, "do", "Permanence tracker")
        aim_id = store.get(ChangeIdea, cycle.idea_id).aim_id
        measures = [m for m in store.measures(aim_id) if not m.cases]
        days = next(k for k, m in enumerate(measures) if m.unit == "days")
        attention = app.screen.query_one("#attention", RecordTable)
        row = next(k for k, r in enumerate(attention.rows) if r.key.endswith(cycle.id))
        assert cycle.do_start is not None
        ended = format_date(min(TODAY, cycle.do_start + dt.timedelta(days=14)))

        # The cycle from Needs attention: its Do tab, the cursor in "Carried out to".
        await press("tab", *["down"] * row, "enter")
        await pilot.pause()
        assert isinstance(app.screen, CycleScreen)
        await typed(ended)
        await press("tab")
        await typed("Tracker read at three huddles")
        # Saving moves nothing: ctrl+n offers Study (it has an end date) and saves.
        await press("ctrl+n", "enter")
        # Feedback from any tab: the cursor starts at Source (the date is today's).
        await press("ctrl+f")
        await press("enter")
        await typed("f")  # the list jumps to Foster carer
        await press("enter", "tab", "tab")
        await typed("Quicker to spot drift")
        await press("ctrl+s")
        # A data point for one of the aim's measures.
        await press("ctrl+g", *["down"] * days, "enter")
        await typed("28")
        await press("enter")

        assert len(count) == 22 < JOB_KEYS_BEFORE, " ".join(count)
        disk = on_disk(app)
        assert disk.get(Cycle, cycle.id).stage == "study"
        heard = [f for f in disk.feedback(cycle.id) if f.text == "Quicker to spot drift"]
        assert len(heard) == 1 and heard[0].source == "foster_carer"
        before = {p.id for p in measures[days].points}
        new = [p for p in disk.get(Measure, measures[days].id).points if p.id not in before]
        assert [p.value for p in new] == [28]
        assert isinstance(app.screen, CycleScreen)
        assert "Saved the point" in " ".join(str(n.message) for n in app._notifications)


@pytest.mark.parametrize("second", ["e", "n", "r", "x", "p", "enter"])
async def test_a_key_typed_right_after_quit_opens_nothing(tmp_path: Path, second: str) -> None:
    # In a terminal "q" and the next key can arrive in one read: the second key opened a
    # form on the closing app, which crashed looking for its fields (found in tmux).
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key(second, second if len(second) == 1 else None))
        await pilot.pause()
    assert app.return_code == 0
