"""How long an aim report of 1,000 cycles takes to export, in each format.

Builds a synthetic programme in a temporary store (1 aim, 3 measures of 24
points, 20 change ideas of 50 cycles each with realistic text, feedback on every
third cycle), then times ``export_text`` for every format. Times are reported as
ratios against a baseline measured in the same run (``json.dumps`` of the same
records' ``to_dict()``), so figures compare across machines.

    python benchmarks/bench_export.py [--repeat 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Feedback, Measure, Task
from pdsa_tui.report.export import FORMATS, export_text
from pdsa_tui.store import Store

N_IDEAS = 20
CYCLES_PER_IDEA = 50
N_MEASURES = 3
N_POINTS = 24

SENTENCES = [
    "The social worker booked the permanence planning meeting within a week of the reminder.",
    "Two supervisions were cancelled, so the Team Manager followed up by phone.",
    "Families said they understood what would happen next and felt listened to.",
    "The checklist took between ten and twenty minutes, as predicted.",
    "A court day meant one reminder was missed; a fallback is needed.",
    "Foster carers valued knowing the plan early; Fàilte, the kinship team said.",
    "The Reviewing Officer saw every case at 15 weeks for the first time.",
]


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(n))


def build(store: Store, seed: int = 1) -> Aim:
    """The synthetic programme, saved in one transaction."""
    rng = random.Random(seed)
    start = dt.date(2018, 2, 1)
    with store.transaction():
        aim = store.save(
            Aim(
                code="Aim 2",
                statement="By 01 Dec 2019, 85% of looked after & accommodated on or after "
                "01 Feb 2019, will have a recommendation for permanence within 30 weeks.",
                target_pct=85,
                cohort_from=dt.date(2019, 2, 1),
                deadline=dt.date(2019, 12, 1),
                lead="PACE Lead",
                members=["TM East", "TM West", "RO", "Data lead"],
                kind="national",
            )
        )
        for k in range(N_MEASURES):
            points = []
            for i in range(N_POINTS):
                day = dt.date(
                    start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1
                )
                den = rng.randint(3, 9)
                if k == 0:
                    points.append(
                        DataPoint(date=day, numerator=rng.randint(0, den), denominator=den)
                    )
                else:
                    points.append(DataPoint(date=day, value=round(rng.uniform(20, 45), 1)))
            store.save(
                Measure(
                    aim_id=aim.id,
                    name=f"Measure {k + 1}",
                    type=("outcome", "process", "balancing")[k],
                    unit="percent" if k == 0 else "days",
                    direction="up" if k == 0 else "down",
                    goal=85 if k == 0 else 30,
                    definition=_text(rng, 2),
                    source="Case management system",
                    points=points,
                )
            )
        for i in range(N_IDEAS):
            idea = store.save(
                ChangeIdea(
                    aim_id=aim.id,
                    title=f"Change idea {i + 1}: {rng.choice(SENTENCES)[:40]}",
                    description=_text(rng, 3),
                    lead="Team Manager",
                    status="testing",
                    settings=["East team", "West team"],
                )
            )
            for c in range(CYCLES_PER_IDEA):
                begin = start + dt.timedelta(days=14 * c + i)
                cycle = store.save(
                    Cycle(
                        idea_id=idea.id,
                        objective=f"Test {c + 1}: {rng.choice(SENTENCES)}",
                        lead="SW",
                        questions=_text(rng, 2),
                        predictions=_text(rng, 2),
                        tasks=[Task("SW", "book meeting", "week 1", "office"), Task("TM", "chair")],
                        data_to_collect=_text(rng, 1),
                        planned_start=begin,
                        planned_end=begin + dt.timedelta(days=28),
                        scale="1 team, 3 families",
                        do_start=begin,
                        do_end=begin + dt.timedelta(days=27),
                        what_happened=_text(rng, 3),
                        problems=_text(rng, 1),
                        results=_text(rng, 2),
                        learned=_text(rng, 2),
                        decision=rng.choice(["adopt", "adapt", "abandon"]),
                        next_steps=_text(rng, 1),
                    )
                )
                if c % 3 == 0:
                    for source in ("carer", "practitioner"):
                        store.save(
                            Feedback(
                                cycle_id=cycle.id,
                                date=begin + dt.timedelta(days=10),
                                source=source,
                                text=_text(rng, 2),
                                themes=["clarity", "timing"],
                                tone="positive",
                            )
                        )
    return aim


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.json", create=True)
        try:
            t0 = time.perf_counter()
            aim = build(store)
            built = time.perf_counter() - t0
            n_cycles = len(store.cycles_for_aim(aim.id))
            records = (
                [aim.to_dict()]
                + [m.to_dict() for m in store.measures(aim.id)]
                + [i.to_dict() for i in store.ideas(aim.id)]
                + [c.to_dict() for c in store.cycles_for_aim(aim.id)]
                + [f.to_dict() for f in store.feedback()]
            )
            baseline = best_of(args.repeat, lambda: json.dumps(records, ensure_ascii=False))
            results = {}
            for fmt in FORMATS:
                size = len(export_text(store, aim=aim, fmt=fmt).encode("utf-8"))
                secs = best_of(args.repeat, functools.partial(export_text, store, aim=aim, fmt=fmt))
                results[fmt] = {"seconds": secs, "ratio": secs / baseline, "bytes": size}
        finally:
            store.close()
    print(f"Aim report of {n_cycles} cycles (programme built in {built:.1f} s)")
    print(f"baseline json.dumps of the records: {baseline * 1000:.1f} ms")
    print(f"{'format':<8}{'seconds':>10}{'x baseline':>12}{'size':>12}")
    for fmt, r in results.items():
        print(f"{fmt:<8}{r['seconds']:>10.3f}{r['ratio']:>12.1f}{r['bytes'] / 1024:>10.0f} KB")
    if args.json:
        out = {"cycles": n_cycles, "baseline_seconds": baseline, "formats": results}
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
