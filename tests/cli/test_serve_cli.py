"""``pdsa serve`` on the command line: the one address it prints, its checks, its warning;
and what it does not do: load the web server for anything but itself."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Programme

from pdsa_tui.cli import main
from pdsa_tui.model import Aim
from pdsa_tui.serve.security import (
    SetupError,
    clean_name,
    describe_duration,
    new_token,
    parse_duration,
    read_token_file,
    same_origin,
    same_token,
    secure_origin,
)
from pdsa_tui.serve.server import address
from pdsa_tui.store import Store

ADDRESS = re.compile(r"http://127\.0\.0\.\d:(\d+)/\?token=([A-Za-z0-9_\-.~]+)")


def serve(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``pdsa serve`` to its end (it stops by itself: --stop-after)."""
    return subprocess.run(
        [sys.executable, "-m", "pdsa_tui", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- the rules ------------------------------------------------------------------------------------
def test_a_new_token_is_random_and_long_enough() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)  # 256 bits


def test_tokens_are_compared_whole() -> None:
    token = new_token()
    assert same_token(token, token)
    assert not same_token(token[:-1], token)
    assert not same_token(token + "x", token)
    assert not same_token(None, token) and not same_token("", token)
    assert not same_token("é" * 10, token)  # not ASCII: refused, not an error


def test_a_token_file_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "token"
    good.write_text("  " + "a" * 30 + "  \nignored second line\n")
    assert read_token_file(good) == "a" * 30
    for text, problem in [
        ("", "empty"),
        ("short", "at least 22"),
        ("has spaces in it but is long enough", "characters an address cannot carry"),
    ]:
        good.write_text(text)
        with pytest.raises(SetupError, match=problem):
            read_token_file(good)
    with pytest.raises(SetupError, match="cannot read"):
        read_token_file(tmp_path / "missing")


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://pdsa.council.example", "pdsa.council.example", True),  # behind a proxy
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("http://evil.example", "127.0.0.1:8000", False),
        ("http://127.0.0.1.evil.example:8000", "127.0.0.1:8000", False),
        ("null", "127.0.0.1:8000", False),
        (None, "127.0.0.1:8000", False),
        ("file://", "127.0.0.1:8000", False),
        ("http://a:99999", "a:99999", False),
    ],
)
def test_the_websocket_origin_must_be_the_page_s_own(
    origin: str | None, host: str, same: bool
) -> None:
    assert same_origin(origin, host) is same


def test_secure_origins_are_https_and_this_computer() -> None:
    assert secure_origin("https://pdsa.council.example")
    assert secure_origin("http://127.0.0.1:8000") and secure_origin("http://localhost:8000")
    assert not secure_origin("http://192.0.2.7:8000") and not secure_origin(None)


def test_names_are_tidied_and_checked() -> None:
    assert clean_name("  Jo \t Bloggs ") == "Jo Bloggs"
    for bad in ("", "   ", "--", "x" * 41, "a\x07b"):
        with pytest.raises(SetupError):
            clean_name(bad)


def test_durations() -> None:
    assert parse_duration("30m") == parse_duration("30") == 1800
    assert parse_duration("2h") == 7200 and parse_duration("90s") == 90
    assert parse_duration("1.5 hours") == 5400
    for bad in ("soon", "-3m", "9s", "3 weeks"):
        with pytest.raises(SetupError, match="--idle-timeout"):
            parse_duration(bad)
    assert describe_duration(1800) == "30 minutes" and describe_duration(3600) == "1 hour"
    assert describe_duration(90) == "90 seconds"


def test_the_address_has_the_exact_form() -> None:
    assert address("127.0.0.1", 8000, "abc") == "http://127.0.0.1:8000/?token=abc"
    assert address("::1", 8000, "abc") == "http://[::1]:8000/?token=abc"


# -- the command ----------------------------------------------------------------------------------
def test_serve_prints_exactly_one_address_and_stops_by_itself(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    done = serve("--db", str(tmp_db), "--stop-after", "1s")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    match = ADDRESS.fullmatch(lines[0])
    assert match and int(match.group(1)) > 0 and len(match.group(2)) >= 43
    assert "WARNING" not in done.stderr


def test_serve_uses_the_token_file(tmp_db: Path, store: Store, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("fixed-token-of-the-group-1234567890\n")
    done = serve("--db", str(tmp_db), "--token-file", str(token), "--stop-after", "1s")
    assert done.stdout.strip().endswith("/?token=fixed-token-of-the-group-1234567890")


def test_another_host_is_warned_about(tmp_db: Path, store: Store) -> None:
    # 127.0.0.2 is still this computer, but it is not the default: the warning shows.
    done = serve("--db", str(tmp_db), "--host", "127.0.0.2", "--stop-after", "1s")
    assert done.returncode == 0, done.stderr
    assert ADDRESS.fullmatch(done.stdout.strip()) and "127.0.0.2" in done.stdout
    assert "NOT encrypted" in done.stderr and "HTTPS proxy" in done.stderr
    assert "README" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--idle-timeout", "soon"], "--idle-timeout: 'soon' is not a duration"),
        (["--max-sessions", "0"], "--max-sessions: give 1 or more"),
        (["--port", "70000"], "not a port"),
        (["--token-file", "/nonexistent/token"], "cannot read the token file"),
    ],
)
def test_bad_options_are_explained(
    tmp_db: Path, store: Store, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--db", str(tmp_db), *args]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_database_is_not_served(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--db", str(tmp_path / "none.json")]) != 0
    err = capsys.readouterr().err
    assert "no database at" in err and "create it first" in err
    # The demo command it suggests works as written (it once said 'pdsa demo --db PATH').
    suggested = re.search(r"'(pdsa demo [^']+)'", err)
    assert suggested is not None, err
    assert main(shlex.split(suggested.group(1))[1:]) == 0
    assert Store.open(tmp_path / "none.json", read_only=True).all(Aim)


def test_a_port_in_use_is_explained(tmp_db: Path, store: Store) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "pdsa_tui", "serve", "--db", str(tmp_db), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2 and f"port {port}" in done.stderr and "--port" in done.stderr
    assert done.stdout == ""


# -- nothing else loads it ------------------------------------------------------------------------
SERVER_MODULES = ("pdsa_tui.cli.cmd_serve", "pdsa_tui.serve", "textual_serve", "aiohttp", "jinja2")

FIRST_SCREEN = """
import sys
from pathlib import Path

from pdsa_tui.cli import parse_args
from pdsa_tui.ui.app import run

LATER = {later!r}


async def ready(pilot):
    await pilot.pause()
    print(type(pilot.app.screen).__name__, [m for m in LATER if m in sys.modules])
    pilot.app.exit()


run(Path(parse_args(["--db", sys.argv[1]]).db), headless=True, auto_pilot=ready, size=(100, 30))
"""


def test_the_first_screen_loads_no_web_server(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    """``pdsa`` start-up and its first screen import neither ``serve`` nor its libraries."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN.format(later=SERVER_MODULES), str(tmp_db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert out.strip().splitlines()[-1] == "OverviewScreen []"


def test_other_subcommands_load_no_web_server() -> None:
    """Building the full parser (any subcommand) imports cmd_serve's options only."""
    code = (
        "import sys; from pdsa_tui.cli import parse_args; parse_args(['list', 'aims']); "
        f"print([m for m in {SERVER_MODULES[1:]!r} if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
