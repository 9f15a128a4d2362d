"""The Study/Act review queue, driven by keys at 80x24."""

from __future__ import annotations

from pathlib import Path

from test_ui_cycle import choose, demo_app, on_disk, type_text
from ui_support import SMALL, empty_app, screen_text

from pdsa_tui.model import ChangeIdea, Cycle
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.evidence import EvidenceScreen
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.review import EMPTY_TEXT, ReviewScreen
from pdsa_tui.ui.widgets.fields import FieldBox
from pdsa_tui.ui.widgets.record_table import RecordTable


def queue_keys(screen: ReviewScreen) -> list[str]:
    return [r.key for r in screen.query_one("#queue", RecordTable).rows]


def idea_of(app: PdsaApp, cycle_id: str) -> str:
    assert app.store is not None
    return app.store.get(ChangeIdea, app.store.get(Cycle, cycle_id).idea_id).title


async def open_review(app: PdsaApp, pilot: object) -> ReviewScreen:
    app.action_review()
    await pilot.pause()  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_step_record_save_and_the_decided_cycle_leaves(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(app, pilot)
        keys = queue_keys(screen)
        # Aim 2's cycle (waiting for Act) before Aim 3's (waiting for Study).
        assert len(keys) == 2
        act_id, study_id = keys
        assert idea_of(app, act_id).startswith("15-week")
        assert screen.current == act_id
        text = screen_text(app)
        assert "Cycle 1 of 2 waiting: 1 for Study, 1 for Act" in text
        assert "Objective: Spread the 15-week reminder" in text
        assert "Feedback: 3 entries: 2 positive, 1 mixed" in text

        # n / p step without saving.
        await pilot.press("n")
        await pilot.pause()
        assert screen.current == study_id
        assert "Cycle 2 of 2" in screen_text(app)
        assert "(waiting for Study)" in screen_text(app)
        await pilot.press("n")  # the last: stays
        assert screen.current == study_id
        await pilot.press("p")
        await pilot.pause()
        assert screen.current == act_id

        # Record the decision for the Act one by keys: tab from the list goes straight to
        # the first empty field of the phase it waits for (it took four tabs, through the
        # scrolling panel, results and learned, found timing the meeting job in tmux).
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "field-decision"
        # From a field, tab moves on as everywhere.
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "field-next_steps"
        await pilot.press("shift+tab")
        await choose(pilot, 4)  # blank, adopt, adapt, abandon, expand
        await pilot.press("tab")
        await type_text(pilot, "Offer to all teams")
        await pilot.press("ctrl+s")
        await pilot.pause()

        saved = on_disk(app).get(Cycle, act_id)
        assert saved.decision == "expand"
        assert saved.next_steps == "Offer to all teams"
        assert saved.stage == "closed"
        # It left the queue; the next one waiting is shown, the cursor in its first empty
        # Study field.
        assert queue_keys(screen) == [study_id]
        assert screen.current == study_id
        assert "Cycle 1 of 1 waiting: 1 for Study, 0 for Act" in screen_text(app)
        assert app.focused is not None and app.focused.id == "field-results"

        # Study for the last one: saving keeps it in Study (saving never moves a cycle).
        await type_text(pilot, "5 of 6 in time")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, study_id)
        assert saved.results == "5 of 6 in time"
        assert saved.stage == "study"
        # ctrl+n offers Act first (results are typed); enter moves it and saves.
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = on_disk(app).get(Cycle, study_id)
        assert saved.stage == "act"
        assert queue_keys(screen) == [study_id]
        assert "(waiting for Act)" in str(screen.query_one("#review-summary").render())
        # The cursor moved on to the phase it waits for now: the decision.
        assert app.focused is not None and app.focused.id == "field-decision"

        # Deciding it empties the queue.
        await choose(pilot, 1)  # adopt
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)  # Adopt shows the evidence card
        await pilot.press("escape")
        await pilot.pause()
        assert on_disk(app).get(Cycle, study_id).decision == "adopt"
        assert queue_keys(screen) == []
        assert EMPTY_TEXT in screen_text(app)


async def test_moving_away_from_typing_asks_first(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(app, pilot)
        act_id, study_id = queue_keys(screen)
        await pilot.press("tab", "shift+tab", "shift+tab", "end")  # decision, learned, results
        await type_text(pilot, " More")
        screen.query_one("#queue", RecordTable).focus()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep typing
        await pilot.pause()
        assert app.screen is screen and screen.current == act_id
        assert screen.query_one("#box-results", FieldBox).value().count(" More") == 1
        # Moving the list cursor asks too, and puts it back when refused.
        await pilot.press("down")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert screen.query_one("#queue", RecordTable).current_key == act_id
        await pilot.press("n", "y")
        await pilot.pause()
        assert screen.current == study_id
        assert not on_disk(app).get(Cycle, act_id).results.count(" More")


async def test_adapt_offers_next_cycle_and_enter_opens_cycle(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(app, pilot)
        act_id = queue_keys(screen)[0]
        await pilot.press("tab")  # straight to the decision
        await choose(pilot, 2)  # adapt
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Start cycle 4 with this plan copied forward?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        draft = app.screen
        assert isinstance(draft, CycleScreen) and draft.is_draft
        assert draft.cycle is not None and draft.cycle.adapted_from == act_id
        await pilot.press("escape", "y")  # discard the unsaved draft
        await pilot.pause()
        assert app.screen is screen
        assert len(on_disk(app).cycles(draft.cycle.idea_id)) == 3
        # enter on the queue opens the whole cycle.
        screen.query_one("#queue", RecordTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CycleScreen)
        assert app.screen.cycle_id == screen.current


async def test_read_only_review_keeps_input(tmp_path: Path) -> None:
    demo_app(tmp_path)
    app = demo_app(tmp_path, read_only=True)
    before = app.path.read_bytes()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("tab", "shift+tab", "shift+tab", "end")  # decision, learned, results
        await type_text(pilot, "!")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.path.read_bytes() == before
        assert "Not saved: Read-only" in screen_text(app)
        assert screen.query_one("#box-results", FieldBox).value().count("!") == 1


async def test_empty_queue(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    app.animation_level = "none"
    async with app.run_test(size=SMALL) as pilot:
        await open_review(app, pilot)
        assert EMPTY_TEXT in screen_text(app)
        await pilot.press("ctrl+s", "n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
