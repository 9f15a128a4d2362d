"""Reading a measure's series from CSV text: ``date,value`` or ``date,numerator,denominator``."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pdsa_tui.model.dates import parse_date
from pdsa_tui.model.errors import ValidationError
from pdsa_tui.model.forms import parse_number
from pdsa_tui.model.records import DataPoint

_TRUE = {"1", "yes", "y", "true", "x"}
_KNOWN = {"date", "value", "numerator", "denominator", "note", "rebase_after", "baseline_end"}


class CsvError(ValueError):
    """A CSV problem, naming the file, the line and (where known) the column."""


@dataclass(frozen=True)
class CsvSeries:
    """The points read from a CSV, and whether they are ratios."""

    points: list[DataPoint]
    ratio: bool


def _columns(header: list[str], where: str) -> dict[str, int]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    if "date" not in names:
        raise CsvError(
            f"{where} line 1: the header has no 'date' column; the first row must name the "
            "columns: date,value or date,numerator,denominator (optionally note)"
        )
    cols = {n: i for i, n in enumerate(names) if n}
    has_value = "value" in cols
    has_ratio = "numerator" in cols or "denominator" in cols
    if has_value == has_ratio or (has_ratio and not {"numerator", "denominator"} <= cols.keys()):
        raise CsvError(
            f"{where} line 1: columns {', '.join(repr(n) for n in names)} do not fit; "
            "give date,value or date,numerator,denominator (optionally note)"
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


def _rows(text: str, name: str) -> tuple[list[list[str]], list[int]]:
    """The CSV's rows and the file line each starts on (a quoted cell may span lines)."""
    allow_fields_of(text)
    reader = csv.reader(io.StringIO(text), strict=True)
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


def read_series_csv(text: str, name: str, *, unit: str = "count") -> CsvSeries:
    """Parse CSV ``text`` (from file ``name``) into validated points, in file order.

    Raises :class:`CsvError` for the first bad line, naming line and column.
    """
    rows, starts = _rows(text, name)
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows or not any(c.strip() for c in rows[0]):
        raise CsvError(f"{name}: the file is empty; expected a header row such as date,value")
    cols = _columns(rows[0], name)
    ratio = "numerator" in cols
    points: list[DataPoint] = []
    for lineno, row in zip(starts[1:], rows[1:], strict=False):
        if not any(c.strip() for c in row):
            continue

        def cell(col: str, row: list[str] = row) -> str:
            i = cols.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        where = f"{name} line {lineno}"
        if len(row) > len(rows[0]):
            raise CsvError(f"{where}: {len(row)} cells but the header names {len(rows[0])}")
        try:
            date = parse_date(cell("date"))
        except ValueError as exc:
            raise CsvError(f"{where}, column 'date': {exc}") from None
        try:
            values = {
                c: parse_number(cell(c), label=c, field=c)
                for c in ("value", "numerator", "denominator")
                if c in cols
            }
        except ValidationError as exc:
            err = exc.errors[0]
            raise CsvError(f"{where}, column '{err.field}': {err.message}") from None
        missing = [c for c, v in values.items() if v is None]
        if missing:
            raise CsvError(f"{where}, column '{missing[0]}': no number given")
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
            err = errors[0]
            raise CsvError(f"{where}, column '{err.field}': {err.message}")
        points.append(point)
    if not points:
        raise CsvError(f"{name}: the file has a header but no data rows")
    return CsvSeries(points, ratio)
