"""Keys that arrive in one burst ("text, tab, text": a fast typist, a slow link to `pdsa serve`,
tmux send-keys) land in the fields they were typed for: tab moves the focus before the keys
after it are handed on."""

from __future__ import annotations

from pathlib import Path

from textual import events
from ui_support import SMALL, demo_app, empty_app

from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.review import ReviewScreen
from pdsa_tui.ui.widgets.fields import FieldBox


def burst(app: PdsaApp, keys: list[str]) -> None:
    """Queue every key at once, as a terminal delivers a burst in one read."""
    assert app._driver is not None
    for key in keys:
        char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


def typed(text: str) -> list[str]:
    return [" " if c == " " else c for c in text]


async def test_a_burst_across_tab_fills_each_field(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        burst(app, [*typed("Aim 7"), "tab", *typed("By 2027, 90% reviewed"), "shift+tab"])
        await pilot.pause()
        await pilot.pause()
        assert form.query_one("#box-code", FieldBox).value() == "Aim 7"
        assert app.focused is form.query_one("#box-code", FieldBox).control
        assert form.query_one("#box-statement", FieldBox).value() == "By 2027, 90% reviewed"


async def test_a_burst_from_the_review_queue_goes_to_the_field_it_waits_for(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        app.action_review()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        burst(app, ["tab", "tab", *typed("Roll out")])  # decision (a choice), next steps
        await pilot.pause()
        await pilot.pause()
        assert screen.query_one("#box-next_steps", FieldBox).value() == "Roll out"
