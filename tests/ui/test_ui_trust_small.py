"""Issue 24, item 8: small things found (sentences that read right)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_ui_cycle import type_text
from test_ui_data_import import errors_shown, make_db, open_import, paste
from test_ui_drivers import open_aim2
from test_ui_measure import add_empty_measure, fill, form_errors, on_disk, open_measure
from textual.widgets import Static, TextArea
from ui_support import LARGE, SMALL, demo_app, screen_text, settled_text, wait_until, widget_text

from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.evidence import EvidenceScreen
from pdsa_tui.ui.dialogs.modals import RecordForm
from pdsa_tui.ui.dialogs.point_form import PointForm
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.review import ReviewScreen


async def test_saving_a_secondary_driver_says_so_in_a_sentence(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_aim2(pilot)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("down")  # the primary driver
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, "Permanence training for all")
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert "Saved secondary driver 'Permanence training for all'." in said
        assert not any("under." in s for s in said)


async def test_a_two_digit_year_is_refused_in_the_point_form(tmp_path: Path) -> None:
    """'02/01/25' used to save as 2 January 2025; now the form says to write the year in full."""
    app = demo_app(tmp_path)
    measure = add_empty_measure(app, unit="count")
    async with app.run_test(size=SMALL) as pilot:
        await open_measure(app, pilot, measure.name)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, PointForm)
        await fill(pilot, date="02/01/25", value="12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.is_current
        says = "Date: '02/01/25': write the year in full, e.g. 02/01/2025"
        assert form_errors(form)["date"] == says
        assert form.values()["date"] == "02/01/25"  # the typing stays
        assert on_disk(app, measure.name).points == []
        await fill(pilot, date="02/01/2025")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [p.date for p in on_disk(app, measure.name).points] == [dt.date(2025, 1, 2)]


async def test_pasted_rows_with_a_two_digit_year_report_the_row(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    rows = "02/01/25\t12\t15\n"
    async with app.run_test(size=SMALL) as pilot:
        dialog = await open_import(app, pilot, "v")
        before = path.read_bytes()
        await paste(dialog, pilot, rows)
        assert errors_shown(dialog) == [
            "pasted line 1, column 'date': '02/01/25': write the year in full, e.g. 02/01/2025"
        ]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and path.read_bytes() == before


async def test_the_evidence_card_counts_the_localities_it_lists(tmp_path: Path) -> None:
    """The card said "Tested in 3 of 4 localities" over a list of five (teams among them)."""
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        await open_aim2(pilot)
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # the 15-week checklist idea
        await pilot.pause()
        assert isinstance(app.screen, IdeaScreen)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        card = widget_text(app.screen.query_one("#evidence-card", Static))
        assert "Tested in 3 of 4 localities: Elgin, Forres, Buckie" in card
        assert "Other settings tested: East team, West team" in card
        assert "Not yet: Keith" in card


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_the_review_queue_footer_shows_alt_m_in_a_field(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """m types an 'm' in a field; the footer said "m Meeting" there and never named alt+m."""
    app = demo_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        footer = screen_text(app).splitlines()[-1]
        assert " m Meeting " in footer and " n/p Next/prev " in footer  # the list has focus
        for _ in range(4):
            if isinstance(app.focused, TextArea):
                break
            await pilot.press("tab")
            await pilot.pause()
        assert isinstance(app.focused, TextArea)
        footer = (
            await settled_text(pilot, app, lambda t: "alt+m" in t.splitlines()[-1])
        ).splitlines()[-1]
        assert " alt+m Meeting " in footer and " alt+n/p Next/prev " in footer
        assert " m Meeting" not in footer and "palette" in footer  # all of it fits
        await pilot.press("alt+m")  # and it works from the field
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("Save a cycle's Study or Act first" in s for s in said)
        for _ in range(6):  # back to the list
            if app.focused is not None and app.focused.id == "queue":
                break
            await pilot.press("shift+tab")
            await pilot.pause()
        await wait_until(pilot, lambda: " m Meeting " in screen_text(app).splitlines()[-1])
        assert " m Meeting " in screen_text(app).splitlines()[-1]
        await pilot.press("f1")  # F1 names both keys
        text = await settled_text(pilot, app, lambda t: "m, alt+m" in t)
        assert "m, alt+m" in text and "n/p, alt+n/p" in text
