"""``pdsa export``: an aim report, every aim's report or one cycle's summary, to a file."""

from __future__ import annotations

import argparse

from pdsa_tui.cli import cmd_change_package, cmd_export_papers, cmd_export_programme
from pdsa_tui.cli.app_options import add_db_option
from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.ending import keep_to_the_end
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.cli.outfile import export_format, output_target, write_output
from pdsa_tui.model import Aim, Cycle
from pdsa_tui.report.formats import FORMATS
from pdsa_tui.store import StoreError

HELP = "export an aim report, every aim's report or one cycle's summary"
DESCRIPTION = (
    "Export an aim report (the aim, what needs attention, measures with their charts and "
    "analysis, change ideas with their ramps, every cycle with its four phases and feedback), "
    "every aim's report in one document (--all), or one cycle's summary (--cycle). "
    "Formats: md (Markdown), html (one self-contained printable file), csv (one row per "
    "cycle; UTF-8 with a byte-order mark for Excel), json (every field of every record), "
    "docx (Word: real headings, tables and charts with alt text; --template FILE.docx for "
    "your council's own) and pdf (tagged, A4). --summary puts every measure on one page. "
    "The extension of -o chooses the format (report.html, report.md, ...) unless --format "
    "is given. An existing file is never overwritten without --force."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` to the parser."""
    p = sub.add_parser("export", help=HELP, description=DESCRIPTION)
    p.add_argument("--aim", metavar="CODE_OR_ID", help="the aim to report on, e.g. 'Aim 2'")
    p.add_argument("--cycle", metavar="ID", help="the cycle to summarise (id or id prefix)")
    p.add_argument("--all", action="store_true", help="every aim's report in one document")
    cmd_change_package.add_argument(p)
    cmd_export_programme.add_arguments(p)
    cmd_export_papers.add_arguments(p)
    p.add_argument(
        "--format",
        dest="fmt",
        metavar="FORMAT",
        default=None,
        help=f"one of: {', '.join(FORMATS)} (default: the extension of -o)",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="the file to write (- for stdout)"
    )
    p.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    p.add_argument(
        "--include-cases",
        action="store_true",
        help="list each case of a case measure by its reference (left out by default)",
    )
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the export and write it; nothing is written on any error."""
    if args.summary:
        return cmd_export_papers.run_summary(args)
    if cmd_export_programme.chosen(args):
        return cmd_export_programme.run(args)
    chosen = [
        name
        for name, given in (
            ("--aim", args.aim),
            ("--cycle", args.cycle),
            ("--all", args.all),
            ("--change-package", args.change_package),
        )
        if given
    ]
    if len(chosen) != 1:
        what = "none" if not chosen else " and ".join(chosen)
        raise CliError(
            "give exactly one of --aim CODE_OR_ID, --cycle ID, --all or --change-package IDEA "
            f"(got {what})",
            EXIT_USAGE,
        )
    if args.change_package:
        return cmd_change_package.run(args)
    fmt = export_format(args, FORMATS, "report.html")
    template = cmd_export_papers.template_path(args, fmt)
    path = output_target(args, "report.html")
    with open_store(args, write=False) as store:
        # Read-only, nothing to save: the process may end without freeing the records.
        keep_to_the_end(store)
        aim: Aim | None = None
        cycle: Cycle | None = None
        try:
            if args.aim:
                aim = store.find_aim(args.aim)
            elif args.cycle:
                cycle = store.find_cycle(args.cycle)
        except StoreError as exc:
            raise CliError(str(exc), EXIT_DATA) from None
        from pdsa_tui.report.papers import PAPER_FORMATS, export_bytes

        try:
            data = export_bytes(
                store,
                aim=aim,
                cycle=cycle,
                all=bool(args.all),
                fmt=fmt,
                include_cases=args.include_cases,
                template=template,
            )
        except (RuntimeError, ValueError) as exc:
            raise cmd_export_papers.render_error(exc) from None
        # A file takes the bytes as they are (decoding 20 MB only to encode it again cost
        # 40 ms); stdout takes text, so a terminal shows control characters visibly.
        text: str | bytes = data if fmt in PAPER_FORMATS or path is not None else data.decode()
        what = (
            f"{aim.code} report"
            if aim is not None
            else f"cycle {cycle.number} summary"
            if cycle is not None
            else f"report of every aim ({len(store.aims())})"
        )
    written = write_output(path, text, force=args.force)
    if written is not None:
        print(f"Wrote the {what} ({FORMATS[fmt]}) to {written}")
    return 0
