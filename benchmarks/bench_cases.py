"""Time a case measure of 5,000 cases: deriving its monthly points, its per-case chart, its screen.

Run: ``python benchmarks/bench_cases.py [--json OUT] [--repeat N] [--cases N]``

Each figure is given beside a baseline measured in the same run on the same data:

* derive: every case's deadline and status, and the monthly points (``case_states`` +
  ``derive_points``), against sorting the cases by start date (the least any per-case
  view must do). Target: the screen-open budget, 100 ms.
* per-case chart: the I chart of the closed cases' weeks to milestone (analysis and the
  terminal drawing at 120 x 20), against the same sort. Target: 100 ms.
* cases screen (headless pilot, 120 x 40, CPU time, see ``screen_timing.py``): opening
  the cases screen until its list of open cases is on screen and until idle; showing the
  Closed tab (``l``) until its list is on screen and until the per-case chart is drawn.
  Baseline: a bare screen (header, Static, footer) opened the same way. Target: the
  screen-open budget of the performance goals, 120 ms of CPU.

Nothing here asserts a time: it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import tempfile
from pathlib import Path

from common import Result, table, write_json
from screen_timing import BareScreen, Opened, cpu_median, freeze_store, time_open

from pdsa_tui.analysis.cases import case_states, closed_by_milestone, derive_points
from pdsa_tui.model import Aim, Case, Measure
from pdsa_tui.report.termchart import render_chart
from pdsa_tui.store import Store

TODAY = dt.date(2026, 11, 27)


def make_cases(n: int, measure_id: str = "m", seed: int = 12) -> list[Case]:
    """``n`` cases started over about five years; nine in ten have reached the milestone."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        start = TODAY - dt.timedelta(days=rng.randint(1, 5 * 365))
        weeks = max(1.0, rng.gauss(27, 6))
        end = start + dt.timedelta(days=int(weeks * 7))
        out.append(
            Case(
                measure_id=measure_id,
                ref=f"C-{10000 + k}",
                start=start,
                end=end if end <= TODAY and rng.random() < 0.9 else None,
                team=rng.choice(["North", "South", "East", "West"]),
            )
        )
    return out


def case_measure(aim_id: str = "a", measure_id: str = "m") -> Measure:
    return Measure(
        id=measure_id,
        aim_id=aim_id,
        name="Permanence within 30 weeks",
        cases=True,
        start_event="accommodated",
        milestone="permanence recommendation",
        target_weeks=30,
    )


def pure_rows(n: int, repeat: int) -> list[Result]:
    from pdsa_tui.ui.screens.cases import weeks_view

    measure = case_measure()
    cases = make_cases(n)
    base = cpu_median(lambda: sorted(cases, key=lambda c: c.start or TODAY), repeat)

    def derive() -> object:
        return derive_points(case_states(measure, cases, TODAY), TODAY)

    def chart() -> object:
        closed = closed_by_milestone(case_states(measure, cases, TODAY))
        view = weeks_view(measure, closed)
        return render_chart(view.analysis, width=120, height=20, goal=view.goal, color=True)

    size = f"{n} cases"
    return [
        Result("cases", "derive monthly points", size, cpu_median(derive, repeat),
               "sort cases by start", base, "ms<=100"),
        Result("cases", "per-case I chart (analyse+draw)", size, cpu_median(chart, repeat),
               "sort cases by start", base, "ms<=100"),
    ]  # fmt: skip


def write_db(folder: Path, n: int) -> Path:
    path = folder / f"cases-{n}.json"
    with Store.open(path, create=True) as s:
        aim = s.save(Aim(code="Aim 2", statement="85% within 30 weeks", target_pct=85))
        m = s.save(case_measure(aim.id, "bench-measure"))
        s.measure_data.save_cases(m, make_cases(n, m.id))
    return path


async def _screen_steps(path: Path, repeat: int) -> dict[str, Opened]:
    from pdsa_tui.ui.app import PdsaApp
    from pdsa_tui.ui.screens.cases import CasesScreen

    store = Store.open(path)
    freeze_store()
    app = PdsaApp(store, path)
    app.animation_level = "none"
    out: dict[str, Opened] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["bare"] = await time_open(pilot, BareScreen, repeat)
        out["open"] = await time_open(pilot, lambda: CasesScreen("bench-measure"), repeat)

        async def closed_tab(screen: object) -> None:
            await pilot.press("l")

        def forget() -> None:
            # Each timed visit is a first visit: nothing analysed or drawn is kept.
            from pdsa_tui.ui import view_cache
            from pdsa_tui.ui.widgets import chart

            view_cache._views.clear()
            chart._drawn.clear()

        out["closed"] = await time_open(
            pilot, lambda: CasesScreen("bench-measure"), repeat, then=closed_tab, before=forget
        )
    store.close()
    return out


def screen_rows(n: int, repeat: int) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="pdsa-bench-cases-") as tmp:
        path = write_db(Path(tmp), n)
        steps = asyncio.run(_screen_steps(path, repeat))
    size = f"{n} cases"
    bare = steps["bare"].idle_s
    base = "bare screen (CPU)"
    return [
        Result("cases", "open cases screen: list on screen", size, steps["open"].list_s,
               base, bare, "ms<=120"),
        Result("cases", "open cases screen: until idle", size, steps["open"].idle_s,
               base, bare, "ms<=120"),
        Result("cases", "closed tab (l): list on screen", size, steps["closed"].list_s,
               base, bare, "ms<=120"),
        Result("cases", "closed tab (l): per-case chart drawn", size, steps["closed"].idle_s,
               base, bare, "ms<=120", note="first visit: caches emptied"),
    ]  # fmt: skip


def run(n: int, repeat: int) -> list[Result]:
    return [*pure_rows(n, repeat), *screen_rows(n, max(3, repeat // 2))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--repeat", type=int, default=7, help="calls per measurement (median)")
    parser.add_argument("--cases", type=int, default=5_000, help="how many cases")
    args = parser.parse_args(argv)
    rows = run(args.cases, max(1, args.repeat))
    print(table(rows))
    if args.json:
        write_json(args.json, rows, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
