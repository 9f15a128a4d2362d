"""Word (.docx) board papers with python-docx: real headings, native tables, charts with alt text.

What a committee clerk and a screen reader need (Public Sector Bodies Accessibility
Regulations 2018): Word's own Heading 1..n styles (the navigation pane works), tables whose
header row repeats on every page, each chart a picture whose alt text is its verdict in
words, page numbers in the footer (a PAGE field) and the programme's name in the header.

Each chart is embedded as its SVG (Word 2016 and later, and LibreOffice, draw it as vectors)
with a PNG fallback for older readers; the PNG is drawn by Typst, already a dependency for
PDF, so no other rasteriser is needed. ``template`` is a council's own .docx: its styles,
page setup, header and logo are kept and its body is replaced. python-docx is imported only
when a Word file is made.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
MUTED = "5C636A"


class TemplateError(ValueError):
    """The --template file is not a Word document python-docx can open."""


def _clean(text: str) -> str:
    """Text Word's XML accepts: control characters shown as their pictures."""
    return "".join(
        ch
        if ch in "\n\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F)
        else chr(0x2400 + min(ord(ch), 0x21))
        for ch in text
    )


def _open(template: Path | None) -> DocxDocument:
    import docx
    from docx.shared import Mm

    if template is None:
        doc = docx.Document()
        sec = doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)  # python-docx's own is US Letter
        for side in ("left_margin", "right_margin"):
            setattr(sec, side, Mm(20))
        sec.top_margin, sec.bottom_margin = Mm(20), Mm(18)
        from docx.shared import Pt

        normal = doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(10)
        normal.paragraph_format.space_after = Pt(4)
        return doc
    try:
        doc = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several kinds for a file that is not .docx
        raise TemplateError(f"the template {template} is not a Word .docx file ({exc})") from None
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


def _style(doc: DocxDocument, name: str, fallback: str = "Normal") -> Any:
    """The style ``name`` of the document, or ``fallback`` when a template lacks it."""
    try:
        return doc.styles[name]
    except KeyError:
        return doc.styles[fallback]


def _heading_style(doc: DocxDocument, level: int) -> Any:
    """``Heading N``, added (with its outline level) when a template lacks it."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt

    name = f"Heading {level}"
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.bold = True
        style.font.size = Pt(max(11, 18 - 2 * level))
        ppr = style.element.get_or_add_pPr()
        outline = ppr.makeelement(qn("w:outlineLvl"), {qn("w:val"): str(level - 1)})
        ppr.append(outline)
        return style


def _add_runs(par: Any, runs: list[Run], size: float | None = None) -> None:
    from docx.shared import Pt, RGBColor

    for r in runs:
        run = par.add_run(_clean(r.text))
        run.bold = r.bold or None
        run.italic = r.italic or None
        if r.tone:
            run.font.color.rgb = RGBColor.from_string(TONE_TEXT[r.tone].lstrip("#").upper())
        elif r.muted:
            run.font.color.rgb = RGBColor.from_string(MUTED)
        if size:
            run.font.size = Pt(size)


def _repeat_header(row: Any) -> None:
    """Mark a table row as the header that repeats at the top of each page."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _cell_text(cell: Cell) -> list[Run]:
    return [Run(cell)] if isinstance(cell, str) else cell


def _table(doc: DocxDocument, t: Table, usable_cm: float) -> None:
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style = _style(doc, "Table Grid", "Normal Table") if _has(doc, "Table Grid") else None
    # Compact on a landscape page (the one-page summary), else small or normal.
    compact = t.small and usable_cm > 20
    size = (6.5 if compact else 8.0) if t.small else 9.5
    if compact:
        _cell_margins(table, side_twips=57)
    for cell, text in zip(table.rows[0].cells, t.headers, strict=True):
        _add_runs(cell.paragraphs[0], [Run(text, bold=True)], size)
        _shade(cell, "F1F3F5")
    _repeat_header(table.rows[0])
    for i, row in enumerate(t.rows):
        cells = table.add_row().cells
        for j, (cell, value) in enumerate(zip(cells, row, strict=True)):
            if j == t.spark_col and i < len(t.sparks):
                from pdsa_tui.report.paper_typst import svg_png

                text = "".join(r.text for r in _cell_text(value))
                shape = (
                    cell.paragraphs[0]
                    .add_run()
                    .add_picture(io.BytesIO(svg_png(t.sparks[i], 2.6, 200)), width=Cm(2.0))
                )
                _alt(shape, f"Trend: {text}")
                continue
            _add_runs(cell.paragraphs[0], _cell_text(value), size)
    widths = t.widths or [1.0] * len(t.headers)
    total = sum(widths)
    for row in table.rows:  # tight rows: no paragraph spacing inside cells
        for cell in row.cells:
            for par in cell.paragraphs:
                par.paragraph_format.space_after = Pt(0)
    # Word reads each cell's width, LibreOffice the table grid: set both.
    table.autofit = False
    for column, w in zip(table.columns, widths, strict=True):
        column.width = Cm(usable_cm * w / total)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(usable_cm * w / total)


def _cell_margins(table: Any, side_twips: int) -> None:
    """Narrow left and right cell margins (Word's default, 0.19 cm, wraps short headers)."""
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    mar = tblpr.makeelement(qn("w:tblCellMar"), {})
    for side, twips in (("top", 0), ("left", side_twips), ("bottom", 0), ("right", side_twips)):
        mar.append(mar.makeelement(qn(f"w:{side}"), {qn("w:w"): str(twips), qn("w:type"): "dxa"}))
    # Word wants tblPr's children in schema order: tblCellMar comes before tblLook.
    later = [tblpr.find(qn(f"w:{n}")) for n in ("tblLook", "tblCaption", "tblDescription")]
    successor = next((el for el in later if el is not None), None)
    if successor is not None:
        successor.addprevious(mar)
    else:
        tblpr.append(mar)


def _has(doc: DocxDocument, name: str) -> bool:
    try:
        doc.styles[name]
    except KeyError:
        return False
    return True


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    tcpr.append(tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): fill}))


def _alt(shape: Any, text: str) -> None:
    """Set a picture's alt text (``descr``, what screen readers and Word's Alt Text show)."""
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", _clean(text))
    doc_pr.set("title", _clean(text[:80]))


def _svg_blip(doc: DocxDocument, shape: Any, svg: str, n: int) -> None:
    """Add the SVG itself to the picture (Office's svgBlip extension), the PNG its fallback."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn

    part = Part(
        PackURI(f"/word/media/pdsa-chart-{n}.svg"),
        "image/svg+xml",
        svg.encode("utf-8"),
        doc.part.package,
    )
    rid = doc.part.relate_to(part, RT.IMAGE)
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    ext_lst = blip.makeelement(qn("a:extLst"), {})
    ext = ext_lst.makeelement(qn("a:ext"), {"uri": SVG_EXT_URI})
    svg_blip = ext.makeelement(f"{{{SVG_NS}}}svgBlip", {qn("r:embed"): rid})
    ext.append(svg_blip)
    ext_lst.append(ext)
    blip.append(ext_lst)


def _callout(doc: DocxDocument, c: Callout) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    stroke, fill = (x.lstrip("#").upper() for x in TONE_COLOURS.get(c.tone, TONE_COLOURS["none"]))
    symbol, word = TONE_WORDS.get(c.tone, TONE_WORDS["none"])
    lines = [[Run(f"{symbol} {word}", bold=True, tone=c.tone), Run(f": {c.title}", bold=True)]]
    if c.note:
        lines.append([Run(c.note, muted=True)])
    lines += [[Run(x)] for x in c.lines]
    for k, runs in enumerate(lines):
        par = doc.add_paragraph()
        _add_runs(par, runs, 9.0 if k == 1 and c.note else None)
        ppr = par._p.get_or_add_pPr()
        bdr = ppr.makeelement(qn("w:pBdr"), {})
        bdr.append(
            bdr.makeelement(
                qn("w:left"),
                {
                    qn("w:val"): "single",
                    qn("w:sz"): "24",
                    qn("w:space"): "6",
                    qn("w:color"): stroke,
                },
            )
        )
        ppr.append(bdr)
        ppr.append(ppr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:fill"): fill}))
        par.paragraph_format.space_after = Pt(0 if k < len(lines) - 1 else 8)
        par.paragraph_format.left_indent = Pt(6)


def _page_field(par: Any, instr: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for kind, text in (
        ("begin", None),
        (None, instr),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = par.add_run()
        run.font.size = Pt(8)
        if kind is not None:
            run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
        elif text == instr:
            el = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = f" {instr} "
            run._r.append(el)
        else:
            run.text = text or ""


def _furniture(doc: DocxDocument, paper: Paper) -> None:
    """The programme's name in the header, 'Page N of M' and the export stamp in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    sec = doc.sections[0]
    header = sec.header
    par = header.add_paragraph() if any(p.text for p in header.paragraphs) else header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _add_runs(par, [Run(paper.header, muted=True)], 8.0)
    footer = sec.footer
    par = footer.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    stamp = f"Exported {day(paper.exported.date())} at {paper.exported:%H:%M} by pdsa {__version__}"
    _add_runs(par, [Run(f"{stamp} · Page ", muted=True)], 8.0)
    _page_field(par, "PAGE")
    _add_runs(par, [Run(" of ", muted=True)], 8.0)
    _page_field(par, "NUMPAGES")


def _orient(sec: Any, landscape: bool, portrait: tuple[Any, ...]) -> None:
    """Turn section ``sec`` to A4 landscape (narrow margins) or back to portrait."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    if sec.page_width is None or sec.page_height is None:
        return
    wide = sec.page_width > sec.page_height
    if wide != landscape:
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    margins = (Cm(1.2), Cm(1.2), Cm(1.0), Cm(1.0)) if landscape else portrait
    for side, value in zip(
        ("left_margin", "right_margin", "top_margin", "bottom_margin"), margins, strict=True
    ):
        setattr(sec, side, value)
    if landscape:
        sec.header_distance = sec.footer_distance = Cm(0.4)


def _usable_cm(sec: Any) -> float:
    """The width between the margins, in cm."""
    from docx.shared import Cm

    width = sec.page_width or Cm(21.0)
    return float((width - (sec.left_margin or Cm(2.0)) - (sec.right_margin or Cm(2.0))) / 360000)


def render(paper: Paper, template: Path | None = None) -> bytes:
    """``paper`` as a .docx file's bytes (on ``template`` when given)."""
    from docx.shared import Cm, Pt

    doc = _open(template)
    sec = doc.sections[0]
    portrait = (sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin)
    if paper.landscape:
        _orient(sec, True, portrait)
        if template is None:  # a one-page summary: compact headings (a template keeps its own)
            for level, size in ((1, 15), (2, 9)):
                style = _heading_style(doc, level)
                style.font.size = Pt(size)
                style.paragraph_format.space_before = Pt(4)
                style.paragraph_format.space_after = Pt(2)
    usable = _usable_cm(sec)
    doc.core_properties.title = _clean(paper.title)
    doc.core_properties.subject = paper.kind
    doc.core_properties.author = f"pdsa {__version__}"
    _furniture(doc, paper)
    kicker = doc.add_paragraph()
    _add_runs(kicker, [Run(f"PDSA quality improvement · {paper.kind}", bold=True, muted=True)], 8)
    charts = 0
    first = True
    landscape = paper.landscape
    for b in paper.blocks:
        if isinstance(b, Heading):
            doc.add_paragraph(_clean(b.text), style=_heading_style(doc, min(b.level, 9)))
            if first and paper.subtitle:
                _add_runs(doc.add_paragraph(), [Run(paper.subtitle)], 9 if paper.landscape else 11)
            first = False
        elif isinstance(b, Para):
            _add_runs(
                doc.add_paragraph(),
                [Run(r.text, r.bold, r.italic, r.tone, r.muted or b.note) for r in b.runs],
                (7 if landscape else 8.5) if b.note else None,
            )
        elif isinstance(b, Bullets):
            for item in b.items:
                _add_runs(doc.add_paragraph(style=_style(doc, "List Bullet")), item)
        elif isinstance(b, Table):
            _table(doc, b, usable)
            gap = doc.add_paragraph().paragraph_format  # keeps two tables apart, barely
            gap.space_after, gap.line_spacing = Pt(0), Pt(6)
        elif isinstance(b, Chart):
            from pdsa_tui.report.paper_typst import svg_png

            charts += 1
            chart_cm = min(b.width_cm, usable)
            shape = (
                doc.add_paragraph()
                .add_run()
                .add_picture(io.BytesIO(svg_png(b.svg, chart_cm)), width=Cm(chart_cm))
            )
            _alt(shape, b.alt)
            _svg_blip(doc, shape, b.svg, charts)
        elif isinstance(b, Callout):
            _callout(doc, b)
        elif isinstance(b, Orientation):
            from docx.enum.section import WD_SECTION

            sec = doc.add_section(WD_SECTION.NEW_PAGE)
            _orient(sec, b.landscape, portrait)
            landscape = b.landscape
            usable = _usable_cm(sec)
        elif isinstance(b, PageBreak):
            from docx.enum.text import WD_BREAK

            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
