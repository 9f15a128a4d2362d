"""A box of text that scrolls when it is longer than its room, instead of being cut.

A summary or a verdict capped at a few lines (so that a list keeps its room at 80x24)
would otherwise lose its last lines without a sign. In a ``ScrollBox`` a scroll bar
shows, the mouse wheel scrolls it, and it can take the focus (tab) only while there is
more to see, so the arrow keys reach the rest; otherwise tab passes it by.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll


class ScrollBox(VerticalScroll):
    """Text (a ``Static`` inside) that scrolls when it overflows; focusable only then."""

    DEFAULT_CSS = """
    ScrollBox { height: auto; }
    ScrollBox > Static { height: auto; }
    ScrollBox:focus { background-tint: $foreground 5%; outline-left: thick $accent; }
    """

    BINDINGS = [
        Binding("up", "scroll_up", "Scroll up", show=False, id="scrollbox.up"),
        Binding("down", "scroll_down", "Scroll down", show=False, id="scrollbox.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="scrollbox.pageup"),
        Binding("pagedown", "page_down", "Page down", show=False, id="scrollbox.pagedown"),
        Binding("home", "scroll_home", "Top", show=False, id="scrollbox.home"),
        Binding("end", "scroll_end", "Bottom", show=False, id="scrollbox.end"),
    ]

    def allow_focus(self) -> bool:
        """Only while some of the text is out of view: tab passes a box that shows it all."""
        return self.max_scroll_y > 0
