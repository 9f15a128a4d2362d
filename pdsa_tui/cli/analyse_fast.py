"""Reading a plain CSV for ``pdsa analyse`` a column at a time.

Most files are plain: the header ``date,numerator,denominator`` or ``date,value``,
then one row per line (LF or CR LF) of an ISO date and plain decimal numbers, nothing quoted, no
blank lines, the dates in order and none repeated, every row whole and within its
chart's bounds. One regular expression tells such a file (in C); its cells are then
read a column at a time: 100,000 rows take a handful of steps in C, not a loop per row.
Anything else (and any file this module is unsure of) returns None, and
``analyse_csv`` reads it row by row, with its messages: what is read here is exactly
what that reading gives for the same file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import repeat
from operator import add, gt
from typing import cast

from pdsa_tui.analysis.charts import SUBGROUP_CHARTS
from pdsa_tui.analysis.results import SeriesColumns

# The shape of each row, checked over the whole file in one pass. Cells that have the
# shape but are not what they should be ("1.2.3", "2021-02-30") fail to convert below.
_DATE = r"[0-9-]{10}"
_UNSIGNED = r"[0-9.]+"
_RATIO_ROW = rf"{_DATE},{_UNSIGNED},{_UNSIGNED}"
_VALUE_ROW = rf"{_DATE},-?{_UNSIGNED}"
#: Rows, each ending in a newline but perhaps the last.
_RATIO_BODY = re.compile(rf"(?:{_RATIO_ROW}\n)*{_RATIO_ROW}\n?")
_VALUE_BODY = re.compile(rf"(?:{_VALUE_ROW}\n)*{_VALUE_ROW}\n?")
INF = float("inf")
_RATIO_HEADER = "date,numerator,denominator"
_VALUE_HEADER = "date,value"


@dataclass(frozen=True)
class Plain:
    """A plain file read: its header's names, its points (dates: ``column("date")``), lines."""

    names: list[str]
    points: SeriesColumns
    lines: list[int]


def read_plain(text: str, chart: str) -> Plain | None:
    """The file's points when it is plain (see the module's text), else None."""
    header, newline, body = text.partition("\n")
    if not newline or chart in SUBGROUP_CHARTS:
        return None
    if header.endswith("\r"):
        # Lines ended by CR LF (csv.writer's and spreadsheets' habit): as the csv module
        # reads them, a line break like LF. A CR anywhere else fails the shape below.
        header, body = header[:-1], body.replace("\r\n", "\n")
    if header == _RATIO_HEADER:
        if not _RATIO_BODY.fullmatch(body):
            return None
        cells = body.replace("\n", ",").split(",")
        if len(cells) % 3:
            cells.pop()  # the empty cell after a last newline
        day_cells, num_cells, den_cells = cells[0::3], cells[1::3], cells[2::3]
    elif header == _VALUE_HEADER:
        if not _VALUE_BODY.fullmatch(body):
            return None
        cells = body.replace("\n", ",").split(",")
        if len(cells) % 2:
            cells.pop()
        day_cells, value_cells = cells[0::2], cells[1::2]
    else:
        return None
    dates = _dates(day_cells)
    if dates is None:
        return None
    lines = list(range(2, len(dates) + 2))
    names = header.split(",")
    try:
        if header == _RATIO_HEADER:
            # As the row-by-row reading builds a whole row: float(cell) + 0.0.
            nums = list(map(add, map(float, num_cells), repeat(0.0)))
            dens = list(map(add, map(float, den_cells), repeat(0.0)))
        else:
            values = list(map(float, value_cells))
    except ValueError:  # "1.2.3" or "5-": the row-by-row reading says where
        return None
    if header == _RATIO_HEADER:
        rates = chart in ("u", "up")
        if max(nums) == INF or max(dens) == INF:
            return None  # digits beyond a float's range: the row-by-row reading says so
        if min(dens) <= 0 or (not rates and any(map(gt, nums, dens))):
            return None  # a row with a message or a note of its own
        columns = SeriesColumns(
            dates,
            numerator=cast("list[float | None]", nums),
            denominator=cast("list[float | None]", dens),
        )
        return Plain(names, columns, lines)
    low = min(values)
    if low == -INF or max(values) == INF:
        return None
    if (chart == "t" and low <= 0) or (chart in ("c", "g") and low < 0):
        return None  # a value the chart refuses, with its message
    return Plain(names, SeriesColumns(dates, y=cast("list[float | None]", values)), lines)


def _dates(cells: list[str]) -> list[dt.date] | None:
    """The ISO dates, when each is a real date from 1900 to 2200, in order, none repeated."""
    try:
        dates = list(map(dt.date.fromisoformat, cells))
    except ValueError:
        return None
    if not dates or dates[0].year < 1900 or dates[-1].year > 2200:
        return None
    # Strictly increasing: in order (so the first and last bound the years) and no repeats.
    if not all(map(gt, dates[1:], dates[:-1])):
        return None
    return dates
