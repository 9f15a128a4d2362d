"""Kill -9 a writer at random moments: the file must always load, and no acknowledged save is lost.

A child process opens the store and saves records in a loop, printing
``ACK <id> <version>`` (flushed) after each save returns. The parent SIGKILLs
it after a random delay, then opens the file itself. Runs: 25, or
``PDSA_KILL_RUNS``; ``PDSA_KILL_SEED`` repeats a run's random moments. Run with
``-s`` to see the summary line.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path

from robust_corpus import Reporter

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Record
from pdsa_tui.store import NotFoundError, Store, StoreError

TYPES: dict[str, type[Record]] = {
    "Aim": Aim,
    "ChangeIdea": ChangeIdea,
    "Cycle": Cycle,
    "Feedback": Feedback,
}

#: Runs on one file before starting a new one (keeps long runs' files small).
RUNS_PER_FILE = 25

CHILD = r"""
import dataclasses
import datetime
import random
import sys

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Task
from pdsa_tui.store import DatabaseLockedError, Store

path, run, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
try:
    s = Store.open(path, create=True)
except DatabaseLockedError as exc:
    print("LOCKED", exc, flush=True)
    sys.exit(3)
print("OPEN", flush=True)


def ack(rec, version=0):
    print(f"ACK {type(rec).__name__} {rec.id} {version}", flush=True)


aim = s.aims()[0] if s.aims() else None
if aim is None:
    aim = s.save(Aim(id="aim", code="Aim 1", statement="By 01 Dec 2019, 85% ..."))
    ack(aim)
idea = s.save(ChangeIdea(id=f"idea-{run}", aim_id=aim.id, title=f"Idea {run}", lead="TL"))
ack(idea)
PAD = (
    "The young person's carer said the meeting felt rushed; the team will book it "
    "earlier and record who attended. "
) * 4
versions = {}  # cycle id -> version last saved
n = 0
while True:
    n += 1
    if versions and n % 3 == 0:  # edit an earlier cycle of this run
        cid = rng.choice(sorted(versions))
        versions[cid] += 1
        c = s.get(Cycle, cid)
        saved = s.save(dataclasses.replace(c, objective=f"v{versions[cid]}", what_happened=PAD))
        ack(saved, versions[cid])
    elif n % 7 == 0:  # a cycle and its feedback in one transaction
        with s.transaction():
            c = s.save(
                Cycle(id=f"{run}-c{n}", idea_id=idea.id, objective="v0", questions=PAD,
                      tasks=[Task("SW", "visit", "wk1", "home")])
            )
            f = s.save(
                Feedback(id=f"{run}-f{n}", cycle_id=c.id, date=datetime.date(2019, 3, 1),
                         source="carer", text=PAD[:120])
            )
        versions[c.id] = 0
        ack(c)
        ack(f)
    else:
        c = s.save(Cycle(id=f"{run}-c{n}", idea_id=idea.id, objective="v0", questions=PAD))
        versions[c.id] = 0
        ack(c)
"""


def _version(rec: object) -> int:
    if isinstance(rec, Cycle):
        return int(rec.objective[1:])
    return 0


def _one_run(path: Path, script: Path, run: int, rng: random.Random) -> tuple[bool, list[str]]:
    """Start a writer, kill it at a random moment; return (opened the store, ACK texts)."""
    child = Reporter.start(
        [sys.executable, str(script), str(path), str(run), str(rng.randrange(1 << 30))]
    )
    if rng.random() < 0.2:
        # A moment from spawn: may land while opening (creating the file, backing up).
        time.sleep(rng.uniform(0.0, 0.15))
    else:
        # A moment while saving.
        child.opened.wait(timeout=30)
        time.sleep(rng.uniform(0.0, 0.12))
    killed, code, err = child.kill()
    lines = child.lines
    assert not any(line.startswith("LOCKED") for line in lines), lines
    if not killed or code != -signal.SIGKILL:
        raise AssertionError(f"writer ended by itself (exit {code}): {err[-2000:]}")
    opened = any(line.startswith("OPEN") for line in lines)
    return opened, [line.split(maxsplit=1)[1].strip() for line in lines if line.startswith("ACK ")]


def test_kill_9_never_corrupts_or_loses_acknowledged_saves(tmp_path: Path) -> None:
    runs = int(os.environ.get("PDSA_KILL_RUNS", "25"))
    seed = int(os.environ.get("PDSA_KILL_SEED", time.time_ns() % 1_000_000_007))
    rng = random.Random(seed)
    script = tmp_path / "writer.py"
    script.write_text(CHILD)
    kills = while_opening = corrupt = lost = checked = 0
    failures: list[str] = []
    expected: dict[tuple[str, str], int] = {}
    files = 0
    path = tmp_path / "crash-0.json"
    for run in range(runs):
        if run and run % RUNS_PER_FILE == 0:
            files += 1
            path = tmp_path / f"crash-{files}.json"
            expected = {}
        opened, acks = _one_run(path, script, run, rng)
        kills += 1
        while_opening += not opened
        for ack in acks:
            kind, rec_id, version = ack.split()
            key = (kind, rec_id)
            expected[key] = max(expected.get(key, -1), int(version))
        if not path.exists():
            if expected:
                failures.append(f"run {run}: the file is gone after {len(expected)} acked saves")
                lost += len(expected)
            continue
        try:
            store = Store.open(path)  # must not be blocked by the dead writer's lock
        except StoreError as exc:
            corrupt += 1
            failures.append(f"run {run}: {exc}")
            files += 1  # carry on counting with a new file
            path = tmp_path / f"crash-{files}.json"
            expected = {}
            continue
        with store:
            problems = store.problems()
            if problems:
                corrupt += 1
                failures.append(f"run {run}: problems {problems[:3]}")
            for (kind, rec_id), version in expected.items():
                checked += 1
                try:
                    found = store.get(TYPES[kind], rec_id)
                except NotFoundError:
                    found = None
                if found is None or _version(found) < version:
                    lost += 1
                    failures.append(f"run {run}: acked {kind} {rec_id} v{version} lost: {found}")
        leftovers = [p.name for p in path.parent.glob(f".{path.name}.*.tmp")]
        if leftovers:
            failures.append(f"run {run}: temp files not cleaned on open: {leftovers}")
    acked = len(expected)
    print(
        f"\ncrash-safety: {runs} runs, {kills} writers killed with SIGKILL "
        f"({while_opening} while opening the store), "
        f"{checked} acknowledged-record checks ({acked} records in the last file), "
        f"{corrupt} corrupt files, {lost} lost acknowledged saves (PDSA_KILL_SEED={seed})"
    )
    assert failures == [], f"PDSA_KILL_SEED={seed}"
    assert corrupt == 0 and lost == 0
