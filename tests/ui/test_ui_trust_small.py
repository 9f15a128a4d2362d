"""Issue 24, item 8: small things found (sentences that read right)."""

from __future__ import annotations

from pathlib import Path

from test_ui_cycle import type_text
from test_ui_drivers import open_aim2
from ui_support import SMALL, demo_app

from pdsa_tui.ui.dialogs.modals import RecordForm


async def test_saving_a_secondary_driver_says_so_in_a_sentence(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_aim2(pilot)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("down")  # the primary driver
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "Permanence training for all")
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert "Saved secondary driver 'Permanence training for all'." in said
        assert not any("under." in s for s in said)
