"""``pdsa analyse``'s column-at-a-time paths give what the row-by-row code gives (issue 21).

A plain CSV is read by ``analyse_fast`` in C, and long paragraphs are wrapped by
``analyse_wrap``; each is held here to the code it stands in for (the row-by-row
reader, ``textwrap``) over generated inputs. Nothing is timed.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.analysis.results import SeriesColumns
from pdsa_tui.cli import analyse_csv, analyse_fast
from pdsa_tui.cli.analyse_wrap import wrap
from pdsa_tui.cli.errors import CliError

# ---------------------------------------------------------------- wrapping

WORDS = st.sampled_from(
    [
        "a",
        "Signal",
        "(IHI",
        "shift):",
        "non-random",
        "well-known",
        "ab-cd-ef-gh-ij",
        "-",
        "--",
        "a--b",
        "x-",
        "-x",
        "1-2",
        "Anhøj",
        "p̄",
        "e.g.",
        "abcdefghijklmnopqrstuvwxyz",
        "\xa0",
        "\t",
        "\n",
    ]
)
GAPS = st.sampled_from(["", " ", " ", "  ", "   "])


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(st.tuples(WORDS, GAPS), max_size=40),
    lead=GAPS,
    indents=st.sampled_from([("", ""), ("", "  "), ("  ", "    "), ("  - ", "    ")]),
    extra=st.integers(min_value=1, max_value=40),
)
def test_wrap_gives_textwraps_lines(
    pieces: list[tuple[str, str]], lead: str, indents: tuple[str, str], extra: int
) -> None:
    text = lead + "".join(w + g for w, g in pieces)
    first, rest = indents
    width = max(len(first), len(rest)) + extra
    want = textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest)
    assert wrap(text, width, first, rest) == want


def test_wrap_of_a_long_verdict_is_textwraps() -> None:
    """Thousands of sentences in one paragraph, as 100,000 points give."""
    sentence = (
        "Signal (IHI shift): 7 points in a row below the centre line from Mar 1901 - the "
        "process has shifted downwards. Signal (Anhøj crossings): non-random variation. "
    )
    text = (sentence * 300).strip()
    for width in (30, 80, 100):
        want = textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="    ")
        assert wrap(text, width, "  ", "    ") == want


# ---------------------------------------------------------------- reading


def _row_by_row(path: Path, chart: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as m:
        m.setattr(analyse_fast, "read_plain", lambda text, chart: None)
        return _read(path, chart)


def _read(path: Path, chart: str) -> object:
    try:
        s = analyse_csv.read_series(path, chart)
    except CliError as exc:
        return ("error", exc.message, exc.status)
    return (list(s.points), s.ratio, s.reordered, s.lines, s.dates_only, s.notes)


NUMBERS = st.sampled_from(["0", "1", "5", "12", "3.5", ".5", "5.", "-1", "-0", "1.2.3", "", "007"])
DAY_STEPS = st.sampled_from([1, 1, 1, 0, -3, 40])
ODD_DATES = st.sampled_from(["2020-02-30", "1899-12-31", "2201-01-01", "20200101", "2020-W01-1"])


@settings(max_examples=150, deadline=None)
@given(
    ratio=st.booleans(),
    rows=st.lists(
        st.tuples(DAY_STEPS, st.one_of(st.none(), ODD_DATES), NUMBERS, NUMBERS),
        min_size=1,
        max_size=8,
    ),
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    end=st.sampled_from(["", "eol", "eol2", "\n"]),
    start_year=st.sampled_from([1899, 1900, 2020, 2199, 2200]),
)
def test_a_plain_file_reads_as_row_by_row(
    tmp_path_factory: pytest.TempPathFactory,
    ratio: bool,
    rows: list[tuple[int, str | None, str, str]],
    eol: str,
    end: str,
    start_year: int,
) -> None:
    monkeypatch = pytest.MonkeyPatch()
    day = dt.date(start_year, 12, 25)
    lines = []
    for step, odd, a, b in rows:
        day += dt.timedelta(days=step)
        cell = odd or day.isoformat()
        lines.append(f"{cell},{a},{b}" if ratio else f"{cell},{a}")
    tail = {"": "", "eol": eol, "eol2": eol + eol, "\n": "\n"}[end]
    header = "date,numerator,denominator" if ratio else "date,value"
    path = tmp_path_factory.mktemp("csv") / "series.csv"
    path.write_bytes((header + eol + eol.join(lines) + tail).encode())
    for chart in ("p", "u", "run") if ratio else ("run", "i", "c", "g", "t", "xbar"):
        assert _read(path, chart) == _row_by_row(path, chart, monkeypatch), chart


def test_a_plain_file_is_read_as_columns(tmp_path: Path) -> None:
    """The fast path is taken for the usual file (CR LF, as csv.writer writes it)."""
    path = tmp_path / "p.csv"
    path.write_bytes(b"date,numerator,denominator\r\n2024-01-01,3,10\r\n2024-01-02,4,9\r\n")
    series = analyse_csv.read_series(path, "p")
    assert isinstance(series.points, SeriesColumns)
    assert series.lines == [2, 3] and not series.reordered
    assert series.points[1].numerator == 4.0 and series.points[1].denominator == 9.0
