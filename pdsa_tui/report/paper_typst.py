"""PDF board papers through Typst: tagged, A4, page numbers, charts kept as vectors.

Typst (the ``typst`` wheel, one self-contained binary on Linux, macOS and Windows, with its
own fonts) was chosen by measuring (see the CHANGELOG): it writes a tagged PDF by default
(headings, tables with header rows, figures with alt text), in a few hundredths of a second
per report. It is imported only when a PDF is made.

Every piece of user text reaches Typst as a string literal (:func:`lit`), never as markup,
so nothing typed can change the layout or run Typst code.
"""

from __future__ import annotations

from pdsa_tui import __version__
from pdsa_tui.report.document import day
from pdsa_tui.report.paper import (
    TONE_COLOURS,
    TONE_TEXT,
    Bullets,
    Callout,
    Cell,
    Chart,
    Heading,
    Orientation,
    PageBreak,
    Paper,
    Para,
    Run,
    Table,
)
from pdsa_tui.report.verdict_tone import TONE_WORDS

#: Sans fonts a board paper prefers, in order; Typst falls back to its own embedded fonts.
FONTS = '("Arial", "Liberation Sans", "Helvetica", "DejaVu Sans", "Libertinus Serif")'
INK, MUTED, LINE, SOFT, ACCENT = "#212529", "#5c636a", "#c8ccd0", "#f1f3f5", "#1c4f8c"


def lit(text: str) -> str:
    """``text`` as a Typst string literal; control characters shown as their pictures."""
    out = ['"']
    for ch in text:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("    ")
        elif o < 0x20 or o == 0x7F:
            out.append(chr(0x2400 + (o if o < 0x20 else 0x21)))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _run(r: Run) -> str:
    args = []
    if r.bold:
        args.append('weight: "bold"')
    if r.italic:
        args.append('style: "italic"')
    if r.tone:
        args.append(f'fill: rgb("{TONE_TEXT.get(r.tone, TONE_TEXT["none"])}")')
    elif r.muted:
        args.append(f'fill: rgb("{MUTED}")')
    if not args:
        return f"#{lit(r.text)}"
    return f"#text({', '.join(args)}, {lit(r.text)})"


def _runs(runs: list[Run]) -> str:
    return "".join(_run(r) for r in runs)


def _cell(c: Cell) -> str:
    return f"[{_runs([Run(c)] if isinstance(c, str) else c)}]"


def _spark(svg: str, alt: Cell) -> str:
    text = alt if isinstance(alt, str) else "".join(r.text for r in alt)
    return f'[#image(bytes({lit(svg)}), format: "svg", width: 100%, alt: {lit("Trend: " + text)})]'


def _table(t: Table, landscape: bool = False) -> str:
    widths = t.widths or [1.0] * len(t.headers)
    cols = ", ".join(f"{w:g}fr" for w in widths)
    head = ", ".join(f'[#text(weight: "bold", {lit(h)})]' for h in t.headers)
    body = ",\n  ".join(
        ", ".join(
            _spark(t.sparks[i], c) if j == t.spark_col and i < len(t.sparks) else _cell(c)
            for j, c in enumerate(row)
        )
        for i, row in enumerate(t.rows)
    )
    size = "#set text(size: 8.5pt)\n" if t.small and not landscape else ""
    return (
        f'#[{size}#table(columns: ({cols},), fill: (_, y) => if y == 0 {{ rgb("{SOFT}") }},\n'
        f"  table.header(repeat: true, {head}),\n  {body}{',' if body else ''}\n)]"
    )


def _callout(c: Callout) -> str:
    stroke, fill = TONE_COLOURS.get(c.tone, TONE_COLOURS["none"])
    symbol, word = TONE_WORDS.get(c.tone, TONE_WORDS["none"])
    head = (
        f'#text(weight: "bold", fill: rgb("{TONE_TEXT.get(c.tone, MUTED)}"), '
        f"{lit(f'{symbol} {word}')})"
        f'#text(weight: "bold", {lit(": " + c.title)})'
    )
    lines = "".join(f"\n\n{_runs([Run(x)])}" for x in c.lines)
    note = f'\n\n#text(size: 8.5pt, fill: rgb("{MUTED}"), {lit(c.note)})' if c.note else ""
    return (
        f'#block(width: 100%, inset: 8pt, fill: rgb("{fill}"), breakable: true, '
        f'stroke: (left: 3pt + rgb("{stroke}")))[{head}{note}{lines}]'
    )


def _chart(c: Chart) -> str:
    return (
        f'#figure(image(bytes({lit(c.svg)}), format: "svg", width: {c.width_cm:g}cm, '
        f"alt: {lit(c.alt)}))"
    )


def _page_style(landscape: bool, *, first: bool = False) -> list[str]:
    """Set rules for A4 portrait, or compact A4 landscape (a new page unless ``first``)."""
    if landscape:
        return [
            "#set page(flipped: true, margin: (x: 10mm, y: 12mm))",
            "#set text(size: 7pt)",
            "#show heading.where(level: 1): set text(size: 14pt)",
            "#show heading.where(level: 2): set text(size: 8.5pt)",
            "#show heading.where(level: 3): set text(size: 8pt)",
            "#show heading: set block(above: 0.6em, below: 0.3em)",
            # Tight rows: the demo's 18 measures on one page, the text still 7pt.
            "#set table(inset: (x: 2.5pt, y: 1.8pt))",
            "#show table: set par(leading: 0.5em)",
        ]
    return [
        "#set page(flipped: false, margin: (x: 18mm, top: 20mm, bottom: 18mm))",
        "#set text(size: 10pt)",
        "#show heading.where(level: 1): set text(size: 17pt)",
        "#show heading.where(level: 2): set text(size: 13.5pt)",
        "#show heading.where(level: 3): set text(size: 11.5pt)",
        "#show heading: set block(above: 1.2em, below: 0.6em)",
        "#set table(inset: 4pt)",
    ]


def source(paper: Paper) -> str:
    """The Typst source of ``paper``."""
    stamp = f"Exported {day(paper.exported.date())} at {paper.exported:%H:%M} by pdsa {__version__}"
    out = [
        f"#set document(title: {lit(paper.title)}, author: {lit('pdsa ' + __version__)})",
        f'#set text(font: {FONTS}, lang: "en", region: "gb", fill: rgb("{INK}"))',
        '#set page(paper: "a4",',
        f'  header: align(right, text(size: 8pt, fill: rgb("{MUTED}"), {lit(paper.header)})),',
        '  footer: context { set text(size: 8pt, fill: rgb("' + MUTED + '")); '
        f"{lit(stamp)}; h(1fr); "
        '[Page #counter(page).display("1 of 1", both: true)] })',
        "#set par(spacing: 0.75em)",
        f'#set table(stroke: 0.5pt + rgb("{LINE}"))',
        "#set list(spacing: 0.5em)",
        '#show heading: set text(fill: rgb("' + ACCENT + '"))',
        *_page_style(paper.landscape, first=True),
        f'#text(size: 8pt, weight: "bold", fill: rgb("{ACCENT}"), '
        f"{lit('PDSA quality improvement · ' + paper.kind)})",
    ]
    first = True
    landscape = paper.landscape
    for b in paper.blocks:
        if isinstance(b, Heading):
            out.append(f"#heading(level: {min(b.level, 6)}, {lit(b.text)})")
            if first and paper.subtitle:
                size = "9pt" if paper.landscape else "11pt"
                out.append(f"#text(size: {size}, {lit(paper.subtitle)})")
            first = False
        elif isinstance(b, Para):
            body = _runs(b.runs)
            size = "7pt" if landscape else "8.5pt"
            out.append(f'#text(size: {size}, fill: rgb("{MUTED}"))[{body}]' if b.note else body)
        elif isinstance(b, Bullets):
            out.append("#list(" + ", ".join(f"[{_runs(i)}]" for i in b.items) + ")")
        elif isinstance(b, Orientation):
            landscape = b.landscape
            out.extend(_page_style(landscape))
        elif isinstance(b, Table):
            out.append(_table(b, landscape))
        elif isinstance(b, Chart):
            out.append(_chart(b))
        elif isinstance(b, Callout):
            out.append(_callout(b))
        elif isinstance(b, PageBreak):
            out.append("#pagebreak(weak: true)")
    return "\n\n".join(out) + "\n"


def render(paper: Paper) -> bytes:
    """``paper`` as a tagged PDF."""
    import typst

    return bytes(typst.compile(source(paper).encode("utf-8"), format="pdf"))


def svg_png(svg: str, width_cm: float, ppi: int = 150) -> bytes:
    """An SVG drawn as a PNG ``width_cm`` wide (Word's fallback picture for an SVG chart)."""
    import typst

    src = (
        "#set page(width: auto, height: auto, margin: 0pt)\n"
        f'#image(bytes({lit(svg)}), format: "svg", width: {width_cm:g}cm)\n'
    )
    out = typst.compile(src.encode("utf-8"), format="png", ppi=ppi)
    return bytes(out[0] if isinstance(out, list) else out)
