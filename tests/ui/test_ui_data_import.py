"""Pilot tests of data import in the app: a CSV file's path, or rows pasted from a spreadsheet.

Both preview every row and every problem by line; ctrl+s adds all rows in one save, or
nothing at all. Each test checks the file on disk as well as the screen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea
from ui_support import LARGE, SMALL, screen_text, widget_text

from pdsa_tui.model import Aim, DataPoint, Measure, format_date
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.data_import import DataImportScreen
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.widgets.record_table import RecordTable

NAME = "% of reviews on time"


def month(k: int) -> dt.date:
    """The 1st of the month ``k`` months before TODAY's month."""
    m = TODAY.year * 12 + TODAY.month - 1 - k
    return dt.date(m // 12, m % 12 + 1, 1)


def make_db(tmp_path: Path) -> Path:
    """One aim with a percent measure holding six monthly numerator/denominator points."""
    path = tmp_path / "import.json"
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 1", statement="90% of reviews on time", target_pct=90))
        s.save(
            Measure(
                aim_id=aim.id,
                name=NAME,
                unit="percent",
                points=[
                    DataPoint(date=month(k), numerator=6, denominator=8) for k in range(9, 3, -1)
                ],
            )
        )
    return path


def points_on_disk(path: Path) -> list[DataPoint]:
    with Store.open(path, read_only=True) as s:
        return s.find_measure(NAME).sorted_points()


async def open_import(app: PdsaApp, pilot: Pilot[None], key: str) -> DataImportScreen:
    """The measure's screen, then ``key`` (i: a file, v: paste)."""
    assert app.store is not None
    await pilot.pause()
    app.push_screen(MeasureScreen(app.store.find_measure(NAME).id))
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, DataImportScreen)
    return dialog


def errors_shown(dialog: DataImportScreen) -> list[str]:
    return widget_text(dialog.query_one("#import-errors", Static)).splitlines()


async def test_file_import_lists_problems_by_line_then_imports_all_in_one_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    taken = month(4)  # the measure's last point
    (home / "bad.csv").write_text(
        "date,numerator,denominator,note\n"
        f"{format_date(month(3))},7,8,\n"
        f"{format_date(taken)},5,8,typed again\n"
        f"{format_date(month(2))},9,8,\n",
        encoding="utf-8",
    )
    (home / "good.csv").write_text(
        "date,numerator,denominator,note\n"
        f"{format_date(month(3))},7,8,\n"
        f"{format_date(month(2))},8,8,all on time\n",
        encoding="utf-8",
    )
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=SMALL) as pilot:
        dialog = await open_import(app, pilot, "i")
        before = path.read_bytes()
        box = dialog.query_one("#import-path", Input)
        # A missing file: said plainly, and the typed path stays to correct.
        await pilot.press(*"~/gone.csv", "enter")
        await pilot.pause()
        summary = widget_text(dialog.query_one("#import-summary", Static))
        assert summary == f"{home / 'gone.csv'}: no such file"
        assert box.value == "~/gone.csv"
        # A file with two bad lines: both listed by line; ctrl+s writes nothing.
        box.value = "~/bad.csv"
        await pilot.press("enter")
        await pilot.pause()
        assert "2 problems: nothing can be imported" in screen_text(app)
        shown = errors_shown(dialog)
        assert shown[0].startswith("bad.csv line 3, column 'date': measure")
        assert f"already has a point on {format_date(taken)}" in shown[0]
        assert any(line.startswith("bad.csv line 4, column 'numerator'") for line in shown)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and path.read_bytes() == before
        # The fixed file: a preview of the two rows, then ctrl+s adds both.
        box.value = "~/good.csv"
        await pilot.press("enter")
        await pilot.pause()
        assert "2 new points" in screen_text(app)
        preview = dialog.query_one("#import-preview", RecordTable)
        assert [r.key for r in preview.rows] == ["2", "3"]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
        assert any(n.message == "Imported 2 points." for n in app._notifications)
    after = points_on_disk(path)
    assert len(after) == 8
    assert (after[-1].date, after[-1].numerator, after[-1].note) == (month(2), 8, "all on time")


async def test_ctrl_s_before_enter_previews_first(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    csv = tmp_path / "one.csv"
    csv.write_text(f"date,numerator,denominator\n{format_date(month(1))},3,4\n", encoding="utf-8")
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=LARGE) as pilot:
        dialog = await open_import(app, pilot, "i")
        dialog.query_one("#import-path", Input).value = str(csv)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and "1 new point" in screen_text(app)
        assert len(points_on_disk(path)) == 6
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
    assert points_on_disk(path)[-1].date == month(1)


async def paste(dialog: DataImportScreen, pilot: Pilot[None], text: str) -> None:
    """What a terminal's paste (bracketed paste) delivers to the focused widget."""
    dialog.app.post_message(events.Paste(text))
    await pilot.pause()


def summary(dialog: DataImportScreen) -> str:
    return " ".join(widget_text(dialog.query_one("#import-summary", Static)).split())


@pytest.mark.parametrize(
    ("key", "size"),
    [("i", SMALL), ("v", LARGE)],
    ids=["pasted into the path box at 80x24", "v then paste at 120x40"],
)
async def test_paste_rows_from_a_spreadsheet(
    tmp_path: Path, key: str, size: tuple[int, int]
) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    rows = f"{format_date(month(3))}\t12\t15\n{format_date(month(2))}\t14\t15\n"
    if key == "i":
        rows = rows.replace("\n", "\r")  # as a terminal sends a paste's line breaks
    async with app.run_test(size=size) as pilot:
        dialog = await open_import(app, pilot, key)
        await paste(dialog, pilot, rows)
        area = dialog.query_one("#import-paste", TextArea)
        assert area.display and app.focused is area
        assert area.text.splitlines() == rows.splitlines()
        assert not dialog.query_one("#import-path", Input).display
        assert "Paste rows into" in screen_text(app)
        assert summary(dialog).startswith(
            f"2 new points, {format_date(month(3))} to {format_date(month(2))} "
            "(no header row: read as date, numerator, denominator, note)"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
    after = points_on_disk(path)
    assert [(p.date, p.numerator, p.denominator) for p in after[-2:]] == [
        (month(3), 12, 15),
        (month(2), 14, 15),
    ]


async def test_pasted_rows_with_a_problem_import_nothing_and_escape_asks(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    rows = f"date\tnumerator\tdenominator\n{format_date(month(3))}\t12\t15\n31/02/2026\t1\t2\n"
    async with app.run_test(size=SMALL) as pilot:
        dialog = await open_import(app, pilot, "v")
        before = path.read_bytes()
        await paste(dialog, pilot, rows)
        assert errors_shown(dialog) == [
            "pasted line 3, column 'date': '31/02/2026' is not a real date (February has no day 31)"
        ] or errors_shown(dialog)[0].startswith("pasted line 3, column 'date'")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog and path.read_bytes() == before
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#import-paste", TextArea).text == rows
    assert path.read_bytes() == before


async def test_help_lists_import_and_paste(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=SMALL) as pilot:
        assert app.store is not None
        await pilot.pause()
        screen = MeasureScreen(app.store.find_measure(NAME).id)
        app.push_screen(screen)
        await pilot.pause()
        rows = dict((desc, key) for key, desc in screen.help_rows() if desc)
        assert rows["Import"] == "i" and rows["Paste rows"] == "v"
        titles = [title for title, _, _ in screen.palette_actions()]
        assert "Import points from a CSV file or pasted rows" in titles
        assert "Paste rows copied from a spreadsheet" in titles


async def test_possible_slips_are_warned_by_line_and_still_import(tmp_path: Path) -> None:
    path = make_db(tmp_path)
    app = PdsaApp(Store.open(path), path)
    ahead = TODAY + dt.timedelta(days=40)
    rows = f"{format_date(month(3))}\t7\t8\n{format_date(ahead)}\t6\t8\n"
    async with app.run_test(size=SMALL) as pilot:
        dialog = await open_import(app, pilot, "v")
        await paste(dialog, pilot, rows)
        assert errors_shown(dialog) == []
        warned = widget_text(dialog.query_one("#import-warnings", Static))
        assert warned == f"⚠ pasted line 2: date is in the future (today is {format_date(TODAY)})"
        assert "1 to check (⚠ below); ctrl+s imports them all." in summary(dialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MeasureScreen)
    assert points_on_disk(path)[-1].date == ahead
