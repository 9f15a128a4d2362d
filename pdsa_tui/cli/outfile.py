"""Where ``pdsa export`` writes: ``-o PATH`` or ``-o -`` (stdout), never over a file unasked."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.cli.output import exact_stdout


def export_format(
    args: argparse.Namespace, allowed: Iterable[str], example: str, what: str = ""
) -> str:
    """``--format`` when given (it wins), else the format the extension of ``-o`` chooses.

    Anything else is a usage error naming what is accepted (for ``what``, e.g. "a change
    package"), before anything is read.
    """
    from pdsa_tui.report.formats import format_of, normal_format

    allowed = list(allowed)
    if args.fmt is not None:
        try:
            return normal_format(str(args.fmt), allowed, what)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    _named(args, example)
    names = ", ".join(allowed)
    if args.output == "-":
        raise CliError(
            f"give --format ({names}): -o - (stdout) has no extension to choose it", EXIT_USAGE
        )
    try:
        return format_of(args.output, allowed, what)
    except ValueError as exc:
        raise CliError(f"{exc}, or give --format ({names})", EXIT_USAGE) from None


def _named(args: argparse.Namespace, example: str) -> None:
    if not args.output.strip():
        raise CliError(f"-o needs a file name, e.g. -o {example} (or -o - for stdout)", EXIT_USAGE)


def output_target(args: argparse.Namespace, example: str) -> Path | None:
    """The file ``-o`` names, or None for ``-o -`` (stdout).

    Checked before anything is read, so that a refused export costs nothing: an empty name
    is a usage error, an existing file without ``--force`` a data error.
    """
    _named(args, example)
    if args.output == "-":
        return None
    path = Path(args.output).expanduser()
    if (path.exists() or path.is_symlink()) and not args.force and not path.is_dir():
        raise CliError(f"{path} already exists; add --force to overwrite it", EXIT_DATA)
    return path


def write_output(path: Path | None, text: str | bytes, *, force: bool) -> Path | None:
    """Write ``text`` atomically to ``path`` (stdout when None); one clear line on failure."""
    if path is None:
        if isinstance(text, bytes):
            import sys

            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
            return None
        exact_stdout().write(text if text.endswith("\n") else text + "\n")
        return None
    from pdsa_tui.report.export import write_export

    try:
        return write_export(path, text, force=force)
    except FileExistsError:
        raise CliError(f"{path} already exists; add --force to overwrite it", EXIT_DATA) from None
    except OSError as exc:
        if exc.strerror is None:
            raise CliError(f"{exc}; nothing was written", EXIT_DATA) from None
        raise CliError(
            f"could not write {path}: {exc.strerror}; nothing was written", EXIT_DATA
        ) from None
