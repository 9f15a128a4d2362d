"""CPU time to open the main screens: 500 cycles, and a measure of 50,000 points.

    python benchmarks/bench_screens.py [--json OUT] [--repeat N]

The figures of the performance goals (issue 16), each with its ratio to a bare screen
(header, one Static, footer) opened the same way in the same app and run, and its
target (see ``screen_timing.py`` for what is timed and how):

* open the aim view, a cycle form, the review queue and a measure's data entry in a
  realistic programme of 500 cycles (``bench_save.build_data``), 50 of them waiting for
  Study or Act (the review queue holds them): CPU until idle, everything on the screen
  drawn, on the first visit (the figure judged: what a user meets) and again (median of
  the later opens, shown for comparison). Target: 120 ms each.
* the aim view and the data entry of a measure of 50,000 points (daily, numerator and
  denominator: a P chart) in the same programme, opened for the first time (no
  analysis kept): CPU until the list is on screen (target 150 ms), and until idle, with
  the chart drawn after the list (information); and opened again (the analysis kept
  per measure revision): CPU until idle, chart included (information).
* the cycle form is opened twice: on a closed cycle (its Act tab, two fields) and on a
  new cycle (its Plan tab, nine fields: the most of any tab).

Headless, 120 x 40, in one process; the store's records are frozen out of the garbage
collector's passes as ``pdsa`` does. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import functools
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_save
from common import Result, table, write_json
from screen_timing import BareScreen, Opened, freeze_store, time_open

from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint
from pdsa_tui.store import Store, atomic_write
from pdsa_tui.store.storage import encode

CYCLES = 500
#: Cycles waiting for Study or Act: a review queue as a group meeting meets it.
WAITING = 50
POINTS = 50_000
SIZE = (120, 40)


def write_programme(folder: Path, n_cycles: int = CYCLES) -> Path:
    """The realistic programme of ``n_cycles`` cycles, as the save benchmark builds it."""
    data, _ = bench_save.build_data(n_cycles, waiting=WAITING)
    path = folder / f"screens-{n_cycles}.json"
    atomic_write(path, encode(data))
    return path


def busiest_aim(store: Store) -> Aim:
    """The aim with the most change ideas (its view has the longest lists)."""
    return max(store.aims(), key=lambda a: len(store.ideas(a.id)))


def with_many_points(path: Path, folder: Path, n: int = POINTS) -> Path:
    """A copy of ``path`` whose busiest aim's first measure has ``n`` daily points."""
    out = folder / f"screens-{n}-points.json"
    out.write_bytes(path.read_bytes())
    rng = random.Random(16)
    last = dt.date(2026, 10, 31)
    points = []
    for k in range(n):
        den = rng.randint(5, 12)
        p = 0.6 if k < n // 2 else 0.7
        num = sum(rng.random() < p for _ in range(den))
        day = last - dt.timedelta(days=n - 1 - k)
        points.append(DataPoint(date=day, numerator=num, denominator=den))
    with Store.open(out) as store:
        measure = store.measures(busiest_aim(store).id)[0]
        store.save(dataclasses.replace(measure, points=points))
    return out


async def _open_all(
    path: Path, steps: dict[str, Callable[[Store], Any]], repeat: int, *, warm: bool = True
) -> dict[str, Opened]:
    """Open each screen of ``steps`` (made from the store) ``repeat`` times; the bare one too.

    Not ``warm``: the measures' analyses kept from an earlier open are dropped before each
    open, so each is a first visit.
    """
    from pdsa_tui.ui import view_cache
    from pdsa_tui.ui.app import PdsaApp

    store = Store.open(path)
    freeze_store()
    app = PdsaApp(store, path)
    app.animation_level = "none"
    out: dict[str, Opened] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        out["bare"] = await time_open(pilot, BareScreen, repeat)
        for name, make in steps.items():
            out[name] = await time_open(
                pilot,
                lambda make=make: make(store),
                repeat,
                before=None if warm else functools.partial(_forget, view_cache),
            )
    store.close()
    return out


def _forget(view_cache: Any) -> None:
    """A first visit's caches: no analysis kept per measure, no Anhøj limits memoised."""
    from bench_analysis import forget_caches

    view_cache.forget()
    forget_caches()


def _screens() -> dict[str, Callable[[Store], Any]]:
    from pdsa_tui.ui.screens.aim import AimScreen
    from pdsa_tui.ui.screens.cycle import CycleScreen
    from pdsa_tui.ui.screens.measure import MeasureScreen
    from pdsa_tui.ui.screens.review import ReviewScreen

    def cycle(store: Store) -> CycleScreen:
        # The longest ramp's newest cycle (closed: the form opens on its Act tab).
        idea = max(store.all(ChangeIdea), key=lambda i: len(store.cycles(i.id)))
        newest: Cycle = store.cycles(idea.id)[-1]
        return CycleScreen(newest.id)

    def planning(store: Store) -> CycleScreen:
        # A cycle being planned opens on its Plan tab: nine fields, the most of any tab.
        draft = Cycle(idea_id=store.all(ChangeIdea)[0].id, objective="Test a checklist")
        return CycleScreen(draft=draft)

    def measure(store: Store) -> MeasureScreen:
        return MeasureScreen(store.measures(busiest_aim(store).id)[0].id)

    return {
        "aim view": lambda store: AimScreen(busiest_aim(store).id),
        "cycle form": cycle,
        "cycle form (Plan tab)": planning,
        "review queue": lambda store: ReviewScreen(),
        "data entry (measure screen)": measure,
    }


def run(repeat: int) -> list[Result]:
    """Every row: the four screens at 500 cycles, the two lists at 50,000 points."""
    screens = _screens()
    with tempfile.TemporaryDirectory(prefix="pdsa-bench-screens-") as tmp:
        folder = Path(tmp)
        programme = write_programme(folder)
        big = with_many_points(programme, folder)
        at_500 = asyncio.run(_open_all(programme, screens, repeat))
        many = {k: screens[k] for k in ("aim view", "data entry (measure screen)")}
        at_50k = asyncio.run(_open_all(big, many, repeat, warm=False))
        again_50k = asyncio.run(_open_all(big, many, repeat))
    rows = []
    base = "bare screen (CPU)"
    for name in screens:
        rows.append(
            Result("screens", f"open {name}, first visit", f"{CYCLES} cycles",
                   at_500[name].first_s, base, at_500["bare"].first_s, "ms<=120",
                   note="CPU until idle, the first open in the process", goal="screens-500")
        )  # fmt: skip
        rows.append(
            Result("screens", f"open {name} again", f"{CYCLES} cycles", at_500[name].idle_s,
                   base, at_500["bare"].idle_s, "", note="CPU until idle, median of later opens")
        )  # fmt: skip
    for name in many:
        short = name.removesuffix(" (measure screen)")
        rows.append(
            Result("screens", f"{short}: list on screen", f"{POINTS:,} points",
                   at_50k[name].list_s, base, at_50k["bare"].idle_s, "ms<=150",
                   note="CPU until the list's first frame", goal="points-50k")
        )  # fmt: skip
        rows.append(
            Result("screens", f"{short}: chart drawn (after)", f"{POINTS:,} points",
                   at_50k[name].idle_s, base, at_50k["bare"].idle_s, "",
                   note="CPU until idle: the chart follows the list")
        )  # fmt: skip
        rows.append(
            Result("screens", f"{short}: open again", f"{POINTS:,} points",
                   again_50k[name].idle_s, base, again_50k["bare"].idle_s, "",
                   note="CPU until idle, the analysis kept from the last open")
        )  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--repeat", type=int, default=5, help="opens per screen (median)")
    args = parser.parse_args(argv)
    rows = run(max(1, args.repeat))
    print(table(rows))
    if args.json:
        write_json(args.json, rows, repeat=args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
