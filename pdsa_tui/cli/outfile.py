"""Where ``pdsa export`` writes: ``-o PATH`` or ``-o -`` (stdout), never over a file unasked."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError
from pdsa_tui.cli.output import exact_stdout
from pdsa_tui.model.safetext import visible


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
    refuse_database_target(path, args)
    if (path.exists() or path.is_symlink()) and not args.force and not path.is_dir():
        raise CliError(f"{path} already exists; add --force to overwrite it", EXIT_DATA)
    return path


def _database_of(args: argparse.Namespace) -> Path | None:
    from pdsa_tui.cli.app_options import db_path

    try:
        return Path(os.path.realpath(db_path(args)))
    except (OSError, ValueError):
        return None


def _is_database(path: Path) -> bool:
    """Whether ``path`` is a pdsa database (its first bytes name the app)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return b'"app": "pdsa"' in head or b'"app":"pdsa"' in head


def refuse_database_target(path: Path, args: argparse.Namespace) -> None:
    """An export never writes over a database, its backups, lock or kept copies (even --force)."""
    from pdsa_tui.store import lock_path
    from pdsa_tui.store.copies import kept_dir
    from pdsa_tui.store.files import backup_dir

    real = Path(os.path.realpath(path))
    what = ""
    db = _database_of(args)
    if db is not None and real == db:
        what = "the database itself"
    elif db is not None and real == lock_path(db):
        what = "the database's lock file"
    elif real.parent.name.endswith((".backups", ".kept")) or (
        db is not None and real.parent in (backup_dir(db), kept_dir(db))
    ):
        what = "in a database's backups or kept copies"
    elif _is_database(real):
        what = "a pdsa database"
    if what:
        raise CliError(
            f"{path} is {what}; pdsa export never writes over a database, its backups or its "
            "kept copies (not even with --force). Choose another file name",
            EXIT_DATA,
        )


def write_output(path: Path | None, text: str | bytes, *, force: bool) -> Path | None:
    """Write ``text`` atomically to ``path`` (stdout when None); one clear line on failure."""
    if path is None:
        if isinstance(text, bytes):
            import sys

            if sys.stdout.isatty():  # as curl does: binary output garbles a terminal
                raise CliError(
                    "a Word or PDF file is binary and would garble the terminal; give "
                    "-o FILE (.docx or .pdf), or send it on: pdsa export ... -o - > FILE",
                    EXIT_USAGE,
                )
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
            return None
        out = exact_stdout()
        text = text if text.endswith("\n") else text + "\n"
        if out.isatty():  # a person reads it: control characters shown, as the app does
            text = visible(text)
        out.write(text)
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
