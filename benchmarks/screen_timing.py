"""CPU time of opening a screen in a headless app, up to the list on screen and until idle.

Shared by ``bench_screens.py`` and ``bench_cases.py``. A step is timed with
``time.process_time`` (CPU, not wall: the harness's idle sleeps and the other
programs on a busy machine do not count), from ``push_screen`` until:

* **list**: the first frame in which a :class:`RecordTable` of the new screen has drawn
  a row of data (what the user waits for before they can read and move);
* **idle**: every message handled and every after-refresh callback run, so charts
  drawn after the first frame are included.

The first open of each screen in the process is its **first visit** (what a user meets:
the screen's modules, styles and caches cold); it is timed and kept apart (``first_s``),
never thrown away as a warm-up. The medians are of the later opens.

Each run starts after ``gc.collect()``, so a collection of garbage left by an earlier
run does not land in a later one (on a big database one collection can cost more than
the step). The baseline is a bare screen (header, one ``Static``, footer) opened the
same way in the same app, in the same run. Nothing here asserts a time.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Header, Static

from pdsa_tui.ui.widgets.record_table import RecordTable


class BareScreen(Screen[None]):
    """The baseline: a header, one Static and a footer."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Hello")
        yield Footer()


@dataclass
class Opened:
    """CPU seconds to the list on screen, and until idle, medians of the runs after the first;
    and the first visit's, until idle."""

    list_s: float
    idle_s: float
    runs: int
    first_s: float = 0.0


class _ListWatch:
    """Notes the CPU time at which a table of the watched screen first draws a data row."""

    def __init__(self) -> None:
        self.screen: Screen[Any] | None = None
        self.at: float | None = None
        self._render = RecordTable.render_line

    def __enter__(self) -> _ListWatch:
        watch = self
        original = self._render

        def render_line(table: RecordTable, y: int) -> Strip:
            strip = original(table, y)
            if (
                watch.at is None
                and y >= 1
                and table.rows
                and watch.screen is not None
                and table.screen is watch.screen
            ):
                watch.at = time.process_time()
            return strip

        RecordTable.render_line = render_line  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        RecordTable.render_line = self._render  # type: ignore[method-assign]


def freeze_store() -> None:
    """What ``pdsa`` does once the store is open: its records are never collected, so the
    garbage collector is told to leave them out of its passes (``gc.freeze``)."""
    gc.collect()
    gc.freeze()


def cpu_median(func: Callable[[], object], repeat: int) -> float:
    """Median CPU seconds of ``repeat`` calls (after one untimed call), each from no garbage."""
    func()
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        func()
        times.append(time.process_time() - t0)
    return statistics.median(times)


async def settle(pilot: Pilot[Any]) -> None:
    """Handle pending messages, compose a frame, run the after-refresh callbacks; repeat."""
    app = pilot.app
    for _ in range(3):
        await pilot._wait_for_screen()
        app.screen._on_timer_update()
    await pilot._wait_for_screen()


async def time_open(
    pilot: Pilot[Any],
    make: Callable[[], Screen[Any]],
    runs: int,
    *,
    then: Callable[[Screen[Any]], Any] | None = None,
    before: Callable[[], object] | None = None,
) -> Opened:
    """Open ``make()`` ``runs`` times after a first visit (timed apart); pop it after each.

    With ``then`` (awaited if it returns a coroutine) the open is not timed: the step
    timed is ``then(screen)`` on the opened screen, e.g. a key that shows another tab.
    ``before`` runs (untimed) before each open, e.g. to empty a cache.
    """
    app = pilot.app
    lists: list[float] = []
    idles: list[float] = []
    first = 0.0
    with _ListWatch() as watch:
        for k in range(runs + 1):
            if before is not None:
                before()
            gc.collect()  # each run starts with the same garbage: none
            watch.at = None
            t0 = time.process_time()
            screen = make()
            watch.screen = screen
            await app.push_screen(screen)
            if then is not None:
                await settle(pilot)
                watch.at = None
                gc.collect()
                t0 = time.process_time()
                result = then(screen)
                if hasattr(result, "__await__"):
                    await result
            await settle(pilot)
            idle = time.process_time() - t0
            if not k:  # the first visit: imports and caches cold, as a user meets it
                first = idle
            else:
                idles.append(idle)
                lists.append((watch.at - t0) if watch.at is not None else idle)
            app.pop_screen()
            await pilot.pause()
    return Opened(statistics.median(lists), statistics.median(idles), runs, first)
