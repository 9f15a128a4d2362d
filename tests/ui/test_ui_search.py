"""Issue 24, item 5: records in ctrl+p, found by any words they hold or a case reference."""

from __future__ import annotations

from pathlib import Path

from test_ui_cycle import type_text
from textual.command import CommandPalette
from ui_support import LARGE, demo_app, screen_text, wait_until

from pdsa_tui.model import Cycle, Feedback
from pdsa_tui.model.cases import Case
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.search import matches, record_label


def test_every_word_anywhere_in_a_record_matches(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    fb = app.store.all(Feedback)[0]
    words = fb.text.split()
    query = f"{words[-1]} {words[0]}".upper()
    found = list(matches(list(app.store.all(Feedback)), query))
    assert fb in found
    assert record_label(fb).startswith("feedback: ")


async def test_a_case_reference_in_ctrl_p_opens_its_cases(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    case = app.store.all(Case)[0]
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, case.ref)
        await wait_until(pilot, lambda: f"case {case.ref}" in screen_text(app))
        assert f"case {case.ref}" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CasesScreen))
        assert isinstance(app.screen, CasesScreen)


async def test_words_from_what_happened_find_the_cycle(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    cycle = next(c for c in app.store.all(Cycle) if len(c.what_happened.split()) > 3)
    words = " ".join(cycle.what_happened.split()[1:3])
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, words)
        await wait_until(pilot, lambda: f"Cycle {cycle.number}:" in screen_text(app))
        label = record_label(cycle)[:40]
        assert label in screen_text(app)
