"""Conflicts a person can settle: one text from both values (issue 24, item 4)."""

from __future__ import annotations

import dataclasses
import datetime as dt
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
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        told = " ".join(str(n.message) for n in app._notifications)
        assert "is a date: only one value can be kept for that field" in told
    _, conflicts, _ = _stored(app, cycle)
    assert len(conflicts) == 1
