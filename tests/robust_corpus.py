"""Helpers for the robustness suite: a corpus of bad database files, run scale, snapshots.

The corpus is built from a real demo database (:func:`pdsa_tui.demo.write_demo`),
damaged in the ways files really get damaged (cut short, zeroed, re-encoded, edited
by hand, written by another app or a newer pdsa) or stretched (huge text, deep
nesting, tables and fields from a future minor version).

Each :class:`BadFile` says what pdsa must do with it: ``opens`` (and the next save
keeps every byte of what it did not change) or ``refused`` (one clear error naming
the file; the file untouched). ``fragment`` is a piece of the expected message.
"""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pdsa_tui.demo import write_demo
from pdsa_tui.store.migrations import SCHEMA_VERSION

#: Offsets at which the demo file is cut short.
TRUNCATIONS = 10


@dataclass
class Reporter:
    """A child process that prints "OPEN" once its store is open, then a line per save."""

    proc: subprocess.Popen[str]
    lines: list[str]
    opened: threading.Event
    reader: threading.Thread

    @classmethod
    def start(cls, args: list[str]) -> Reporter:
        """Start ``args`` and collect its stdout lines as they come."""
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        stdout = proc.stdout
        lines: list[str] = []
        opened = threading.Event()

        def read() -> None:
            for line in stdout:
                lines.append(line)
                if line.startswith("OPEN"):
                    opened.set()
            opened.set()  # ended without opening: nobody waits for nothing

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        return cls(proc, lines, opened, reader)

    def kill(self) -> tuple[bool, int, str]:
        """SIGKILL it if still running; return (killed, exit code, stderr)."""
        killed = self.proc.poll() is None
        if killed:
            os.kill(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait(timeout=30)
        self.reader.join(timeout=30)
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()
        self.proc.stderr.close()
        return killed, code, err


def scale(config: pytest.Config) -> int:
    """How much longer to run: ``PDSA_ROBUST_SCALE`` (default 1, or 5 with ``--long``)."""
    env = os.environ.get("PDSA_ROBUST_SCALE", "").strip()
    if env:
        return max(1, int(env))
    return 5 if config.getoption("--long") else 1


def seed(name: str = "PDSA_ROBUST_SEED") -> int:
    """A seed from the environment (to repeat a run), else a fresh one."""
    env = os.environ.get(name, "").strip()
    return int(env) if env else random.SystemRandom().randrange(1 << 30)


def snapshot(path: Path) -> tuple[bytes, int, int]:
    """A file's bytes, mtime (ns) and mode: equal snapshots mean untouched."""
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_mode


def demo_file(folder: Path, name: str = "demo.json") -> Path:
    """A fresh demo database in ``folder``."""
    path = folder / name
    write_demo(path)
    return path


@dataclass(frozen=True)
class BadFile:
    """One file of the corpus and what pdsa must do with it."""

    name: str
    content: bytes
    expect: str  # "opens" or "refused"
    fragment: str = ""  # a piece of the error (refused) or "" for any clear error
    newer: bool = False  # refused as written by a newer pdsa


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _first(data: dict[str, Any], table: str) -> dict[str, Any]:
    doc: dict[str, Any] = next(iter(data[table].values()))
    return doc


def _edited(base: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> bytes:
    data = copy.deepcopy(base)
    change(data)
    return _dump(data)


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def build_corpus(demo: Path, rng: random.Random) -> list[BadFile]:
    """Every damaged or stretched variant of the demo file at ``demo``."""
    raw = demo.read_bytes()
    base = json.loads(raw)
    out: list[BadFile] = []
    offsets = sorted(rng.sample(range(1, len(raw) - 1), TRUNCATIONS))
    for i, offset in enumerate(offsets):
        # Cut short anywhere, even inside a multi-byte character.
        out.append(BadFile(f"truncated-{i}-at-{offset}", raw[:offset], "refused"))
    out += [
        BadFile("empty", b"", "refused", "it is empty (0 bytes)"),
        BadFile("whitespace", b" \n\t\r\n  ", "refused", "it holds only blank space"),
        BadFile("binary-junk", rng.randbytes(4096), "refused"),
        BadFile("nul-bytes", b"\0" * 4096, "refused"),
        BadFile("nul-bytes-after-json", raw + b"\0" * 512, "refused", "not valid JSON"),
        BadFile("utf16-bom", raw.decode("utf-8").encode("utf-16"), "refused", "not a text file"),
        BadFile("utf8-bom", b"\xef\xbb\xbf" + raw, "refused", "not valid JSON"),
        BadFile("json-list", b"[1, 2, 3]", "refused", "the top level is not an object"),
        BadFile("json-string", b'"pdsa"', "refused", "the top level is not an object"),
        BadFile(
            "tinydb-of-another-app",
            _dump({"_default": {"1": {"name": "milk", "qty": 2}}, "users": {}}),
            "refused",
            "it has no pdsa 'meta' record",
        ),
        BadFile(
            "meta-missing",
            _edited(base, lambda d: d.pop("meta")),
            "refused",
            "it has no pdsa 'meta' record",
        ),
        BadFile(
            "aims-table-a-list",
            _edited(base, lambda d: d.__setitem__("aims", list(d["aims"].values()))),
            "refused",
            "table 'aims' is not an object",
        ),
        BadFile(
            "cycle-number-a-string",
            _edited(base, lambda d: _first(d, "cycles").__setitem__("number", "3")),
            "refused",
            "field 'number' is not a whole number",
        ),
        BadFile(
            "cycle-date-not-iso",
            _edited(base, lambda d: _first(d, "cycles").__setitem__("planned_start", "31/02/2019")),
            "refused",
            "field 'planned_start' is not an ISO date",
        ),
        BadFile(
            "cycle-date-impossible",
            _edited(base, lambda d: _first(d, "cycles").__setitem__("planned_end", "2019-02-31")),
            "refused",
            "field 'planned_end' is not an ISO date",
        ),
        BadFile(
            "tasks-a-number",
            _edited(base, lambda d: _first(d, "cycles").__setitem__("tasks", 7)),
            "refused",
            "field 'tasks' is not a list of tasks",
        ),
        BadFile(
            "statement-a-number",
            _edited(base, lambda d: _first(d, "aims").__setitem__("statement", 85)),
            "refused",
            "field 'statement' is not text",
        ),
        BadFile(
            "target-pct-text",
            _edited(base, lambda d: _first(d, "aims").__setitem__("target_pct", "85%")),
            "refused",
            "field 'target_pct' is not a number",
        ),
        BadFile(
            "point-value-text",
            _edited(base, lambda d: _first(d, "measures")["points"][0].__setitem__("value", "x")),
            "refused",
            "point 1 has value 'x', not a number",
        ),
        BadFile(
            "point-value-nan",
            _edited(
                base,
                lambda d: _first(d, "measures")["points"][0].__setitem__("value", float("nan")),
            ),
            "refused",
            "not a number",
        ),
        BadFile(
            "point-without-date",
            _edited(base, lambda d: _first(d, "measures")["points"][0].pop("date")),
            "refused",
            "point 1 has date None",
        ),
        BadFile(
            "members-a-string",
            _edited(base, lambda d: _first(d, "aims").__setitem__("members", "SW, TL")),
            "refused",
            "field 'members' is not a list of text",
        ),
        BadFile(
            "cycle-without-id",
            _edited(base, lambda d: _first(d, "cycles").pop("id")),
            "refused",
            "of table 'cycles' has no id",
        ),
        BadFile(
            "measure-without-aim-id",
            _edited(base, lambda d: _first(d, "measures").pop("aim_id")),
            "refused",
            "has no aim_id",
        ),
        BadFile(
            "doc-key-not-a-number",
            _edited(
                base, lambda d: d["ideas"].__setitem__("x", d["ideas"].pop(next(iter(d["ideas"]))))
            ),
            "refused",
            "has a key that is not a number",
        ),
        BadFile(
            "newer-schema",
            _edited(
                base, lambda d: d["meta"]["1"].__setitem__("schema_version", SCHEMA_VERSION + 1)
            ),
            "refused",
            "written by a newer pdsa",
            newer=True,
        ),
        BadFile(
            "deeply-nested-top",
            b"[" * 200_000 + b"]" * 200_000,
            "refused",
            "nested too deeply",
        ),
        BadFile(
            "deeply-nested-in-a-table",
            _dump(base)[:-1] + b', "x": {"1": {"deep": ' + b"[" * 200_000 + b"]" * 200_000 + b"}}}",
            "refused",
            "nested too deeply",
        ),
        # -- files that must open, and keep what this pdsa does not know on the next save
        BadFile(
            "unknown-table-from-a-future-minor-version",
            _edited(
                base,
                lambda d: d.__setitem__(
                    "risks", {"1": {"id": "r1", "text": "Court backlog", "nested": {"a": [1, 2]}}}
                ),
            ),
            "opens",
        ),
        BadFile(
            "unknown-fields-in-records",
            _edited(base, _add_unknown_fields),
            "opens",
        ),
        BadFile(
            "moderately-nested-unknown-field",
            _edited(base, lambda d: _first(d, "ideas").__setitem__("future", _nested(200))),
            "opens",
        ),
        BadFile(
            "huge-statement-5mb",
            _edited(base, lambda d: _first(d, "aims").__setitem__("statement", _huge_text(rng))),
            "opens",
        ),
    ]
    return out


def _add_unknown_fields(data: dict[str, Any]) -> None:
    for table in ("aims", "measures", "ideas", "cycles", "feedback"):
        doc = _first(data, table)
        doc["future_field"] = {"added_in": "2.1", "values": [1, "two", None, True]}
    _first(data, "measures")["points"][0]["future_point_field"] = "kept"


def _huge_text(rng: random.Random) -> str:
    words = ["permanence", "carer", "panel", "review", "Ünïcödé", "😀", "حماية", "\t", "\n"]
    out: list[str] = []
    size = 0
    while size < 5 * 1024 * 1024:
        w = rng.choice(words)
        out.append(w)
        size += len(w.encode("utf-8")) + 1
    return "By 01 Dec 2019, 85% " + " ".join(out)


def write_corpus(folder: Path, files: list[BadFile]) -> dict[str, Path]:
    """Write each corpus file into its own sub-folder (so backups never mix)."""
    paths: dict[str, Path] = {}
    for bad in files:
        sub = folder / bad.name
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / "pdsa.json"
        path.write_bytes(bad.content)
        os.chmod(path, 0o644)
        paths[bad.name] = path
    return paths


def unchanged_tables(before: dict[str, Any], after: dict[str, Any], skip: set[str]) -> list[str]:
    """Tables (or records) of ``before`` that ``after`` lost or changed, except ``skip`` ids."""
    lost: list[str] = []
    for table, docs in before.items():
        if table == "meta":
            continue
        if table not in after:
            lost.append(f"table {table}")
            continue
        for doc_id, doc in docs.items():
            # A record edited on purpose (its history, keyed by its id, grows too).
            if isinstance(doc, dict) and (doc.get("id") in skip or doc_id in skip):
                new = after[table].get(doc_id, {})
                missing = [k for k in doc if k not in new]
                if missing:
                    lost.append(f"{table}/{doc_id} lost fields {missing}")
                continue
            if after[table].get(doc_id) != doc:
                lost.append(f"{table}/{doc_id}")
    return lost
