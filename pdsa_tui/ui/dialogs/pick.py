"""Pick one of a list of records (a driver to link an idea to, a locality, ...)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pdsa_tui.ui import styles
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.record_table import literal


class PickScreen(ModalScreen[str | None]):
    """Choose one item; dismiss with its key, or None on escape."""

    CSS_PATH = styles.path("drivers.tcss")

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]

    def __init__(self, title: str, items: list[tuple[str, str]], *, help: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.items = items
        self.help = help

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog pick"):
            yield Static(Text(self.title_text), classes="dialog-title")
            if self.help:
                yield Static(Text(self.help), classes="field-help")
            yield OptionList(
                *(Option(literal(label), id=key) for key, label in self.items), id="pick-list"
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
