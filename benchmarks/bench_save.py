"""How long does saving one edited cycle take (also merging), against the physical limit?

    python benchmarks/bench_save.py [--json OUT] [--sizes 500,5000] [--repeats 20] [--dir DIR]

For programmes of 500 and 5,000 cycles (realistic text, feedback on some cycles,
measures with data points) it times, ``--repeats`` times each:

* ``Store.save`` of one edited cycle: validation, TinyDB's table update, JSON
  encoding and the atomic write (temp file, fsync, ``os.replace``, fsync of the folder);
* the same save when another copy saved the file just before (a merging save: the
  file is read, parsed and merged record by record before the write);
* the physical limit: ``json.dumps`` of the same data, write, fsync, ``os.replace``
  and fsync of the folder, all in the same folder: the least a whole-file, crash-safe
  save can cost;
* TinyDB's default ``JSONStorage`` doing the same update (``table.update`` of one
  document): it re-reads the whole file on every operation and rewrites it in place
  *without* fsync, so it is neither crash-safe nor durable; shown for scale.

It reports median milliseconds and ratios to the physical limit. It asserts nothing.
The files go in ``--dir`` (default: a new temporary folder, removed afterwards);
fsync costs depend on that folder's file system.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Feedback, Measure, Task
from pdsa_tui.store import Store, atomic_write
from pdsa_tui.store.files import fsync_dir
from pdsa_tui.store.migrations import new_database
from pdsa_tui.store.storage import encode

CYCLES_PER_IDEA = 10
AIMS = 4

_WORDS = [
    "carer",
    "family",
    "meeting",
    "permanence",
    "plan",
    "review",
    "panel",
    "team",
    "social",
    "worker",
    "child",
    "young",
    "person",
    "kinship",
    "foster",
    "assessment",
    "week",
    "report",
    "legal",
    "planning",
    "early",
    "letter",
    "visit",
    "school",
    "health",
    "contact",
    "referral",
    "decision",
    "timescale",
    "chair",
    "minutes",
    "agreed",
    "booked",
    "delayed",
    "helpful",
    "clear",
]


def _text(rng: random.Random, words: int) -> str:
    out = " ".join(rng.choice(_WORDS) for _ in range(words))
    return out[0].upper() + out[1:] + "."


def build_data(n_cycles: int, seed: int = 1, waiting: int = 0) -> tuple[dict[str, Any], str]:
    """A database dict with ``n_cycles`` cycles, and the id of one cycle to edit.

    ``waiting`` cycles, spread through the programme, are left waiting for Study (half)
    or Act (the others), so the review queue has them; every other cycle is closed.
    """
    rng = random.Random(seed)
    data = new_database("2019-01-01T00:00:00+00:00")
    tables: dict[str, dict[str, Any]] = {name: {} for name in data if name != "meta"}

    def put(rec: Any) -> Any:
        table = tables[rec.TABLE]
        table[str(len(table) + 1)] = rec.to_dict()
        return rec

    aims = [
        put(
            Aim(
                code=f"Aim {i + 1}",
                statement=(
                    f"By 01 Dec 2019, {80 + i}% of looked after & accommodated on or after "
                    "01 Feb 2019, will have a recommendation for permanence within 30 weeks."
                ),
                target_pct=80 + i,
                population="looked after and accommodated",
                cohort_from=dt.date(2019, 2, 1),
                deadline=dt.date(2019, 12, 1),
                lead="Service manager",
                members=["SW team A", "Reviewing officer", "Legal"],
                kind="national",
                notes=_text(rng, 40),
            )
        )
        for i in range(AIMS)
    ]
    for aim in aims:
        for j, kind in enumerate(("outcome", "process", "balancing")):
            points = [
                DataPoint(
                    date=dt.date(2017 + k // 12, k % 12 + 1, 1),
                    numerator=rng.randint(3, 10),
                    denominator=10,
                    note=_text(rng, 6) if k % 6 == 0 else "",
                )
                for k in range(36)
            ]
            put(
                Measure(
                    aim_id=aim.id,
                    name=f"{aim.code} measure {j + 1}",
                    type=kind,
                    unit="percent",
                    goal=85,
                    definition=_text(rng, 30),
                    source="Case management system",
                    points=points,
                )
            )
    target = ""
    n_ideas = max(1, n_cycles // CYCLES_PER_IDEA)
    made = 0
    for i in range(n_ideas):
        idea = put(
            ChangeIdea(
                aim_id=aims[i % AIMS].id,
                title=f"Change idea {i + 1}: {_text(rng, 5)}",
                description=_text(rng, 40),
                lead="Team leader",
                status="testing",
                settings=["North locality", "South locality"],
            )
        )
        for n in range(1, CYCLES_PER_IDEA + 1):
            if made >= n_cycles:
                break
            made += 1
            start = dt.date(2019, 1, 7) + dt.timedelta(weeks=n * 2)
            cycle = put(
                Cycle(
                    idea_id=idea.id,
                    number=n,
                    objective=_text(rng, 14),
                    lead="SW",
                    questions=_text(rng, 30),
                    predictions=_text(rng, 30),
                    tasks=[
                        Task("SW", _text(rng, 6), "week 1", "office"),
                        Task("TL", _text(rng, 6), "week 2", "home visit"),
                        Task("Admin", _text(rng, 4), "week 2", ""),
                    ],
                    data_to_collect=_text(rng, 20),
                    planned_start=start,
                    planned_end=start + dt.timedelta(days=13),
                    scale="1 team, 3 families",
                    do_start=start,
                    do_end=start + dt.timedelta(days=12),
                    what_happened=_text(rng, 60),
                    problems=_text(rng, 25),
                    results=_text(rng, 40),
                    learned=_text(rng, 30),
                    decision=rng.choice(["adopt", "adapt", "abandon", "expand"]),
                    next_steps=_text(rng, 20),
                )
            )
            if made == n_cycles // 2:
                target = cycle.id
            if made % 4 == 0:
                for source in ("foster_carer", "practitioner"):
                    put(
                        Feedback(
                            cycle_id=cycle.id,
                            date=start + dt.timedelta(days=5),
                            source=source,
                            method="conversation",
                            text=_text(rng, 35),
                            themes=["clarity", "time"],
                            tone=rng.choice(["positive", "mixed", "negative", "neutral"]),
                        )
                    )
    cycles = list(tables["cycles"].values())
    for k, doc in enumerate(cycles[:: max(1, len(cycles) // waiting)][:waiting] if waiting else []):
        doc.update(decision="", next_steps="")
        if k % 2 == 0:  # waiting for Study: the test recorded, nothing studied yet
            doc.update(results="", learned="")
    data.update(tables)
    return data, target


def _time(fn: Callable[[int], None], repeats: int) -> list[float]:
    """Milliseconds of each of ``repeats`` calls (after one warm-up call)."""
    fn(-1)
    out = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def bench_store(folder: Path, data: dict[str, Any], target: str, repeats: int) -> list[float]:
    path = folder / "store.json"
    atomic_write(path, encode(data))
    store = Store.open(path)
    try:
        base = store.get(Cycle, target)

        def save(i: int) -> None:
            store.save(dataclasses.replace(base, what_happened=f"Edit {i}: {base.what_happened}"))

        return _time(save, repeats)
    finally:
        store.close()


def bench_merging(folder: Path, data: dict[str, Any], target: str, repeats: int) -> list[float]:
    """``Store.save`` when another copy saved the file since this one last read it.

    Before each timed save, a second store on the same file saves an edit of
    another cycle (not timed), so every timed save finds the file changed, reads
    and parses it, merges record by record and writes the union.
    """
    path = folder / "merging.json"
    atomic_write(path, encode(data))
    store = Store.open(path, user="timed")
    other = Store.open(path, user="other")
    base = store.get(Cycle, target)
    theirs = next(c for c in other.all(Cycle) if c.id != target)
    out = []
    for i in range(-1, repeats):
        other.save(dataclasses.replace(theirs, results=f"Other copy {i}: {theirs.results}"))
        t0 = time.perf_counter()
        store.save(dataclasses.replace(base, what_happened=f"Edit {i}: {base.what_happened}"))
        if i >= 0:
            out.append((time.perf_counter() - t0) * 1000)
    if other.get(Cycle, target).what_happened == base.what_happened:
        raise AssertionError("the merging saves did not reach the other copy")
    return out


def bench_physical(folder: Path, data: dict[str, Any], target: str, repeats: int) -> list[float]:
    return _time(_physical_saver(folder, data, target), repeats)


def _physical_saver(folder: Path, data: dict[str, Any], target: str) -> Callable[[int], None]:
    """The least a whole-file, crash-safe save of ``data`` can cost, as a function of round i."""
    path = folder / "physical.json"
    data = json.loads(json.dumps(data))
    doc = next(d for d in data["cycles"].values() if d["id"] == target)
    original = doc["what_happened"]
    tmp = folder / ".physical.json.tmp"

    def save(i: int) -> None:
        doc["what_happened"] = f"Edit {i}: {original}"
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(folder)

    return save


def bench_interleaved(
    folder: Path, data: dict[str, Any], target: str, repeats: int
) -> dict[str, list[float]]:
    """Milliseconds of a plain save, a merging save and the physical limit, taken in turns.

    Each round times one of each, so a change in the machine's load (fsync times on a
    shared machine vary several-fold within a minute) hits all three alike and their
    ratios stay meaningful.
    """
    plain_path = folder / "plain.json"
    atomic_write(plain_path, encode(data))
    plain = Store.open(plain_path, user="timed")
    merging_path = folder / "merging.json"
    atomic_write(merging_path, encode(data))
    merging = Store.open(merging_path, user="timed")
    other = Store.open(merging_path, user="other")
    base = plain.get(Cycle, target)
    theirs = next(c for c in other.all(Cycle) if c.id != target)
    physical = _physical_saver(folder, data, target)
    out: dict[str, list[float]] = {"plain": [], "merging": [], "physical": []}
    for i in range(-1, repeats):
        other.save(dataclasses.replace(theirs, results=f"Other copy {i}: {theirs.results}"))
        text = f"Edit {i}: {base.what_happened}"
        # Each store saves an edit of the version it holds now, as a form opened on it would.
        steps: dict[str, Callable[[], object]] = {
            "physical": functools.partial(physical, i),
            "plain": functools.partial(
                plain.save, dataclasses.replace(plain.get(Cycle, target), what_happened=text)
            ),
            "merging": functools.partial(
                merging.save, dataclasses.replace(merging.get(Cycle, target), what_happened=text)
            ),
        }
        for name, step in steps.items():
            t0 = time.perf_counter()
            step()
            if i >= 0:
                out[name].append((time.perf_counter() - t0) * 1000)
    if other.get(Cycle, target).what_happened == base.what_happened:
        raise AssertionError("the merging saves did not reach the other copy")
    return out


def bench_tinydb(folder: Path, data: dict[str, Any], target: str, repeats: int) -> list[float]:
    path = folder / "tinydb.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    db = TinyDB(path)  # TinyDB's default JSONStorage
    try:
        table = db.table("cycles")
        doc_id = next(int(k) for k, d in data["cycles"].items() if d["id"] == target)
        original = data["cycles"][str(doc_id)]["what_happened"]

        def save(i: int) -> None:
            table.update({"what_happened": f"Edit {i}: {original}"}, doc_ids=[doc_id])

        return _time(save, repeats)
    finally:
        db.close()


def run(sizes: list[int], repeats: int, folder: Path) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        data, target = build_data(n)
        size_mb = len(encode(data)) / 1e6
        sub = folder / f"n{n}"
        sub.mkdir(parents=True, exist_ok=True)
        results = {
            "store_save": bench_store(sub, data, target, repeats),
            "merging_save": bench_merging(sub, data, target, repeats),
            "physical_limit": bench_physical(sub, data, target, repeats),
            "tinydb_jsonstorage": bench_tinydb(sub, data, target, repeats),
        }
        med = {k: statistics.median(v) for k, v in results.items()}
        rows.append(
            {
                "cycles": n,
                "feedback": len(data["feedback"]),
                "file_mb": round(size_mb, 2),
                "repeats": repeats,
                "median_ms": {k: round(v, 2) for k, v in med.items()},
                "min_ms": {k: round(min(v), 2) for k, v in results.items()},
                "ratio_to_physical": {
                    k: round(v / med["physical_limit"], 2) for k, v in med.items()
                },
            }
        )
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'cycles':>7} {'file MB':>8} | {'Store.save':>11} {'merging':>9} {'physical':>9}"
        f" {'TinyDB JSON':>12} | {'save/phys':>9} {'merge/phys':>10} {'TinyDB/phys':>11}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        m, q = r["median_ms"], r["ratio_to_physical"]
        lines.append(
            f"{r['cycles']:>7} {r['file_mb']:>8.2f} | {m['store_save']:>8.1f} ms"
            f" {m['merging_save']:>6.1f} ms"
            f" {m['physical_limit']:>6.1f} ms {m['tinydb_jsonstorage']:>9.1f} ms |"
            f" {q['store_save']:>8.2f}x {q['merging_save']:>9.2f}x"
            f" {q['tinydb_jsonstorage']:>10.2f}x"
        )
    lines.append("(medians; TinyDB's JSONStorage does not fsync, so it is not crash-safe)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", metavar="OUT", type=Path, help="also write the results as JSON")
    ap.add_argument("--sizes", default="500,5000", help="cycle counts (default 500,5000)")
    ap.add_argument("--repeats", type=int, default=20, help="timed saves per case (default 20)")
    ap.add_argument("--dir", type=Path, help="folder for the files (default: a temporary one)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    folder = args.dir or Path(tempfile.mkdtemp(prefix="pdsa-bench-"))
    try:
        rows = run(sizes, args.repeats, folder)
    finally:
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(rows))
    if args.json:
        out = {
            "benchmark": "save one edited cycle",
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "folder": str(args.dir or "temporary"),
            "rows": rows,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
