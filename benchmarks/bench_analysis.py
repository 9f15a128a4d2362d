"""Time the analysis (run, P, I charts) and the terminal chart for 100, 1,000 and 10,000 points.

Run: ``python benchmarks/bench_analysis.py [--json OUT] [--repeat N]``

Absolute times depend on the machine, so each is also given as a ratio to a
baseline measured in the same run on the same data: ``statistics.median`` of the
values (the cheapest thing a run chart must do). Ratios are comparable between
machines; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pdsa_tui.analysis import SeriesPoint, analyse
from pdsa_tui.report.termchart import render_chart

SIZES = (100, 1_000, 10_000)


def make_series(n: int, seed: int = 1) -> list[SeriesPoint]:
    """Monthly-like points with numerators/denominators and a shift half way."""
    rng = random.Random(seed)
    start = dt.date(2000, 1, 1)
    out = []
    for k in range(n):
        den = rng.randint(8, 40)
        p = 0.35 if k < n // 2 else 0.5
        num = sum(rng.random() < p for _ in range(den))
        out.append(SeriesPoint(start + dt.timedelta(days=30 * k), numerator=num, denominator=den))
    return out


def forget_caches() -> None:
    """Empty the analysis's memoised tables (the Anhøj limits by n), as a fresh process has them.

    Timing the same n again would otherwise find its limits computed by the earlier call.
    """
    from pdsa_tui.analysis import rules

    for name in dir(rules):
        clear = getattr(getattr(rules, name), "cache_clear", None)
        if clear is not None:
            clear()


def best_of(func: Callable[[], object], repeat: int) -> float:
    """Fastest wall time in seconds over ``repeat`` calls (least disturbed by the machine).

    Each call starts with the analysis's caches empty (:func:`forget_caches`, untimed).
    """
    best = float("inf")
    for _ in range(repeat):
        forget_caches()
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def run(repeat: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in SIZES:
        points = make_series(n)
        ys = [
            p.numerator / p.denominator for p in points if p.numerator is not None and p.denominator
        ]
        base = best_of(partial(statistics.median, ys), repeat)
        for chart in ("run", "p", "i"):
            t = best_of(partial(analyse, points, chart, freeze=n // 2), repeat)
            rows.append({"what": f"analyse {chart}", "n": n, "ms": t * 1e3, "ratio": t / base})
        analysis = analyse(points, "p", freeze=n // 2)
        draw = partial(render_chart, analysis, width=100, height=16, scale=100, color=True)
        t = best_of(draw, max(1, repeat // 3))
        rows.append({"what": "render_chart p", "n": n, "ms": t * 1e3, "ratio": t / base})
        rows.append({"what": "baseline median", "n": n, "ms": base * 1e3, "ratio": 1.0})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--repeat", type=int, default=5, help="calls per measurement (best kept)")
    args = parser.parse_args(argv)
    rows = run(max(1, args.repeat))
    print(f"{'what':<18}{'n':>8}{'ms':>12}{'x median':>12}")
    for r in rows:
        print(f"{r['what']:<18}{r['n']:>8}{r['ms']:>12.3f}{r['ratio']:>12.1f}")
    if args.json:
        meta = {"python": sys.version.split()[0], "repeat": args.repeat}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
