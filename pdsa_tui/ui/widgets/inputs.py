"""The text inputs every pdsa form uses: typing into a pre-filled field replaces it.

A short field entered by tab, by a click or by the app selects all its text, so
typing "monthly" over "monthly" gives "monthly", not "monthlymonthly" (a click
into a field that already has the cursor places it, as usual). A multi-line
field puts the cursor at the end of its text instead: its text is added to, not
replaced. A tick box says ticked or not in its characters, not only its colour.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import Checkbox, Input, TextArea


class TextInput(Input):
    """A one-line input that selects its text when entered (keyboard, click or code)."""

    def __init__(self, value: str | None = None, **kwargs: object) -> None:
        kwargs.setdefault("select_on_focus", True)
        super().__init__(value, **kwargs)  # type: ignore[arg-type]
        #: The click that is focusing this input selects all (it comes after the focus).
        self._select_on_click = False

    def focus_on_click(self) -> bool:
        self._select_on_click = not self.has_focus
        return super().focus_on_click()

    def on_click(self, event: events.Click) -> None:
        if self._select_on_click:
            self._select_on_click = False
            # A drag selected something on purpose: keep it.
            if self.selection.is_empty:
                self.select_all()

    def _on_blur(self, event: events.Blur) -> None:
        self._select_on_click = False


class TextBox(TextArea):
    """A multi-line field: entering it puts the cursor after its text."""

    def _on_focus(self, event: events.Focus) -> None:
        if not event.from_app_focus:
            # A click then moves the cursor where it landed (its event comes after this).
            self.move_cursor(self.document.end)

    def _on_resize(self) -> None:
        # Textual's TextArea rewraps its text on a resize (its own handler, called as well)
        # but does not repaint: a field narrowed by a scroll bar appearing kept the lines
        # wrapped at the old width until something else repainted it.
        self.refresh()


class TickBox(Checkbox):
    """A checkbox that reads "[x]" when ticked and "[ ]" when not, without colour.

    Textual's draws "▐X▌" either way (only the colour differs), so a plain-text capture,
    a screen reader, a monochrome terminal or ``NO_COLOR`` read an unticked box as ticked.
    """

    # The focus shows without colour too (NO_COLOR, a monochrome terminal): underlined.
    DEFAULT_CSS = """
    TickBox:focus > .toggle--label { text-style: bold underline; }
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")
