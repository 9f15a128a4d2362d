"""A case measure's cases: open ones by days left, closed ones on an I chart, monthly points."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from pdsa_tui.analysis.attention import target_for
from pdsa_tui.analysis.cases import (
    CaseState,
    case_counts,
    case_states,
    cases_due_in,
    closed_by_milestone,
    derive_points,
    open_by_deadline,
    toggle_mark,
    weeks_by_month,
)
from pdsa_tui.analysis.charts import ChartType
from pdsa_tui.analysis.measures import MeasureView, available_charts, view_measure
from pdsa_tui.analysis.results import SeriesPoint
from pdsa_tui.analysis.spc import analyse
from pdsa_tui.model import (
    CASE_NO_NAMES,
    Aim,
    Case,
    FieldError,
    Measure,
    ValidationError,
    format_date,
)
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.model.programme import measure_rules
from pdsa_tui.store import StoreError
from pdsa_tui.ui import styles
from pdsa_tui.ui.dialogs.pick import PickScreen
from pdsa_tui.ui.measure_text import marker_text, verdict_text
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.summaries import REMINDER_MARK, chart_marks
from pdsa_tui.ui.view_cache import kept
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import Cell, Column, LazyRows, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollBox

TABS = ("open", "closed", "monthly")


#: The charts of the closed cases' weeks: one point per case, or per month of milestone.
WEEKS_CHARTS: tuple[ChartType, ...] = ("i", "xbar", "s")


def weeks_view(
    measure: Measure, closed: list[CaseState], kind: ChartType = "i", default_rules: str = "anhoej"
) -> MeasureView:
    """The closed cases' weeks to milestone, with the target as the goal line.

    ``i``: one point per case. ``xbar``/``s``: the mean and the spread of the weeks of
    the cases reaching the milestone in each month (limits follow how many there are).
    """
    if kind in ("xbar", "s"):
        series = [
            SeriesPoint(date=month, values=tuple(weeks)) for month, weeks in weeks_by_month(closed)
        ]
    else:
        series = [SeriesPoint(date=s.case.end or s.start, y=s.weeks) for s in closed]
    rules = measure_rules(measure.rules, default_rules)
    analysis = analyse(
        series,
        kind,
        direction="down",
        unit_label=" weeks",
        rules=rules,  # type: ignore[arg-type]
        target=measure.target_weeks if kind != "i" else None,
    )
    chart_measure = Measure(
        id=f"{measure.id}-weeks",
        aim_id=measure.aim_id,
        name=f"Weeks to {measure.milestone}",
        unit="weeks",
        direction="down",
        goal=measure.target_weeks,
    )
    return MeasureView(chart_measure, analysis, 1.0, " weeks", measure.target_weeks)


def open_row(s: CaseState) -> Row:
    """An open case: overdue in red ("20 d over"), past the reminder in amber ("⚠ 45 d")."""
    style = "bad" if s.overdue else "warn" if s.past_reminder else ""
    left = f"{-s.days_left} d over" if s.days_left < 0 else f"{s.days_left} d"
    if s.past_reminder and not s.overdue:
        left = f"{REMINDER_MARK} {left}"  # the amber said it alone
    cells: tuple[Cell, ...] = (
        s.case.ref,
        format_date(s.start),
        f"{s.weeks:.1f}",
        format_date(s.reminder),
        format_date(s.deadline),
        left,
        s.case.team,
        s.case.lead,
    )
    if style:
        cells = tuple((c, style) if isinstance(c, str) else c for c in cells)
    return Row(s.case.id, cells)


def closed_row(s: CaseState) -> Row:
    """A closed case with its weeks to milestone and status."""
    status: Cell = (s.status, "good" if s.status == "met" else "bad")
    return Row(
        s.case.id,
        (
            s.case.ref,
            format_date(s.start),
            format_date(s.case.end),
            f"{s.weeks:.1f}",
            status,
            s.case.team,
        ),
    )


def due_label(s: CaseState) -> str:
    """'C-1042 · met · 26.1 weeks · milestone 12/03/2026 · North'."""
    end = f"milestone {format_date(s.case.end)}" if s.case.end else "no milestone"
    parts = [s.case.ref, s.status, f"{s.weeks:.1f} weeks", end, s.case.team, s.case.lead]
    return " · ".join(p for p in parts if p)


def lazy_rows(states: list[CaseState], row: Callable[[CaseState], Row]) -> LazyRows:
    """Rows of ``states`` made as they are drawn (thousands of cases list at once)."""
    return LazyRows([s.case.id for s in states], lambda k: row(states[k]).cells)


class CasesScreen(PdsaScreen):
    """One case measure: its open cases, its closed cases and the monthly points they give."""

    ABOUT = (
        "A case measure's cases. Open: cases without their milestone yet, fewest days to the "
        "deadline first (amber: past the reminder point; red: past the deadline). Closed: "
        "weeks to the milestone per case, on an I chart with the target line (c: Xbar and S "
        "charts of the weeks per month of milestone). Monthly: the "
        "points worked out from the cases (met / due, in the month of each case's deadline); "
        "enter on a month lists its cases."
    )

    CSS_PATH = styles.path("cases.tcss")

    BINDINGS = [
        Binding("a", "add_case", "Add", id="cases.add"),
        Binding("m", "close_case", "Milestone", id="cases.close", tooltip="Record the milestone"),
        Binding("e", "edit_case", "Edit", id="cases.edit"),
        Binding("d,delete", "delete_case", "Delete", id="cases.delete"),
        Binding("i", "import_cases", "Import", id="cases.import", tooltip="Import a CSV extract"),
        Binding(
            "c",
            "chart",
            "Chart",
            id="cases.chart",
            tooltip="Closed: I, Xbar or S chart of the weeks; Monthly: run, P, P′ or I chart",
        ),
        Binding(
            "f",
            "mark('baseline_end')",
            "Freeze",
            id="cases.freeze",
            show=False,
            tooltip="Baseline ends at the highlighted month (Monthly)",
        ),
        Binding(
            "b",
            "mark('rebase_after')",
            "Rebase",
            id="cases.rebase",
            show=False,
            tooltip="A new part starts after the highlighted month (Monthly)",
        ),
        # E, not M: M is the app's Merge on every screen.
        Binding("E", "edit_measure", "Measure", id="cases.edit_measure", show=False),
        Binding("o", "tab('open')", "Open cases", id="cases.tab_open", show=False),
        Binding("l", "tab('closed')", "Closed cases", id="cases.tab_closed", show=False),
        Binding("p", "tab('monthly')", "Monthly points", id="cases.tab_monthly", show=False),
        Binding("escape", "back", "Back", id="cases.back"),
    ]

    def __init__(self, measure_id: str, *, case_id: str | None = None) -> None:
        super().__init__()
        self.measure_id = measure_id
        self.measure: Measure | None = None
        self.aim: Aim | None = None
        self.states: list[CaseState] = []
        #: The measure with its monthly points derived from ``states``.
        self.live: Measure | None = None
        #: Tabs not yet filled since the last redraw.
        self._stale: set[str] = set(TABS)
        #: Counts redraws, so a chart asked for before the last one is dropped.
        self._drawn = 0
        self.chart_kind = "run"
        #: The chart of the Closed tab: weeks per case (I), or per month (Xbar, S).
        self.weeks_kind: ChartType = "i"
        self._focus_case = case_id

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="cases-summary")
        with TabbedContent(id="cases-tabs", initial="open"):
            with TabPane("Open (o)", id="open"):
                yield RecordTable(
                    [
                        Column("Ref", 10),
                        Column("Started", 10),
                        Column("Weeks", 5, "right"),
                        Column("Reminder", 10),
                        Column("Deadline", 10),
                        Column("Left", 9, "right"),
                        Column("Team"),
                        Column("Lead"),
                    ],
                    empty_text="No open cases: press a to add one, i to import an extract.",
                    id="open-table",
                )
            with TabPane("Closed (l)", id="closed"):
                yield RecordTable(
                    [
                        Column("Ref", 10),
                        Column("Started", 10),
                        Column("Milestone", 10),
                        Column("Weeks", 5, "right"),
                        Column("Status", 7),
                        Column("Team"),
                    ],
                    empty_text="No case has reached its milestone yet: press m on an open case.",
                    id="closed-table",
                    classes="cases-list",
                )
                yield ChartView(id="weeks-chart", classes="cases-chart")
                with ScrollBox(classes="verdict-box"):
                    yield Static("", id="weeks-verdict", classes="verdict")
            with TabPane("Monthly (p)", id="monthly"):
                yield RecordTable(
                    [
                        Column("Month", 9),
                        Column("Met", 5, "right"),
                        Column("Due", 5, "right"),
                        Column("%", 5, "right"),
                        Column("Marker", 15),
                    ],
                    empty_text="No month has ended with a case due in it yet.",
                    id="monthly-table",
                    classes="cases-list",
                )
                yield ChartView(id="monthly-chart", classes="cases-chart")
                with ScrollBox(classes="verdict-box"):
                    yield Static("", id="monthly-verdict", classes="verdict")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#open-table", RecordTable).focus()

    # -- data ----------------------------------------------------------------------------
    def refresh_data(self) -> None:
        store = self.store
        measure = store.lookup(Measure, self.measure_id)
        if measure is None or not measure.cases:
            self.measure = None
            self.action_back()
            return
        self.measure = measure
        aim = store.lookup(Aim, measure.aim_id)
        self.aim = aim
        self.title = f"{aim.code if aim else '?'} › {measure.name}"
        now = dates_mod.today()
        # Every case's state, once per redraw: the tabs, the counts and the monthly
        # points all read these (5,000 cases take tens of milliseconds to work out).
        self.states = case_states(measure, store.all(Case), now)
        self.live = dataclasses.replace(
            measure, points=derive_points(self.states, now, measure.month_marks)
        )
        counts = case_counts(self.states)
        summary = Text()
        summary.append(
            f"{measure.start_event} → {measure.milestone} within {measure.target_weeks:g} "
            f"weeks · reminder at {measure.reminder_at:g} weeks",
        )
        goal = target_for(aim, measure) if aim is not None else measure.goal
        if goal is not None:
            summary.append(f" · goal {goal:.0f}%")
        summary.append("\n")
        summary.append(counts.sentence(), style="bold" if counts.past_reminder else "")
        self.query_one("#cases-summary", Static).update(summary)
        # Only the tab on show is filled now; the others when they are first shown.
        self._stale = set(TABS)
        self._drawn += 1
        self._fill(self._tab())
        if self._focus_case is not None:
            self._show_case(self._focus_case)
            self._focus_case = None

    def _fill(self, tab: str) -> None:
        """Put the current cases on ``tab`` if it is out of date."""
        if tab not in self._stale or self.measure is None:
            return
        self._stale.discard(tab)
        if tab == "open":
            opened = open_by_deadline(self.states)
            self.query_one("#open-table", RecordTable).set_rows(lazy_rows(opened, open_row))
        elif tab == "closed":
            closed = closed_by_milestone(self.states)
            self.query_one("#closed-table", RecordTable).set_rows(lazy_rows(closed, closed_row))
            # The list first; the I chart of thousands of cases after it is on screen.
            self.query_one("#weeks-verdict", Static).update(Text("Working out the chart…"))
            self.call_after_refresh(self._chart_weeks, self._drawn, self.measure, closed)
        else:
            self._fill_monthly()

    def _chart_weeks(self, drawn: int, measure: Measure, closed: list[CaseState]) -> None:
        if drawn != self._drawn:
            return  # redrawn meanwhile: the newer fill has its own chart on the way
        # Kept until a case changes (the store's version) or the day does.
        kind = self.weeks_kind
        key = ("weeks", kind, measure.id, self.store.version, dates_mod.today())
        rules = self.store.default_rules()
        weeks = (
            kept(self.store, key, lambda: weeks_view(measure, closed, kind, rules))
            if closed
            else None
        )
        self.query_one("#weeks-chart", ChartView).show(weeks)
        wv = self.query_one("#weeks-verdict", Static)
        wv.update(
            verdict_text(weeks, list(WEEKS_CHARTS)) if weeks else Text("No closed cases yet.")
        )

    def _fill_monthly(self) -> None:
        live = self.live
        assert live is not None
        charts = available_charts(live)
        if self.chart_kind not in charts:
            self.chart_kind = "run"
        view = view_measure(
            live,
            chart=self.chart_kind,  # type: ignore[arg-type]
            aim=self.aim,
            default_rules=self.store.default_rules(),
        )
        rows = [
            Row(
                p.id,
                (
                    f"{p.date:%b %Y}",
                    f"{p.numerator:g}",
                    f"{p.denominator:g}",
                    view.format(p.y),
                    (marker_text(p), "warn"),
                ),
            )
            for p in live.sorted_points()
        ]
        self.query_one("#monthly-table", RecordTable).set_rows(rows)
        dates = [p.date for p in view.analysis.points]
        markers, notes = chart_marks(self.store, self.aim.id, dates) if self.aim else ([], {})
        self.query_one("#monthly-chart", ChartView).show(view, markers, notes)
        mv = self.query_one("#monthly-verdict", Static)
        mv.update(verdict_text(view, charts))
        mv.set_class(view.analysis.signal, "-signal")

    def _show_case(self, case_id: str) -> None:
        """Bring ``case_id`` into view on the tab that lists it."""
        case = self.store.lookup(Case, case_id)
        if case is None:
            return
        tab = "closed" if case.end is not None else "open"
        self.action_tab(tab)
        self.query_one(f"#{tab}-table", RecordTable).move_to(case_id)

    # -- helpers -----------------------------------------------------------------------------
    def _tab(self) -> str:
        return self.query_one("#cases-tabs", TabbedContent).active or "open"

    def current_case(self, *, quiet: bool = False) -> Case | None:
        """The highlighted case on the Open or Closed tab."""
        tab = self._tab()
        if tab in ("open", "closed"):
            key = self.query_one(f"#{tab}-table", RecordTable).current_key
            case = self.store.lookup(Case, key) if key else None
            if case is not None:
                return case
        if not quiet:
            self.notify("No case selected: pick one on the Open or Closed tab.", severity="warning")
        return None

    def _save_case(self, case: Case) -> Case:
        assert self.measure is not None
        if self.store.read_only:
            self.can_write()
            raise StoreError(f"Read-only: {self.store.read_only_reason}; nothing was saved.")
        return self.store.measure_data.save_case(self.measure, case)

    def _intro(self) -> list[str | tuple[str, str]]:
        m = self.measure
        assert m is not None
        return [
            f"Start date: when the child was {m.start_event}. Milestone date: the "
            f"{m.milestone}, once reached (blank while open).",
            (CASE_NO_NAMES, "no-names"),
        ]

    def _saved(self, case: Case) -> None:
        self._show_case(case.id)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or "open"
        self._fill(pane)
        self.query_one(f"#{pane}-table", RecordTable).focus()

    @on(RecordTable.Selected, "#monthly-table")
    def _month_chosen(self, event: RecordTable.Selected) -> None:
        """A month leads to its cases: pick one to see it on the Open or Closed tab."""
        month = dt.date.fromisoformat(event.key.removeprefix("cases-") + "-01")
        due = cases_due_in(self.states, month)
        if not due:
            return
        met = sum(1 for s in due if s.status == "met")
        self.app.push_screen(
            PickScreen(
                f"Cases due in {month:%b %Y}: {met} of {len(due)} met",
                [(s.case.id, due_label(s)) for s in due],
                help="Each case counts in the month of its deadline. enter shows the case; "
                "esc goes back.",
            ),
            lambda case_id: self._show_case(case_id) if case_id else None,
        )

    # -- actions ------------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self._fill(tab)
        self.query_one("#cases-tabs", TabbedContent).active = tab

    def action_add_case(self) -> None:
        if self.measure is None:
            return
        self.edit_record(
            "New case",
            Case(measure_id=self.measure.id),
            then=self._saved,
            intro=self._intro(),
            save=self._save_case,
        )

    def action_edit_case(self) -> None:
        case = self.current_case()
        if case is not None:
            self.edit_record(
                f"Edit case: {case.ref}",
                case,
                then=self._saved,
                intro=self._intro(),
                save=self._save_case,
            )

    def action_close_case(self) -> None:
        case = self.current_case()
        if case is None or self.measure is None:
            return
        milestone = self.measure.milestone

        def close(c: Case) -> Case:
            if c.end is None:
                raise ValidationError(
                    [FieldError("end", "Milestone date", f"give the date of the {milestone}")]
                )
            return self._save_case(c)

        self.edit_record(
            f"Milestone reached: {case.ref}",
            case,
            then=self._saved,
            intro=[f"The date of the {milestone} for case {case.ref}."],
            fields=["end", "note"],
            save=close,
        )

    def action_delete_case(self) -> None:
        case = self.current_case()
        if case is not None:
            self.confirm_delete(case, f"case {case.ref}")

    def action_import_cases(self) -> None:
        if self.measure is None or not self.can_write():
            return
        from pdsa_tui.ui.dialogs.case_import import CaseImportScreen
        from pdsa_tui.ui.dialogs.importing import open_import

        open_import(
            self,
            CaseImportScreen(self.store, self.measure),
            lambda n: f"Imported the extract: {n} cases added or updated.",
        )

    def action_chart(self) -> None:
        if self.measure is None or self.live is None:
            return
        if self.query_one("#cases-tabs", TabbedContent).active == "closed":
            # Weeks per case (I), or their mean and spread per month of milestone.
            k = WEEKS_CHARTS.index(self.weeks_kind)
            self.weeks_kind = WEEKS_CHARTS[(k + 1) % len(WEEKS_CHARTS)]
            self._stale.add("closed")
            self._fill("closed")
            return
        charts = available_charts(self.live)
        i = charts.index(self.chart_kind) if self.chart_kind in charts else -1
        self.chart_kind = charts[(i + 1) % len(charts)]
        self.changed()
        self.action_tab("monthly")

    def action_mark(self, kind: str) -> None:
        """Switch a baseline-end or rebase marker on the highlighted month."""
        if self.measure is None or not self.can_write():
            return
        key = self.query_one("#monthly-table", RecordTable).current_key
        if self._tab() != "monthly" or not key:
            self.notify("Pick a month on the Monthly tab (p) first.", severity="warning")
            return
        month = dt.date.fromisoformat(key.removeprefix("cases-") + "-01")
        fresh = self.store.get(Measure, self.measure.id)
        marks = toggle_mark(fresh.month_marks, month, kind)
        try:
            self.store.save(dataclasses.replace(fresh, month_marks=marks))
        except (StoreError, ValidationError) as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        self.changed()
        on = f"{month.isoformat()}:{kind}" in marks
        what = "Baseline ends" if kind == "baseline_end" else "New part after"
        self.notify(f"{what} {month:%b %Y}{'' if on else ': marker removed'}.", timeout=3)

    def action_edit_measure(self) -> None:
        if self.measure is not None:
            self.edit_record(
                f"Edit measure: {self.measure.name}",
                self.measure,
                fields=self.measure.form_fields(),
            )

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()
