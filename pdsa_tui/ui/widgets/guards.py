"""Textual's Header with a guard against a race found by the monkey test (Textual 8.2).

A Header whose title changes while it is being mounted or removed raised
``NoMatches`` for its ``HeaderTitle``. The title is then simply not updated: the
header is not on screen. (The header also fits its title to 80 columns.) The
guarded Select is :mod:`.guarded_select` (only forms need it: not imported at start).
"""

from __future__ import annotations

import contextlib

from rich.cells import cell_len
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from pdsa_tui.ui.textfit import shorten_at_word

#: The header's columns that are not the title's: the icon (8) and the clock's space (10).
HEADER_SIDES = 18


class GuardedHeader(Header):
    """A Header that skips a title update while its title widget is not there.

    It also fits its line: on a narrow terminal the file's name (the sub-title) goes
    first, then the title is shortened at a word, never cut mid-word.
    """

    def format_title(self) -> Content:
        """The title and sub-title, or as much of them as fits the header's line."""
        title, sub = self.screen_title, self.screen_sub_title
        full = self.app.format_title(title, sub)
        room = self.size.width - HEADER_SIDES
        if self.size.width <= 0 or full.cell_length <= room:
            return full
        if cell_len(title) <= room:
            return self.app.format_title(title, "")
        return self.app.format_title(shorten_at_word(title, max(room, 1)), "")

    def on_resize(self) -> None:
        self._show_title()

    def _show_title(self) -> None:
        # Being mounted or removed: not on screen, nothing to update.
        with contextlib.suppress(NoMatches, NoScreen):
            # One line that never wraps: a new title needs no new layout of the screen.
            self.query_one(HeaderTitle).update(self.format_title(), layout=False)

    def _on_mount(self, event: Mount) -> None:
        # Instead of Header's own handler (Textual calls every class's in the MRO).
        event.prevent_default()
        Widget._on_mount(self, event)

        async def set_title() -> None:
            self._show_title()

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
