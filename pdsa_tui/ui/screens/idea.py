"""A change idea and its ramp of PDSA cycles."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from pdsa_tui.model import Aim, ChangeIdea, Cycle, choices, format_date
from pdsa_tui.model.records import role_key
from pdsa_tui.store.drivers import evidence_reviews, secondary_of
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.summaries import stage_counts, stage_sentence
from pdsa_tui.ui.textfit import shorten_at_word
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollBox


def role_label(text: str) -> str:
    """A role as its label ('foster_carer' -> 'Foster carer'), else as typed."""
    key = role_key(text)
    return choices.label(choices.FEEDBACK_SOURCES, key) if key else text


_STAGE_CLASS = {"study": "warn", "act": "warn", "closed": "dim"}


def _dates(start: object, end: object) -> str:
    a = format_date(start) if start else ""  # type: ignore[arg-type]
    b = format_date(end) if end else ""  # type: ignore[arg-type]
    return f"{a}-{b}" if a or b else ""


class IdeaScreen(PdsaScreen):
    """The ramp of cycles testing one change idea."""

    ABOUT = "The cycles that test this change idea, in order. Enter opens a cycle's form."

    BINDINGS = [
        Binding("escape", "back", "Back", id="idea.back"),
        Binding("n", "new_cycle", "New cycle", id="idea.new"),
        Binding("e", "edit_idea", "Edit idea", id="idea.edit"),
        Binding("d,delete", "delete_cycle", "Delete cycle", id="idea.delete"),
        Binding("x", "export", "Export", id="idea.export"),
        Binding("p", "package", "Package", id="idea.package", tooltip="The change package"),
        Binding(
            "v", "evidence", "Evidence", id="idea.evidence", tooltip="The evidence card (review)"
        ),
        Binding("r", "app.review", "Review", id="idea.review", show=False),
    ]

    def __init__(self, idea_id: str) -> None:
        super().__init__()
        self.idea_id = idea_id

    @property
    def idea(self) -> ChangeIdea:
        """The change idea shown."""
        return self.store.get(ChangeIdea, self.idea_id)

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="idea-summary")
        yield RecordTable(
            [
                Column("#", 3, "right"),
                Column("Objective"),
                Column("Stage", 7),
                Column("Planned", 21),
                Column("Decision", 8),
            ],
            empty_text="No cycles yet: press n to plan the first test of this idea.",
            id="cycles-table",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#cycles-table", RecordTable).focus()

    def refresh_data(self) -> None:
        idea = self.store.lookup(ChangeIdea, self.idea_id)
        if idea is None:
            self.app.pop_screen()
            return
        aim = self.store.lookup(Aim, idea.aim_id)
        self.title = f"{aim.code if aim else '?'} › {idea.title}"
        cycles = self.store.cycles(idea.id)
        text = Text()
        text.append(idea.title, style="bold")
        text.append(f"\nLead: {idea.lead or '-'} · ")
        text.append(choices.label(choices.IDEA_STATUSES, idea.status))
        if idea.settings:
            text.append(" · tested in " + ", ".join(idea.settings))
        driver = secondary_of(self.store, idea)
        if driver is not None:
            text.append(f" · driver: {driver.title}")
        if idea.affects:
            text.append(" · affects " + ", ".join(role_label(r) for r in idea.affects))
        text.append(f"\n{len(cycles)} cycle{'s' if len(cycles) != 1 else ''}: ")
        text.append(stage_sentence(stage_counts(cycles)))
        reviews = evidence_reviews(self.store, idea.id)
        if reviews:
            # One line, so the cycles above and the table below keep their room.
            r = reviews[0]
            head = f"\nEvidence reviewed {format_date(r.date) if r.date else ''}: "
            room = max(20, (self.size.width or 80) - len(head) - 3)
            reason = " ".join(r.reason.split())
            text.append(head, style="bold")
            text.append(shorten_at_word(reason, room))
        elif idea.status in ("implementing", "spreading", "sustained"):
            text.append("\nNo evidence review recorded: press v to review it.", style="italic")
        if idea.description:
            text.append("\n" + idea.description, style="dim")
        self.query_one("#idea-summary", Static).update(text)
        rows = []
        for c in cycles:
            stage = c.stage
            label = choices.label(choices.STAGES, stage)
            rows.append(
                Row(
                    c.id,
                    (
                        str(c.number),
                        c.objective,
                        (label, _STAGE_CLASS[stage]) if stage in _STAGE_CLASS else label,
                        _dates(c.planned_start, c.planned_end),
                        choices.label(choices.DECISIONS, c.decision),
                    ),
                )
            )
        self.query_one("#cycles-table", RecordTable).set_rows(rows)

    def _current_cycle(self) -> Cycle | None:
        key = self.query_one("#cycles-table", RecordTable).current_key
        return self.store.lookup(Cycle, key) if key else None

    @on(RecordTable.Selected, "#cycles-table")
    def _open_cycle(self, event: RecordTable.Selected) -> None:
        from pdsa_tui.ui.screens.cycle import CycleScreen

        self.app.push_screen(CycleScreen(event.key))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_cycle(self) -> None:
        if not self.can_write():
            return
        from pdsa_tui.ui.screens.cycle import CycleScreen

        # The idea's lead usually runs its cycles: a default, changed in the Plan tab.
        draft = Cycle(idea_id=self.idea_id, lead=self.idea.lead, phase="plan")
        self.app.push_screen(CycleScreen(draft=draft))

    def action_edit_idea(self) -> None:
        self.edit_record(f"Edit change idea: {self.idea.title}", self.idea)

    def action_delete_cycle(self) -> None:
        c = self._current_cycle()
        if c is not None:
            self.confirm_delete(c, f"cycle {c.number} ('{c.objective}')")

    def action_export(self) -> None:
        from pdsa_tui.report.export import default_filename

        self.export({"idea": self.idea}, default_filename(self.idea, "html"))

    def action_package(self) -> None:
        from pdsa_tui.ui.screens.package import PackageScreen

        self.app.push_screen(PackageScreen(self.idea_id))

    def action_evidence(self) -> None:
        from pdsa_tui.ui.dialogs.evidence import offer_evidence

        offer_evidence(self, self.idea_id, "review")
