"""Helpers for pilot-driven UI tests: an app on a temporary demo copy, screen text."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

from pdsa_tui.demo import write_demo
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp

SMALL = (80, 24)
LARGE = (120, 40)


def demo_app(tmp_path: Path, *, read_only: bool = False) -> PdsaApp:
    """A PdsaApp on a fresh copy of the demo programme."""
    path = tmp_path / "demo.json"
    if not path.exists():
        write_demo(path)
    store = Store.open(path, read_only=read_only)
    return PdsaApp(store, path)


def empty_app(tmp_path: Path) -> PdsaApp:
    """A PdsaApp on a new empty database."""
    path = tmp_path / "empty.json"
    return PdsaApp(Store.open(path, create=True), path)


def screen_text(app: PdsaApp) -> str:
    """Everything the current screen shows, as plain text, one line per terminal row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip).rstrip() for strip in strips)


def line_under(field: object, kind: str) -> str:
    """The text of the ``kind`` line ("field-error" or "field-warning") shown right under a
    framed field's control, in the form (its siblings), or "" when none shows."""
    control = field.control  # type: ignore[attr-defined]
    siblings = list(control.parent.children)
    for widget in siblings[siblings.index(control) + 1 :]:
        if not (widget.has_class("field-error") or widget.has_class("field-warning")):
            break
        if widget.has_class(kind) and widget.display:
            return widget_text(widget)
    return ""


def widget_text(widget: Widget) -> str:
    """The plain text a widget renders now."""
    rendered = widget.render()
    plain = getattr(rendered, "plain", None)
    return plain if isinstance(plain, str) else str(rendered)


async def wait_until(pilot: Pilot[None], done: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until ``done()`` holds, or ``timeout`` s pass (the caller asserts).

    The footer, warnings, toasts and lazily drawn parts can need more than one refresh on
    a loaded machine.
    """
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        await pilot.pause(0.05)


async def settled_text(
    pilot: Pilot[None], app: PdsaApp, ready: Callable[[str], bool], timeout: float = 15.0
) -> str:
    """The screen's text once ``ready(text)`` holds (or after ``timeout`` s, for the assert)."""
    await wait_until(pilot, lambda: ready(screen_text(app)), timeout)
    return screen_text(app)
