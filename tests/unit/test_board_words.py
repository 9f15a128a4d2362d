"""Words a board reads: labels not stored keys, spaced units, verdicts coloured by meaning
and said in words, the aim's answer first, and the pack in a board's order."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from pdsa_tui.model import dates
from pdsa_tui.report import markdown as M
from pdsa_tui.report.export import export_text
from pdsa_tui.report.programme import pack_content, pack_text
from pdsa_tui.report.verdict_tone import measure_icons
from pdsa_tui.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from pdsa_tui.demo import write_demo

    return Store.open(write_demo(tmp_path_factory.mktemp("demo") / "demo.json"), read_only=True)


def test_stored_choices_are_shown_as_labels(demo: Store) -> None:
    html = export_text(demo, aim=demo.find_aim("Aim 2"), fmt="html")
    assert "practitioner, parent, foster carer, child or young person" in html
    assert "foster_carer" not in html and "kinship_carer" not in html


def test_numbers_with_units_are_spaced(demo: Store) -> None:
    html = export_text(demo, aim=demo.find_aim("Aim 2"), fmt="html")
    assert "Goal 42 days" in html and "42days" not in html


def test_verdicts_are_coloured_by_meaning_and_said_in_words(demo: Store) -> None:
    html = export_text(demo, aim=demo.find_aim("Aim 2"), fmt="html")
    boxes = re.findall(r'class="verdict ([a-z]+)"><p class="head"><span[^>]*>([^<]+)</span>', html)
    assert ("improvement", "▲ Improvement") in boxes and ("common", "● Common cause") in boxes
    assert ".verdict.improvement { border-left-color: #289de0" in html  # MDC blue
    assert ".verdict.concern { border-left-color: #e46c0a" in html  # MDC orange
    assert "verdict signal" not in html  # no longer pink for every signal
    md = export_text(demo, aim=demo.find_aim("Aim 2"), fmt="md")
    assert "**▲ Improvement: What the chart says**" in md


def test_a_deterioration_is_a_concern_and_no_signal_common_cause(demo: Store) -> None:
    from pdsa_tui.analysis import analyse
    from pdsa_tui.analysis.spc import SeriesPoint

    def series(values: list[float]) -> list[SeriesPoint]:
        import datetime as dt

        return [SeriesPoint(dt.date(2019, 1 + k % 12, 1).replace(year=2019 + k // 12), v)
                for k, v in enumerate(values)]  # fmt: skip

    flat = analyse(series([5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 7, 6]), "run", direction="up")
    assert measure_icons(flat).variation == "common"
    worse = analyse(series([9] * 10 + [3] * 9), "run", direction="up")
    assert measure_icons(worse).variation == "concern"
    better = analyse(series([3] * 10 + [9] * 9), "run", direction="up")
    assert measure_icons(better).variation == "improvement"
    either = analyse(series([3] * 10 + [9] * 9), "run", direction="neutral")
    assert measure_icons(either).variation == "neutral"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_each_aim_report_opens_with_its_answer(demo: Store, fmt: str) -> None:
    text = export_text(demo, aim=demo.find_aim("Aim 2"), fmt=fmt)
    answer = text.index("Where this aim stands")
    assert answer < text.index("The aim<" if fmt == "html" else "## The aim")
    assert "83.3% in Jan 2020, short of the 85% target" in text
    assert "What changed since 10 Nov 2019" in text


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_pack_opens_with_the_summary_then_aims_meetings_self_assessment(
    demo: Store, fmt: str
) -> None:
    pack = pack_content(demo, since=None, today=dates.today())
    text = pack_text(pack, fmt)
    order = [
        text.index(h)
        for h in (
            "Summary of every measure",
            ">Aims<" if fmt == "html" else "## Aims",
            "Meetings: decisions and actions",
            ">Self-assessment<" if fmt == "html" else "## Self-assessment",
            "The programme",
            "Appendix: every self-assessment question",
        )
    ]
    assert order == sorted(order)
    # Every question with its status, notes, action and owner.
    assert "| Theme | Question | Status | Notes | Action | Owner | Review |" in text or (
        '<th scope="col">Notes</th>' in text and '<th scope="col">Owner</th>' in text
    )
    assert pack.assessment is not None and len(pack.assessment.rows) > 50  # with a custom one
    for q, *_ in pack.assessment.rows:
        shown = html.escape(q.text) if fmt == "html" else M.escape_cell(q.text)
        assert shown in text


def test_markdown_numbers_are_not_needlessly_escaped(demo: Store, tmp_path: Path) -> None:
    md = export_text(demo, aim=demo.find_aim("Aim 2"), fmt="md")
    assert "83.3%" in md and "83\\.3%" not in md
