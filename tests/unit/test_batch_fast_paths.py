"""The batch commands' fast paths give what the plain code gave (issue 21, item 5).

``pdsa analyse``, ``pdsa export`` and ``pdsa check`` were made faster by reading cells,
finding runs, thinning chart columns and escaping text in C where they can. Each fast
path is held here to the plain version it replaced (kept below as the reference), over
generated inputs. No test times anything: where the point is how work grows, it counts.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.analysis import SeriesPoint, analyse, rules
from pdsa_tui.analysis.results import PointResult, point_result, series_point
from pdsa_tui.cli.analyse_csv import read_series
from pdsa_tui.cli.errors import CliError
from pdsa_tui.model.dates import parse_date
from pdsa_tui.model.forms import read_number
from pdsa_tui.report import markdown
from pdsa_tui.report import termchart as tc

# ---------------------------------------------------------------- the plain versions


def plain_sides(values: list[float | None], centre: float | None) -> list[int]:
    if centre is None or math.isnan(centre):
        return [0] * len(values)
    out = []
    for v in values:
        if v is None or math.isnan(v) or v == centre:
            out.append(0)
        else:
            out.append(1 if v > centre else -1)
    return out


def plain_runs(values: list[float | None], centre: float | None) -> tuple[int, int] | None:
    """(runs, longest run) as the loop over useful points counted them."""
    useful = [s for s in plain_sides(values, centre) if s != 0]
    if not useful:
        return None
    lengths: list[int] = []
    previous = 0
    for s in useful:
        if s == previous:
            lengths[-1] += 1
        else:
            lengths.append(1)
            previous = s
    return len(lengths), max(lengths)


def plain_shifts(
    values: list[float | None], centre: float | None, min_length: int
) -> list[rules.Span]:
    s = plain_sides(values, centre)
    useful = [i for i, side in enumerate(s) if side != 0]
    spans = []
    start = 0
    while start < len(useful):
        end = start
        while end + 1 < len(useful) and s[useful[end + 1]] == s[useful[start]]:
            end += 1
        count = end - start + 1
        if count >= min_length:
            first, last = useful[start], useful[end]
            flagged = tuple(
                i
                for i in range(first, last + 1)
                if (v := values[i]) is not None and not math.isnan(v)
            )
            spans.append(rules.Span(first, last, flagged, s[first], count))
        start = end + 1
    return spans


def plain_trends(values: list[float | None], min_length: int) -> list[rules.Span]:
    groups: list[tuple[float, list[int]]] = []
    for i, v in enumerate(values):
        if v is None or math.isnan(v):
            continue
        if groups and groups[-1][0] == v:
            groups[-1][1].append(i)
        else:
            groups.append((v, [i]))
    spans = []
    a = 0
    while a < len(groups) - 1:
        direction = 1 if groups[a + 1][0] > groups[a][0] else -1
        b = a + 1
        while b + 1 < len(groups) and (groups[b + 1][0] - groups[b][0]) * direction > 0:
            b += 1
        count = b - a + 1
        if count >= min_length:
            first = groups[a][1][-1]
            last = groups[b][1][0]
            flagged = [first]
            for g in groups[a + 1 : b]:
                flagged.extend(g[1])
            flagged.append(last)
            spans.append(rules.Span(first, last, tuple(flagged), direction, count))
        a = b
    return spans


def plain_thin(xy: list[tuple[float, float]], n: int, buckets: int) -> list[tuple[float, float]]:
    """The loop the chart thinned its points with before `_thin_xy` (now only here)."""
    if len(xy) <= 2 * buckets:
        return xy
    per = buckets / max(n, 1)
    lows: dict[int, tuple[float, float]] = {}
    highs: dict[int, tuple[float, float]] = {}
    for q in xy:
        col = int((q[0] - 1) * per)
        lo = lows.get(col)
        if lo is None:
            lows[col] = highs[col] = q
        elif q[1] < lo[1]:
            lows[col] = q
        elif q[1] > highs[col][1]:
            highs[col] = q
    out: list[tuple[float, float]] = []
    for col in sorted(lows):
        out.extend(sorted({lows[col], highs[col]}))
    return out


def plain_cell(text: str) -> str:
    lines = [markdown._block_safe(line.strip()) for line in markdown._escaped_lines(text)]
    return "<br>".join(line for line in lines if line) or " "


def plain_block(text: str, indent: str = "") -> str:
    lines = [markdown._block_safe(line.strip()) for line in markdown._escaped_lines(text)]
    return ("\\\n" + indent).join(line for line in lines if line)


# ---------------------------------------------------------------- generated inputs

#: Few distinct values, so ties, runs and values on the centre are common.
VALUE = st.one_of(st.none(), st.integers(0, 6).map(float), st.just(math.nan))
VALUES = st.lists(VALUE, max_size=80)


@settings(max_examples=400, deadline=None, database=None)
@given(VALUES, st.one_of(st.none(), st.integers(0, 6).map(float)), st.integers(0, 8))
def test_runs_shifts_and_trends_are_the_plain_loops(
    values: list[float | None], centre: float | None, length: int
) -> None:
    assert rules.sides(values, centre) == plain_sides(values, centre)
    got = rules.runs_analysis(values, centre)
    want = plain_runs(values, centre)
    assert (got.runs, got.longest_run) == (want if want else (None, None))
    assert rules.ihi_shifts(values, centre, length) == plain_shifts(values, centre, length)
    assert rules.ihi_trends(values, length) == plain_trends(values, length)


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.lists(st.tuples(st.booleans(), st.integers(-3, 3).map(float)), max_size=400),
    st.integers(10, 40),
)
def test_thinning_by_columns_is_the_plain_loop(
    picks: list[tuple[bool, float]], buckets: int
) -> None:
    # A series of present points (some left out), x = 1..n ascending as on a chart.
    xy = [(float(k + 1), y) for k, (keep, y) in enumerate(picks) if keep]
    n = len(picks)
    xs, ys = tc._thin_xy([x for x, _ in xy], [y for _, y in xy], n, buckets)
    assert list(zip(xs, ys, strict=True)) == plain_thin(xy, n, buckets)


TEXT = st.text(
    alphabet="ab #>+=-1.)&*_|\\`[]<>~$\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", max_size=12
)


@settings(max_examples=500, deadline=None, database=None)
@given(TEXT)
def test_escaping_a_text_at_once_is_escaping_it_line_by_line(text: str) -> None:
    assert markdown.escape_cell(text) == plain_cell(text)
    assert markdown.escape_block(text, "  > ") == plain_block(text, "  > ")


# ---------------------------------------------------------------- fast builders


def test_fast_builders_make_the_dataclasses_own_objects() -> None:
    day = dt.date(2024, 3, 1)
    built = series_point(day, numerator=3.0, denominator=4.0)
    assert built == SeriesPoint(day, numerator=3.0, denominator=4.0)
    assert hash(built) == hash(SeriesPoint(day, numerator=3.0, denominator=4.0))
    assert set(vars(built)) == {f.name for f in dataclasses.fields(SeriesPoint)}
    args = (2, day, 0.5, 0.4, 0.1, 0.9, ["shift"], False, 20.0, "common_cause", None)
    result = point_result(*args)
    assert result == PointResult(*args)
    assert set(vars(result)) == {f.name for f in dataclasses.fields(PointResult)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.y = 1.0  # type: ignore[misc]


# ---------------------------------------------------------------- reading a CSV

CELLS = [
    "2024-01-05", " 2024-01-05 ", "05/01/2024", "2024-W01-2", "5 Jan 2024", "2024-02-30",
    "1899-12-31", "2201-01-01", "20240105",
]  # fmt: skip
NUMBERS = ["3", " 3 ", "-0", "0", "+2", ".5", "1e2", "1_000", "1,5", "nan", "inf", "1e400",
           "٣", "0x10", ""]  # fmt: skip


def expected_point(cell: str, num: str, den: str) -> SeriesPoint | str:
    """What the plain per-cell code makes of one ratio row: a point or the error's tail."""
    try:
        day = parse_date(cell)
    except ValueError as exc:
        return str(exc)
    values = []
    for text in (num, den):
        s = text.strip()
        if not s:
            values.append(None)
            continue
        try:
            values.append(read_number(s))
        except ValueError as exc:
            return str(exc)
    a, b = values
    if a is None or b is None or (a == 0 and b == 0):
        return SeriesPoint(day)
    if a < 0 or b <= 0 or a > b:
        return "refused"
    return SeriesPoint(day, numerator=math.fsum([a]), denominator=math.fsum([b]))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num", NUMBERS)
def test_a_ratio_row_reads_as_the_plain_per_cell_code(tmp_path: Path, cell: str, num: str) -> None:
    for den in ("4", num):
        path = tmp_path / "p.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("date", "numerator", "denominator"), (cell, num, den)])
        want = expected_point(cell, num, den)
        if isinstance(want, SeriesPoint):
            got = read_series(path, "p")
            assert got.points == [want]
            # -0 is summed to 0, as several rows of one date always were.
            assert [math.copysign(1, p.numerator or 0.0) for p in got.points] == [1.0]
        else:
            with pytest.raises(CliError) as caught:
                read_series(path, "p")
            if want != "refused":
                assert caught.value.message.endswith(want)


def test_rows_read_at_once_keep_their_file_lines(tmp_path: Path) -> None:
    """Without quotes a row is its line; blank rows are skipped and still counted."""
    path = tmp_path / "v.csv"
    path.write_text("date,value\n\n2024-01-02,1\n , \n2024-01-01,2\n", encoding="utf-8")
    got = read_series(path, "run")
    assert got.reordered and got.lines == [5, 3]
    path.write_text('date,value,note\n2024-01-01,1,"two\nlines"\n2024-01-02,x,\n', "utf-8")
    with pytest.raises(CliError, match="line 4, column 2"):
        read_series(path, "run")


# ---------------------------------------------------------------- how work grows


def test_qbinom_sums_terms_of_order_root_n() -> None:
    """The binomial quantile behind crossings_min: the terms it sums, not its time.

    Summed exactly it took work of order n² (849 ms at 100,000 points); the local
    search sums about √n terms per candidate and tries a few candidates.
    """
    terms: dict[int, int] = {}
    original = rules._lower_tail

    def counting(size: int, k: int) -> tuple[float, int]:
        total, count = original(size, k)
        terms[size] = terms.get(size, 0) + count
        return total, count

    rules._lower_tail = counting  # type: ignore[assignment]
    try:
        for size in (10_000, 100_000, 1_000_000):
            rules.qbinom(0.05, size)
    finally:
        rules._lower_tail = original  # type: ignore[assignment]
    assert terms[1_000_000] <= 4 * 1_000_000**0.5 * 10
    # A hundred times the points, about ten times the terms: well under linear.
    assert terms[1_000_000] / terms[10_000] < 20


def test_chart_markers_draw_one_line_per_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """1,250 cycles on 10 dates drew 1,250 lines; the picture is that of the 10."""
    import plotext

    points = [SeriesPoint(dt.date(2020, m, 1), y=float(m % 4)) for m in range(1, 13)]
    a = analyse(points, "run")
    days = [dt.date(2020, m, 10) for m in range(1, 11)]
    markers = [(days[k % 10], str(k)) for k in range(1250)]
    drawn: list[float] = []
    real = plotext.vline

    def vline(x: float, color: object = None) -> None:
        drawn.append(x)
        real(x, color)

    monkeypatch.setattr(plotext, "vline", vline)
    tc.render_chart(a, width=80, height=18, markers=markers, color=False)
    assert len(drawn) == len(set(drawn)) == 10
