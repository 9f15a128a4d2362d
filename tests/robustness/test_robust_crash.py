"""SIGKILL the command line and the app at random moments: nothing acknowledged is ever lost.

``tests/test_crash_safety.py`` kills a writer that uses the ``Store`` API. This
suite goes through the doors users use:

* ``pdsa data add`` subprocesses killed after a random delay (anywhere from
  Python's start-up to the save); a write is acknowledged when the process
  exited 0 before the kill. ``pdsa data import`` of a multi-row CSV killed the
  same way must leave all of its rows or none.
* the app itself: a child process runs :class:`PdsaApp` headless and saves
  cycles through the cycle form's own save action, printing ``ACK`` after each
  save the form reports done; it is killed at a random moment.

After every kill the file must load (read-only open, ``problems() == []``) and
hold every acknowledged write. Counts grow with ``PDSA_ROBUST_SCALE`` or
``--long``; ``PDSA_ROBUST_SEED`` repeats the random moments. ``-s`` shows the
summary lines.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from robust_corpus import Reporter, demo_file, scale, seed

from pdsa_tui.demo import AIM4_WEEKS
from pdsa_tui.model import Cycle, Measure
from pdsa_tui.store import Store, StoreError

PDSA = [sys.executable, "-m", "pdsa_tui"]
FIRST = ["--date", "01/01/2030", "--value", "1"]


def _check_file(path: Path) -> tuple[Store | None, str]:
    """Open the file read-only; return (store, '') or (None, why it is broken)."""
    try:
        store = Store.open(path, read_only=True)
    except StoreError as exc:
        return None, str(exc)
    problems = store.problems()
    if problems:
        store.close()
        return None, f"problems: {problems[:3]}"
    return store, ""


def _kill_after(proc: subprocess.Popen[bytes], delay: float) -> bool:
    """Kill ``proc`` after ``delay`` s unless it ended first; return whether it was killed."""
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        return True
    return False


def test_cli_data_add_and_import_killed_at_random(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    n = scale(request.config)
    runs_add, runs_import = 24 * n, 8 * n
    rng_seed = seed()
    rng = random.Random(rng_seed)
    path = demo_file(tmp_path, "crash.json")
    # How long a whole `pdsa data add` takes here, so the kills spread over all of it: the
    # longest of three, as one quick first run under a load that then grows left every
    # later kill landing before the end (no write acknowledged at all).
    whole = 0.0
    timing = [
        FIRST,
        ["--date", "31/12/2029", "--value", "2"],
        ["--date", "30/12/2029", "--value", "3"],
    ]
    for args in timing:
        started = time.perf_counter()
        proc = subprocess.run(
            [*PDSA, "data", "add", "--db", str(path), "--measure", AIM4_WEEKS, *args],
            capture_output=True,
            timeout=60,
        )
        whole = max(whole, time.perf_counter() - started)
        assert proc.returncode == 0, proc.stderr
    acked: dict[dt.date, float] = {
        dt.date(2030, 1, 1): 1.0,
        dt.date(2029, 12, 31): 2.0,
        dt.date(2029, 12, 30): 3.0,
    }
    imports_acked: list[list[dt.date]] = []
    imports_unacked: list[list[dt.date]] = []
    kills = acks = corrupt = lost = partial = 0
    failures: list[str] = []
    day = dt.date(2030, 1, 2)
    plan = ["add"] * runs_add + ["import"] * runs_import
    rng.shuffle(plan)
    for run, kind in enumerate(plan):
        if kind == "add":
            value = float(rng.randrange(0, 500))
            date = day
            day += dt.timedelta(days=1)
            argv = ["data", "add", "--db", str(path), "--measure", AIM4_WEEKS]
            argv += ["--date", f"{date:%d/%m/%Y}", "--value", f"{value:g}"]
        else:
            rows = [day + dt.timedelta(days=i) for i in range(40)]
            day += dt.timedelta(days=40)
            csv = tmp_path / f"import-{run}.csv"
            csv.write_text(
                "date,value,note\n"
                + "".join(f"{d:%d/%m/%Y},{i},row {i} of run {run}\n" for i, d in enumerate(rows))
            )
            argv = ["data", "import", "--db", str(path), "--measure", AIM4_WEEKS, str(csv)]
        proc_ = subprocess.Popen([*PDSA, *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        killed = _kill_after(proc_, rng.uniform(0.0, whole * 1.5))
        assert proc_.stderr is not None
        err = proc_.stderr.read().decode()
        proc_.stderr.close()
        if killed:
            kills += 1
        elif proc_.returncode != 0:
            failures.append(f"run {run}: {kind} failed by itself (exit {proc_.returncode}): {err}")
        elif kind == "add":
            acks += 1
            acked[date] = value
        else:
            acks += 1
            imports_acked.append(rows)
        if kind == "import" and killed:
            imports_unacked.append(rows)
        store, why = _check_file(path)
        if store is None:
            corrupt += 1
            failures.append(f"run {run} ({kind}, killed={killed}): {why}")
            break
        with store:
            points = {p.date: p for p in store.find_measure(AIM4_WEEKS).points}
        for d, v in acked.items():
            if d not in points or points[d].value != v:
                lost += 1
                failures.append(f"run {run}: acknowledged point {d} = {v} lost")
        for block in imports_acked:
            missing = [d for d in block if d not in points]
            if missing:
                lost += len(missing)
                failures.append(f"run {run}: acknowledged import lost {len(missing)} rows")
        for block in imports_unacked:
            present = sum(d in points for d in block)
            if present not in (0, len(block)):
                partial += 1
                failures.append(f"run {run}: a killed import left {present}/{len(block)} rows")
    killed_imports = len(imports_unacked)
    print(
        f"\nrobust crash (CLI): {len(plan)} runs of pdsa data add/import, {kills} SIGKILLs "
        f"({killed_imports} mid-import), {acks} acknowledged writes, {corrupt} corrupt files, "
        f"{lost} lost writes, {partial} partial imports (PDSA_ROBUST_SEED={rng_seed})"
    )
    assert failures == [], f"PDSA_ROBUST_SEED={rng_seed}"
    assert kills > 0 and acks > 0


APP_CHILD = r"""
import asyncio
import sys
from pathlib import Path

from pdsa_tui.model import Cycle
from pdsa_tui.store import Store
from pdsa_tui.ui.app import PdsaApp
from pdsa_tui.ui.screens.cycle import CycleScreen

path, run = Path(sys.argv[1]), sys.argv[2]


async def main() -> None:
    store = Store.open(path)
    idea = sorted(store.ideas(), key=lambda i: i.id)[0]
    app = PdsaApp(store, path)
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        print("OPEN", flush=True)
        n = 0
        mine = []
        while True:
            n += 1
            if mine and n % 3 == 0:
                # Edit a cycle saved earlier in this run: type into the form, ctrl+s.
                cid, version = mine[n % len(mine)]
                screen = CycleScreen(cid)
                await app.push_screen(screen)
                await pilot.pause()
                version += 1
                # The Plan tab may not be mounted yet (tabs mount when first shown): go
                # through the form, which holds the value until the field exists.
                plan = dict(screen.forms())["plan"]
                box = next(b for b in plan.boxes() if b.spec.name == "objective")
                box.set_value(f"ui {cid} v{version}")
                await pilot.pause()
                await pilot.press("ctrl+s")
                await pilot.pause()
                mine[n % len(mine)] = (cid, version)
            else:
                cid, version = f"ui-{run}-{n}", 0
                draft = Cycle(
                    id=cid,
                    idea_id=idea.id,
                    objective=f"ui {cid} v0",
                    predictions="It will help the family",
                    what_happened="Meeting held; carer said it felt rushed. " * 20,
                )
                screen = CycleScreen(draft=draft)
                await app.push_screen(screen)
                await pilot.pause()
                screen.action_save()
                mine.append((cid, 0))
            if screen.is_draft or screen.is_dirty():
                print("FAILED", cid, flush=True)
                sys.exit(5)
            print(f"ACK {cid} {version}", flush=True)
            app.pop_screen()
            await pilot.pause()


asyncio.run(main())
"""


def _run_app_child(
    script: Path, path: Path, run: int, rng: random.Random, *, after_ack: bool = False
) -> tuple[bool, list[tuple[str, int]], str]:
    """Start the app child, kill it at a random moment; return (saved once, ACKs, stderr).

    ``after_ack``: the kill comes only after the first acknowledged save, so that a run on a
    loaded machine (where start-up alone can outlast the random delay) still checks a save.
    """
    child = Reporter.start([sys.executable, str(script), str(path), str(run)])
    if after_ack:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.proc.poll() is None:
            if any(line.startswith("ACK ") for line in child.lines):
                break
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.6))
    elif rng.random() < 0.15:
        time.sleep(rng.uniform(0.0, 1.0))  # while starting: imports, open, first screen
    else:
        child.opened.wait(timeout=60)
        time.sleep(rng.uniform(0.0, 1.6))  # while saving (one save takes ~0.4 s)
    killed, code, err = child.kill()
    lines = child.lines
    acks = []
    for line in lines:
        if line.startswith("ACK "):
            _, cid, version = line.split()
            acks.append((cid, int(version)))
    if not killed:
        err = f"the app ended by itself (exit {code}): {''.join(lines)[-500:]} {err}"
    else:
        err = ""
    return killed, acks, err


def test_app_saves_killed_at_random(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    runs = 5 * scale(request.config)
    rng_seed = seed()
    rng = random.Random(rng_seed)
    path = demo_file(tmp_path, "app.json")
    with Store.open(path, read_only=True) as fresh:
        demo_measures = fresh.count(Measure)  # no measure may be lost or added by the kills
    script = tmp_path / "app_child.py"
    script.write_text(APP_CHILD)
    expected: dict[str, int] = {}
    kills = acks = corrupt = lost = 0
    failures: list[str] = []
    for run in range(runs):
        # The last run kills only after a save was acknowledged, so every run of the test checks
        # at least one acknowledged save, however slow the machine.
        killed, got, err = _run_app_child(script, path, run, rng, after_ack=run == runs - 1)
        if err:
            failures.append(f"run {run}: {err[-2000:]}")
            break
        kills += killed
        acks += len(got)
        for cid, version in got:
            expected[cid] = max(expected.get(cid, -1), version)
        store, why = _check_file(path)
        if store is None:
            corrupt += 1
            failures.append(f"run {run}: {why}")
            break
        with store:
            for cid, version in expected.items():
                found = store.lookup(Cycle, cid)
                saved = -1 if found is None else int(found.objective.rsplit("v", 1)[1])
                if saved < version:
                    lost += 1
                    failures.append(f"run {run}: acknowledged {cid} v{version} lost ({found})")
            assert store.count(Measure) == demo_measures
    print(
        f"\nrobust crash (app): {runs} headless app runs, {kills} SIGKILLs, {acks} acknowledged "
        f"saves through the cycle form, {len(expected)} cycles checked, {corrupt} corrupt files, "
        f"{lost} lost saves (PDSA_ROBUST_SEED={rng_seed})"
    )
    assert failures == [], f"PDSA_ROBUST_SEED={rng_seed}"
    assert acks > 0
