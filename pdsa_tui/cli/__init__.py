"""The ``pdsa`` command: the TUI by default, subcommands for scripting and data work."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from pdsa_tui import __version__
from pdsa_tui.cli.errors import EXIT_USAGE, CliError
from pdsa_tui.memory import StartUp

if TYPE_CHECKING:
    import argparse

    from pdsa_tui.cli.app_options import AppOptions


#: The module of each command, in the order ``pdsa --help`` lists them. A command's
#: module alone is imported to run it (a test holds this to what each ``register`` adds).
COMMAND_MODULES: dict[str, str] = {
    "demo": "commands",
    "check": "commands",
    "list": "commands",
    "data": "commands",
    "analyse": "cmd_analyse",
    "export": "cmd_export",
    "programme": "cmd_programme",
    "meeting": "cmd_meeting",
    "assess": "cmd_assess",
    "cases": "cmd_cases",
    "measure": "cmd_measure",
    "merge": "cmd_merge",
    "conflicts": "cmd_conflicts",
    "history": "cmd_conflicts",
    "restore": "cmd_conflicts",
    "serve": "cmd_serve",
}


def build_parser(*, subcommands: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The full argument parser (without ``subcommands``: only the app's own options;
    with ``only``: that command alone, its module the only one imported)."""
    from pdsa_tui.cli.app_options import add_db_option
    from pdsa_tui.cli.parser import Parser

    parser = Parser(
        prog="pdsa",
        description=(
            "Plan, log, review and report PDSA cycles. With no command, opens the app. "
            "Dates are day/month/year (01/02/2019 is 1 February 2019) or ISO 2019-02-01."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pdsa {__version__}")
    add_db_option(parser, top=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a temporary copy of the demo programme (your own data is not touched)",
    )
    parser.add_argument(
        "--read-only", action="store_true", help="open the database without changing it"
    )
    if not subcommands:
        return parser
    # Typed as plain parsers: the subcommands' register() functions need nothing of Parser.
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser),
    )
    names = dict.fromkeys(COMMAND_MODULES.values()) if only is None else [COMMAND_MODULES[only]]
    for name in names:
        importlib.import_module(f"pdsa_tui.cli.{name}").register(sub)
    return parser


_DASHED_VALUE = re.compile(r"-(?:\d|inf|nan)", re.IGNORECASE)


def join_dashed_values(argv: Sequence[str]) -> list[str]:
    """``--value -inf`` as ``--value=-inf``: argparse takes '-inf' (or '-2025-01-01') for
    an option and says only "expected one argument"; joined, the value reaches the
    command, which says what is wrong with it.
    """
    out: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a.startswith("--") and "=" not in a and nxt and _DASHED_VALUE.match(nxt):
            out.append(f"{a}={nxt}")
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def parse_args(argv: Sequence[str]) -> argparse.Namespace | AppOptions:
    """``argv`` parsed; the subcommands' modules are imported only when one is given.

    Opening the app (``pdsa``, ``pdsa --db PATH``...) is the common case and needs
    none of them: the app's plain options alone are read without argparse (see
    :func:`.app_options.plain_app_args`), any others by the app's own options first;
    a command named next is parsed by a parser holding that command alone. Anything
    else (a misspelt command, ``--help``) goes to the full parser, so help and
    errors are the same.
    """
    from pdsa_tui.cli.app_options import plain_app_args

    plain = plain_app_args(argv)
    if plain is not None:
        return plain
    argv = join_dashed_values(argv)
    # A subcommand's own --version (pdsa restore ID --version REV) is not pdsa's.
    own_version = "--version" in argv[1:] and not argv[0].startswith("-")
    if not any(a in ("-h", "--help") for a in argv) and not own_version:
        args, rest = build_parser(subcommands=False).parse_known_args(argv)
        if not rest:
            return args
        if rest[0] in COMMAND_MODULES:
            return build_parser(only=rest[0]).parse_args(argv)
    return build_parser().parse_args(argv)


def _check_today_override() -> None:
    """Refuse a malformed ``$PDSA_TODAY`` up front rather than ignore it silently."""
    from pdsa_tui.model import dates

    try:
        dates.today_override()
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pdsa`` with ``argv``; return the exit status.

    Run as the process's command (``argv`` None), a batch command that kept what it
    read (:mod:`.ending`) ends the process here, without freeing it.
    """
    from pdsa_tui.cli import ending

    status = _main(argv)
    if argv is None and ending.kept():
        ending.end_now(status)
    ending.release()  # called in-process (a test, a script): freed as usual
    return status


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Opening the app is the common case: from here to its first screen (pdsa's
    # imports, the store, the screen) nothing made is garbage, so the collector waits
    # (see StartUp). A command turns it back on before it runs.
    start = StartUp()
    try:
        _check_today_override()
        args = parse_args(args_list)
        func = getattr(args, "func", None)
        if func is None:
            from pdsa_tui.cli.app_options import run_app

            return run_app(args, start=start)
        start.end()
        from pdsa_tui.cli.output import visible_output

        with visible_output():
            status: int = func(args)
        return status
    except CliError as exc:
        from pdsa_tui.model.safetext import visible

        print(f"pdsa: {visible(exc.message)}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print("pdsa: interrupted; nothing more was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error of ours.
        return 0
    finally:
        start.end()
