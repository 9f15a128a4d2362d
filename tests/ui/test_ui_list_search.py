"""Issue 24, item 5: ``/`` on every list filters its rows as you type, by any words they hold."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from test_ui_cycle import type_text
from textual.screen import Screen
from textual.widgets import Input, TextArea
from ui_support import LARGE, SMALL, demo_app, screen_text

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Measure
from pdsa_tui.model.cases import Case
from pdsa_tui.model.matching import doc_words, fold
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.cycle import CycleScreen
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.screens.mywork import MyWorkScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.screens.programme import ProgrammeScreen
from pdsa_tui.ui.screens.review import ReviewScreen
from pdsa_tui.ui.screens.versions import ChangesScreen, HistoryScreen
from pdsa_tui.ui.widgets.list_filter import ListFilter, count_line
from pdsa_tui.ui.widgets.record_table import RecordTable
from pdsa_tui.ui.widgets.tab_bar import TabBar


def shown_keys(table: RecordTable) -> list[str]:
    """The keys of the rows the table shows now."""
    return [table.rows[i].key for i in range(len(table.rows))]


def count_text(app: PdsaApp) -> str:
    """What the open search box says about the matches."""
    bar = app.screen.query_one(ListFilter)
    return str(bar.query_one(".list-filter--count").render())


def test_words_fold_case_accents_and_a_reference_however_spaced() -> None:
    assert fold("José ÉLAN") == "jose elan"
    text = doc_words({"id": "3f2a", "ref": "C - 1042", "note": "Placé", "measure_id": "99"})
    assert "c-1042" in text and "place" in text
    assert "3f2a" not in text and "99" not in text  # ids are not words a person searches by
    tasks = doc_words({"tasks": [{"who": "SW", "what": "Book the room"}], "done": True})
    assert "book the room" in tasks and "true" not in tasks
    assert count_line(3, 41, "  foster ") == "3 of 41 match 'foster'"
    assert count_line(0, 41, "xyz") == "None of 41 match 'xyz'"


async def test_slash_filters_the_aims_as_you_type_enter_keeps_it_escape_restores(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    aims = app.store.aims()
    # A word only one aim's statement holds (not on its row): 'Panel' is Aim 3's.
    target = next(a for a in aims if "Panel" in a.statement)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#aims", RecordTable)
        await pilot.press("down", "down", "down")
        before = table.current_key
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await type_text(pilot, "PANEL fost")
        await pilot.pause()
        assert shown_keys(table) == [target.id]
        assert count_text(app) == f"1 of {len(aims)} match 'PANEL fost'"
        assert table.current_key == target.id
        assert f"{target.code} " in screen_text(app)
        # Enter: back to the list, the filter kept; enter again opens the aim found.
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is table and shown_keys(table) == [target.id]
        assert "1 of 4 match" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AimScreen) and app.screen.aim_id == target.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert shown_keys(table) == [target.id]  # still filtered on coming back
        # Escape on the filtered list clears the search (it does not leave the screen) and
        # puts the cursor back on the row it was on before the search.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert len(table.rows) == len(aims) and table.current_key == before
        assert not app.screen.query(ListFilter)
        assert "match" not in screen_text(app)


async def test_escape_in_the_box_clears_and_an_empty_result_says_so(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#aims", RecordTable)
        await pilot.press("down")
        before = table.current_key
        await pilot.press("slash")
        await type_text(pilot, "zzqx")
        await pilot.pause()
        text = screen_text(app)
        assert table.rows == []
        assert "None of 4 match 'zzqx'" in text
        assert "Nothing matches 'zzqx': backspace widens it, escape clears it." in text
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert len(table.rows) == 4 and "4 rows: type words to find" in screen_text(app)
        await type_text(pilot, "aim")
        await pilot.press("down")  # arrows move in the list while typing
        await pilot.pause()
        assert table.cursor == 1 and isinstance(app.focused, Input)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is table and len(table.rows) == 4
        assert table.current_key == before
        assert isinstance(app.screen, OverviewScreen)


async def test_slash_typed_in_a_text_field_is_text(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "A/B")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input) and focused.value == "A/B"
        assert not app.screen.query(ListFilter)


async def test_a_case_reference_in_any_case_and_spacing_finds_the_case(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    case = next(c for c in app.store.all(Case) if c.ref == "C-1042")
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(CasesScreen(case.measure_id))
        await pilot.pause()
        table = app.screen.query_one("#open-table", RecordTable)
        assert len(table.rows) > 1
        await pilot.press("slash")
        await type_text(pilot, "c-1042")
        await pilot.pause()
        assert shown_keys(table) == [case.id]
        # Stored with spaces inside, it is still found as typed in the case system.
        assert app.store is not None
        app.store.save(dataclasses.replace(case, ref="C- 1042"))
        app.screen.refresh_data()  # type: ignore[attr-defined]
        await pilot.pause()
        assert shown_keys(table) == [case.id]
        assert "1 of " in count_text(app)


async def test_accents_are_folded_and_a_saved_record_the_search_hides_is_shown(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    aim = store.aims()[1]
    idea = store.save(ChangeIdea(aim_id=aim.id, title="Réunion d'équipe with José", lead="TM"))
    async with app.run_test(size=LARGE) as pilot:
        app.push_screen(AimScreen(aim.id))
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        table = app.screen.query_one("#ideas-table", RecordTable)
        await pilot.press("slash")
        await type_text(pilot, "jose equipe")
        await pilot.pause()
        assert shown_keys(table) == [idea.id]
        # A new idea that does not match: after saving, it is shown, not hidden.
        await pilot.press("enter", "n")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "Kinship first")
        await pilot.press("ctrl+s")  # refused: the lead is required; the cursor goes there
        await pilot.pause()
        await type_text(pilot, "TM")
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = next(i for i in store.ideas(aim.id) if i.title == "Kinship first")
        assert table.current_key == new.id and len(table.rows) == len(store.ideas(aim.id))


def _first_cycle_with_notes(store: Store) -> Cycle:
    return next(c for c in store.all(Cycle) if len(c.what_happened.split()) > 4)


async def test_a_cycle_is_found_by_words_in_its_notes_on_the_idea_screen(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    cycle = _first_cycle_with_notes(app.store)
    words = " ".join(cycle.what_happened.split()[1:4])
    async with app.run_test(size=LARGE) as pilot:
        app.push_screen(IdeaScreen(cycle.idea_id))
        await pilot.pause()
        table = app.screen.query_one("#cycles-table", RecordTable)
        await pilot.press("slash")
        await type_text(pilot, words.upper())
        await pilot.pause()
        assert cycle.id in shown_keys(table)
        assert all(fold(words).split()[0] in table._words[k] for k in shown_keys(table))


# -- every list screen ------------------------------------------------------------------
Opener = Callable[[Store], tuple[Screen[None], str, str]]


def _aim(store: Store) -> Aim:
    return next(a for a in store.aims() if store.ideas(a.id) and store.measures(a.id))


def _case_measure(store: Store) -> Measure:
    return next(m for m in store.all(Measure) if m.cases)


LISTS: dict[str, Opener] = {
    "overview aims": lambda s: (OverviewScreen(), "#aims", ""),
    "overview needs attention": lambda s: (OverviewScreen(), "#attention", ""),
    "aim measures": lambda s: (AimScreen(_aim(s).id), "#measures-table", ""),
    "aim ideas": lambda s: (AimScreen(_aim(s).id), "#ideas-table", "i"),
    "idea cycles": lambda s: (
        IdeaScreen(next(i for i in s.all(ChangeIdea) if len(s.cycles(i.id)) > 1).id),
        "#cycles-table",
        "",
    ),
    "cycle feedback": lambda s: (
        CycleScreen(next(c for c in s.all(Cycle) if len(s.feedback(c.id)) > 1).id),
        "#feedback",
        "f6",
    ),
    "measure points": lambda s: (
        MeasureScreen(next(m for m in s.all(Measure) if len(m.points) > 3).id),
        "#points",
        "",
    ),
    "open cases": lambda s: (CasesScreen(_case_measure(s).id), "#open-table", ""),
    "closed cases": lambda s: (CasesScreen(_case_measure(s).id), "#closed-table", "l"),
    "monthly cases": lambda s: (CasesScreen(_case_measure(s).id), "#monthly-table", "p"),
    "meetings": lambda s: (ProgrammeScreen("meetings"), "#meetings-table", ""),
    "self-assessment": lambda s: (ProgrammeScreen("assess"), "#assess-table", ""),
    "review queue": lambda s: (ReviewScreen(), "#queue", ""),
    "history of changes": lambda s: (ChangesScreen(), "#changes-table", ""),
    "history of a record": lambda s: (HistoryScreen(_aim(s).id), "#history-table", ""),
    "my work": lambda s: (MyWorkScreen(), "#mywork-table", ""),
}


@pytest.mark.parametrize("name", list(LISTS))
async def test_slash_searches_every_list(tmp_path: Path, name: str) -> None:
    path = tmp_path / "demo.json"
    demo_app(tmp_path)  # writes the demo
    store = Store.open(path, user="SP")
    if name == "history of a record":  # a second version to list
        aim = _aim(store)
        store.save(dataclasses.replace(aim, lead=aim.lead + " (acting)"))
    app = PdsaApp(store, path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen, table_id, key = LISTS[name](store)
        if not isinstance(app.screen, type(screen)):
            app.push_screen(screen)
            await pilot.pause()
        if key:
            await pilot.press(key)
            await pilot.pause()
        table = app.screen.query_one(table_id, RecordTable)
        if app.focused is not table:
            table.focus()
            await pilot.pause()
        total = len(table.rows)
        assert total >= 2, f"{name}: the demo gives too few rows to search"
        # A word of the last row that the first row does not hold.
        last = table.row_text(table.rows[total - 1].key)
        first = fold(table.row_text(table.rows[0].key))
        word = next(
            (w for w in sorted(last.split(), key=len, reverse=True) if fold(w) not in first),
            None,
        )
        assert word is not None, f"{name}: no distinguishing word in {last!r}"
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input), name
        await type_text(pilot, word.upper())
        await pilot.pause()
        shown = shown_keys(table)
        assert table.rows[-1].key == table.all_rows[total - 1].key or shown, name
        assert 1 <= len(shown) < total, name
        assert count_text(app).startswith(f"{len(shown)} of {total} match"), name
        await pilot.press("escape")
        await pilot.pause()
        assert len(table.rows) == total and app.focused is table, name


async def test_feedback_search_keeps_to_its_own_tab(tmp_path: Path) -> None:
    """On the cycle screen, / works on the feedback list; its text fields keep /."""
    app = demo_app(tmp_path)
    assert app.store is not None
    cycle = next(c for c in app.store.all(Cycle) if len(app.store.feedback(c.id)) > 1)
    fb: Feedback = app.store.feedback(cycle.id)[-1]
    async with app.run_test(size=LARGE) as pilot:
        app.push_screen(CycleScreen(cycle.id))
        await pilot.pause()
        # In the Plan tab's text fields / is text.
        await pilot.press("f2")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input | TextArea)
        await type_text(pilot, "a/b")
        await pilot.pause()
        assert not app.screen.query(ListFilter)
        assert "a/b" in (focused.value if isinstance(focused, Input) else focused.text)
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.query_one(TabBar).active == "feedback"
        table = app.screen.query_one("#feedback", RecordTable)
        assert app.focused is table
        await pilot.press("slash")
        await type_text(pilot, fb.text.split()[-1])
        await pilot.pause()
        assert fb.id in shown_keys(table)


async def test_slash_searches_the_summary_and_the_spread_grids(tmp_path: Path) -> None:
    from pdsa_tui.model.drivers import SpreadEntry
    from pdsa_tui.ui.screens.spread import SpreadScreen
    from pdsa_tui.ui.screens.summary import SummaryScreen
    from pdsa_tui.ui.widgets.searchable_grid import SearchableGrid

    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    aim = next(a for a in store.aims() if len(store.ideas(a.id)) > 1)
    idea = store.ideas(aim.id)[-1]
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        grid = app.screen.query_one("#summary-grid", SearchableGrid)
        total = grid.row_count
        await pilot.press("slash")
        await type_text(pilot, "balancing")
        await pilot.pause()
        assert 1 <= grid.row_count < total
        assert count_text(app) == f"{grid.row_count} of {total} match 'balancing'"
        await pilot.press("escape")
        await pilot.pause()
        assert grid.row_count == total and not app.screen.query(ListFilter)
        await pilot.press("escape")
        await pilot.pause()
        app.push_screen(SpreadScreen(aim.id))
        await pilot.pause()
        spread = app.screen.query_one("#spread-grid", SearchableGrid)
        before = spread.row_count
        await pilot.press("slash")
        await type_text(pilot, idea.title)
        await pilot.press("enter")
        await pilot.pause()
        assert spread.row_count == 1 < before and spread.current_key == idea.id

        # The stage keys act on the idea shown, not on the row it had before the search.
        def stages() -> dict[str, list[tuple[str, str]]]:
            out: dict[str, list[tuple[str, str]]] = {}
            for e in store.all(SpreadEntry):
                out.setdefault(e.idea_id, []).append((e.locality, e.stage))
            return {k: sorted(v) for k, v in out.items()}

        was = stages()
        await pilot.press("right", "space")
        await pilot.pause()
        now = stages()
        assert now.get(idea.id) != was.get(idea.id)
        assert {k: v for k, v in now.items() if k != idea.id} == {
            k: v for k, v in was.items() if k != idea.id
        }
