"""Issue 24, item 7: NO_COLOR honoured, a high-contrast theme."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_support import SMALL, demo_app, screen_text

from pdsa_tui.ui.themes import HIGH_CONTRAST, THEME_ENV
from pdsa_tui.ui.widgets.fields import FOCUS_MARKER


async def test_no_color_makes_the_app_monochrome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.no_color
        # The focus still shows without colour: the marker by the label.
        await pilot.press("n")
        await pilot.pause()
        assert FOCUS_MARKER.strip() in screen_text(app)


async def test_the_high_contrast_theme_is_offered_and_chosen_by_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(THEME_ENV, HIGH_CONTRAST.name)
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert HIGH_CONTRAST.name in app.available_themes
        assert app.theme == HIGH_CONTRAST.name
