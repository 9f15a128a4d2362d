"""Time the C, U, G and T charts on 10,000 points beside the run chart of the same data.

Run: ``python benchmarks/bench_charts.py [--json OUT] [--repeat N]``

Each chart type gets data of its own kind (counts, events over exposure, cases
between events, days between events) with a baseline frozen half way; the run
chart of the very same points, timed in the same run, is the baseline, so the
ratios say what the chart's own work costs. The terminal chart is timed too.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pdsa_tui.analysis import SeriesPoint, analyse
from pdsa_tui.report.termchart import render_chart

N = 10_000
CHARTS = ("c", "u", "g", "t")


def make_series(chart: str, n: int = N, seed: int = 13) -> list[SeriesPoint]:
    """Points of the kind ``chart`` takes, with a change half way."""
    rng = random.Random(seed)
    start = dt.date(2000, 1, 1)
    out: list[SeriesPoint] = []
    day = start
    for k in range(n):
        late = k >= n // 2
        if chart == "u":
            den = round(rng.uniform(1, 6), 2)
            num = sum(rng.random() < (0.5 if late else 0.3) for _ in range(int(den * 4)))
            out.append(
                SeriesPoint(start + dt.timedelta(days=30 * k), numerator=num, denominator=den)
            )
            continue
        if chart == "c":
            y = float(sum(rng.random() < (0.2 if late else 0.35) for _ in range(12)))
        elif chart == "g":
            y = float(int(rng.expovariate(1 / (40 if late else 25))))
        else:
            y = float(max(1, round(rng.expovariate(1 / (60 if late else 35)))))
        day = day + dt.timedelta(days=int(y) if chart == "t" else 30)
        out.append(SeriesPoint(day, y=y))
    return out


def best_of(func: Callable[[], object], repeat: int) -> float:
    """Fastest wall time in seconds over ``repeat`` calls, each with the analysis's caches empty."""
    from bench_analysis import forget_caches

    best = float("inf")
    for _ in range(repeat):
        forget_caches()
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def run(repeat: int, n: int = N) -> list[dict[str, object]]:
    """One row per chart type: its time, the run chart's on the same points, and the ratio."""
    rows: list[dict[str, object]] = []
    for chart in CHARTS:
        points = make_series(chart, n)
        base = best_of(partial(analyse, points, "run", freeze=n // 2), repeat)
        t = best_of(partial(analyse, points, chart, freeze=n // 2), repeat)
        analysis = analyse(points, chart, freeze=n // 2)
        draw = best_of(
            partial(render_chart, analysis, width=100, height=16, color=True), max(1, repeat // 2)
        )
        rows.append(
            {
                "chart": chart,
                "n": n,
                "ms": t * 1e3,
                "run_ms": base * 1e3,
                "ratio": t / base,
                "draw_ms": draw * 1e3,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--repeat", type=int, default=5, help="calls per measurement (best kept)")
    args = parser.parse_args(argv)
    rows = run(max(1, args.repeat))
    print(f"{'chart':<7}{'n':>8}{'ms':>10}{'run ms':>10}{'x run':>8}{'draw ms':>10}")
    for r in rows:
        print(
            f"{r['chart']:<7}{r['n']:>8}{r['ms']:>10.2f}{r['run_ms']:>10.2f}"
            f"{r['ratio']:>8.2f}{r['draw_ms']:>10.2f}"
        )
    if args.json:
        meta = {"python": sys.version.split()[0], "repeat": args.repeat}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
