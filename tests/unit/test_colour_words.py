"""Issue 24, item 7: every chart signal and status is told by a shape or a word, not colour alone.

Each renderer is walked with its colours taken away: what is left must still tell every
kind of mark apart. A colour may repeat what a shape or a word says, never say it alone.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.text import Text

from pdsa_tui.analysis import SeriesPoint, analyse, mdc
from pdsa_tui.analysis.charts import CENTRE_KEYS
from pdsa_tui.report import mdc_icons
from pdsa_tui.report import svg as svg_module
from pdsa_tui.report.offscale import OFF_SCALE_LABEL
from pdsa_tui.report.paper import TONE_COLOURS, TONE_WORDS, tone_runs
from pdsa_tui.report.svg import ChartMarker, chart_svg
from pdsa_tui.report.termchart import (
    ABOVE,
    CENTRE,
    GOAL,
    LIMIT,
    POINT,
    SIGNAL,
    render_chart,
)
from pdsa_tui.store import Store

SVG = "{http://www.w3.org/2000/svg}"


def every_signal() -> list[SeriesPoint]:
    """A year of baseline, then a shift with a trend in it, a point far above the limits
    and one off the scale: every kind of mark a chart can draw."""
    values = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 12, 14, 15, 15, 16, 15, 14, 16, 15]
    values += [40, 1e300]
    return [SeriesPoint(dt.date(2019 + k // 12, k % 12 + 1, 1), y=v) for k, v in enumerate(values)]


def test_the_demo_series_has_every_kind_of_signal() -> None:
    a = analyse(every_signal(), "i", freeze=12)
    kinds = {s for p in a.points for s in p.signals}
    assert {"shift", "trend", "above_ucl"} <= kinds


# ---------------------------------------------------------------- the terminal chart
def _colour_glyphs(ansi: str) -> dict[str, set[str]]:
    """Colour -> the marks drawn in it (letters, digits and spaces left out: text is text)."""
    text = Text.from_ansi(ansi)
    out: dict[str, set[str]] = defaultdict(set)
    for span in text.spans:
        colour = span.style.color.name if span.style.color is not None else None  # type: ignore[union-attr]
        if colour is None:
            continue
        for ch in text.plain[span.start : span.end]:
            if not ch.isalnum() and not ch.isspace():
                out[colour].add(ch)
    return out


def test_terminal_chart_each_colour_only_repeats_a_shape() -> None:
    """No mark shares its shape with a mark of another colour, so NO_COLOR loses nothing."""
    a = analyse(every_signal(), "i", freeze=12)
    coloured = render_chart(
        a, width=90, height=18, goal=20, markers=[(dt.date(2020, 1, 1), "C1")], color=True
    )
    by_colour = _colour_glyphs(coloured)
    assert len(by_colour) >= 6  # value, signal, centre, limits, goal, cycle
    colours = list(by_colour)
    for k, one in enumerate(colours):
        for other in colours[k + 1 :]:
            shared = by_colour[one] & by_colour[other]
            assert not shared, f"{shared} drawn in {one} and in {other}: told by colour alone"


def test_terminal_chart_without_colour_shows_and_names_every_mark() -> None:
    a = analyse(every_signal(), "i", freeze=12)
    plain = render_chart(
        a, width=90, height=18, goal=20, markers=[(dt.date(2020, 1, 1), "C1")], color=False
    )
    *plot, key = plain.split("\n")
    drawn = "\n".join(plot)
    for mark, word in [
        (POINT, "value"),
        (SIGNAL, "signal"),
        (CENTRE, CENTRE_KEYS["i"]),
        (LIMIT, "limits"),
        (GOAL, "goal"),
        (ABOVE, OFF_SCALE_LABEL),
        ("│", "cycle"),
    ]:
        assert mark in drawn, f"{word} is not drawn"
        assert f"{mark} {word}" in key, f"the key does not name {mark} ({word})"
    assert len({POINT, SIGNAL, CENTRE, LIMIT, GOAL, ABOVE}) == 6  # six shapes for six marks


# ---------------------------------------------------------------- the exports' chart (SVG)
#: The colours that mean something on an exported chart.
MEANINGS = {svg_module.VALUE, svg_module.SIGNAL, svg_module.CENTRE, svg_module.LIMIT}
MEANINGS |= {svg_module.GOAL, svg_module.MARK}


def _shape(el: ET.Element) -> tuple[str, ...]:
    """What an element looks like with its colour taken away."""
    tag = el.tag.removeprefix(SVG)
    d = re.sub(r"[-\d.,\s]+", " ", el.get("d", "")).split()
    return (
        tag,
        el.get("class", ""),
        el.get("stroke-dasharray", ""),
        el.get("stroke-width", ""),
        el.get("r", ""),
        "".join(d)[:8],
    )


def test_svg_chart_each_colour_only_repeats_a_shape_and_the_legend_names_it() -> None:
    a = analyse(every_signal(), "i", freeze=12)
    svg = chart_svg(
        a,
        title="Weeks",
        goal=20,
        markers=[ChartMarker(1, dt.date(2020, 1, 1), "Cycle 1")],
    )
    root = ET.fromstring(svg)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    in_legend = set(legend.iter())
    colours_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for el in root.iter():
        tag = el.tag.removeprefix(SVG)
        if el in in_legend or tag in ("svg", "g", "title", "text", "rect"):
            continue
        colour = el.get("stroke") if el.get("fill") in (None, "none") else el.get("fill")
        if colour in MEANINGS:  # the grid and the axes are drawn in ink, meaning nothing
            colours_of[_shape(el)].add(colour)
    assert set().union(*colours_of.values()) == MEANINGS  # every meaning was drawn
    for shape, colours in colours_of.items():
        assert len(colours) == 1, f"{shape} drawn in {colours}: told by colour alone"
    signals = [el for el in root.iter(f"{SVG}path") if el.get("class") == "signal"]
    points = [el for el in root.iter(f"{SVG}circle") if el.get("class") == "point"]
    assert signals and points  # signal points are diamonds, the others circles
    words = {t.text for t in legend.iter(f"{SVG}text")}
    assert {"Value", "Signal", "Control limits", "Goal"} <= words
    assert any(w and "cycle" in w.lower() for w in words)


# ---------------------------------------------------------------- Making Data Count icons
def _without_colour(svg: str) -> str:
    svg = re.sub(r"#[0-9a-fA-F]{3,6}\b", "COLOUR", svg)
    return re.sub(r"<title>.*?</title>|aria-label=\"[^\"]*\"", "", svg)


def test_mdc_icons_differ_without_their_colours() -> None:
    """Improvement, concern and neutral icons were the same drawing in three colours."""
    names = [*mdc.VARIATION_ICONS, *mdc.ASSURANCE_ICONS]
    drawings: dict[str, list[str]] = defaultdict(list)
    for name in names:
        drawings[_without_colour(mdc_icons.icon_svg(name))].append(name)
    same = [group for group in drawings.values() if len(group) > 1]
    assert not same, f"told apart by colour alone: {same}"
    labels = [mdc_icons.icon_text(name) for name in names]
    assert len(set(labels)) == len(labels)  # and each says itself in words


@pytest.mark.parametrize("tone", list(TONE_COLOURS))
def test_every_tone_colour_in_word_and_pdf_comes_with_its_symbol_and_word(tone: str) -> None:
    symbol, word = TONE_WORDS[tone]
    runs = tone_runs(tone, "text")
    assert runs[0].text == f"{symbol} {word}" and runs[0].tone == tone
    assert len({w for _, w in TONE_WORDS.values()}) == len(TONE_WORDS)


# ---------------------------------------------------------------- the HTML export's statuses
#: Class names that colour an element by its meaning in the HTML export.
MEANING_CLASSES = {
    "p0", "p1", "p2",  # Needs attention: act now, soon, keep an eye on
    "plan", "do", "study", "act", "closed",  # cycle phase badges
    "improvement", "concern", "common", "neutral", "none",  # verdict tones
    "positive", "negative", "mixed",  # feedback tones
}  # fmt: skip


class _Coloured(HTMLParser):
    """(meaning class, the element's text) for each element coloured by its meaning."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []  # (tag, meaning class)
        self.found: list[list[str]] = []  # [meaning, text...]
        self.stack: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        meaning = next(iter(sorted(classes & MEANING_CLASSES)), None)
        if tag in ("svg", "br", "img", "meta", "link", "path", "circle", "line"):
            return  # drawn, not written (the chart has its own test)
        self.open.append((tag, meaning))
        if meaning is not None:
            self.stack.append(len(self.found))
            self.found.append([f"{tag}.{meaning}"])

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1][0] == tag:
            _, meaning = self.open.pop()
            if meaning is not None:
                self.stack.pop()

    def handle_data(self, data: str) -> None:
        for k in self.stack:
            self.found[k].append(data)


def test_html_export_tells_every_coloured_status_in_words(tmp_path: Path) -> None:
    """Attention items, phase badges, verdicts and feedback tones: a word with each colour."""
    from pdsa_tui.demo import build_demo
    from pdsa_tui.report.export import export_text

    with Store.open(tmp_path / "demo.json", create=True) as store:
        build_demo(store, today=dt.date(2020, 2, 10))
        page = export_text(store, all=True, fmt="html", today=dt.date(2020, 2, 10))
    parser = _Coloured()
    parser.feed(page)
    words: dict[str, list[set[str]]] = defaultdict(list)
    for meaning, *texts in parser.found:
        text = " ".join(" ".join(texts).split())
        assert text, f"{meaning} is coloured but says nothing"
        words[meaning].append(set(text.lower().split()))
    assert {"li.p0", "span.act", "span.closed"} <= set(words), sorted(words)
    # Within each kind of element, one meaning is told from another by a word.
    kinds: dict[str, list[str]] = defaultdict(list)
    for meaning in words:
        kinds[meaning.split(".")[0] + str(meaning.split(".")[1] in {"p0", "p1", "p2"})].append(
            meaning
        )
    for group in kinds.values():
        for k, one in enumerate(group):
            for other in group[k + 1 :]:
                a, b = words[one], words[other]
                tells = (set.intersection(*a) - set.union(*b)) | (
                    set.intersection(*b) - set.union(*a)
                )
                assert tells, f"{one} and {other} differ only in colour"
