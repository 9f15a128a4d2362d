"""Rule sets, new charts and options: qbinom's speed, the icons module, ``pdsa analyse`` flags."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from oracle_support import REFDATA

from pdsa_tui.analysis import SeriesPoint, analyse, mdc, rules
from pdsa_tui.analysis.attention import aim_attention
from pdsa_tui.analysis.charts_more import a3, b3, b4, c4
from pdsa_tui.analysis.subgroups import exact_mean, sample_sd, summarise
from pdsa_tui.cli import main
from pdsa_tui.cli.errors import EXIT_DATA, EXIT_USAGE
from pdsa_tui.model import Aim, DataPoint, Measure
from pdsa_tui.report import mdc_icons

# ---------------------------------------------------------------- qbinom


@pytest.mark.parametrize("size", [*range(0, 60), 999, 2000, 2001, 2500, 3999, 7777])
def test_qbinom_agrees_with_the_exact_sum(size: int) -> None:
    for p in (0.05, 0.025, 0.5, 0.975):
        assert rules.qbinom(p, size) == rules._qbinom_half_exact(p, size)


def test_qbinom_agrees_with_the_exact_sum_across_sizes() -> None:
    for size in range(2000, 12000, 137):
        assert rules.qbinom(0.05, size) == rules._qbinom_half_exact(0.05, size), size


def test_crossings_min_matches_the_vignette_table() -> None:
    path = REFDATA / "anhoej_critical_values_vignette.csv"
    if not path.is_file():
        pytest.skip("refdata not found")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    col = next(k for k in rows[0] if "cross" in k.lower())
    n_col = next(iter(rows[0]))
    for row in rows:
        assert rules.crossings_min(int(row[n_col])) == int(row[col])


def test_qbinom_at_a_hundred_thousand_is_not_quadratic() -> None:
    """849 ms before; the local search sums about √n terms (no timing assertion)."""
    calls = 0
    original = rules._at_least_half

    def counting(p: float, size: int, k: int) -> bool:
        nonlocal calls
        calls += 1
        return original(p, size, k)

    rules._at_least_half = counting
    try:
        start = time.perf_counter()
        assert rules.qbinom(0.05, 100_000) == 49740
        _ = time.perf_counter() - start
    finally:
        rules._at_least_half = original
    assert calls <= 4


# ---------------------------------------------------------------- subgroups, constants


def test_equal_values_have_an_exact_mean_and_zero_sd() -> None:
    values = [0.1] * 7
    assert exact_mean(values) == 0.1
    assert sample_sd(values) == 0.0
    assert summarise([None, 3.0, 5.0], "median").value == 4.0
    assert summarise([None, None], "sum").value == 0.0
    assert summarise([None], "mean").value is None


def test_subgroup_constants_match_the_spec_table() -> None:
    table = {2: (0.797885, 2.658681, 0, 3.266532), 6: (0.951533, 1.287128, 0.030363, 1.969637)}
    for n, (want_c4, want_a3, want_b3, want_b4) in table.items():
        assert round(c4(n), 6) == want_c4 and round(a3(n), 6) == want_a3
        assert round(b3(n), 6) == want_b3 and round(b4(n), 6) == want_b4


# ---------------------------------------------------------------- rule sets and icons


def _series(values: Sequence[float]) -> list[SeriesPoint]:
    return [SeriesPoint(dt.date(2020 + k // 12, k % 12 + 1, 1), y=v) for k, v in enumerate(values)]


def test_mdc_run_of_seven_is_an_improvement_when_higher_is_better() -> None:
    values = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 14, 15, 14, 16, 15, 14, 15]
    a = analyse(_series(values), "i", rules="mdc", direction="up", target=30)
    assert a.rules == "mdc"
    assert a.points[-1].special_cause == "run_above"
    assert a.points[-1].point_type == "special_cause_improvement"
    assert a.variation_icon == "improvement_high"
    assert a.assurance_icon == "fail"  # the target is above the upper limit
    assert "Signal (MDC: a run of 7)" in a.verdict
    assert "IHI" not in a.verdict and "Anhøj" not in a.verdict


def test_each_line_names_its_rule_under_every_rule_set() -> None:
    values = [10, 11, 10, 11, 10, 11, 12, 13, 14, 15, 16, 17, 11, 10]
    for rule_set in ("anhoej", "ihi"):
        a = analyse(_series(values), "run", rules=rule_set)
        signals = re.findall(r"Signal[^:]*:", a.verdict)
        assert signals and all(s != "Signal:" for s in signals), a.verdict
    a = analyse(_series(values), "run", rules="ihi")
    assert "Anhøj" not in a.verdict and "IHI trend" in a.verdict


def test_assurance_needs_a_target_a_direction_and_limits() -> None:
    values = [10.0, 12, 9, 11, 10, 12, 9, 11, 10, 12, 11, 10]
    assert analyse(_series(values), "i", target=5).assurance_icon is None
    assert analyse(_series(values), "run", direction="up", target=5).assurance_icon is None
    assert analyse(_series(values), "i", direction="up", target=5).assurance_icon == "pass"
    assert analyse(_series(values), "i", direction="down", target=5).assurance_icon == "fail"
    assert (
        analyse(_series(values), "i", direction="down", target=10.5).assurance_icon
        == "inconsistent"
    )


def test_no_negative_lifts_the_lower_limit_only_when_no_value_is_negative() -> None:
    values = [1.0, 5, 0, 6, 1, 7, 0, 4, 2, 6, 1, 5]
    assert analyse(_series(values), "i").points[0].lcl < 0  # type: ignore[operator]
    lifted = analyse(_series(values), "i", no_negative=True)
    assert lifted.points[0].lcl == 0 and lifted.parts[0].lcl == 0
    negative = analyse(_series([*values, -1.0]), "i", no_negative=True)
    assert negative.points[0].lcl < 0  # type: ignore[operator]


@pytest.mark.parametrize("name", [*mdc.VARIATION_ICONS, *mdc.ASSURANCE_ICONS])
def test_every_icon_has_a_glyph_a_word_and_an_svg(name: str) -> None:
    glyph, word = mdc_icons.icon_label(name)
    assert glyph and word and mdc_icons.icon_text(name) == f"{glyph} {word}"
    svg = mdc_icons.icon_svg(name, size=32)
    assert svg.startswith("<svg") and svg.endswith("</svg>") and 'width="32"' in svg
    assert f"<title>{'Assurance' if name in mdc.ASSURANCE_ICONS else 'Variation'}: {word}" in svg
    import xml.dom.minidom

    xml.dom.minidom.parseString(svg)  # well-formed


def test_icons_of_the_wrong_kind_are_refused() -> None:
    with pytest.raises(KeyError):
        mdc_icons.variation_svg("pass")
    with pytest.raises(KeyError):
        mdc_icons.assurance_svg("common_cause")
    assert mdc_icons.icon_text(None) == "-"


# ---------------------------------------------------------------- pdsa analyse


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *argv: str):
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    status = main(["analyse", str(path), *argv])
    out = capsys.readouterr()
    return status, out.out, out.err


VALUES = [5, 7, 6, 4, 5, 8, 7, 4, 6, 5, 6, 4]
MONTHS = "date,value\n" + "".join(f"2020-{m + 1:02d}-01,{v}\n" for m, v in enumerate(VALUES))


def test_json_has_the_new_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        tmp_path, capsys, MONTHS, "--chart", "i", "--rules", "mdc", "--direction", "decrease",
        "--target", "0.5", "--json",
    )  # fmt: skip
    got = json.loads(out)
    assert status == 0
    assert got["rules"] == "mdc" and got["direction"] == "decrease" and got["target"] == 0.5
    assert got["variation_icon"] == "common_cause" and got["assurance_icon"] == "fail"
    assert {"point_type", "n", "signals", "y"} <= set(got["points"][0])
    assert "sigma_z" in got["parts"][0]


def test_human_output_names_the_rule_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = _run(tmp_path, capsys, MONTHS, "--rules", "ihi")
    assert "Rules: IHI" in out and "(not used)" in out
    _, out, _ = _run(tmp_path, capsys, MONTHS)
    assert "Rules: Anhøj" in out and "Variation: ≈ common cause" in out


def test_several_rows_per_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "date,value\n2020-01-01,4\n2020-01-01,6\n2020-02-01,9\n"
    status, out, _ = _run(tmp_path, capsys, text, "--json")
    got = json.loads(out)
    assert status == 0 and got["n"] == 2 and got["points"][0]["y"] == 5
    assert any("2 rows (lines 2, 3) combined by their mean" in w for w in got["warnings"])
    _, out, _ = _run(tmp_path, capsys, text, "--agg", "sum", "--json")
    assert json.loads(out)["points"][0]["y"] == 10
    status, _, err = _run(tmp_path, capsys, text, "--chart", "c")
    assert status == EXIT_DATA and "line 3" in err and "already on line 2" in err


def test_ratio_rows_are_summed_and_half_rows_are_gaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "date,numerator,denominator\n2020-01-01,1,10\n2020-01-01,3,10\n2020-02-01,1,\n"
    status, out, _ = _run(tmp_path, capsys, text, "--chart", "p", "--json")
    got = json.loads(out)
    assert status == 0 and got["points"][0]["y"] == 0.2 and got["points"][0]["n"] == 20
    assert got["points"][1]["y"] is None and got["points"][1]["n"] == 0
    assert any("line 4, column 3 (denominator): empty" in w for w in got["warnings"])


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--multiply", "0"], "above 0"),
        (["--multiply", "1,000"], "comma"),
        (["--target", "x"], "not a number"),
        (["--rules", "nelson"], "invalid choice"),
        (["--agg", "max"], "invalid choice"),
        (["--direction", "up"], "invalid choice"),
    ],
)
def test_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    status, out, err = _run(tmp_path, capsys, MONTHS, *argv)
    assert status == EXIT_USAGE and out == "" and needle in err


# ---------------------------------------------------------------- attention by assurance


def _outcome(values: Sequence[float], rules: str) -> tuple[Aim, Measure]:
    aim = Aim(
        code="Aim 9",
        statement="x",
        target_pct=85,
        cohort_from=dt.date(2019, 1, 1),
        deadline=dt.date(2021, 1, 1),
    )
    pts = [
        DataPoint(date=dt.date(2019 + k // 12, k % 12 + 1, 1), value=v)
        for k, v in enumerate(values)
    ]
    return aim, Measure(
        aim_id=aim.id, name="Within 30 weeks", type="outcome", unit="percent", goal=85.0,
        points=pts, rules=rules,
    )  # fmt: skip


def test_mdc_outcomes_are_flagged_by_assurance_not_the_latest_month() -> None:
    today = dt.date(2020, 6, 1)
    steady_high = [90.0, 92, 91, 93, 90, 92, 91, 93, 90, 92, 91, 80]  # one bad month
    aim, m = _outcome(steady_high, "anhoej")
    assert any(a.kind == "behind_target" for a in aim_attention(aim, [m], [], [], today))
    aim, m = _outcome(steady_high, "mdc")  # its limits lie above 85%: one bad month is noise
    assert not [a for a in aim_attention(aim, [m], [], [], today) if a.kind == "behind_target"]
    around = [80.0, 88, 83, 90, 79, 86, 91, 82, 87, 84, 89, 86]
    aim, m = _outcome(around, "mdc")
    items = [a for a in aim_attention(aim, [m], [], [], today) if a.kind == "behind_target"]
    assert items and "hit and miss the target 85%" in items[0].text
    low = [70.0, 72, 71, 73, 70, 72, 71, 73, 70, 72, 71, 72]
    aim, m = _outcome(low, "mdc")
    items = [a for a in aim_attention(aim, [m], [], [], today) if a.kind == "behind_target"]
    assert items and "will consistently miss the target 85%" in items[0].text
    good = [95.0, 96, 95, 97, 95, 96, 95, 97, 95, 96, 95, 96]
    aim, m = _outcome(good, "mdc")
    assert not [a for a in aim_attention(aim, [m], [], [], today) if a.kind == "behind_target"]
