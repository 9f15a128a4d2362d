"""The app says when it merged a sync service's conflict copy (issue 20, item 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ui_support import LARGE, screen_text, wait_until

from pdsa_tui.model import Aim
from pdsa_tui.store import Store, copies
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.screens.overview import OverviewScreen


async def test_a_conflict_copy_is_merged_in_the_live_check_and_shown_until_seen(
    tmp_path: Path,
) -> None:
    db = tmp_path / "pace.json"
    with Store.open(db, create=True) as s:
        s.save(Aim(code="Aim 1", statement="Permanence within 30 weeks"))
    app = PdsaApp(Store.open(db, user="SP"), db)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        fork = db.with_name("pace-LAPTOP-7QK2.json")
        shutil.copyfile(db, fork)
        with Store.open(fork, user="laptop") as s:
            s.save(Aim(code="Aim 2", statement="saved on the laptop"))
        line = "Merged a conflicting copy made by OneDrive on LAPTOP-7QK2: 1 change"
        # The aims are drawn first, "Needs attention" just after them.
        await wait_until(pilot, lambda: "Aim 2" in screen_text(app) and line in screen_text(app))
        assert "Aim 2" in screen_text(app)
        assert line in screen_text(app)  # in Needs attention (and a notice)
        assert app.store is not None and {a.code for a in app.store.aims()} == {"Aim 1", "Aim 2"}
        assert (copies.kept_dir(db) / fork.name).exists()
        table = app.screen.query_one("#attention")
        table.focus()
        await pilot.press("home", "enter")  # seen: the line (listed first) goes
        await pilot.pause()
        assert app.copy_lines == []
