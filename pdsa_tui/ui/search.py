"""Records in the command palette (ctrl+p): find any aim, measure, idea, cycle, feedback,
meeting or case by words it holds, or a case by its reference, and open it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import Hit, Hits, Provider

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Measure, Meeting, Record
from pdsa_tui.model.cases import Case
from pdsa_tui.model.registry import noun
from pdsa_tui.model.words import doc_words, holds_all, query_words

if TYPE_CHECKING:
    from pdsa_tui.ui.app import PdsaApp

#: The record kinds searched, in the order their hits are listed.
SEARCHED: tuple[type[Record], ...] = (Aim, Measure, ChangeIdea, Cycle, Feedback, Meeting, Case)
#: At most this many hits (a palette is for finding, not for listing everything).
MOST = 40


def record_words(record: Record) -> str:
    """Every word a record holds, folded (case and accents), for matching."""
    return doc_words(record.to_dict())


def record_label(record: Record) -> str:
    """'cycle: Cycle 3: Spread the reminder' - the kind, then its title."""
    if isinstance(record, Case):
        title = f"case {record.ref}"
    elif isinstance(record, Feedback):
        title = record.text
    elif isinstance(record, Meeting):
        title = f"meeting of {record.date:%d/%m/%Y}" if record.date else "meeting"
    else:
        title = str(getattr(record, "title", "") or getattr(record, "code", "") or "")
    title = " ".join(title.split())
    return f"{noun(record.TABLE)}: {title[:70]}"


def matches(records: list[Record], query: str) -> Iterator[Record]:
    """The records holding every word of ``query`` (any order, any case, accents ignored)."""
    words = query_words(query)
    if not words:
        return
    for record in records:
        if holds_all(words, record_words(record)):
            yield record


class RecordSearch(Provider):
    """Finds records by their words and opens the screen that shows each."""

    @property
    def pdsa(self) -> PdsaApp:
        """The app, typed."""
        return cast("PdsaApp", self.app)

    async def search(self, query: str) -> Hits:
        store = self.pdsa.store
        if store is None or len(query.strip()) < 2:
            return
        records: list[Record] = [r for cls in SEARCHED for r in store.all(cls)]
        for n, record in enumerate(matches(records, query)):
            if n >= MOST:
                break
            label = record_label(record)
            yield Hit(1.0 - n / (MOST + 1), label, partial(self._open, record), text=label)

    def _open(self, record: Record) -> None:
        open_record(self.pdsa, record)


def open_record(app: PdsaApp, record: Record) -> None:
    """Show ``record`` on its own screen (feedback on its cycle, a meeting in the programme)."""
    from pdsa_tui.ui.screens.aim import AimScreen
    from pdsa_tui.ui.screens.cases import CasesScreen
    from pdsa_tui.ui.screens.cycle import CycleScreen
    from pdsa_tui.ui.screens.idea import IdeaScreen
    from pdsa_tui.ui.screens.measure import MeasureScreen

    show: Callable[[], Any]
    if isinstance(record, Aim):
        show = partial(AimScreen, record.id)
    elif isinstance(record, Measure):
        show = partial(CasesScreen if record.cases else MeasureScreen, record.id)
    elif isinstance(record, ChangeIdea):
        show = partial(IdeaScreen, record.id)
    elif isinstance(record, Cycle):
        show = partial(CycleScreen, record.id)
    elif isinstance(record, Feedback):
        show = partial(CycleScreen, record.cycle_id)
    elif isinstance(record, Case):
        show = partial(CasesScreen, record.measure_id, case_id=record.id)
    else:
        app.action_programme()
        return
    app.push_screen(show())
