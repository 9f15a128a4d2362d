"""Settle a conflict on a text field by editing one text that starts from both values.

The text area starts with the values in the conflicts screen's order, separated by a
blank line (one-line fields: by " / "), and nothing else: no markers to delete, so
saving it untouched keeps both texts, and editing is only ever about the words. Who
wrote each value, and when, is listed above the text area with its opening words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from pdsa_tui.model import ValidationError
from pdsa_tui.model.safetext import visible
from pdsa_tui.store import StoreError
from pdsa_tui.ui import styles
from pdsa_tui.ui.dialogs.modals import dismiss_unless_typed
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.inputs import TextBox


def starting_text(values: Sequence[object], *, one_line: bool) -> str:
    """Both (or every) value in order, blank ones left out: the text the person edits."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    return (" / " if one_line else "\n\n").join(texts)


def opening_words(value: object, width: int = 40) -> str:
    """The start of a value on one line, to tell which part of the text it is."""
    if not isinstance(value, str) or not value.strip():
        return "(empty)"
    flat = visible(" ".join(value.split()))
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class CombineScreen(ModalScreen[str | None]):
    """One text made from a conflict's values; ctrl+s saves it, esc cancels.

    ``save(text)`` stores it and settles the conflict; a :class:`ValidationError` or
    :class:`StoreError` it raises is shown here, with the typing kept.
    """

    CSS_PATH = styles.path("combine.tcss")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="combine.save"),
        Binding("escape", "cancel", "Cancel", id="combine.cancel"),
        Binding("f1", "app.help", "Help", key_display="F1", id="combine.help"),
    ]
    #: What F1 says about this dialog.
    ABOUT = (
        "Edit the text into what both copies meant: ctrl+s saves it as the field's value and "
        "settles the conflict; escape cancels and nothing changes."
    )

    def __init__(
        self,
        title: str,
        sources: Sequence[str],
        text: str,
        save: Callable[[str], object],
        *,
        one_line: bool = False,
    ) -> None:
        super().__init__()
        self.one_line = one_line
        self.title_text = title
        self.sources = list(sources)
        self.text = text
        self._save = save

    def compose(self) -> ComposeResult:
        # A one-line field (a title) gets a small dialog: there is one line to edit.
        with Vertical(classes="dialog combine" + (" one-line" if self.one_line else "")):
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static(Text("Starts from:\n" + "\n".join(self.sources)), classes="form-intro")
            yield TextBox(self.text, id="combine-text", soft_wrap=True)
            yield Static("", id="combine-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        box = self.query_one("#combine-text", TextBox)
        box.focus()
        box.move_cursor((0, 0))

    @property
    def typed(self) -> str:
        """The text as it stands."""
        return self.query_one("#combine-text", TextBox).text

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        text = self.typed
        try:
            self._save(text)
        except (ValidationError, StoreError) as exc:
            message = str(exc).rstrip(". ")
            self.query_one("#combine-error", Static).update(
                Text(f"Not saved: {message}. What you typed is still here.")
            )
            self.query_one("#combine-text", TextBox).focus()
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        dismiss_unless_typed(
            self, self.typed != self.text, "Discard the combined text? The conflict stays open."
        )
