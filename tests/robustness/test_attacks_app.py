"""Crashes of the app (issue 10): the monkey's KeyError and NoMatches, and what a crash prints.
Each failed on main before its fix."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from test_ui_cycle import demo_app, demo_cycle, open_cycle
from textual.widgets import Select
from textual.widgets._select import SelectOverlay
from ui_support import SMALL

from pdsa_tui.model import Cycle
from pdsa_tui.ui.widgets.header import PdsaHeader


async def test_paging_a_select_that_has_no_height_yet_does_not_crash(tmp_path: Path) -> None:
    """Seed 4242 of the monkey on hostile text: KeyError in OptionList._move_page."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_cycle(app, pilot, demo_cycle(app, "act", "15-week"))  # opens on Act
        select = app.screen.query(Select).first()
        select.value = select._options[-1][1]  # chosen, so the list has a highlight
        await pilot.pause()
        overlay = select.query_one(SelectOverlay)
        assert overlay.scrollable_content_region.height == 0  # never opened: not laid out
        highlighted = overlay.highlighted
        assert highlighted is not None
        overlay.action_page_down()
        overlay.action_page_up()
        await pilot.pause()
        assert overlay.highlighted == highlighted
        assert app._exception is None
        # Opened, it pages as before.
        select.focus()
        await pilot.press("enter", "pagedown")
        await pilot.pause()
        assert app._exception is None


async def test_a_title_change_while_the_header_is_half_built_does_not_crash(
    tmp_path: Path,
) -> None:
    """The monkey's second crash: NoMatches for Textual's HeaderTitle on a header being
    removed. The header is one widget now; a title changed as it goes is no crash either."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.screen.query_one(PdsaHeader).remove()
        app.sub_title = "changed"
        app.title = "changed too"
        await pilot.pause()
        assert app._exception is None


async def test_a_crash_shows_no_locals_and_names_a_private_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    secret = "Notes about the family at number 12"
    app = demo_app(tmp_path)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=SMALL) as pilot:
            assert app.store is not None
            record = app.store.all(Cycle)[0]

            def boom() -> None:
                note = f"{secret} ({record.id})"  # a local the old crash output printed
                raise RuntimeError(f"bug near {len(note)}")

            app.call_later(boom)
            await pilot.pause()
    shown = capfd.readouterr().err  # what the terminal got after the app closed
    assert "RuntimeError" in shown and "bug near" in shown
    assert secret not in shown
    assert "─ locals ─" not in shown
    reports = list((tmp_path / "state" / "pdsa").glob("crash-*.txt"))
    assert len(reports) == 1
    assert "\n" not in app.crash_message  # run() prints it after the traceback
    assert f"pdsa crashed; the full report is in {reports[0]} " in app.crash_message
    assert stat.S_IMODE(reports[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(reports[0].parent.stat().st_mode) == 0o700
    assert secret in reports[0].read_text(encoding="utf-8")  # the full report has the locals
