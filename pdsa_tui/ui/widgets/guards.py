"""Textual widgets with guards against races found by the monkey test (Textual 8.2).

- A Select whose overlay is paged (page up/down) before it has been laid out (its
  height is still 0) raised ``KeyError`` from ``OptionList._move_page``: seed 4242
  on a database of hostile text found it. Paging then does nothing.
- A Header whose title changes while it is being mounted or removed raised
  ``NoMatches`` for its ``HeaderTitle``. The title is then simply not updated:
  the header is not on screen.
"""

from __future__ import annotations

import contextlib

from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header, Select
from textual.widgets._header import HeaderTitle
from textual.widgets._select import SelectCurrent, SelectOverlay, SelectType


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


class GuardedHeader(Header):
    """A Header that skips a title update while its title widget is not there."""

    def _on_mount(self, event: Mount) -> None:
        # Instead of Header's own handler (Textual calls every class's in the MRO).
        event.prevent_default()
        Widget._on_mount(self, event)

        async def set_title() -> None:
            # Being mounted or removed: not on screen, nothing to update.
            with contextlib.suppress(NoMatches, NoScreen):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
