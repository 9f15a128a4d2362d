"""Long series: the list is on screen before the chart, and an analysis is kept per revision.

A measure with more points than ``view_cache.DEFER_POINTS`` is analysed after the
screen's first frame. The tests lower that threshold so a short series takes the
same path, and look at the screen right after it has mounted (before the frames that
follow) and again once it is idle.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.widgets import Static
from ui_support import LARGE, wait_until, widget_text

from pdsa_tui.analysis.measures import brief_verdict
from pdsa_tui.model import Aim, DataPoint, Measure
from pdsa_tui.model import dates as dates_mod
from pdsa_tui.store import Store
from pdsa_tui.ui import view_cache
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import LazyRows, RecordTable, Row

N = 40


@pytest.fixture
def long_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """An aim with one measure of ``N`` weekly points, counted as a long series."""
    monkeypatch.setattr(view_cache, "DEFER_POINTS", N - 1)
    view_cache.forget()
    path = tmp_path / "long.json"
    last = dates_mod.today() - dt.timedelta(days=30)
    points = [
        DataPoint(date=last - dt.timedelta(weeks=N - 1 - k), value=float(10 + k % 7 + k // 20))
        for k in range(N)
    ]
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 9", statement="Faster reviews", target_pct=80))
        m = s.save(Measure(aim_id=aim.id, name="Days to review", unit="days", points=points))
    return path, aim.id, m.id


async def test_aim_view_lists_a_long_series_before_its_chart(long_series) -> None:  # type: ignore[no-untyped-def]
    path, aim_id, measure_id = long_series
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = AimScreen(aim_id)
        await app.push_screen(screen)
        table = screen.query_one("#measures-table", RecordTable)
        # The row is there at once; its value and signal, and the chart, come after.
        assert [r.key for r in table.rows] == [measure_id]
        assert table.rows[0].cells[2] == "…"
        assert screen.query_one(ChartView).view is None
        assert "Working out the chart" in widget_text(screen.query_one("#aim-verdict", Static))
        await pilot.pause()
        await pilot.pause()
        assert table.rows[0].cells[2] != "…"
        chart = screen.query_one(ChartView)
        assert chart.view is not None and len(chart.view.analysis.points) == N
        assert "Run chart of Days to review" in widget_text(
            screen.query_one("#aim-verdict", Static)
        )
        # Opened again, the analysis kept for this revision of the measure is used at once.
        app.pop_screen()
        await pilot.pause()
        again = AimScreen(aim_id)
        await app.push_screen(again)
        assert again.views[measure_id] is chart.view


async def test_data_entry_lists_a_long_series_before_its_chart(long_series) -> None:  # type: ignore[no-untyped-def]
    path, _, measure_id = long_series
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = MeasureScreen(measure_id)
        await app.push_screen(screen)
        table = screen.query_one("#points", RecordTable)
        assert len(table.rows) == N and table.rows[-1].cells[1] == "15 days"
        assert screen.query_one(ChartView).view is None
        verdict = widget_text(screen.query_one("#measure-verdict", Static))
        assert f"Working out the chart of {N} points" in verdict
        await pilot.pause()
        await pilot.pause()
        chart = screen.query_one(ChartView)
        assert chart.view is not None and "goal" not in chart.plain and chart.plain
        assert "Run chart" in widget_text(screen.query_one("#measure-verdict", Static))
        # A new point is a new revision of the measure: analysed afresh, not the kept one.
        kept = chart.view
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+a", *"30", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert chart.view is not None and chart.view is not kept
        assert len(chart.view.analysis.points) == N + 1


def test_brief_verdict_keeps_the_first_signals_and_counts_the_rest() -> None:
    many = " ".join(f"Signal: shift {k}." for k in range(1, 11))
    text = brief_verdict(f"Part 1 (Jan 19 to Mar 20): {many}\nPart 2 (Apr 20): No signal.")
    first, second = text.split("\n")
    assert first == (
        "Part 1 (Jan 19 to Mar 20): Signal: shift 1. Signal: shift 2. Signal: shift 3. "
        "Signal: shift 4. … and 6 more signals."
    )
    assert second == "Part 2 (Apr 20): No signal."
    assert brief_verdict("Signal: one. Signal: two.") == "Signal: one. Signal: two."


def test_lazy_rows_are_made_only_when_asked_for() -> None:
    made: list[int] = []

    def cells(k: int) -> tuple[str, ...]:
        made.append(k)
        return (f"row {k}",)

    rows = LazyRows([f"k{k}" for k in range(50_000)], cells)
    assert len(rows) == 50_000 and made == []
    assert rows[-1] == Row("k49999", ("row 49999",))
    assert rows[3].cells == ("row 3",) and rows[3] is rows[3]
    assert made == [49_999, 3]


async def test_cases_screen_fills_a_tab_when_shown_list_before_chart(tmp_path: Path) -> None:
    from test_ui_cases import app_on, make_db, open_cases

    setup = make_db(tmp_path)
    app = app_on(setup.path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        screen = await open_cases(pilot, app)
        closed = screen.query_one("#closed-table", RecordTable)
        # Only the tab on show is filled when the screen opens.
        assert len(screen.query_one("#open-table", RecordTable).rows) == 3
        assert len(closed.rows) == 0 and screen.query_one("#weeks-chart", ChartView).view is None
        screen.action_tab("closed")
        # The list at once; the per-case chart after the next frame.
        assert len(closed.rows) == 3
        assert screen.query_one("#weeks-chart", ChartView).view is None
        await pilot.pause()
        await pilot.pause()
        chart = screen.query_one("#weeks-chart", ChartView)
        assert chart.view is not None and len(chart.view.analysis.points) == 3
        assert "I chart (XmR)" in widget_text(screen.query_one("#weeks-verdict", Static))
        # Opened again with no case changed: the same weeks chart, kept, not worked out again.
        app.pop_screen()
        await pilot.pause()
        again = CasesScreen(setup.measure.id)
        await app.push_screen(again)
        again.action_tab("closed")
        await pilot.pause()
        await pilot.pause()
        assert again.query_one("#weeks-chart", ChartView).view is chart.view


async def test_a_chart_drawn_once_is_reused_when_its_screen_opens_again(
    long_series, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from pdsa_tui.report import termchart

    path, _, measure_id = long_series
    drawn: list[int] = []
    real = termchart.render_chart

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(termchart, "render_chart", counting)
    app = PdsaApp(Store.open(path), path)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        plains = []
        draws = []
        for _ in range(2):
            screen = MeasureScreen(measure_id)
            await app.push_screen(screen)
            chart = screen.query_one(ChartView)

            # Drawn at its settled size (a loaded machine can take a few refreshes).
            def settled(chart: ChartView = chart) -> bool:
                size = (id(chart.view), chart.size.width, chart.size.height)
                return bool(chart.plain) and chart._drawn_for == size

            await wait_until(pilot, settled)
            plains.append(chart.plain)
            draws.append(len(drawn))
            app.pop_screen()
            await pilot.pause()
        assert plains[0] and plains[0] == plains[1]
        assert draws[0] >= 1
        assert draws[1] == draws[0]  # the second visit showed the kept drawing: no new draw
