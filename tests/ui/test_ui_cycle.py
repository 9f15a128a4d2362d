"""The cycle form and the feedback form, driven by keys at 80x24."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea
from ui_support import SMALL, line_under, screen_text
from ui_support import demo_app as _demo_app

from pdsa_tui.model import ChangeIdea, Cycle, Feedback, choices
from pdsa_tui.model.records import PLAN_FIELDS
from pdsa_tui.store import Store, WriteFailedError
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.evidence import EvidenceScreen
from pdsa_tui.ui.dialogs.feedback import FeedbackForm
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.widgets.record_table import RecordTable
from pdsa_tui.ui.widgets.tab_bar import TabBar

MARKUP = "[bold]x[/] and [link=http://x]y"
_KEYS = {" ": "space", "\n": "enter"}


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` into whatever has focus: one key event per character, as a terminal sends.

    ``pilot.press`` waits for the app to go idle after every key (~60 ms each);
    the events are queued in order here and awaited once, so typing stays fast.
    """
    driver = pilot.app._driver
    assert driver is not None
    for ch in text:
        if ch in _KEYS:
            key, char = _KEYS[ch], ("\r" if ch == "\n" else ch)
        else:
            key, char = (ch if ch.isalnum() else _character_to_key(ch)), ch
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()


def demo_app(tmp_path: Path, *, read_only: bool = False) -> PdsaApp:
    """The demo app without animations (the tab underline's slide only slows tests)."""
    app = _demo_app(tmp_path, read_only=read_only)
    app.animation_level = "none"
    return app


def on_disk(app: PdsaApp) -> Store:
    """The database as saved: a fresh read-only open of the file."""
    return Store.open(app.path, read_only=True)


def demo_cycle(app: PdsaApp, stage: str, idea_starts: str) -> Cycle:
    """The demo cycle at ``stage`` of the change idea whose title starts so."""
    assert app.store is not None
    for idea in app.store.all(ChangeIdea):
        if idea.title.startswith(idea_starts):
            return next(c for c in app.store.cycles(idea.id) if c.stage == stage)
    raise LookupError(idea_starts)


async def open_cycle(app: PdsaApp, pilot: Pilot[None], cycle: Cycle) -> CycleScreen:
    screen = CycleScreen(cycle.id)
    app.push_screen(screen)
    await pilot.pause()
    return screen


async def tab_to(pilot: Pilot[None], name: str) -> None:
    """Press tab until the cursor is in field ``name`` (as a user does)."""
    for _ in range(30):
        focused = pilot.app.focused
        if focused is not None and focused.id == f"field-{name}":
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached {name}")


def value(screen: CycleScreen, name: str) -> str:
    return screen.field(name).value()


def status(screen: CycleScreen) -> str:
    """The status line under the title (toasts may cover the screen's right side)."""
    return str(screen.query_one("#cycle-status").render())


def active_tab(screen: CycleScreen) -> str:
    return f"tab-{screen.query_one(TabBar).active}"


async def choose(pilot: Pilot[None], downs: int) -> None:
    """Open the focused Select and pick the option ``downs`` below the current one."""
    await pilot.press("enter", *["down"] * downs, "enter")
    await pilot.pause()


async def test_fill_do_study_act_by_keys_closes_the_cycle(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        screen = await open_cycle(app, pilot, cycle)
        assert active_tab(screen) == "tab-do"
        assert "Cycle 1 (Do)" in screen_text(app)
        assert "next: Do" in status(screen)
        # Do: starts focused in its first empty field; shift+tab selects the date before it.
        assert isinstance(app.focused, Input) and app.focused.id == "field-do_end"
        await pilot.press("shift+tab")
        await type_text(pilot, "3/11/2026")
        await pilot.press("tab")
        await type_text(pilot, "1 dec 2026")
        await pilot.press("tab")
        await type_text(pilot, "Huddle held 4 weeks running.\nTracker reviewed each time.")
        await pilot.press("tab")
        await type_text(pilot, "Week 3 huddle cut short.")
        # Study: alt+3 shows the tab and puts the cursor in it.
        await pilot.press("alt+3")
        await pilot.pause()
        assert active_tab(screen) == "tab-study"
        assert isinstance(app.focused, TextArea) and app.focused.id == "field-results"
        await type_text(pilot, "As predicted.")
        await pilot.press("tab")
        await type_text(pilot, "Five minutes is enough.")
        # Act: choose Adopt (the first option under the blank one).
        await pilot.press("alt+4")
        await pilot.pause()
        assert isinstance(app.focused, Select)
        await choose(pilot, 1)
        await pilot.press("tab")
        await type_text(pilot, "Use in both teams.")
        assert "unsaved changes" in status(screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)  # Adopt shows the evidence card
        await pilot.press("escape")  # it never blocks
        await pilot.pause()

        saved = on_disk(app).get(Cycle, cycle.id)
        assert saved.stage == "closed"
        assert saved.decision == "adopt"
        assert saved.what_happened == "Huddle held 4 weeks running.\nTracker reviewed each time."
        assert saved.do_start is not None and saved.do_start.isoformat() == "2026-11-03"
        assert saved.do_end is not None and saved.do_end.isoformat() == "2026-12-01"
        assert saved.learned == "Five minutes is enough."
        text = screen_text(app)
        assert "Cycle 1 (Closed)" in text
        assert "decided: Adopt" in status(screen)
        assert "unsaved changes" not in status(screen)
        # The date typed as '1 dec 2026' is shown as stored.
        assert value(screen, "do_end") == "01/12/2026"
        # Leaving needs no question now.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CycleScreen)


async def test_digits_typed_into_fields_do_not_switch_tabs(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "do", "Permanence tracker"))
        await pilot.press("tab")  # do_end (the first empty field) -> what happened
        await type_text(pilot, "5 of 6 in 3 weeks")
        assert active_tab(screen) == "tab-do"
        assert value(screen, "what_happened") == "5 of 6 in 3 weeks"
        # Outside a text field (on the tab bar) a digit switches tab.
        screen.query_one(TabBar).focus()
        await pilot.press("5")
        await pilot.pause()
        assert active_tab(screen) == "tab-feedback"
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert active_tab(screen) == "tab-act"
        await pilot.press("ctrl+pagedown", "ctrl+pagedown")
        await pilot.pause()
        assert active_tab(screen) == "tab-plan"  # wraps round
        # F2-F6 work from inside a text field too.
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "field-do_end"
        await pilot.press("f4")
        await pilot.pause()
        assert active_tab(screen) == "tab-study"


async def test_invalid_dates_marked_on_their_tabs_nothing_saved(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        before = app.path.read_bytes()
        screen = await open_cycle(app, pilot, cycle)
        # Plan: tab from the objective down to the planned end date.
        await pilot.press("alt+1")
        await pilot.pause()
        await pilot.press(*["tab"] * PLAN_FIELDS.index("planned_end"))
        assert app.focused is not None and app.focused.id == "field-planned_end"
        await pilot.press("ctrl+u")
        await type_text(pilot, "01/01/2020")
        # Do: an impossible date, and some text that must survive.
        await pilot.press("alt+2")
        await pilot.pause()
        await pilot.press("shift+tab")  # from the first empty field to the date before it
        await type_text(pilot, "31/02/2019")
        await pilot.press("tab", "tab")
        await type_text(pilot, "Typed before the error")
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.path.read_bytes() == before
        assert on_disk(app).get(Cycle, cycle.id).what_happened == ""
        # The first bad field's tab is shown and the cursor is in it.
        assert active_tab(screen) == "tab-plan"
        assert app.focused is not None and app.focused.id == "field-planned_end"
        text = screen_text(app)
        # The demo starts this cycle 24 days before the pinned today (10/02/2020).
        assert "must be on or after the planned start (17/01/2020)" in text
        assert "Not saved: 2 problems to fix: Planned end (Plan), Carried out from (Do)" in text
        assert "F2 Plan !" in text and "F3 Do !" in text
        do_field = screen.field("do_start")
        assert do_field.invalid and do_field.control.has_class("-bad")
        # Its message is right under the field (which keeps what was typed).
        assert "February 2019 has 28 days" in line_under(do_field, "field-error")
        # Everything typed is still there.
        assert value(screen, "planned_end") == "01/01/2020"
        assert value(screen, "do_start") == "31/02/2019"
        assert value(screen, "what_happened") == "Typed before the error"

        # Fix both and save: the marks go.
        await pilot.press("ctrl+u")
        await type_text(pilot, "20/03/2020")
        await pilot.press("alt+2")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_text(pilot, "18/01/2020")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, cycle.id)
        assert saved.what_happened == "Typed before the error"
        assert saved.stage == cycle.stage  # saving text never moves a cycle
        assert not do_field.invalid and not do_field.control.has_class("-bad")
        assert line_under(do_field, "field-error") == ""
        assert "F2 Plan !" not in screen_text(app)


async def test_escape_asks_before_discarding(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "do", "Permanence tracker"))
        await pilot.press("tab")
        await type_text(pilot, "half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard unsaved changes to this cycle?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert value(screen, "what_happened") == "half a thought"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, CycleScreen)


async def test_adapt_offers_next_cycle_with_plan_copied(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "act", "15-week")
        screen = await open_cycle(app, pilot, cycle)
        assert active_tab(screen) == "tab-act"
        await pilot.press("alt+4")
        await pilot.pause()
        await choose(pilot, 2)  # blank, Adopt, Adapt
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(app).get(Cycle, cycle.id).decision == "adapt"
        assert isinstance(app.screen, ConfirmScreen)
        assert "Start cycle 4 with this plan copied forward?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()

        draft = app.screen
        assert isinstance(draft, CycleScreen) and draft.is_draft
        assert screen not in app.screen_stack  # replaced, not stacked
        assert "Cycle 4 (new)" in screen_text(app)
        assert "New cycle, not saved yet" in status(draft)
        assert active_tab(draft) == "tab-plan"
        assert value(draft, "objective") == cycle.objective
        assert value(draft, "predictions") == cycle.predictions
        assert value(draft, "planned_start") == ""
        # Nothing new is saved until ctrl+s.
        assert len(on_disk(app).cycles(cycle.idea_id)) == 3
        # The cursor starts in the first empty field of the copied plan.
        first_empty = next(n for n in PLAN_FIELDS if not value(draft, n))
        assert app.focused is not None and app.focused.id == f"field-{first_empty}"
        await pilot.press(
            *["tab"] * (PLAN_FIELDS.index("planned_start") - PLAN_FIELDS.index(first_empty))
        )
        await type_text(pilot, "01/12/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()

        ramp = on_disk(app).cycles(cycle.idea_id)
        assert [c.number for c in ramp] == [1, 2, 3, 4]
        new = ramp[-1]
        assert new.adapted_from == cycle.id
        assert new.objective == cycle.objective
        assert new.tasks == cycle.tasks
        assert new.stage == "plan"  # a new cycle is in Plan until someone moves it
        assert not draft.is_draft
        assert "Cycle 4 (Plan)" in screen_text(app)
        # Saving again does not create another cycle.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(on_disk(app).cycles(cycle.idea_id)) == 4


async def test_adopt_hints_and_does_not_change_the_idea(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "act", "15-week")
        assert app.store is not None
        idea_status = app.store.get(ChangeIdea, cycle.idea_id).status
        await open_cycle(app, pilot, cycle)
        await pilot.press("alt+4")
        await pilot.pause()
        await choose(pilot, 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("implementing" in str(n.message) for n in app._notifications)
        assert on_disk(app).get(ChangeIdea, cycle.idea_id).status == idea_status


async def test_feedback_add_shows_reminder_and_prompts(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Solicitor")
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("alt+5")
        await pilot.pause()
        assert "No feedback yet" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FeedbackForm)
        text = screen_text(app)
        assert "Never write names" in text
        assert "How did it feel?" in text and "too long?" in text
        prompts = str(form.query_one(".feedback-prompts").render())
        assert all(p in prompts for p in choices.FEEDBACK_PROMPTS)
        assert form.fields.values()["date"] != ""  # today
        # The date is filled in, so the cursor starts at Source (a Select): choose
        # 'Foster carer' (blank, child, parent, carer, kinship, foster).
        await choose(pilot, 5)
        await pilot.press("tab", "tab")  # method keeps its default
        await type_text(pilot, "It felt calmer.\nThe meeting was shorter.")
        await pilot.press("tab")
        await type_text(pilot, "calm, time")
        await pilot.press("tab")
        await choose(pilot, 0)  # tone: opens on Neutral, keep it
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        items = on_disk(app).feedback(cycle.id)
        assert len(items) == 1
        fb = items[0]
        assert fb.source == "foster_carer"
        assert fb.text == "It felt calmer.\nThe meeting was shorter."
        assert fb.themes == ["calm", "time"]
        text = screen_text(app)
        assert "F6 Feedback (1)" in text
        assert "Foster carer" in text and "It felt calmer." in text
        assert "The meeting was shorter" not in text  # first line only


async def test_feedback_edit_and_delete_with_confirmation(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "act", "15-week")
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("f6")
        await pilot.pause()
        fb = on_disk(app).feedback(cycle.id)[0]
        assert fb.source == "practitioner"
        assert screen.query_one("#feedback", RecordTable).current_key == fb.id
        # Edit: e opens it; entering the text puts the cursor at its end.
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, FeedbackForm)
        app.screen.query_one("#field-text", TextArea).focus()
        await type_text(pilot, " Edited.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert on_disk(app).get(Feedback, fb.id).text == fb.text + " Edited."
        assert "Edited." in screen.query_one("#feedback", RecordTable).row_text(fb.id)

        # Delete asks first; n keeps it, y deletes it.
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete the feedback from a practitioner" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert on_disk(app).lookup(Feedback, fb.id) is not None
        await pilot.press("d", "y")
        await pilot.pause()
        assert on_disk(app).lookup(Feedback, fb.id) is None
        assert len(on_disk(app).feedback(cycle.id)) == 2
        assert "F6 Feedback (2)" in screen_text(app)
        assert "Edited." not in screen_text(app)


async def test_feedback_keys_only_on_feedback_tab(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_cycle(app, pilot, demo_cycle(app, "act", "15-week"))
        await pilot.press("alt+4")
        await pilot.pause()
        screen.query_one(TabBar).focus()
        await pilot.press("a", "d")
        await pilot.pause()
        assert app.screen is screen
        footer = screen_text(app).splitlines()[-1]
        assert "a Add" not in footer and "e Edit" not in footer
        assert "^f Feedback" in footer  # ctrl+f adds feedback from this tab
        await pilot.press("alt+5")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "a Add" in footer and "d Delete" in footer  # in the footer now
        assert "^f Feedback" not in footer  # a does it here


async def test_markup_like_text_saves_and_shows_literally(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Solicitor")
        screen = await open_cycle(app, pilot, cycle)
        # Typed by keys into one field; put directly into the others (same widgets).
        await tab_to(pilot, "what_happened")
        await type_text(pilot, MARKUP)
        text_fields = [
            b
            for _, form in screen.forms()
            for b in form.boxes()
            if b.spec.kind in ("text", "longtext", "tasks")
        ]
        assert len(text_fields) == 12
        for box in text_fields:
            if box.spec.name != "what_happened":
                box.set_value(f"{box.spec.name} {MARKUP}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, cycle.id)
        assert saved.what_happened == MARKUP
        assert saved.objective == f"objective {MARKUP}"
        assert saved.next_steps == f"next_steps {MARKUP}"
        assert saved.tasks[0].who == f"tasks {MARKUP}".split("|")[0].strip()
        assert MARKUP in screen_text(app)
        await pilot.press("alt+1")
        await pilot.pause()
        assert f"objective {MARKUP}" in screen_text(app)

        # And feedback.
        await pilot.press("alt+5")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FeedbackForm)
        await choose(pilot, 1)
        await pilot.press("tab", "tab")
        await type_text(pilot, MARKUP)
        await pilot.press("tab")
        await type_text(pilot, "[red]theme[/]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        fb = on_disk(app).feedback(cycle.id)[0]
        assert fb.text == MARKUP and fb.themes == ["[red]theme[/]"]
        text = screen_text(app)
        assert "[bold]x[/]" in text and "[red]theme[/]" in text


async def test_read_only_save_shows_message_and_keeps_input(tmp_path: Path) -> None:
    demo_app(tmp_path)  # writes the demo file
    app = demo_app(tmp_path, read_only=True)
    before = app.path.read_bytes()
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        screen = await open_cycle(app, pilot, cycle)
        assert "READ-ONLY" in screen_text(app)
        await pilot.press("tab")
        await type_text(pilot, "Not lost")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.path.read_bytes() == before
        text = screen_text(app)
        assert "Not saved: Read-only" in text
        assert value(screen, "what_happened") == "Not lost"
        assert app.screen is screen
        await pilot.press("alt+5")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, FeedbackForm)


async def test_write_failure_shows_message_and_keeps_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_app(tmp_path)

    def fail(self: Store, record: object) -> object:
        raise WriteFailedError(f"{self.path}: could not be saved (disk full)")

    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("tab")
        await type_text(pilot, "Keep me")
        monkeypatch.setattr(Store, "save", fail)
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(screen.query_one("#cycle-error").render())
        assert "Not saved:" in error and "could not be saved (disk full)" in error
        assert "What you typed is still here." in error
        assert "What you typed is still" in screen_text(app)
        assert any("disk full" in str(n.message) for n in app._notifications)
        assert value(screen, "what_happened") == "Keep me"
        assert "unsaved changes" in screen_text(app)
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(app).get(Cycle, cycle.id).what_happened == "Keep me"
        assert "disk full" not in screen_text(app)


async def test_new_blank_cycle_gets_number_on_first_save(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        idea = demo_cycle(app, "do", "Solicitor").idea_id
        screen = CycleScreen(draft=Cycle(idea_id=idea))
        app.push_screen(screen)
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()  # the tab's fields mount lazily; a loaded machine needs the turn
        assert "Cycle 2 (new)" in screen_text(app)
        assert app.focused is not None and app.focused.id == "field-objective"
        # Feedback waits until the cycle is saved.
        await pilot.press("f6")
        await pilot.pause()
        assert "not saved yet" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, FeedbackForm)
        await pilot.press("f2")
        await pilot.pause()
        await type_text(pilot, "Try a checklist")
        await pilot.press("ctrl+s")
        await pilot.pause()
        ramp = on_disk(app).cycles(idea)
        assert [c.number for c in ramp] == [1, 2]
        assert ramp[1].stage == "plan"
        assert "Cycle 2 (Plan)" in screen_text(app)
        assert screen.cycle is not None and screen.cycle.number == 2


async def test_export_key_uses_base_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "act", "15-week")
        screen = await open_cycle(app, pilot, cycle)
        calls: list[tuple[dict[str, object], str]] = []
        monkeypatch.setattr(screen, "export", lambda what, name: calls.append((what, name)))
        screen.query_one(TabBar).focus()
        await pilot.press("x")
        assert calls and calls[0][0]["cycle"] == cycle
        assert calls[0][1].startswith("cycle-3-")


def test_the_status_line_names_only_what_the_phase_still_lacks() -> None:
    """Found trying it as a user: a saved plan with every field still said 'finish the Plan
    (objective, predictions, start)'."""
    from pdsa_tui.ui.screens.cycle_guide import status_text

    bare = Cycle(idea_id="i", phase="plan")
    assert status_text(bare).endswith("next: finish the Plan (objective, predictions, start)")
    half = Cycle(idea_id="i", phase="plan", objective="Printed tracker")
    assert status_text(half).endswith("next: finish the Plan (predictions, start)")
    full = dataclasses.replace(
        half, predictions="Both bring it", planned_start=dt.date(2026, 12, 14)
    )
    assert status_text(full).endswith("next: Do from 14/12/2026 (ctrl+n moves it)")
    ran = Cycle(idea_id="i", phase="do", do_start=dt.date(2026, 11, 12))
    assert status_text(ran).endswith("next: Do (what happened)")
    told = dataclasses.replace(ran, what_happened="Reviewed at two huddles")
    assert status_text(told).endswith("next: ctrl+n moves it to Study when ready")
