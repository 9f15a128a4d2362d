"""Opening the app with its plain options is read without argparse, as argparse reads it.

``pdsa``, ``pdsa --db PATH`` and the like (:func:`plain_app_args`) skip importing
argparse; every other command line (commands, help, errors, other spellings) is
argparse's, as before.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pdsa_tui.cli import build_parser, parse_args
from pdsa_tui.cli.app_options import AppOptions, plain_app_args

PLAIN = [
    [],
    ["--db", "x.json"],
    ["--db", ""],
    ["--db", "my file=1.json"],
    ["--demo"],
    ["--read-only"],
    ["--user", "SP"],
    ["--user", "check"],
    ["--db", "x.json", "--user", "A B", "--read-only"],
    ["--read-only", "--db", "check", "--demo"],
    ["--demo", "--db", "x.json"],  # refused later by run_app, as before
]
NOT_PLAIN = [
    ["--db"],
    ["--db=x.json"],
    ["--db", "-x.json"],
    ["--db", "-1"],
    ["--db", "a", "--db", "b"],
    ["--demo", "--demo"],
    ["--de"],
    ["--help"],
    ["-h"],
    ["--version"],
    ["check"],
    ["--db", "x.json", "check"],
    ["--db", "x.json", "--"],
    ["x.json"],
    ["--bogus"],
    ["--user"],
]


@pytest.mark.parametrize("argv", PLAIN)
def test_plain_options_are_read_as_argparse_reads_them(argv: list[str]) -> None:
    got = plain_app_args(argv)
    assert got is not None
    want = build_parser(subcommands=False).parse_args(argv)
    assert vars(want) == {
        "db": got.db,
        "user": got.user,
        "demo": got.demo,
        "read_only": got.read_only,
    }
    assert parse_args(argv) == got


@pytest.mark.parametrize("argv", NOT_PLAIN)
def test_anything_else_goes_to_argparse(argv: list[str]) -> None:
    assert plain_app_args(argv) is None


def test_opening_the_app_does_not_import_argparse() -> None:
    code = (
        "import sys; from pdsa_tui.cli import parse_args; "
        "a = parse_args(['--db', 'x.json', '--user', 'SP']); "
        "print(a.db, a.user, a.demo, a.read_only, 'argparse' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["x.json", "SP", "False", "False", "False"]


def test_help_is_argparses_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    assert capsys.readouterr().out == build_parser().format_help()
    assert AppOptions() == AppOptions(None, None, False, False)
