"""Time the TUI: start-up, long lists and opening screens, on the demo and on a big programme.

Run: ``python benchmarks/bench_tui.py [--json OUT] [--repeat N]``

Everything runs in-process with Textual's headless ``run_test`` at 80x24.
Absolute times depend on the machine, so each is also given as a ratio to a
baseline measured the same way in the same run:

- start-up (App construction until the first screen has drawn its data) against a
  bare Textual app with one ``Static``;
- the 5,000-row cycle list (``RecordTable.set_rows`` and 50 page-downs, each step
  drawn) against Textual's ``DataTable.add_rows`` with the same rows and keys;
- opening the aim view, a change idea's ramp of 5,000 cycles, a cycle form and the
  measure data-entry screen in the big programme: time per step (target: under 100 ms).

"Drawn" means the screen's pending messages are handled and a frame is composed
(``_settle`` below), without the idle sleeps of ``Pilot.pause``. Nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import textual
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Feedback, Measure
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row

SIZE = (80, 24)
TODAY = dt.date(2020, 2, 10)
RAMP = 5_000  # cycles of the one long change idea
IDEAS = 50
OTHER_CYCLES = 20  # per other idea
PAGES = 50


# -- the big programme ------------------------------------------------------------------------
def build_big(path: Path, seed: int = 7) -> dict[str, str]:
    """4 aims, 50 ideas, one with 5,000 cycles, the rest with 20; feedback on every 2nd cycle."""
    rng = random.Random(seed)
    store = Store.open(path, create=True)
    ids: dict[str, str] = {}
    with store.transaction():
        aims = []
        for k in range(4):
            aim = store.save(
                Aim(
                    code=f"Aim {k + 1}",
                    statement=f"By 01 Dec 2019, 85% of children from 01 Feb 2018 (aim {k + 1}).",
                    target_pct=85,
                    cohort_from=dt.date(2018, 2, 1),
                    deadline=dt.date(2019, 12, 1),
                    lead="PACE lead",
                )
            )
            aims.append(aim)
            for j, unit in enumerate(("percent", "days", "count")):
                pts = []
                for i in range(36):
                    day = dt.date(2017 + (i + 1) // 12, (i + 1) % 12 + 1, 1)
                    if unit == "percent":
                        den = rng.randint(2, 9)
                        pts.append(
                            DataPoint(date=day, numerator=rng.randint(0, den), denominator=den)
                        )
                    else:
                        pts.append(DataPoint(date=day, value=float(rng.randint(5, 60))))
                m = store.save(
                    Measure(
                        aim_id=aim.id,
                        name=f"Measure {k + 1}.{j + 1} ({unit})",
                        type=("outcome", "process", "balancing")[j],
                        unit=unit,
                        points=pts,
                    )
                )
                ids.setdefault("measure", m.id)
        start = dt.date(2018, 1, 1)
        for i in range(IDEAS):
            aim = aims[i % 4]
            idea = store.save(
                ChangeIdea(aim_id=aim.id, title=f"Change idea {i + 1:02d}", lead="TL")
            )
            n = RAMP if i == 0 else OTHER_CYCLES
            if i == 0:
                ids["aim"], ids["idea"] = aim.id, idea.id
            for c in range(n):
                day = start + dt.timedelta(days=c % 700)
                done = c < n - 3
                cycle = store.save(
                    Cycle(
                        idea_id=idea.id,
                        number=c + 1,
                        objective=f"Test {c + 1} of idea {i + 1} with one more family",
                        predictions="Most meetings within 4 weeks",
                        planned_start=day,
                        planned_end=day + dt.timedelta(days=28),
                        do_start=day if done else None,
                        what_happened="Held as planned" if done else "",
                        results="As predicted" if done else "",
                        decision=rng.choice(["adopt", "adapt", "abandon"]) if done else "",
                    )
                )
                if c % 2 == 0:
                    store.save(
                        Feedback(
                            cycle_id=cycle.id,
                            date=day + dt.timedelta(days=7),
                            source="foster_carer",
                            text="It helped to know the plan early.",
                            tone="positive",
                        )
                    )
                if i == 0 and c == n // 2:
                    ids["cycle"] = cycle.id
    store.close()
    return ids


# -- timing helpers -----------------------------------------------------------------------------
async def _settle(pilot: Pilot[Any]) -> None:
    """Handle the screen's pending messages and compose a frame (no idle sleeps)."""
    await pilot._wait_for_screen()
    pilot.app.screen._on_timer_update()
    await pilot._wait_for_screen()


class Bare(App[None]):
    """The baseline: a Textual app with one Static."""

    def compose(self) -> ComposeResult:
        yield Static("Hello")


async def _startup(make: Callable[[], App[Any]], ready: Callable[[App[Any]], bool]) -> float:
    t0 = time.perf_counter()
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if ready(app):
                break
            await _settle(pilot)
        await _settle(pilot)
        elapsed = time.perf_counter() - t0
        assert ready(app)
    return elapsed


def _first_screen_ready(app: App[Any]) -> bool:
    from pdsa_tui.ui.screens.overview import OverviewScreen

    screen = app.screen
    return isinstance(screen, OverviewScreen) and bool(screen.status)


def _bare_ready(app: App[Any]) -> bool:
    return bool(app.screen.query(Static))


def best(values: list[float]) -> float:
    return min(values)


async def bench_startup(path: Path, repeat: int) -> tuple[float, float, float]:
    """(open store, app to first screen, bare app) in seconds, best of ``repeat``."""
    opens, apps, bares = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        store = Store.open(path, read_only=True)
        opens.append(time.perf_counter() - t0)
        apps.append(await _startup(partial(PdsaApp, store, path), _first_screen_ready))
        store.close()
        bares.append(await _startup(Bare, _bare_ready))
    return best(opens), best(apps), best(bares)


# -- lists ----------------------------------------------------------------------------------------
def cycle_rows(n: int) -> list[tuple[str, tuple[str, ...]]]:
    rng = random.Random(3)
    stages = ["Plan", "Do", "Study", "Act", "Closed"]
    return [
        (
            f"c{k}",
            (
                str(k + 1),
                f"Test {k + 1}: meeting within 4 weeks with family {rng.randint(1, 99)}",
                rng.choice(stages),
                "01/03/2019-29/03/2019",
                rng.choice(["adopt", "adapt", "abandon", ""]),
            ),
        )
        for k in range(n)
    ]


class OneWidget(App[None]):
    def __init__(self, widget_factory: Callable[[], Any]) -> None:
        super().__init__()
        self.factory = widget_factory

    def compose(self) -> ComposeResult:
        yield self.factory()


async def bench_lists(n: int, repeat: int) -> dict[str, float]:
    data = cycle_rows(n)
    titles = ["#", "Objective", "Stage", "Planned", "Decision"]
    out: dict[str, list[float]] = {k: [] for k in ("rt_fill", "rt_scroll", "dt_fill", "dt_scroll")}
    for _ in range(repeat):
        columns = [
            Column("#", 5, "right"),
            Column("Objective"),
            Column("Stage", 7),
            Column("Planned", 21),
            Column("Decision", 8),
        ]
        app = OneWidget(partial(RecordTable, columns, id="t"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            table = app.query_one(RecordTable)
            table.focus()
            t0 = time.perf_counter()
            table.set_rows([Row(k, cells) for k, cells in data])
            await _settle(pilot)
            out["rt_fill"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(PAGES):
                table.action_page(1)
                await _settle(pilot)
            out["rt_scroll"].append(time.perf_counter() - t0)
            assert table.cursor > 0

        app = OneWidget(lambda: DataTable(id="t", cursor_type="row"))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            dtable = app.query_one(DataTable)
            dtable.focus()
            t0 = time.perf_counter()
            dtable.add_columns(*titles)
            dtable.add_rows([cells for _, cells in data])
            await _settle(pilot)
            out["dt_fill"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for _ in range(PAGES):
                dtable.action_page_down()
                await _settle(pilot)
            out["dt_scroll"].append(time.perf_counter() - t0)
            assert dtable.cursor_row > 0
    return {k: best(v) for k, v in out.items()}


# -- screens ---------------------------------------------------------------------------------------
class BareScreen(Screen[None]):
    """The baseline for opening a screen: header, one Static, footer."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello")
        yield Footer()


async def bench_screens(path: Path, ids: dict[str, str], repeat: int) -> dict[str, float]:
    from pdsa_tui.ui.screens.aim import AimScreen
    from pdsa_tui.ui.screens.cycle import CycleScreen
    from pdsa_tui.ui.screens.idea import IdeaScreen
    from pdsa_tui.ui.screens.measure import MeasureScreen

    steps: list[tuple[str, Callable[[], Screen[Any]]]] = [
        ("open a bare screen (baseline)", BareScreen),
        ("open aim view", lambda: AimScreen(ids["aim"])),
        (f"open idea ramp ({RAMP:,} cycles)", lambda: IdeaScreen(ids["idea"])),
        ("open cycle form", lambda: CycleScreen(ids["cycle"])),
        ("open measure data entry", lambda: MeasureScreen(ids["measure"])),
    ]
    out: dict[str, list[float]] = {name: [] for name, _ in steps}
    store = Store.open(path, read_only=True)
    try:
        app = PdsaApp(store, path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for _ in range(repeat):
                for name, make in steps:
                    t0 = time.perf_counter()
                    await app.push_screen(make())
                    await _settle(pilot)
                    out[name].append(time.perf_counter() - t0)
                    app.pop_screen()
                    await pilot.pause()
    finally:
        store.close()
    return {k: best(v) for k, v in out.items()}


# -- report -------------------------------------------------------------------------------------
def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


async def run(repeat: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(what: str, seconds: float, baseline: float | None = None, note: str = "") -> None:
        ratio = seconds / baseline if baseline else None
        rows.append({"what": what, "ms": round(seconds * 1000, 2), "ratio": ratio, "note": note})

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.json"
        write_demo(demo, today=TODAY)
        big = Path(tmp) / "big.json"
        t0 = time.perf_counter()
        ids = build_big(big)
        build_s = time.perf_counter() - t0
        with Store.open(big, read_only=True) as s:
            counts = s.counts()
        big_note = (
            f"{counts['aims']} aims, {counts['ideas']} ideas, {counts['cycles']:,} cycles, "
            f"{counts['feedback']:,} feedback, {big.stat().st_size / 1e6:.1f} MB"
        )
        add("build the big programme (not the app)", build_s, note=big_note)

        for label, path in (("demo", demo), ("big", big)):
            open_s, app_s, bare_s = await bench_startup(path, repeat)
            add(f"{label}: open the database", open_s)
            add(f"{label}: start-up to first screen", app_s, bare_s, "ratio: bare app, 1 Static")
            add(f"{label}: bare Textual app (baseline)", bare_s)

        lists = await bench_lists(RAMP, repeat)
        add(f"RecordTable.set_rows {RAMP:,} rows + draw", lists["rt_fill"], lists["dt_fill"],
            "ratio: DataTable")  # fmt: skip
        add(f"DataTable.add_rows {RAMP:,} rows + draw", lists["dt_fill"])
        add(f"RecordTable {PAGES} page-downs, each drawn", lists["rt_scroll"],
            lists["dt_scroll"], "ratio: DataTable")  # fmt: skip
        add(f"DataTable {PAGES} page-downs, each drawn", lists["dt_scroll"])

        screens = await bench_screens(big, ids, repeat)
        bare = screens.pop("open a bare screen (baseline)")
        for name, seconds in screens.items():
            flag = "ok (< 100 ms)" if seconds < 0.1 else "OVER 100 ms"
            add(f"big: {name}", seconds, bare, f"ratio: bare screen; {flag}")
        add("big: open a bare screen (baseline)", bare)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = parser.parse_args(argv)
    rows = asyncio.run(run(max(args.repeat, 1)))
    width = max(len(r["what"]) for r in rows)
    print(f"{'what'.ljust(width)}  {'time':>11}  {'ratio':>7}  note")
    for r in rows:
        ratio = f"{r['ratio']:7.2f}" if r["ratio"] is not None else " " * 7
        print(f"{r['what'].ljust(width)}  {ms(r['ms'] / 1000)}  {ratio}  {r['note']}")
    if args.json:
        meta = {
            "python": platform.python_version(),
            "textual": textual.__version__,
            "machine": platform.machine(),
            "repeat": args.repeat,
            "median_ms": statistics.median(r["ms"] for r in rows),
        }
        Path(args.json).write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
