"""The header: one widget drawing the icon, the title and the clock's space in one line.

Textual's ``Header`` is four widgets (the header, its icon, title and clock space), each
styled, laid out and drawn on every screen; on the first screen they cost more than the
line they show. This header draws the same line itself: the command palette's icon at
the left (a click opens the palette; it lights up under the mouse), the screen's title
and the file's name centred, and the clock's space at the right. A click elsewhere makes
it taller or short again, as Textual's does. On a narrow terminal the file's name goes
first, then the title is shortened at a word, never cut mid-word.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.color import Color
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from pdsa_tui.ui.textfit import shorten_at_word

#: The icon's columns (Textual's: the icon after one space, 8 wide).
ICON_WIDTH = 8

#: The header's columns that are not the title's: the icon (8) and the clock's space (10).
HEADER_SIDES = ICON_WIDTH + 10


def _background(strip: Strip) -> Strip:
    """``strip`` with its background alone (no text colour or attributes)."""
    return Strip(
        Segment(text, RichStyle(bgcolor=style.bgcolor) if style is not None else None)
        for text, style, _ in strip
    )


class PdsaHeader(Widget):
    """The screen's title and the file's name over the screen, in one widget."""

    DEFAULT_CSS = """
    PdsaHeader {
        dock: top;
        width: 100%;
        background: $panel;
        color: $foreground;
        height: 1;
    }
    PdsaHeader.-tall {
        height: 3;
    }
    """

    #: The command palette's icon, at the left.
    ICON = "⭘"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Whether the mouse is over the icon (then drawn lit, with its tooltip).
        self._over_icon = False

    def _on_mount(self, event: events.Mount) -> None:
        # A new title or file name is a new line of text: drawn again, never laid out.
        for owner in (self.app, self.screen):
            self.watch(owner, "title", self._title_changed, init=False)
            self.watch(owner, "sub_title", self._title_changed, init=False)

    def _title_changed(self) -> None:
        self.refresh()

    @property
    def screen_title(self) -> str:
        """The screen's title, else the app's."""
        title = self.screen.title
        return title if title is not None else self.app.title

    @property
    def screen_sub_title(self) -> str:
        """The screen's sub-title, else the app's (the file's name)."""
        sub = self.screen.sub_title
        return sub if sub is not None else self.app.sub_title

    def format_title(self) -> Content:
        """The title and sub-title, or as much of them as fits the header's line."""
        title, sub = self.screen_title, self.screen_sub_title
        full = self.app.format_title(title, sub)
        room = self.size.width - HEADER_SIDES
        if self.size.width <= 0 or full.cell_length <= room:
            return full
        if cell_len(title) <= room:
            return self.app.format_title(title, "")
        return self.app.format_title(shorten_at_word(title, max(room, 1)), "")

    def render(self) -> Content:
        width = self.size.width
        room = max(width - HEADER_SIDES, 0)
        title = self.format_title().rstrip().truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        title = title.pad(left, max(width - ICON_WIDTH - left - title.cell_length, 0))
        icon, space = Content(f" {self.ICON}".ljust(ICON_WIDTH)), Content(" " * ICON_WIDTH)
        if self._over_icon:
            lit = Style(background=self._lit_background())
            icon, space = icon.stylize(lit), space.stylize(lit)
        if self.has_class("-tall"):
            # As Textual's: the title on the top line, the icon on the middle one.
            blank = Content(" " * (width - ICON_WIDTH))
            return Content("\n").join([space + title, icon + blank, space + blank])
        return icon + title

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        width = line.cell_length
        if self.has_class("-tall") or width <= HEADER_SIDES:
            return line
        # As Textual's header draws them, the icon's padding and the clock's space are
        # background alone, with no text colour: invisible, but a terminal copy keeps it.
        pad, icon, gap, title, clock = line.divide(
            [1, ICON_WIDTH - 1, ICON_WIDTH, width - 10, width]
        )
        return Strip.join([_background(pad), icon, _background(gap), title, _background(clock)])

    def _lit_background(self) -> Color:
        """The icon's background under the mouse: the header's, 10% towards the text."""
        foreground = Color.parse(self.app.theme_variables.get("foreground", "white"))
        return self.styles.background + foreground.with_alpha(0.1)

    def _over(self, x: int) -> bool:
        return 0 <= x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self._over(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover(False)

    def _hover(self, over: bool) -> None:
        if over != self._over_icon:
            self._over_icon = over
            self.tooltip = "Open the command palette" if over else None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        """The icon opens the command palette; elsewhere the header grows or shrinks."""
        event.stop()
        if self._over(event.x):
            await self.run_action("app.command_palette")
        else:
            self.toggle_class("-tall")
