"""The review queue: step through every cycle waiting for Study or Act, as a group meeting does."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from pdsa_tui.analysis.cases import case_counts, case_states, group_cases
from pdsa_tui.model import (
    Aim,
    Case,
    ChangeIdea,
    Cycle,
    FieldError,
    Measure,
    ValidationError,
    choices,
    dates,
    field_text,
    from_form,
)
from pdsa_tui.model.dates import today
from pdsa_tui.model.order import natural_key
from pdsa_tui.model.phases import PHASES_ABOUT, current_phase, move_problem, phase_choices
from pdsa_tui.model.programme import Meeting
from pdsa_tui.model.records import ACT_FIELDS, STUDY_FIELDS
from pdsa_tui.model.rows import Decision
from pdsa_tui.store import MissingParentError, StoreError
from pdsa_tui.ui.dialogs.modals import ConfirmScreen, not_saved_text
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.screens.cycle_guide import decision_follow_up, phase_specs
from pdsa_tui.ui.screens.review_meeting import decision_row, record_meeting
from pdsa_tui.ui.summaries import tone_summary

# The cycle form (pdsa_tui.ui.screens.cycle: tabs, text areas) is imported when a cycle is
# opened from the queue, not when the queue first opens.
from pdsa_tui.ui.widgets.fields import FormFields
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row

EMPTY_TEXT = "Nothing waits for Study or Act. Well done."
WAITING = ("study", "act")


@dataclass(frozen=True)
class QueueItem:
    """One cycle waiting, with the aim and change idea it belongs to."""

    aim: Aim | None
    idea: ChangeIdea | None
    cycle: Cycle

    @property
    def waiting_for(self) -> str:
        """'Study' or 'Act'."""
        return choices.label(choices.STAGES, self.cycle.stage)


class QueueTable(RecordTable):
    """The queue: tab goes straight to the field the shown cycle waits for, not the first."""

    def tab_forward(self) -> bool:
        """Called by the app's tab: put the cursor in the form; False when there is none."""
        screen = self.screen
        if isinstance(screen, ReviewScreen) and screen.current is not None:
            screen.focus_waiting()
            return True
        return False


class ReviewScreen(PdsaScreen):
    """Every cycle waiting for Study or Act, with its Study and Act fields to fill in."""

    ABOUT = (
        "For the Study/Act meeting: read each cycle, record results, learning and the decision. "
        "ctrl+s saves and moves on; n/p move without saving; enter opens the whole cycle. "
        f"{PHASES_ABOUT}"
    )

    BINDINGS = [
        # Short names: with ctrl+n the footer must still fit 80 columns.
        Binding("ctrl+s", "save", "Save", id="review.save", tooltip="Save and show the next"),
        Binding(
            "ctrl+n",
            "move_phase",
            "Phase",
            id="review.phase",
            tooltip="Move the cycle to another phase (saves what is typed)",
        ),
        # n, p and m are typed in a field; there the footer shows their alt keys instead.
        Binding("n", "step(1)", "Next/prev", key_display="n/p", id="review.next"),
        Binding("alt+n", "step(1)", "Next/prev", key_display="alt+n/p", id="review.next_alt"),
        Binding("p,alt+p", "step(-1)", "Previous", id="review.previous", show=False),
        Binding("enter,o", "open_cycle", "Open cycle", id="review.open", show=False),
        Binding(
            "m",
            "meeting",
            "Meeting",
            id="review.meeting",
            tooltip="Record this review as a meeting",
        ),
        Binding(
            "alt+m",
            "meeting",
            "Meeting",
            id="review.meeting_alt",
            tooltip="Record this review as a meeting (from a field)",
        ),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[QueueItem] = []
        #: The cycle id shown in the panel (None when the queue is empty).
        self.current: str | None = None
        self._target: str | None = None
        self._asking = False
        self._declined: set[str] = set()
        #: Cycles saved in this run of the queue, for the meeting it can be recorded as.
        self.session: dict[str, Decision] = {}
        self._cases_line = ""

    # -- layout ------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static("", id="review-head", classes="review-head")
        yield QueueTable(
            [Column("Aim", 7), Column("Change idea"), Column("#", 3, "right"), Column("Waits", 6)],
            empty_text="No cycles waiting.",
            id="queue",
            classes="review-queue",
        )
        with VerticalScroll(id="review-panel", classes="review-panel"):
            yield Static("", id="review-summary", classes="review-summary")
            yield Static(Text("Study"), classes="section-title")
            yield FormFields(phase_specs(STUDY_FIELDS), id="review-study")
            yield Static(Text("Act"), classes="section-title")
            yield FormFields(phase_specs(ACT_FIELDS), id="review-act")
        error = Static("", id="review-error", classes="form-error cycle-error")
        error.display = False
        yield error
        yield Static(Text(EMPTY_TEXT), id="review-empty", classes="review-empty")

    def on_mount(self) -> None:
        self.title = "Review queue: cycles waiting for Study or Act"
        super().on_mount()
        self.query_one("#queue", RecordTable).focus()

    # -- data --------------------------------------------------------------------------
    def build_queue(self) -> list[QueueItem]:
        """Cycles at Study or Act, by aim code, change idea, then cycle number."""
        store = self.store
        items = []
        for cycle in store.all(Cycle):
            if cycle.stage not in WAITING:
                continue
            idea = store.lookup(ChangeIdea, cycle.idea_id)
            aim = store.lookup(Aim, idea.aim_id) if idea is not None else None
            items.append(QueueItem(aim, idea, cycle))
        return sorted(
            items,
            key=lambda q: (
                natural_key(q.aim.code if q.aim else ""),
                natural_key(q.idea.title if q.idea else ""),
                q.cycle.number,
            ),
        )

    def case_reminders(self) -> str:
        """'Cases: 2 past the reminder point, 1 overdue (see Needs attention).' or ''."""
        now = dates.today()
        by_measure = group_cases(self.store.all(Case))
        reminder = overdue = 0
        for m in self.store.all(Measure):
            if m.cases and m.id in by_measure:
                counts = case_counts(case_states(m, by_measure[m.id], now))
                reminder += counts.past_reminder
                overdue += counts.overdue
        if not reminder and not overdue:
            return ""
        parts = []
        if reminder:
            parts.append(f"{reminder} past the reminder point")
        if overdue:
            parts.append(f"{overdue} overdue")
        return f"Open cases: {', '.join(parts)} (see Needs attention on the aims overview)."

    def refresh_data(self) -> None:
        old_queue = self.queue
        old_order = [q.cycle.id for q in old_queue]
        self._cases_line = self.case_reminders()
        self.queue = self.build_queue()
        ids = [q.cycle.id for q in self.queue]
        gone = self.current is not None and self.current not in ids and self.is_dirty()
        if gone:
            # Another copy deleted (or moved on) the cycle being typed into: keep it, and
            # the typing, in the queue; ctrl+s saves it (offering to restore it if deleted).
            kept = old_queue[old_order.index(self.current)] if self.current in old_order else None
            if kept is not None:
                self.queue.insert(min(old_order.index(kept.cycle.id), len(self.queue)), kept)
                ids = [q.cycle.id for q in self.queue]
        want = self._target or self.current
        self._target = None
        if want not in ids:
            want = self._successor(want, old_order, ids)
        table = self.query_one("#queue", RecordTable)
        table.set_rows(
            [
                Row(
                    q.cycle.id,
                    (
                        q.aim.code if q.aim else "?",
                        q.idea.title if q.idea else "?",
                        str(q.cycle.number),
                        q.waiting_for,
                    ),
                )
                for q in self.queue
            ],
            keep=want,
        )
        self._show_head()
        # Keep unsaved typing; otherwise show what is stored now.
        if want != self.current or not self.is_dirty():
            self._load(want)
        elif gone and self.store.lookup(Cycle, want or "") is None:
            self._show_error(
                "Another copy deleted this cycle. What you typed is still here: ctrl+s "
                "offers to restore it and save."
            )

    @staticmethod
    def _successor(key: str | None, old: Sequence[str], new: Sequence[str]) -> str | None:
        """The first cycle after ``key`` (in the old order) still waiting, else the last one."""
        if not new:
            return None
        if key is None:
            return new[0]
        if key in old:
            for k in old[old.index(key) + 1 :]:
                if k in new:
                    return k
        return new[-1]

    def _item(self, cycle_id: str | None) -> QueueItem | None:
        return next((q for q in self.queue if q.cycle.id == cycle_id), None)

    def _show_head(self) -> None:
        n = len(self.queue)
        study = sum(1 for q in self.queue if q.cycle.stage == "study")
        head = self.query_one("#review-head", Static)
        cases = self._cases_line
        tail = Text(f"\n{cases}", style="bold") if cases else Text()
        if not n:
            head.update(Text("No cycles waiting.").append_text(tail))
            return
        pos = next((i for i, q in enumerate(self.queue, 1) if q.cycle.id == self.current), 0)
        where = f"{pos} of {n}" if pos else f"{n}"
        head.update(
            Text(
                f"Cycle {where} waiting: {study} for Study, {n - study} for Act. "
                "ctrl+s saves and moves on."
            ).append_text(tail)
        )

    def _load(self, cycle_id: str | None) -> None:
        """Show ``cycle_id`` in the panel, with its stored Study and Act."""
        item = self._item(cycle_id)
        self.current = item.cycle.id if item else None
        empty = item is None
        self.query_one("#review-panel").display = not empty
        self.query_one("#review-empty").display = empty
        self._show_error("")
        self._show_head()
        if item is None:
            return
        for form in self._forms():
            form.show_errors([])
            for box in form.boxes():
                text = field_text(item.cycle, box.spec.name)
                box.set_value(text)
                box.initial = text
        self.query_one("#review-summary", Static).update(self._summary(item))
        self.query_one("#review-panel", VerticalScroll).scroll_home(animate=False)

    def _summary(self, item: QueueItem) -> Text:
        cycle = item.cycle
        text = Text()
        crumbs = [item.aim.code if item.aim else "", item.idea.title if item.idea else ""]
        text.append(" › ".join(c for c in crumbs if c), style="bold")
        text.append(f" › Cycle {cycle.number}", style="bold")
        text.append(f"  (waiting for {item.waiting_for})\n", style="italic")
        for label, value in (
            ("Objective", cycle.objective),
            ("Predictions", cycle.predictions),
            ("What happened", cycle.what_happened),
            ("Problems", cycle.problems),
        ):
            text.append(f"{label}: ", style="bold")
            text.append(value.strip() or "-")
            text.append("\n")
        text.append("Feedback: ", style="bold")
        text.append(tone_summary(self.store.feedback(cycle.id)))
        return text

    def _forms(self) -> list[FormFields]:
        return [
            self.query_one("#review-study", FormFields),
            self.query_one("#review-act", FormFields),
        ]

    def _values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for form in self._forms():
            values.update(form.values())
        return values

    def is_dirty(self) -> bool:
        """Whether the panel holds typing not saved yet."""
        if self.current is None:
            return False
        return any(f.values() != f.initial_values() for f in self._forms())

    def _show_error(self, message: str) -> None:
        error = self.query_one("#review-error", Static)
        error.update(Text(message))
        error.display = bool(message)

    # -- actions -----------------------------------------------------------------------
    def action_move_phase(self) -> None:
        """Ask which phase the shown cycle moves to (what was typed suggests one); save."""
        item = self._item(self.current)
        if item is None or not self.can_write():
            return
        stored = self.store.lookup(Cycle, item.cycle.id) or item.cycle
        try:
            typed = from_form(Cycle, self._values(), base=stored)
        except ValidationError as exc:
            self._invalid(exc.errors)
            return
        from pdsa_tui.ui.dialogs.pick import PickScreen

        def chosen(phase: str | None) -> None:
            if phase is None:
                return
            problem = move_problem(typed, phase, today())
            if problem:
                self._show_error(problem)
                return
            self.action_save(phase)

        now = choices.label(choices.STAGES, current_phase(typed))
        self.app.push_screen(
            PickScreen(
                f"Move cycle {typed.number} from {now} to:",
                phase_choices(typed, today()),
                help="Enter moves it and saves what is typed; esc leaves it where it is.",
            ),
            chosen,
        )

    def action_save(self, phase: str = "", restore_for: MissingParentError | None = None) -> None:
        """Save this cycle's Study and Act (moved to ``phase`` if given), then the next one.

        ``restore_for``: the deleted change idea to bring back first, as the person agreed.
        """
        from pdsa_tui.ui.dialogs.restore_owner import offer_restore, restoring

        item = self._item(self.current)
        if item is None:
            return
        stored = self.store.lookup(Cycle, item.cycle.id) or item.cycle
        record: Cycle | None = None
        try:
            record = from_form(Cycle, self._values(), base=stored)
            if phase:
                record = dataclasses.replace(record, phase=phase)
            with restoring(self.store, record, restore_for):
                saved = self.save(record)
        except ValidationError as exc:
            self._invalid(exc.errors)
            return
        except MissingParentError as exc:
            if restore_for is None and record is not None:

                def again(missing: MissingParentError) -> None:
                    self.action_save(phase, restore_for=missing)

                self._show_error(offer_restore(self, self.store, record, exc, again))
            else:
                self._show_error(not_saved_text(exc))
            return
        except StoreError as exc:
            self._show_error(not_saved_text(exc))
            self.notify(str(exc), title="Not saved", severity="error", timeout=10, markup=False)
            return
        for form in self._forms():
            form.show_errors([])
            for box in form.boxes():
                box.initial = field_text(saved, box.spec.name)
        # Move on to the next in the queue; the last one stays put if it still waits.
        order = [q.cycle.id for q in self.queue]
        i = order.index(saved.id) if saved.id in order else len(order)
        self._target = order[i + 1] if i + 1 < len(order) else saved.id
        self.changed()
        stage = choices.label(choices.STAGES, saved.stage).lower()
        self.session[saved.id] = decision_row(
            item.aim.code if item.aim else "", item.idea.title if item.idea else "", saved
        )
        self.notify(f"Saved cycle {saved.number} ({stage}).", timeout=3, markup=False)
        self.focus_waiting()
        decision_follow_up(self, stored.decision, saved, self._open_draft, declined=self._declined)

    def focus_waiting(self) -> None:
        """Put the cursor in the shown cycle's first empty field of the phase it waits for."""
        item = self._item(self.current)
        if item is None:
            self.query_one("#queue", RecordTable).focus()
            return
        study, act = self._forms()
        form = study if item.cycle.stage == "study" else act
        box = form.first_empty() or form.boxes()[0]
        self.set_focus(box.control)  # now, not after the keys already queued

    def _invalid(self, errors: Sequence[FieldError]) -> None:
        marked: list[str] = []
        for form in self._forms():
            marked.extend(form.show_errors(errors))
        others = [str(e) for e in errors if e.field not in marked]
        message = "Not saved: fix the marked fields."
        if others:
            # A problem outside Study and Act: the full cycle form can fix it.
            message = f"Not saved: {'; '.join(others)}. Press enter to open the whole cycle."
        self._show_error(message)
        if marked:
            for form in self._forms():
                if marked[0] in form.values():
                    form.focus_field(marked[0])

    def _open_draft(self, draft: Cycle) -> None:
        from pdsa_tui.ui.screens.cycle import CycleScreen

        self.app.push_screen(CycleScreen(draft=draft))

    def _unless_dirty(
        self, go: Callable[[], None], *, stay: Callable[[], None] | None = None
    ) -> None:
        """Run ``go`` now, or after the user agrees to discard what they typed."""
        if not self.is_dirty():
            go()
            return
        self._asking = True

        def answer(discard: bool | None) -> None:
            self._asking = False
            if discard:
                go()
            elif stay is not None:
                stay()

        self.app.push_screen(
            ConfirmScreen(
                "Discard what you typed for this cycle? (ctrl+s saves it instead.)",
                yes="Discard",
                danger=True,
            ),
            answer,
        )

    def action_step(self, delta: int) -> None:
        """Show the next (or previous) cycle without saving."""
        ids = [q.cycle.id for q in self.queue]
        if not ids:
            return
        i = ids.index(self.current) if self.current in ids else 0
        j = i + delta
        if not 0 <= j < len(ids):
            self.notify(
                "That was the last cycle waiting." if delta > 0 else "This is the first cycle.",
                timeout=3,
            )
            return
        target = ids[j]

        def go() -> None:
            self._load(target)
            self.query_one("#queue", RecordTable).move_to(target)

        self._unless_dirty(go)

    @on(RecordTable.Highlighted, "#queue")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        key = event.key
        if key is None or key == self.current or self._asking:
            return
        current = self.current
        table = self.query_one("#queue", RecordTable)

        def stay() -> None:
            if current is not None:
                table.move_to(current)

        self._unless_dirty(lambda: self._load(key), stay=stay)

    @on(RecordTable.Selected, "#queue")
    def _selected(self) -> None:
        self.action_open_cycle()

    def action_open_cycle(self) -> None:
        """Open the whole cycle (all four phases and its feedback)."""
        cycle_id = self.current
        if cycle_id is None:
            return

        def go() -> None:
            from pdsa_tui.ui.screens.cycle import CycleScreen

            self.app.push_screen(CycleScreen(cycle_id))

        self._unless_dirty(go)

    def action_back(self) -> None:
        """Leave the queue; ask first if something typed is not saved."""

        def leave() -> None:
            self.app.pop_screen()

        def go() -> None:
            if not self.session:
                leave()
                return

            def answer(record: bool | None) -> None:
                if record:
                    self.action_meeting(then=leave)
                else:
                    leave()

            n = len(self.session)
            self.app.push_screen(
                ConfirmScreen(
                    f"Record this review as a meeting? {n} cycle{'s' if n != 1 else ''} "
                    "studied; the decisions are filled in for you.",
                    yes="Record meeting",
                ),
                answer,
            )

        self._unless_dirty(go)

    def action_meeting(self, then: Callable[[], None] | None = None) -> None:
        """Record the cycles saved in this run of the queue as a meeting."""
        if not self.session:
            self.notify(
                "Save a cycle's Study or Act first (ctrl+s): the meeting lists what was decided.",
                severity="warning",
            )
            return

        def saved(meeting: Meeting) -> None:
            self.session.clear()
            n = len(meeting.decided())
            self.notify(f"Recorded the meeting with {n} decision{'s' if n != 1 else ''}.")
            if then is not None:
                then()

        record_meeting(self, list(self.session.values()), saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "step", "open_cycle"):
            return self.current is not None
        return True
