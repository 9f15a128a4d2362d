"""Conflicts a person can settle: one text from both values (issue 24, item 4)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

from test_ui_cycle import demo_app, type_text
from textual.pilot import Pilot
from ui_support import LARGE, SMALL, screen_text

from pdsa_tui.model import Cycle
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.combine import CombineScreen
from pdsa_tui.ui.screens.versions import ConflictsScreen
from pdsa_tui.ui.widgets.inputs import TextBox

RECORD_ID_IN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def _conflict(app: PdsaApp, field: str, al: Any, bk: Any) -> Cycle:
    """Two other copies (AL, then BK) change ``field`` of the demo's first cycle differently."""
    assert app.store is not None
    cycle = app.store.all(Cycle)[0]
    a, b = Store.open(app.path, user="AL"), Store.open(app.path, user="BK")
    a.save(dataclasses.replace(a.get(Cycle, cycle.id), **{field: al}))
    b.save(dataclasses.replace(b.get(Cycle, cycle.id), **{field: bk}))
    a.close()
    b.close()
    return cycle


async def _open_conflicts(app: PdsaApp, pilot: Pilot[None]) -> None:
    app.check_file()
    await pilot.pause()
    await pilot.press("C")
    await pilot.pause()
    assert isinstance(app.screen, ConflictsScreen)


def _stored(app: PdsaApp, cycle: Cycle) -> tuple[Cycle, list[dict[str, Any]], str]:
    with Store.open(app.path, read_only=True) as s:
        return s.get(Cycle, cycle.id), s.versions.conflicts(), s.versions.history(cycle.id)[0].rev


async def test_e_edits_one_text_from_both_values_and_ctrl_s_settles_it(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    cycle = _conflict(app, "what_happened", "Ran in East.", "Ran in West.")
    _, _, rev_before = _stored(app, cycle)
    async with app.run_test(size=LARGE) as pilot:
        await _open_conflicts(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CombineScreen)
        text = screen_text(app)
        assert app.screen.title_text.startswith("What happened of cycle 'Test ")
        assert "What happened of cycle" in text
        assert "AL, " in text and "BK, " in text and "(stored now)" in text
        box = app.screen.query_one(TextBox)
        assert "Ran in East." in box.text and "Ran in West." in box.text
        assert "\n\n" in box.text  # the two texts, a blank line between
        await type_text(pilot, "Both ran. ")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert "No conflicts" in screen_text(app)
    stored, conflicts, rev_after = _stored(app, cycle)
    assert conflicts == []
    assert stored.what_happened.startswith("Both ran. Ran in ")
    assert "Ran in East." in stored.what_happened and "Ran in West." in stored.what_happened
    assert rev_after != rev_before  # a new version in the history, like keeping one
    with Store.open(app.path, read_only=True) as s:
        newest = s.versions.history(cycle.id)[0]
        assert newest.changed == ["what_happened"]


async def test_escape_leaves_the_conflict_as_it_was(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    cycle = _conflict(app, "what_happened", "Ran in East.", "Ran in West.")
    before, _, _ = _stored(app, cycle)
    async with app.run_test(size=SMALL) as pilot:
        await _open_conflicts(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CombineScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert "1 conflict" in screen_text(app)
    after, conflicts, _ = _stored(app, cycle)
    assert len(conflicts) == 1 and after.what_happened == before.what_happened


async def test_a_combined_value_the_field_refuses_is_shown_and_the_typing_kept(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    cycle = _conflict(app, "objective", "Test with one family", "Test with two families")
    async with app.run_test(size=SMALL) as pilot:
        await _open_conflicts(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, CombineScreen)
        box = app.screen.query_one(TextBox)
        assert " / " in box.text  # a one-line field starts as one line
        await pilot.press("end", "enter")
        await type_text(pilot, "and a third")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CombineScreen)
        text = screen_text(app)
        assert "Objective" in text and "one line" in text and "still here" in text
        assert app.screen.query_one(TextBox).text.endswith("\nand a third")
    _, conflicts, _ = _stored(app, cycle)
    assert len(conflicts) == 1


async def test_a_date_can_only_be_kept_as_one_value(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    cycle = _conflict(app, "planned_end", dt.date(2026, 12, 24), dt.date(2026, 12, 31))
    async with app.run_test(size=SMALL) as pilot:
        await _open_conflicts(app, pilot)
        assert "24/12/2026" in screen_text(app) and "2026-12-24" not in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        told = " ".join(str(n.message) for n in app._notifications)
        assert "is a date: only one value can be kept for that field" in told
    _, conflicts, _ = _stored(app, cycle)
    assert len(conflicts) == 1


# -- saving under a record another copy deleted ----------------------------------------


def _sam_deletes(app: PdsaApp, record: Any) -> None:
    with Store.open(app.path, user="Sam") as other:
        other.delete(other.get(type(record), record.id))


def _no_ids(text: str, *records: Any) -> None:
    for record in records:
        assert record.id[:8] not in text


async def test_a_cycle_saved_after_its_idea_was_deleted_offers_to_restore_it(
    tmp_path: Path,
) -> None:
    from test_ui_cycle import demo_cycle, open_cycle, tab_to, value

    from pdsa_tui.model import ChangeIdea
    from pdsa_tui.ui.dialogs.modals import ConfirmScreen

    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        assert app.store is not None
        idea = app.store.get(ChangeIdea, cycle.idea_id)
        screen = await open_cycle(app, pilot, cycle)
        await tab_to(pilot, "what_happened")
        await type_text(pilot, "Huddle held twice.")
        _sam_deletes(app, idea)  # the idea, and its cycles with it
        app.check_file()
        await pilot.pause()
        # Said as soon as it is known, before a save is tried.
        told = " ".join(screen_text(app).split())
        assert "was deleted by Sam on" in told and "ctrl+s offers to restore it" in told
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = " ".join(screen_text(app).split())
        assert f"Change idea '{idea.title}" in text or "Change idea 'Permanence tracker" in text
        assert "was deleted by Sam on" in text and "Restore it and save your cycle?" in text
        _no_ids(text, idea, cycle)
        # No: the cycle stays open with the typing, saying what happened in words.
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert value(screen, "what_happened").endswith("Huddle held twice.")
        said = " ".join(screen_text(app).split())
        assert "Not saved" in said and "was deleted by Sam" in said
        _no_ids(said, idea, cycle)
        with Store.open(app.path, read_only=True) as s:
            assert s.lookup(ChangeIdea, idea.id) is None
        # ctrl+s again, then yes: the idea comes back and the cycle is saved.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is screen
        assert "Not saved" not in screen_text(app)
    with Store.open(app.path, read_only=True) as s:
        assert s.get(ChangeIdea, idea.id).title == idea.title
        assert s.get(Cycle, cycle.id).what_happened.endswith("Huddle held twice.")
        assert not {idea.id, cycle.id} & {g["id"] for g in s.versions.deleted()}
        assert s.problems() == []


async def test_feedback_saved_under_a_deleted_cycle_brings_back_its_idea_too(
    tmp_path: Path,
) -> None:
    from test_ui_cycle import choose, demo_cycle, open_cycle

    from pdsa_tui.model import ChangeIdea, Feedback
    from pdsa_tui.ui.dialogs.modals import ConfirmScreen, RecordForm

    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        assert app.store is not None
        idea = app.store.get(ChangeIdea, cycle.idea_id)
        await open_cycle(app, pilot, cycle)
        await pilot.press("f6")  # the Feedback tab
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        await choose(pilot, 1)  # Source, where the cursor starts
        form.fields.focus_field("text")
        await type_text(pilot, "The huddle helped us plan.")
        _sam_deletes(app, idea)
        app.check_file()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), screen_text(app)
        text = " ".join(screen_text(app).split())
        assert "was deleted by Sam on" in text and "Restore it and save your feedback?" in text
        assert f"Its change idea '{idea.title[:20]}" in text and "comes back as well" in text
        _no_ids(text, idea, cycle)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, RecordForm))
    with Store.open(app.path, read_only=True) as s:
        assert s.lookup(ChangeIdea, idea.id) is not None and s.lookup(Cycle, cycle.id)
        assert any(f.text == "The huddle helped us plan." for f in s.all(Feedback))
        assert s.problems() == []


async def test_a_parent_gone_without_history_is_named_in_words_with_what_to_do(
    tmp_path: Path,
) -> None:
    from test_ui_cycle import tab_to, value

    from pdsa_tui.model.base import new_id
    from pdsa_tui.ui.dialogs.modals import ConfirmScreen
    from pdsa_tui.ui.screens.cycle import CycleScreen

    app = demo_app(tmp_path)
    gone = new_id()  # a change idea this file has no trace of, not even in its history
    async with app.run_test(size=LARGE) as pilot:
        screen = CycleScreen(draft=Cycle(idea_id=gone))
        app.push_screen(screen)
        await pilot.pause()
        await tab_to(pilot, "objective")
        await type_text(pilot, "Try the huddle in South")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and not isinstance(app.screen, ConfirmScreen)
        said = " ".join(screen_text(app).split())
        assert "Not saved" in said and "change idea that is no longer in the file" in said
        assert "Copy what you typed" in said and "another change idea" in said
        assert gone[:8] not in said
        assert value(screen, "objective") == "Try the huddle in South"


async def test_restoring_a_cycle_whose_idea_is_deleted_offers_to_restore_both(
    tmp_path: Path,
) -> None:
    from test_ui_cycle import demo_cycle

    from pdsa_tui.model import ChangeIdea
    from pdsa_tui.ui.dialogs.modals import ConfirmScreen
    from pdsa_tui.ui.screens.versions import ChangesScreen
    from pdsa_tui.ui.widgets.record_table import RecordTable

    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        assert app.store is not None
        idea = app.store.get(ChangeIdea, cycle.idea_id)
        _sam_deletes(app, idea)
        app.check_file()
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, ChangesScreen)
        app.screen.query_one(RecordTable).move_to(cycle.id)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = " ".join(screen_text(app).split())
        assert "was deleted by Sam on" in text and "Restore it too, with this cycle?" in text
        _no_ids(text, idea, cycle)
        await pilot.press("y")
        await pilot.pause()
    with Store.open(app.path, read_only=True) as s:
        assert s.lookup(ChangeIdea, idea.id) is not None and s.lookup(Cycle, cycle.id)
        assert s.problems() == []


async def test_editing_an_aim_another_copy_deleted_offers_to_restore_it(tmp_path: Path) -> None:
    from pdsa_tui.model import Aim
    from pdsa_tui.ui.dialogs.modals import ConfirmScreen, RecordForm

    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        assert app.store is not None
        await pilot.press("e")  # edit the highlighted (first) aim
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        aim = form.record
        assert isinstance(aim, Aim)
        form.fields.focus_field("lead")
        await pilot.press("end")
        await type_text(pilot, " (acting)")
        _sam_deletes(app, aim)
        app.check_file()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        asked = app.screen.question  # as shown, wrapped at the dialog's width
        assert asked.startswith(f"Aim '{aim.code}' was deleted by Sam on ")
        assert asked.endswith(". Restore it and save your changes?")
        _no_ids(screen_text(app), aim)
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, RecordForm))
    with Store.open(app.path, read_only=True) as s:
        assert s.get(Aim, aim.id).lead == f"{aim.lead} (acting)"
        assert aim.id not in {g["id"] for g in s.versions.deleted()}
        assert s.problems() == []


async def test_the_review_queue_keeps_typing_for_a_cycle_deleted_meanwhile_and_restores_it(
    tmp_path: Path,
) -> None:
    from test_ui_review import open_review

    from pdsa_tui.model import ChangeIdea
    from pdsa_tui.ui.dialogs.modals import ConfirmScreen

    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        screen = await open_review(app, pilot)
        assert app.store is not None
        cycle = app.store.get(Cycle, screen.current or "")
        idea = app.store.get(ChangeIdea, cycle.idea_id)
        await pilot.press("tab", "shift+tab", "shift+tab")  # queue -> decision -> results
        await pilot.press("end")
        await type_text(pilot, " Seen in both teams.")
        _sam_deletes(app, idea)
        app.check_file()
        await pilot.pause()
        assert screen.current == cycle.id  # still shown, with the typing
        assert "Seen in both teams." in " ".join(screen_text(app).split())
        assert "Another copy deleted this cycle" in " ".join(screen_text(app).split())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith(f"Change idea '{idea.title[:30]}")
        await pilot.press("y")
        await pilot.pause()
    with Store.open(app.path, read_only=True) as s:
        assert s.lookup(ChangeIdea, idea.id) is not None
        saved = s.get(Cycle, cycle.id)
        assert "Seen in both teams." in saved.results + saved.learned
        assert s.problems() == []


async def test_a_records_history_names_fields_by_their_labels(tmp_path: Path) -> None:
    from pdsa_tui.ui.screens.versions import HistoryScreen

    app = demo_app(tmp_path)
    _conflict(app, "what_happened", "Ran in East.", "Ran in West.")
    async with app.run_test(size=LARGE) as pilot:
        await _open_conflicts(app, pilot)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = screen_text(app)
        assert "What happened" in text and "Planned start" in text
        assert "what_happened" not in text and "planned_start" not in text
        start = text.split("Planned start: ", 1)[1].split()[0]
        assert start.count("/") == 2 and "-" not in start  # day first, as the form shows it
        # The change idea it belongs to by its title; no id anywhere, at 120x40 or 80x24.
        assert "Belongs to: change idea '" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        small = screen_text(app)
        assert "version 1" in small  # the list stays in view above a long version
        for line in small.splitlines():
            assert not RECORD_ID_IN.search(line), line


async def test_a_poll_while_the_app_closes_its_screens_does_not_crash(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
    assert app.store is not None and not app.screen_stack  # closed: no screens left
    other = Store.open(app.store.path, user="other")
    cycle = other.all(Cycle)[0]
    other.save(dataclasses.replace(cycle, objective="Changed elsewhere"))
    app.check_file()  # the file poll's timer can still fire now (it raised ScreenStackError)
    assert app.store.get(Cycle, cycle.id).objective == "Changed elsewhere"
