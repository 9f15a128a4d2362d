"""Pilot tests: the Summary view (every measure on one page) from the overview."""

from __future__ import annotations

from pathlib import Path

from ui_support import LARGE, SMALL, demo_app, screen_text, wait_until

from pdsa_tui.ui.dialogs.modals import PromptScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.screens.summary import SummaryScreen


async def test_s_opens_the_summary_grouped_by_aim(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Summary of every measure" in text
        assert "Aim 2 (active): By 01 Jun 2020, 85% of lo" in text
        row = next(ln for ln in text.splitlines() if "% with permanence recommendation" in ln)
        assert "83.3%" in row and "Jan 2020" in row and "85%" in row and "▲ Improvement" in row
        assert "Days from accommodation to first LAC revi" in text
        assert "● Common cause" in text
        assert "16 measures. Variation: ▲ improvement (blue)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


async def test_the_palette_opens_the_summary_at_80_columns(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Every measure on one page (the board's summary)" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"board's", "space", *"summary")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        assert isinstance(app.screen, SummaryScreen)
        assert "Summary of every measure" in screen_text(app)


async def test_the_summary_exports_a_pdf_from_the_view(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    out = tmp_path / "board.pdf"
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert ".docx" in screen_text(app)
        prompt = app.screen
        from textual.widgets import Input

        prompt.query_one(Input).value = str(out)
        await pilot.press("enter")
        await wait_until(pilot, out.exists)
        assert isinstance(app.screen, SummaryScreen)
    assert out.read_bytes().startswith(b"%PDF")
