"""``pdsa analyse FILE.csv``: run-chart / SPC analysis of a CSV series, for people or as JSON."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from pdsa_tui.analysis import Analysis, PartResult, SeriesPoint, analyse
from pdsa_tui.analysis.verdict import format_number, month
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.model.dates import parse_date

MAX_WIDTH = 100
CHART_HEIGHT = 16
VALUE_COLUMNS = ("date", "value")
RATIO_COLUMNS = ("date", "numerator", "denominator")
#: Columns that may be present and are ignored.
IGNORED_COLUMNS = ("note", "notes")


@dataclass(frozen=True)
class Series:
    """A CSV read and checked: its points (in date order) and what kind of data it holds."""

    points: list[SeriesPoint]
    ratio: bool
    reordered: bool


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``analyse`` subcommand."""
    p = subparsers.add_parser(
        "analyse",
        help="analyse a CSV series as a run, P or I chart",
        description=(
            "Analyse a CSV with a header row and columns date,value or "
            "date,numerator,denominator. Dates are day/month/year or ISO. "
            "Prints the chart, the rule results per part and a verdict, or with --json "
            "one JSON object."
        ),
    )
    p.add_argument("file", metavar="FILE.csv", help="the CSV file to analyse")
    p.add_argument(
        "--chart",
        choices=["run", "p", "i"],
        default="run",
        help="run chart (median; default), P chart (needs numerator,denominator) or I chart",
    )
    p.add_argument(
        "--freeze",
        type=_positive_int,
        metavar="N",
        help="the baseline is the first N points: centre and limits come from them only",
    )
    p.add_argument(
        "--rebase",
        type=_positions,
        nargs="+",
        action="extend",
        default=[],
        metavar="N",
        help="start a new part after point N (repeatable; several values or 6,12 allowed)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    try:
        from pdsa_tui.cli.commands import add_db_option
    except ImportError:  # pragma: no cover - the lead's module is always there when wired
        pass
    else:
        # Every subcommand takes --db; analyse reads a file and ignores it.
        add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, analyse and print; raise :class:`CliError` on bad input. Returns 0."""
    path = Path(args.file)
    chart: str = args.chart
    series = read_series(path)
    if chart == "p" and not series.ratio:
        raise CliError(
            f"{path}: --chart p needs the columns date,numerator,denominator "
            "(this file has date,value)",
            EXIT_USAGE,
        )
    n = len(series.points)
    freeze: int | None = args.freeze
    rebase: list[int] = [v for group in args.rebase for v in group]
    if freeze is not None and freeze > n:
        raise CliError(f"--freeze {freeze} is beyond the last point ({n} points)", EXIT_USAGE)
    for r in rebase:
        if not 1 <= r <= n - 1:
            raise CliError(
                f"--rebase {r} must be between 1 and {n - 1} (a new part starts after it)",
                EXIT_USAGE,
            )
    scale, unit = (100.0, "%") if series.ratio else (1.0, "")
    analysis = analyse(
        series.points,
        chart,  # type: ignore[arg-type]  # argparse choices guarantee the literal
        freeze=freeze,
        rebase=rebase,
        scale=scale,
        unit_label=unit,
    )
    if args.json:
        text = json.dumps(analysis.to_json(), indent=2, ensure_ascii=False)
    else:
        text = human_report(path, analysis, series, scale=scale, unit=unit)
    sys.stdout.write(text + "\n")
    return 0


# ---------------------------------------------------------------- reading


def read_series(path: Path) -> Series:
    """Read and check a CSV; every problem is one :class:`CliError` naming line and column."""
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

    # Number rows by the file line they start on: a quoted note may span lines.
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(text.splitlines())
    start = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((start, row))
        start = reader.line_num + 1
    if not rows:
        raise CliError(f"{path}: the file is empty; expected a header row date,value", EXIT_DATA)
    header_line, header = rows[0]
    names = [cell.strip().lower() for cell in header]
    ratio = _check_header(path, header_line, names)
    if len(rows) == 1:
        raise CliError(f"{path}: no data rows after the header (line {header_line})", EXIT_DATA)

    col = {name: k for k, name in enumerate(names)}
    points: list[SeriesPoint] = []
    seen: dict[dt.date, int] = {}
    for line, row in rows[1:]:
        if len(row) != len(names):
            raise CliError(
                f"{path}: line {line}: {len(row)} fields where the header has {len(names)} "
                f"({','.join(names)})"
            )
        day = _date(path, line, col["date"], row[col["date"]])
        if day in seen:
            raise CliError(
                f"{path}: line {line}, column {col['date'] + 1} (date): {day.isoformat()} is "
                f"already on line {seen[day]}"
            )
        seen[day] = line
        if ratio:
            num = _number(path, line, col["numerator"], "numerator", row[col["numerator"]])
            den = _number(path, line, col["denominator"], "denominator", row[col["denominator"]])
            _check_ratio(path, line, col, num, den)
            points.append(SeriesPoint(day, numerator=num, denominator=den))
        else:
            value = _number(path, line, col["value"], "value", row[col["value"]])
            points.append(SeriesPoint(day, y=value))
    ordered = sorted(points, key=lambda p: p.date)
    return Series(ordered, ratio, ordered != points)


def _check_header(path: Path, line: int, names: list[str]) -> bool:
    """True for date,numerator,denominator, False for date,value; else a CliError."""
    try:
        parse_date(names[0])
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
    if known == set(VALUE_COLUMNS):
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
        value = float(s)
    except ValueError:
        raise CliError(
            f"{path}: line {line}, column {index + 1} ({name}): {s!r} is not a number"
        ) from None
    if not math.isfinite(value):
        raise CliError(f"{path}: line {line}, column {index + 1} ({name}): {s!r} is not a number")
    return value


def _check_ratio(
    path: Path, line: int, col: dict[str, int], num: float | None, den: float | None
) -> None:
    where_n = f"column {col['numerator'] + 1} (numerator)"
    where_d = f"column {col['denominator'] + 1} (denominator)"
    if (num is None) != (den is None):
        blank = where_n if num is None else where_d
        raise CliError(
            f"{path}: line {line}, {blank}: empty; give both numerator and denominator or neither"
        )
    if num is None or den is None:
        return
    if num < 0:
        raise CliError(f"{path}: line {line}, {where_n}: {format_number(num)} is negative")
    if den < 0:
        raise CliError(f"{path}: line {line}, {where_d}: {format_number(den)} is negative")
    if den == 0:
        raise CliError(
            f"{path}: line {line}, {where_d}: the denominator is 0; leave both cells empty "
            "for a month with no cases"
        )
    if num > den:
        raise CliError(
            f"{path}: line {line}, {where_n}: numerator {format_number(num)} is above the "
            f"denominator {format_number(den)}"
        )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _positions(text: str) -> list[int]:
    return [_positive_int(part) for part in text.split(",") if part.strip()]


# ---------------------------------------------------------------- human output


def human_report(path: Path, analysis: Analysis, series: Series, *, scale: float, unit: str) -> str:
    """Header, chart, a table of the rule results per part, the verdict and any warnings."""
    from pdsa_tui.report.termchart import render_chart

    points = series.points
    kind = {"run": "Run chart", "p": "P chart", "i": "I chart (XmR)"}[analysis.chart]
    span = f"{month(points[0].date)} to {month(points[-1].date)}"
    lines = [f"{path.name}: {kind}, {analysis.n} points, {span}"]
    if series.reordered:
        lines.append("(rows were not in date order; positions below count in date order)")
    width = min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)
    lines.append("")
    lines.append(
        render_chart(
            analysis,
            width=width,
            height=CHART_HEIGHT,
            scale=scale,
            color=sys.stdout.isatty(),
        )
    )
    lines.append("")
    lines.extend(_table(analysis.parts, scale, unit))
    lines.append("")
    lines.append("Verdict:")
    lines.extend(f"  {line}" for line in analysis.verdict.split("\n"))
    warnings = [*analysis.warnings, *(w for p in analysis.parts for w in p.warnings)]
    if warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  - {w}" for w in warnings)
    return "\n".join(lines)


def _table(parts: list[PartResult], scale: float, unit: str) -> list[str]:
    head = (
        "Part",
        "Points",
        "Centre",
        "Useful",
        "Runs",
        "Expected",
        "Longest",
        "Max",
        "Crossings",
        "Min",
        "Anhøj",
    )
    rows = [head]
    for k, p in enumerate(parts, start=1):
        centre = "-" if p.centre is None else f"{format_number(p.centre * scale)}{unit}"
        expected = f"{p.runs_expected[0]}-{p.runs_expected[1]}" if p.runs_expected else "-"
        rows.append(
            (
                str(k),
                f"{p.first}-{p.last}",
                centre,
                str(p.n_useful),
                _opt(p.runs),
                expected,
                _opt(p.longest_run),
                _opt(p.longest_run_max),
                _opt(p.crossings),
                _opt(p.crossings_min),
                "signal" if p.anhoej_signal else ("-" if p.runs is None else "random"),
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _opt(v: int | None) -> str:
    return "-" if v is None else str(v)
