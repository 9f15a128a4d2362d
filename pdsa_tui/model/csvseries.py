"""Reading a measure's series from CSV text: ``date,value`` or ``date,numerator,denominator``.

One reader serves ``pdsa data import``, the app's import preview and its paste of rows
copied from a spreadsheet: :func:`plan_import` finds every problem at once, each naming
its line, so the preview can list them; the import itself is all rows or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from pdsa_tui.model.dates import TwoDigitYearError, format_date, parse_date
from pdsa_tui.model.errors import ValidationError
from pdsa_tui.model.forms import parse_number
from pdsa_tui.model.measures import DataPoint, Measure

_TRUE = {"1", "yes", "y", "true", "x"}
_KNOWN = {"date", "value", "numerator", "denominator", "note", "rebase_after", "baseline_end"}
COLUMNS_HELP = "date,value or date,numerator,denominator (optionally note)"
#: The columns rows pasted without a header row are read as.
VALUE_COLUMNS = ("date", "value", "note")
RATIO_COLUMNS = ("date", "numerator", "denominator", "note")
#: An import only adds points; a date the measure has already is refused, never overwritten.
TAKEN_ADVICE = "an import only adds points: leave this row out, or edit that point in the app"


class CsvError(ValueError):
    """A CSV problem, naming the file, the line and (where known) the column."""


@dataclass(frozen=True)
class CsvSeries:
    """The points read from a CSV, and whether they are ratios."""

    points: list[DataPoint]
    ratio: bool


@dataclass(frozen=True)
class SeriesRow:
    """One good row: its line in the file (or the pasted text) and the point it gives."""

    line: int
    point: DataPoint


@dataclass
class SeriesImport:
    """What importing some rows into a measure would do, or why it cannot."""

    name: str
    rows: list[SeriesRow] = field(default_factory=list)
    #: (line, message) of each problem; line 0 for the file as a whole.
    problems: list[tuple[int, str]] = field(default_factory=list)
    ratio: bool = False
    #: The columns read, as the header names them or as assumed without one.
    columns: tuple[str, ...] = ()
    header: bool = True

    @property
    def errors(self) -> list[str]:
        """One message per problem, each naming its line, in line order."""
        return [message for _, message in sorted(self.problems, key=lambda p: p[0])]

    @property
    def ok(self) -> bool:
        """True when every row is good (the import may go ahead)."""
        return not self.problems and bool(self.rows)

    @property
    def points(self) -> list[DataPoint]:
        """The good rows' points, in file order."""
        return [r.point for r in self.rows]

    def summary(self) -> str:
        """'12 new points, 01/01/2026 to 01/12/2026'."""
        n = len(self.rows)
        text = f"{n} new point{'s' if n != 1 else ''}"
        if n:
            dates = sorted(r.point.date for r in self.rows)
            span = format_date(dates[0])
            text += f", {span}" if n == 1 else f", {span} to {format_date(dates[-1])}"
        return text


def _columns(header: list[str], where: str) -> dict[str, int]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    if "date" not in names:
        raise CsvError(
            f"{where} line 1: the header has no 'date' column; the first row must name the "
            f"columns: {COLUMNS_HELP}"
        )
    cols = {n: i for i, n in enumerate(names) if n}
    has_value = "value" in cols
    has_ratio = "numerator" in cols or "denominator" in cols
    if has_value == has_ratio or (has_ratio and not {"numerator", "denominator"} <= cols.keys()):
        raise CsvError(
            f"{where} line 1: columns {', '.join(repr(n) for n in names)} do not fit; "
            f"give {COLUMNS_HELP}"
        )
    unknown = [n for n in cols if n not in _KNOWN]
    if unknown:
        raise CsvError(
            f"{where} line 1: unknown column '{unknown[0]}'; accepted: date, value, numerator, "
            "denominator, note, rebase_after, baseline_end"
        )
    return cols


def allow_fields_of(text: str) -> None:
    """Let the csv module read any cell ``text`` can hold (its default stops at 131,072)."""
    if len(text) >= csv.field_size_limit():
        csv.field_size_limit(len(text) + 1)


def split_rows(text: str, name: str, delimiter: str = ",") -> tuple[list[list[str]], list[int]]:
    """The CSV's rows and the file line each starts on (a quoted cell may span lines)."""
    allow_fields_of(text)
    reader = csv.reader(io.StringIO(text), strict=True, delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            starts.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise CsvError(
            f"{name} line {start}: the CSV cannot be read there ({exc}); "
            'check that every quote (") on that line is closed'
        ) from None
    return rows, starts


def _is_date(text: str) -> bool:
    """True when ``text`` is a date, or one written with a two-digit year.

    A row starting '02/01/25' is data with a short year (reported on its row), not a header.
    """
    try:
        parse_date(text.strip())
    except TwoDigitYearError:
        return True
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        return parse_number(text) is not None
    except ValidationError:
        return False


def _assumed_columns(first: list[str], ratio: bool | None) -> tuple[str, ...]:
    """The columns of rows pasted without a header: like the measure's points.

    A measure that holds neither kind yet takes numerator,denominator when the first
    row's third cell is a number (``01/10/2026  12  15``), else value,note.
    """
    if ratio is None:
        ratio = len(first) >= 3 and _is_number(first[2])
    return RATIO_COLUMNS if ratio else VALUE_COLUMNS


def scan_series(
    text: str,
    name: str,
    *,
    unit: str = "count",
    pasted: bool = False,
    ratio_hint: bool | None = None,
) -> SeriesImport:
    """Read every row of ``text`` into validated points, collecting every problem by line.

    ``pasted`` text (rows copied from a spreadsheet) may be tab-separated and may
    leave out the header row; its columns are then assumed from ``ratio_hint``
    (what the measure holds). Never raises for bad content.
    """
    result = SeriesImport(name)
    if pasted:
        # Terminals send a paste's line breaks as carriage returns.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = "\t" if pasted and "\t" in first_line else ","
    example = f"e.g. 01/10/2026{'<tab>' if delimiter == chr(9) else ','}12"
    try:
        rows, starts = split_rows(text, name, delimiter)
    except CsvError as exc:
        result.problems.append((0, str(exc)))
        return result
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    while pasted and rows and not any(c.strip() for c in rows[0]):
        rows, starts = rows[1:], starts[1:]
    if not rows or not any(c.strip() for c in rows[0]):
        what = (
            f"nothing was pasted; paste rows copied from a spreadsheet, {example}"
            if pasted
            else "the file is empty; expected a header row such as date,value"
        )
        result.problems.append((0, f"{name}: {what}"))
        return result
    if pasted and rows[0] and _is_date(rows[0][0]):
        result.header = False
        header = list(_assumed_columns(rows[0], ratio_hint))
        body = list(zip(starts, rows, strict=False))
    else:
        header = rows[0]
        body = list(zip(starts[1:], rows[1:], strict=False))
    try:
        cols = _columns(header, name)
    except CsvError as exc:
        hint = f"; or paste the rows without a header, {example}" if pasted else ""
        result.problems.append((0, f"{exc}{hint}"))
        return result
    result.columns = tuple(h.strip().lower().lstrip("\ufeff") for h in header)
    result.ratio = "numerator" in cols
    for lineno, row in body:
        if not any(c.strip() for c in row):
            continue
        where = f"{name} line {lineno}"
        if len(row) > len(header):
            named = "the header names" if result.header else "rows without a header have"
            result.problems.append((lineno, f"{where}: {len(row)} cells but {named} {len(header)}"))
            continue
        point, problems = _read_row(row, cols, unit, where)
        result.problems.extend((lineno, p) for p in problems)
        if point is not None:
            result.rows.append(SeriesRow(lineno, point))
    if not result.rows and not result.problems:
        what = "the rows have" if pasted else "the file has"
        result.problems.append((0, f"{name}: {what} a header but no data rows"))
    return result


def _read_row(
    row: list[str], cols: dict[str, int], unit: str, where: str
) -> tuple[DataPoint | None, list[str]]:
    """The row's point, or None and what is wrong with it (each naming ``where``)."""

    def cell(col: str) -> str:
        i = cols.get(col)
        return row[i].strip() if i is not None and i < len(row) else ""

    problems: list[str] = []
    date = None
    try:
        date = parse_date(cell("date"))
    except ValueError as exc:
        problems.append(f"{where}, column 'date': {exc}")
    values: dict[str, float | None] = {}
    for c in ("value", "numerator", "denominator"):
        if c not in cols:
            continue
        try:
            values[c] = parse_number(cell(c), label=c, field=c)
        except ValidationError as exc:
            problems.append(f"{where}, column '{c}': {exc.errors[0].message}")
            continue
        if values[c] is None:
            problems.append(f"{where}, column '{c}': no number given")
    if problems or date is None:
        return None, problems
    point = DataPoint(
        date=date,
        value=values.get("value"),
        numerator=values.get("numerator"),
        denominator=values.get("denominator"),
        note=cell("note"),
        rebase_after=cell("rebase_after").lower() in _TRUE,
        baseline_end=cell("baseline_end").lower() in _TRUE,
    )
    errors = point.validate(unit)
    if errors:
        return None, [f"{where}, column '{e.field}': {e.message}" for e in errors]
    return point, []


def read_series_csv(text: str, name: str, *, unit: str = "count") -> CsvSeries:
    """Parse CSV ``text`` (from file ``name``) into validated points, in file order.

    Raises :class:`CsvError` for the first bad line, naming line and column.
    """
    scan = scan_series(text, name, unit=unit)
    if scan.errors:
        raise CsvError(scan.errors[0])
    return CsvSeries(scan.points, scan.ratio)


def holds_ratios(measure: Measure) -> bool | None:
    """True: the measure holds numerator/denominator pairs; False: values; None: either."""
    held = {p.value is None for p in measure.points}
    return held.pop() if len(held) == 1 else None


def kind_clash(measure: Measure, ratio: bool) -> str | None:
    """Why ``measure`` cannot take pairs (``ratio``) or values, or None when it can.

    A measure that holds both kinds already (or none yet) takes either.
    """
    held = holds_ratios(measure)
    if held is None or held == ratio:
        return None
    has = "numerator/denominator pairs" if held else "plain values"
    given = "numerator/denominator pairs" if ratio else "plain values"
    return f"measure '{measure.name}' holds {has}, not {given}"


def date_taken(measure: Measure, point: DataPoint) -> str | None:
    """Why ``point`` cannot be added: the measure already has a point on its date."""
    for other in measure.points:
        if other.date == point.date and other.id != point.id:
            return f"measure '{measure.name}' already has a point on {format_date(point.date)}"
    return None


def plan_import(text: str, name: str, measure: Measure, *, pasted: bool = False) -> SeriesImport:
    """What importing ``text`` (file ``name``, or pasted rows) into ``measure`` would do.

    Every problem is listed by line: bad cells, a date the measure already has (the
    import only adds points; it never changes one), a date given twice, and values
    where the measure holds numerator/denominator pairs (or the reverse).

    Several rows of values with one date (one row per child) become one point of
    several observations, for an Xbar or S chart, when the measure is new or
    already holds such points; otherwise a repeated date is a problem.
    """
    plan = scan_series(
        text, name, unit=measure.unit, pasted=pasted, ratio_hint=holds_ratios(measure)
    )
    if not plan.columns:
        return plan
    clash = kind_clash(measure, plan.ratio)
    if clash:
        plan.problems.append((0, f"{name}: {clash}"))
    if not plan.ratio and (not measure.points or any(p.observations for p in measure.points)):
        plan.rows = _subgroups(plan.rows)
    seen: dict[dt.date, int] = {}
    good: list[SeriesRow] = []
    for row in plan.rows:
        where = f"{name} line {row.line}, column 'date'"
        day = row.point.date
        taken = date_taken(measure, row.point)
        if taken:
            plan.problems.append((row.line, f"{where}: {taken}; {TAKEN_ADVICE}"))
        elif day in seen:
            plan.problems.append(
                (
                    row.line,
                    f"{where}: {format_date(day)} is also on line {seen[day]}; give each date once",
                )
            )
        else:
            seen[day] = row.line
            good.append(row)
    plan.rows = good
    return plan


def _subgroups(rows: list[SeriesRow]) -> list[SeriesRow]:
    """Rows sharing a date as one point of several observations (at the first row's line)."""
    by_date: dict[dt.date, list[SeriesRow]] = {}
    for row in rows:
        by_date.setdefault(row.point.date, []).append(row)
    out: list[SeriesRow] = []
    for day, group in by_date.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        pts = [r.point for r in group]
        point = DataPoint.observed(
            day,
            [p.value for p in pts if p.value is not None],
            note="; ".join(p.note for p in pts if p.note),
            rebase_after=any(p.rebase_after for p in pts),
            baseline_end=any(p.baseline_end for p in pts),
        )
        out.append(SeriesRow(group[0].line, point))
    return out
