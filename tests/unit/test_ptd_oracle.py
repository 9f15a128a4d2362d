"""Making Data Count (``--rules mdc``) against NHSRplotthedots 0.2.2's own answers.

``shared/refdata/ptd_oracle/cases_4004.json`` holds 280 cases computed by the real
NHSRplotthedots ``ptd_spc()`` (seeded inputs): XmR charts with an improvement
direction, targets, rebases, a fixed baseline and moving-range screening, with R's
mean, limits, special-cause label and point type per point and the chart's
variation and assurance icons. Every case runs through
``pdsa analyse FILE.csv --chart i --rules mdc ... --json``. Set PDSA_REFDATA to use
another copy of the folder.

Where pdsa deliberately differs, the test says so: R refuses a fixed baseline
shorter than 12 points (pdsa draws provisional limits and warns) and a repeated
date (pdsa combines the rows by their mean, as qicharts2 does); R's trend test
stops on some missing values (pdsa skips them: only R's limits step is compared).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest
from oracle_support import REFDATA, close, oracle_cases

from pdsa_tui.analysis import mdc
from pdsa_tui.cli import main

ORACLE = REFDATA / "ptd_oracle" / "cases_4004.json"

pytestmark = pytest.mark.skipif(
    not ORACLE.is_file(), reason=f"NHSRplotthedots oracle not found at {ORACLE}"
)


CASES = oracle_cases(ORACLE)
REFUSED = {"fix_after_n_points must be", "duplicate rows found"}


def csv_of(inputs: dict[str, Any]) -> str:
    rows = ["date,value"]
    for d, v in zip(inputs["dates"], inputs["values"], strict=True):
        rows.append(f"{d},{'' if v is None else repr(v)}")
    return "\n".join(rows) + "\n"


def args_of(inputs: dict[str, Any]) -> list[str]:
    """ptd_spc()'s arguments as pdsa's options.

    A rebase date starts a new part (``--rebase`` after the point before it); one at
    the first date or absent from the data changes nothing. ``fix_after_n_points``
    fixes the limits after n points of each part: one ``--freeze`` per part longer
    than n.
    """
    dates = sorted(dt.date.fromisoformat(d) for d in inputs["dates"])
    unique = sorted(set(dates))
    out = [
        "--chart",
        "i",
        "--rules",
        "mdc",
        "--direction",
        inputs["improvement_direction"],
    ]
    if inputs["target"] is not None:
        out += ["--target", repr(inputs["target"])]
    if not inputs["screen_outliers"]:
        out.append("--no-screening")
    starts = sorted(
        {unique.index(r) for d in inputs["rebase"] if (r := dt.date.fromisoformat(d)) in unique}
        - {0}
    )
    if starts:
        out += ["--rebase", *map(str, starts)]
    fix = inputs["fix_after_n_points"]
    if fix is not None:
        n = math.floor(fix)
        bounds = [0, *starts, len(unique)]
        for a, b in itertools.pairwise(bounds):
            if b - a > n:
                out += ["--freeze", str(a + n)]
    return out


def run_case(
    c: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> dict[str, Any]:
    path = tmp_path / "case.csv"
    path.write_text(csv_of(c["inputs"]), encoding="utf-8")
    status = main(["analyse", str(path), *args_of(c["inputs"]), "--json"])
    out = capsys.readouterr()
    assert status == 0, out.err
    got: dict[str, Any] = json.loads(out.out)
    return got


def check_limits(got: dict[str, Any], pts: dict[str, Any]) -> list[str]:
    """R's limits step: mean, limits, side of the mean, outside the limits, per point."""
    bad: list[str] = []
    if len(got["points"]) != len(pts["date"]):
        return [f"{len(got['points'])} points, R has {len(pts['date'])}"]
    for k, p in enumerate(got["points"]):
        where = f"point {k + 1} ({pts['date'][k]})"
        if p["date"] != pts["date"][k] or not close(p["y"], pts["value"][k]):
            bad.append(f"{where} y {p['y']} != {pts['value'][k]}")
        for mine, theirs in (("centre", "mean"), ("lcl", "lpl"), ("ucl", "upl")):
            if not close(p[mine], pts[theirs][k]):
                bad.append(f"{where} {mine} {p[mine]} != {pts[theirs][k]}")
        y, m = p["y"], p["centre"]
        rel = None if y is None or m is None else (y > m) - (y < m)
        if rel != pts["relative_to_mean"][k]:
            bad.append(f"{where} relative_to_mean {rel} != {pts['relative_to_mean'][k]}")
        outside = bool({"above_ucl", "below_lcl"} & set(p["signals"]))
        if outside != bool(pts["outside_limits"][k]):
            bad.append(f"{where} outside {outside} != {pts['outside_limits'][k]}")
    return bad


def check_rules(got: dict[str, Any], exp: dict[str, Any]) -> list[str]:
    """Labels, point types, icons and the per-group summary."""
    pts = exp["points"]
    bad: list[str] = []
    for k, p in enumerate(got["points"]):
        label = mdc.LABELS[p["special_cause"]] if p["special_cause"] else "Common Cause"
        if label != pts["special_cause_type"][k]:
            bad.append(f"point {k + 1} label {label!r} != {pts['special_cause_type'][k]!r}")
        if p["point_type"] != pts["point_type"][k]:
            bad.append(f"point {k + 1} point_type {p['point_type']} != {pts['point_type'][k]}")
        if bool(p["special_cause"]) != pts["special_cause_flag"][k]:
            bad.append(f"point {k + 1} flag")
    if got["variation_icon"] != exp["variation_icon"]:
        bad.append(f"variation_icon {got['variation_icon']} != {exp['variation_icon']}")
    if got["assurance_icon"] != exp["assurance_icon"]:
        bad.append(f"assurance_icon {got['assurance_icon']} != {exp['assurance_icon']}")
    summary = exp["summary"]
    if len(got["parts"]) != len(summary["n"]):
        return [*bad, f"{len(got['parts'])} parts, R has {len(summary['n'])} groups"]
    for g, part in enumerate(got["parts"]):
        members = got["points"][part["first"] - 1 : part["last"]]
        types = [p["point_type"] for p in members]
        mine = {
            "n": len(members),
            "common_cause": sum(t == "common_cause" for t in types),
            "special_cause_improvement": types.count("special_cause_improvement"),
            "special_cause_concern": types.count("special_cause_concern"),
            "variation_type": types[-1],
        }
        for key, value in mine.items():
            if value != summary[key][g]:
                bad.append(f"group {g + 1} {key} {value} != {summary[key][g]}")
        for key, theirs in (("centre", "mean"), ("lcl", "lpl"), ("ucl", "upl")):
            if not close(part[key], summary[theirs][g]):
                bad.append(f"group {g + 1} {key} {part[key]} != {summary[theirs][g]}")
    last_assurance = summary["assurance_type"][-1]
    mine_assurance = mdc.ASSURANCE_TYPES.get(got["assurance_icon"] or "")
    if mine_assurance != last_assurance:
        bad.append(f"assurance_type {mine_assurance} != {last_assurance}")
    return bad


ANSWERED = [c for c in CASES if not c["expected"]["error"]]
PARTIAL = [c for c in CASES if c["expected"]["error"] and c["expected"]["partial"]]


def test_oracle_has_every_case() -> None:
    assert len(CASES) == 280
    assert len(ANSWERED) == 271 and len(PARTIAL) == 7


@pytest.mark.parametrize("c", ANSWERED, ids=[c["id"] for c in ANSWERED])
def test_cli_agrees_with_nhsrplotthedots(
    c: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    got = run_case(c, tmp_path, capsys)
    assert got["rules"] == "mdc"
    assert got["direction"] == c["inputs"]["improvement_direction"]
    assert got["target"] == c["inputs"]["target"]
    bad = check_limits(got, c["expected"]["points"]) + check_rules(got, c["expected"])
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("c", PARTIAL, ids=[c["id"] for c in PARTIAL])
def test_limits_where_r_stops_on_missing_values(
    c: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R's trend test stops on these missing values; pdsa skips them and answers.

    Its limits step (all R gives) must agree, and no rule window may hold a gap.
    """
    got = run_case(c, tmp_path, capsys)
    assert not (bad := check_limits(got, c["expected"]["points"])), "\n".join(bad[:20])
    for p in got["points"]:
        if p["y"] is None:
            assert p["special_cause"] is None and p["point_type"] == "common_cause"


def _case(suffix: str) -> dict[str, Any]:
    return next(c for c in CASES if c["expected"]["error"] and suffix in c["expected"]["error"])


def test_short_fixed_baseline_is_provisional_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R refuses fix_after_n_points = 11; pdsa draws the limits and says they are provisional."""
    c = _case("fix_after_n_points must be")
    got = run_case(c, tmp_path, capsys)
    assert any("provisional" in w for p in got["parts"] for w in p["warnings"])
    assert got["variation_icon"] in mdc.VARIATION_ICONS


def test_repeated_date_is_combined_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R refuses a repeated date; pdsa combines the rows by their mean and says so."""
    c = _case("duplicate rows found")
    got = run_case(c, tmp_path, capsys)
    dates = c["inputs"]["dates"]
    assert got["n"] == len(set(dates)) < len(dates)
    assert any("combined" in w for w in got["warnings"])
