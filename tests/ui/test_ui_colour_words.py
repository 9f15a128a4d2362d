"""Issue 24, item 7: in the app, every status a colour shows is also told by a word or a mark.

The walk opens every screen with lists (the demo programme, ``NO_COLOR`` set) and checks
each list: rows coloured differently must differ in their words too, so a person who
cannot see the colour (or has it turned off) reads the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import TODAY
from textual.pilot import Pilot
from ui_support import LARGE, SMALL, demo_app, screen_text, settled_text

from pdsa_tui.analysis.measures import view_measure
from pdsa_tui.model import DataPoint, Measure
from pdsa_tui.model.cases import Case
from pdsa_tui.report.termchart import SIGNAL
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.screens.aim import AimScreen
from pdsa_tui.ui.screens.cases import CasesScreen
from pdsa_tui.ui.screens.idea import IdeaScreen
from pdsa_tui.ui.screens.measure import MeasureScreen
from pdsa_tui.ui.screens.mywork import MyWorkScreen
from pdsa_tui.ui.screens.programme import ProgrammeScreen
from pdsa_tui.ui.screens.review import ReviewScreen
from pdsa_tui.ui.summaries import (
    REMINDER_MARK,
    SIGNAL_MARK,
    URGENT_MARK,
    signal_label,
)
from pdsa_tui.ui.widgets.chart import ChartView
from pdsa_tui.ui.widgets.record_table import RecordTable

#: Words that tell a status (lower case). A row's other words (titles, references, dates,
#: numbers) differ from row to row by chance and never count as telling a status.
STATUS_WORDS = {
    *("over", "late", "overdue", "missed", "met", "better", "worse", "deleted", "achieved"),
    *("closed", "abandoned", "sustained", "spreading", "implementing", "testing"),
    *("new", "update", "same", "signal", "shift", "trend", "lim", "random", "no", "data"),
    *("few", "pts", "study", "act", "plan", "do", "partly", "place", "yet", "n/a"),
}
#: Punctuation that says nothing: every other mark (! ⚠ ◆ ↑ ✓ …) tells a status.
PUNCTUATION = set("-/.,:;()'\"…·%+&")


def _tokens(text: str) -> set[str]:
    """The status words and marks of a row's text."""
    found = set(re.findall(r"\w+|[^\w\s]", text.lower()))
    return {t for t in found if t in STATUS_WORDS or not (t.isalnum() or t in PUNCTUATION)}


def colour_only(table: RecordTable) -> list[str]:
    """Pairs of row colourings in ``table`` that no word or mark tells apart.

    Rows are grouped by their colouring (the style class of each cell). Two groups are
    told apart when some word or mark is in every row of one and in no row of the other.
    """
    groups: dict[tuple[str, ...], list[set[str]]] = defaultdict(list)
    for row in table.rows:
        classes = tuple(c[1] if isinstance(c, tuple) else "" for c in row.cells)
        text = " ".join(c[0] if isinstance(c, tuple) else c for c in row.cells)
        groups[classes].append(_tokens(text))
    problems = []
    keys = list(groups)
    for k, one in enumerate(keys):
        for other in keys[k + 1 :]:
            a, b = groups[one], groups[other]
            tells = (set.intersection(*a) - set.union(*b)) | (set.intersection(*b) - set.union(*a))
            if not tells:
                problems.append(f"{table.id}: {one} and {other} differ only in colour")
    return problems


async def audit(pilot: Pilot[None], app: PdsaApp, seen: list[str]) -> list[str]:
    """Every list on the screen now; its ids go to ``seen``."""
    await pilot.pause()
    problems = []
    for table in app.screen.query(RecordTable):
        if table.rows:
            seen.append(str(table.id))
            problems += colour_only(table)
    return problems


async def visit(pilot: Pilot[None], app: PdsaApp, screen: object) -> None:
    app.push_screen(screen)  # type: ignore[arg-type]
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_every_list_tells_its_statuses_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PDSA_USER", "SP")
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    aim2 = store.find_aim("Aim 2")
    case_measure = next(m for m in store.measures(aim2.id) if m.cases)
    idea = store.find_idea("15-week timeline checklist reminder")
    problems: list[str] = []
    seen: list[str] = []
    async with app.run_test(size=size) as pilot:
        problems += await audit(pilot, app, seen)  # the overview and Needs attention
        await visit(pilot, app, AimScreen(aim2.id))
        problems += await audit(pilot, app, seen)
        await pilot.press("i")
        problems += await audit(pilot, app, seen)
        for m in store.measures(aim2.id):
            if not m.cases:
                await visit(pilot, app, MeasureScreen(m.id))
                problems += await audit(pilot, app, seen)
                await pilot.press("escape")
        await visit(pilot, app, CasesScreen(case_measure.id))
        for tab in ("o", "l", "p"):
            await pilot.press(tab)
            problems += await audit(pilot, app, seen)
        await visit(pilot, app, IdeaScreen(idea.id))
        problems += await audit(pilot, app, seen)
        await visit(pilot, app, ProgrammeScreen("meetings"))
        problems += await audit(pilot, app, seen)
        await pilot.press("3")
        problems += await audit(pilot, app, seen)
        await visit(pilot, app, ReviewScreen())
        problems += await audit(pilot, app, seen)
        await visit(pilot, app, MyWorkScreen())
        problems += await audit(pilot, app, seen)
    assert not problems, "\n".join(problems)
    # The walk saw the lists that colour a status.
    assert {"aims", "attention", "open-table", "closed-table", "meetings-table"} <= set(seen)


async def test_overview_marks_what_to_act_on_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Needs attention used red for "act now" and amber for the rest, and nothing else."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app(tmp_path)
    async with app.run_test(size=LARGE) as pilot:
        text = await settled_text(pilot, app, lambda t: "Needs attention" in t)
        assert f"Needs attention ({URGENT_MARK} act now)" in text
        table = app.screen.query_one("#attention", RecordTable)
        for row in table.rows:
            cell = row.cells[0]
            assert isinstance(cell, tuple)
            urgent = cell[1] == "bad"
            assert cell[0].startswith(f"{URGENT_MARK} ") == urgent, cell
        assert f"{URGENT_MARK} 15-week timeline checklist reminder - cycle 3 waits" in text
        # The aims' signal says better or worse in words, not in green or red.
        aims = app.screen.query_one("#aims", RecordTable)
        signals = {c for row in aims.rows for c in row.cells[5:6] if isinstance(c, tuple)}
        assert ("↑ better", "good") in signals


async def test_measure_points_mark_signals_as_the_chart_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    measure = store.find_measure("% of cases with 15-week checklist reminder sent")
    async with app.run_test(size=SMALL) as pilot:
        await visit(pilot, app, MeasureScreen(measure.id))
        await pilot.pause()
        table = app.screen.query_one(RecordTable)
        flagged = [r.cells[1] for r in table.rows if isinstance(r.cells[1], tuple)]
        plain = [r.cells[1] for r in table.rows if isinstance(r.cells[1], str)]
        assert flagged and all(text.endswith(f" {SIGNAL_MARK}") for text, _ in flagged)
        assert not any(SIGNAL_MARK in text for text in plain)
        assert SIGNAL_MARK == SIGNAL  # the chart's own marker
        chart = app.screen.query_one(ChartView)
        await pilot.pause()
        assert f"{SIGNAL} signal" in chart.plain  # and its key says what it means
        assert f"{SIGNAL} signal" in screen_text(app)


async def test_cases_past_the_reminder_are_marked(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    store = app.store
    assert store is not None
    aim2 = store.find_aim("Aim 2")
    measure = next(m for m in store.measures(aim2.id) if m.cases)
    # Past its 30-week point with no milestone: overdue.
    store.save(Case(measure_id=measure.id, ref="C-0999", start=TODAY - dt.timedelta(weeks=32)))
    async with app.run_test(size=LARGE) as pilot:
        await visit(pilot, app, CasesScreen(measure.id))
        table = app.screen.query_one("#open-table", RecordTable)
        styles = {}
        for row in table.rows:
            left = row.cells[5]
            styles[row.cells[0]] = left
        warned = [c for c in styles.values() if isinstance(c, tuple) and c[1] == "warn"]
        over = [c for c in styles.values() if isinstance(c, tuple) and c[1] == "bad"]
        assert warned and all(text.startswith(f"{REMINDER_MARK} ") for text, _ in warned)
        assert over and all(text.endswith(" d over") for text, _ in over)
        assert REMINDER_MARK in screen_text(app)


def test_signal_label_says_better_or_worse_in_words() -> None:
    """'↑ shift' was green for one measure and red for another: only colour told which."""
    base = [40.0, 42, 38, 41, 39, 40, 43, 37, 40, 41, 39, 40]
    seen = {}
    for direction in ("up", "down", "neutral"):
        for later in (70.0, 10.0):
            values = base + [later] * 8
            points = [
                DataPoint(date=dt.date(2018 + k // 12, k % 12 + 1, 1), value=v)
                for k, v in enumerate(values)
            ]
            measure = Measure(
                aim_id="a", name="m", unit="count", direction=direction, points=points
            )
            text, style = signal_label(view_measure(measure))
            seen.setdefault(text, set()).add(style)
    assert all(len(styles) == 1 for styles in seen.values()), seen  # the words say the colour
    assert {"↑ better", "↓ better", "↑ worse", "↓ worse", "↑ shift", "↓ shift"} <= set(seen)
