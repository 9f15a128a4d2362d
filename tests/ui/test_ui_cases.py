"""Pilot tests of case measures: the cases screen, its forms, the reminder and the import preview.

The cases are placed relative to today (whatever day the suite runs), so what each test
checks holds on any day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from textual.widgets import Input, Static
from ui_support import LARGE, SMALL, screen_text, widget_text

from pdsa_tui.model import Aim, Case, Measure, format_date
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.case_import import CaseImportScreen
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.review import ReviewScreen
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import Cell, RecordTable

NAME = "Permanence within 30 weeks"


@dataclass
class Setup:
    path: Path
    measure: Measure
    today: dt.date


def ago(days: int) -> dt.date:
    return dates_mod.today() - dt.timedelta(days=days)


def make_db(tmp_path: Path) -> Setup:
    """Aim 2 with a case measure: one case past its reminder, one overdue, four closed."""
    path = tmp_path / "cases.json"
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 2", statement="85% within 30 weeks", target_pct=85))
        m = s.save(
            Measure(
                aim_id=aim.id,
                name=NAME,
                cases=True,
                start_event="accommodated",
                milestone="permanence recommendation",
                target_weeks=30,
            )
        )
        s.measure_data.save_cases(
            m,
            [
                Case(ref="C-1042", start=ago(110), team="North"),  # past the 15-week reminder
                Case(ref="C-1043", start=ago(20)),  # open, early
                Case(ref="C-0999", start=ago(230)),  # overdue: no milestone by 30 weeks
                Case(ref="C-0901", start=ago(400), end=ago(220)),  # met
                Case(ref="C-0902", start=ago(420), end=ago(190)),  # missed
                Case(ref="C-0903", start=ago(380), end=ago(200)),  # met
            ],
        )
    return Setup(path, m, dates_mod.today())


def text_of(cell: Cell) -> str:
    """A table cell's text (a styled cell is a (text, style) pair)."""
    return cell if isinstance(cell, str) else cell[0]


def app_on(path: Path) -> PdsaApp:
    return PdsaApp(Store.open(path), path)


async def open_cases(pilot, app: PdsaApp) -> CasesScreen:  # type: ignore[no-untyped-def]
    """From the overview: Aim 2, then its case measure."""
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, AimScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, CasesScreen)
    return app.screen


async def test_reminder_and_overdue_case_in_needs_attention_open_the_case(tmp_path: Path) -> None:
    setup = make_db(tmp_path)
    start = ago(110)
    reminder = start + dt.timedelta(days=105)
    deadline = start + dt.timedelta(days=210)
    app = app_on(setup.path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert (
            f"case C-1042 reached 15 weeks on {format_date(reminder)}; "
            f"30-week point {format_date(deadline)}"
        ) in text
        assert "case C-0999 passed its 30-week point" in text
        assert "no permanence recommendation recorded" in text
        assert "case C-1043" not in text  # not yet at its reminder point
        # The attention list opens the case on the cases screen.
        attention = app.screen.query_one("#attention", RecordTable)
        attention.focus()
        key = next(r.key for r in attention.rows if r.key.startswith("case_reminder:"))
        attention.move_to(key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        table = app.screen.query_one("#open-table", RecordTable)
        with Store.open(setup.path, read_only=True) as s:
            case = s.find_case(setup.measure, "C-1042")
        assert case is not None and table.current_key == case.id


async def test_cases_screen_open_by_days_left_closed_on_an_i_chart(tmp_path: Path) -> None:
    setup = make_db(tmp_path)
    app = app_on(setup.path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = await open_cases(pilot, app)
        text = screen_text(app)
        assert "accommodated → permanence recommendation within 30 weeks" in text
        # The header counts what the Open tab lists (issue 24, item 8: it said 2 over 3 rows).
        assert "6 cases: 3 open (1 overdue, 1 past the reminder), 2 met, 1 missed" in text
        table = screen.query_one("#open-table", RecordTable)
        order = [text_of(row.cells[0]) for row in table.rows]
        assert order == ["C-0999", "C-1042", "C-1043"]  # overdue first, then fewest days left
        assert "20 d over" in text
        await pilot.press("l")
        await pilot.pause()
        closed = screen.query_one("#closed-table", RecordTable)
        assert [text_of(row.cells[0]) for row in closed.rows] == ["C-0901", "C-0903", "C-0902"]
        chart = screen.query_one("#weeks-chart", ChartView)
        assert chart.view is not None and chart.view.goal == 30
        assert [round(p.y or 0, 1) for p in chart.view.analysis.points] == [25.7, 25.7, 32.9]
        await pilot.pause()
        assert "goal" in chart.plain and "I chart (XmR)" in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        monthly = screen.query_one("#monthly-table", RecordTable)
        assert sum(int(text_of(r.cells[2])) for r in monthly.rows) <= 4
        assert "Run chart" in screen_text(app)
        # Freeze the baseline at the highlighted month (a case met 190 days ago: a month
        # that has ended, so there is a point).
        key = monthly.current_key
        assert key is not None
        await pilot.press("f")
        await pilot.pause()
        with Store.open(setup.path, read_only=True) as s:
            marks = s.get(Measure, setup.measure.id).month_marks
        assert marks == [f"{key.removeprefix('cases-')}-01:baseline_end"]
        assert "baseline ends" in screen_text(app)


async def test_add_edit_and_close_cases_through_the_forms(tmp_path: Path) -> None:
    setup = make_db(tmp_path)
    app = app_on(setup.path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await open_cases(pilot, app)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        assert "never a child's name" in screen_text(app)
        await pilot.press(*"Amy")
        form.query_one("#field-start", Input).value = format_date(ago(3))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused, with the reason, and the typing kept
        assert "no digit" in screen_text(app)
        assert form.query_one("#field-ref", Input).value == "Amy"
        form.query_one("#field-ref", Input).value = "c-1042"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "already a case of" in screen_text(app)
        form.query_one("#field-ref", Input).value = "C-2000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        screen = app.screen
        table = screen.query_one("#open-table", RecordTable)
        with Store.open(setup.path, read_only=True) as s:
            new = s.find_case(setup.measure, "C-2000")
        assert new is not None and new.start == ago(3)
        assert table.current_key == new.id
        # Milestone: a blank date is refused; a date closes the case.
        await pilot.press("m")
        await pilot.pause()
        close = app.screen
        assert isinstance(close, RecordForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is close and "give the date of the permanence recommendation" in (
            screen_text(app)
        )
        close.query_one("#field-end", Input).value = format_date(ago(1))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        with Store.open(setup.path, read_only=True) as s:
            closed = s.find_case(setup.measure, "C-2000")
        assert closed is not None and closed.end == ago(1)
        assert screen.query_one("#closed-table", RecordTable).current_key == closed.id
        # Edit: the team of the highlighted (closed) case.
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        app.screen.query_one("#field-team", Input).value = "South"
        await pilot.press("ctrl+s")
        await pilot.pause()
        with Store.open(setup.path, read_only=True) as s:
            edited = s.find_case(setup.measure, "C-2000")
        assert edited is not None and edited.team == "South" and edited.end == ago(1)


async def test_import_preview_shows_errors_by_line_and_imports_all_or_none(
    tmp_path: Path,
) -> None:
    setup = make_db(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"ref,start,end\nC-3001,{format_date(ago(10))},\nJo Bloggs 1,{format_date(ago(5))},\n"
        "C-3002,31/02/2026,\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "ref,start,end,team\n"
        f"C-1042,{format_date(ago(110))},{format_date(ago(2))},North\n"
        f"C-3001,{format_date(ago(10))},,East\n",
        encoding="utf-8",
    )
    app = app_on(setup.path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await open_cases(pilot, app)
        before = setup.path.read_bytes()
        await pilot.press("i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CaseImportScreen)
        dialog.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        assert "2 problems: nothing can be imported" in screen_text(app)
        shown = widget_text(dialog.query_one("#import-errors", Static)).splitlines()
        assert len(shown) == 2
        assert shown[0].startswith("bad.csv line 3, column 'ref': 'Jo Bloggs 1' looks like a")
        assert shown[1].startswith("bad.csv line 4, column 'start': '31/02/2026' is not a real")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and setup.path.read_bytes() == before
        dialog.query_one("#import-path", Input).value = str(good)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "2 rows: 1 new case, 1 updated, 0 unchanged" in text
        preview = dialog.query_one("#import-preview", RecordTable)
        assert [(text_of(r.cells[1]), text_of(r.cells[4])) for r in preview.rows] == [
            ("C-1042", "update"),
            ("C-3001", "new"),
        ]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert "C-3001" in screen_text(app)
    with Store.open(setup.path, read_only=True) as s:
        c1042 = s.find_case(setup.measure, "C-1042")
        c3001 = s.find_case(setup.measure, "C-3001")
    assert c1042 is not None and c1042.end == ago(2)
    assert c3001 is not None and c3001.team == "East"


async def test_new_case_measure_from_the_aim_screen(tmp_path: Path) -> None:
    setup = make_db(tmp_path)
    app = app_on(setup.path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        names = [b.spec.name for b in form.fields.boxes()]
        assert "unit" not in names and "target_weeks" in names
        form.query_one("#field-name", Input).value = "Plan within 8 weeks"
        form.query_one("#field-start_event", Input).value = "accommodated"
        form.query_one("#field-target_weeks", Input).value = "8"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "is required for a case measure" in screen_text(app)
        form.query_one("#field-milestone", Input).value = "care plan"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AimScreen)
    with Store.open(setup.path, read_only=True) as s:
        m = s.find_measure("Plan within 8 weeks")
    assert m.cases and (m.milestone, m.target_weeks, m.reminder_at) == ("care plan", 8, 4)


async def test_review_queue_summary_counts_case_reminders(tmp_path: Path) -> None:
    setup = make_db(tmp_path)
    app = app_on(setup.path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Open cases: 1 past the reminder point, 1 overdue" in screen_text(app)
