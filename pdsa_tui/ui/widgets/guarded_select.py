"""Textual's Select with a guard against a race found by the monkey test (Textual 8.2).

A Select whose overlay is paged (page up/down) before it has been laid out (its
height is still 0) raised ``KeyError`` from ``OptionList._move_page``: seed 4242
on a database of hostile text found it. Paging then does nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select
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
