"""P′, U′, Xbar, S, MR charts, multiply, "cannot be negative" and agg against qicharts2 0.8.1.

``shared/refdata/qicharts2_more_types/cases_6006.json`` holds 222 cases computed by the
real qicharts2 (seeded inputs and hand-made edges): the rows as CSV, the options and
qicharts2's centre, limits, signals and runs analysis per part and per point. Every
case runs through ``pdsa analyse FILE.csv --chart X ... --json`` and must agree on
every field the case holds (1e-9 relative). Set PDSA_REFDATA to use another copy.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from oracle_support import I_FACTOR_RATIO, REFDATA, close, oracle_cases

from pdsa_tui.cli import main

ORACLE = REFDATA / "qicharts2_more_types" / "cases_6006.json"

pytestmark = pytest.mark.skipif(
    not ORACLE.is_file(), reason=f"qicharts2 more-types oracle not found at {ORACLE}"
)


CASES = oracle_cases(ORACLE)


def args_of(c: dict[str, Any]) -> list[str]:
    """The command line for a case: its options in pdsa's names."""
    out = ["--chart", c["chart"], "--agg", c["agg_fun"]]
    if c["freeze"] is not None:
        out += ["--freeze", str(c["freeze"])]
    if c["rebase"]:
        out += ["--rebase", *map(str, c["rebase"])]
    if c["exclude"]:
        out += ["--exclude", *map(str, c["exclude"])]
    if c["multiply"] != 1:
        out += ["--multiply", repr(c["multiply"])]
    if not c["y_neg"]:
        out.append("--no-negative")
    return out


def test_oracle_has_every_case() -> None:
    assert Counter(c["chart"] for c in CASES) == {
        "pp": 37,
        "up": 33,
        "p": 12,
        "xbar": 36,
        "s": 31,
        "mr": 31,
        "run": 13,
        "i": 18,
        "u": 11,
    }


def _want_limit(c: dict[str, Any], theirs: dict[str, Any], key: str) -> float | None:
    """qicharts2's limit, rescaled to pdsa's I chart factor (the same mean moving range)."""
    want = theirs[key]
    if c["chart"] != "i" or want is None:
        return want
    if key == "lcl" and want == 0 and not c["y_neg"]:
        return 0.0  # lifted to 0 by y.neg = FALSE: so is pdsa's
    return float(theirs["cl"] + (want - theirs["cl"]) * I_FACTOR_RATIO)


def check(c: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Every difference between pdsa's JSON and qicharts2's answer, as readable lines."""
    q = c["qicharts2"]
    bad: list[str] = []
    if got["chart"] != c["chart"] or got["n"] != len(q["points"]):
        bad.append(f"chart {got['chart']} n {got['n']}")
    if len(got["parts"]) != len(q["parts"]):
        return [*bad, f"{len(got['parts'])} parts, qicharts2 has {len(q['parts'])}"]
    for k, (mine, theirs) in enumerate(zip(got["parts"], q["parts"], strict=True), start=1):
        for key in (
            "first",
            "last",
            "n_useful",
            "longest_run",
            "longest_run_max",
            "crossings",
            "crossings_min",
        ):
            if mine[key] != theirs[key]:
                bad.append(f"part {k} {key}: {mine[key]} != {theirs[key]}")
        if mine["anhoej_signal"] != theirs["runs_signal"]:
            bad.append(f"part {k} anhoej_signal: {mine['anhoej_signal']}")
        if not close(mine["centre"], theirs["centre"]):
            bad.append(f"part {k} centre: {mine['centre']} != {theirs['centre']}")
        flagged = sum(
            1
            for p in got["points"][mine["first"] - 1 : mine["last"]]
            if {"above_ucl", "below_lcl"} & set(p["signals"])
        )
        if flagged != theirs["sigma_signals"]:
            bad.append(f"part {k} sigma signals: {flagged} != {theirs['sigma_signals']}")
    for mine, theirs in zip(got["points"], q["points"], strict=True):
        i = theirs["i"]
        if mine["i"] != i or not close(mine["y"], theirs["y"]):
            bad.append(f"point {i} y: {mine['y']} != {theirs['y']}")
        if not close(mine["centre"], theirs["cl"]):
            bad.append(f"point {i} centre: {mine['centre']} != {theirs['cl']}")
        want = {key: _want_limit(c, theirs, key) for key in ("lcl", "ucl")}
        for key in ("lcl", "ucl"):
            if not close(mine[key], want[key]):
                bad.append(f"point {i} {key}: {mine[key]} != {want[key]}")
        size = theirs["n"] if c["kind"] == "ratio" else theirs["size"]
        if not close(mine["n"], size):
            bad.append(f"point {i} n: {mine['n']} != {size}")
        above = "above_ucl" in mine["signals"]
        below = "below_lcl" in mine["signals"]
        y = theirs["y"]
        want_above = y is not None and want["ucl"] is not None and y > want["ucl"]
        want_below = y is not None and want["lcl"] is not None and y < want["lcl"]
        if (above, below) != (want_above, want_below):
            bad.append(f"point {i} signals {mine['signals']}")
        if c["chart"] != "i" and (above or below) != theirs["sigma_signal"]:
            bad.append(f"point {i} signals {mine['signals']} (qicharts2 {theirs['sigma_signal']})")
    return bad


@pytest.mark.parametrize("c", CASES, ids=[c["id"] for c in CASES])
def test_cli_agrees_with_qicharts2(
    c: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.csv"
    path.write_text(c["csv"], encoding="utf-8")
    status = main(["analyse", str(path), *args_of(c), "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    got = json.loads(out.out)
    assert not (bad := check(c, got)), "\n".join(bad[:20])
    if c["chart"] in ("pp", "up"):
        assert all("sigma_z" in p for p in got["parts"])
