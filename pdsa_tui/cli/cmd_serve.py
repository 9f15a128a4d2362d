"""``pdsa serve``: the same app in a browser, for colleagues who never open a terminal.

Only the options live here; the web server (:mod:`pdsa_tui.serve`, aiohttp, textual-serve)
is imported when the command runs, so the rest of ``pdsa`` never loads it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE, CliError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _warn_not_encrypted(host: str, port: int) -> None:
    """Say, on stderr, that a non-local address sends everything in clear."""
    anywhere = host in ("0.0.0.0", "::", "")
    where = " (others open it with this computer's name or address in its place)"
    print(
        f"pdsa: WARNING: listening on {host}, not only on this computer"
        f"{where if anywhere else ''}.\n"
        "  The traffic (the token and the records) is NOT encrypted on the network.\n"
        "  Put it behind the council's HTTPS proxy instead: keep --host 127.0.0.1 and have\n"
        f"  the proxy forward https://YOUR-NAME/ to http://127.0.0.1:{port}/ (websockets\n"
        "  allowed, the Host header passed on); see 'Serving to a browser' in the README.",
        file=sys.stderr,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the app to browsers until stopped (ctrl+c)."""
    from pdsa_tui.cli.app_options import db_path
    from pdsa_tui.serve.security import (
        SetupError,
        new_token,
        parse_duration,
        read_token_file,
    )

    try:
        token = read_token_file(Path(args.token_file)) if args.token_file else new_token()
        idle = parse_duration(args.idle_timeout)
        stop_after = (
            parse_duration(args.stop_after, "--stop-after", least=1) if args.stop_after else None
        )
    except SetupError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if args.max_sessions < 1:
        raise CliError("--max-sessions: give 1 or more", EXIT_USAGE)
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port: {args.port} is not a port (0-65535)", EXIT_USAGE)
    path = db_path(args)
    _check_database(path)
    try:
        from pdsa_tui.serve.server import ServeConfig, address, serve
    except ImportError as exc:  # pragma: no cover - a dependency of every install
        raise CliError(
            f"serving needs textual-serve ({exc}); pip install textual-serve", 1
        ) from None

    config = ServeConfig(
        db=path.resolve(),
        token=token,
        host=args.host,
        port=args.port,
        idle_seconds=idle,
        max_sessions=args.max_sessions,
        read_only=bool(getattr(args, "read_only", False)),
    )

    # Who comes and goes, for whoever runs the server (names only: never the token).
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("pdsa: %(message)s"))
    logger = logging.getLogger("pdsa.serve")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def ready(port: int) -> None:
        if args.host not in LOCAL_HOSTS:
            _warn_not_encrypted(args.host, port)
        print(
            f"pdsa: serving {path} to browsers (one app per visitor); ctrl+c stops.",
            file=sys.stderr,
        )
        print(address(args.host, port, token), flush=True)

    try:
        import asyncio  # here: every other command (pdsa analyse, check, ...) starts without it

        asyncio.run(serve(config, stop_after=stop_after, on_ready=ready))
    except OSError as exc:
        raise CliError(
            f"cannot listen on {args.host} port {args.port}: {exc.strerror or exc}; "
            "choose another with --port (or --host)",
            EXIT_USAGE,
        ) from None
    finally:
        logger.removeHandler(handler)
    print("pdsa: stopped; every session ended.", file=sys.stderr)
    return 0


def _check_database(path: Path) -> None:
    """Refuse to serve a file that is missing or unreadable: every visitor would fail."""
    from pdsa_tui.store import DatabaseNotFoundError, Store, StoreError

    try:
        with Store.open(path, read_only=True):
            pass
    except DatabaseNotFoundError:
        raise CliError(
            f"no database at {path}; create it first (run 'pdsa --db {path}' and press c, "
            f"or 'pdsa demo {path}' for the demo)",
            EXIT_DATA,
        ) from None
    except StoreError as exc:
        raise CliError(str(exc), EXIT_DATA) from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the parser."""
    p = sub.add_parser(
        "serve",
        help="open the app in web browsers: prints one address with a secret token",
        description=(
            "Serve the app to web browsers. Prints one address, "
            "http://HOST:PORT/?token=TOKEN, to give to the group; each visitor gets their "
            "own copy of the app on the same database and gives their name once. "
            "Only people with the address get in."
        ),
    )
    # --db only: the name saved with changes is each visitor's own, never --user.
    p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="database file to serve")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; anything else "
        "is unencrypted: put an HTTPS proxy in front)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help="use the token in FILE (first line) instead of a new random one each start",
    )
    p.add_argument(
        "--idle-timeout",
        default="30m",
        metavar="TIME",
        help="end a visitor's session after this long without use, e.g. 30m, 2h, 90s "
        "(default 30m; saved work is kept)",
    )
    p.add_argument(
        "--max-sessions",
        type=int,
        default=8,
        metavar="N",
        help="most visitors at once (default 8; each runs its own app process)",
    )
    p.add_argument(
        "--stop-after",
        metavar="TIME",
        help="stop by itself after this long (for scripted runs and tests)",
    )
    p.set_defaults(func=cmd_serve)
