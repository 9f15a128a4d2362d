"""The terminal chart: sizes, date labels, colour or not, and no output of its own."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest

from pdsa_tui.analysis import SeriesPoint, analyse
from pdsa_tui.report.termchart import date_label, render_chart

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def series(n: int = 24, shift_at: int = 12) -> list[SeriesPoint]:
    out = []
    for k in range(n):
        d = dt.date(2019 + k // 12, k % 12 + 1, 1)
        out.append(SeriesPoint(d, numerator=(3 if k < shift_at else 7) + k % 3, denominator=12))
    return out


@pytest.mark.parametrize(("width", "height"), [(80, 14), (40, 10), (100, 16)])
@pytest.mark.parametrize("chart", ["run", "p", "i"])
def test_renders_at_size(width: int, height: int, chart: str) -> None:
    a = analyse(series(), chart, freeze=12)  # type: ignore[arg-type]
    text = render_chart(
        a, width=width, height=height, scale=100, color=False, title="% in 30 weeks"
    )
    lines = text.split("\n")
    assert len(lines) <= height
    assert max(len(line) for line in lines) <= width


def test_date_labels_and_symbols() -> None:
    a = analyse(series(), "run", freeze=12)
    text = render_chart(a, width=80, height=14, color=False)
    assert "Jan 19" in text and "Jan 20" in text
    assert "◆" in text and "•" in text  # signal points differ from the others
    assert text.split("\n")[-1].startswith("• value")


def test_plain_when_color_false_and_ansi_when_true() -> None:
    a = analyse(series(), "p")
    assert not ANSI.search(render_chart(a, width=80, height=14, color=False))
    coloured = render_chart(a, width=80, height=14, color=True)
    assert ANSI.search(coloured)
    assert ANSI.sub("", coloured).count("Jan 19") == 1


def test_goal_markers_and_title() -> None:
    a = analyse(series(), "p", freeze=12)
    text = render_chart(
        a,
        width=80,
        height=16,
        goal=60,
        scale=100,
        markers=[(dt.date(2019, 12, 15), "PDSA 1"), (dt.date(2030, 1, 1), "far away")],
        title="Permanence",
        color=False,
    )
    assert "Permanence" in text
    assert "═" in text and "PDSA 1" in text and "far away" not in text
    assert "goal" in text.split("\n")[-1] and "cycle" in text.split("\n")[-1]


def test_no_stdout_leakage_and_no_state_between_calls(capsys: pytest.CaptureFixture[str]) -> None:
    a = analyse(series(), "i")
    first = render_chart(a, width=80, height=14, color=False, title="one")
    render_chart(analyse(series(6), "run"), width=40, height=10, color=True, goal=5)
    again = render_chart(a, width=80, height=14, color=False, title="one")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert first == again


@pytest.mark.parametrize(
    "points",
    [
        [],
        [SeriesPoint(dt.date(2020, 1, 1), y=3)],
        [SeriesPoint(dt.date(2020, 1, 1)), SeriesPoint(dt.date(2020, 2, 1))],
        [SeriesPoint(dt.date(2020, k + 1, 1), y=2.0) for k in range(12)],
        [SeriesPoint(dt.date(2020, k + 1, 1), y=None if k % 3 == 0 else k) for k in range(12)],
    ],
    ids=["empty", "single", "all-missing", "all-equal", "gaps"],
)
@pytest.mark.parametrize("chart", ["run", "i"])
def test_edge_cases_render(points: list[SeriesPoint], chart: str) -> None:
    text = render_chart(analyse(points, chart), width=40, height=10, color=False)  # type: ignore[arg-type]
    assert isinstance(text, str) and text


def test_import_is_cheap() -> None:
    code = "import sys, pdsa_tui.report.termchart; print('plotext' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_date_label() -> None:
    assert date_label(dt.date(2019, 3, 1)) == "Mar 19"
    assert date_label(dt.date(2019, 3, 7), daily=True) == "7 Mar"
