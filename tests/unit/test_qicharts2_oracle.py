"""C, U, G, T charts and flat-baseline I charts against qicharts2 0.8.1's own answers.

``shared/refdata/qicharts2_oracle/cases.json`` holds 199 cases computed by the real
qicharts2 (seeded inputs): the CSV a user would give, the CLI arguments and qicharts2's
centre, limits, sigma signals and runs analysis per part and point. Each case runs
through ``pdsa analyse FILE.csv ARGS --json`` exactly as written there; nothing is
copied by hand. Set PDSA_REFDATA to use another copy of the folder.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from oracle_support import I_FACTOR_RATIO, REFDATA, close, oracle_cases

from pdsa_tui.analysis import XMR_QICHARTS2, SeriesPoint, analyse
from pdsa_tui.cli import main
from pdsa_tui.cli.errors import EXIT_DATA

ORACLE = REFDATA / "qicharts2_oracle" / "cases.json"

pytestmark = pytest.mark.skipif(
    not ORACLE.is_file(), reason=f"qicharts2 oracle not found at {ORACLE} (set PDSA_REFDATA)"
)


CASES = oracle_cases(ORACLE)


def test_oracle_has_every_case() -> None:
    assert Counter(c["chart"] for c in CASES) == {"c": 54, "u": 48, "g": 43, "t": 44, "i": 10}


def _cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], c: dict[str, Any]) -> Any:
    path = tmp_path / f"{c['id']}.csv"
    path.write_text(c["csv"], encoding="utf-8")
    status = main(["analyse", str(path), *c["args"], "--json"])
    out = capsys.readouterr()
    return status, out.out, out.err


def _check(got: dict[str, Any], q: dict[str, Any], pdsa_i_factor: bool) -> list[str]:
    """Every difference between pdsa's JSON and qicharts2's answer, as readable lines.

    ``pdsa_i_factor``: the I chart limits were drawn with pdsa's 2.66, not 3 / 1.128.
    """
    bad: list[str] = []
    if len(got["parts"]) != len(q["parts"]):
        return [f"{len(got['parts'])} parts, qicharts2 has {len(q['parts'])}"]
    for k, (mine, theirs) in enumerate(zip(got["parts"], q["parts"], strict=True), start=1):
        for key in ("first", "last", "n_useful", "longest_run", "longest_run_max"):
            if mine[key] != theirs[key]:
                bad.append(f"part {k} {key}: {mine[key]} != {theirs[key]}")
        for key in ("crossings", "crossings_min"):
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
        for key in ("lcl", "ucl"):
            want = theirs[key]
            if pdsa_i_factor and want is not None:
                # The same mean moving range, scaled to pdsa's I chart factor.
                want = theirs["cl"] + (want - theirs["cl"]) * I_FACTOR_RATIO
            if not close(mine[key], want):
                bad.append(f"point {i} {key}: {mine[key]} != {want}")
        above = "above_ucl" in mine["signals"]
        below = "below_lcl" in mine["signals"]
        want_above = theirs["ucl"] is not None and theirs["y"] > theirs["ucl"]
        want_below = theirs["lcl"] is not None and theirs["y"] < theirs["lcl"]
        if (above, below) != (want_above, want_below) or (above or below) != theirs["sigma_signal"]:
            bad.append(f"point {i} signals {mine['signals']} (qicharts2: {theirs['sigma_signal']})")
    return bad


@pytest.mark.parametrize("c", CASES, ids=[c["id"] for c in CASES])
def test_cli_agrees_with_qicharts2(
    c: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _cli(tmp_path, capsys, c)
    q = c["qicharts2"]
    if "error" in q:
        assert c.get("expect_error")
        assert status == EXIT_DATA and out == ""
        assert err.startswith("pdsa: ") and "line " in err, err
        return
    assert status == 0, err
    got = json.loads(out)
    assert got["chart"] == c["chart"] and got["n"] == len(c["dates"])
    assert not (bad := _check(got, q, pdsa_i_factor=c["chart"] == "i")), "\n".join(bad[:20])


IZERO = [c for c in CASES if c["chart"] == "i"]


@pytest.mark.parametrize("c", IZERO, ids=[c["id"] for c in IZERO])
def test_flat_baseline_i_chart_with_qicharts2_constants(c: dict[str, Any]) -> None:
    """With qicharts2's own factor the I chart limits agree to the last bits as well."""
    pts = [
        SeriesPoint(dt.date.fromisoformat(d), y=v)
        for d, v in zip(c["dates"], c["value"], strict=True)
    ]
    a = analyse(pts, "i", freeze=c["freeze"], rebase=c["rebase"], xmr=XMR_QICHARTS2)
    assert not (bad := _check(a.to_json(), c["qicharts2"], pdsa_i_factor=False)), "\n".join(
        bad[:20]
    )
    flat = [p for p in a.parts if p.lcl is None and p.ucl is None and p.centre is not None]
    for part in flat:
        assert "no variation" in part.verdict and "no control limits" in part.verdict.lower()
