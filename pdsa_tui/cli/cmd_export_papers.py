"""``pdsa export --summary`` (every measure on one page) and ``--template`` (Word papers)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pdsa_tui.cli.commands import open_store
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.cli.outfile import export_format, output_target, write_output


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options this module handles."""
    p.add_argument(
        "--summary",
        action="store_true",
        help="every measure on one page, grouped by aim (md/html/docx/pdf/csv/json)",
    )
    p.add_argument(
        "--template",
        metavar="FILE.docx",
        help="with a .docx export: your council's own Word template (its styles, header, logo)",
    )


def template_path(args: argparse.Namespace, fmt: str) -> Path | None:
    """The ``--template`` file, checked: only for docx, and it must be an existing .docx."""
    given = getattr(args, "template", None)
    if given is None:
        return None
    if fmt != "docx":
        raise CliError(f"--template goes with a Word export (.docx), not {fmt}", EXIT_USAGE)
    path = Path(given).expanduser()
    if path.suffix.lower() != ".docx":
        raise CliError(
            f"--template: '{path.name}' is not a Word .docx file (save a .dotx template as "
            ".docx first)",
            EXIT_USAGE,
        )
    if not path.is_file():
        raise CliError(f"--template: no file {path}", EXIT_DATA)
    return path


def render_error(exc: Exception) -> CliError:
    """A renderer's refusal (a bad template, an unreadable chart) as one clear line."""
    return CliError(f"could not make the file: {exc}; nothing was written", EXIT_DATA)


def run_summary(args: argparse.Namespace) -> int:
    """Write the one-page summary of every measure."""
    from pdsa_tui.report.summary import SUMMARY_FORMATS

    others = [
        name
        for name, given in (
            ("--aim", args.aim),
            ("--cycle", args.cycle),
            ("--all", args.all),
            ("--change-package", args.change_package),
            ("--programme", args.programme),
            ("--meeting", args.meeting),
            ("--since", args.since),
        )
        if given
    ]
    if others:
        raise CliError(f"give --summary on its own, not with {' and '.join(others)}", EXIT_USAGE)
    fmt = export_format(args, SUMMARY_FORMATS, "summary.pdf", "the summary")
    template = template_path(args, fmt)
    path = output_target(args, "summary.pdf")
    with open_store(args, write=False) as store:
        from pdsa_tui.report.papers import summary_bytes

        try:
            data = summary_bytes(store, fmt=fmt, template=template)
        except (RuntimeError, ValueError) as exc:
            raise render_error(exc) from None
    written = write_output(path, data if fmt in ("docx", "pdf") else data.decode("utf-8"),
                           force=args.force)  # fmt: skip
    if written is not None:
        print(f"Wrote the summary of every measure to {written}")
    return 0
