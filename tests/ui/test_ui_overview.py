"""Pilot tests of the aims overview, the aim and change idea screens, help and the palette."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_support import SMALL, demo_app, empty_app, screen_text, settled_text, widget_text

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Measure
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp, WelcomeScreen
from pdsa_tui.ui.dialogs.modals import ConfirmScreen, HelpScreen, RecordForm
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.overview import OverviewScreen
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.fields import FieldBox
from pdsa_tui.ui.widgets.record_table import RecordTable

MARKUP = "[bold]x[/] [link=http://x]y"


async def type_into(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` key by key into whatever has focus."""
    await pilot.press(*["space" if c == " " else c for c in text])


def reopen(path: Path) -> Store:
    """The file as it is on disk now."""
    return Store.open(path, read_only=True)


async def test_overview_lists_the_demo_aims_and_what_needs_attention(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        text = screen_text(app)
        for code in ("Aim 1", "Aim 2", "Aim 3", "Aim 4"):
            assert code in text
        assert "Needs attention" in text
        assert "waits for an Act" in text
        assert "F1 Help" in text


async def test_create_aim_by_keys_saves_it_and_shows_it(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert "No aims yet" in screen_text(app)
        await pilot.press("n")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "Aim 9")  # code
        await pilot.press("tab")
        await type_into(pilot, "By 01/12/2027, 85% of children accommodated from 01/02/2027")
        await pilot.press("tab")
        await type_into(pilot, "85")  # target
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert "Aim 9" in screen_text(app)
    aims = reopen(app.path).aims()
    assert [a.code for a in aims] == ["Aim 9"]
    assert aims[0].target_pct == 85


async def test_bad_aim_fields_are_marked_and_typing_is_kept(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, RecordForm)
        await type_into(pilot, "Aim 9")
        form.query_one("#field-target_pct", Input).focus()
        await type_into(pilot, "120")
        form.query_one("#field-deadline", Input).focus()
        await type_into(pilot, "31/02/2019")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # still open
        text = screen_text(app)
        assert "must be a percentage from 0 to 100; got 120" in text
        errors = {
            name: widget_text(form.query_one(f"#box-{name} .field-error"))
            for name in ("target_pct", "deadline", "statement")
        }
        assert "February 2019 has 28 days" in errors["deadline"]
        assert errors["statement"] == "is required; it cannot be left empty"
        # A field with nothing wrong gets no error line (lines are made when needed).
        code = form.query_one("#box-code", FieldBox)
        assert not code.has_class("-invalid") and not code.query(".field-error")
        assert form.query_one("#field-target_pct", Input).value == "120"
        assert form.query_one("#field-deadline", Input).value == "31/02/2019"
    assert reopen(app.path).aims() == []


async def test_markup_in_user_text_is_shown_literally(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    assert app.store is not None
    app.store.save(Aim(code=MARKUP, statement=f"Statement {MARKUP} 50%"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]x[/]" in text
        assert "[link=http://x]y" in text


async def test_delete_aim_asks_says_what_goes_and_cascades(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("down")  # Aim 2
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "Delete aim 'Aim 2'?" in text
        assert "measures" in text and "PDSA cycles" in text
        await pilot.press("n")  # changed my mind
        assert isinstance(app.screen, OverviewScreen)
        assert len(reopen(app.path).aims()) == 4
        await pilot.press("d", "y")
        await pilot.pause()
        assert "Aim 2" not in screen_text(app).split("Needs attention")[0]
    store = reopen(app.path)
    assert [a.code for a in store.aims()] == ["Aim 1", "Aim 3", "Aim 4"]
    assert store.problems() == []


async def test_read_only_mode_is_shown_and_refuses_changes(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    app.store.close()
    writer = Store.open(app.path)  # another copy has the file open too: that is fine
    try:
        ro = PdsaApp(Store.open(app.path, read_only=True), app.path)  # pdsa --read-only
        before = app.path.read_bytes()
        async with ro.run_test(size=SMALL) as pilot:
            await pilot.pause()
            assert "READ-ONLY" in screen_text(ro)
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(ro.screen, OverviewScreen)  # no form opened
            await pilot.press("d")
            assert isinstance(ro.screen, OverviewScreen)
        assert app.path.read_bytes() == before
    finally:
        writer.close()


async def test_aim_screen_shows_chart_verdict_and_switches_chart_type(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AimScreen)
        text = screen_text(app)
        assert "Run chart of % with permanence recommendation within 30 weeks" in text
        verdict = widget_text(screen.query_one("#aim-verdict"))
        assert "shifted upwards (improvement for this measure)" in verdict
        chart = screen.query_one(ChartView)
        assert "Feb 18" in chart.plain
        await pilot.press("c")
        await pilot.pause()
        assert "P chart of" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert "P′ chart (Laney) of" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert "I chart (XmR) of" in screen_text(app)
        # The choice is stored with the measure: the next visit (and exports) show it.
        assert app.path is not None
        with Store.open(app.path, read_only=True) as s:
            assert s.find_measure("% with permanence recommendation within 30 weeks").chart == "i"
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert "I chart (XmR) of" in screen_text(app)


async def test_add_measure_and_change_idea_from_the_aim_screen(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "enter")
        aim_id = app.screen.aim_id  # type: ignore[attr-defined]
        await pilot.press("n")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "Children seen within 72 hours")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Children seen within 72 hours" in screen_text(app)
        await pilot.press("i", "n")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "Permanence huddle")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Lead is required for a change idea: the form stays, with the message.
        assert isinstance(app.screen, RecordForm)
        assert "Lead" in screen_text(app) and "is required" in screen_text(app)
        app.screen.query_one("#field-lead", Input).focus()
        await type_into(pilot, "SP")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AimScreen)
        assert "Permanence huddle" in screen_text(app)
    store = reopen(app.path)
    assert "Children seen within 72 hours" in [m.name for m in store.measures(aim_id)]
    idea = next(i for i in store.ideas(aim_id) if i.title == "Permanence huddle")
    assert idea.lead == "SP"


async def test_idea_screen_shows_the_ramp_and_deletes_a_cycle(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    assert app.store is not None
    idea = next(i for i in app.store.ideas() if i.title.startswith("15-week"))
    n_before = len(app.store.cycles(idea.id))
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(IdeaScreen(idea.id))
        await pilot.pause()
        text = screen_text(app)
        assert "15-week timeline checklist reminder" in text
        assert f"{n_before} cycles" in text
        table = app.screen.query_one("#cycles-table", RecordTable)
        assert len(table.rows) == n_before
        await pilot.press("end", "d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert len(table.rows) == n_before - 1
    assert len(reopen(app.path).cycles(idea.id)) == n_before - 1


async def test_help_and_palette_list_the_screen_actions(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = widget_text(app.screen.query_one("#help-keys"))
        for wanted in ("New", "Review", "Export all", "ctrl+p", "Command palette"):
            assert wanted in keys
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "New aim",
            "Edit the highlighted aim",
            "Export the aim report",
            "Review queue",
            "Aims overview",
        ):
            assert wanted in titles


async def test_first_run_asks_before_creating_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdsa_tui.store import access

    path = tmp_path / "sub" / "pdsa.json"
    # pdsa's own default folder: the file there is the owner's only.
    monkeypatch.setattr(access, "private_folder", lambda: path.parent)
    app = PdsaApp(None, path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert "There is no pdsa database at" in screen_text(app)
        assert "(readable only by you)" in screen_text(app)
        assert not path.exists()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
    assert path.exists()
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert reopen(path).counts()["aims"] == 0


async def test_first_run_elsewhere_says_the_file_follows_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "group" / "pace.json"
    path.parent.mkdir()
    old = os.umask(0o002)
    try:
        app = PdsaApp(None, path)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            # It said "readable only by you" wherever the file was to be made.
            text = " ".join(screen_text(app).split())
            assert "(permissions rw-rw-r-- from your umask, as any file made there)" in text
            assert "readable only by you" not in text
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, OverviewScreen)
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == 0o664


@pytest.mark.parametrize("size", [SMALL, (120, 40)])
async def test_overview_fits_small_and_large_terminals(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        text = await settled_text(pilot, app, lambda t: "Quit" in t.splitlines()[-1])
        lines = text.splitlines()
        assert len(lines) == size[1]
        assert any("Aim 4" in line for line in lines)
        assert "Quit" in lines[-1]


def test_records_are_untouched_by_the_ui_module_import() -> None:
    # The UI imports nothing into the model layer: a smoke check of the layering.
    import pdsa_tui.model as model

    assert not any(name.startswith("textual") for name in vars(model))
    assert Measure and ChangeIdea and Cycle


async def test_notifications_show_user_text_literally(tmp_path: Path) -> None:
    app = empty_app(tmp_path)
    assert app.store is not None
    app.store.save(Aim(code="[bold]x[/] [red]", statement="By 2027, 50% from 2026"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d", "y")
        await pilot.pause()
        shown = [(n.message, n.markup) for n in app._notifications]
        # The text as typed, and flagged as plain text for the toast that shows it.
        assert shown == [("Deleted aim '[bold]x[/] [red]'.", False)]
    assert Store.open(app.path, read_only=True).aims() == []


async def test_export_from_the_overview_asks_before_replacing(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    target = tmp_path / "aim1.html"
    async with app.run_test(size=SMALL) as pilot:
        for attempt in range(2):
            await pilot.press("x")
            await pilot.pause()
            await pilot.press("ctrl+u")
            await type_into(pilot, str(target))
            await pilot.press("enter")
            await pilot.pause()
            if attempt == 0:
                assert target.exists()
                target.write_text("old", encoding="utf-8")
            else:
                assert isinstance(app.screen, ConfirmScreen)
                assert "exists. Replace it?" in screen_text(app)
                await pilot.press("y")
                await pilot.pause()
            # Checked after each export: a toast expires after a few seconds, and a
            # slow machine can take that long between the two.
            messages = [n.message for n in app._notifications]
            assert f"Exported to {target}" in messages
            app.clear_notifications()
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Aim 1" in html


async def test_saving_the_aim_form_unchanged_changes_nothing(tmp_path: Path) -> None:
    # The demo's members hold commas ("Team Manager (TM), East team"): a save of the form
    # as shown split each into two members and wrote a new revision.
    app = demo_app(tmp_path)
    assert app.store is not None
    before = app.store.find_aim("Aim 2")
    assert any("," in m for m in before.members)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "e")
        await pilot.pause()
        assert type(app.screen).__name__ == "RecordForm"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "OverviewScreen"
    after = Store.open(app.path, read_only=True).find_aim("Aim 2")
    assert after.members == before.members
    assert after.rev == before.rev
