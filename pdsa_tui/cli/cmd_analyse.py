"""``pdsa analyse FILE.csv``: run-chart / SPC analysis of a CSV series, for people or as JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
from pathlib import Path

from pdsa_tui.analysis import Analysis, PartResult, analyse
from pdsa_tui.analysis.charts import CHART_NAMES, CHART_TYPES
from pdsa_tui.analysis.results import XMR_PLOTTHEDOTS, SeriesColumns
from pdsa_tui.analysis.rulesets import RULE_SETS, rule_set_line
from pdsa_tui.analysis.subgroups import AGG_FUNS
from pdsa_tui.analysis.verdict import format_number, month
from pdsa_tui.cli.analyse_csv import Series, read_series
from pdsa_tui.cli.analyse_wrap import wrap
from pdsa_tui.cli.errors import EXIT_USAGE, CliError
from pdsa_tui.memory import paused_gc
from pdsa_tui.model.forms import read_number

MAX_WIDTH = 100
CHART_HEIGHT = 16
#: --direction names and the analysis's.
DIRECTIONS = {"increase": "up", "decrease": "down", "neutral": "neutral"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``analyse`` subcommand."""
    p = subparsers.add_parser(
        "analyse",
        help="analyse a CSV series as a run chart or a control chart (SPC)",
        description=(
            "Analyse a CSV with a header row and columns date,value or "
            "date,numerator,denominator (a T chart also takes event dates alone: date). "
            "Dates are day/month/year or ISO. Several rows with one date form one subgroup "
            "(xbar, s) or are combined (p, pp, u, up: summed; run, i, mr: by --agg). "
            "Prints the chart, the rule results per part and a verdict, or with --json "
            "one JSON object."
        ),
    )
    p.add_argument("file", metavar="FILE.csv", help="the CSV file to analyse")
    p.add_argument(
        "--chart",
        choices=list(CHART_TYPES),
        default="run",
        help=(
            "run chart (median; default); p: proportions and u: rates (numerator,denominator), "
            "pp and up: Laney's P′ and U′ for large denominators; i: values, mr: their moving "
            "ranges; xbar and s: mean and SD of several rows per date; c: counts of events; "
            "g: cases between events and t: days between events (one row per event; t also "
            "takes event dates alone)"
        ),
    )
    p.add_argument(
        "--rules",
        choices=list(RULE_SETS),
        default="anhoej",
        help=(
            "rule set for the signals: anhoej (default; Anhøj runs analysis with IHI shifts "
            "and trends), ihi (IHI run-chart rules) or mdc (Making Data Count: NHSRplotthedots)"
        ),
    )
    p.add_argument(
        "--direction",
        choices=list(DIRECTIONS),
        default="neutral",
        help="which way is an improvement (default neutral): names signals and assurance",
    )
    p.add_argument(
        "--target",
        type=_number_arg,
        metavar="T",
        help=(
            "the target, on the scale of the values after --multiply (a proportion such as "
            "0.8 for p and pp without it): with a direction, the assurance icon says whether "
            "the process will meet it"
        ),
    )
    p.add_argument(
        "--multiply",
        type=_multiplier,
        default=1.0,
        metavar="K",
        help="multiply values, centre and limits by K (100: per cent, 1000: per 1,000)",
    )
    p.add_argument(
        "--no-negative",
        action="store_true",
        help="the values cannot be negative: no lower limit below 0 (qicharts2's y.neg = FALSE)",
    )
    p.add_argument(
        "--agg",
        choices=list(AGG_FUNS),
        default="mean",
        help="how several rows with one date become one point (run, i, mr; default mean)",
    )
    p.add_argument(
        "--no-screening",
        action="store_true",
        help="keep every moving range (no screening of large ones; I, P′ and U′ charts)",
    )
    p.add_argument(
        "--freeze",
        type=_positive_int,
        action="append",
        default=[],
        metavar="N",
        help=(
            "the baseline is the first N points: centre and limits come from them only "
            "(repeat for a baseline in each part)"
        ),
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
    p.add_argument(
        "--exclude",
        type=_positions,
        nargs="+",
        action="extend",
        default=[],
        metavar="N",
        help="leave point N out of the centre line, limits and runs (it is still drawn)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    try:
        from pdsa_tui.cli.app_options import add_db_option
    except ImportError:  # pragma: no cover - the lead's module is always there when wired
        pass
    else:
        # Every subcommand takes --db; analyse reads a file and ignores it.
        add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, analyse and print; raise :class:`CliError` on bad input. Returns 0."""
    # A CSV of 100,000 points makes some 500,000 objects that live to the end: the
    # collector's passes over them were a third of the command's time.
    with paused_gc():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    chart: str = args.chart
    series = read_series(path, chart, args.agg)
    n = len(series.points)
    freezes: list[int] = args.freeze
    rebase: list[int] = [v for group in args.rebase for v in group]
    exclude: list[int] = [v for group in args.exclude for v in group]
    for freeze in freezes:
        if freeze > n:
            raise CliError(f"--freeze {freeze} is beyond the last point ({n} points)", EXIT_USAGE)
    for r in rebase:
        if not 1 <= r <= n - 1:
            raise CliError(
                f"--rebase {r} must be between 1 and {n - 1} (a new part starts after it)",
                EXIT_USAGE,
            )
    for x in exclude:
        if x > n:
            raise CliError(f"--exclude {x} is beyond the last point ({n} points)", EXIT_USAGE)
    points = series.points
    if isinstance(points, SeriesColumns):
        points = points.marked(
            exclude=frozenset(k - 1 for k in exclude),
            baseline_end=frozenset(k - 1 for k in freezes[1:]),
        )
    else:
        if exclude:
            left_out = set(exclude)
            points = [
                dataclasses.replace(p, exclude=True) if k in left_out else p
                for k, p in enumerate(points, start=1)
            ]
        if len(freezes) > 1:
            marked = set(freezes[1:])
            points = [
                dataclasses.replace(p, baseline_end=True) if k in marked else p
                for k, p in enumerate(points, start=1)
            ]
    multiply: float = args.multiply
    if multiply == 100 and series.ratio and chart in ("p", "pp"):
        scale, unit = 1.0, "%"
    elif multiply != 1:
        scale, unit = 1.0, f" per {format_number(multiply)}"
    elif series.ratio and chart not in ("u", "up"):
        scale, unit = 100.0, "%"
    else:
        scale, unit = 1.0, ""
    analysis = analyse(
        points,
        chart,  # type: ignore[arg-type]  # argparse choices guarantee the literal
        freeze=freezes[0] if freezes else None,
        rebase=rebase,
        direction=DIRECTIONS[args.direction],  # type: ignore[arg-type]
        scale=scale,
        unit_label=unit,
        xmr=dataclasses.replace(XMR_PLOTTHEDOTS, screen=not args.no_screening),
        rules=args.rules,
        target=args.target,
        multiply=multiply,
        no_negative=args.no_negative,
        agg=args.agg,
    )
    if series.notes:
        analysis = dataclasses.replace(analysis, warnings=[*series.notes, *analysis.warnings])
    if args.json:
        text = json.dumps(analysis.to_json(), indent=2, ensure_ascii=False)
    else:
        text = human_report(path, analysis, series, scale=scale, unit=unit)
    sys.stdout.write(text + "\n")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _number_arg(text: str) -> float:
    try:
        return read_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _multiplier(text: str) -> float:
    value = _number_arg(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be above 0 (e.g. 100 or 1000)")
    return value


def _positions(text: str) -> list[int]:
    return [_positive_int(part) for part in text.split(",") if part.strip()]


# ---------------------------------------------------------------- human output


def human_report(path: Path, analysis: Analysis, series: Series, *, scale: float, unit: str) -> str:
    """Header, chart, a table of the rule results per part, the verdict and any warnings."""
    from pdsa_tui.report.termchart import render_chart

    points = series.points
    kind = CHART_NAMES[analysis.chart]
    span = f"{month(points[0].date)} to {month(points[-1].date)}"
    from pdsa_tui.report.mdc_icons import icon_text

    width = min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH)
    lines = [f"{path.name}: {kind}, {analysis.n} points, {span}"]
    lines.extend(wrap(rule_set_line(analysis.rules), width, "", "  "))
    if series.dates_only:
        lines.append("(days between consecutive event dates; each point is dated at the later)")
    if series.reordered:
        lines.append("(rows were not in date order; positions below count in date order)")
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
    if analysis.advice:
        lines.extend(wrap(f"Advice: {analysis.advice}", width, "", "  "))
    lines.append("")
    lines.extend(_table(analysis.parts, scale, unit, analysis.rules))
    lines.append("")
    lines.append(f"Variation: {icon_text(analysis.variation_icon)}")
    if analysis.target is not None:
        target = f"{format_number(analysis.target * scale)}{unit}"
        lines.append(
            f"Assurance (target {target}): {icon_text(analysis.assurance_icon)}"
            if analysis.assurance_icon
            else f"Assurance (target {target}): none without an improvement direction "
            "and control limits"
        )
    lines.append("")
    lines.append("Verdict:")
    for line in analysis.verdict.split("\n"):
        lines.extend(wrap(line, width, "  ", "    "))
    warnings = [*analysis.warnings, *(w for p in analysis.parts for w in p.warnings)]
    if warnings:
        lines.append("")
        lines.append("Warnings:")
        for w in warnings:
            lines.extend(wrap(w, width, "  - ", "    "))
    return "\n".join(lines)


def _table(parts: list[PartResult], scale: float, unit: str, rules: str = "anhoej") -> list[str]:
    """The rule results per part; the last column is the Anhøj runs analysis, so named."""
    head = (
        "Part",
        "Points",
        "Centre",
        "Useful",
        "Runs",
        "Expected",
        "Longest",
        "Max",
        "Crosses",
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
                _anhoej_cell(p, rules),
            )
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _anhoej_cell(p: PartResult, rules: str) -> str:
    if p.runs is None:
        return "-"
    if rules != "anhoej":
        return "(not used)"
    return "signal" if p.anhoej_signal else "random"


def _opt(v: int | None) -> str:
    return "-" if v is None else str(v)
