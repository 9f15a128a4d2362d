"""Pilot test: on a case measure's Monthly tab, a month leads to the cases it counts."""

from __future__ import annotations

from pathlib import Path

from test_ui_cases import app_on, make_db, open_cases, text_of
from textual.widgets import OptionList
from ui_support import LARGE, screen_text

from pdsa_tui.analysis.cases import case_states, cases_due_in
from pdsa_tui.model import Case, Measure
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.store import Store
from pdsa_tui.ui.dialogs.pick import PickScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.widgets.record_table import RecordTable


async def test_enter_on_a_month_lists_its_cases_and_shows_the_one_chosen(tmp_path: Path) -> None:
    setup = make_db(tmp_path)
    with Store.open(setup.path, read_only=True) as s:
        measure = s.get(Measure, setup.measure.id)
        states = case_states(measure, s.all(Case), dates_mod.today())
    app = app_on(setup.path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = await open_cases(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        monthly = screen.query_one("#monthly-table", RecordTable)
        row = monthly.rows[0]
        month = row.key.removeprefix("cases-")
        due = cases_due_in(states, dates_mod.parse_date(f"{month}-01"))
        assert due and len(due) == int(text_of(row.cells[2]))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        met = sum(1 for s in due if s.status == "met")
        assert f"{met} of {len(due)} met" in screen_text(app)
        for s in due:
            assert s.case.ref in screen_text(app)
        options = app.screen.query_one(OptionList)
        assert options.option_count == len(due)
        await pilot.press("enter")  # the first case, by reference
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        tab = "closed" if due[0].case.end is not None else "open"
        assert screen.query_one(f"#{tab}-table", RecordTable).current_key == due[0].case.id
