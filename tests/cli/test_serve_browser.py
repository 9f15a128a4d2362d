"""``pdsa serve`` in a real browser: Debian's Chromium driven by selenium (chromedriver).

One server (``pdsa serve`` as a user runs it, on a demo copy, stopping by itself if the
test process dies) and up to three browsers per test, all stopped by the fixtures. What
the app draws is read from the websocket frames the browser received (Chrome's
performance log), with the terminal escapes taken out.

Skipped, with the reason, where Chromium, chromedriver or selenium is missing. CI installs
Debian's ``chromium`` and ``chromium-driver``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "Chromium and chromedriver are not installed (Debian: apt-get install chromium "
        "chromium-driver)",
        allow_module_level=True,
    )

from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

#: The flags that let Chromium run here (root, no GPU, a closed network).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)
TOKEN = "browser-test-token-0123456789abcdefghij"
#: The demo's first aim's outcome measure (a ratio: numerator and denominator).
MEASURE = "% of children at home 2+ years with a routine audit reported"
#: Where screenshots go when a person wants to look at them (else the test's tmp folder).
SHOTS_ENV = "PDSA_SERVE_SCREENSHOTS"
#: Seconds a step may take on a loaded 2-core machine before the test gives up.
PATIENCE = 60.0
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


class Served:
    """``pdsa serve`` running in a subprocess on a demo copy."""

    def __init__(self, process: subprocess.Popen[str], url: str, db: Path) -> None:
        self.process = process
        self.url = url
        self.db = db
        self.base = url.split("?")[0].rstrip("/")

    def app_processes(self) -> int:
        """How many app processes the server is running now (its children)."""
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                count += 1
        return count


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A demo database served on a free port; stopped (and its apps) after the test."""
    db = tmp_path / "demo.json"
    subprocess.run(
        [sys.executable, "-m", "pdsa_tui", "demo", str(db)], check=True, capture_output=True
    )
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pdsa_tui",
            "serve",
            "--db",
            str(db),
            "--port",
            "0",
            "--token-file",
            str(token_file),
            "--stop-after",
            "10m",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/\?token={TOKEN}", url), url
        yield Served(process, url, db)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read() == ""  # the address was the one line on stdout
    errors = process.stderr.read()
    assert process.returncode == 0, errors
    assert "Browser One opened a session" in errors or "Visitor" in errors or "Exporter" in errors
    assert TOKEN not in errors  # the server's log names visitors, never the token


class Browser:
    """One headless Chromium with its own profile, reading the app's screen as text."""

    def __init__(self, profile: Path, downloads: Path) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        self.downloads = downloads
        self.text = ""
        self.statuses: dict[str, int] = {}

    def poll(self) -> None:
        """Take in what arrived: websocket frames (the screen) and HTTP statuses."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.webSocketFrameReceived":
                frame = params["response"]
                data = frame["payloadData"]
                if frame["opcode"] == 2:
                    data = base64.b64decode(data).decode("utf-8", "replace")
                self.text += _ESCAPES.sub("", data)
            elif method == "Network.responseReceived":
                self.statuses[params["response"]["url"]] = params["response"]["status"]

    def wait_for(self, *needles: str, since: int = 0) -> float:
        """Wait until the screen has drawn every one of ``needles``; the seconds it took."""
        start = time.monotonic()
        while True:
            self.poll()
            if all(n in self.text[since:] for n in needles):
                return time.monotonic() - start
            if time.monotonic() - start > PATIENCE:
                tail = self.text[-1500:]
                raise AssertionError(f"never drew {needles!r}; last drawn:\n{tail}")
            time.sleep(0.1)

    def mark(self) -> int:
        """Where the screen text is now: wait_for(since=mark) sees only what comes after."""
        self.poll()
        return len(self.text)

    def keys(self, *keys: str) -> None:
        """Type into the terminal (the app gets them as key presses)."""
        field = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        for key in keys:
            field.send_keys(key)
            time.sleep(0.15)  # one at a time, as a person types

    def open_app(self, url: str, name: str) -> float:
        """Open the address, give a name, wait for the first screen; seconds from opening."""
        start = time.monotonic()
        self.driver.get(url)
        field = self.driver.find_element(By.ID, "name")
        field.send_keys(name)
        field.submit()
        self.wait_for("Aims overview", "Needs attention")
        return time.monotonic() - start

    def screenshot(self, folder: Path, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        self.driver.save_screenshot(str(path))
        return path

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture
def browsers(tmp_path: Path) -> Iterator[Callable[[], Browser]]:
    """Start browsers on demand; every one is quit after the test."""
    started: list[Browser] = []

    def start() -> Browser:
        n = len(started)
        browser = Browser(tmp_path / f"profile-{n}", tmp_path / f"downloads-{n}")
        started.append(browser)
        return browser

    try:
        yield start
    finally:
        for browser in started:
            browser.quit()


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get(SHOTS_ENV) or tmp_path / "screenshots")


def points_on_disk(db: Path) -> list[dict[str, Any]]:
    """The measure's points as the CLI reads them from the file."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pdsa_tui",
            "data",
            "list",
            "--db",
            str(db),
            "--measure",
            MEASURE,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    points: list[dict[str, Any]] = json.loads(out)
    return points


def test_a_point_added_in_one_browser_is_in_the_file_and_live_in_another(
    served: Served, browsers: Callable[[], Browser], tmp_path: Path
) -> None:
    first = browsers()
    seconds = first.open_app(served.url, "Browser One")
    print(f"\nfrom opening the address to the first screen: {seconds:.1f} s")
    first.screenshot(shots(tmp_path), "overview.png")
    # The token has left the address bar (it is in an HttpOnly cookie).
    assert "token" not in first.driver.current_url
    assert first.driver.execute_script("return document.cookie") == ""

    second = browsers()
    second.open_app(served.url, "Browser Two")
    for browser in (first, second):  # Aim 1, then its first measure
        since = browser.mark()
        browser.keys(Keys.ENTER)
        # The aim screen's own footer: "Aim 1" is drawn on the overview too, and an Enter
        # sent before the aim screen is up could be lost on a busy machine.
        browser.wait_for("A Edit aim", since=since)
        since = browser.mark()
        browser.keys(Keys.ENTER)
        browser.wait_for("a Add", since=since)
    assert served.app_processes() == 2  # one app per visitor
    before = points_on_disk(served.db)

    since = first.mark()
    first.keys("a")
    first.wait_for("Add a point", since=since)
    since = first.mark()
    first.keys("7", Keys.TAB, "9")
    first.wait_for("9", since=since)
    first.screenshot(shots(tmp_path), "form.png")
    watching = second.mark()
    first.keys(Keys.ENTER)

    def saved() -> list[dict[str, Any]]:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            points = points_on_disk(served.db)
            if len(points) > len(before):
                return points
            time.sleep(0.5)
        raise AssertionError("the point never reached the file")

    new = [p for p in saved() if p not in before]
    assert len(new) == 1 and (new[0]["numerator"], new[0]["denominator"]) == (7, 9)
    # The second browser is told and redraws the measure, as a second terminal would.
    second.wait_for("1 change from another copy", f"{len(before) + 1} points", since=watching)


def test_refusals_in_the_browser(served: Served, browsers: Callable[[], Browser]) -> None:
    browser = browsers()
    browser.driver.get(served.base + "/")
    assert "needs its token" in browser.driver.find_element(By.TAG_NAME, "body").text
    browser.driver.get(served.base + "/?token=" + TOKEN[:-1] + "X")
    assert "wrong token" in browser.driver.find_element(By.TAG_NAME, "body").text
    browser.poll()
    assert browser.statuses[served.base + "/"] == 401
    assert browser.statuses[served.base + "/?token=" + TOKEN[:-1] + "X"] == 403
    assert served.app_processes() == 0

    # With the right token (so the cookie is set), a page on another origin of this very
    # host (same site, so the cookie would go along) may not open the app's websocket.
    browser.open_app(served.url, "Visitor")
    assert served.app_processes() == 1
    with foreign_page() as foreign:
        browser.driver.get(foreign)
        code = browser.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            const socket = new WebSocket(arguments[0]);
            socket.onopen = () => done("opened");
            socket.onclose = (event) => done(event.code);
            """,
            served.base.replace("http://", "ws://") + "/ws",
        )
    assert code == 1006  # the handshake was refused
    messages = " ".join(entry["message"] for entry in browser.driver.get_log("browser"))
    assert "403" in messages
    assert served.app_processes() <= 1  # the first tab's app may still be stopping


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><title>another site</title><p>elsewhere</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class foreign_page:
    """A page served from another port of 127.0.0.1 while the block runs."""

    def __enter__(self) -> str:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def test_an_export_downloads_to_the_browser(
    served: Served, browsers: Callable[[], Browser]
) -> None:
    browser = browsers()
    browser.open_app(served.url, "Exporter")
    since = browser.mark()
    browser.keys("x")
    browser.wait_for("downloads it to your browser", since=since)
    browser.keys(Keys.ENTER)
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        done = [p for p in browser.downloads.glob("*.html")]
        if done:
            break
        time.sleep(0.2)
    assert done, "no file downloaded"
    text = done[0].read_text(encoding="utf-8")
    assert text.lstrip().startswith("<!DOCTYPE html>") and "Aim 1" in text
    assert not list(Path.cwd().glob("aim-1*.html"))  # not written where the server runs
