"""Timing helpers shared by the benchmarks: medians, best-of, result rows with targets."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "benchmarks"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))


def median_of(func: Callable[[], object], repeat: int, *, warmup: int = 1) -> float:
    """Median wall time in seconds of ``repeat`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@dataclass
class Result:
    """One row of the results table: a measurement, its baseline and its target."""

    group: str
    name: str
    size: str
    seconds: float
    baseline_name: str = ""
    baseline_seconds: float | None = None
    #: "ratio<=1.3": ratio to the baseline at most 1.3; "ratio<1": faster than the baseline;
    #: "ms<=100": at most 100 ms; "" for information only.
    target: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: The row of a goals table this figure answers (see ``run_all.GOALS``), or "".
    goal: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    @property
    def passed(self) -> bool | None:
        if not self.target:
            return None
        if self.target == "ratio<1":
            return self.ratio is not None and self.ratio < 1
        kind, _, limit = self.target.partition("<=")
        if kind == "ratio":
            return self.ratio is not None and self.ratio <= float(limit)
        if kind == "ms":
            return self.seconds * 1000 <= float(limit)
        if kind == "s":
            return self.seconds <= float(limit)
        raise ValueError(self.target)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ms"] = round(self.seconds * 1000, 3)
        out["baseline_ms"] = (
            round(self.baseline_seconds * 1000, 3) if self.baseline_seconds is not None else None
        )
        out["ratio"] = round(self.ratio, 3) if self.ratio is not None else None
        out["pass"] = self.passed
        del out["seconds"], out["baseline_seconds"]
        return out


def target_text(target: str) -> str:
    """How a target reads in the table."""
    if target.startswith("ratio<="):
        return f"<= {target.removeprefix('ratio<=')}x"
    if target == "ratio<1":
        return "faster"
    if target.startswith("ms<="):
        return f"<= {target.removeprefix('ms<=')} ms"
    if target.startswith("s<="):
        return f"<= {target.removeprefix('s<=')} s"
    return "-"


def table(results: list[Result]) -> str:
    """The results as a plain-text table."""
    head = (
        f"{'group':<10} {'what':<34} {'size':<15} {'ms':>9} {'baseline':<22} {'ms':>9} "
        f"{'ratio':>7} {'target':>9} {'':<4}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        base = f"{r.baseline_seconds * 1000:9.1f}" if r.baseline_seconds is not None else " " * 9
        ratio = f"{r.ratio:6.2f}x" if r.ratio is not None else " " * 7
        verdict = {True: "PASS", False: "MISS", None: ""}[r.passed]
        lines.append(
            f"{r.group:<10} {r.name[:34]:<34} {r.size[:15]:<15} {r.seconds * 1000:9.1f} "
            f"{r.baseline_name[:22]:<22} {base} {ratio} {target_text(r.target):>9} {verdict:<4}"
        )
    return "\n".join(lines)


def write_json(path: str | Path, rows: list[Result], **meta: Any) -> None:
    """Write ``rows`` (and ``meta``, with the Python version) as a standalone benchmark's JSON."""
    out = {
        "meta": {"python": sys.version.split()[0], **meta},
        "results": [r.as_json() for r in rows],
    }
    Path(path).write_text(json.dumps(out, indent=2) + "\n")
