"""``pdsa --demo`` as typed: the demo is built, then shown from the store that built it (not
read back in from the file it has just written), and saves from the app are the user's."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from ui_support import screen_text

from pdsa_tui.cli import main
from pdsa_tui.model import Aim
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.screens.overview import OverviewScreen


def _run_demo(monkeypatch: pytest.MonkeyPatch, argv: list[str], pilot: Any) -> int:
    """``pdsa`` with ``argv``, the app headless and driven by ``pilot`` (as the benchmark)."""
    real_run = PdsaApp.run

    def headless(self: PdsaApp, *args: Any, **kwargs: Any) -> Any:
        return real_run(self, *args, **kwargs, headless=True, size=(100, 30), auto_pilot=pilot)

    monkeypatch.setattr(PdsaApp, "run", headless)
    try:
        return main(argv)
    finally:
        gc.unfreeze()  # run_app froze this test process's objects, as it does the app's


def test_demo_shows_the_programme_it_built_and_saves_as_the_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    async def pilot(p: Any) -> None:
        await p.pause()
        app = p.app
        assert isinstance(app.screen, OverviewScreen)
        text = screen_text(app)
        seen["text"] = text
        store = app.store
        aim = next(a for a in store.aims() if a.code == "Aim 1")
        seen["by"] = aim.updated_by
        saved = store.save(Aim(code="Aim 9", statement="Tried by the newcomer"))
        seen["saved_by"] = saved.updated_by
        # What the app holds is the file: reading it back gives the same records.
        with Store.open(store.path, read_only=True) as on_disk:
            seen["same"] = {a.id: a for a in on_disk.aims()} == {a.id: a for a in store.aims()}
        app.exit()

    assert _run_demo(monkeypatch, ["--demo", "--user", "QI lead"], pilot) == 0
    text = seen["text"]
    for code in ("Aim 1", "Aim 2", "Aim 3", "Aim 4"):
        assert code in text
    assert "demo (a temporary copy)" in text
    assert "Needs attention" in text and "waits for an Act" in text
    assert seen["by"] == "demo"  # the demo's own records
    assert seen["saved_by"] == "QI lead"  # what the user saves
    assert seen["same"]


def test_demo_read_only_is_opened_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    async def pilot(p: Any) -> None:
        await p.pause()
        seen["text"] = screen_text(p.app)
        seen["read_only"] = p.app.store.read_only
        p.app.exit()

    assert _run_demo(monkeypatch, ["--demo", "--read-only"], pilot) == 0
    assert seen["read_only"]
    assert "READ-ONLY" in seen["text"] and "Aim 1" in seen["text"]


def test_the_demo_folder_is_gone_after_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    paths: list[Path] = []

    async def pilot(p: Any) -> None:
        await p.pause()
        paths.append(p.app.store.path)
        p.app.exit()

    assert _run_demo(monkeypatch, ["--demo"], pilot) == 0
    assert paths and not paths[0].exists() and not paths[0].parent.exists()
