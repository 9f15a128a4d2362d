"""``pdsa export --change-package IDEA``: a change package a service manager can circulate."""

from __future__ import annotations

import argparse

from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.cli.outfile import export_format, output_target, write_output
from pdsa_tui.store import StoreError

#: The formats a change package is written in.
PACKAGE_FORMATS = {"md": "Markdown", "html": "HTML (printable, self-contained)"}


def add_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--change-package`` to ``pdsa export``."""
    parser.add_argument(
        "--change-package",
        metavar="IDEA_ID_OR_TITLE",
        help="the change package of one change idea (md or html)",
    )


def run(args: argparse.Namespace) -> int:
    """Write the change package of ``args.change_package``; nothing is written on error."""
    fmt = export_format(args, PACKAGE_FORMATS, "package.html", "a change package")
    target = output_target(args, "package.html")
    with open_store(args, write=False) as store:
        try:
            idea = store.find_idea(args.change_package)
        except StoreError as exc:
            raise CliError(str(exc), EXIT_DATA) from None
        from pdsa_tui.report.drivers_render import package_text

        text = package_text(store, idea, fmt)
    written = write_output(target, text, force=args.force)
    if written is not None:
        print(f"Wrote the change package of '{idea.title}' ({PACKAGE_FORMATS[fmt]}) to {written}")
    return 0
