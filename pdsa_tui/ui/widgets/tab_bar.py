"""A row of tabs drawn by one widget.

Textual's ``TabbedContent`` builds about 25 widgets for five tabs (a widget per tab and
per pane, an underline, three containers), and every widget costs time when a screen
opens. :class:`TabBar` draws the same two lines (the labels, and a bar under them with the
shown tab's part lit) as one widget; the screen shows the pane that goes with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

#: The bar under the labels (as Textual's tabs draw it).
BAR, BAR_END, BAR_START = "━", "╸", "╺"


class TabBar(Widget, can_focus=True):
    """Tabs by key, each with a label; the shown one lit. Left/right or a click switch."""

    DEFAULT_CSS = """
    TabBar {
        width: 1fr;
        height: 2;
        & > .tab-bar--tab { color: $foreground 50%; }
        & > .tab-bar--active { color: $foreground; }
        & > .tab-bar--line { color: $foreground 10%; }
        & > .tab-bar--lit { color: $block-cursor-background; }
        &:focus {
            & > .tab-bar--line { color: $foreground 30%; }
            & > .tab-bar--active {
                text-style: $block-cursor-text-style;
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
        }
        &:ansi {
            & > .tab-bar--tab { text-style: dim; }
            & > .tab-bar--active { text-style: not dim bold; }
            & > .tab-bar--line { color: $border-blurred; }
        }
    }
    """

    COMPONENT_CLASSES = {"tab-bar--tab", "tab-bar--active", "tab-bar--line", "tab-bar--lit"}

    BINDINGS = [
        Binding("left", "step(-1)", "Previous tab", show=False, id="tab_bar.previous"),
        Binding("right", "step(1)", "Next tab", show=False, id="tab_bar.next"),
    ]

    ALLOW_SELECT = False

    class Activated(Message):
        """A tab was chosen (by key or click): the screen shows its pane."""

        def __init__(self, bar: TabBar, key: str) -> None:
            super().__init__()
            self.bar = bar
            self.key = key

        @property
        def control(self) -> TabBar:
            """The tab bar (for ``@on(TabBar.Activated, "#id")``)."""
            return self.bar

    def __init__(
        self, tabs: Iterable[tuple[str, str]], *, active: str, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        #: Key -> label, in order.
        self.labels = dict(tabs)
        if active not in self.labels:
            raise ValueError(f"no tab {active!r}")
        self._active = active

    @property
    def active(self) -> str:
        """The key of the tab shown."""
        return self._active

    @active.setter
    def active(self, key: str) -> None:
        # No message: whoever sets it shows the pane (the user's choices post one, _choose).
        if key not in self.labels:
            raise ValueError(f"no tab {key!r}")
        if key != self._active:
            self._active = key
            self.refresh()

    def _choose(self, key: str) -> None:
        """The user chose tab ``key``: light it, and tell the screen to show its pane."""
        if key != self._active:
            self.active = key
            self.post_message(self.Activated(self, key))

    def set_label(self, key: str, label: str) -> None:
        """Change the label of tab ``key``."""
        if self.labels[key] != label:
            self.labels[key] = label
            self.refresh()

    def _spans(self) -> list[tuple[str, int, int]]:
        """(key, first cell, cell after it) of each tab, a space either side of its label."""
        spans, x = [], 0
        for key, label in self.labels.items():
            width = cell_len(label) + 2
            spans.append((key, x, x + width))
            x += width
        return spans

    def render(self) -> Content:
        """The labels, and under them the bar with the shown tab's part lit."""
        width = self.size.width
        tab = self.get_visual_style("tab-bar--tab")
        active = self.get_visual_style("tab-bar--active")
        labels = Content.assemble(
            *[
                (f" {label} ", active if key == self._active else tab)
                for key, label in self.labels.items()
            ]
        )
        # Lit under the label, not the spaces either side of it.
        start, end = next((a + 1, b - 1) for key, a, b in self._spans() if key == self._active)
        end = min(end, width)
        line = self.get_visual_style("tab-bar--line")
        before = BAR * max(start - 1, 0) + (BAR_END if start > 0 else "")
        after = (BAR_START if end < width else "") + BAR * max(width - end - 1, 0)
        lit = self.get_visual_style("tab-bar--lit")
        bar = Content.assemble((before, line), (BAR * (end - start), lit), (after, line))
        return Content("\n").join([labels, bar])

    def key_at(self, x: int) -> str | None:
        """The key of the tab at column ``x`` of the bar, if any."""
        return next((key for key, a, b in self._spans() if a <= x < b), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is not None:
            self._choose(key)

    def action_step(self, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) tab, wrapping round."""
        keys = list(self.labels)
        self._choose(keys[(keys.index(self._active) + step) % len(keys)])
