"""Team use in the TUI: live view of other copies' saves, conflicts, history and restore, merge."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from test_ui_cycle import demo_app, open_cycle, type_text, value
from textual.widgets import Input
from ui_support import LARGE, SMALL, screen_text

from pdsa_tui.cli import main
from pdsa_tui.model import Aim, Cycle
from pdsa_tui.store import SCHEMA_VERSION, Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.modals import ConfirmScreen, PromptScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.screens.versions import ChangesScreen, ConflictsScreen, HistoryScreen


def notices(app: PdsaApp) -> list[str]:
    return [n.message for n in app._notifications]


def on_disk(path: Path) -> Store:
    return Store.open(path, read_only=True)


async def test_two_tuis_and_a_cli_on_one_file_lose_nothing(tmp_path: Path) -> None:
    first = demo_app(tmp_path)
    second = PdsaApp(Store.open(first.path, user="B"), first.path)
    second.animation_level = "none"
    async with first.run_test(size=LARGE) as p1, second.run_test(size=LARGE) as p2:
        for pilot, code in ((p1, "Aim 8"), (p2, "Aim 9")):
            await pilot.press("n")
            await type_text(pilot, code)
            await pilot.press("tab")
            await type_text(pilot, f"By 01/12/2030, 50% of children: {code}")
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert main(["data", "add", "--db", str(first.path), "--user", "DL", "--measure",
                     "Days from accommodation to first LAC review", "--date", "2031-02-01",
                     "--value", "30"]) == 0  # fmt: skip
        first.check_file()
        await p1.pause()
        assert "Aim 9" in screen_text(first)  # the other TUI's aim appears here
        assert any("from another copy" in n for n in notices(first))
    with on_disk(first.path) as s:
        assert {"Aim 8", "Aim 9"} <= {a.code for a in s.aims()}
        days = s.find_measure("Days from accommodation to first LAC review")
        assert "DL" in {p.updated_by for p in days.points}


async def test_live_view_within_two_seconds_keeps_what_a_form_has_typed(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        cycle = app.store.cycles()[0]
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("f2")  # the Plan tab
        await pilot.pause()
        screen.query_one("#field-objective", Input).focus()
        await pilot.press("end")
        await type_text(pilot, " (typed here)")
        with Store.open(app.path, user="other") as other:
            stored = other.get(Cycle, cycle.id)
            other.save(dataclasses.replace(stored, lead="Lead set elsewhere"))
        await pilot.pause(2.2)  # the app looks at the file every second
        assert any(n == "1 change from another copy" for n in notices(app))
        assert value(screen, "objective") == cycle.objective + " (typed here)"
        assert value(screen, "lead") == "Lead set elsewhere"
        await pilot.press("ctrl+s")
        await pilot.pause()
    with on_disk(app.path) as s:
        saved = s.get(Cycle, cycle.id)
        assert saved.objective == cycle.objective + " (typed here)"
        assert saved.lead == "Lead set elsewhere"
        assert s.versions.conflicts() == []


async def test_conflicts_screen_lists_both_values_and_keeps_the_chosen_one(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    path = app.path
    assert app.store is not None
    cycle = app.store.all(Cycle)[0]
    a, b = Store.open(path, user="AL"), Store.open(path, user="BK")
    a.save(dataclasses.replace(a.get(Cycle, cycle.id), objective="objective by AL"))
    b.save(dataclasses.replace(b.get(Cycle, cycle.id), objective="objective by BK"))
    async with app.run_test(size=SMALL) as pilot:
        app.check_file()
        await pilot.pause()
        assert any("1 conflict to resolve" in n for n in notices(app))
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        text = screen_text(app)
        assert "objective by AL" in text and "objective by BK" in text
        assert "AL" in text and "BK" in text
        await pilot.press("down", "enter")  # the value that is not stored now
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert "No conflicts" in screen_text(app)
    with on_disk(path) as s:
        assert s.versions.conflicts() == []
        assert s.get(Cycle, cycle.id).objective in {"objective by AL", "objective by BK"}
        kept = s.get(Cycle, cycle.id).objective
    a_won = b.get(Cycle, cycle.id).objective  # the value stored before resolving
    assert kept != a_won


async def test_history_restores_a_deleted_aim_and_an_older_version(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        assert app.store is not None
        aim = app.store.aims()[-1]
        await pilot.press("end", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.store.lookup(Aim, aim.id) is None
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, ChangesScreen)
        assert f"{aim.code} (deleted)" in screen_text(app)
        table = app.screen.query_one("#changes-table")
        assert table.move_to(aim.id)  # type: ignore[attr-defined]
        await pilot.press("u")
        await pilot.pause()
        assert app.store.lookup(Aim, aim.id) is not None
        assert f"{aim.code} (deleted)" not in screen_text(app)
        # An older version through the record's history.
        app.store.save(dataclasses.replace(app.store.get(Aim, aim.id), notes="changed"))
        app.screen.sync()
        await pilot.pause()
        assert table.move_to(aim.id)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert "Notes" in screen_text(app)  # the field as its form labels it
        await pilot.press("down", "r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    with on_disk(app.path) as s:
        assert s.get(Aim, aim.id).notes == aim.notes


async def test_merge_a_copy_from_the_tui(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(app.path, laptop)
    with Store.open(laptop, user="laptop") as away:
        away.save(Aim(code="Aim 12", statement="written on the train"))
    before = laptop.read_bytes()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("M")
        assert isinstance(app.screen, PromptScreen)
        await type_text(pilot, str(laptop))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert any(
            n == f"merged {laptop}: 1 added, 0 updated, 0 deleted, 0 conflicts"
            for n in notices(app)
        )
        assert "Aim 12" in screen_text(app)
    assert laptop.read_bytes() == before
    with on_disk(app.path) as s:
        assert "Aim 12" in {a.code for a in s.aims()}


async def test_a_newer_schema_file_swapped_in_under_the_tui_is_never_written(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    data = json.loads(app.path.read_text(encoding="utf-8"))
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    newer = json.dumps(data).encode()
    async with app.run_test(size=SMALL) as pilot:
        app.path.write_bytes(newer)
        app.check_file()
        await pilot.pause()
        assert any("newer pdsa" in n for n in notices(app))
        await pilot.press("n")
        await type_text(pilot, "Aim 5")
        await pilot.press("tab")
        await type_text(pilot, "By 01/12/2030, 50% of children")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "newer pdsa" in screen_text(app)  # the form says why, and keeps the typing
    assert app.path.read_bytes() == newer
