"""The key footer: one line of the screen's keys, drawn as text, never rebuilt as widgets.

Textual's ``Footer`` recomposes a widget per key whenever the bindings change (focus
moves, a tab changes), several times per screen open; on a pdsa screen that cost more
than the screen's own content. This footer keeps one widget and redraws its line.
A click on a key presses it, as with Textual's footer.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.keys import key_to_character
from textual.screen import Screen
from textual.widget import Widget

from pdsa_tui.valueclass import value_class


@value_class(frozen=True)
class FooterItem:
    """One key as shown: what is pressed, its label, and whether it works now."""

    key: str
    display: str
    description: str
    enabled: bool


_DIM = Style(dim=True)


def _typed(key: str) -> bool:
    """Whether ``key`` types a character into a text field instead of reaching the screen."""
    char = key_to_character(key)
    return char is not None and char.isprintable()


def works_in_a_field(key: str) -> bool:
    """Whether ``key`` reaches the screen from a text field: a key with a modifier (alt+m)."""
    return "+" in key and not _typed(key)


def _takes_typing(widget: Widget | None) -> bool:
    """Whether ``widget`` is a text field (an Input or a TextArea, or a subclass).

    By class name: importing TextArea here would load it at start-up for every screen.
    """
    return widget is not None and any(
        c.__name__ in ("Input", "TextArea") for c in type(widget).__mro__
    )


class KeyFooter(Widget):
    """The active screen's keys in one line, the command palette's key at the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"footer-key--key", "footer-key--description"}

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[FooterItem] = []
        self.palette: FooterItem | None = None
        #: (first column, last column + 1, item) of each key drawn, for clicks.
        self._spans: list[tuple[int, int, FooterItem]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        items: list[FooterItem] = []
        where: dict[str, int] = {}
        palette: FooterItem | None = None
        typing = _takes_typing(screen.focused)
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            item = FooterItem(
                binding.key, self.app.get_key_display(binding), binding.description, enabled
            )
            if binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = item if self.app.ENABLE_COMMAND_PALETTE else None
                continue
            if not binding.show:
                continue
            # One entry per action, as Textual's footer shows it; but in a text field a
            # letter is typed, not pressed, so the action's other key (alt+m) is shown.
            k = where.get(binding.action)
            if k is None:
                where[binding.action] = len(items)
                items.append(item)
            elif typing and _typed(items[k].key) and works_in_a_field(binding.key):
                items[k] = item
        if items != self.items or palette != self.palette:
            self.items, self.palette = items, palette
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer-key--key")
        text_style = self.get_component_rich_style("footer-key--description")
        tail = Text()
        if self.palette is not None:
            # The palette's key stays in view at the right, as in Textual's footer.
            tail = Text.assemble(
                ("▏", "dim"),
                (self.palette.display, key_style),
                (f" {self.palette.description}", text_style),
            )
        room = self.size.width - tail.cell_len
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, FooterItem]] = []
        for n, item in enumerate(self.items):
            dim = Style() if item.enabled else _DIM
            piece = Text(item.display, key_style + dim)
            if item.description:
                piece.append(f" {item.description}", text_style + dim)
            # Whole keys only: one that does not fit is left out, never cut short ("x Expo").
            # A "…" says there are more (F1 lists every key).
            more = 2 if n < len(self.items) - 1 else 0
            if line.cell_len + piece.cell_len + more > room:
                line.append("…", text_style)
                break
            start = len(line)
            line.append_text(piece)
            spans.append((start, len(line), item))
            line.append(" ")
        if self.palette is not None:
            line.truncate(max(room, 0), pad=True)
            spans.append((len(line) + 1, len(line) + len(tail), self.palette))
            line.append_text(tail)
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, item in self._spans:
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return
