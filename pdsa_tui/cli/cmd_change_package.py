"""``pdsa export --change-package IDEA``: a change package a service manager can circulate."""

from __future__ import annotations

import argparse

from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.errors import EXIT_DATA, CliError
from pdsa_tui.cli.outfile import export_format, output_target, write_output
from pdsa_tui.store import StoreError

#: The formats a change package is written in.
PACKAGE_FORMATS = {
    "md": "Markdown",
    "html": "HTML (printable, self-contained)",
    "docx": "Word",
    "pdf": "PDF (tagged, A4)",
}


def add_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--change-package`` to ``pdsa export``."""
    parser.add_argument(
        "--change-package",
        metavar="IDEA_ID_OR_TITLE",
        help="the change package of one change idea (md, html, docx or pdf)",
    )


def run(args: argparse.Namespace) -> int:
    """Write the change package of ``args.change_package``; nothing is written on error."""
    from pdsa_tui.cli.cmd_export_papers import render_error, template_path

    fmt = export_format(args, PACKAGE_FORMATS, "package.html", "a change package")
    template = template_path(args, fmt)
    target = output_target(args, "package.html")
    with open_store(args, write=False) as store:
        try:
            idea = store.find_idea(args.change_package)
        except StoreError as exc:
            raise CliError(str(exc), EXIT_DATA) from None
        from pdsa_tui.report.papers import PAPER_FORMATS, package_bytes

        try:
            data = package_bytes(store, idea, fmt=fmt, template=template)
        except (RuntimeError, ValueError) as exc:
            raise render_error(exc) from None
    text: str | bytes = data if fmt in PAPER_FORMATS else data.decode("utf-8")
    written = write_output(target, text, force=args.force)
    if written is not None:
        print(f"Wrote the change package of '{idea.title}' ({PACKAGE_FORMATS[fmt]}) to {written}")
    return 0
