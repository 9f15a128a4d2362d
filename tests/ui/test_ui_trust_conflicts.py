"""Issue 24, item 4: conflicts a person can settle, history in words, deletes that say how."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from test_ui_cycle import demo_app
from ui_support import LARGE, SMALL, screen_text

from pdsa_tui.model import Aim, Cycle
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.versions import ConflictsScreen


def _conflict(app: object) -> Cycle:
    path = app.path  # type: ignore[attr-defined]
    store = app.store  # type: ignore[attr-defined]
    cycle = store.all(Cycle)[0]
    a, b = Store.open(path, user="AL"), Store.open(path, user="BK")
    a.save(dataclasses.replace(a.get(Cycle, cycle.id), what_happened="ran in East (AL)"))
    b.save(dataclasses.replace(b.get(Cycle, cycle.id), what_happened="ran in West (BK)"))
    return cycle


async def test_conflicts_name_the_field_by_its_label_and_the_first_enter_acts(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    cycle = _conflict(app)
    async with app.run_test(size=LARGE) as pilot:
        app.check_file()
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        text = screen_text(app)
        assert "What happened" in text and "what_happened" not in text
        assert "ran in East (AL)" in text and "ran in West (BK)" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "No conflicts" in screen_text(app)
    with Store.open(app.path, read_only=True) as s:
        assert s.versions.conflicts() == []
        assert s.get(Cycle, cycle.id).what_happened in {"ran in East (AL)", "ran in West (BK)"}


async def test_the_delete_dialog_says_how_to_get_the_record_back(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "cannot be undone" not in text
        assert "History" in text
        await pilot.press("escape")
        await pilot.pause()
    with Store.open(app.path, read_only=True) as s:
        assert s.all(Aim)
