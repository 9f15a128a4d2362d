"""Textual widgets with guards against races found by the monkey test (Textual 8.2).

- A Select whose overlay is paged (page up/down) before it has been laid out (its
  height is still 0) raised ``KeyError`` from ``OptionList._move_page``: seed 4242
  on a database of hostile text found it. Paging then does nothing.
- A Header whose title changes while it is being mounted or removed raised
  ``NoMatches`` for its ``HeaderTitle``. The title is then simply not updated:
  the header is not on screen. (The header also fits its title to 80 columns.)
"""

from __future__ import annotations

import contextlib

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header, Select
from textual.widgets._header import HeaderTitle
from textual.widgets._select import SelectCurrent, SelectOverlay, SelectType

from pdsa_tui.ui.textfit import shorten_at_word


class GuardedSelectOverlay(SelectOverlay):
    """A Select's option list that ignores page up/down until it has been laid out."""

    def _move_page(self, direction: int) -> None:
        if self.highlighted is not None and self.highlighted not in self._index_to_line:
            self._update_lines()  # lay out now if there is room...
        if self.highlighted is not None and self.highlighted not in self._index_to_line:
            return  # ...else there is no page to move by (height 0)
        super()._move_page(direction)  # type: ignore[arg-type]


class GuardedSelect(Select[SelectType]):
    """A Select with :class:`GuardedSelectOverlay`."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield GuardedSelectOverlay(type_to_search=self._type_to_search).data_bind(
            compact=Select.compact
        )


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
