"""Board papers: a format-independent page layout that Word and PDF are both drawn from.

The builders in :mod:`paper_build` turn each export's content (aim report, cycle
summary, governance pack, minutes, change package, the one-page summary) into a
:class:`Paper`: headings, paragraphs of runs, bullet lists, tables with a header row,
charts (SVG, with their alt text) and verdict call-outs coloured by meaning. The
renderers :mod:`paper_docx` and :mod:`paper_typst` lay a Paper out as .docx or PDF,
so both formats say the same thing in the same order.

All text is plain, exactly as typed: escaping is each renderer's job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pdsa_tui.report.verdict_tone import TONE_WORDS

#: Making Data Count colours by meaning (NHS England's SPC icons), and the light fill used
#: behind a call-out of that meaning.
TONE_COLOURS: dict[str, tuple[str, str]] = {
    "improvement": ("#289de0", "#e5f3fb"),
    "concern": ("#e46c0a", "#fdeee3"),
    "common": ("#7f7f7f", "#f0f0f0"),
    "neutral": ("#490092", "#f1e8f8"),
    "none": ("#5c636a", "#f8f9fa"),
}
#: The same meanings darkened for text on white (WCAG AA contrast of 4.5:1 or more).
TONE_TEXT: dict[str, str] = {
    "improvement": "#1b6ea3",
    "concern": "#b35300",
    "common": "#595959",
    "neutral": "#490092",
    "none": "#5c636a",
}


@dataclass
class Run:
    """A stretch of text in one style; ``tone`` colours it by meaning (a TONE_COLOURS key)."""

    text: str
    bold: bool = False
    italic: bool = False
    tone: str = ""
    muted: bool = False


Cell = str | list[Run]


@dataclass
class Heading:
    """A real heading (Word's Heading N style, a PDF heading tag); level 1 is the title."""

    level: int
    text: str


@dataclass
class Para:
    """A paragraph of runs; ``note`` makes it small and muted."""

    runs: list[Run]
    note: bool = False


@dataclass
class Bullets:
    """A bulleted list; each item is a list of runs."""

    items: list[list[Run]]


@dataclass
class Table:
    """A table whose first row is a header that repeats on every page it spans.

    ``widths`` are relative column widths (they need not add up to anything).
    """

    headers: list[str]
    rows: list[list[Cell]]
    widths: list[float] | None = None
    small: bool = False
    #: Small SVG pictures (sparklines) drawn in column ``spark_col``, one per row; the
    #: cell's text becomes the picture's alt text.
    sparks: list[str] = field(default_factory=list)
    spark_col: int = -1


@dataclass
class Chart:
    """An SVG chart with the alt text a screen reader says (its verdict in words)."""

    svg: str
    alt: str
    width_cm: float = 16.0


@dataclass
class Callout:
    """A boxed verdict: ``tone`` colours the box, and its symbol and word say the same."""

    tone: str
    title: str
    lines: list[str]
    note: str = ""


@dataclass
class PageBreak:
    """Start the next block on a new page."""


@dataclass
class Orientation:
    """Continue on a new page, A4 landscape (compact, for a wide table) or portrait."""

    landscape: bool


Block = Heading | Para | Bullets | Table | Chart | Callout | PageBreak | Orientation


@dataclass
class Paper:
    """One board paper: its title, what it is, who it is for, and its blocks in order."""

    title: str
    kind: str
    subtitle: str
    exported: dt.datetime
    #: Shown in every page's header (the programme's name).
    header: str
    blocks: list[Block] = field(default_factory=list)
    landscape: bool = False

    def add(self, *blocks: Block) -> None:
        """Append ``blocks``."""
        self.blocks.extend(blocks)

    def heading(self, level: int, text: str) -> None:
        """Append a heading."""
        self.blocks.append(Heading(level, text))

    def para(self, *runs: Run | str, note: bool = False) -> None:
        """Append a paragraph (strings are plain runs)."""
        self.blocks.append(Para([r if isinstance(r, Run) else Run(r) for r in runs], note))

    def fields(self, rows: list[tuple[str, str]], empty: str = "Not recorded") -> None:
        """Append labelled fields, one paragraph each: **Label:** value."""
        for label, text in rows:
            value = Run(text.strip()) if text.strip() else Run(empty, italic=True, muted=True)
            self.blocks.append(Para([Run(f"{label}: ", bold=True), value]))

    def bullets(self, items: list[str]) -> None:
        """Append a bulleted list of plain strings."""
        if items:
            self.blocks.append(Bullets([[Run(x)] for x in items]))


def cell_text(cell: Cell) -> str:
    """A cell's text without styles."""
    return cell if isinstance(cell, str) else "".join(r.text for r in cell)


def tone_runs(tone: str, text: str = "") -> list[Run]:
    """The tone's symbol and word in its colour, then ``text``: meaning never by colour alone."""
    symbol, word = TONE_WORDS.get(tone, TONE_WORDS["none"])
    runs = [Run(f"{symbol} {word}", bold=True, tone=tone)]
    if text:
        runs.append(Run(f": {text}"))
    return runs


SPARK_BARS = "▁▂▃▄▅▆▇█"


def spark_text(values: list[float]) -> str:
    """A sparkline in block characters (for text formats): ``▁▃▅▇``."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi == lo:
        return SPARK_BARS[3] * len(values)
    top = len(SPARK_BARS) - 1
    return "".join(SPARK_BARS[round((v - lo) / (hi - lo) * top)] for v in values)


def spark_svg(values: list[float], tone: str = "none", width: int = 120, height: int = 24) -> str:
    """A sparkline as a small SVG: the series as a line, its last point as a dot in the tone."""
    colour = TONE_COLOURS.get(tone, TONE_COLOURS["none"])[0]
    if not values:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>'
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    pad = 3.0
    n = len(values)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = height - pad - (height - 2 * pad) * ((v - lo) / span if hi != lo else 0.5)
        return round(x, 1), round(y, 1)

    pts = [xy(i, v) for i, v in enumerate(values)]
    line = " ".join(f"{x},{y}" for x, y in pts)
    lx, ly = pts[-1]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f'<polyline points="{line}" fill="none" stroke="#5c636a" stroke-width="1.2"/>'
        f'<circle cx="{lx}" cy="{ly}" r="2.6" fill="{colour}"/></svg>'
    )
