"""The programme: the team and its leads, meetings with decisions and actions, and the
self-sufficiency self-assessment with progress since the last round."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from pdsa_tui.analysis import programme as ap
from pdsa_tui.model import Answer, Meeting, Programme, Question, choices, dates, format_date
from pdsa_tui.store import Store, StoreError
from pdsa_tui.store import assess as assess_store
from pdsa_tui.ui import styles
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollBox

_STATUS_STYLE = {"in-place": "good", "partly": "warn", "not-yet": "bad", "n/a": "dim"}


def meeting_intro() -> list[str]:
    """What the meeting form says before its fields."""
    return [
        "Cycles studied: one a line, 'cycle | decision | note'. Actions: 'what | owner | due'; "
        "add '| done' when done. Roles, never children's names."
    ]


class ProgrammeScreen(PdsaScreen):
    """Team, meetings and self-assessment in three tabs."""

    CSS_PATH = styles.path("programme.tcss")
    ABOUT = (
        "Team: the PACE group, its leads, cadences and governance line (e edits). "
        "Meetings: decisions and actions (n new, enter edits, x exports the minutes). "
        "Self-assessment: every question of the PACE template (enter answers, A starts a "
        "new dated round, n adds your own question). X exports the governance pack."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="programme.back"),
        Binding("e", "edit_programme", "Edit team", id="programme.edit"),
        Binding("n", "new", "New", id="programme.new", tooltip="New meeting or own question"),
        Binding("enter", "open", "Open", id="programme.open", show=False),
        Binding("d,delete", "delete", "Delete", id="programme.delete", show=False),
        Binding(
            "A",
            "new_round",
            "New round",
            id="programme.round",
            show=False,  # the self-assessment tab names it; the footer is full at 80 columns
            tooltip="Start a new dated self-assessment",
        ),
        Binding(
            "x",
            "export_minutes",
            "Minutes",
            id="programme.minutes",
            tooltip="Export the highlighted meeting's minutes",
        ),
        Binding(
            "X", "export_pack", "Pack", id="programme.pack", tooltip="Export the governance pack"
        ),
        Binding("1", "tab('team')", "Team", id="programme.team", show=False),
        Binding("2", "tab('meetings')", "Meetings", id="programme.meetings", show=False),
        Binding("3", "tab('assess')", "Self-assessment", id="programme.assess", show=False),
        Binding("r", "app.review", "Review", id="programme.review", show=False),
    ]

    def __init__(self, tab: str = "team") -> None:
        super().__init__()
        self.initial_tab = tab
        self.questions: dict[str, ap.AssessQuestion] = {}
        self.answers: dict[str, Answer] = {}
        self.facts: ap.Facts | None = None
        self.progress: dict[str, str] = {}

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="programme-tabs", initial=self.initial_tab):
            with TabPane("Team (1)", id="team"), VerticalScroll(classes="programme-team"):
                yield Static("", id="team-text")
            with TabPane("Meetings (2)", id="meetings"):
                yield RecordTable(
                    [
                        Column("Date", 10),
                        Column("Meeting"),
                        Column("Here", 4, "right"),
                        Column("Decided", 7, "right"),
                        Column("Open", 9, "right"),
                    ],
                    empty_text="No meetings yet: n records one; the review queue (r) can too.",
                    id="meetings-table",
                    classes="programme-list",
                )
                with VerticalScroll(classes="programme-detail"):
                    yield Static("", id="meeting-detail")
            with TabPane("Self-assessment (3)", id="assess"):
                with ScrollBox(classes="summary"):
                    yield Static("", id="assess-head")
                yield RecordTable(
                    [Column("Theme", 14), Column("Question"), Column("Status", 8)],
                    id="assess-table",
                    classes="programme-list",
                )
                with VerticalScroll(classes="programme-detail"):
                    yield Static("", id="question-detail")

    def on_mount(self) -> None:
        self.title = "Programme"
        super().on_mount()
        self._focus_tab(self.initial_tab)

    # -- data --------------------------------------------------------------------------------
    def refresh_data(self) -> None:
        store = self.store
        now = dates.today()
        prog = store.programme()
        meetings = store.meetings()
        self.facts = ap.facts_from(store, now)
        if prog is not None:
            self.title = f"Programme: {prog.name}"
        self.query_one("#team-text", Static).update(self._team_text(prog, meetings))
        rows = []
        for m in meetings:
            open_n = sum(1 for a in m.actions if not a.done)
            late = sum(1 for a in m.actions if a.overdue(now))
            rows.append(
                Row(
                    m.id,
                    (
                        format_date(m.date),
                        _kind(m) + (" (review queue)" if m.from_review else ""),
                        str(len(m.present)),
                        str(len(m.decided())),
                        # "late" in words as well as red (NO_COLOR, colour blindness).
                        (f"{open_n}, {late} late", "bad") if late else str(open_n),
                    ),
                )
            )
        table = self.query_one("#meetings-table", RecordTable)
        table.set_rows(rows)
        self._show_meeting(table.current_key)
        self._refresh_assessment()

    def _refresh_assessment(self) -> None:
        store = self.store
        rounds = store.assessments()
        latest = rounds[0] if rounds else None
        previous = rounds[1] if len(rounds) > 1 else None
        questions = ap.all_questions(store.questions())
        self.questions = {q.id: q for q in questions}
        self.answers = store.answers(latest.id) if latest is not None else {}
        before = store.answers(previous.id) if previous is not None else None
        head = self.query_one("#assess-head", Static)
        self.progress = {}
        if latest is None or latest.date is None:
            head.update(
                Text(
                    "No self-assessment yet. Press enter on a question to answer it "
                    "(a round dated today starts), or A to start a round."
                )
            )
        else:
            lines = ap.progress_lines(
                questions, self.answers, latest.date, before, previous.date if previous else None
            )
            scores = ap.theme_scores(questions, self.answers)
            self.progress = {s.theme: line for s, line in zip(scores, lines, strict=True)}
            total = sum(s.in_place for s in scores)
            applicable = sum(s.applicable for s in scores)
            text = (
                f"Self-assessment of {format_date(latest.date)}: {total} of {applicable} in place"
            )
            if previous is not None and before is not None and previous.date is not None:
                was = sum(s.in_place for s in ap.theme_scores(questions, before))
                text += f" (was {was} on {format_date(previous.date)})"
            head.update(Text(text + ". A starts a new round."))
        rows = []
        for q in questions:
            status = ap.status_of(self.answers, q.id)
            label = choices.label(choices.ASSESS_STATUSES, status)
            if status == "n/a":
                label = "n/a"
            text = q.text + (" (ours)" if q.custom else "")
            rows.append(Row(q.id, (ap.theme_name(q.theme), text, (label, _STATUS_STYLE[status]))))
        table = self.query_one("#assess-table", RecordTable)
        table.set_rows(rows)
        self._show_question(table.current_key)

    def _team_text(self, prog: Programme | None, meetings: list[Meeting]) -> Text:
        now = dates.today()
        text = Text()
        if prog is None:
            text.append("No programme yet.\n\n", style="bold")
            text.append(
                "Press e to record the PACE group: its name, the PACE lead and the data lead "
                "(the template calls both crucial), members and their agencies, how often the "
                "Leads group meets, to whom it reports, and the localities."
            )
            return text
        text.append(prog.name + "\n", style="bold")
        for label, value in (("PACE lead", prog.pace_lead), ("Data lead", prog.data_lead)):
            text.append(f"{label}: ")
            if value.strip():
                text.append(value + "\n")
            else:
                text.append("not named (crucial)\n", style="bold red")
        cad = choices.label(choices.CADENCES, prog.leads_cadence) or "not set"
        text.append(f"Leads group meets: {cad}\n")
        if prog.governance_to.strip():
            how = choices.label(choices.CADENCES, prog.governance_cadence).lower()
            text.append(f"Reports to: {prog.governance_to}, {how}\n")
        else:
            text.append("Reports to: no governance line recorded\n", style="italic")
        text.append(f"Localities: {', '.join(prog.localities) or '-'}\n")
        rules = choices.label(choices.RULE_SETS, prog.rules) or prog.rules
        text.append(f"Default rule set: {rules} (measures set to the programme's default)\n")
        for due in ap.meetings_due(prog, self.store.aims(), meetings):
            text.append(due.text(now) + "\n", style="bold" if due.overdue(now) else "")
        late = ap.overdue_actions(meetings, now)
        for o in late:
            text.append(
                f"Overdue: {o.action.what} ({o.action.owner or 'no owner'}, due "
                f"{format_date(o.action.due)})\n",
                style="red",
            )
        text.append(f"\nMembers ({len(prog.members)})\n", style="bold")
        for m in prog.members:
            agency = choices.label(choices.AGENCIES, m.agency) or "agency not given"
            text.append(f"  {m.name}: {m.role or '-'} ({agency})\n")
        text.append("\nAims: lead and group cadence (edit on the aim)\n", style="bold")
        for aim in self.store.aims():
            cad = choices.label(choices.CADENCES, aim.group_cadence).lower() or "cadence not set"
            text.append(f"  {aim.code}: {aim.lead or 'no lead'}; meets {cad}\n")
        if prog.notes.strip():
            text.append("\n" + prog.notes.strip())
        return text

    # -- details -----------------------------------------------------------------------------
    @on(RecordTable.Highlighted, "#meetings-table")
    def _meeting_highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_meeting(event.key)

    def _show_meeting(self, key: str | None) -> None:
        detail = self.query_one("#meeting-detail", Static)
        m = self.store.lookup(Meeting, key) if key else None
        if m is None:
            detail.update("")
            return
        now = dates.today()
        text = Text()
        text.append(f"{_kind(m)}, {format_date(m.date)}\n", style="bold")
        text.append(f"Present: {', '.join(m.present) or '-'}")
        if m.data_reviewed:
            text.append(f" · data reviewed: {m.data_reviewed}")
        text.append("\n")
        for d in m.decisions:
            text.append(f"  {d.label}: ")
            text.append(choices.label(choices.DECISIONS, d.decision) or "studied", style="bold")
            text.append(f"{' - ' + d.note if d.note else ''}\n")
        for a in m.actions:
            style = "red" if a.overdue(now) else ("dim" if a.done else "")
            due = f", due {format_date(a.due)}" if a.due else ""
            state = " (done)" if a.done else (" (OVERDUE)" if a.overdue(now) else "")
            text.append(f"  Action: {a.what} ({a.owner or 'no owner'}{due}){state}\n", style=style)
        if m.notes.strip():
            text.append(m.notes.strip(), style="italic")
        detail.update(text)

    @on(RecordTable.Highlighted, "#assess-table")
    def _question_highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_question(event.key)

    def _show_question(self, key: str | None) -> None:
        detail = self.query_one("#question-detail", Static)
        q = self.questions.get(key or "")
        if q is None:
            detail.update("")
            return
        text = Text()
        if q.theme in self.progress:
            text.append(self.progress[q.theme] + "\n", style="bold")
        text.append(q.text + "\n")
        ev = ap.evidence(q.evidence_key, self.facts) if self.facts is not None else None
        if ev:
            text.append("pdsa knows: ", style="bold")
            text.append(ev + "\n", style="italic")
        a = self.answers.get(q.id)
        status = ap.status_of(self.answers, q.id)
        text.append(f"Status: {choices.label(choices.ASSESS_STATUSES, status)}")
        if a is not None:
            if a.owner:
                text.append(f" · owner {a.owner}")
            if a.review:
                text.append(f" · review by {format_date(a.review)}")
            if a.action.strip():
                text.append(f"\nNext action: {a.action.strip()}")
            if a.notes.strip():
                text.append(f"\nNotes: {a.notes.strip()}", style="dim")
        detail.update(text)

    # -- helpers -------------------------------------------------------------------------------
    def _tab(self) -> str:
        return self.query_one("#programme-tabs", TabbedContent).active or "team"

    def _focus_tab(self, tab: str) -> None:
        table = {"meetings": "#meetings-table", "assess": "#assess-table"}.get(tab)
        if table is not None:
            self.query_one(table, RecordTable).focus()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self._focus_tab(event.pane.id or "team")

    def _current_meeting(self) -> Meeting | None:
        key = self.query_one("#meetings-table", RecordTable).current_key
        return self.store.lookup(Meeting, key) if key else None

    def _current_question(self) -> ap.AssessQuestion | None:
        key = self.query_one("#assess-table", RecordTable).current_key
        return self.questions.get(key or "")

    # -- actions ---------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one("#programme-tabs", TabbedContent).active = tab

    def action_edit_programme(self) -> None:
        prog = self.store.programme()
        self.edit_record(
            "Programme" if prog is not None else "New programme",
            prog or Programme(),
            tall=["members"],
            intro=[
                "The PACE lead and the data lead are crucial: the overview warns while either is "
                "missing. Each aim's lead and group cadence are on the aim itself."
            ],
        )

    def action_new(self) -> None:
        tab = self._tab()
        if tab == "assess":
            current = self._current_question()

            def then(q: Question) -> None:
                self.query_one("#assess-table", RecordTable).move_to(q.id)

            self.edit_record(
                "New question of our own",
                Question(theme=current.theme if current is not None else ""),
                then=then,
            )
        elif tab == "meetings":
            self.new_meeting(Meeting(date=dates.today()))
        else:
            self.action_edit_programme()

    def new_meeting(self, meeting: Meeting, *, title: str = "New meeting") -> None:
        """Open the meeting form for ``meeting`` (new or prefilled)."""

        def then(saved: Meeting) -> None:
            self.action_tab("meetings")
            self.query_one("#meetings-table", RecordTable).move_to(saved.id)

        self.edit_record(
            title, meeting, then=then, tall=["decisions", "actions"], intro=meeting_intro()
        )

    def action_open(self) -> None:
        tab = self._tab()
        if tab == "meetings":
            m = self._current_meeting()
            if m is not None:
                self.edit_record(
                    f"Meeting: {m.title}", m, tall=["decisions", "actions"], intro=meeting_intro()
                )
        elif tab == "assess":
            q = self._current_question()
            if q is not None:
                self.answer(q)
        else:
            self.action_edit_programme()

    @on(RecordTable.Selected)
    def _selected(self) -> None:
        self.action_open()

    def answer(self, q: ap.AssessQuestion) -> None:
        """Open the answer form for ``q`` in the latest round (starting one if there is none)."""
        if not self.can_write():
            return
        latest = assess_store.latest(self.store)
        existing = self.answers.get(q.id) if latest is not None else None
        base = existing or Answer(assessment_id=latest.id if latest else "", question=q.id)
        intro: list[str | tuple[str, str]] = [(q.text, "form-intro")]
        ev = ap.evidence(q.evidence_key, self.facts) if self.facts is not None else None
        if ev:
            intro.append((f"pdsa knows: {ev}", "field-help"))
        when = format_date(latest.date) if latest else f"{format_date(dates.today())} (new)"
        intro.append((f"Self-assessment of {when}", "field-help"))

        def save(record: Answer) -> Answer:
            if self.store.read_only:
                raise StoreError(f"Read-only: {self.store.read_only_reason}; nothing was saved.")
            with self.store.transaction():
                if not record.assessment_id:
                    round_ = assess_store.current(self.store, dates.today())
                    record = dataclasses.replace(record, assessment_id=round_.id)
                return self.store.save(record)

        def done(saved: Answer | None) -> None:
            if saved is not None:
                self.changed()
                self.notify(
                    f"Saved: {choices.label(choices.ASSESS_STATUSES, saved.status)}.", timeout=3
                )

        from pdsa_tui.ui.dialogs.modals import RecordForm

        self.app.push_screen(
            # The answer is its status first: enter opens the choice, then tab to the notes.
            RecordForm(
                f"{ap.theme_name(q.theme)}: answer", base, save, intro=intro, start="status"
            ),
            done,
        )

    def action_new_round(self) -> None:
        if not self.can_write():
            return
        now = dates.today()
        latest = assess_store.latest(self.store)
        if latest is not None and latest.date is not None and latest.date >= now:
            self.notify(
                f"The latest self-assessment is dated {format_date(latest.date)}; "
                "a new round can start tomorrow.",
                severity="warning",
            )
            return
        try:
            assess_store.start(self.store, now)
        except StoreError as exc:
            self.notify(str(exc), title="Not started", severity="error", timeout=10)
            return
        self.changed()
        self.action_tab("assess")
        carried = " with the last round's answers carried forward" if latest else ""
        self.notify(f"Started the self-assessment of {format_date(now)}{carried}.", timeout=5)

    def action_delete(self) -> None:
        tab = self._tab()
        if tab == "meetings":
            m = self._current_meeting()
            if m is not None:
                self.confirm_delete(m, f"the meeting '{m.title}'")
        elif tab == "assess":
            q = self._current_question()
            if q is None:
                return
            if not q.custom:
                self.notify(
                    "Template questions stay; mark it 'not applicable' instead.", severity="warning"
                )
                return
            rec = self.store.lookup(Question, q.id)
            if rec is not None:
                self.confirm_delete(rec, f"your question '{q.text}' and its answers")

    def action_export_minutes(self) -> None:
        m = self._current_meeting() if self._tab() == "meetings" else None
        if m is None:
            self.notify("Highlight a meeting on the Meetings tab (2) first.", severity="warning")
            return
        stamp = m.date.isoformat() if m.date else "undated"
        from pdsa_tui.report.programme import MINUTES_FORMATS

        self._export_prompt(
            f"minutes-{stamp}.html", MINUTES_FORMATS, lambda fmt: _minutes(self.store, m, fmt)
        )

    def action_export_pack(self) -> None:
        prog = self.store.programme()
        since = prog.report_since(dates.today()) if prog is not None else None

        def build(fmt: str) -> bytes:
            from pdsa_tui.report.papers import pack_bytes

            return pack_bytes(self.store, since=since, today=dates.today(), fmt=fmt)

        from pdsa_tui.report.programme import PACK_FORMATS

        self._export_prompt(
            f"governance-pack-{dates.today().isoformat()}.html",
            PACK_FORMATS,
            build,
            pack=True,
            since=since,
        )

    def _export_prompt(
        self,
        suggested: str,
        formats: tuple[str, ...],
        build: Callable[[str], bytes],
        *,
        pack: bool = False,
        since: dt.date | None = None,
    ) -> None:
        self.export_prompt(
            "Governance pack: export to file" if pack else "Minutes: export to file",
            suggested,
            formats,
            lambda path, fmt: self._write_doc(path, fmt, build, pack=pack, since=since),
            "the governance pack" if pack else "minutes",
        )

    def _write_doc(
        self,
        path: Path,
        fmt: str,
        build: Callable[[str], bytes],
        *,
        pack: bool,
        since: dt.date | None,
        force: bool = False,
    ) -> None:
        from pdsa_tui.ui.dialogs.modals import ConfirmScreen

        try:
            done = self.export_file(path, build(fmt), force=force)
        except FileExistsError:

            def answer(yes: bool | None) -> None:
                if yes:
                    self._write_doc(path, fmt, build, pack=pack, since=since, force=True)

            self.app.push_screen(
                ConfirmScreen(f"{path} exists. Replace it?", yes="Replace", danger=True), answer
            )
            return
        except (OSError, StoreError, RuntimeError, ValueError) as exc:
            # RuntimeError/ValueError: a Word or PDF renderer refused (said in words, no trace).
            self.notify(f"Not exported: {exc}", severity="error", timeout=10)
            return
        if pack:
            prog = self.store.programme()
            done_prog = prog.packed(dates.today(), since) if prog is not None else None
            if done_prog is not None and done_prog != prog and not self.store.read_only:
                # The pack is written; failing to keep its date only changes the next default.
                with contextlib.suppress(StoreError):
                    self.store.save(done_prog)
        self.notify(done, title="Export done", timeout=8)


def _kind(m: Meeting) -> str:
    if m.kind == "aim" and m.aim:
        return f"{m.aim} group"
    return choices.label(choices.MEETING_KINDS, m.kind)


def _minutes(store: Store, meeting: Meeting, fmt: str) -> bytes:
    from pdsa_tui.report.papers import minutes_bytes

    return minutes_bytes(store, meeting, fmt=fmt)
