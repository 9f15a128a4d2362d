"""A line filter that makes control characters visible in everything the TUI draws.

Widgets are meant to get user text through :func:`visible` already; this is the
net under them (an Input's value, a toast, a title), so no ESC or C1 control in a
record ever reaches the terminal. A stand-in is one cell wider than the control
it replaces (which has no width), so the line is cut back to its width.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter
from textual.strip import Strip

from pdsa_tui.model.safetext import CONTROL, visible


class VisibleControls(LineFilter):
    """Replace control characters in drawn text with visible stand-ins."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(not seg.control and CONTROL.search(seg.text) for seg in segments):
            return segments
        width = sum(cell_len(seg.text) for seg in segments if not seg.control)
        shown = [seg if seg.control else Segment(visible(seg.text), seg.style) for seg in segments]
        return list(Strip(shown).crop(0, width))
