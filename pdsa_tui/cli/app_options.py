"""The app's own options and opening the app: all ``pdsa`` needs when no subcommand is given.

Kept apart from :mod:`pdsa_tui.cli.commands` so that opening the app does not import
the subcommands' modules (CSV import, the commands themselves).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdsa_tui.cli.errors import EXIT_USAGE, CliError
from pdsa_tui.memory import StartUp
from pdsa_tui.store import default_db_path
from pdsa_tui.valueclass import value_class

if TYPE_CHECKING:
    import argparse


@value_class(frozen=True)
class AppOptions:
    """The app's own options read without argparse (:func:`plain_app_args`): what
    argparse makes of the same command line (its ``Namespace`` holds the same values)."""

    db: str | None = None
    user: str | None = None
    demo: bool = False
    read_only: bool = False


#: The app's own options in their plain forms: those taking a value, and the flags.
_VALUED = {"--db": "db", "--user": "user"}
_FLAGS = {"--demo": "demo", "--read-only": "read_only"}


def plain_app_args(argv: Sequence[str]) -> AppOptions | None:
    """The app's options when ``argv`` holds them alone, each once, in its plain form.

    ``--db PATH``, ``--user NAME`` (a value not starting with '-'), ``--demo``,
    ``--read-only``: how ``pdsa`` is opened, read without importing argparse (1.7 ms of
    every start). Anything else (a command, ``--db=PATH``, an abbreviation, an option
    given twice, ``--help``) gives None: argparse parses it, its help and errors as before.
    """
    found: dict[str, Any] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = _FLAGS.get(arg)
        if name is not None:
            value: Any = True
            i += 1
        else:
            name = _VALUED.get(arg)
            if name is None or i + 1 == len(argv) or argv[i + 1].startswith("-"):
                return None
            value = argv[i + 1]
            i += 2
        if name in found:
            return None
        found[name] = value
    return AppOptions(**found)


def add_db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--db PATH`` and ``--user NAME``, before or after the subcommand."""
    import argparse

    parser.add_argument(
        "--db",
        metavar="PATH",
        # A subcommand's own default would hide a --db given before the subcommand.
        default=None if top else argparse.SUPPRESS,
        help=f"database file (default: $PDSA_DB, else {default_db_path()})",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help="who is saving (a role or initials; default: $PDSA_USER, else your login name)",
    )


def db_path(args: AppOptions | argparse.Namespace) -> Path:
    """The database path the user chose, or the default."""
    return Path(args.db).expanduser() if args.db else default_db_path()


def run_app(args: AppOptions | argparse.Namespace, *, start: StartUp | None = None) -> int:
    """Open the TUI on the chosen database, or on a temporary copy of the demo.

    ``start``: the collector's pause begun by the caller (else begun here).
    """
    # From here to the first screen (Textual's imports, the store, the screen) nothing
    # made is garbage: the collector waits, then never walks it (see StartUp).
    start = start or StartUp()
    try:
        try:
            from pdsa_tui.ui.app import run
        except ImportError:  # pragma: no cover - the TUI is part of every install
            build = __import__("pdsa_tui.cli", fromlist=["build_parser"]).build_parser
            build().print_help()
            return 0
        if args.demo:
            if args.db:
                raise CliError(
                    "--demo opens a temporary demo; do not combine it with --db", EXIT_USAGE
                )
            from pdsa_tui.demo import open_demo

            with tempfile.TemporaryDirectory(prefix="pdsa-demo-") as tmp:
                path = Path(tmp) / "demo.json"
                built = open_demo(path, user=args.user)
                # Shown as built, not read back in; read-only, it is opened again as any file.
                store = None if args.read_only else built
                return run(
                    path,
                    demo=True,
                    read_only=args.read_only,
                    user=args.user,
                    start=start,
                    store=store,
                )
        return run(db_path(args), demo=False, read_only=args.read_only, user=args.user, start=start)
    finally:
        start.end()
