"""User text made safe to show on a terminal: control characters made visible.

Text is stored and exported exactly as typed; only what is *shown* (the TUI,
command output, messages) goes through :func:`visible`, so an ESC in a note can
never move the cursor, set the window title or write the clipboard (OSC 52).
"""

from __future__ import annotations

import re

#: C0 controls (except tab and newline), DEL and the C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC -> U+241B ␛
    # DEL and C1 have no pictures: their escape, e.g. \u009b for CSI. Raw C0 never
    # appears in JSON output, and \u009b is how JSON spells CSI: so the same helper
    # can filter JSON on its way to a terminal without changing the data.
    return f"\\u{code:04x}"


_TABLE = {c: _stand_in(chr(c)) for c in [*range(0x20), *range(0x7F, 0xA0)] if c not in (9, 10)}


def visible(text: str) -> str:
    """``text`` with every control character other than newline and tab shown as a stand-in.

    ESC becomes U+241B (␛), NUL U+2400 (␀), CR U+240D (␍); DEL and the C1 controls
    (such as CSI) their JSON-style escape, e.g. ``\\u009b``. Text without controls
    is returned as is.
    """
    if not CONTROL.search(text):
        return text
    return text.translate(_TABLE)
