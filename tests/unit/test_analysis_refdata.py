"""The analysis checked against peers' published inputs and outputs in shared/refdata.

Every number compared here is read from the refdata files at test time; nothing is
copied by hand. Set PDSA_REFDATA to use another copy of the folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import conftest
import pytest

from pdsa_tui.analysis import XMR_PLOTTHEDOTS, XMR_QICHARTS2, Analysis, SeriesPoint, analyse, rules
from pdsa_tui.analysis.spc import ChartType, XmRConvention

REFDATA = Path(os.environ.get("PDSA_REFDATA") or conftest.SHARED / "refdata")

pytestmark = pytest.mark.skipif(
    not REFDATA.is_dir(), reason=f"reference data folder not found at {REFDATA} (set PDSA_REFDATA)"
)

START = dt.date(2019, 1, 1)


# ---------------------------------------------------------------- loading helpers


def _json(name: str) -> Any:
    path = REFDATA / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _cases() -> dict[str, dict[str, Any]]:
    data = _json("reference_cases.json")
    return {c["id"]: c for c in data["cases"]} if data else {}


CASES = _cases()


def case(case_id: str) -> dict[str, Any]:
    if case_id not in CASES:
        pytest.skip(f"reference case {case_id} not in reference_cases.json")
    return CASES[case_id]


def dates(n: int) -> list[dt.date]:
    """Monthly dates: the analysis only needs them for order and wording."""
    return [
        dt.date(START.year + (START.month - 1 + k) // 12, (START.month - 1 + k) % 12 + 1, 1)
        for k in range(n)
    ]


def series(
    y: Sequence[float | None] | None = None,
    num: Sequence[float] | None = None,
    den: Sequence[float] | None = None,
    exclude: Sequence[int] = (),
) -> list[SeriesPoint]:
    n = len(y) if y is not None else len(num or [])
    out = []
    for k, d in enumerate(dates(n)):
        out.append(
            SeriesPoint(
                d,
                y=None if y is None else y[k],
                numerator=None if num is None else num[k],
                denominator=None if den is None else den[k],
                exclude=(k + 1) in exclude,
            )
        )
    return out


def call_args(call: str) -> dict[str, Any]:
    """freeze, part, exclude, chart and multiply from a qic() call as written in refdata."""
    out: dict[str, Any] = {}
    if m := re.search(r"freeze\s*=\s*(\d+)", call):
        out["freeze"] = int(m[1])
    if m := re.search(r"part\s*=\s*(\d+)", call):
        out["part"] = int(m[1])
    if m := re.search(r"exclude\s*=\s*c\(([\d,\s]+)\)", call):
        out["exclude"] = [int(v) for v in m[1].split(",")]
    if m := re.search(r"chart\s*=\s*'(\w+)'", call):
        out["chart"] = m[1]
    if m := re.search(r"multiply\s*=\s*(\d+)", call):
        out["multiply"] = int(m[1])
    return out


def close(actual: float | None, expected: float | str | None, rel: float = 1e-9) -> bool:
    """Equal within the precision ``expected`` was printed with (or ``rel`` when unrounded)."""
    if expected is None or expected == "":
        return actual is None
    if actual is None:
        return False
    exp = float(expected)
    text = repr(exp) if not isinstance(expected, str) else expected
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 0
    printed = 0.5 * 10.0**-decimals if decimals < 12 else 0.0
    return math.isclose(actual, exp, rel_tol=rel, abs_tol=max(printed * 1.0001, 1e-12))


def assert_runs(part: Any, exp: dict[str, Any], *, signal: bool = True) -> None:
    """Compare a PartResult (or RunsResult) with a qicharts2 runs dict (dotted keys)."""

    def get(*names: str) -> Any:
        for k in names:
            if k in exp:
                return exp[k]
        return None

    pairs = [
        ("n_useful", get("n.useful", "n_useful")),
        ("longest_run", get("longest.run", "longest_run")),
        ("longest_run_max", get("longest.run.max")),
        ("crossings", get("n.crossings")),
        ("crossings_min", get("n.crossings.min")),
    ]
    for attr, want in pairs:
        if want is None or want == "":
            continue
        assert getattr(part, attr) == int(float(want)), (attr, getattr(part, attr), want)
    want_signal = get("runs.signal", "runs_signal", "signal")
    if signal and want_signal is not None:
        assert part.anhoej_signal == _bool(want_signal)


def _bool(v: Any) -> bool:
    return v in (True, 1, "1", "True", "TRUE", "true")


def sigma_points(a: Analysis) -> list[int]:
    return [p.i for p in a.points if {"above_ucl", "below_lcl"} & set(p.signals)]


# ---------------------------------------------------------------- Anhøj critical values


def _critical_rows() -> list[dict[str, str]]:
    return _csv(REFDATA / "anhoej_critical_values_vignette.csv")


@pytest.mark.parametrize("row", _critical_rows(), ids=lambda r: f"n{r['n_useful']}")
def test_anhoej_critical_values(row: dict[str, str]) -> None:
    n = int(row["n_useful"])
    assert rules.longest_run_max(n) == int(row["longest_run_max"])
    assert rules.crossings_min(n) == int(row["n_crossings_min"])


def test_anhoej_critical_values_table_present() -> None:
    assert len(_critical_rows()) >= 91


# ---------------------------------------------------------------- runs table


def _runs_rows() -> list[dict[str, str]]:
    return _csv(REFDATA / "runs_table_COMPUTED_swed_eisenhart.csv")


@pytest.mark.parametrize("row", _runs_rows(), ids=lambda r: f"n{r['n_useful']}")
def test_runs_table(row: dict[str, str]) -> None:
    n = int(row["n_useful"])
    lo_key = next(k for k in row if k.startswith("lower"))
    hi_key = next(k for k in row if k.startswith("upper"))
    assert rules.runs_expected(n) == (int(row[lo_key]), int(row[hi_key]))
    assert (n // 2, n - n // 2) == (
        min(int(row["n_above"]), int(row["n_below"])),
        max(int(row["n_above"]), int(row["n_below"])),
    )


def test_runs_table_range_ends() -> None:
    ns = [int(r["n_useful"]) for r in _runs_rows()]
    assert rules.runs_expected(min(ns) - 1) is None
    assert rules.runs_expected(max(ns) + 1) is None


# ---------------------------------------------------------------- IHI shift / trend vectors


def _ihi() -> dict[str, Any]:
    return _json("ihi_shift_trend_vectors_jsphdms_runchart.json") or {
        "shift_cases": [],
        "trend_cases": [],
    }


def _flagged(spans: Sequence[rules.Span]) -> list[int] | None:
    out = sorted({j + 1 for s in spans for j in s.flagged})
    return out or None


@pytest.mark.parametrize("c", _ihi()["shift_cases"], ids=lambda c: str(c["values"])[:40])
def test_ihi_shift_vector(c: dict[str, Any]) -> None:
    spans = rules.ihi_shifts(c["values"], c["base"])
    assert _flagged(spans) == c["expected_flagged"]


@pytest.mark.parametrize("c", _ihi()["trend_cases"], ids=lambda c: str(c["values"])[:40])
def test_ihi_trend_vector(c: dict[str, Any]) -> None:
    spans = rules.ihi_trends(c["values"])
    assert _flagged(spans) == c["expected_flagged"]


def test_ihi_shift_vectors_through_analyse() -> None:
    """Same vectors through analyse(): a run chart whose median is the vector's base."""
    checked = 0
    for c in _ihi()["shift_cases"]:
        values = c["values"]
        present = [v for v in values if v is not None]
        if not present or sorted(present)[(len(present) - 1) // 2] != c["base"]:
            continue
        if len(present) % 2 == 0 and sorted(present)[len(present) // 2] != c["base"]:
            continue
        a = analyse(series(values), "run")
        got = [p.i for p in a.points if "shift" in p.signals] or None
        assert got == c["expected_flagged"], values
        checked += 1
    assert checked >= 5


# ---------------------------------------------------------------- qicharts2 frames: runs analysis


def _frames() -> list[Path]:
    folder = REFDATA / "qicharts2" / "expected"
    return sorted(p for p in folder.glob("*.csv") if "x" in (_csv(p)[:1] or [{}])[0])


def _groups(rows: list[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        groups[(r["facet1"], r["facet2"], r["part"])].append(r)
    yield from groups.values()


def _num(v: str) -> float | None:
    return None if v in ("", "NA") else float(v)


@pytest.mark.parametrize("path", _frames(), ids=lambda p: p.stem)
def test_qicharts2_frame_runs_analysis(path: Path) -> None:
    """The runs analysis of every qicharts2 reference frame, from its own y and cl columns."""
    for rows in _groups(_csv(path)):
        included = [r for r in rows if _bool(r["include"])]
        centre = _num(rows[0]["cl"])
        got = rules.runs_analysis([_num(r["y"]) for r in included], centre)
        assert got.n_obs == int(float(rows[0]["n.obs"]))
        assert_runs(got, rows[0], signal=True)


# ---------------------------------------------------------------- qicharts2 frames: charts


def _frame_points(rows: list[dict[str, str]], how: str) -> list[SeriesPoint]:
    out = []
    for r, d in zip(rows, dates(len(rows)), strict=True):
        excluded = not _bool(r["include"])
        if how == "p":
            out.append(
                SeriesPoint(
                    d, numerator=float(r["y.sum"]), denominator=float(r["n"]), exclude=excluded
                )
            )
        elif how == "mr":
            out.append(SeriesPoint(d, y=_num(r["y"]), exclude=excluded))
        else:
            out.append(
                SeriesPoint(
                    d, y=float(r["y.sum"]) if how == "sum" else _num(r["y"]), exclude=excluded
                )
            )
    return out


# frame -> (our chart, how the points are built, compare limits?, why)
FRAME_CHARTS: dict[str, tuple[ChartType, str, bool]] = {
    "ex_6.5_3": ("i", "y", True),  # I chart, freeze 20
    "tbl_7.4_1": ("p", "p", True),  # P chart, varying n
    "ex_7.1_5": ("p", "p", True),  # P chart, exclude + part
    "ex_7.3_3": ("i", "sum", False),  # C chart: centre = mean, as ours; its limits are Poisson
    "ex_7.4_1": ("p", "p", False),  # U chart: centre = Σnum/Σden, as ours; its limits differ
    "ex_7.5_1": ("p", "p", False),  # U chart with multiply
    "ex_6.5_4": ("i", "mr", False),  # MR chart: centre = mean of the moving ranges
}


@pytest.mark.parametrize("name", sorted(FRAME_CHARTS))
def test_qicharts2_frame_chart(name: str) -> None:
    rows = _csv(REFDATA / "qicharts2" / "expected" / f"{name}.csv")
    if not rows:
        pytest.skip(f"{name}.csv not in refdata")
    chart, how, limits = FRAME_CHARTS[name]
    pts = _frame_points(rows, how)
    rebase = [k for k in range(1, len(rows)) if rows[k]["part"] != rows[k - 1]["part"]]
    base = [k + 1 for k, r in enumerate(rows) if _bool(r["baseline"])]
    freeze = max(base) if base and max(base) < len(rows) else None
    a = analyse(pts, chart, freeze=freeze, rebase=rebase, xmr=XMR_QICHARTS2)
    # U charts with ``multiply`` scale y and the lines alike: recover the factor.
    first = rows[0]
    multiply = 1.0
    if how == "p":
        multiply = float(first["y"]) / (float(first["y.sum"]) / float(first["n"]))
    for r, p in zip(rows, a.points, strict=True):
        assert close(p.centre * multiply if p.centre is not None else None, r["cl"], 1e-9), p
        if limits:
            assert close(p.ucl, r["ucl"] or None), (p.i, p.ucl, r["ucl"])
            assert close(p.lcl, r["lcl"] or None), (p.i, p.lcl, r["lcl"])
            assert bool({"above_ucl", "below_lcl"} & set(p.signals)) == _bool(r["sigma.signal"])
    for part in a.parts:
        row = rows[part.first - 1]
        assert_runs(part, row, signal=name != "ex_6.5_4")


# ---------------------------------------------------------------- reference_cases.json


def test_qic2_ex65_i_freeze20() -> None:
    c = case("qic2_ex6.5_I_freeze20")
    args = call_args(c["call"])
    a = analyse(series(c["y"]), "i", freeze=args["freeze"], xmr=XMR_QICHARTS2)
    e = c["expected"]
    (part,) = a.parts
    assert close(part.centre, e["cl"]) and close(part.lcl, e["lcl"]) and close(part.ucl, e["ucl"])
    assert_runs(part, e["runs"])
    assert sigma_points(a) == e["sigma_signal_points_1based"]


def test_qic2_ex65_mr_freeze20_via_i_chart_centre() -> None:
    """MR chart: its centre is the mean moving range; its runs are around that centre."""
    c = case("qic2_ex6.5_MR_freeze20")
    y = c["y"]
    mr: list[float | None] = [None, *(abs(b - a) for a, b in itertools.pairwise(y))]
    a = analyse(series(mr), "i", freeze=call_args(c["call"])["freeze"], xmr=XMR_QICHARTS2)
    (part,) = a.parts
    assert close(part.centre, c["expected"]["cl"])
    # qicharts2 forces runs.signal FALSE for MR charts; compare the counts only.
    assert_runs(part, c["expected"]["runs"], signal=False)
    assert part.centre is not None
    assert close(3.267 * part.centre, c["expected"]["ucl"])


def test_qic2_tbl74_p_varying_n() -> None:
    c = case("qic2_tbl7.4_P_varying_n")
    a = analyse(series(num=c["numerator"], den=c["denominator"]), "p")
    e = c["expected"]
    assert close(a.parts[0].centre, e["cl"])
    for p, ucl, lcl in zip(a.points, e["ucl_per_point"], e["lcl_per_point"], strict=True):
        assert close(p.ucl, ucl) and close(p.lcl, lcl), p
    assert_runs(a.parts[0], e["runs"])
    assert sigma_points(a) == e["sigma_signal_points_1based"]


def test_qic2_ex71_p_exclude_part() -> None:
    c = case("qic2_ex7.1_P_exclude_part")
    args = call_args(c["call"])
    pts = series(num=c["numerator"], den=c["denominator"], exclude=args["exclude"])
    a = analyse(pts, "p", rebase=[args["part"]])
    e = c["expected"]
    assert len(a.parts) == 2
    for part, key in zip(a.parts, ("part1", "part2"), strict=True):
        lo, hi = (int(v) for v in e[key]["points"].split("-"))
        assert (part.first, part.last) == (lo, hi)
        assert close(part.centre, e[key]["cl"])
        assert close(part.ucl, e[key]["ucl"]) and close(part.lcl, e[key]["lcl"])
        assert part.n_obs == e[key]["runs"]["n.obs"]
        assert_runs(part, e[key]["runs"])
    assert sigma_points(a) == e["sigma_signal_points_1based"]


def test_qic2_ex73_c_exclude_freeze_centre_and_runs() -> None:
    """C chart: centre is the mean of the baseline as in our I chart; runs around it."""
    c = case("qic2_ex7.3_C_exclude_freeze")
    args = call_args(c["call"])
    a = analyse(series(c["y"], exclude=args["exclude"]), "i", freeze=args["freeze"])
    (part,) = a.parts
    assert close(part.centre, c["expected"]["cl"])
    assert part.n_obs == c["expected"]["runs"]["n.obs"]
    assert_runs(part, c["expected"]["runs"])


@pytest.mark.parametrize("case_id", ["qic2_ex7.4_U", "qic2_ex7.5_U_varying_n_multiply50"])
def test_qic2_u_chart_centre_and_runs(case_id: str) -> None:
    """U chart: centre Σnum/Σden as in our P chart; runs around it (its limits differ)."""
    c = case(case_id)
    multiply = call_args(c["call"]).get("multiply", 1)
    a = analyse(series(num=c["numerator"], den=c["denominator"]), "p")
    (part,) = a.parts
    assert close(part.centre * multiply, c["expected"]["cl"])
    assert_runs(part, c["expected"]["runs"])


def test_qic2_ex76_t_chart_via_transformed_i_chart() -> None:
    """T chart = I chart of y^(1/3.6), back-transformed; runs are unchanged by the transform."""
    c = case("qic2_ex7.6_T")
    a = analyse(series([v ** (1 / 3.6) for v in c["y"]]), "i", xmr=XMR_QICHARTS2)
    (part,) = a.parts
    assert part.centre is not None and part.ucl is not None and part.lcl is not None
    e = c["expected"]
    assert close(part.centre**3.6, e["cl"])
    assert close(part.ucl**3.6, e["ucl"])
    assert close(max(part.lcl, 0.0) ** 3.6 if part.lcl > 0 else 0.0, e["lcl"])
    assert_runs(part, e["runs"])


def _hai_series() -> dict[tuple[str, str], list[tuple[float, float, float]]]:
    """hospital_infections.csv summed by month within hospital and infection."""
    rows = _csv(REFDATA / "qicharts2" / "inputs" / "hospital_infections.csv")
    acc: dict[tuple[str, str, float], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        cell = acc[(r["hospital"], r["infection"], float(r["month"]))]
        cell[0] += float(r["n"])
        cell[1] += float(r["days"])
    out: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    for (h, i, m), (n, d) in sorted(acc.items()):
        out[(h, i)].append((m, n, d))
    return out


def _hai_facets(facets: str) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """Series per facet: '' = none, 'infection', or 'hospital~infection'."""
    merged: dict[tuple[str, str], dict[float, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0])
    )
    for (h, i), pts in _hai_series().items():
        key = {"": ("1.0", "1.0"), "infection": (i, "1.0"), "hospital~infection": (h, i)}[facets]
        for m, n, d in pts:
            merged[key][m][0] += n
            merged[key][m][1] += d
    return {k: [tuple(v[m]) for m in sorted(v)] for k, v in merged.items()}  # type: ignore[misc]


@pytest.mark.parametrize(
    ("case_id", "facets"),
    [("qic2_hai_1", ""), ("qic2_hai_2", "infection"), ("qic2_hai_3", "hospital~infection")],
)
def test_qic2_hospital_infections(case_id: str, facets: str) -> None:
    """U charts by facet: centre (Σn/Σdays) and runs analysis; averaged U limits not compared."""
    c = case(case_id)
    data = _hai_facets(facets)
    if not data:
        pytest.skip("qicharts2/inputs/hospital_infections.csv not in refdata")
    for e in c["expected"]:
        pts = data[(e["facet1"], e["facet2"])]
        a = analyse(series(num=[n for n, _ in pts], den=[d for _, d in pts]), "p")
        (part,) = a.parts
        assert close(part.centre, e["CL"]), e
        assert part.n_obs == e["n.obs"]
        assert_runs(part, e)


def test_qic2_vignette_seed19_i_chart() -> None:
    c = case("qic2_vignette_seed19_shift")
    a = analyse(series(c["y"]), "i", xmr=XMR_QICHARTS2)
    (part,) = a.parts
    e = c["expected"]
    assert close(part.centre, e["CL"]) and close(part.lcl, e["aLCL"]) and close(part.ucl, e["aUCL"])
    assert_runs(part, e)
    assert bool(sigma_points(a)) == _bool(e["sigma.signal"])


def test_qic2_vignette_cdi_freeze24_run_chart() -> None:
    c = case("qic2_vignette_cdi_freeze24_run")
    a = analyse(series(c["y"]), "run", freeze=call_args(c["call"])["freeze"])
    (part,) = a.parts
    assert part.centre == c["expected_stated"]["baseline_median"]
    assert part.longest_run == c["expected_stated"]["longest_run"]
    assert part.anhoej_signal == c["expected_stated"]["runs_signal"]
    assert part.n_obs == c["expected_computed_independently"]["n.obs"]
    assert_runs(part, c["expected_computed_independently"])
    assert part.shifts and "shift" in a.points[-1].signals


def test_qic2_vignette_cdi_part24() -> None:
    c = case("qic2_vignette_cdi_part24_c")
    part_at = call_args(c["call"])["part"]
    runs = analyse(series(c["y"]), "run", rebase=[part_at])
    exp = c["expected_computed_independently"]
    for part, key in zip(runs.parts, ("part1", "part2"), strict=True):
        e = exp["run_chart_part24"][key]
        assert part.centre == e["median"]
        assert_runs(part, e)
    random = all(not p.anhoej_signal for p in runs.parts)
    assert random == c["expected_stated"]["both_parts_random_in_run_chart_with_part24"]
    # The C chart's centre is the part mean, as in our I chart.
    means = analyse(series(c["y"]), "i", rebase=[part_at])
    for part, key in zip(means.parts, ("part1", "part2"), strict=True):
        assert close(part.centre, exp[key]["cl"])
        assert round(part.centre or 0) == c["expected_stated"][f"cl_{key}_rounded"]


def _ptd_limits(a: Analysis) -> tuple[float | None, float | None, float | None]:
    part = a.parts[0]
    return part.centre, part.lcl, part.ucl


def _check_limits(got: tuple[float | None, ...], e: dict[str, Any]) -> None:
    mean, lpl, upl = got
    assert close(mean, e["mean"]) and close(lpl, e["lpl"]) and close(upl, e["upl"]), (got, e)


def test_ptd_seed123_standard() -> None:
    c = case("ptd_seed123_standard")
    y = c["y"]
    e = c["expected"]
    a = analyse(series(y), "i")
    _check_limits(_ptd_limits(a), e["screen_outliers_TRUE"])
    assert len(a.points) == e["screen_outliers_TRUE"]["n"]
    assert not sigma_points(a) and e["screen_outliers_TRUE"]["special_cause_improvement"] == 0

    y10 = list(y)
    y10[14] = 10
    _check_limits(_ptd_limits(analyse(series(y10), "i")), e["y15_set_to_10_screen_TRUE"])
    unscreened = XmRConvention(XMR_PLOTTHEDOTS.factor, screen=False)
    _check_limits(
        _ptd_limits(analyse(series(y10), "i", xmr=unscreened)), e["y15_set_to_10_screen_FALSE"]
    )

    # Facets of 10 points are two separate series: two parts here.
    parts = analyse(series(y), "i", rebase=[10]).parts
    for part, key in zip(parts, ("facet_first10", "facet_last10"), strict=True):
        _check_limits((part.centre, part.lcl, part.ucl), e[key])

    centre = a.parts[0].centre
    assert centre is not None
    signs = [1 if v > centre else -1 for v in y[: len(e["relative_to_mean_first13_r1"])]]
    assert signs == e["relative_to_mean_first13_r1"]

    m = re.search(r"mean (-?\d+\.\d+), lpl (-?\d+\.\d+), upl (-?\d+\.\d+)", c["notes"])
    assert m, "fix_after_n_points figures not found in notes"
    fixed = analyse(series(y), "i", freeze=12)
    _check_limits(_ptd_limits(fixed), {"mean": m[1], "lpl": m[2], "upl": m[3]})


def test_ptd_deviations_outlier_screening() -> None:
    c = case("ptd_deviations_vignette_outlier_screening")
    comp = c["expected_computed_independently"]
    screened = analyse(series(c["y"]), "i")
    unscreened = analyse(series(c["y"]), "i", xmr=XmRConvention(2.66, screen=False))
    for a, key in ((screened, "screened"), (unscreened, "unscreened")):
        mean, lpl, upl = _ptd_limits(a)
        assert close(mean, comp["mean"]) and close(lpl, comp[key]["lpl"])
        assert close(upl, comp[key]["upl"])
    printed = c["expected"]
    for a, key in (
        (screened, "screen_outliers_TRUE"),
        (unscreened, "screen_outliers_FALSE (= MDC Excel)"),
    ):
        mean, lpl, upl = _ptd_limits(a)
        assert close(mean, printed[key]["mean"]) and close(upl, printed[key]["upl"])
        assert close(lpl, printed[key]["lpl"])
    m = re.search(r"point (\d+) special_cause_improvement", printed["point_types"])
    assert m
    assert sigma_points(screened) == [int(m[1])]
    assert "above_ucl" in screened.points[int(m[1]) - 1].signals


def test_ptd_two_in_three_limits() -> None:
    """Limits only: the 2-in-3 rule itself is an NHS Making Data Count rule we do not apply."""
    c = case("ptd_two_in_three_opposite_sides")
    _check_limits(_ptd_limits(analyse(series(c["y"]), "i")), c["expected_computed_independently"])


# ---------------------------------------------------------------- nhspy-plotthedots vectors


def _nhspy() -> dict[str, Any]:
    return _json("nhspy_plotthedots_vectors.json") or {}


def _nhspy_list(prefix: str) -> list[dict[str, Any]]:
    data = _nhspy()
    key = next((k for k in data if k.startswith(prefix)), None)
    return data[key] if key else []


@pytest.mark.parametrize(
    "c", _nhspy_list("limits_calculations"), ids=lambda c: str(c["values"])[:30]
)
def test_nhspy_limits(c: dict[str, Any]) -> None:
    mean, lpl, upl = c["expected"][:3]
    _check_limits(
        _ptd_limits(analyse(series(c["values"]), "i")), {"mean": mean, "lpl": lpl, "upl": upl}
    )


@pytest.mark.parametrize("c", _nhspy_list("pandas_spc_x_calc"), ids=lambda c: str(c["values"])[:30])
def test_nhspy_fix_after_n_points(c: dict[str, Any]) -> None:
    a = analyse(series(c["values"]), "i", freeze=c["fix_n"])
    _check_limits(_ptd_limits(a), c)
    if "outside_limits" in c:
        got = [bool({"above_ucl", "below_lcl"} & set(p.signals)) for p in a.points]
        assert got == c["outside_limits"]


# ---------------------------------------------------------------- not applicable


def test_ptd_rule_unit_vectors_not_applicable() -> None:
    if _json("ptd_rule_unit_vectors.json") is None:
        pytest.skip("ptd_rule_unit_vectors.json not in refdata")
    pytest.skip(
        "these vectors test NHSRplotthedots' intermediate helpers (a run flagged from its 7th "
        "point); pdsa's `mdc` rules flag whole runs as its point types do, and are tested end to "
        "end against NHSRplotthedots' own point types and icons in test_ptd_oracle.py"
    )


def test_bestbox_cutbox_not_applicable() -> None:
    if not (REFDATA / "qicharts2_bestbox_cutbox_bounds.csv").is_file():
        pytest.skip("qicharts2_bestbox_cutbox_bounds.csv not in refdata")
    pytest.skip("bestbox/cutbox runs methods are not used: PRODUCT.md specifies the Anhøj rules")


def test_hai_4_not_applicable() -> None:
    if not (REFDATA / "qicharts2" / "expected" / "hai_4.csv").is_file():
        pytest.skip("hai_4.csv not in refdata")
    pytest.skip("hai_4.csv: the qic() call that produced it is not recorded in refdata")
