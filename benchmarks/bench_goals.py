"""Issue 21's speed goals, each timed as a user meets it: a fresh process, cold caches.

    python benchmarks/bench_goals.py [--runs N] [--only KEYS] [--json OUT] [--dir DIR]

Every figure is the CPU time of a new Python process (its own start-up and imports
included: that is what a user waits for), against a baseline process doing the least
the same job needs, started the same way in the same run. The two are started in
turns, ``--runs`` times each (default 5), and the medians compared, so drifts in the
machine's load hit both alike. Nothing is warmed up: no screen is opened untimed, no
analysis is cached, no file is read before the timed process reads it (beyond the
operating system's file cache, which a user's second start also has).

The rows (:data:`GOALS`):

The programmes are ``bench_save.build_data``'s (realistic text, feedback, measures),
with 50 cycles waiting for Study or Act as in a working programme.

* ``demo``: ``pdsa --demo`` (the command line as typed) to its first screen, against a
  bare Textual app (Header, a Static, Footer) to its first screen;
* ``startup-500``, ``-5000``: ``pdsa --db FILE`` of 500 / 5,000 cycles, same baseline;
  ``startup-50000``: 50,000 cycles, against a bare app that first ``json.loads`` the file;
* ``plan-tab``: in a ``pdsa`` process on 500 cycles, its first screen up, the CPU from
  importing and pushing the cycle form of a new cycle (its Plan tab) until idle, against
  the same process pushing a bare screen; the first open in the process, as a user meets
  it (the app imports the cycle form's module when one is first opened);
* ``merge-500``: in a fresh process, the first ``Store.save`` of one cycle after another
  copy saved the file (a merging save), against ``json.dumps`` + write + fsync +
  ``os.replace`` + fsync of the folder of the same data in a fresh process;
* ``analyse-100k``: ``pdsa analyse --chart p`` of a CSV of 100,000 points (the whole
  process), against a script that reads the CSV and parses every date and number;
* ``export-md-5000``: ``pdsa export --all --format md`` at 5,000 cycles, against a
  script that loads the database and writes the same bytes;
* ``check-50000``: ``pdsa check`` at 50,000 cycles, against ``json.load`` of the file.

Ratios only; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_save
from common import ROOT, Result, table, write_json

from pdsa_tui.store import atomic_write
from pdsa_tui.store.storage import encode

#: Cycles of every programme waiting for Study or Act, as in a working programme.
WAITING = 50

#: Issue 21's goals table, in its order: (key, figure, goal).
GOALS: tuple[tuple[str, str, str], ...] = (
    ("21-demo", "pdsa --demo to first screen vs bare Textual app", "<= 1.4x"),
    ("21-startup-500", "start-up to first screen vs bare Textual app, 500 cycles", "<= 1.3x"),
    ("21-startup-5000", "same, 5,000 cycles", "<= 1.6x"),
    (
        "21-startup-50000",
        "same, 50,000 cycles, vs a bare app that only json.loads the file",
        "<= 1.3x",
    ),
    ("21-plan-tab", "cycle form on a new cycle's Plan tab vs a bare screen", "<= 3x"),
    ("21-merge-500", "merging save, 500 cycles, vs json+fsync+replace", "<= 1.15x"),
    ("21-analyse-100k", "pdsa analyse --chart p, 100,000 points vs read+parse the CSV", "<= 4x"),
    ("21-export-md-5000", "pdsa export --all --format md, 5,000 cycles vs load+write", "<= 5x"),
    ("21-check-50000", "pdsa check, 50,000 cycles, vs json.load", "<= 1.5x"),
)

TARGETS = {
    "21-demo": "ratio<=1.4",
    "21-startup-500": "ratio<=1.3",
    "21-startup-5000": "ratio<=1.6",
    "21-startup-50000": "ratio<=1.3",
    "21-plan-tab": "ratio<=3",
    "21-merge-500": "ratio<=1.15",
    "21-analyse-100k": "ratio<=4",
    "21-export-md-5000": "ratio<=5",
    "21-check-50000": "ratio<=1.5",
}

#: The child process for the TUI rows. argv: mode, then the mode's arguments.
#: Modes: bare [FILE] (a bare app; with FILE it json.loads it first); pdsa ARGS... (the
#: pdsa command line); screen bare|plan DB (pdsa on DB, then one screen opened, timed).
#: It prints "READY <cpu seconds>" (for screen: the CPU of the open alone).
CHILD = r"""
import gc
import sys
import time

from textual.app import App

mode, args = sys.argv[1], sys.argv[2:]
OPTIONS = dict(headless=True, size=(120, 40))
_run = App.run


async def settle(pilot):
    app = pilot.app
    for _ in range(3):
        await pilot._wait_for_screen()
        app.screen._on_timer_update()
    await pilot._wait_for_screen()


async def ready(pilot):
    await pilot.pause()
    if mode == "screen":
        from textual.screen import Screen
        from textual.widgets import Footer, Header, Static

        gc.collect()
        # From here on the open is timed, the screen's module imported included: the app
        # imports the cycle form the first time one is opened.
        t0 = time.process_time()
        if args[0] == "bare":
            class BareScreen(Screen):
                def compose(self):
                    yield Header()
                    yield Static("Hello")
                    yield Footer()

            make = BareScreen
        else:
            from pdsa_tui.model import ChangeIdea, Cycle
            from pdsa_tui.ui.screens.cycle import CycleScreen

            store = pilot.app.store
            idea = store.all(ChangeIdea)[0]
            make = lambda: CycleScreen(draft=Cycle(idea_id=idea.id, objective="Test a checklist"))
        screen = make()
        await pilot.app.push_screen(screen)
        await settle(pilot)
        cpu = time.process_time() - t0
        fields = list(screen.query("Input, TextArea, Select"))
        shown = [w for w in fields if w.display and w.region.area]
        print("READY", cpu, len(fields), len(shown), flush=True)
    else:
        if mode == "pdsa":
            from pdsa_tui.ui.screens.overview import OverviewScreen

            assert isinstance(pilot.app.screen, OverviewScreen), pilot.app.screen
        print("READY", time.process_time(), flush=True)
    pilot.app.exit()


def run(self, *a, **k):
    return _run(self, *a, **{**k, **OPTIONS, "auto_pilot": ready})


App.run = run

if mode == "bare":
    import json
    from pathlib import Path

    if args:
        json.loads(Path(args[0]).read_bytes())
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    Bare().run()
else:
    from pdsa_tui.cli import main

    main(["--db", args[1]] if mode == "screen" else args)
"""

#: The child for the save rows. argv: merge|physical DB.
SAVE_CHILD = r"""
import json
import os
import sys
import time
from pathlib import Path

mode, db = sys.argv[1], Path(sys.argv[2])
if mode == "physical":
    data = json.loads(db.read_bytes())
    t0 = time.process_time()
    w0 = time.perf_counter()
    tmp = db.with_name(db.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(json.dumps(data, ensure_ascii=False))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, db)
    fd = os.open(db.parent, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
else:
    import dataclasses

    from pdsa_tui.model import Cycle
    from pdsa_tui.store import Store

    store = Store.open(db, user="timed")
    other = Store.open(db, user="other")
    mine, theirs = store.all(Cycle)[0], other.all(Cycle)[1]
    other.save(dataclasses.replace(theirs, results="Other copy: " + theirs.results))
    other.close()
    edited = dataclasses.replace(mine, what_happened="Edit: " + mine.what_happened)
    t0 = time.process_time()
    w0 = time.perf_counter()
    store.save(edited)
print("READY", time.process_time() - t0, time.perf_counter() - w0, flush=True)
"""

#: A script that reads and parses the CSV (dates and numbers), as analyse must.
CSV_BASELINE = r"""
import csv
import datetime as dt
import sys

with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
points = [(dt.date.fromisoformat(d), int(n), int(m)) for d, n, m in rows[1:]]
"""

#: A script that loads the database and writes the given bytes (export's floor).
EXPORT_BASELINE = r"""
import json
import sys
from pathlib import Path

json.loads(Path(sys.argv[1]).read_bytes())
Path(sys.argv[3]).write_bytes(Path(sys.argv[2]).read_bytes())
"""

JSON_BASELINE = "import json, sys\nwith open(sys.argv[1], 'rb') as f:\n    json.load(f)\n"


def _env() -> dict[str, str]:
    """The environment of every child: this checkout's pdsa_tui, bytecode as installed.

    Children also start in this checkout (``cwd=ROOT``): ``python -c`` puts the working
    directory first on ``sys.path``, so a run started inside another checkout measured
    that one's code.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["TEXTUAL"] = ""
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def process_cpu(argv: list[str], *, env: dict[str, str] | None = None) -> float:
    """CPU seconds (user + system) of a whole child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        argv, capture_output=True, text=True, env=env or _env(), cwd=ROOT, timeout=600
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ready_line(argv: list[str]) -> list[float]:
    """The numbers a child prints after READY (it may go on to exit in its own time)."""
    proc = subprocess.run(argv, capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("READY")), "")
    if not line:
        raise RuntimeError(f"{argv[:4]} gave no READY: {proc.stderr[-2000:]}")
    return [float(x) for x in line.split()[1:]]


def write_programme(folder: Path, n_cycles: int) -> Path:
    """bench_save's realistic programme of ``n_cycles`` cycles, :data:`WAITING` of them
    waiting for Study or Act, written once per folder."""
    path = folder / f"programme-{n_cycles}-w{WAITING}.json"
    if not path.exists():
        data, _ = bench_save.build_data(n_cycles, waiting=WAITING)
        atomic_write(path, encode(data))
    return path


def write_csv(folder: Path, n: int = 100_000) -> Path:
    """A CSV of ``n`` daily points (date,numerator,denominator) with a shift half way."""
    path = folder / f"points-{n}.csv"
    if not path.exists():
        rng = random.Random(21)
        start = dt.date(1901, 1, 1)
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["date", "numerator", "denominator"])
            for k in range(n):
                den = rng.randint(8, 40)
                p = 0.35 if k < n // 2 else 0.5
                num = sum(rng.random() < p for _ in range(den))
                out.writerow([(start + dt.timedelta(days=k)).isoformat(), num, den])
    return path


def _turns(
    runs: int, timed: Callable[[], float], base: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """``runs`` of each, in turns (baseline first)."""
    a, b = [], []
    for _ in range(runs):
        b.append(base())
        a.append(timed())
    return a, b


def _result(
    key: str,
    name: str,
    size: str,
    a: list[float],
    b: list[float],
    base: str,
    note: str = "",
    **extra: object,
) -> Result:
    spread = (max(a) - min(a)) / statistics.median(a) if a else 0.0
    return Result(
        "goals", name, size, statistics.median(a), base, statistics.median(b), TARGETS[key],
        note=note or f"spread {spread:.0%} of the median",
        extra={"runs": len(a), "cpu_s": a, "baseline_cpu_s": b, **extra}, goal=key,
    )  # fmt: skip


def run(folder: Path, runs: int, only: set[str] | None = None) -> list[Result]:
    """Every row of :data:`GOALS` (or those in ``only``), ``runs`` times each in turns."""
    py = sys.executable
    child = folder / "goals_child.py"
    child.write_text(CHILD)
    save_child = folder / "goals_save_child.py"
    save_child.write_text(SAVE_CHILD)
    want = (lambda k: True) if not only else (lambda k: k in only)
    rows: list[Result] = []

    def app(*args: str) -> float:
        return ready_line([py, str(child), *args])[0]

    if want("21-demo"):
        ready_line([py, str(child), "bare"])  # bytecode of this checkout written once
        app("pdsa", "--demo")
        a, b = _turns(runs, lambda: app("pdsa", "--demo"), lambda: app("bare"))
        rows.append(_result("21-demo", "pdsa --demo to first screen, CPU", "demo", a, b,
                            "bare Textual app"))  # fmt: skip
    for n in (500, 5000, 50_000):
        key = f"21-startup-{n}"
        if not want(key):
            continue
        db = write_programme(folder, n)
        app("pdsa", "--db", str(db))  # today's backup made, as on any earlier day's start
        bare_args = ("bare", str(db)) if n == 50_000 else ("bare",)
        a, b = _turns(runs, lambda db=db: app("pdsa", "--db", str(db)),
                      lambda args=bare_args: app(*args))  # fmt: skip
        base = "bare app + json.loads" if n == 50_000 else "bare Textual app"
        rows.append(_result(key, "pdsa --db FILE to first screen, CPU", f"{n:,} cycles", a, b,
                            base))  # fmt: skip
    if want("21-plan-tab"):
        db = write_programme(folder, 500)
        app("pdsa", "--db", str(db))
        seen: list[list[float]] = []

        def plan() -> float:
            out = ready_line([py, str(child), "screen", "plan", str(db)])
            seen.append(out)
            return out[0]

        a, b = _turns(
            runs, plan, lambda: ready_line([py, str(child), "screen", "bare", str(db)])[0]
        )
        fields, shown = int(seen[-1][1]), int(seen[-1][2])
        rows.append(_result("21-plan-tab", "open cycle form, new cycle (Plan tab)", "500 cycles",
                            a, b, "bare screen, same process",
                            note=f"{fields} fields built, {shown} shown"))  # fmt: skip
    if want("21-merge-500"):
        src = write_programme(folder, 500)
        db = folder / "merge-500.json"

        def save(mode: str) -> list[float]:
            db.write_bytes(src.read_bytes())
            return ready_line([py, str(save_child), mode, str(db)])

        walls: dict[str, list[float]] = {"merge": [], "physical": []}

        def timed(mode: str) -> float:
            cpu, wall = save(mode)
            walls[mode].append(wall)
            return cpu

        a, b = _turns(runs, lambda: timed("merge"), lambda: timed("physical"))
        wall = statistics.median(walls["merge"]) / statistics.median(walls["physical"])
        rows.append(_result("21-merge-500", "first merging Store.save, CPU", "500 cycles", a, b,
                            "json+write+fsync+replace", note=f"wall-clock ratio {wall:.2f}x",
                            wall_s=walls))  # fmt: skip
    if want("21-analyse-100k"):
        points = write_csv(folder)
        env = {**_env(), "PDSA_DB": str(folder / "none.json")}
        cmd = [py, "-m", "pdsa_tui", "analyse", "--chart", "p", str(points)]
        a, b = _turns(runs, lambda: process_cpu(cmd, env=env),
                      lambda: process_cpu([py, "-c", CSV_BASELINE, str(points)]))  # fmt: skip
        rows.append(_result("21-analyse-100k", "pdsa analyse --chart p, CPU", "100,000 points",
                            a, b, "read + parse the CSV"))  # fmt: skip
    if want("21-export-md-5000"):
        db = write_programme(folder, 5000)
        out = folder / "export-5000.md"
        copy = folder / "export-5000-copy.md"
        cmd = [py, "-m", "pdsa_tui", "export", "--all", "--format", "md", "--db", str(db),
               "-o", str(out), "--force"]  # fmt: skip
        process_cpu(cmd)
        a, b = _turns(runs, lambda: process_cpu(cmd),
                      lambda: process_cpu([py, "-c", EXPORT_BASELINE, str(db), str(out),
                                           str(copy)]))  # fmt: skip
        rows.append(_result("21-export-md-5000", "pdsa export --all --format md, CPU",
                            "5,000 cycles", a, b, "load db + write same bytes",
                            bytes=out.stat().st_size))  # fmt: skip
    if want("21-check-50000"):
        db = write_programme(folder, 50_000)
        cmd = [py, "-m", "pdsa_tui", "check", "--db", str(db)]
        a, b = _turns(runs, lambda: process_cpu(cmd),
                      lambda: process_cpu([py, "-c", JSON_BASELINE, str(db)]))  # fmt: skip
        rows.append(_result("21-check-50000", "pdsa check, CPU", "50,000 cycles", a, b,
                            "json.load"))  # fmt: skip
    return rows


def goals_table(results: list[Result]) -> str:
    """Issue 21's goals, each with its figure, ratio and pass/miss."""
    head = f"{'goal':<66} {'figure':>9} {'base':>9} {'ratio':>7} {'target':>9} {'':<4}"
    lines = ["Issue 21 goals (CPU, fresh processes, medians)", head, "-" * len(head)]
    for key, figure, target in GOALS:
        rows = [r for r in results if r.goal == key]
        if not rows:
            lines.append(f"{figure[:66]:<66} {'not measured in this run':>30}")
        for r in rows:
            ratio = f"{r.ratio:6.2f}x" if r.ratio is not None else " " * 7
            verdict = {True: "PASS", False: "MISS", None: ""}[r.passed]
            base = r.baseline_seconds or 0.0
            lines.append(
                f"{figure[:66]:<66} {r.seconds * 1000:7.0f}ms {base * 1000:7.0f}ms {ratio} "
                f"{target:>9} {verdict:<4}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="processes of each kind (median)")
    parser.add_argument("--only", default="", help="comma-separated goal keys (21-demo, ...)")
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--dir", type=Path, help="folder for the files (kept; default: temporary)")
    args = parser.parse_args(argv)
    only = {k.strip() for k in args.only.split(",") if k.strip()} or None
    started = time.perf_counter()
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
        rows = run(args.dir, max(1, args.runs), only)
    else:
        with tempfile.TemporaryDirectory(prefix="pdsa-bench-goals-") as tmp:
            rows = run(Path(tmp), max(1, args.runs), only)
    print(table(rows))
    print()
    print(goals_table(rows))
    print(f"\n{time.perf_counter() - started:.0f} s")
    if args.json:
        write_json(args.json, rows, runs=args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
