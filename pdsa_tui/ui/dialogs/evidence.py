"""The evidence card: what is known before an idea is implemented. It never blocks."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from pdsa_tui.analysis.evidence import EvidenceCard
from pdsa_tui.model.drivers import EVIDENCE_TRIGGERS
from pdsa_tui.store import StoreError
from pdsa_tui.ui import styles
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.inputs import TextBox


@dataclass
class EvidenceAnswer:
    """The user confirmed: the reason typed (never empty)."""

    reason: str


def card_text(card: EvidenceCard) -> Text:
    """The card's sections as one text, gaps in bold."""
    text = Text()
    for k, (head, lines) in enumerate(card.sections()):
        if k:
            text.append("\n")
        text.append(head + "\n", style="bold")
        style = "bold" if head == "What is missing" and card.gaps else ""
        for line in lines:
            text.append(f"  {line}\n", style=style)
    return text


class EvidenceScreen(ModalScreen[EvidenceAnswer | None]):
    """Show the evidence card and ask for the reason to go ahead.

    ctrl+s records the reason; escape leaves without recording one. Nothing the
    user saved before is undone either way: the card informs, it does not block.
    """

    CSS_PATH = styles.path("drivers.tcss")

    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm", id="evidence.confirm"),
        Binding("escape", "cancel", "Not now", id="evidence.cancel"),
    ]

    def __init__(self, card: EvidenceCard, trigger: str) -> None:
        super().__init__()
        self.card = card
        self.trigger = trigger

    def compose(self) -> ComposeResult:
        why = EVIDENCE_TRIGGERS.get(self.trigger, "")
        with Vertical(classes="dialog form evidence"):
            yield Static(
                Text(f"Evidence before implementing: {self.card.idea.title}"),
                classes="dialog-title",
            )
            yield Static(
                Text(
                    f"{why}. Don't rush to implement without the evidence: is it tested in "
                    "enough places, and heard from everyone it affects?"
                ),
                classes="form-intro",
            )
            with VerticalScroll(classes="form-body"):
                yield Static(card_text(self.card), id="evidence-card")
            yield Static(Text("Reason to go ahead (recorded on the idea):"), classes="field-help")
            yield TextBox(id="evidence-reason", classes="reason")
            yield Static("", id="evidence-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Confirm (ctrl+s)", variant="primary", id="confirm", compact=True)
                yield Button("Not now (esc)", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#evidence-reason", TextArea).focus()

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_confirm(self) -> None:
        reason = self.query_one("#evidence-reason", TextArea).text.strip()
        if not reason:
            self.query_one("#evidence-error", Static).update(
                Text("Reason to go ahead: is required; say why the group agrees to go ahead now.")
            )
            return
        self.dismiss(EvidenceAnswer(reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


def offer_evidence(screen: PdsaScreen, idea_id: str, trigger: str) -> None:
    """Show ``idea_id``'s evidence card; record the reason if the user confirms."""
    from pdsa_tui.model import ChangeIdea
    from pdsa_tui.model.dates import today
    from pdsa_tui.model.drivers import EvidenceReview
    from pdsa_tui.report.drivers_content import evidence_for

    store = screen.store
    idea = store.lookup(ChangeIdea, idea_id)
    if idea is None:
        return
    card = evidence_for(store, idea)

    def done(answer: EvidenceAnswer | None) -> None:
        if answer is None:
            screen.notify(
                "No reason recorded. Press v on the change idea to review the evidence later.",
                timeout=6,
            )
            return
        review = EvidenceReview(
            idea_id=idea_id,
            date=today(),
            trigger=trigger,
            reason=answer.reason,
            summary=card.text(),
        )
        try:
            store.save(review)
        except StoreError as exc:
            screen.notify(str(exc), title="Not recorded", severity="error", timeout=10)
            return
        screen.changed()
        screen.notify("Recorded the reason on the change idea.", timeout=4)

    screen.app.push_screen(EvidenceScreen(card, trigger), done)
