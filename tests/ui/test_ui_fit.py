"""Issue 24, item 6: the app fits 80x24, notices never cover content, tick boxes read as text.

Driven by keys through Textual's pilot; each asserts on what the screen shows.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from test_ui_cycle import type_text
from textual.widgets import Checkbox, Select
from textual.widgets._toast import Toast
from ui_support import LARGE, SMALL, demo_app, screen_text, wait_until, widget_text

from pdsa_tui.model import Measure
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.dialogs.point_form import PointForm
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.screens.review import ReviewScreen
from pdsa_tui.ui.themes import HIGH_CONTRAST
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.header import PdsaHeader
from pdsa_tui.ui.widgets.record_table import RecordTable
from pdsa_tui.ui.widgets.scrollbox import ScrollText


def flat(text: str) -> str:
    """Screen text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def column_text(app: PdsaApp, table: RecordTable, column: int) -> str:
    """What the screen shows in one column of ``table``, its lines joined (flattened)."""
    widths = table._widths()
    start = table.region.x + sum(widths[:column]) + column
    lines = screen_text(app).splitlines()[table.region.y + 1 : table.region.bottom]
    return flat(" ".join(ln[start : start + widths[column]] for ln in lines))


def first_percent_measure(app: PdsaApp) -> Measure:
    assert app.store is not None
    return next(m for m in app.store.all(Measure) if m.unit == "percent" and m.points)


# -- 80x24: rows wrap rather than cut ---------------------------------------------------
async def test_needs_attention_rows_wrap_whole_at_80x24(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#attention", RecordTable)
        first = table.rows[0].cells[0]
        first_text = first[0] if isinstance(first, tuple) else first
        assert len(first_text) > 70  # longer than its column at 80 columns
        text = screen_text(app)
        # The whole item is on screen, over two lines; no row is cut short.
        assert flat(first_text) in column_text(app, table, 0)
        attention = text.split("Needs attention", 1)[1]
        assert "…" not in attention
        # The last item too, once the cursor is on it (the list scrolls to show it all).
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        last = table.rows[-1].cells[0]
        assert flat(last[0] if isinstance(last, tuple) else last) in column_text(app, table, 0)


async def test_the_programme_line_keeps_the_next_meeting_date_at_80x24(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        line = widget_text(app.screen.query_one("#programme-line"))
        assert "next meeting due" in line
        text = flat(screen_text(app))
        assert flat(line) in text
        assert "next meeting due 14/02/2020 (monthly)" in text


async def test_long_measure_names_wrap_on_the_aim_screen_at_80x24(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")  # Aim 2
        await pilot.pause()
        table = app.screen.query_one("#measures-table", RecordTable)
        names = column_text(app, table, 0)
        assert "Social worker hours on permanence paperwork per case" in names
        assert "…" not in names
        text = screen_text(app)
        # The chart's verdict is whole: it ends its sentence, then the rules line.
        assert "(improvement for this measure)." in flat(text)
        assert "Rules: Anhøj" in text


async def test_the_footer_shows_whole_keys_only(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.push_screen(MeasureScreen(first_percent_measure(app).id))
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        line = widget_text(footer)
        shown = line.split("▏")[0]
        assert shown.rstrip().endswith("…")  # more keys than room: F1 lists them all
        for item in footer.items:
            entry = f"{item.display} {item.description}"
            if entry in shown:
                continue
            # Left out whole: never its key with part of its name ("m Me").
            assert f" {item.display} " not in f" {shown} ", entry


async def test_the_header_shortens_a_long_title_at_a_word(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        measure = first_percent_measure(app)
        app.push_screen(MeasureScreen(measure.id))
        await pilot.pause()
        header = app.screen.query_one(PdsaHeader)
        full = header.screen_title
        shown = str(header.format_title())
        assert shown.endswith("…") and "demo" not in shown  # the file's name went first
        kept = shown[:-1]
        assert full.startswith(kept)
        assert full[len(kept)] == " "  # cut between words
        assert flat(kept) in flat(screen_text(app))


async def test_the_review_queue_decision_is_in_view_when_focused_at_80x24(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        app.action_review()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        # The cycle waiting for Act: its decision is below the fold until tab reaches it.
        for _ in range(6):
            await pilot.press("tab")
            if app.focused is not None and app.focused.id == "field-decision":
                break
        decision = app.focused
        assert isinstance(decision, Select) and decision.id == "field-decision"
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter).region
        assert decision.region.height > 0 and decision.region.bottom <= footer.y
        text = screen_text(app)
        assert "Decision" in text and "Choose decision" in text


# -- notices never cover a table header or a form ---------------------------------------
def overlapping(app: PdsaApp, region_of: list[object]) -> list[str]:
    """The toasts' texts that overlap any of the given widgets' regions."""
    out = []
    for toast in app.screen.query(Toast):
        for widget in region_of:
            if toast.region.overlaps(widget.region):  # type: ignore[attr-defined]
                out.append(widget_text(toast))
    return out


async def laid_out_around_notices(pilot: object, app: PdsaApp, widgets: list[object]) -> bool:
    """Whether, while notices still show, none overlaps ``widgets`` (after a settle).

    The notices must still be there: one that expired covers nothing.
    """
    await wait_until(
        pilot,  # type: ignore[arg-type]
        lambda: bool(app.screen.query(Toast)) and not overlapping(app, widgets),
        timeout=2.0,  # well inside a notice's timeout: it must still be showing
    )
    return bool(app.screen.query(Toast)) and not overlapping(app, widgets)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_a_save_notice_never_covers_the_table_header(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.pause()
        aims = app.screen.query_one("#aims", RecordTable)
        await pilot.press("e")  # edit the highlighted aim, save it unchanged
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(app.screen.query(Toast)))
        assert app.screen.query(Toast), "no notice was shown"
        header_row = aims.region.intersection(aims.region._replace(height=1))
        footer = app.screen.query_one(KeyFooter)
        # Notices take their own lines above the footer; the tables move up.
        assert await laid_out_around_notices(pilot, app, [aims, footer]), overlapping(
            app, [aims, footer]
        )
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(header_row)
            assert toast.region.bottom <= footer.region.y


async def test_a_notice_never_covers_the_meeting_form_at_120x40(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE, notifications=True) as pilot:
        app.action_review()
        await pilot.pause()
        # Two saves, two notices: "Saved cycle 3 (act)." and "Saved cycle 3 (study)."
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(app.screen.query(Toast)) >= 2)
        await pilot.press("alt+m")  # record the meeting: a form over the queue
        await wait_until(pilot, lambda: bool(app.screen.query(".dialog")))
        dialog = app.screen.query_one(".dialog")
        await wait_until(pilot, lambda: len(app.screen.query(Toast)) >= 2)
        assert len(app.screen.query(Toast)) >= 2, "the notices moved to the form's screen"
        focused = app.focused
        assert focused is not None
        assert await laid_out_around_notices(pilot, app, [dialog, focused])
        assert "Record this meeting" in screen_text(app)


# -- tick boxes read as text ---------------------------------------------------------------
@pytest.mark.parametrize("look", ["dark", "light", "high-contrast", "no-color"])
async def test_tick_boxes_read_ticked_or_not_in_plain_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, look: str
) -> None:
    if look == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        if look == "light":
            app.theme = "textual-light"
        elif look == "high-contrast":
            app.theme = HIGH_CONTRAST.name
        app.push_screen(MeasureScreen(first_percent_measure(app).id))
        await pilot.pause()
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, PointForm))
        text = screen_text(app)
        assert "[ ] Baseline ends here" in text
        assert "[ ] Rebase after this point" in text
        assert "▐X▌" not in text
        box = app.screen.query_one("#point-baseline_end", Checkbox)
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value
        text = screen_text(app)
        assert "[x] Baseline ends here" in text
        assert "[ ] Rebase after this point" in text


async def test_a_ticked_box_is_saved_as_a_marker(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        measure = first_percent_measure(app)
        app.push_screen(MeasureScreen(measure.id))
        await pilot.pause()
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, PointForm))
        await type_text(pilot, "3")
        await pilot.press("tab")
        await type_text(pilot, "4")
        app.screen.query_one("#point-rebase_after", Checkbox).focus()
        await pilot.press("space", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MeasureScreen))
        assert app.store is not None
        latest = max(app.store.get(Measure, measure.id).points, key=lambda p: p.date)
        assert latest.rebase_after and not latest.baseline_end


async def test_a_long_list_shows_the_highlighted_row_whole_at_80x24(tmp_path: Path) -> None:
    # The points list draws rows as they are needed (it may hold 50,000): only the row
    # under the cursor wraps; the others stay one line each.
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        measure = first_percent_measure(app)
        app.push_screen(MeasureScreen(measure.id))
        await pilot.pause()
        table = app.screen.query_one("#points", RecordTable)
        table.focus()
        await pilot.press("home")
        await pilot.pause()
        note = measure.points[0].note
        assert len(note) > 40
        assert flat(note) in column_text(app, table, 4)
        await pilot.press("down")
        await pilot.pause()
        # Moved on: that row is one line again, its note shortened; the next is whole.
        assert flat(note) not in column_text(app, table, 4)
        assert table.cursor == 1
        assert "01/03/2018" in screen_text(app)


async def test_a_long_aim_statement_scrolls_in_the_overviews_detail_at_80x24(
    tmp_path: Path,
) -> None:
    """The detail under the aims is 8 lines at most: a longer one scrolls (tab reaches it
    then, never before), and its last words come into view."""
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    aim = store.find_aim("Aim 1")
    sentence = "By 30 July 2025, 100% of children looked after at home will have an audit."
    store.save(replace(aim, statement=" ".join([sentence] * 9) + " The last words."))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        detail = app.screen.query_one("#aim-detail", ScrollText)
        assert detail.size.height == 8 and detail.max_scroll_y > 0
        assert "The last words." not in screen_text(app)
        await pilot.press("tab")
        assert app.focused is detail
        await pilot.press("end")
        await pilot.pause()
        assert "The last words." in flat(screen_text(app))
        await pilot.press("home")
        await pilot.pause()
        assert "Aim 1: By 30 July 2025" in screen_text(app)
    # A short one shows whole, and tab passes it by.
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    store.save(replace(store.find_aim("Aim 1"), statement=sentence))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        detail = app.screen.query_one("#aim-detail", ScrollText)
        assert detail.max_scroll_y == 0
        await pilot.press("tab")
        assert app.focused is not detail
