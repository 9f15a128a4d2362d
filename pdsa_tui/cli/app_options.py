"""The app's own options and opening the app: all ``pdsa`` needs when no subcommand is given.

Kept apart from :mod:`pdsa_tui.cli.commands` so that opening the app does not import
the subcommands' modules (CSV import, the commands themselves).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pdsa_tui.cli.errors import EXIT_USAGE, CliError
from pdsa_tui.memory import StartUp
from pdsa_tui.store import default_db_path


def add_db_option(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--db PATH`` and ``--user NAME``, before or after the subcommand."""
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


def db_path(args: argparse.Namespace) -> Path:
    """The database path the user chose, or the default."""
    return Path(args.db).expanduser() if args.db else default_db_path()


def run_app(args: argparse.Namespace, *, start: StartUp | None = None) -> int:
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
