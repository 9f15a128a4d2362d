"""Issue 24, item 3: one key map without clashes, on every screen, form and widget."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from test_ui_cycle import type_text
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Input
from ui_support import SMALL, demo_app

import pdsa_tui.ui
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.base import PdsaScreen

#: The app's keys: no screen, form or widget may take them for something else.
GLOBAL = {"C": "conflicts", "H": "changes", "M": "merge", "f1": "help", "ctrl+q": "quit"}


def _our_classes() -> list[type[DOMNode]]:
    """Every screen, dialog and widget class pdsa defines."""
    for info in pkgutil.walk_packages(pdsa_tui.ui.__path__, "pdsa_tui.ui."):
        importlib.import_module(info.name)
    out: list[type[DOMNode]] = []
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("pdsa_tui."):
                out.append(sub)
    return sorted(set(out), key=lambda c: c.__qualname__)


def _keys(binding: Binding) -> list[str]:
    return [k.strip() for k in binding.key.split(",")]


def test_the_walk_finds_every_screen_and_form() -> None:
    names = {c.__name__ for c in _our_classes()}
    for expected in ("OverviewScreen", "AimScreen", "CasesScreen", "CycleScreen", "RecordForm"):
        assert expected in names
    assert len(names) > 30


def test_no_screen_form_or_widget_takes_a_global_key() -> None:
    clashes = []
    for cls in _our_classes():
        if cls is PdsaApp:
            continue
        for binding in cls.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            for key in _keys(binding):
                want = GLOBAL.get(key)
                if want is not None and not binding.action.endswith(want):
                    clashes.append(f"{cls.__name__}: {key} -> {binding.action}")
    assert clashes == []


def test_one_key_does_one_thing_on_each_screen() -> None:
    """A key bound twice in one class's own bindings must do the same thing."""
    clashes = []
    for cls in _our_classes():
        seen: dict[str, str] = {}
        for binding in cls.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            for key in _keys(binding):
                if key in seen and seen[key] != binding.action:
                    # Feedback keys on the cycle screen work on its feedback tab only, and
                    # never both at once (check_action): the one real exception.
                    clashes.append(f"{cls.__name__}: {key} -> {seen[key]} / {binding.action}")
                seen.setdefault(key, binding.action)
    assert clashes == []


_NAMED_KEY = re.compile(r"\b(?:press|key) ([A-Za-z])\b")


def test_every_key_a_screen_names_in_its_help_is_bound_there() -> None:
    """'press x' in a screen's F1 text names one of its keys (or the app's)."""
    wrong = []
    app_keys = {k for b in PdsaApp.BINDINGS if isinstance(b, Binding) for k in _keys(b)}
    for cls in _our_classes():
        if not issubclass(cls, PdsaScreen):
            continue
        keys = {
            k
            for c in cls.__mro__
            for b in getattr(c, "BINDINGS", [])
            if isinstance(b, Binding)
            for k in _keys(b)
        }
        for key in _NAMED_KEY.findall(getattr(cls, "ABOUT", "")):
            if key not in keys | app_keys:
                wrong.append(f"{cls.__name__}: {key}")
    assert wrong == []


async def test_global_keys_typed_in_a_form_are_text(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n")  # a new aim: the cursor is in its first field
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "CHM case")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)  # no Conflicts, History or Merge opened
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "CHM case"


async def test_on_the_aim_and_cases_screens_c_and_m_stay_the_apps(tmp_path: Path) -> None:
    from pdsa_tui.ui.screens.aim import AimScreen
    from pdsa_tui.ui.screens.versions import ConflictsScreen

    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AimScreen)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)


def test_slash_searches_a_list_wherever_it_is_bound() -> None:
    """/ is the list search (issue 24, item 5): no screen or widget takes it for more."""
    other = [
        f"{cls.__name__}: / -> {b.action}"
        for cls in _our_classes()
        for b in cls.BINDINGS
        if isinstance(b, Binding) and "slash" in _keys(b) and b.action != "search"
    ]
    assert other == []
    from pdsa_tui.ui.widgets.record_table import RecordTable

    assert any("slash" in _keys(b) for b in RecordTable.BINDINGS if isinstance(b, Binding))
