"""Board papers: every export as Word and PDF, checked as a reader would get them.

Word files are opened with python-docx (headings, tables with a repeating header row, alt
text on every chart) and converted with LibreOffice headless; PDFs are checked with
poppler's pdfinfo (tagged, A4) and pdftotext (the headline on page 1). The tools are
Debian packages (libreoffice-writer-nogui, poppler-utils): tests needing one are skipped,
saying so, where it is absent.
"""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pdsa_tui.cli import main
from pdsa_tui.model.programme import Meeting
from pdsa_tui.report import papers
from pdsa_tui.store import Store

docx = pytest.importorskip("docx")

needs_poppler = pytest.mark.skipif(
    shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdfinfo, pdftotext) is not installed: apt-get install poppler-utils",
)
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed: apt-get install libreoffice-writer-nogui",
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pdsa_tui.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo") / "demo.json")


def _every_export(store: Store, fmt: str) -> dict[str, bytes]:
    """Each export kind as ``fmt``."""
    aim = store.find_aim("Aim 2")
    idea = store.find_idea("15-week timeline checklist reminder")
    cycle = store.cycles(idea.id)[0]
    meeting: Meeting = store.meetings()[0]
    return {
        "aim": papers.export_bytes(store, aim=aim, fmt=fmt),
        "all": papers.export_bytes(store, all=True, fmt=fmt),
        "cycle": papers.export_bytes(store, cycle=cycle, fmt=fmt),
        "idea": papers.export_bytes(store, idea=idea, fmt=fmt),
        "pack": papers.pack_bytes(store, since=None, today=store_today(), fmt=fmt),
        "minutes": papers.minutes_bytes(store, meeting, fmt=fmt),
        "package": papers.package_bytes(store, idea, fmt=fmt),
        "summary": papers.summary_bytes(store, fmt=fmt),
    }


def store_today():  # type: ignore[no-untyped-def]
    from pdsa_tui.model import dates

    return dates.today()


@pytest.fixture(scope="module")
def docx_files(demo_db: Path) -> dict[str, bytes]:
    with Store.open(demo_db, read_only=True) as store:
        return _every_export(store, "docx")


@pytest.fixture(scope="module")
def pdf_files(demo_db: Path) -> dict[str, bytes]:
    with Store.open(demo_db, read_only=True) as store:
        return _every_export(store, "pdf")


# -- Word ----------------------------------------------------------------------------------
def _doc(data: bytes):  # type: ignore[no-untyped-def]
    return docx.Document(io.BytesIO(data))


def _headings(d) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in d.paragraphs
        if p.style is not None and p.style.name.startswith("Heading ")
    ]


def test_every_export_is_a_word_file_with_real_headings(docx_files: dict[str, bytes]) -> None:
    titles = {
        "aim": "Aim 2: aim report",
        "all": "PDSA programme report",
        "pack": "Northshire PACE programme: governance pack",
        "summary": "Northshire PACE programme: summary of every measure",
        "package": "Change package: 15-week timeline checklist reminder",
    }
    for kind, data in docx_files.items():
        heads = _headings(_doc(data))
        assert heads and heads[0][0] == 1, kind
        if kind in titles:
            assert heads[0][1] == titles[kind]
        # Levels never skip down (the navigation pane's tree stays whole).
        levels = [lv for lv, _ in heads]
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), kind


def test_the_aim_report_opens_with_its_answer_and_admin_after(docx_files: dict[str, bytes]) -> None:
    heads = [t for _, t in _headings(_doc(docx_files["aim"]))]
    assert heads[1] == "Where this aim stands"
    assert heads.index("About this aim") > heads.index("Where this aim stands")
    assert heads.index("Measures") > heads.index("About this aim")
    text = "\n".join(p.text for p in _doc(docx_files["aim"]).paragraphs)
    assert (
        "% with permanence recommendation within 30 weeks: 83.3% in Jan 2020, "
        "short of the 85% target." in text
    )


def test_tables_have_a_header_row_that_repeats(docx_files: dict[str, bytes]) -> None:
    from docx.oxml.ns import qn

    for kind, data in docx_files.items():
        tables = _doc(data).tables
        assert tables, kind
        for t in tables:
            tr_pr = t.rows[0]._tr.trPr
            assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None, kind


def test_every_chart_has_alt_text_saying_its_verdict(docx_files: dict[str, bytes]) -> None:
    d = _doc(docx_files["aim"])
    pics = d.inline_shapes
    assert len(pics) >= 4
    alts = [p._inline.docPr.get("descr") for p in pics]
    assert all(alts)
    assert any(
        "Improvement: Signal (IHI shift): 10 points in a row above the median" in a for a in alts
    )
    # The SVG itself rides along for vector drawing (PNG fallback for older readers).
    names = zipfile.ZipFile(io.BytesIO(docx_files["aim"])).namelist()
    assert any(n.endswith(".svg") for n in names) and any(n.endswith(".png") for n in names)


def test_page_numbers_and_the_programme_in_header_and_footer(docx_files: dict[str, bytes]) -> None:
    d = _doc(docx_files["aim"])
    sec = d.sections[0]
    assert "Northshire PACE programme" in sec.header.paragraphs[0].text
    footer_xml = sec.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297  # A4


def test_the_summary_is_a4_landscape_in_word(docx_files: dict[str, bytes]) -> None:
    sec = _doc(docx_files["summary"]).sections[0]
    assert round(sec.page_width.mm) == 297 and round(sec.page_height.mm) == 210


def test_a_councils_template_keeps_its_header_and_styles(demo_db: Path, tmp_path: Path) -> None:
    from docx.shared import RGBColor

    tpl = docx.Document()
    tpl.sections[0].header.paragraphs[0].text = "Northshire Council logo"
    tpl.styles["Heading 1"].font.color.rgb = RGBColor(0x12, 0x34, 0x56)
    tpl.add_paragraph("Template placeholder body text")
    path = tmp_path / "council.docx"
    tpl.save(str(path))
    with Store.open(demo_db, read_only=True) as store:
        data = papers.summary_bytes(store, fmt="docx", template=path)
    d = _doc(data)
    header = [p.text for p in d.sections[0].header.paragraphs]
    assert header[0] == "Northshire Council logo" and "Northshire PACE programme" in header
    assert d.styles["Heading 1"].font.color.rgb == RGBColor(0x12, 0x34, 0x56)
    assert "Template placeholder body text" not in [p.text for p in d.paragraphs]


def test_a_bad_template_is_one_clear_line(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_text("not a zip")
    out = tmp_path / "s.docx"
    status = main(
        ["export", "--db", str(demo_db), "--summary", "-o", str(out), "--template", str(bad)]
    )
    err = capsys.readouterr().err
    assert status != 0 and "is not a Word .docx file" in err and "Traceback" not in err
    assert not out.exists()
    status = main(
        [
            "export",
            "--db",
            str(demo_db),
            "--summary",
            "-o",
            str(tmp_path / "s.pdf"),
            "--template",
            str(bad),
        ]
    )
    assert status == 2 and "--template goes with a Word export" in capsys.readouterr().err


@needs_soffice
def test_libreoffice_converts_each_word_file(docx_files: dict[str, bytes], tmp_path: Path) -> None:
    for kind in ("aim", "pack", "summary", "minutes", "package", "cycle"):
        (tmp_path / f"{kind}.docx").write_bytes(docx_files[kind])
    files = [
        str(tmp_path / f"{k}.docx")
        for k in ("aim", "pack", "summary", "minutes", "package", "cycle")
    ]
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            *files,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for kind in ("aim", "pack", "summary", "minutes", "package", "cycle"):
        pdf = tmp_path / "out" / f"{kind}.pdf"
        assert pdf.exists() and pdf.stat().st_size > 1000, kind
    if shutil.which("pdfinfo"):  # the Word summary, as LibreOffice lays it out, is one page
        assert "Pages:           1\n" in _pdfinfo(tmp_path / "out" / "summary.pdf")


# -- PDF -----------------------------------------------------------------------------------
def _pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


def _page1(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@needs_poppler
def test_every_pdf_is_tagged_a4_with_its_headline_on_page_1(
    pdf_files: dict[str, bytes], tmp_path: Path
) -> None:
    headlines = {
        "aim": "83.3% in Jan 2020, short of the 85% target",
        "all": "PDSA programme report",
        "pack": "Summary of every measure",
        "summary": "summary of every measure",
        "minutes": "Minutes:",
        "package": "Change package: 15-week timeline checklist reminder",
        "cycle": "Cycle 1 of",
        "idea": "Change idea: 15-week timeline checklist reminder",
    }
    for kind, data in pdf_files.items():
        assert data.startswith(b"%PDF"), kind
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(data)
        info = _pdfinfo(path)
        assert "Tagged:          yes" in info, kind
        assert "(A4)" in info, kind
        assert headlines[kind] in " ".join(_page1(path).split()), kind


@needs_poppler
def test_the_summary_fits_one_a4_landscape_page(
    pdf_files: dict[str, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf_files["summary"])
    info = _pdfinfo(path)
    assert "Pages:           1\n" in info
    assert "841.89 x 595.276 pts (A4)" in info  # landscape
    text = " ".join(_page1(path).split())
    for name in ("% with permanence recommendation", "Applications returned by the court"):
        assert name in text


def test_pdf_charts_stay_vectors(pdf_files: dict[str, bytes]) -> None:
    # Typst turns an SVG into PDF drawing operators: no raster image is embedded for charts.
    assert b"/Subtype /Image" not in pdf_files["aim"]
    assert b"/StructTreeRoot" in pdf_files["aim"]


def test_user_text_cannot_run_typst_code() -> None:
    from pdsa_tui.report.paper_typst import lit

    nasty = '"); #pagebreak() #("\\ \x07 end'
    assert lit(nasty) == '"\\"); #pagebreak() #(\\"\\\\ \u2407 end"'


# -- the command line ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json", "docx", "pdf"])
def test_export_summary_in_every_format(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"summary.{fmt}"
    assert main(["export", "--db", str(demo_db), "--summary", "-o", str(out)]) == 0
    assert "Wrote the summary of every measure" in capsys.readouterr().out
    data = out.read_bytes()
    if fmt in ("md", "html", "csv", "json"):
        text = data.decode("utf-8-sig")
        assert "% with permanence recommendation within 30 weeks" in text
        assert "83.3%" in text
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
    if fmt == "json":
        import json

        got = json.loads(data)
        m = got["aims"][1]["measures"][0]
        assert (m["latest"], m["period"], m["variation"]) == ("83.3%", "Jan 2020", "improvement")
        assert (m["cases_due"], m["cases_overdue"]) == (1, 0)


@pytest.mark.parametrize(
    "args",
    [
        ["--aim", "Aim 2"],
        ["--all"],
        ["--programme"],
        ["--change-package", "15-week timeline checklist reminder"],
    ],
)
def test_docx_and_pdf_by_extension_or_format(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    db = tmp_path / "demo.json"
    shutil.copy(demo_db, db)  # --programme records the pack's date
    for fmt in ("docx", "pdf"):
        by_ext = tmp_path / f"out.{fmt}"
        assert main(["export", "--db", str(db), *args, "-o", str(by_ext)]) == 0, fmt
        by_flag = tmp_path / f"out-{fmt}.bin"
        assert main(["export", "--db", str(db), *args, "--format", fmt, "-o", str(by_flag)]) == 0
        magic = b"PK" if fmt == "docx" else b"%PDF"
        assert by_ext.read_bytes()[:4].startswith(magic) and by_flag.read_bytes().startswith(magic)
    capsys.readouterr()


def test_minutes_as_word(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(demo_db, read_only=True) as store:
        mid = store.meetings()[0].id
    out = tmp_path / "minutes.docx"
    assert main(["export", "--db", str(demo_db), "--meeting", mid[:8], "-o", str(out)]) == 0
    heads = [t for _, t in _headings(_doc(out.read_bytes()))]
    assert heads[0].startswith("Minutes: ") and "Actions" in heads
    capsys.readouterr()
