"""The rules ``pdsa serve`` lets people in by: token, cookies, Origin, names, durations.

Plain functions with no web-server import, so they are cheap to test and to reason about.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

#: Random bytes in a generated token: 256 bits (the issue asks for at least 128).
TOKEN_BYTES = 32
#: The fewest characters a token from ``--token-file`` may have (about 128 bits of base64).
MIN_TOKEN_CHARS = 22
#: What a token may be made of: URL-safe, so it goes in the address unchanged.
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-.~]+")
#: The longest name a visitor may give (it is stored with every change they save).
MAX_NAME_CHARS = 40


class SetupError(ValueError):
    """A ``pdsa serve`` option that cannot be used (the message says why and what works)."""


def new_token() -> str:
    """A fresh random token for the address (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def read_token_file(path: Path) -> str:
    """The token kept in ``path`` (its first line, trimmed); SetupError if unusable."""
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError(f"cannot read the token file {path}: {exc}") from None
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise SetupError(f"the token file {path} is empty; put one random token in it")
    if not _TOKEN_CHARS.fullmatch(token):
        raise SetupError(
            f"the token in {path} has characters an address cannot carry; "
            "use letters, digits, - and _ (for example: python3 -c "
            "'import secrets; print(secrets.token_urlsafe(32))')"
        )
    if len(token) < MIN_TOKEN_CHARS:
        raise SetupError(
            f"the token in {path} is {len(token)} characters; use at least {MIN_TOKEN_CHARS} "
            "random ones (128 bits or more)"
        )
    return token


def same_token(given: str | None, token: str) -> bool:
    """Whether ``given`` is ``token``, compared in constant time (None is never)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a websocket's ``Origin`` is the page's own site (the ``Host`` it asked).

    The scheme is not compared: behind an HTTPS proxy the page is https while the
    request reaching pdsa is plain http (the proxy must pass the Host header on).
    """
    if not origin or not host or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        asked = urlsplit(f"//{host}")
        default = 443 if parts.scheme == "https" else 80
        return (
            parts.scheme in ("http", "https")
            and parts.hostname is not None
            and parts.hostname == asked.hostname
            and (parts.port or default) == (asked.port or default)
        )
    except ValueError:  # a malformed port
        return False


def secure_origin(origin: str | None) -> bool:
    """Whether a page at ``origin`` is a secure context (https, or this computer)."""
    if not origin:
        return False
    parts = urlsplit(origin)
    if parts.scheme == "https":
        return True
    return (parts.hostname or "") in ("localhost", "127.0.0.1", "::1") or (
        parts.hostname or ""
    ).startswith("127.")


def clean_name(raw: str | None) -> str:
    """A visitor's name as given (spaces collapsed); SetupError says what is wrong."""
    name = " ".join((raw or "").split())
    if not name:
        raise SetupError("Give your name or initials: they are saved with every change you make.")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise SetupError("Your name has a control character in it; type it with letters only.")
    if len(name) > MAX_NAME_CHARS:
        raise SetupError(
            f"That name is {len(name)} characters; use at most {MAX_NAME_CHARS} "
            "(initials or a role are fine)."
        )
    if not any(c.isalnum() for c in name):
        raise SetupError("Your name needs at least one letter or digit.")
    return name


_DURATION = re.compile(
    r"(?i)\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*"
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def parse_duration(text: str, option: str = "--idle-timeout", least: float = 10) -> float:
    """Seconds in ``90s``, ``30m``, ``2h`` or a plain number of minutes; SetupError if not."""
    match = _DURATION.fullmatch(text)
    if not match:
        raise SetupError(
            f"{option}: '{text}' is not a duration; use e.g. 30m, 2h or 90s "
            "(a plain number is minutes)"
        )
    unit = (match.group(2) or "m")[0].lower()
    seconds = float(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds < least:
        raise SetupError(f"{option}: give at least {describe_duration(least)}")
    return seconds


def describe_duration(seconds: float) -> str:
    """``30 minutes``, ``2 hours``, ``90 seconds``: for messages to visitors."""
    for size, unit in ((3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    n = round(seconds)
    return f"{n} second{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class Cookies:
    """The cookie names for one server (by port: two servers on one host do not clash)."""

    port: int

    @property
    def token(self) -> str:
        """Holds the token after the first visit (HttpOnly, SameSite=Strict)."""
        return f"pdsa_token_{self.port}"

    @property
    def user(self) -> str:
        """Holds the visitor's name (HttpOnly, SameSite=Strict, kept a year)."""
        return f"pdsa_user_{self.port}"
