"""A box of text that scrolls when it is longer than its room, instead of being cut.

A summary or a verdict capped at a few lines (so that a list keeps its room at 80x24)
would otherwise lose its last lines without a sign. In a ``ScrollBox`` a scroll bar
shows, the mouse wheel scrolls it, and it can take the focus (tab) only while there is
more to see, so the arrow keys reach the rest; otherwise tab passes it by.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual, visualize


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


class ScrollText(ScrollView, can_focus=True):
    """A :class:`ScrollBox` and its text in one widget: the text drawn line by line.

    It looks and scrolls as a ``ScrollBox`` holding a ``Static`` does (the same wrapping,
    scroll bar, keys and focus), for one widget instead of two to style, lay out and draw
    (a scrolling container and its text cost the first screen about 2 ms).
    """

    DEFAULT_CSS = """
    ScrollText { height: auto; overflow-x: hidden; overflow-y: auto; }
    ScrollText:focus { background-tint: $foreground 5%; outline-left: thick $accent; }
    """

    BINDINGS = ScrollBox.BINDINGS

    def __init__(self, text: str | Text = "", *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self._text = text
        #: The text's lines by the width they were wrapped to.
        self._lines: dict[int, list[Strip]] = {}

    def update(self, text: str | Text) -> None:
        """Show ``text`` (never parsed as markup)."""
        self._text = text
        self._lines.clear()
        if self.size:
            self.virtual_size = self._virtual_size(self.outer_size)
        self.refresh(layout=True)

    def render(self) -> str | Text:
        """The text shown (drawn by :meth:`render_line`)."""
        return self._text

    def notify_style_update(self) -> None:
        self._lines.clear()  # a new theme or style: drawn again in it
        super().notify_style_update()

    def allow_focus(self) -> bool:
        """Only while some of the text is out of view, as a ``ScrollBox``."""
        return self.max_scroll_y > 0

    def _wrapped(self, width: int) -> list[Strip]:
        """The text's lines at ``width`` cells, wrapped as a ``Static`` wraps them."""
        lines = self._lines.get(width)
        if lines is None:
            visual = visualize(self, self._text, markup=False)
            lines = Visual.to_strips(self, visual, width, None, self.visual_style)
            self._lines[width] = lines
        return lines

    def _virtual_size(self, size: Size) -> Size:
        """The text's size in a widget of ``size`` (its padding included): narrower by the
        scroll bar when the lines are more than its height, as in a ``ScrollBox``."""
        gutter = self.styles.gutter
        width, height = size.width - gutter.width, size.height - gutter.height
        lines = len(self._wrapped(max(width, 0)))
        if lines > height and self.styles.overflow_y != "hidden":
            width -= self.styles.scrollbar_size_vertical
            lines = len(self._wrapped(max(width, 0)))
        return Size(max(width, 0), lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._wrapped(width))

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The text measured at the new size in the layout pass itself, before the scroll
        # bar is decided on it.
        self.set_reactive(ScrollText.virtual_size, self._virtual_size(size))
        return super()._size_updated(size, virtual_size, container_size, layout)

    def render_line(self, y: int) -> Strip:
        width = self.virtual_size.width
        lines = self._wrapped(width)
        index = y + int(self.scroll_offset.y)
        if index < len(lines):
            return lines[index]
        return Strip.blank(width, self.visual_style.rich_style)
