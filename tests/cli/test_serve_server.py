"""``pdsa serve``'s locks, over real HTTP on 127.0.0.1 (a random free port).

Each visitor's app is a stand-in process here (it records who it runs as and waits to be
told to quit), so these tests are quick; the real app in a real browser is in
test_serve_browser.py. Every server is closed by its fixture, whatever the test does.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from pdsa_tui.serve import server as server_module
from pdsa_tui.serve.server import CLOSE_BUSY, CLOSE_IDLE, PdsaServer, ServeConfig

TOKEN = "t0k3n-for-the-tests-only-0123456789abcdef"
NAME = "Jo Bloggs (RO)"

#: A stand-in for the app: writes the name it saves as, says it is a Textual app, then
#: waits until the server closes its input (as it does when it stops a session).
STAND_IN = """
import os, sys
from pathlib import Path
folder = Path(sys.argv[1])
(folder / f"started-{os.getpid()}").write_text(os.environ.get("PDSA_USER", "<unset>"))
sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()
sys.stdin.buffer.read()
(folder / f"stopped-{os.getpid()}").write_text("")
"""


class Served:
    """A running server, a client that keeps cookies, and what the stand-in apps wrote."""

    def __init__(self, server: PdsaServer, client: TestClient[Any, Any], folder: Path) -> None:
        self.server = server
        self.client = client
        self.folder = folder

    def origin(self) -> str:
        return f"http://127.0.0.1:{self.client.port}"

    def started(self) -> list[str]:
        """The names the stand-in apps started as."""
        return sorted(p.read_text() for p in self.folder.glob("started-*"))

    def stopped(self) -> int:
        return len(list(self.folder.glob("stopped-*")))

    async def sign_in(self, name: str = NAME) -> str:
        """Open the address (token in it), then give a name, as a visitor does.

        Returns the cookie that keeps the name.
        """
        r = await self.client.get(f"/?token={TOKEN}")
        assert r.status == 200
        r = await self.client.post(
            "/name", data={"name": name}, headers={"Origin": self.origin()}, allow_redirects=False
        )
        assert r.status == 303 and r.headers["Location"] == "/"
        return str(r.headers["Set-Cookie"])

    async def websocket(self, **headers: str) -> aiohttp.ClientWebSocketResponse:
        return await self.client.ws_connect(
            "/ws?width=80&height=24", headers={"Origin": self.origin(), **headers}
        )


@asynccontextmanager
async def running(tmp_path: Path, **config: Any) -> AsyncIterator[Served]:
    folder = tmp_path / "apps"
    folder.mkdir()
    script = tmp_path / "stand_in.py"
    script.write_text(STAND_IN)
    settings: dict[str, Any] = {
        "db": tmp_path / "pdsa.json",
        "token": TOKEN,
        "port": 0,
        "app_argv": (sys.executable, str(script), str(folder)),
    }
    server = PdsaServer(ServeConfig(**{**settings, **config}))
    client: TestClient[Any, Any] = TestClient(TestServer(server.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        yield Served(server, client, folder)
    finally:
        await client.close()  # runs the server's shutdown: every session is stopped
    assert not server.sessions


async def eventually(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Whether ``check()`` holds within ``timeout`` seconds (processes start and stop)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


# -- refused: nothing runs ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/", "/name", "/ws", "/static/js/textual.js", "/download/x", "/nope"]
)
async def test_every_request_without_the_token_is_refused_with_401(
    tmp_path: Path, path: str
) -> None:
    async with running(tmp_path) as s:
        r = await s.client.get(path, headers={"Origin": s.origin()})
        assert r.status == 401
        assert "token" in await r.text()
        assert "Set-Cookie" not in r.headers
        assert s.server.started == 0 and s.started() == []


@pytest.mark.parametrize("path", ["/", "/ws", "/static/js/textual.js"])
async def test_a_wrong_token_in_the_address_or_the_cookie_is_refused_with_403(
    tmp_path: Path, path: str
) -> None:
    async with running(tmp_path) as s:
        wrong = TOKEN[:-1] + ("x" if TOKEN[-1] != "x" else "y")
        r = await s.client.get(f"{path}?token={wrong}")
        assert r.status == 403 and "Set-Cookie" not in r.headers
        r = await s.client.get(path, cookies={s.server.cookies.token: wrong})
        assert r.status == 403
        r = await s.client.get(f"{path}?token=")
        assert r.status == 403
        assert s.server.started == 0 and s.started() == []


async def test_the_websocket_without_the_token_starts_no_app(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await s.websocket()
        assert refused.value.status == 401
        await s.sign_in()
        s.client.session.cookie_jar.clear()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await s.websocket(Cookie=f"{s.server.cookies.token}=wrong")
        assert refused.value.status == 403
        assert s.server.started == 0 and s.started() == []


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", "null", ""])
async def test_the_websocket_from_another_origin_is_refused(tmp_path: Path, origin: str) -> None:
    async with running(tmp_path) as s:
        await s.sign_in()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await s.websocket(Origin=origin)
        assert refused.value.status == 403
        assert s.server.started == 0 and s.started() == []


async def test_the_websocket_needs_a_name_first(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        r = await s.client.get(f"/?token={TOKEN}")
        assert "Your name or initials" in await r.text()  # asked for before the app
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await s.websocket()
        assert refused.value.status == 403
        assert s.started() == []


# -- the token: once in the address, then a cookie ---------------------------------------------
async def test_the_token_becomes_an_httponly_strict_cookie(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        r = await s.client.get(f"/?token={TOKEN}")
        assert r.status == 200
        cookie = r.headers["Set-Cookie"]
        assert cookie.startswith(f"{s.server.cookies.token}={TOKEN};")
        attributes = {a.strip().split("=")[0].lower(): a for a in cookie.split(";")[1:]}
        assert "httponly" in attributes
        assert attributes["samesite"].strip() == "SameSite=Strict"
        assert attributes["path"].strip() == "Path=/"
        assert "max-age" not in attributes and "expires" not in attributes  # ends with the browser
        for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
            assert header in r.headers
        assert r.headers["Cache-Control"] == "no-store"
        # From now on the cookie alone lets this browser in; the address no longer has it.
        r = await s.client.get("/static/js/textual.js")
        assert r.status == 200
        r = await s.client.get("/name")
        assert r.status == 200 and "Set-Cookie" not in r.headers


async def test_the_page_script_takes_the_token_out_of_the_address_bar(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        await s.sign_in()
        r = await s.client.get("/pdsa-static/serve.js")
        assert "history.replaceState" in await r.text()
        page = await (await s.client.get("/")).text()
        assert "<script>" not in page  # no inline script: the policy forbids them
        assert "googleapis" not in page  # nothing is fetched from elsewhere


# -- names ---------------------------------------------------------------------------------------
async def test_the_name_is_kept_in_the_browser_and_given_to_the_app(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        cookie = await s.sign_in("  Jo   Bloggs (RO) ")
        assert cookie.startswith(f"{s.server.cookies.user}=Jo%20Bloggs%20%28RO%29;")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=31536000" in cookie
        page = await (await s.client.get("/")).text()
        assert "Jo Bloggs (RO)" in page and 'id="terminal"' in page
        ws = await s.websocket()
        assert await eventually(lambda: s.started() == [NAME])
        await ws.close()
        assert await eventually(lambda: s.stopped() == 1 and not s.server.sessions)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("   ", "Give your name"), ("x" * 41, "at most 40"), ("a\x1bb", "control character")],
)
async def test_an_unusable_name_is_explained_and_kept_on_screen(
    tmp_path: Path, typed: str, problem: str
) -> None:
    async with running(tmp_path) as s:
        await s.client.get(f"/?token={TOKEN}")
        r = await s.client.post("/name", data={"name": typed}, headers={"Origin": s.origin()})
        assert r.status == 400
        page = await r.text()
        assert problem in page
        if typed.strip() and "\x1b" not in typed:
            assert f'value="{typed}"' in page


async def test_a_name_with_markup_is_escaped_in_the_page(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        await s.sign_in("<b>JB</b>")
        page = await (await s.client.get("/")).text()
        assert "&lt;b&gt;JB&lt;/b&gt;" in page and "<b>JB" not in page


async def test_a_name_posted_from_another_site_is_refused(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        await s.client.get(f"/?token={TOKEN}")
        r = await s.client.post(
            "/name", data={"name": "x"}, headers={"Origin": "http://evil.example"}
        )
        assert r.status == 403


# -- sessions: a cap, an idle timeout, always stopped --------------------------------------------
async def test_sessions_beyond_the_cap_are_turned_away_without_an_app(tmp_path: Path) -> None:
    async with running(tmp_path, max_sessions=2) as s:
        await s.sign_in()
        first, second = await s.websocket(), await s.websocket()
        assert await eventually(lambda: len(s.started()) == 2)
        third = await s.websocket()
        message = await third.receive(timeout=20)
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert message.data == CLOSE_BUSY and "2 sessions" in message.extra
        assert s.server.started == 2 and len(s.started()) == 2
        await first.close()
        assert await eventually(lambda: len(s.server.sessions) == 1)
        fourth = await s.websocket()  # a place is free again
        assert await eventually(lambda: len(s.started()) == 3)
        await fourth.close()
        await second.close()
        assert await eventually(lambda: s.stopped() == 3)


async def test_an_idle_session_is_warned_then_closed_and_its_app_stopped(tmp_path: Path) -> None:
    async with running(tmp_path, idle_seconds=1.0) as s:
        await s.sign_in()
        ws = await s.websocket()
        seen: list[Any] = []
        while True:
            message = await ws.receive(timeout=30)
            if message.type == aiohttp.WSMsgType.TEXT:
                seen.append(message.json())
                continue
            break
        assert any(m[0] == "pdsa_idle" for m in seen)  # the page shows a warning first
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == CLOSE_IDLE
        assert "without use" in message.extra and "saved is kept" in message.extra
        assert await eventually(lambda: s.stopped() == 1 and not s.server.sessions)


async def test_keys_keep_a_session_open(tmp_path: Path) -> None:
    async with running(tmp_path, idle_seconds=1.0) as s:
        await s.sign_in()
        ws = await s.websocket()
        for _ in range(8):  # two seconds of typing: longer than the idle time
            await ws.send_json(["stdin", "j"])
            await asyncio.sleep(0.25)
        assert not ws.closed and len(s.server.sessions) == 1
        await ws.close()


async def test_stopping_the_server_stops_every_app(tmp_path: Path) -> None:
    async with running(tmp_path) as s:
        await s.sign_in()
        await s.websocket()
        await s.websocket()
        assert await eventually(lambda: len(s.started()) == 2)
    assert s.stopped() == 2  # the fixture closed the server: both apps quit


async def test_an_app_that_ignores_quit_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "STOP_SECONDS", 0.5)
    script = tmp_path / "stubborn.py"
    script.write_text(
        "import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\ntime.sleep(600)\n"
    )
    async with running(tmp_path, app_argv=(sys.executable, str(script))) as s:
        await s.sign_in()
        ws = await s.websocket()
        assert await eventually(lambda: len(s.server.sessions) == 1 and s.server.started == 1)
        session = next(iter(s.server.sessions.values()))
        assert session.service is not None
        process = session.service._process
        assert process is not None
        await ws.close()
        assert await eventually(lambda: not s.server.sessions, timeout=30)
        assert process.returncode is not None
