"""The aims overview: every aim at a glance and what needs attention."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from operator import attrgetter

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from pdsa_tui.analysis.attention import Attention, aim_attention, outcome_measure
from pdsa_tui.analysis.cases import live_measures
from pdsa_tui.analysis.measures import MeasureView, view_measure
from pdsa_tui.analysis.programme import overview_notes
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Measure, choices, format_date
from pdsa_tui.model.dates import today
from pdsa_tui.model.drivers import ChangePackage
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.summaries import (
    URGENT_MARK,
    aim_time_left,
    point_line,
    signal_label,
    stage_sentence,
    stage_summary,
    time_left,
)
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollText
from pdsa_tui.valueclass import value_class

#: Cycles in ramp order (each idea's cycles by number), read in C.
_RAMP_ORDER = attrgetter("idea_id", "number")

#: A cycle's stage, read in C (once per cycle: counted, and the open ones kept).
_STAGE = attrgetter("stage")

#: Up to this many cycles "Needs attention" is worked out with the aims, and the screen is
#: laid out and drawn once (the list takes 1 ms at 500 cycles and 2-3 ms at 5,000, less
#: than a second layout and drawing); above it the aims are drawn first, the list just after.
ATTENTION_WITH_AIMS = 10_000


@value_class
class AimStatus:
    """What the overview knows about one aim."""

    aim: Aim
    measures: list[Measure]
    ideas: list[ChangeIdea]
    #: Its cycles not yet closed, in ramp order: what "Needs attention" looks at (a closed
    #: cycle needs none; most of a programme's are closed).
    open_cycles: list[Cycle]
    outcome: MeasureView | None
    attention: list[Attention]
    #: Its cycles by stage (counted once: the row and the detail both show them).
    counts: Counter[str]


class OverviewScreen(PdsaScreen):
    """Aims with their status, and what needs attention across the programme."""

    #: Styled by app.tcss alone (the first screen: see ``PdsaApp._load_screen_css``).
    APP_SHEET_ONLY = True

    ABOUT = "Every aim with its outcome measure and cycles; below, what needs attention."

    BINDINGS = [
        Binding("enter", "open", "Open", id="overview.open", show=False),
        Binding("n", "new_aim", "New", id="overview.new", tooltip="New aim"),
        Binding("e", "edit_aim", "Edit", id="overview.edit", tooltip="Edit the highlighted aim"),
        Binding(
            "d,delete",
            "delete_aim",
            "Delete",
            id="overview.delete",
            tooltip="Delete the highlighted aim",
        ),
        Binding("r", "app.review", "Review", id="overview.review"),
        Binding(
            "w",
            "my_work",
            "My work",
            id="overview.my_work",
            show=False,
            tooltip="My work: cycles I lead and actions I own, by due date",
        ),
        Binding(
            "p",
            "app.programme",
            "Programme",
            id="overview.programme",
            show=False,  # the footer is full at 80 columns; the programme line names the key
            tooltip="Team, meetings and self-assessment",
        ),
        Binding(
            "s",
            "summary",
            "Summary",
            id="overview.summary",
            show=False,  # the footer is full at 80 columns: F1 and ctrl+p list it
            tooltip="Every measure on one page (the board's summary)",
        ),
        Binding("x", "export_aim", "Export", id="overview.export", tooltip="Export the aim report"),
        Binding(
            "X",
            "export_all",
            "Export all",
            id="overview.export_all",
            show=False,
            tooltip="Export every aim in one report",
        ),
        Binding("q", "app.quit", "Quit", id="overview.quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: dict[str, AimStatus] = {}
        #: How many times the aims were drawn (the attention list follows the latest).
        self._drawn = 0
        #: The aim (key, status) the detail panel shows.
        self._detail_of: tuple[str | None, AimStatus | None] | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="list-half"):
            yield RecordTable(
                [
                    Column("Aim"),
                    Column("Target", 6, "right"),
                    Column("By", 10),
                    Column("Left", 10),
                    Column("Latest", 6, "right"),
                    Column("Signal", 11),
                    Column("Cycles P D S A ✓", 16),
                ],
                empty_text="No aims yet: press n to add your first aim.",
                id="aims",
                classes="fit",
            )
        yield ScrollText(id="aim-detail", classes="summary")
        yield Static("", id="programme-line", classes="programme-line")
        yield Static(Text(f"Needs attention ({URGENT_MARK} act now)"), classes="section-title")
        yield RecordTable(
            [Column("What"), Column("Aim", 9)],
            empty_text="Nothing needs attention right now.",
            id="attention",
            classes="attention",
        )

    def on_mount(self) -> None:
        self.title = "Aims overview"
        super().on_mount()
        self.query_one("#aims", RecordTable).focus()
        # The home screen is the app's first: once drawn, start-up is over.
        self.call_after_refresh(self.pdsa.first_screen_drawn)

    # -- data --------------------------------------------------------------------------
    def sync(self) -> None:
        # The app's first screen can mount before the app has read the presence notes and
        # the sync services' copies (both shown here): the app then asks (show_home).
        if self.pdsa.started:
            super().sync()

    def refresh_data(self) -> None:
        store = self.store
        now = today()
        cases = store.all(Case)
        self.status = {}
        rows = []
        rules = store.default_rules()
        aims = store.aims()
        # Each aim's ideas and cycles in one pass over each table (the store's owner index
        # of cycles is made when first asked for: not needed for the first screen).
        ideas_by_aim: dict[str, list[ChangeIdea]] = {}
        for idea in store.all(ChangeIdea):
            ideas_by_aim.setdefault(idea.aim_id, []).append(idea)
        idea_aim = {i.id: i.aim_id for ideas in ideas_by_aim.values() for i in ideas}
        cycles_by_aim: dict[str, list[Cycle]] = {}
        for c in store.all(Cycle):
            aim_id = idea_aim.get(c.idea_id)
            if aim_id is not None:
                cycles_by_aim.setdefault(aim_id, []).append(c)
        for aim in aims:
            measures = live_measures(store.measures(aim.id), cases, now)
            outcome = outcome_measure(measures)
            view = view_measure(outcome, aim=aim, default_rules=rules) if outcome else None
            ideas = ideas_by_aim.get(aim.id, [])
            cycles = cycles_by_aim.get(aim.id, [])
            stages = list(map(_STAGE, cycles))
            counts = Counter(stages)
            open_cycles = [c for c, stage in zip(cycles, stages, strict=True) if stage != "closed"]
            open_cycles.sort(key=_RAMP_ORDER)
            self.status[aim.id] = AimStatus(aim, measures, ideas, open_cycles, view, [], counts)
            signal = signal_label(view)
            latest = view.format(view.latest()) if view else "-"
            rows.append(
                Row(
                    aim.id,
                    (
                        aim.code,
                        f"{aim.target_pct:g}%" if aim.target_pct is not None else "",
                        format_date(aim.deadline),
                        (
                            aim_time_left(aim.status, aim.deadline, now),
                            "good" if aim.status == "achieved" else "dim",
                        )
                        if aim.status != "active"
                        else time_left(aim.deadline, now),
                        latest,
                        (signal[0], signal[1]),
                        stage_summary(counts),
                    ),
                )
            )
        line, notes = overview_notes(store.programme(), aims, store.meetings(), now)
        others = getattr(self.app, "others", [])
        if others:  # other copies with the file open now (their presence notes)
            line += " · Also open: " + ", ".join(o.label() for o in others)
        self.query_one("#programme-line", Static).update(Text(f"Programme (p): {line}"))
        table = self.query_one("#aims", RecordTable)
        table.set_rows(rows)
        self._show_detail(table.current_key)
        self._drawn += 1
        if store.count(Cycle) <= ATTENTION_WITH_AIMS:
            # Worked out with the aims, the screen is laid out and drawn once.
            self._fill_attention(notes, now, cases, rules)
        else:
            # The aims are drawn first; what needs attention (every cycle looked at: 60 ms
            # at 50,000 cycles) is worked out just after, then drawn below them.
            self.call_after_refresh(self._show_attention, self._drawn, notes, now, cases, rules)

    def _show_attention(
        self, drawn: int, notes: list[str], now: dt.date, cases: list[Case], rules: str
    ) -> None:
        """Fill "Needs attention" for the aims drawn last (``drawn``: skip a stale call),
        judged on the same day, cases and rule set as the aims' rows."""
        if drawn == self._drawn and self.is_mounted:
            self._fill_attention(notes, now, cases, rules)

    def _fill_attention(
        self, notes: list[str], now: dt.date, cases: list[Case], rules: str
    ) -> None:
        """Work out "Needs attention" for the aims in :attr:`status` and show it."""
        packages = self.store.all(ChangePackage)
        # Conflict copies a sync service made, merged: listed first, until seen (enter).
        attention_rows = [
            Row(f"copy:{k}", ((text, "warn"), "File"))
            for k, text in enumerate(getattr(self.app, "copy_lines", []))
        ]
        for st in self.status.values():
            st.attention = aim_attention(
                st.aim,
                st.measures,
                st.ideas,
                st.open_cycles,
                now,
                packages=packages,
                cases=cases,
                default_rules=rules,
            )
            for item in st.attention:
                attention_rows.append(
                    Row(
                        f"{item.kind}:{item.record_id}",
                        (
                            # "!" says "act now" without the red.
                            (f"{URGENT_MARK} {item.text}", "bad")
                            if item.priority == 0
                            else (item.text, "warn"),
                            st.aim.code,
                        ),
                    )
                )
        attention_rows += [
            Row(f"programme:{k}", ((text, "warn"), "Programme")) for k, text in enumerate(notes)
        ]
        self.query_one("#attention", RecordTable).set_rows(attention_rows)

    @on(RecordTable.Highlighted, "#aims")
    def _aim_highlighted(self, event: RecordTable.Highlighted) -> None:
        # The row under the cursor now: a message posted as the table mounted (no rows
        # yet, no key) arrives after the first redraw has put the cursor on an aim.
        self._show_detail(event.table.current_key)

    def _show_detail(self, aim_id: str | None) -> None:
        st = self.status.get(aim_id or "")
        shown = self._detail_of
        if shown is not None and shown[0] == aim_id and shown[1] is st:
            return  # shown already (the cursor set by a redraw says it again)
        self._detail_of = (aim_id, st)
        detail = self.query_one("#aim-detail", ScrollText)
        if st is None:
            detail.update(Text("Press n to create an aim: what, how much (%), from when, by when."))
            return
        aim = st.aim
        text = Text()
        text.append(f"{aim.code}: ", style="bold")
        text.append(aim.statement)
        text.append("\n")
        facts = [
            f"Lead: {aim.lead or '-'}",
            f"{choices.label(choices.AIM_KINDS, aim.kind)}, "
            f"{choices.label(choices.AIM_STATUSES, aim.status).lower()}",
        ]
        if aim.cohort_from:
            facts.append(f"cohort from {format_date(aim.cohort_from)}")
        text.append(" · ".join(facts), style="dim")
        text.append("\n")
        if st.outcome is not None:
            text.append(f"Outcome: {st.outcome.measure.name}: ")
            text.append(point_line(st.outcome))
            text.append("\n")
        text.append(
            f"{len(st.ideas)} change idea{'s' if len(st.ideas) != 1 else ''}; cycles: "
            f"{stage_sentence(st.counts)}"
        )
        hints = aim.statement_hints()
        if hints:
            text.append("\n" + " ".join(hints), style="italic")
        detail.update(text)

    # -- actions ---------------------------------------------------------------------------
    def _current_aim(self) -> Aim | None:
        key = self.query_one("#aims", RecordTable).current_key
        st = self.status.get(key or "")
        if st is None:
            self.notify("No aim selected: press n to create one.", severity="warning")
            return None
        return st.aim

    def action_my_work(self) -> None:
        """Open My work: what the person using pdsa leads or owns."""
        from pdsa_tui.ui.screens.mywork import MyWorkScreen

        self.app.push_screen(MyWorkScreen())

    def action_open(self) -> None:
        aim = self._current_aim()
        if aim is not None:
            self.open_aim(aim)

    def open_aim(self, aim: Aim) -> None:
        """Show the aim's screen."""
        from pdsa_tui.ui.screens.aim import AimScreen

        self.app.push_screen(AimScreen(aim.id))

    @on(RecordTable.Selected, "#aims")
    def _aim_selected(self, event: RecordTable.Selected) -> None:
        st = self.status.get(event.key)
        if st is not None:
            self.open_aim(st.aim)

    @on(RecordTable.Selected, "#attention")
    def _attention_selected(self, event: RecordTable.Selected) -> None:
        kind, record_id = event.key.split(":", 1)
        if kind == "copy":
            lines = getattr(self.app, "copy_lines", [])
            if record_id.isdigit() and int(record_id) < len(lines):
                del lines[int(record_id)]
            self.refresh_data()
            return
        if kind == "programme":
            self.pdsa.action_programme()
            return
        store = self.store
        cycle = store.lookup(Cycle, record_id)
        if cycle is not None:
            from pdsa_tui.ui.screens.cycle import CycleScreen

            self.app.push_screen(CycleScreen(cycle.id))
            return
        case = store.lookup(Case, record_id)
        if case is not None:
            from pdsa_tui.ui.screens.cases import CasesScreen

            self.app.push_screen(CasesScreen(case.measure_id, case_id=case.id))
            return
        for st in self.status.values():
            if record_id in (st.aim.id, *(m.id for m in st.measures)):
                self.open_aim(st.aim)
                return

    def action_new_aim(self) -> None:
        def then(aim: Aim) -> None:
            self.query_one("#aims", RecordTable).move_to(aim.id)
            hints = aim.statement_hints()
            if hints:
                self.notify(" ".join(hints), title="About the statement", severity="warning")

        self.edit_record(
            "New aim",
            Aim(),
            then=then,
            intro=["A clear aim says what, how much (%), for whom, from when and by when."],
        )

    def action_edit_aim(self) -> None:
        aim = self._current_aim()
        if aim is not None:
            self.edit_record(f"Edit aim: {aim.code}", aim)

    def action_delete_aim(self) -> None:
        aim = self._current_aim()
        if aim is not None:
            self.confirm_delete(aim, f"aim '{aim.code}'")

    def action_summary(self) -> None:
        """Every measure on one page (the summary board papers open with)."""
        from pdsa_tui.ui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen())

    def action_export_aim(self) -> None:
        aim = self._current_aim()
        if aim is not None:
            from pdsa_tui.report.export import default_filename

            self.export({"aim": aim}, default_filename(aim, "html"))

    def action_export_all(self) -> None:
        self.export({"all": True}, "pdsa-programme.html")
