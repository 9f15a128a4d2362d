"""The web server of ``pdsa serve``: textual-serve's, with the doors locked.

textual-serve (one app process per visitor over a websocket, downloads, its terminal
page) is subclassed, not copied. What is added: every request must carry the token
(in the address once, then in an HttpOnly SameSite=Strict cookie; 401 without, 403 when
wrong, before any handler runs); the websocket checks Origin and the visitor's name;
sessions are capped and end after a set idle time; the app processes are started
without a shell and always stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from pdsa_tui.serve.security import (
    Cookies,
    SetupError,
    clean_name,
    describe_duration,
    same_origin,
    same_token,
    secure_origin,
)

log = logging.getLogger("pdsa.serve")

HERE = Path(__file__).parent
#: Seconds an app process has to quit when asked before it is killed.
STOP_SECONDS = 5.0
#: Websocket close codes the page explains (4000-4999 are the application's own).
CLOSE_IDLE = 4000
CLOSE_BUSY = 1013  # "try again later"
CLOSE_STOPPING = 1001  # "going away"
#: Sent on every response: no caching of pages about children, no framing, no referrer.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}
REFUSED_MISSING = (
    "pdsa: this address needs its token. Open the full address that 'pdsa serve' printed "
    "(http://HOST:PORT/?token=...).\n"
)
REFUSED_WRONG = "pdsa: wrong token. Open the full address that 'pdsa serve' printed.\n"


@dataclass(frozen=True)
class ServeConfig:
    """What ``pdsa serve`` was asked for."""

    db: Path
    token: str
    host: str = "127.0.0.1"
    port: int = 8000
    idle_seconds: float = 30 * 60
    max_sessions: int = 8
    read_only: bool = False
    #: The app process's command (tests give a stand-in); None: ``pdsa --db DB``.
    app_argv: tuple[str, ...] | None = None

    def argv(self) -> list[str]:
        """The command that runs one visitor's app (no shell: nothing is quoted or parsed)."""
        if self.app_argv is not None:
            return list(self.app_argv)
        argv = [sys.executable, "-m", "pdsa_tui", "--db", str(self.db)]
        return [*argv, "--read-only"] if self.read_only else argv


class PdsaAppService(AppService):
    """One visitor's app process, started without a shell, as the visitor, always stopped."""

    def __init__(self, argv: list[str], *, user: str, clipboard: bool, **kw: Any) -> None:
        super().__init__(" ".join(argv), **kw)
        self.argv = argv
        self.user = user
        self.clipboard = clipboard

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        # Who saves: the name the visitor gave, never the server's login.
        env["PDSA_USER"] = self.user
        env["PDSA_WEB_CLIPBOARD"] = "1" if self.clipboard else "0"
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not within :data:`STOP_SECONDS`."""
        task, process = self._task, self._process
        if task is None or process is None:
            return
        self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        with contextlib.suppress(Exception):
            self.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, STOP_SECONDS)


@dataclass
class Session:
    """One open websocket and its app process."""

    websocket: web.WebSocketResponse
    user: str
    last_input: float = field(default_factory=time.monotonic)
    service: PdsaAppService | None = None


class PdsaServer(Server):
    """textual-serve's server behind the token, the Origin check, the cap and the idle timer."""

    def __init__(self, config: ServeConfig) -> None:
        super().__init__(
            "pdsa", host=config.host, port=config.port, title="pdsa", public_url="http://pdsa"
        )
        self.config = config
        self.cookies = Cookies(config.port)
        self.sessions: dict[str, Session] = {}
        #: App processes started since the server began (the tests count them).
        self.started = 0
        self._ending: set[asyncio.Future[None]] = set()
        self._templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True
        )

    # -- the web application -------------------------------------------------------------
    def make_app(self) -> web.Application:
        """The aiohttp application: every route behind :meth:`guard`."""
        app = web.Application(middlewares=[self.guard])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/name", self.handle_name_form, name="name"),
                web.post("/name", self.handle_name_post),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
                web.static("/pdsa-static", HERE / "static", name="pdsa-static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def _make_app(self) -> web.Application:
        return self.make_app()

    @web.middleware
    async def guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Refuse any request without the right token (401 missing, 403 wrong).

        The token comes in the address once; it is then kept in a cookie that scripts
        cannot read and that other sites' pages never send.
        """
        in_address = request.query.get("token")
        given = in_address if in_address is not None else request.cookies.get(self.cookies.token)
        if given is None:
            raise self._refusal(web.HTTPUnauthorized, REFUSED_MISSING)
        if not same_token(given, self.config.token):
            raise self._refusal(web.HTTPForbidden, REFUSED_WRONG)
        response = await handler(request)
        if not response.prepared:
            response.headers.update(SECURITY_HEADERS)
            if in_address is not None:
                response.set_cookie(
                    self.cookies.token,
                    self.config.token,
                    httponly=True,
                    samesite="Strict",
                    path="/",
                    secure=request.secure,
                )
        return response

    @staticmethod
    def _refusal(kind: type[web.HTTPException], text: str) -> web.HTTPException:
        return kind(text=text, headers=SECURITY_HEADERS)

    # -- pages ---------------------------------------------------------------------------
    def _page(self, template: str, status: int = 200, **context: Any) -> web.Response:
        html = self._templates.get_template(template).render(**context)
        return web.Response(text=html, content_type="text/html", status=status)

    def visitor(self, request: web.Request) -> str | None:
        """The name this browser gave, or None if it has given none (or an unusable one)."""
        raw = request.cookies.get(self.cookies.user)
        if raw is None:
            return None
        try:
            return clean_name(unquote(raw))
        except SetupError:
            return None

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The app's page; first, the visitor's name if this browser has not given it."""
        user = self.visitor(request)
        if user is None:
            return self._page("name.html", name="", problem="", first=True)
        font_size = max(8, min(40, to_int(request.query.get("fontsize", "16"), 16)))
        return self._page("app.html", user=user, font_size=font_size, db=self.config.db.name)

    async def handle_name_form(self, request: web.Request) -> web.StreamResponse:
        """The form to give (or change) the name saved with this visitor's changes."""
        return self._page("name.html", name=self.visitor(request) or "", problem="", first=False)

    async def handle_name_post(self, request: web.Request) -> web.StreamResponse:
        """Keep the name in this browser (a cookie), then open the app."""
        origin = request.headers.get("Origin")
        if origin is not None and not same_origin(origin, request.host):
            raise self._refusal(web.HTTPForbidden, "pdsa: a form from another site.\n")
        form = await request.post()
        raw = form.get("name")
        typed = raw if isinstance(raw, str) else ""
        try:
            name = clean_name(typed)
        except SetupError as exc:
            return self._page("name.html", status=400, name=typed, problem=str(exc), first=False)
        response = web.HTTPSeeOther("/")
        response.set_cookie(
            self.cookies.user,
            quote(name),
            httponly=True,
            samesite="Strict",
            path="/",
            max_age=365 * 24 * 3600,
            secure=request.secure,
        )
        response.headers.update(SECURITY_HEADERS)
        raise response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """An export delivered by a visitor's app (the file name quoted properly)."""
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="pdsa: that download has finished or expired.\n") from None
        response = web.StreamResponse(headers=SECURITY_HEADERS)
        content_type = meta.mime_type or "application/octet-stream"
        if meta.encoding:
            content_type += f"; charset={meta.encoding}"
        response.headers["Content-Type"] = content_type
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        ascii_name = meta.file_name.encode("ascii", "replace").decode().replace('"', "'")
        response.headers["Content-Disposition"] = (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(meta.file_name)}"
        )
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    # -- the websocket: one app process per visitor --------------------------------------
    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Check Origin and name, then run one app process for this browser tab."""
        origin = request.headers.get("Origin")
        if not same_origin(origin, request.host):
            raise self._refusal(
                web.HTTPForbidden, "pdsa: this page may not be opened from there.\n"
            )
        user = self.visitor(request)
        if user is None:
            raise self._refusal(web.HTTPForbidden, "pdsa: give your name first (open /).\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        if len(self.sessions) >= self.config.max_sessions:
            await websocket.prepare(request)
            n = self.config.max_sessions
            await websocket.close(
                code=CLOSE_BUSY,
                message=f"The server already has {n} sessions open; try again later.".encode(),
            )
            return websocket
        session_id = uuid.uuid4().hex
        session = Session(websocket, user)
        self.sessions[session_id] = session  # before any await: the cap cannot be overrun
        watcher: asyncio.Task[None] | None = None
        try:
            await websocket.prepare(request)
            service = PdsaAppService(
                self.config.argv(),
                user=user,
                clipboard=secure_origin(origin),
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
            )
            session.service = service
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            await service.start(width, height)
            self.started += 1
            log.info("%s opened a session (%d open)", user, len(self.sessions))
            watcher = asyncio.create_task(self._watch_idle(session))
            await self._read_browser(websocket, service, session)
        except asyncio.CancelledError:
            pass
        except Exception:  # a broken session must not take the server down
            log.exception("session %s failed", session_id[:8])
        finally:
            if watcher is not None:
                watcher.cancel()
            # aiohttp cancels this handler when the browser goes: the app is stopped in a
            # task of its own, which that cancellation cannot interrupt.
            ending = asyncio.ensure_future(self._end_session(session_id, session))
            self._ending.add(ending)
            ending.add_done_callback(self._ending.discard)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(ending)
        return websocket

    async def _end_session(self, session_id: str, session: Session) -> None:
        """Stop the session's app (killed if it will not quit) and close its websocket."""
        try:
            if session.service is not None:
                await session.service.stop()
            with contextlib.suppress(Exception):
                await session.websocket.close()
        finally:
            self.sessions.pop(session_id, None)
            log.info("%s's session ended (%d open)", session.user, len(self.sessions))

    async def _read_browser(
        self, websocket: web.WebSocketResponse, service: AppService, session: Session
    ) -> None:
        """Pass keys, mouse and resizes to the app; keys and mouse count as use."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                session.last_input = time.monotonic()
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    to_int(str(data.get("width")), 80), to_int(str(data.get("height")), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def _watch_idle(self, session: Session) -> None:
        """End the session after the idle time; warn the page shortly before."""
        limit = self.config.idle_seconds
        warn_before = min(120.0, limit / 5)
        warned = False
        while True:
            left = limit - (time.monotonic() - session.last_input)
            if left <= 0:
                await session.websocket.close(
                    code=CLOSE_IDLE,
                    message=(
                        f"Closed after {describe_duration(limit)} without use. "
                        "Everything saved is kept."
                    ).encode(),
                )
                return
            if left <= warn_before and not warned:
                warned = True
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await session.websocket.send_json(["pdsa_idle", round(left)])
            elif left > warn_before:
                warned = False
            await asyncio.sleep(left - warn_before if left > warn_before else left)

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every session (their handlers then stop the app processes)."""
        for session in list(self.sessions.values()):
            with contextlib.suppress(Exception):
                await session.websocket.close(code=CLOSE_STOPPING, message=b"The server stopped.")
        deadline = time.monotonic() + STOP_SECONDS * 3
        while (self.sessions or self._ending) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)


def address(host: str, port: int, token: str) -> str:
    """The one address to open: ``http://HOST:PORT/?token=TOKEN``."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/?token={token}"


async def serve(
    config: ServeConfig,
    *,
    stop_after: float | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Run the server until SIGINT/SIGTERM (or ``stop_after`` seconds); then stop everything.

    ``on_ready(port)`` is called once it listens (with the real port when 0 was asked).
    """
    import signal

    server = PdsaServer(config)
    runner = web.AppRunner(server.make_app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port, shutdown_timeout=STOP_SECONDS)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    port = config.port
    sockets = getattr(site._server, "sockets", None) or []
    if sockets:
        port = sockets[0].getsockname()[1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    if on_ready is not None:
        on_ready(port)
    # stdout has its one address line: textual-serve writes an app's error output there,
    # so from now on that goes to stderr with the rest of the server's messages.
    sys.stdout.flush()
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        if stop_after is None:
            await stop.wait()
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), stop_after)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signum)
        await runner.cleanup()
        sys.stdout = stdout
