"""An aim: its measures with inline run charts and verdicts, and its change ideas."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane

from pdsa_tui.analysis.cases import live_measures
from pdsa_tui.analysis.charts import CHART_NAMES, ChartType
from pdsa_tui.analysis.measures import (
    MeasureView,
    brief_verdict,
    cycle_markers,
    marker_notes,
    thin_markers,
)
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Measure, choices, format_date
from pdsa_tui.model.dates import today
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.summaries import signal_label, stage_counts, stage_summary, time_left
from pdsa_tui.ui.view_cache import analyse_now, cached_view, measure_view
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollBox

_STATUS_CLASS = {"abandoned": "dim", "sustained": "good", "spreading": "good"}


def measure_row(view: MeasureView) -> Row:
    """A measure's row: name, type, latest value and signal."""
    m = view.measure
    type_ = choices.label(choices.MEASURE_TYPES, m.type)
    return Row(m.id, (m.name, type_, view.format(view.latest()), signal_label(view)))


class AimScreen(PdsaScreen):
    """One aim: measures (with the chart of the highlighted one) and change ideas."""

    ABOUT = (
        "Measures tab: the highlighted measure's run chart and what it says. "
        "Change ideas tab: each idea with its lead, status and cycles."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="aim.back"),
        Binding("n", "new", "New", id="aim.new", tooltip="New measure or change idea"),
        Binding("e", "edit", "Edit", id="aim.edit", tooltip="Edit the highlighted measure or idea"),
        Binding(
            "d,delete", "delete", "Delete", id="aim.delete", tooltip="Delete the measure or idea"
        ),
        Binding(
            "c",
            "chart",
            "Chart type",
            id="aim.chart",
            tooltip="The next chart type the measure's data can take (stored with the measure)",
        ),
        Binding("A", "edit_aim", "Edit aim", id="aim.edit_aim"),
        # N, not C: C is the app's Conflicts on every screen.
        Binding(
            "N",
            "new_case_measure",
            "New case measure",
            id="aim.new_case_measure",
            show=False,
            tooltip="New case measure: cases with start and milestone dates",
        ),
        Binding("m", "tab('measures')", "Measures", id="aim.measures", show=False),
        Binding("i", "tab('ideas')", "Ideas", id="aim.ideas", show=False),
        Binding("x", "export", "Export", id="aim.export", tooltip="Export the aim report"),
        Binding("D", "drivers", "Drivers", id="aim.drivers", tooltip="The aim's driver diagram"),
        Binding(
            "S", "spread", "Spread", id="aim.spread", tooltip="Change ideas by locality (spread)"
        ),
        Binding("r", "app.review", "Review", id="aim.review", show=False),
    ]

    def __init__(self, aim_id: str) -> None:
        super().__init__()
        self.aim_id = aim_id
        #: Charts shown this visit (a read-only file cannot store the choice).
        self.chart_kind: dict[str, ChartType] = {}
        self.views: dict[str, MeasureView] = {}
        self._rows: list[Row] = []
        #: Counts redraws, so an analysis asked for before the last one is dropped.
        self._drawn = 0
        self.markers: list[tuple[dt.date, str]] = []
        self.marker_notes: dict[str, str] = {}

    @property
    def aim(self) -> Aim:
        """The aim shown."""
        return self.store.get(Aim, self.aim_id)

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="aim-summary")
        with TabbedContent(id="aim-tabs", initial="measures"):
            with TabPane("Measures (m)", id="measures"):
                yield RecordTable(
                    [
                        Column("Measure"),
                        Column("Type", 9),
                        Column("Latest", 7, "right"),
                        Column("Signal", 11),
                    ],
                    empty_text="No measures yet: press n to add one.",
                    id="measures-table",
                    classes="fit",
                )
                with Vertical(classes="detail-half"):
                    yield ChartView(id="aim-chart", classes="chart")
                    with ScrollBox(classes="verdict-box"):
                        yield Static("", id="aim-verdict", classes="verdict")
            with TabPane("Change ideas (i)", id="ideas"):
                yield RecordTable(
                    [
                        Column("Change idea"),
                        Column("Lead", 20),
                        Column("Status", 12),
                        Column("Cycles P D S A ✓", 16),
                    ],
                    empty_text="No change ideas yet: press n to add one.",
                    id="ideas-table",
                )

    # The list has the cursor when the screen opens. Focusing it from on_mount alone raced
    # the screen's own first focus, which could land on the tab bar (enter then did nothing).
    AUTO_FOCUS = "#measures-table"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#measures-table", RecordTable).focus()

    # -- data ----------------------------------------------------------------------------
    def refresh_data(self) -> None:
        if self.store.lookup(Aim, self.aim_id) is None:
            self.app.pop_screen()
            return
        aim = self.aim
        self.title = aim.code
        now = today()
        text = Text()
        text.append(aim.statement)
        text.append("\n")
        facts = []
        if aim.target_pct is not None:
            facts.append(f"target {aim.target_pct:g}%")
        if aim.cohort_from:
            facts.append(f"from {format_date(aim.cohort_from)}")
        if aim.deadline:
            left = f" ({time_left(aim.deadline, now)})" if aim.status == "active" else ""
            facts.append(f"by {format_date(aim.deadline)}{left}")
        facts.append(f"lead {aim.lead or '-'}")
        facts.append(choices.label(choices.AIM_STATUSES, aim.status).lower())
        text.append(" · ".join(facts), style="dim")
        hints = aim.statement_hints()
        if hints:
            text.append("\n" + " ".join(hints), style="italic")
        self.query_one("#aim-summary", Static).update(text)

        cycles = self.store.cycles_for_aim(aim.id)
        self.markers = cycle_markers(cycles)
        titles = {i.id: i.title for i in self.store.ideas(aim.id)}
        self.marker_notes = marker_notes(cycles, titles)
        self.views = {}
        self._rows = []
        pending = []
        for m in live_measures(self.store.measures(aim.id), self.store.all(Case), now):
            chart = self.chart_kind.get(m.id)
            view = cached_view(self.store, m, chart=chart, aim=aim, today=now)
            if view is None and analyse_now(m):
                view = measure_view(self.store, m, chart=chart, aim=aim, today=now)
            if view is None:
                # A long series: its row now, its latest value and signal once analysed.
                pending.append(m)
                type_ = choices.label(choices.MEASURE_TYPES, m.type)
                self._rows.append(Row(m.id, (m.name, type_, "…", ("working…", "dim"))))
            else:
                self.views[m.id] = view
                self._rows.append(measure_row(view))
        mtable = self.query_one("#measures-table", RecordTable)
        mtable.set_rows(self._rows)
        self._show_measure(mtable.current_key)
        self._drawn += 1
        if pending:
            self.call_after_refresh(self._analyse_later, self._drawn, pending, now)

        by_idea: dict[str, list[Cycle]] = {}
        for c in cycles:
            by_idea.setdefault(c.idea_id, []).append(c)
        idea_rows = []
        for idea in self.store.ideas(aim.id):
            status = choices.label(choices.IDEA_STATUSES, idea.status)
            idea_rows.append(
                Row(
                    idea.id,
                    (
                        idea.title,
                        idea.lead,
                        (status, _STATUS_CLASS[idea.status])
                        if idea.status in _STATUS_CLASS
                        else status,
                        stage_summary(stage_counts(by_idea.get(idea.id, []))),
                    ),
                )
            )
        self.query_one("#ideas-table", RecordTable).set_rows(idea_rows)

    def _analyse_later(self, drawn: int, pending: list[Measure], now: dt.date) -> None:
        """Analyse the first of ``pending`` (after a frame), then the rest, one a frame."""
        if drawn != self._drawn or not pending:
            return  # redrawn meanwhile: the newer redraw has its own list
        m, rest = pending[0], pending[1:]
        chart = self.chart_kind.get(m.id)
        view = measure_view(self.store, m, chart=chart, aim=self.aim, today=now)
        self.views[m.id] = view
        self._rows = [measure_row(view) if r.key == m.id else r for r in self._rows]
        mtable = self.query_one("#measures-table", RecordTable)
        mtable.set_rows(self._rows)
        if mtable.current_key == m.id:
            self._show_measure(m.id)
        if rest:
            self.call_after_refresh(self._analyse_later, drawn, rest, now)

    @on(RecordTable.Highlighted, "#measures-table")
    def _measure_highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show_measure(event.key)

    def _show_measure(self, measure_id: str | None) -> None:
        chart = self.query_one("#aim-chart", ChartView)
        verdict = self.query_one("#aim-verdict", Static)
        view = self.views.get(measure_id or "")
        if view is None:
            chart.show(None)
            waiting = any(r.key == measure_id for r in self._rows) if measure_id else False
            verdict.update(Text("Working out the chart…", style="italic") if waiting else "")
            return
        dates = [p.date for p in view.analysis.points]
        chart.show(view, thin_markers(self.markers, dates), self.marker_notes)
        analysis = view.analysis
        kind = CHART_NAMES[analysis.chart]
        text = Text()
        text.append(f"{kind} of {view.measure.name}: ", style="bold")
        text.append(brief_verdict(analysis.verdict))
        from pdsa_tui.report.mdc_icons import rules_and_icons

        text.append(
            "\n" + rules_and_icons(analysis.rules, analysis.variation_icon, analysis.assurance_icon)
        )
        if analysis.advice:
            text.append(f"\n{analysis.advice}", style="dim")
        for w in analysis.warnings:
            text.append(f"\n{w}", style="italic")
        verdict.update(text)
        verdict.set_class(analysis.signal, "-signal")

    # -- helpers ----------------------------------------------------------------------------
    def _tab(self) -> str:
        return self.query_one("#aim-tabs", TabbedContent).active or "measures"

    def _current_measure(self) -> Measure | None:
        key = self.query_one("#measures-table", RecordTable).current_key
        return self.store.lookup(Measure, key) if key else None

    def _current_idea(self) -> ChangeIdea | None:
        key = self.query_one("#ideas-table", RecordTable).current_key
        return self.store.lookup(ChangeIdea, key) if key else None

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        table = "#ideas-table" if event.pane.id == "ideas" else "#measures-table"
        self.query_one(table, RecordTable).focus()
        # The chart key shows (and works) on the measures tab only.
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "chart":
            tabs = self.query("#aim-tabs").results(TabbedContent)
            return next((t.active != "ideas" for t in tabs), True)
        return True

    def _move(self, table: str, key: str) -> None:
        self.query_one(table, RecordTable).move_to(key)

    # -- actions ---------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, tab: str) -> None:
        self.query_one("#aim-tabs", TabbedContent).active = tab

    @on(RecordTable.Selected, "#measures-table")
    def _open_measure(self, event: RecordTable.Selected) -> None:
        measure = self.store.lookup(Measure, event.key)
        if measure is not None and measure.cases:
            from pdsa_tui.ui.screens.cases import CasesScreen

            self.app.push_screen(CasesScreen(event.key))
            return
        from pdsa_tui.ui.screens.measure import MeasureScreen

        self.app.push_screen(MeasureScreen(event.key))

    @on(RecordTable.Selected, "#ideas-table")
    def _open_idea(self, event: RecordTable.Selected) -> None:
        from pdsa_tui.ui.screens.idea import IdeaScreen

        self.app.push_screen(IdeaScreen(event.key))

    def action_new(self) -> None:
        if self._tab() == "ideas":
            self.edit_record(
                "New change idea",
                ChangeIdea(aim_id=self.aim_id),
                then=lambda i: self._move("#ideas-table", i.id),
                intro=["Every change idea needs a lead: who coordinates its testing."],
            )
        else:
            self._new_measure(cases=False)

    def action_new_case_measure(self) -> None:
        self.action_tab("measures")
        self._new_measure(cases=True)

    def _new_measure(self, *, cases: bool) -> None:
        """Open the form for a new measure of typed points or of cases."""
        if cases:
            measure = Measure(aim_id=self.aim_id, cases=True, frequency="monthly")
            title = "New case measure"
            intro = [
                "Its data are cases: each child's start date and milestone date. Each month's "
                "point (met / due, percent) is worked out from them; open cases past the "
                "reminder point show in Needs attention.",
            ]
        else:
            measure = Measure(aim_id=self.aim_id)
            title = "New measure"
            intro = [
                "Outcome: the aim itself. Process: are we doing the change? "
                "Balancing: is something else getting worse? (A measure whose data are "
                "cases, each child's start and milestone dates: esc, then C.)"
            ]
        self.edit_record(
            title,
            measure,
            then=lambda m: self._move("#measures-table", m.id),
            intro=intro,
            fields=measure.form_fields(),
        )

    def action_edit(self) -> None:
        if self._tab() == "ideas":
            idea = self._current_idea()
            if idea is not None:
                self.edit_record(f"Edit change idea: {idea.title}", idea)
        else:
            m = self._current_measure()
            if m is not None:
                self.edit_record(f"Edit measure: {m.name}", m, fields=m.form_fields())

    def action_edit_aim(self) -> None:
        self.edit_record(f"Edit aim: {self.aim.code}", self.aim)

    def action_delete(self) -> None:
        if self._tab() == "ideas":
            idea = self._current_idea()
            if idea is not None:
                self.confirm_delete(idea, f"change idea '{idea.title}'")
        else:
            m = self._current_measure()
            if m is not None:
                if m.cases:
                    self.confirm_delete(m, f"case measure '{m.name}'")
                    return
                n = len(m.points)
                self.confirm_delete(
                    m, f"measure '{m.name}' and its {n} data point{'s' if n != 1 else ''}"
                )

    def action_chart(self) -> None:
        m = self._current_measure()
        if m is None or m.id not in self.views:
            return
        from pdsa_tui.ui.chart_choice import choose_next_chart

        # The measure as charted: a case measure with its derived points.
        kind = choose_next_chart(self, self.views[m.id].measure, self.views[m.id].analysis.chart)
        if self.store.read_only:
            self.chart_kind[m.id] = kind
        else:
            self.chart_kind.pop(m.id, None)  # stored with the measure
        self.changed()

    def action_export(self) -> None:
        from pdsa_tui.report.export import default_filename

        self.export({"aim": self.aim}, default_filename(self.aim, "html"))

    def action_drivers(self) -> None:
        from pdsa_tui.ui.screens.drivers import DriverScreen

        self.app.push_screen(DriverScreen(self.aim_id))

    def action_spread(self) -> None:
        from pdsa_tui.ui.screens.spread import SpreadScreen

        self.app.push_screen(SpreadScreen(self.aim_id))
