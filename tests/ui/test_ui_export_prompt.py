"""Pilot tests of the export prompt: a name whose extension chooses no format keeps the
prompt open, with the path as typed and a message naming the extensions accepted.

Before issue 9, ``all.docx`` closed the prompt (a toast said why) and the typed path
was gone: the user had to press ``X`` and type it all again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Programme
from textual.pilot import Pilot
from textual.widgets import Input
from ui_support import LARGE, SMALL, screen_text, widget_text

from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import PromptScreen
from pdsa_tui.ui.screens.programme import ProgrammeScreen


@pytest.fixture
def app(store: Store, make_programme: Callable[[Store], Programme], tmp_db: Path) -> PdsaApp:
    make_programme(store)
    store.close()
    return PdsaApp(Store.open(tmp_db), tmp_db)


async def type_path(pilot: Pilot[None], path: Path) -> None:
    """Replace the prompt's text with ``path``, typed key by key."""
    await pilot.press("ctrl+u", *["space" if c == " " else c for c in str(path)])


def prompt_error(app: PdsaApp) -> str:
    return widget_text(app.screen.query_one("#prompt-error"))


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_a_bad_extension_keeps_the_prompt_and_the_path(
    app: PdsaApp, tmp_path: Path, size: tuple[int, int]
) -> None:
    out = tmp_path / "exports"
    out.mkdir()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("X")  # export every aim
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert ".json, .docx or" in screen_text(app)
        await type_path(pilot, out / "all.odt")
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)  # still open
        assert prompt.query_one(Input).value == str(out / "all.odt")  # the typing kept
        assert prompt_error(app) == (
            "'all.odt': the extension .odt chooses no format; end the name with .md, .html, "
            ".csv, .json, .docx or .pdf."
        )
        assert "chooses no format" in screen_text(app)  # on screen, not in a passing toast
        assert list(out.iterdir()) == []
        # Mend the name where it is: the prompt takes it and exports.
        await pilot.press(*["backspace"] * 3, "h", "t", "m", "l", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
    assert (out / "all.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


async def test_a_name_without_an_extension_and_escape(app: PdsaApp, tmp_path: Path) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("x")  # export the highlighted aim
        await pilot.pause()
        await type_path(pilot, tmp_path / "report")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert prompt_error(app).startswith("'report' has no extension to choose the format")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
    assert not (tmp_path / "report").exists()


async def test_the_governance_pack_names_its_own_extensions(app: PdsaApp, tmp_path: Path) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProgrammeScreen)
        await pilot.press("X")
        await pilot.pause()
        await type_path(pilot, tmp_path / "pack.csv")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert prompt_error(app) == (
            "'pack.csv': the extension .csv chooses no format for the governance pack; end the "
            "name with .md, .html, .json, .docx or .pdf."
        )
        await pilot.press(*["backspace"] * 3, "j", "s", "o", "n", "enter")
        await pilot.pause()
    assert (tmp_path / "pack.json").read_text(encoding="utf-8").startswith("{")


async def test_a_missing_folder_keeps_the_prompt_and_the_path(app: PdsaApp, tmp_path: Path) -> None:
    """Issue 24, item 8: an export to a folder that does not exist loses nothing typed."""
    missing = tmp_path / "no-such-folder" / "aims.html"
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        await type_path(pilot, missing)
        await pilot.press("enter")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == str(missing)
        assert prompt_error(app).startswith(f"There is no folder {missing.parent}")
        (tmp_path / "no-such-folder").mkdir()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
    assert missing.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
