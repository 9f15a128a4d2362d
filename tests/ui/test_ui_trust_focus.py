"""Issue 24, item 1: a focus you cannot miss, and every form starting where typing goes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_ui_cycle import choose, on_disk, type_text
from test_ui_programme import open_programme
from test_ui_review import open_review
from textual.widgets import Select
from ui_support import LARGE, SMALL, demo_app, empty_app, screen_text, widget_text

from pdsa_tui.model import Answer, Assessment, Meeting, dates
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.widgets.fields import FOCUS_MARKER, FieldBox
from pdsa_tui.ui.widgets.record_table import RecordTable


def focused_box(app: object) -> FieldBox:
    """The field box holding the cursor."""
    focused = app.focused  # type: ignore[attr-defined]
    assert focused is not None
    box = focused.parent
    while box is not None and not isinstance(box, FieldBox):
        box = box.parent
    assert isinstance(box, FieldBox), focused
    return box


async def test_recording_the_meeting_after_the_queue_types_into_present(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("tab", "tab", "tab", "tab")
        assert app.focused is not None and app.focused.id == "field-decision"
        await choose(pilot, 1)  # adopt
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")  # the evidence card Adopt offers
        await pilot.pause()
        assert app.screen is screen
        # The cursor is in the next cycle's Study field: m would be text, alt+m works.
        await pilot.press("alt+m")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        text = screen_text(app)
        # It says what it is, and the cursor is where the attendees go.
        assert "Record this meeting" in text
        assert app.focused is not None and app.focused.id == "field-present"
        assert f"{FOCUS_MARKER}Present" in text
        await type_text(pilot, "PACE lead, Data lead")
        await pilot.press("ctrl+s")
        await pilot.pause()
        meetings = on_disk(app).all(Meeting)
        recorded = [m for m in meetings if m.from_review]
        assert recorded and recorded[-1].present == ["PACE lead", "Data lead"]
        assert all("PACE lead" not in d.note for d in recorded[-1].decisions)


async def test_the_focused_field_has_a_marker_and_only_one(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n")  # a new aim
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        first = focused_box(app)
        assert first is app.screen.query(FieldBox).first()
        assert screen_text(app).count(FOCUS_MARKER.strip()) == 1
        assert widget_text(first.query_one(".field-label")).startswith(FOCUS_MARKER)
        await pilot.press("tab")
        await pilot.pause()
        second = focused_box(app)
        assert second is not first
        assert widget_text(second.query_one(".field-label")).startswith(FOCUS_MARKER)
        assert not widget_text(first.query_one(".field-label")).startswith(FOCUS_MARKER)
        assert screen_text(app).count(FOCUS_MARKER.strip()) == 1


async def test_editing_starts_in_the_first_empty_field(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("e")  # edit Aim 1: filled in down to its first empty field
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        empty = form.fields.first_empty()
        assert empty is not None
        assert focused_box(app) is empty


async def test_a_self_assessment_answer_starts_in_its_status(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    app.animation_level = "none"
    store = app.store
    assert store is not None
    first = store.save(Assessment(date=dates.today() - dt.timedelta(days=3)))
    store.save(Answer(assessment_id=first.id, question="team-2", status="partly"))
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_programme(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        screen.query_one("#assess-table", RecordTable).move_to("team-2")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        assert isinstance(app.focused, Select) and app.focused.id == "field-status"
        # Enter opens the status choice (it types no newline into Notes).
        await choose(pilot, 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        answer = on_disk(app).answers(first.id)["team-2"]
        assert answer.status == "in-place" and answer.notes == ""
