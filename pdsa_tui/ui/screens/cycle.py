"""The cycle form: one PDSA cycle's Plan / Do / Study / Act tabs and its feedback."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from pdsa_tui.analysis.warnings import cycle_warnings
from pdsa_tui.model import (
    ChangeIdea,
    Cycle,
    Feedback,
    FieldError,
    ValidationError,
    choices,
    field_text,
    format_date,
    from_form,
)
from pdsa_tui.model.dates import today
from pdsa_tui.model.forms import draft_from_form
from pdsa_tui.model.phases import (
    PHASES_ABOUT,
    current_phase,
    move_problem,
    phase_choices,
    suggested_phase,
)
from pdsa_tui.store import MissingParentError, StoreError
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.screens.cycle_feedback import FeedbackPane
from pdsa_tui.ui.screens.cycle_guide import (
    PHASES,
    TAB_KEYS,
    TAB_LABELS,
    TABS,
    breadcrumb,
    decision_follow_up,
    phase_specs,
    status_text,
    tab_label,
)
from pdsa_tui.ui.widgets.fields import FieldBox, FormFields, FramedField, ScrollingFormFields
from pdsa_tui.ui.widgets.record_table import RecordTable
from pdsa_tui.ui.widgets.tab_bar import TabBar


class CycleScreen(PdsaScreen):
    """One PDSA cycle: the four phases as tabs, saved together, and its feedback."""

    #: Styled by app.tcss alone: opening a cycle never waits for the other screens' rules
    #: (see ``PdsaApp._load_screen_css``).
    APP_SHEET_ONLY = True

    ABOUT = (
        "A PDSA cycle. ctrl+s saves every tab at once. F2-F6 (or alt+1..5, ctrl+pageup/"
        "pagedown, or 1-5 outside a text field) switch tabs; tab moves between fields. "
        "ctrl+f adds feedback and ctrl+g a data point to one of the aim's measures, from any "
        f"tab. {PHASES_ABOUT}"
    )

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="cycle.save"),
        Binding("escape", "back", "Back", id="cycle.back"),
        Binding("ctrl+pagedown", "next_tab(1)", "Next tab", id="cycle.next_tab", show=False),
        Binding("ctrl+pageup", "next_tab(-1)", "Previous tab", id="cycle.prev_tab", show=False),
        # Digits are typed into text fields (Input/TextArea consume them first), so F2-F6
        # and alt+1..5 work everywhere; alt+digit is lost on macOS (option+1 types '¡').
        # The function keys take priority: a text area would take F6 for itself.
        Binding(
            "f2", "show_tab('plan')", "Tabs", key_display="F2-F6", id="cycle.tabs", priority=True
        ),
        *[
            Binding(
                TAB_KEYS[tab].lower(),
                f"show_tab('{tab}')",
                "",  # one footer entry and one help line ("F2-F6 Tabs") stand for them all
                id=f"cycle.key_{tab}",
                show=False,
                priority=True,
            )
            for tab in TABS[1:]
        ],
        *[
            Binding(
                f"alt+{i},{i}",
                f"show_tab('{tab}')",
                f"{TAB_LABELS[tab]} tab",
                id=f"cycle.tab_{tab}",
                show=False,
            )
            for i, tab in enumerate(TABS, start=1)
        ],
        Binding(
            "ctrl+f",
            "add_feedback('key')",
            "Feedback",
            id="cycle.feedback_new",
            tooltip="Add feedback heard during this cycle",
        ),
        Binding(
            "ctrl+g",
            "add_point",
            "Point",
            id="cycle.point_new",
            tooltip="Add a data point to one of the aim's measures",
        ),
        # Short names: on the feedback tab the footer must fit 80 columns.
        Binding("a", "add_feedback", "Add", id="cycle.feedback_add", tooltip="Add feedback"),
        Binding("e", "edit_feedback", "Edit", id="cycle.feedback_edit", tooltip="Edit feedback"),
        Binding(
            "d,delete",
            "delete_feedback",
            "Delete",
            id="cycle.feedback_delete",
            tooltip="Delete feedback",
        ),
        Binding("x", "export", "Export", id="cycle.export", show=False, tooltip="Export the cycle"),
        Binding(
            "ctrl+n",
            "move_phase",
            "Phase",
            id="cycle.phase",
            tooltip="Move the cycle to another phase (saves what is typed)",
        ),
    ]

    _FEEDBACK_ACTIONS = ("add_feedback", "edit_feedback", "delete_feedback")

    #: Textual focuses the field typing starts in as the screen mounts (or comes back with
    #: nothing focused), not the tab bar first: each change of focus draws the form again.
    AUTO_FOCUS = ".-start"

    def __init__(self, cycle_id: str | None = None, *, draft: Cycle | None = None) -> None:
        super().__init__()
        if (cycle_id is None) == (draft is None):
            raise ValueError("give either a cycle id or a draft cycle")
        self.cycle_id = cycle_id
        self.cycle: Cycle | None = draft
        self.is_draft = draft is not None
        self._declined: set[str] = set()
        self._status_pending = False
        self._status_shown: Text | None = None
        self._adapt_hinted = False
        #: Each phase's fields, built with the screen; a tab's pane is mounted when first shown.
        self._forms: dict[str, FormFields] = {}
        self._panes: dict[str, Widget] = {}
        self._feedback: list[Feedback] = []

    # -- layout ----------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        if self.cycle is None and self.cycle_id is not None:
            self.cycle = self.store.lookup(Cycle, self.cycle_id)
        cycle = self.cycle
        if cycle is None:
            yield Static(
                Text("This cycle no longer exists (it was deleted). Press escape to go back."),
                classes="panel",
            )
            return
        yield Static("", id="cycle-status", classes="cycle-status")
        error = Static("", id="cycle-error", classes="form-error cycle-error")
        error.display = False
        yield error
        first = self._stage_tab(cycle)
        self._forms = {
            key: ScrollingFormFields(
                phase_specs(names), cycle, framed=True, id=f"form-{key}", classes="phase"
            )
            for key, _, names in PHASES
        }
        # One widget for the tab row; only the shown tab's pane is built (each widget costs
        # time when the form opens).
        yield TabBar([(key, tab_label(key)) for key in TABS], active=first, id="cycle-tabs")
        yield self._pane(first)
        form = self._forms[first]
        start = form.first_empty() or form.boxes()[0]
        if isinstance(start, FramedField):
            start.start = True

    def _pane(self, tab: str) -> Widget:
        """The pane of ``tab`` (made once; mounted by whoever first shows it)."""
        pane = self._panes.get(tab)
        if pane is None:
            pane = FeedbackPane() if tab == "feedback" else self._forms[tab]
            self._panes[tab] = pane
        return pane

    async def _on_resize(self, event: events.Resize) -> None:
        # Textual also sends a screen shown for the first time a Resize to the size it was
        # just laid out at: laying it out and drawing it again would change nothing.
        if event.size == self._compositor.size:
            event.prevent_default()

    @staticmethod
    def _stage_tab(cycle: Cycle) -> str:
        return current_phase(cycle)

    def on_mount(self) -> None:
        super().on_mount()
        if self.cycle is None:
            self.title = "Cycle not found"
            return
        if self.focused is None:  # AUTO_FOCUS found no field to start in
            self._focus_tab(self._stage_tab(self.cycle))

    # -- data --------------------------------------------------------------------------
    def refresh_data(self) -> None:
        cycle = self.cycle
        if cycle is None:
            return
        if not self.is_draft:
            stored = self.store.lookup(Cycle, cycle.id)
            if stored is not None and stored.rev != cycle.rev:
                self._take_in(stored)
            gone = self.store.versions.deleted_error(Cycle, cycle.id) if stored is None else None
            if gone is not None:  # another copy deleted it: say so before a save is tried
                self._show_error(
                    f"{gone.what_happened()}. What you typed is still here: ctrl+s offers "
                    "to restore it and save."
                )
            cycle = self.cycle or cycle
        # Leave room in the header for the database name at 80 columns.
        most = max(16, min(48, self.app.size.width - 56))
        self.title = breadcrumb(self.store, cycle, draft=self.is_draft, most=most)
        self._show_status()
        self._refresh_feedback()

    def _flush_status(self) -> None:
        self._status_pending = False
        self._show_status()
        self._show_warnings()

    def _show_warnings(self) -> None:
        """Possible slips in the dates typed now, each under its field; saving still allowed."""
        if self.cycle is None:
            return
        draft = draft_from_form(Cycle, self._values(), base=self.cycle)
        by_field = {w.field: w.message for w in cycle_warnings(draft, today())}
        for _, form in self.forms():
            form.show_warnings(by_field)

    def _show_status(self) -> None:
        assert self.cycle is not None
        text = Text(status_text(self.cycle, draft=self.is_draft))
        if self.is_dirty():
            text.append("  ● unsaved changes", style="bold")
        typed = draft_from_form(Cycle, self._values(), base=self.cycle)
        offer = suggested_phase(typed, today())
        if offer is not None and offer != current_phase(self.cycle):
            label = choices.label(choices.STAGES, offer)
            text.append(f"\nWhat you typed suggests {label}: ctrl+n moves it to {label}.")
        if text != self._status_shown:  # the fields report their first values as they mount
            self._status_shown = text
            self.query_one("#cycle-status", Static).update(text)

    def _refresh_feedback(self) -> None:
        assert self.cycle is not None
        self._feedback = [] if self.is_draft else self.store.feedback(self.cycle.id)
        label = tab_label("feedback")
        count = "" if self.is_draft else f" ({len(self._feedback)})"
        self.query_one(TabBar).set_label("feedback", label + count)
        self._show_feedback()

    def _show_feedback(self) -> None:
        """Fill the feedback tab, if it has been opened."""
        pane = self._panes.get("feedback")
        if isinstance(pane, FeedbackPane) and pane.is_mounted:
            pane.show(self._feedback, draft=self.is_draft)

    # -- the form ------------------------------------------------------------------------
    def forms(self) -> list[tuple[str, FormFields]]:
        """(phase key, its fields) for the four phase tabs."""
        return [(key, self._forms[key]) for key, _, _ in PHASES]

    def field(self, name: str) -> FieldBox | FramedField:
        """The field ``name``, on whichever tab it is."""
        for _, form in self.forms():
            found = form.field(name)
            if found is not None:
                return found
        raise KeyError(name)

    def _values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for _, form in self.forms():
            values.update(form.values())
        return values

    def is_dirty(self) -> bool:
        """Whether anything typed is not saved yet."""
        if self.cycle is None:
            return False
        # A copied plan is unsaved work from the start; a blank draft's defaults (its
        # lead) are not.
        if (
            self.is_draft
            and self.cycle.adapted_from
            and any(v.strip() for v in self._values().values())
        ):
            return True
        return any(form.values() != form.initial_values() for _, form in self.forms())

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | TextArea.Changed | Select.Changed) -> None:
        if self.cycle is not None and self.is_mounted and not self._status_pending:
            # Every field reports a change as the form mounts: redraw the status once.
            self._status_pending = True
            self.call_after_refresh(self._flush_status)
        if (
            isinstance(event, Select.Changed)
            and event.select.id == "field-decision"
            and event.value == "adapt"
            and self.field("decision").initial != "adapt"
            and not self._adapt_hinted
        ):
            # Only a change made now: not the stored value arriving as the form mounts;
            # and once, though the select may report the same choice more than once.
            self._adapt_hinted = True
            self.notify(
                "Saving with 'Adapt' offers to start the next cycle with this plan copied forward.",
                timeout=5,
            )

    def _mark(self, errors: Sequence[FieldError]) -> list[tuple[str, str]]:
        """Mark bad fields on every tab; return (phase, field) of each, in form order."""
        marked: list[tuple[str, str]] = []
        tabs = self.query_one(TabBar)
        for key, form in self.forms():
            names = form.show_errors(errors)
            marked.extend((key, name) for name in names)
            label = tab_label(key)
            tabs.set_label(key, f"{label} !" if names else label)
        return marked

    def _show_error(self, message: str) -> None:
        error = self.query_one("#cycle-error", Static)
        error.update(Text(message))
        error.display = bool(message)

    def _typed_record(self) -> Cycle | None:
        """The cycle as typed in all four tabs, or None (bad fields marked)."""
        assert self.cycle is not None
        try:
            return from_form(Cycle, self._values(), base=self.cycle)
        except ValidationError as exc:
            self._invalid(exc.errors)
            return None

    def action_save(self) -> None:
        """Save all four tabs; mark bad fields and keep everything typed."""
        if self.cycle is None:
            return
        record = self._typed_record()
        if record is not None:
            self._save_record(record)

    def action_move_phase(self) -> None:
        """Ask which phase to move to (what was typed suggests one); save with it."""
        if self.cycle is None or not self.can_write():
            return
        record = self._typed_record()
        if record is None:
            return
        from pdsa_tui.ui.dialogs.pick import PickScreen

        now = choices.label(choices.STAGES, current_phase(record))

        def chosen(phase: str | None) -> None:
            if phase is None or record is None:
                return
            problem = move_problem(record, phase, today())
            if problem:
                self._show_error(problem)
                self.notify(problem, title="Not moved", severity="warning", markup=False)
                return
            self._save_record(dataclasses.replace(record, phase=phase), moved=phase)

        number = "the new cycle" if self.is_draft else f"cycle {record.number}"
        self.app.push_screen(
            PickScreen(
                f"Move {number} from {now} to:",
                phase_choices(record, today()),
                help="Enter moves it and saves everything typed; esc leaves it where it is.",
            ),
            chosen,
        )

    def _save_record(
        self,
        record: Cycle,
        *,
        moved: str | None = None,
        restore_for: MissingParentError | None = None,
    ) -> None:
        """Save ``record`` (``moved``: the phase it was just moved to; ``restore_for``: the
        deleted change idea to bring back first, as the person agreed)."""
        from pdsa_tui.ui.dialogs.modals import not_saved_text
        from pdsa_tui.ui.dialogs.restore_owner import offer_restore, restoring

        assert self.cycle is not None
        before = "" if self.is_draft else self.cycle.decision
        try:
            with restoring(self.store, record, restore_for):
                saved = self.save(record)
        except ValidationError as exc:
            self._invalid(exc.errors)
            return
        except MissingParentError as exc:
            if restore_for is None:

                def again(missing: MissingParentError) -> None:
                    self._save_record(record, moved=moved, restore_for=missing)

                self._show_error(offer_restore(self, self.store, record, exc, again))
            else:
                self._show_error(not_saved_text(exc))
            return
        except StoreError as exc:
            self._show_error(not_saved_text(exc))
            self.notify(str(exc), title="Not saved", severity="error", timeout=10, markup=False)
            return
        self._mark([])
        self._show_error("")
        self.cycle = saved
        self.cycle_id = saved.id
        self.is_draft = False
        self._reset_initial(saved)
        self.changed()
        warned = cycle_warnings(saved, today())
        if warned:
            # Saved as typed; the warning may sit on a tab that is not in view.
            lines = "\n".join(f"⚠ {Cycle.spec(w.field).label} {w.message}" for w in warned)
            self.notify(
                f"Saved cycle {saved.number}.\n{lines}", severity="warning", timeout=8, markup=False
            )
        elif moved:
            label = choices.label(choices.STAGES, moved)
            self.notify(f"Moved cycle {saved.number} to {label} and saved.", timeout=4)
            self.action_show_tab(moved)
        else:
            self.notify(f"Saved cycle {saved.number}.", timeout=3, markup=False)
        decision_follow_up(self, before, saved, self._open_draft, declined=self._declined)

    def _invalid(self, errors: Sequence[FieldError]) -> None:
        marked = self._mark(errors)
        known = {name for _, name in marked}
        n = len(errors)
        where = ", ".join(
            f"{Cycle.spec(name).label} ({TAB_LABELS[phase]})" for phase, name in marked
        )
        others = "; ".join(str(e) for e in errors if e.field not in known)
        message = f"Not saved: {n} problem{'s' if n != 1 else ''} to fix"
        message += f": {where}" if where else ""
        message += f"; {others}" if others else ""
        self._show_error(message + ". What you typed is kept.")
        if marked:
            phase, name = marked[0]
            self._show(phase)
            # The pane becomes visible on the next refresh; focus after it.
            self.call_after_refresh(self._forms[phase].focus_field, name)

    def _reset_initial(self, saved: Cycle) -> None:
        """Make the saved values the new baseline, showing them as stored (dates tidied)."""
        for _, form in self.forms():
            for box in form.boxes():
                text = field_text(saved, box.spec.name)
                if box.value() != text:
                    box.set_value(text)
                box.initial = text

    def _take_in(self, stored: Cycle) -> None:
        """Show a newer stored version (another copy saved it) without losing any typing.

        Untouched fields take the stored text. While anything typed is unsaved the
        form keeps the version it was opened from, so saving merges field by field.
        """
        for _, form in self.forms():
            for box in form.boxes():
                text = field_text(stored, box.spec.name)
                if box.value() == box.initial and text != box.initial:
                    box.set_value(text)
                    box.initial = text
        if not self.is_dirty():
            self.cycle = stored

    def _open_draft(self, draft: Cycle) -> None:
        self.app.switch_screen(CycleScreen(draft=draft))

    # -- navigation ------------------------------------------------------------------------
    def _active_tab(self) -> str:
        return self.query_one(TabBar).active

    def _show(self, tab: str) -> None:
        """Show ``tab`` and its pane (mounting the pane the first time)."""
        bar = self.query_one(TabBar)
        bar.active = tab
        pane = self._pane(tab)
        for other in self._panes.values():
            if other is not pane and other.is_mounted:
                other.display = False
        pane.display = True
        if not pane.is_mounted:
            self.mount(pane, after=bar)
            if tab == "feedback":
                self.call_after_refresh(self._show_feedback)
        # The feedback keys only show (and work) on the feedback tab.
        self.refresh_bindings()

    def _focus_tab(self, tab: str, tries: int = 0) -> None:
        if tab == "feedback":
            tables = self.query("#feedback")
            if tables:
                tables.first().focus()
            elif tries < 20 and self.is_current:
                self.call_after_refresh(self._focus_tab, tab, tries + 1)
            return
        boxes = self._forms[tab].boxes()
        if boxes and not boxes[0].composed:
            # Wait for the tab to compose, but not forever: under a modal (or once this
            # screen is gone) it may never refresh, and an endless retry starves the app.
            if tries < 20 and self.is_current:
                self.call_after_refresh(self._focus_tab, tab, tries + 1)
        elif boxes:
            # A field marked bad first, else where typing starts: the first empty field.
            bad = next((b for b in boxes if b.invalid), None)
            box = bad or self._forms[tab].first_empty() or boxes[0]
            # The first field is at the top: scrolling to it would hide its label.
            box.control.focus(scroll_visible=box is not boxes[0])

    def action_show_tab(self, tab: str) -> None:
        """Show ``tab`` and put the cursor in it."""
        if self.cycle is None:
            return
        self._show(tab)
        self.call_after_refresh(self._focus_tab, tab)

    def action_next_tab(self, step: int) -> None:
        """The next (or previous) tab, wrapping round."""
        if self.cycle is None:
            return
        i = TABS.index(self._active_tab())
        self.action_show_tab(TABS[(i + step) % len(TABS)])

    @on(TabBar.Activated)
    def _tab_chosen(self, event: TabBar.Activated) -> None:
        # Chosen on the tab bar (a click, left/right): show its pane; the focus stays.
        self._show(event.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self._FEEDBACK_ACTIONS:
            if parameters == ("key",):
                # ctrl+f: from every tab but Feedback, where a (shown there) does it.
                return self.cycle is not None and self._active_tab() != "feedback"
            return self.cycle is not None and self._active_tab() == "feedback"
        if action == "add_point":
            return self.cycle is not None
        if action in ("show_tab", "next_tab", "save", "export", "move_phase"):
            return self.cycle is not None
        return True

    def action_back(self) -> None:
        """Leave; ask first if something typed is not saved."""
        if not self.is_dirty():
            self.app.pop_screen()
            return
        from pdsa_tui.ui.dialogs.modals import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        question = (
            "Discard this new cycle? It has not been saved."
            if self.is_draft
            else "Discard unsaved changes to this cycle?"
        )
        self.app.push_screen(ConfirmScreen(question, yes="Discard", danger=True), answer)

    def action_export(self) -> None:
        """Export this cycle's summary (as saved)."""
        if self.cycle is None:
            return
        if self.is_draft:
            self.notify("Save the new cycle first (ctrl+s), then export it.", severity="warning")
            return
        if self.is_dirty():
            self.notify("Unsaved changes are not in the export: save first to include them.")
        from pdsa_tui.report.export import default_filename

        self.export({"cycle": self.cycle}, default_filename(self.cycle, "html"))

    # -- feedback ------------------------------------------------------------------------
    def _saved_cycle(self) -> Cycle | None:
        if self.cycle is None or self.is_draft:
            self.notify(
                "Save this new cycle first (ctrl+s): feedback belongs to a saved cycle.",
                severity="warning",
            )
            return None
        return self.cycle

    def _current_feedback(self) -> Feedback | None:
        tables = self.query("#feedback")  # none until the feedback tab is first shown
        key = tables.first(RecordTable).current_key if tables else None
        fb = self.store.lookup(Feedback, key) if key else None
        if fb is None:
            self.notify("No feedback selected: press a to add some.", severity="warning")
        return fb

    def _feedback_form(self, title: str, fb: Feedback) -> None:
        if not self.can_write():
            return

        def done(saved: Feedback | None) -> None:
            if saved is None:
                return
            self.changed()
            tables = self.query("#feedback")  # none if feedback was added from another tab
            if tables:
                tables.first(RecordTable).move_to(saved.id)
            self.notify("Saved feedback.", timeout=3)

        from pdsa_tui.ui.dialogs.feedback import FeedbackForm

        self.app.push_screen(FeedbackForm(title, fb, self.save), done)

    def action_add_feedback(self, via: str = "") -> None:
        """Add feedback heard during this cycle (``via`` is 'key' for ctrl+f, from any tab)."""
        cycle = self._saved_cycle()
        if cycle is not None:
            from pdsa_tui.ui.dialogs.feedback import new_feedback

            self._feedback_form(f"New feedback: cycle {cycle.number}", new_feedback(cycle))

    def action_edit_feedback(self) -> None:
        """Edit the feedback under the cursor."""
        if self._saved_cycle() is None:
            return
        fb = self._current_feedback()
        if fb is not None:
            self._feedback_form("Edit feedback", fb)

    def action_add_point(self) -> None:
        """Add a data point to one of the aim's measures (picked if it has several)."""
        if self.cycle is None or not self.can_write():
            return
        from pdsa_tui.ui.dialogs.point_form import add_point

        idea = self.store.lookup(ChangeIdea, self.cycle.idea_id)
        if idea is not None:
            add_point(self, idea.aim_id)

    @on(RecordTable.Selected, "#feedback")
    def _feedback_selected(self) -> None:
        self.action_edit_feedback()

    def action_delete_feedback(self) -> None:
        """Delete the feedback under the cursor, after asking."""
        if self._saved_cycle() is None:
            return
        fb = self._current_feedback()
        if fb is None:
            return
        when = format_date(fb.date) or "undated"
        who = choices.label(choices.FEEDBACK_SOURCES, fb.source).lower() or "someone"
        self.confirm_delete(fb, f"the feedback from a {who} ({when})")
