"""Issue 24, item 5: a case's lead (worker), and the open cases I lead in My work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_ui_cases import ago, make_db
from test_ui_cycle import type_text
from ui_support import LARGE, SMALL, screen_text

from pdsa_tui.analysis.mywork import my_work
from pdsa_tui.demo import write_demo
from pdsa_tui.model import Case, Measure, dates, format_date
from pdsa_tui.model.csvcases import read_cases_csv
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.mywork import MyWorkScreen
from pdsa_tui.ui.widgets.record_table import RecordTable


def test_a_case_stored_without_a_lead_reads_as_no_lead() -> None:
    doc = {"id": "x", "ref": "C-1", "start": "2020-01-01", "team": "West", "note": ""}
    assert Case.from_dict(doc).lead == ""
    assert Case.from_dict({**doc, "lead": "SW (JB)"}).to_dict()["lead"] == "SW (JB)"


def test_a_csv_extract_may_give_each_case_its_lead() -> None:
    old = Case(ref="C-1", start=dt.date(2020, 1, 6), team="West")
    text = "ref,start,end,team,lead\nC-1,06/01/2020,,West,SW (JB)\nC-2,07/01/2020,,East,TM\n"
    plan = read_cases_csv(text, "x.csv", {"C-1": old})
    assert plan.ok, plan.errors
    assert [(r.case.ref, r.case.lead, r.action) for r in plan.rows] == [
        ("C-1", "SW (JB)", "update"),
        ("C-2", "TM", "add"),
    ]
    # Without a lead column, a known case keeps its lead.
    kept = read_cases_csv("ref,start,end\nC-1,06/01/2020,\n", "x.csv", {"C-1": plan.rows[0].case})
    assert kept.rows[0].case.lead == "SW (JB)" and kept.rows[0].action == "same"


def test_my_work_lists_the_open_cases_i_lead_due_on_their_deadline(tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    write_demo(path)
    store = Store.open(path, user="SP")
    today = dates.today()
    items = [i for i in my_work(store, "SP") if i.target[0] == "case"]
    mine = {c.id: c for c in store.all(Case) if c.end is None and "(SP)" in c.lead}
    assert mine and {i.target[1] for i in items} == set(mine)
    measures = {m.id: m for m in store.all(Measure)}
    for item in items:
        case = mine[item.target[1]]
        m = measures[case.measure_id]
        assert case.start is not None and m.target_weeks is not None
        assert item.due == case.start + dt.timedelta(days=7 * int(m.target_weeks))
        assert item.kind == "Case" and case.ref in item.what and item.where == m.name
    assert any(i.due is not None and i.due < today for i in items)  # one is overdue
    # Closed cases and other people's cases are not mine.
    assert all(store.get(Case, i.target[1]).end is None for i in items)
    assert not [i for i in my_work(store, "Nobody") if i.target[0] == "case"]
    everything = my_work(store, "SP")
    dues = [i.due for i in everything if i.due is not None]
    assert dues == sorted(dues)


async def test_my_work_shows_my_cases_overdue_marked_and_enter_opens_the_case(
    tmp_path: Path,
) -> None:
    path = tmp_path / "demo.json"
    write_demo(path)
    store = Store.open(path, user="SP")
    items = my_work(store, "SP")
    late = next(
        n
        for n, i in enumerate(items)
        if i.target[0] == "case" and i.due is not None and i.due < dates.today()
    )
    case = store.get(Case, items[late].target[1])
    app = PdsaApp(store, path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, MyWorkScreen)
        table = app.screen.query_one("#mywork-table", RecordTable)
        row = table.row_text(str(late))
        assert f"Case {case.ref}" in row and "late" in row and "Case" in row
        assert format_date(items[late].due) in screen_text(app)
        await pilot.press(*["down"] * late, "enter")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert app.screen.query_one("#open-table", RecordTable).current_key == case.id


async def test_the_case_form_takes_a_lead_and_my_work_then_lists_the_case(
    tmp_path: Path,
) -> None:
    setup = make_db(tmp_path)
    with Store.open(setup.path) as s:
        case = s.find_case(setup.measure, "C-1043")
        assert case is not None and case.lead == ""
    store = Store.open(setup.path, user="JB")
    app = PdsaApp(store, setup.path)
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(CasesScreen(setup.measure.id, case_id=case.id))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        for _ in range(6):
            if getattr(app.focused, "id", "") == "field-lead":
                break
            await pilot.press("tab")
        assert getattr(app.focused, "id", "") == "field-lead"
        assert "Lead (worker)" in screen_text(app)
        await type_text(pilot, "SW (JB), North")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)
        assert store.get(Case, case.id).lead == "SW (JB), North"
        assert "SW (JB), North" in app.screen.query_one("#open-table", RecordTable).row_text(
            case.id
        )
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, MyWorkScreen)
        text = screen_text(app)
        assert "Case C-1043" in text  # started 20 days ago, due at 30 weeks
        assert format_date(ago(20) + dt.timedelta(weeks=30)) in text
