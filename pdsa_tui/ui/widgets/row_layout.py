"""Where a table's rows fall when long cells wrap: word wrapping and row tops, no Textual.

A cell wider than its column wraps onto more lines at spaces (a word wider than the
whole column is folded), so a table never cuts a date or a word at 80 columns. A row is
as tall as its tallest cell; ``RowLines`` maps screen lines to rows and back.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from rich.cells import cell_len, chop_cells


def wrap_cell(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces where it can be.

    The text is one line already (runs of white space made single spaces). A word wider
    than ``width`` is folded across lines rather than cut.
    """
    if width <= 0:
        return [""]
    if cell_len(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not word:
            continue
        if not line and cell_len(word) <= width:
            line = word
        elif line and cell_len(line) + 1 + cell_len(word) <= width:
            line = f"{line} {word}"
        else:
            if line:
                lines.append(line)
            pieces = chop_cells(word, width) if cell_len(word) > width else [word]
            lines.extend(pieces[:-1])
            line = pieces[-1]
    lines.append(line)
    return lines


def cell_height(text: str, width: int) -> int:
    """How many lines ``text`` takes in a column ``width`` cells wide."""
    if cell_len(text) <= width:
        return 1
    return len(wrap_cell(text, width))


class RowLines:
    """The first screen line of each row, given each row's height in lines."""

    def __init__(self, heights: Sequence[int]) -> None:
        tops = [0]
        for h in heights:
            tops.append(tops[-1] + max(h, 1))
        self._tops = tops

    @property
    def count(self) -> int:
        """How many rows."""
        return len(self._tops) - 1

    @property
    def total(self) -> int:
        """Every row's lines together."""
        return self._tops[-1]

    def top(self, row: int) -> int:
        """Row ``row``'s first line."""
        return self._tops[row]

    def height(self, row: int) -> int:
        """Row ``row``'s height in lines."""
        return self.top(row + 1) - self.top(row)

    def row_at(self, line: int) -> int:
        """The row drawn on ``line`` (the first or last row for a line out of range)."""
        if self.count <= 0:
            return 0
        return max(0, min(bisect_right(self._tops, line) - 1, self.count - 1))


class OneTallRow(RowLines):
    """``count`` one-line rows but row ``tall``, which is ``height`` lines.

    For tables too long to measure every row (made as drawn): only the highlighted row
    wraps, so its whole text shows, and nothing is computed per row.
    """

    def __init__(self, count: int, tall: int, height: int) -> None:
        super().__init__(())
        self._count, self._tall, self._extra = count, tall, max(height, 1) - 1

    @property
    def count(self) -> int:
        """How many rows."""
        return self._count

    @property
    def total(self) -> int:
        """Every row's lines together."""
        return self.top(self._count)

    def top(self, row: int) -> int:
        """Row ``row``'s first line."""
        return row + (self._extra if row > self._tall else 0)

    def row_at(self, line: int) -> int:
        """The row drawn on ``line`` (the first or last row for a line out of range)."""
        if self._count <= 0:
            return 0
        row = line - self._extra if line > self._tall + self._extra else min(line, self._tall)
        return max(0, min(row, self._count - 1))
