"""The cycle form's Feedback tab: a note over the list of what was heard during the cycle."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from pdsa_tui.model import Feedback
from pdsa_tui.ui.summaries import tone_summary
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row


class FeedbackTable(RecordTable):
    """The feedback list: enter edits (not shown: the footer has e, and no room at 80 columns)."""

    BINDINGS = [Binding("enter", "select", "Edit", show=False, id="cycle.table_edit")]


class FeedbackPane(Vertical):
    """The Feedback tab's pane (built when the tab is first shown): a note and the list."""

    def __init__(self) -> None:
        self.note = Static("", id="feedback-note", classes="feedback-note")
        self.table = FeedbackTable(
            [
                Column("Date", 10),
                Column("Source", 14),
                Column("Tone", 8),
                Column("What was said"),
                Column("Themes", 16),
            ],
            empty_text="No feedback yet: press a to add what someone said.",
            id="feedback",
        )
        super().__init__(self.note, self.table, id="feedback-pane")

    def show(self, items: Sequence[Feedback], *, draft: bool) -> None:
        """Show the cycle's feedback (a new cycle, not saved yet, can have none)."""
        if draft:
            text = "This new cycle is not saved yet: press ctrl+s, then a to add feedback."
        else:
            summary = f"{tone_summary(items)}. a add, e edit, d delete. " if items else ""
            text = summary + "Never a name: say the role ('foster carer')."
        self.note.update(Text(text))
        # Imported when the feedback tab is first filled: not on the path of opening a form.
        from pdsa_tui.ui.dialogs.feedback import feedback_row_cells

        self.table.set_rows([Row(f.id, feedback_row_cells(f)) for f in items])
