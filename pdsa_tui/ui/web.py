"""What the app does differently when served to a browser (``pdsa serve``).

There is no terminal and no file system of the visitor's to write to: exports download
to the browser, and what needs a real terminal says so instead of failing silently.
"""

from __future__ import annotations

import io
import os

from textual.app import App

#: Set by ``pdsa serve`` to "0" when the page's address cannot use the clipboard.
CLIPBOARD_ENV = "PDSA_WEB_CLIPBOARD"


def deliver_export(app: App[object], name: str, text: str | bytes) -> str:
    """Send an export to the visitor's browser as a download; the message to show."""
    if isinstance(text, bytes):  # Word and PDF
        app.deliver_binary(io.BytesIO(text), save_filename=name)
    else:
        app.deliver_text(io.StringIO(text), save_filename=name, encoding="utf-8")
    return f"{name} is downloading to your browser (see its downloads)"


def clipboard_refused() -> bool:
    """Whether the browser cannot take copied text (an address that is not https)."""
    return os.environ.get(CLIPBOARD_ENV) == "0"


CLIPBOARD_MESSAGE = (
    "The browser lets pages copy only on an https address or on the server's own computer. "
    "Select the text with the mouse while holding shift, then use the browser's Copy."
)
