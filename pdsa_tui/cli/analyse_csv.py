"""Reading a CSV series for ``pdsa analyse``: columns, dates, numbers and rows per date.

Each problem is one :class:`CliError` naming the file, the line and the column.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import le
from pathlib import Path

from pdsa_tui.analysis import SeriesPoint
from pdsa_tui.analysis.charts import RATIO_CHARTS, SUBGROUP_CHARTS
from pdsa_tui.analysis.results import SeriesColumns, series_point
from pdsa_tui.analysis.verdict import format_number
from pdsa_tui.cli import analyse_fast
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.model.csvseries import allow_fields_of
from pdsa_tui.model.dates import TwoDigitYearError, parse_date
from pdsa_tui.model.forms import read_number

VALUE_COLUMNS = ("date", "value")
RATIO_COLUMNS = ("date", "numerator", "denominator")
#: Charts of events, one row per event: several events may share a date.
EVENT_CHARTS = ("g", "t")
#: Columns that may be present and are ignored.
IGNORED_COLUMNS = ("note", "notes")
#: Charts whose points each hold one value: several rows for a date are an error.
ONE_ROW_CHARTS = ("c",)


@dataclass(frozen=True)
class Series:
    """A CSV read and checked: its points (in date order) and what kind of data it holds."""

    #: A list, or (a plain file, see ``analyse_fast``) :class:`SeriesColumns`.
    points: Sequence[SeriesPoint]
    ratio: bool
    reordered: bool
    #: The file line each point comes from (for a T chart of dates: the later event's line).
    lines: list[int]
    #: True when the file has only a date column (event dates, for a T chart).
    dates_only: bool = False
    #: What reading did that the reader should know (rows combined or left out).
    notes: tuple[str, ...] = ()


def read_series(path: Path, chart: str = "run", agg: str = "mean") -> Series:
    """Read and check a CSV for ``chart``; each problem is one :class:`CliError` naming its line.

    A file of event dates alone (column ``date``) becomes, for a T chart, the days
    between consecutive events, each dated at the later one.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{path}: no such file", EXIT_USAGE) from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a folder, not a CSV file", EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(f"{path}: cannot be read ({exc.strerror})", EXIT_USAGE) from None
    try:
        # utf-8-sig: spreadsheets often start their CSV with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CliError(f"{path}: line {line}: not UTF-8 text; save the file as CSV UTF-8") from None

    allow_fields_of(text)
    fast = analyse_fast.read_plain(text, chart)
    if fast is not None:
        # A plain file (see analyse_fast): the same checks of its header, then its columns.
        names = fast.names
        ratio = _check_header(path, 1, names, chart)
        _check_columns_fit(path, chart, ratio, False)
        points: Sequence[SeriesPoint] = fast.points
        lines, days, repeated = fast.lines, fast.points.column("date"), False
        notes: list[str] = []
        dates_only = False
    else:
        rows, starts = _split(path, text)
        first = next((k for k, row in enumerate(rows) if not _blank(row)), None)
        if first is None:
            raise CliError(
                f"{path}: the file is empty; expected a header row date,value", EXIT_DATA
            )
        header_line = first + 1 if starts is None else starts[first]
        names = [cell.strip().lower() for cell in rows[first]]
        ratio = _check_header(path, header_line, names, chart)
        dates_only = not ratio and "value" not in names
        _check_columns_fit(path, chart, ratio, dates_only)

        points, lines, days, notes, repeated = _read_rows(
            path, rows, starts, first + 1, names, chart, ratio, dates_only
        )
        if not points:
            raise CliError(f"{path}: no data rows after the header (line {header_line})", EXIT_DATA)
    n = len(points)
    # Rows are usually in date order already: checked in C before any sorting.
    reordered = not all(map(le, days[:-1], days[1:]))
    if reordered:
        order = sorted(range(n), key=days.__getitem__)
        points = (
            points.taken(order) if isinstance(points, SeriesColumns) else [points[k] for k in order]
        )
        lines = [lines[k] for k in order]
    series = Series(points, ratio, reordered, lines)
    if dates_only:
        return _event_gaps(path, series)
    if chart in EVENT_CHARTS:
        return series
    if not repeated and chart not in SUBGROUP_CHARTS:
        # One row per date: nothing to combine (ratio rows were summed, as one, on reading).
        return dataclasses.replace(series, notes=tuple(notes))
    return _combine_dates(series, chart, notes, agg)


def _split(path: Path, text: str) -> tuple[list[list[str]], list[int] | None]:
    """The CSV's rows, and the file line each starts on (None: row k is on line k + 1).

    Only a quoted cell can span lines: without a quote the rows are read in one step.
    """
    lines = text.splitlines()
    if '"' not in text:
        with contextlib.suppress(csv.Error):  # the loop below finds the error's line
            return list(csv.reader(lines)), None
    rows: list[list[str]] = []
    starts: list[int] = []
    reader = csv.reader(lines)
    start = 1
    try:
        for row in reader:
            rows.append(row)
            starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CliError(f"{path}: line {start}: the CSV cannot be read there ({exc})") from None
    return rows, starts


def _blank(row: list[str]) -> bool:
    """No cell holds anything but spaces (such rows are skipped)."""
    return not any(cell.strip() for cell in row)


def _read_rows(
    path: Path,
    rows: list[list[str]],
    starts: list[int] | None,
    first: int,
    names: list[str],
    chart: str,
    ratio: bool,
    dates_only: bool,
) -> tuple[list[SeriesPoint], list[int], list[dt.date], list[str], bool]:
    """Each data row as a point, in file order: (points, lines, dates, notes, a date repeated).

    Plain files never come here (``analyse_fast`` reads them a column at a time): these
    are files with quotes, notes, blank rows, other date forms or problems, read a row at
    a time for each cell's message. Points are built by
    :func:`~pdsa_tui.analysis.results.series_point`.
    """
    width = len(names)
    col = {name: k for k, name in enumerate(names)}
    dcol = col["date"]
    ncol, dencol = col.get("numerator", 0), col.get("denominator", 0)
    vcol = col.get("value", 0)
    one_row = chart in ONE_ROW_CHARTS
    rates = chart in ("u", "up")
    point = series_point
    points: list[SeriesPoint] = []
    lines: list[int] = []
    days: list[dt.date] = []
    seen: dict[dt.date, int] = {}
    notes: list[str] = []
    repeated = False
    for k in range(first, len(rows)):
        row = rows[k]
        line = k + 1 if starts is None else starts[k]
        if len(row) != width:
            if _blank(row):
                continue
            raise CliError(
                f"{path}: line {line}: {len(row)} fields where the header has {width} "
                f"({','.join(names)})"
            )
        if not row[dcol].strip() and _blank(row):
            continue
        day = _date(path, line, dcol, row[dcol])
        lines.append(line)
        days.append(day)
        if dates_only:
            points.append(point(day))
            continue
        if day in seen:
            if one_row:
                raise CliError(
                    f"{path}: line {line}, column {dcol + 1} (date): {day.isoformat()} is "
                    f"already on line {seen[day]}"
                )
            repeated = True
        else:
            seen[day] = line
        if ratio:
            num = _number(path, line, ncol, "numerator", row[ncol])
            den = _number(path, line, dencol, "denominator", row[dencol])
            note = _check_ratio(path, line, col, num, den, rates=rates)
            if note:
                notes.append(note)
                num = den = None
            if num is not None and den is not None:
                # + 0.0: as summing the date's rows does (math.fsum), -0 becomes 0.
                num, den = num + 0.0, den + 0.0
            points.append(point(day, numerator=num, denominator=den))
        else:
            value = _number(path, line, vcol, "value", row[vcol])
            _check_value(path, line, vcol, value, chart)
            points.append(point(day, y=value))
    return points, lines, days, notes, repeated


def _combine_dates(series: Series, chart: str, notes: list[str], agg: str) -> Series:
    """One point per date: several rows form a subgroup (xbar, s) or are combined.

    Ratio rows are summed (numerators and denominators over the rows that have both);
    value rows keep every observation on the point, for the analysis to aggregate.
    """
    points: list[SeriesPoint] = []
    lines: list[int] = []
    k = 0
    pts = series.points
    while k < len(pts):
        end = k
        while end + 1 < len(pts) and pts[end + 1].date == pts[k].date:
            end += 1
        rows = pts[k : end + 1]
        day = pts[k].date
        if series.ratio:
            complete = [p for p in rows if p.numerator is not None and p.denominator is not None]
            point = SeriesPoint(
                day,
                numerator=math.fsum(p.numerator or 0.0 for p in complete) if complete else None,
                denominator=math.fsum(p.denominator or 0.0 for p in complete) if complete else None,
            )
        elif len(rows) > 1 or chart in SUBGROUP_CHARTS:
            point = SeriesPoint(day, values=tuple(p.y for p in rows))
        else:
            point = rows[0]
        if len(rows) > 1 and chart not in SUBGROUP_CHARTS:
            how = "summed" if series.ratio else f"combined by their {agg}"
            notes.append(
                f"{day.isoformat()}: {len(rows)} rows (lines "
                f"{', '.join(str(n) for n in series.lines[k : end + 1])}) {how} into one point"
            )
        points.append(point)
        lines.append(series.lines[k])
        k = end + 1
    return dataclasses.replace(series, points=points, lines=lines, notes=tuple(notes))


def _check_columns_fit(path: Path, chart: str, ratio: bool, dates_only: bool) -> None:
    """A usage error when the file's columns do not fit the chart asked for."""
    has = "date" if dates_only else ("date,numerator,denominator" if ratio else "date,value")
    if chart in RATIO_CHARTS and not ratio:
        raise CliError(
            f"{path}: --chart {chart} needs the columns date,numerator,denominator "
            f"(this file has {has})",
            EXIT_USAGE,
        )
    if dates_only and chart != "t":
        raise CliError(
            f"{path}: a file of dates alone is for --chart t (days between events); "
            f"--chart {chart} needs date,value",
            EXIT_USAGE,
        )
    if ratio and chart in ("c", "g", "t"):
        raise CliError(
            f"{path}: --chart {chart} needs the columns date,value (this file has {has})",
            EXIT_USAGE,
        )


def _check_value(path: Path, line: int, index: int, value: float | None, chart: str) -> None:
    """Counts cannot be negative; times between events must be above 0."""
    if value is None:
        return
    where = f"{path}: line {line}, column {index + 1} (value)"
    if chart == "t" and value <= 0:
        raise CliError(
            f"{where}: {format_number(value)} days; a T chart needs the time since the "
            "previous event, above 0 (two events on one day: use a G or C chart)"
        )
    if chart in ("c", "g") and value < 0:
        what = "a count of events" if chart == "c" else "a number of cases between events"
        raise CliError(
            f"{where}: {format_number(value)} is negative; a {chart.upper()} chart "
            f"needs {what}, 0 or more"
        )


def _event_gaps(path: Path, series: Series) -> Series:
    """Days between consecutive event dates, each dated at (and naming the line of) the later."""
    pts, lines = series.points, series.lines
    if len(pts) < 2:
        raise CliError(
            f"{path}: one event date (line {lines[0]}); a T chart needs at least two "
            "to measure the days between them"
        )
    gaps: list[SeriesPoint] = []
    for k in range(1, len(pts)):
        days = (pts[k].date - pts[k - 1].date).days
        if days <= 0:
            raise CliError(
                f"{path}: line {lines[k]}, column 1 (date): {pts[k].date.isoformat()} is the "
                f"same day as line {lines[k - 1]}; a T chart needs events on different days "
                "(use a G or C chart for events on the same day)"
            )
        gaps.append(SeriesPoint(pts[k].date, y=float(days)))
    return Series(gaps, False, series.reordered, lines[1:], dates_only=True)


def _check_header(path: Path, line: int, names: list[str], chart: str = "run") -> bool:
    """True for date,numerator,denominator, False for date,value (or date for t charts)."""
    try:
        # "date" (every header that passes) is no date: no need to ask the date parser.
        if names[0] != "date":
            parse_date(names[0])
            looks_like_data = True
        else:
            looks_like_data = False
    except TwoDigitYearError:
        looks_like_data = True
    except ValueError:
        looks_like_data = False
    rest = [n for n in names[1:] if n]
    if looks_like_data or (rest and all(_is_number(n) for n in rest)):
        raise CliError(
            f"{path}: line {line}: no header row; the first line must name the columns "
            "date,value or date,numerator,denominator"
        )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise CliError(f"{path}: line {line}: column {dupes[0]!r} appears twice in the header")
    known = set(names) - set(IGNORED_COLUMNS)
    if known == set(VALUE_COLUMNS) or known == {"date"}:
        return False
    if known == set(RATIO_COLUMNS):
        return True
    for k, name in enumerate(names, start=1):
        if name not in (*RATIO_COLUMNS, *VALUE_COLUMNS, *IGNORED_COLUMNS):
            raise CliError(
                f"{path}: line {line}, column {k}: unknown column {name!r}; expected "
                "date,value or date,numerator,denominator"
            )
    missing = "date" if "date" not in known else None
    if missing:
        raise CliError(f"{path}: line {line}: no 'date' column in the header")
    raise CliError(
        f"{path}: line {line}: columns {','.join(names)}; expected date,value or "
        "date,numerator,denominator (not both value and numerator/denominator)"
    )


def _date(path: Path, line: int, index: int, text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise CliError(f"{path}: line {line}, column {index + 1} (date): {exc}") from None


def _number(path: Path, line: int, index: int, name: str, text: str) -> float | None:
    """A finite number, or None for an empty cell (a gap in the series)."""
    s = text.strip()
    if not s:
        return None
    try:
        return read_number(s)
    except ValueError as exc:
        raise CliError(f"{path}: line {line}, column {index + 1} ({name}): {exc}") from None


def _check_ratio(
    path: Path,
    line: int,
    col: dict[str, int],
    num: float | None,
    den: float | None,
    *,
    rates: bool = False,
) -> str:
    """Not negative; denominator not 0; a proportion unless ``rates``.

    A row with one of the two cells empty, or 0/0, is a gap, as in qicharts2: the
    message saying so is returned (empty when the row is whole).
    """
    where_n = f"column {col['numerator'] + 1} (numerator)"
    where_d = f"column {col['denominator'] + 1} (denominator)"
    if (num is None) != (den is None):
        blank = where_n if num is None else where_d
        return f"line {line}, {blank}: empty, so the row is left out (a gap)"
    if num is None or den is None:
        return ""
    if num == 0 and den == 0:
        return f"line {line}: 0 out of 0, so the row is left out (a gap)"
    if num < 0:
        raise CliError(f"{path}: line {line}, {where_n}: {format_number(num)} is negative")
    if den < 0:
        raise CliError(f"{path}: line {line}, {where_d}: {format_number(den)} is negative")
    if den == 0:
        raise CliError(
            f"{path}: line {line}, {where_d}: the denominator is 0; leave both cells empty "
            "for a month with no cases"
        )
    if num > den and not rates:
        raise CliError(
            f"{path}: line {line}, {where_n}: numerator {format_number(num)} is above the "
            f"denominator {format_number(den)} (for a rate of events per exposure use --chart u)"
        )
    return ""


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
