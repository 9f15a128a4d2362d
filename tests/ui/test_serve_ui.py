"""The app as ``pdsa serve`` runs it (``App.is_web``): exports download to the browser in
every format, and copying says why it cannot where the browser will not allow it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input
from ui_support import SMALL, demo_app, wait_until

from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import PromptScreen


@pytest.fixture
def in_browser(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, str]]:
    """Make every app think it is served to a browser; collect what it delivers there."""
    delivered: list[tuple[str, str]] = []

    def deliver_text(self: PdsaApp, file: Any, *, save_filename: str, **kw: Any) -> str:
        delivered.append((save_filename, file.read()))
        return "key"

    def deliver_binary(self: PdsaApp, file: Any, *, save_filename: str, **kw: Any) -> str:
        # Every export arrives as bytes (Word and PDF too); text formats are UTF-8.
        delivered.append((save_filename, file.read().decode("utf-8", errors="replace")))
        return "key"

    monkeypatch.setattr(PdsaApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(PdsaApp, "deliver_text", deliver_text)
    monkeypatch.setattr(PdsaApp, "deliver_binary", deliver_binary)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # where a terminal export would have gone
    return delivered


def toasts(app: PdsaApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def answer_prompt(pilot: Any, name: str) -> PromptScreen:
    """Type ``name`` into the open export prompt and press enter."""
    prompt = pilot.app.screen
    assert isinstance(prompt, PromptScreen)
    field = prompt.query_one("#prompt-input", Input)
    field.value = name
    await pilot.press("end", "enter")
    await pilot.pause()
    return prompt


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("aim-1.html", "<!DOCTYPE html>"),
        ("aim-1.md", "# "),
        ("aim-1.csv", "\ufeffaim_code,"),  # with a BOM, for Excel
        ("aim-1.json", "{"),
    ],
)
async def test_an_aim_report_downloads_in_every_format(
    tmp_path: Path, in_browser: list[tuple[str, str]], name: str, starts: str
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        suggested = prompt.query_one("#prompt-input", Input).value
        assert "/" not in suggested and suggested.endswith(".html")  # a name, not a server path
        assert "downloads it to your browser" in str(prompt.help)
        await answer_prompt(pilot, name)
        await wait_until(pilot, lambda: "downloading" in toasts(app))
        assert f"{name} is downloading to your browser" in toasts(app)
    assert [n for n, _ in in_browser] == [name]
    text = in_browser[0][1]
    assert text.lstrip().lower().startswith(starts.lower()), text[:80]
    if name.endswith(".json"):
        json.loads(text)
    assert list(Path.cwd().iterdir()) == []  # nothing was written on the server


async def test_the_governance_pack_downloads(
    tmp_path: Path, in_browser: list[tuple[str, str]]
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("p")  # the programme screen
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        await answer_prompt(pilot, "pack.md")
        await wait_until(pilot, lambda: "downloading" in toasts(app))
    assert [n for n, _ in in_browser] == ["pack.md"]
    assert "Northshire" in in_browser[0][1]
    assert list(Path.cwd().iterdir()) == []


async def test_copying_where_the_browser_cannot_says_why(
    tmp_path: Path, in_browser: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDSA_WEB_CLIPBOARD", "0")
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.copy_to_clipboard("C-1042")
        await wait_until(
            pilot, lambda: "Not copied" in " ".join(str(n.title) for n in app._notifications)
        )
        assert "https address" in toasts(app)
        assert app.clipboard == "C-1042"  # still pastes inside the app


async def test_copying_where_the_browser_can_copies(
    tmp_path: Path, in_browser: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDSA_WEB_CLIPBOARD", "1")
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.copy_to_clipboard("C-1042")
        await pilot.pause()
        assert app.clipboard == "C-1042" and "Not copied" not in toasts(app)
