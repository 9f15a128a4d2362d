"""Bad database files: each opens fine (and the next save keeps everything) or is refused.

The corpus (``robust_corpus.build_corpus``) is made from a real demo database:
cut short at random offsets, empty, blank, binary junk, NUL bytes, UTF-16 and
UTF-8 BOMs, JSON that is not ours, wrong types in tables, records and fields,
missing keys, a newer schema, deep nesting, a 5 MB statement, and tables and
fields from a future minor version.

A refused file gives ONE clear error naming the file, through every door: the
``Store`` API (writable, read-only, fallback, create), ``pdsa check`` and the
other commands (exit 1, one line on stderr, no traceback), and the app's
``run()`` (prints the error, returns 1, never starts the app nor a new
database over it). The file stays byte-for-byte untouched (bytes, mtime, mode).
``PDSA_ROBUST_SEED`` repeats a run's truncation offsets.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from robust_corpus import (
    BadFile,
    build_corpus,
    demo_file,
    seed,
    snapshot,
    unchanged_tables,
    write_corpus,
)

from pdsa_tui import cli
from pdsa_tui.demo import AIM4_WEEKS
from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Measure
from pdsa_tui.store import NewerSchemaError, Store, UnreadableDatabaseError
from pdsa_tui.store.files import backup_dir
from pdsa_tui.ui import app as app_module

SEED = seed()
UNCHANGED = "The file has not been changed."


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[BadFile], dict[str, Path]]:
    folder = tmp_path_factory.mktemp("corpus")
    demo = demo_file(folder / "source")
    files = build_corpus(demo, random.Random(SEED))
    paths = write_corpus(folder / "files", files)
    print(f"\nrobust corpus: {len(files)} files (PDSA_ROBUST_SEED={SEED})")
    return files, paths


def refused(corpus: tuple[list[BadFile], dict[str, Path]]) -> list[tuple[BadFile, Path]]:
    files, paths = corpus
    return [(f, paths[f.name]) for f in files if f.expect == "refused"]


def opening(corpus: tuple[list[BadFile], dict[str, Path]]) -> list[tuple[BadFile, Path]]:
    files, paths = corpus
    return [(f, paths[f.name]) for f in files if f.expect == "opens"]


def _nothing_added(path: Path) -> list[str]:
    """Files beside ``path`` other than its lock: backups, temp files, a new database."""
    extra = sorted(
        p.name for p in path.parent.iterdir() if p.name not in (path.name, path.name + ".lock")
    )
    return extra


def _check_message(bad: BadFile, path: Path, msg: str) -> list[str]:
    problems = []
    if not msg.startswith(f"{path}: "):
        problems.append(f"{bad.name}: message does not start with the file: {msg[:200]!r}")
    if bad.fragment and bad.fragment not in msg:
        problems.append(f"{bad.name}: expected {bad.fragment!r} in {msg[:300]!r}")
    if UNCHANGED not in msg:
        problems.append(f"{bad.name}: message does not say the file is unchanged")
    if "\n" in msg:
        problems.append(f"{bad.name}: message spans lines: {msg[:300]!r}")
    return problems


def test_corpus_is_complete(corpus: tuple[list[BadFile], dict[str, Path]]) -> None:
    names = {f.name for f in corpus[0]}
    assert len([n for n in names if n.startswith("truncated-")]) == 10
    assert len(refused(corpus)) >= 30 and len(opening(corpus)) >= 4


@pytest.mark.parametrize("how", ["write", "read_only", "fallback", "create"])
def test_store_open_refuses_bad_files_and_leaves_them_untouched(
    corpus: tuple[list[BadFile], dict[str, Path]], how: str
) -> None:
    kwargs: dict[str, Any] = {
        "write": {},
        "read_only": {"read_only": True},
        "fallback": {"fallback_read_only": True},
        "create": {"create": True},
    }[how]
    failures: list[str] = []
    for bad, path in refused(corpus):
        before = snapshot(path)
        try:
            store = Store.open(path, **kwargs)
        except UnreadableDatabaseError as exc:
            failures += _check_message(bad, path, str(exc))
            if bad.newer != isinstance(exc, NewerSchemaError):
                failures.append(f"{bad.name}: newer={bad.newer} but got {type(exc).__name__}")
        except Exception as exc:
            failures.append(f"{bad.name}: {type(exc).__name__}: {exc}"[:300])
        else:
            store.close()
            failures.append(f"{bad.name}: opened, but it should be refused")
        if snapshot(path) != before:
            failures.append(f"{bad.name}: the file was changed")
        if _nothing_added(path):
            failures.append(f"{bad.name}: files appeared beside it: {_nothing_added(path)}")
    assert failures == []


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["list", "cycles", "--json"],
        ["data", "list", "--measure", AIM4_WEEKS],
        ["data", "add", "--measure", AIM4_WEEKS, "--date", "01/01/2031", "--value", "3"],
    ],
    ids=["check", "list", "data-list", "data-add"],
)
def test_cli_gives_one_line_and_exit_1(
    corpus: tuple[list[BadFile], dict[str, Path]],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    failures: list[str] = []
    for bad, path in refused(corpus):
        before = snapshot(path)
        status = cli.main([*argv, "--db", str(path)])
        out, err = capsys.readouterr()
        lines = err.splitlines()
        if status != 1:
            failures.append(f"{bad.name}: exit {status}")
        if len(lines) != 1 or "Traceback" in err:
            failures.append(f"{bad.name}: stderr is not one line: {err[:300]!r}")
        elif not lines[0].startswith("pdsa: "):
            failures.append(f"{bad.name}: stderr does not start with 'pdsa: ': {lines[0][:200]!r}")
        else:
            failures += _check_message(bad, path, lines[0].removeprefix("pdsa: "))
        if out:
            failures.append(f"{bad.name}: printed on stdout: {out[:200]!r}")
        if snapshot(path) != before:
            failures.append(f"{bad.name}: the file was changed")
        if _nothing_added(path):
            failures.append(f"{bad.name}: files appeared beside it: {_nothing_added(path)}")
    assert failures == []


@pytest.mark.parametrize("read_only", [False, True])
def test_app_run_prints_the_error_and_never_starts(
    corpus: tuple[list[BadFile], dict[str, Path]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    read_only: bool,
) -> None:
    started: list[str] = []

    def no_run(self: app_module.PdsaApp, *args: Any, **kwargs: Any) -> None:
        started.append(str(self.path))

    monkeypatch.setattr(app_module.PdsaApp, "run", no_run)
    failures: list[str] = []
    for bad, path in refused(corpus):
        before = snapshot(path)
        status = app_module.run(path, read_only=read_only)
        err = capsys.readouterr().err
        lines = err.splitlines()
        if status != 1:
            failures.append(f"{bad.name}: run() returned {status}")
        if len(lines) != 1 or not lines[0].startswith("pdsa: "):
            failures.append(f"{bad.name}: stderr is not one 'pdsa: ' line: {err[:300]!r}")
        else:
            failures += _check_message(bad, path, lines[0].removeprefix("pdsa: "))
        if snapshot(path) != before or _nothing_added(path):
            failures.append(f"{bad.name}: the file or its folder was changed")
    assert started == [], "the app started on a refused file"
    assert failures == []


REAL_PROCESS_CASES = ("truncated-0", "nul-bytes", "cycle-number-a-string", "newer-schema")


@pytest.mark.parametrize("case", REAL_PROCESS_CASES)
def test_real_processes_exit_1_without_traceback(
    corpus: tuple[list[BadFile], dict[str, Path]], case: str
) -> None:
    """The installed entry point, as a user runs it: ``pdsa check`` and ``pdsa`` (the app)."""
    bad, path = next((b, p) for b, p in refused(corpus) if b.name.startswith(case))
    before = snapshot(path)
    for argv in (["check", "--db", str(path)], ["--db", str(path)]):
        proc = subprocess.run(
            [sys.executable, "-m", "pdsa_tui", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 1, (argv, proc.stderr[-500:])
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert lines[0].startswith(f"pdsa: {path}: "), lines[0]
        assert bad.fragment in lines[0]
        assert proc.stdout == ""
    assert snapshot(path) == before
    assert _nothing_added(path) == []


def test_files_that_open_keep_everything_on_the_next_save(
    corpus: tuple[list[BadFile], dict[str, Path]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown tables and fields (a future minor version), huge text, nesting: kept on save."""
    failures: list[str] = []
    for bad, path in opening(corpus):
        before = json.loads(path.read_bytes())
        started = time.perf_counter()
        with Store.open(path) as store:
            if store.problems():
                failures.append(f"{bad.name}: problems {store.problems()[:3]}")
            aim = store.aims()[0]
            cycle = store.cycles()[0]
            measure = store.find_measure(AIM4_WEEKS)
            store.save(_edit(cycle, "edited by the robustness suite"))
            store.measure_data.add_point(measure, DataPoint(date=_free_date(measure), value=4.0))
            idea = store.all(ChangeIdea)[0]
            store.save(_edit_idea(idea))
        elapsed = time.perf_counter() - started
        after = json.loads(path.read_bytes())
        lost = unchanged_tables(before, after, skip={cycle.id, measure.id, idea.id})
        if lost:
            failures.append(f"{bad.name}: the save lost or changed {lost[:5]}")
        with Store.open(path, read_only=True) as again:
            if again.get(Cycle, cycle.id).objective != "edited by the robustness suite":
                failures.append(f"{bad.name}: the edit did not land")
            if again.get(Aim, aim.id).statement != aim.statement:
                failures.append(f"{bad.name}: the aim's statement changed")
            if len(again.get(Measure, measure.id).points) != len(measure.points) + 1:
                failures.append(f"{bad.name}: the new point did not land")
        if elapsed > 10:
            failures.append(f"{bad.name}: open + 3 saves took {elapsed:.1f} s")
        status = cli.main(["check", "--db", str(path)])
        err = capsys.readouterr().err
        if status != 0:
            failures.append(f"{bad.name}: pdsa check exit {status}: {err[:300]}")
        assert backup_dir(path).is_dir()  # the daily backup was made before the first save
    assert failures == []


def _edit(cycle: Cycle, objective: str) -> Cycle:
    import dataclasses

    return dataclasses.replace(cycle, objective=objective)


def _edit_idea(idea: ChangeIdea) -> ChangeIdea:
    import dataclasses

    return dataclasses.replace(idea, description="edited")


def _free_date(measure: Measure) -> Any:
    import datetime as dt

    taken = {p.date for p in measure.points}
    day = dt.date(2031, 1, 1)
    while day in taken:
        day += dt.timedelta(days=1)
    return day


def test_unknown_record_fields_survive_an_edit_of_that_record(tmp_path: Path) -> None:
    """A field written by a future minor version stays when this pdsa saves the record."""
    path = demo_file(tmp_path)
    data = json.loads(path.read_bytes())
    doc_id, doc = next(iter(data["cycles"].items()))
    doc["risk_rating"] = {"level": "amber", "by": "TL"}
    path.write_text(json.dumps(data))
    with Store.open(path) as store:
        store.save(_edit(store.get(Cycle, doc["id"]), "edited"))
    saved = json.loads(path.read_bytes())["cycles"][doc_id]
    assert saved["objective"] == "edited"
    assert saved["risk_rating"] == {"level": "amber", "by": "TL"}


@pytest.mark.xfail(
    strict=True,
    reason="known: DataPoint.from_dict drops keys it does not know, so saving a measure "
    "rewrites its points without a future minor version's point fields (model/records.py)",
)
def test_unknown_point_fields_survive_adding_a_point(tmp_path: Path) -> None:
    path = demo_file(tmp_path)
    data = json.loads(path.read_bytes())
    measure = next(m for m in data["measures"].values() if m["name"] == AIM4_WEEKS)
    measure["points"][0]["source_row"] = 17
    path.write_text(json.dumps(data))
    with Store.open(path) as store:
        m = store.find_measure(AIM4_WEEKS)
        store.measure_data.add_point(m, DataPoint(date=_free_date(m), value=1.0))
    saved = json.loads(path.read_bytes())
    measure = next(m for m in saved["measures"].values() if m["name"] == AIM4_WEEKS)
    assert any(p.get("source_row") == 17 for p in measure["points"])
