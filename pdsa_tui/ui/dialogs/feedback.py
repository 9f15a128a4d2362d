"""The feedback form: what a child, parent, carer or colleague said about a cycle. Never a name."""

from __future__ import annotations

from collections.abc import Callable

from pdsa_tui.model import Cycle, Feedback, choices
from pdsa_tui.model.dates import today
from pdsa_tui.ui.dialogs.modals import RecordForm


def prompts_text() -> str:
    """The questions the PACE template asks of every piece of feedback."""
    return "Ask: " + " · ".join(choices.FEEDBACK_PROMPTS)


def new_feedback(cycle: Cycle) -> Feedback:
    """A blank feedback entry for ``cycle``, dated today."""
    return Feedback(cycle_id=cycle.id, date=today())


def feedback_row_cells(fb: Feedback) -> tuple[str, ...]:
    """Date, source, tone, first line of what was said, themes: for a feedback list."""
    first = next((line.strip() for line in fb.text.splitlines() if line.strip()), "")
    return (
        fb.date.strftime("%d/%m/%Y") if fb.date else "",
        choices.label(choices.FEEDBACK_SOURCES, fb.source),
        choices.label(choices.TONES, fb.tone),
        first,
        ", ".join(fb.themes),
    )


class FeedbackForm(RecordForm[Feedback]):
    """Add or edit one piece of feedback; the no-names reminder stays in view above the fields."""

    def __init__(self, title: str, record: Feedback, save: Callable[[Feedback], Feedback]) -> None:
        # The reminder and the prompts sit above the scrolling fields, always in view.
        super().__init__(
            title,
            record,
            save,
            intro=[(choices.NO_NAMES_REMINDER, "no-names"), (prompts_text(), "feedback-prompts")],
            tall=["text"],
        )
