"""Exports: content of every format for the demo programme and for hostile text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from pdsa_tui.model import Aim, ChangeIdea, Cycle, DataPoint, Feedback, Measure, Record, Task
from pdsa_tui.report import csvout
from pdsa_tui.report.export import FORMATS, default_filename, export_text, write_export
from pdsa_tui.store import Store

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 30, tzinfo=dt.UTC)

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "[bold]x[/]",
    "[link=http://x]y",
    "| pipe | here",
    "line one\nline two\n# not a heading",
    "emoji 🎉👍🏽",
    "Fàilte, Eilidh's team",
    "\tTabbed",
    "> not a quote",
    "&amp; not an entity",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}


def _hostile(k: int) -> str:
    return HOSTILE[k % len(HOSTILE)]


def _fill(record: Record, start: int) -> int:
    """Put hostile text in every text, longtext and list field of ``record``."""
    k = start
    for s in type(record).specs():
        if s.kind in ("text", "longtext"):
            setattr(record, s.name, _hostile(k))
            k += 1
        elif s.kind == "list" and s.name != "affects":  # roles: checked against known roles
            setattr(record, s.name, [_hostile(k), _hostile(k + 1)])
            k += 2
    return k


def build_hostile(store: Store) -> dict[str, Record]:
    """A programme whose every text field holds hostile or non-ASCII text."""
    aim = Aim(target_pct=80, cohort_from=dt.date(2019, 2, 1), deadline=dt.date(2019, 12, 1))
    k = _fill(aim, 0)
    aim = store.save(aim)
    measure = Measure(aim_id=aim.id, unit="percent", goal=80)
    k = _fill(measure, k)
    measure.points = [
        DataPoint(date=dt.date(2019, m, 1), numerator=n, denominator=10, note=_hostile(m))
        for m, n in zip(range(1, 13), [3, 4, 3, 5, 4, 6, 7, 7, 8, 8, 9, 8], strict=True)
    ]
    measure = store.save(measure)
    idea = ChangeIdea(aim_id=aim.id, status="testing")
    k = _fill(idea, k)
    idea = store.save(idea)
    cycle = Cycle(
        idea_id=idea.id,
        planned_start=dt.date(2019, 3, 1),
        planned_end=dt.date(2019, 4, 1),
        do_start=dt.date(2019, 3, 4),
        decision="adapt",
    )
    k = _fill(cycle, k)
    cycle.tasks = [Task(*(_hostile(k + j) for j in range(4))) for k in range(0, len(HOSTILE), 4)]
    cycle = store.save(cycle)
    second = Cycle(idea_id=idea.id, objective=HOSTILE[0])
    second = store.save(second)
    fbs = []
    for j, source in enumerate(("child", "foster_carer", "child")):
        fb = Feedback(cycle_id=cycle.id, date=dt.date(2019, 3, 10 + j), source=source)
        _fill(fb, j)
        fb.themes = [HOSTILE[4], HOSTILE[j]]
        fbs.append(store.save(fb))
    return {"aim": aim, "measure": measure, "idea": idea, "cycle": cycle, "second": second}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Store]:
    from pdsa_tui.demo import build_demo

    s = Store.open(tmp_path / "demo.json", create=True)
    build_demo(s, today=TODAY)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def hostile(store: Store) -> tuple[Store, dict[str, Record]]:
    return store, build_hostile(store)


def aim2(store: Store) -> Aim:
    return store.find_aim("Aim 2")


def text(store: Store, fmt: str, **scope: object) -> str:
    return export_text(store, fmt=fmt, today=TODAY, now=NOW, **scope)  # type: ignore[arg-type]


# -- API ---------------------------------------------------------------------------------
def test_formats_and_scope_errors(demo: Store) -> None:
    assert list(FORMATS) == ["md", "html", "csv", "json", "docx", "pdf"]
    with pytest.raises(ValueError, match="unknown export format"):
        export_text(demo, aim=aim2(demo), fmt="odt")
    with pytest.raises(ValueError, match="pdf is not text"):  # papers.export_bytes makes it
        export_text(demo, aim=aim2(demo), fmt="pdf")
    with pytest.raises(ValueError, match="exactly one"):
        export_text(demo, fmt="md")
    with pytest.raises(ValueError, match="exactly one"):
        export_text(demo, aim=aim2(demo), all=True, fmt="md")


def test_default_filename(demo: Store) -> None:
    aim = aim2(demo)
    cycle = demo.cycles_for_aim(aim.id)[0]
    idea = demo.ideas(aim.id)[0]
    assert default_filename(aim, "html", today=TODAY) == "aim-2-report-2026-11-22.html"
    assert default_filename(cycle, "md", today=TODAY).startswith("cycle-1-")
    assert default_filename(idea, "csv", today=TODAY).startswith("idea-")
    assert default_filename(None, "json", today=TODAY) == "pdsa-programme-report-2026-11-22.json"
    weird = Aim(code="Fàilte <x>/../..", statement="s")
    name = default_filename(weird, "md", today=TODAY)
    assert name == "failte-x-report-2026-11-22.md"


# -- Markdown ------------------------------------------------------------------------------
def test_markdown_aim_report_demo(demo: Store) -> None:
    aim = aim2(demo)
    md = text(demo, "md", aim=aim)
    assert md.startswith("# Aim 2: aim report\n")
    for heading in ("## The aim", "## What needs attention", "## Measures", "## Change ideas"):
        assert heading in md
    for m in demo.measures(aim.id):
        assert f"### {m.name}" in md
    assert md.count("```text") == len(demo.measures(aim.id))
    assert "What the chart says" in md
    for spec in Cycle.specs():
        assert f"**{spec.label}" in md, spec.label
    for spec in Aim.specs():
        assert f"**{spec.label}:**" in md
    cycles = demo.cycles_for_aim(aim.id)
    assert md.count("| Who | What | When | Where |") >= 1
    for c in cycles:
        idea = demo.get(ChangeIdea, c.idea_id)
        n = len(demo.cycles(idea.id))
        assert f"Cycle {c.number} of {n}" in md
    assert "| Cycle | Objective | Stage | Planned | Carried out | Decision |" in md
    assert "Practitioner (" in md  # feedback grouped by source role
    # A renderer sees the charts as code and the tables as tables.
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert html.count("<pre><code") == len(demo.measures(aim.id))
    assert "<table>" in html


def test_markdown_cycle_summary(demo: Store) -> None:
    aim = aim2(demo)
    cycle = next(c for c in demo.cycles_for_aim(aim.id) if demo.feedback(c.id))
    md = text(demo, "md", cycle=cycle)
    assert md.startswith(f"# Cycle {cycle.number} of ")
    for phase in ("## Plan", "## Do", "## Study", "## Act", "## Feedback ("):
        assert phase in md
    assert "**Aim:** Aim 2" in md


def test_markdown_hostile_text_is_literal(hostile: tuple[Store, dict[str, Record]]) -> None:
    store, recs = hostile
    md = text(store, "md", aim=recs["aim"])
    assert "<script>" not in md
    assert "\\<script\\>" in md
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[bold]x[/]" in html
    assert "[link=http://x]y" in html
    assert 'href="http://x"' not in html
    assert "<blockquote>" not in html.split("<h2>Cycle summaries</h2>")[0]
    # Only our own headings: "# not a heading" stays text.
    assert "<h1>not a heading" not in html and "# not a heading" in html
    assert "🎉👍🏽" in html
    assert "Fàilte, Eilidh's team" in html or "Fàilte, Eilidh&#39;s team" in html
    # Every table row has as many cells as its header.
    lines = md.splitlines()
    k = 0
    while k < len(lines):
        if lines[k].startswith("|") and k + 1 < len(lines) and lines[k + 1].startswith("|---"):
            width = _cells(lines[k])
            k += 2
            while k < len(lines) and lines[k].startswith("|"):
                assert _cells(lines[k]) == width, lines[k]
                k += 1
        k += 1


def _cells(row: str) -> int:
    count, escaped = 0, False
    for ch in row.strip():
        if ch == "|" and not escaped:
            count += 1
        escaped = ch == "\\" and not escaped
    return count - 1


# -- HTML ------------------------------------------------------------------------------------
class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.data: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def _figures(p: _Checker, page: str) -> int:
    """Inline SVG drawings other than the variation and assurance icons."""
    return p.tags.count("svg") - page.count('<span class="mdc-icon">')


def check_html(page: str) -> _Checker:
    p = _Checker()
    p.feed(page)
    p.close()
    assert not p.errors, p.errors[:5]
    assert not p.stack, p.stack
    assert "script" not in p.tags
    for name, value in p.attrs:
        assert not name.startswith("on"), name
        assert name not in ("src", "srcset"), name
        if name == "href":
            assert value is not None and value.startswith("#"), value
    assert "@import" not in page and "url(" not in page
    return p


def test_html_aim_report_demo(demo: Store) -> None:
    aim = aim2(demo)
    page = text(demo, "html", aim=aim)
    p = check_html(page)
    assert page.startswith("<!DOCTYPE html>")
    # A chart per measure, and the aim's driver diagram.
    assert _figures(p, page) == len(demo.measures(aim.id)) + 1
    assert page.count('<svg class="drivers"') == 1
    assert "Content-Security-Policy" in page
    assert "@media print" in page and "break-before: page" in page
    body = " ".join(p.data)
    for spec in Cycle.specs():
        assert spec.label in body, spec.label
    for c in demo.cycles_for_aim(aim.id):
        assert f"Cycle {c.number} of" in body
    assert "What needs attention" in body and "What the chart says" in body
    assert "Signal" in body  # the legend of a chart with signals
    assert 'class="signal"' in page


def test_html_every_aim_has_contents(demo: Store) -> None:
    page = text(demo, "html", all=True)
    p = check_html(page)
    assert _figures(p, page) == len(demo.measures()) + len(demo.aims())  # + driver diagrams
    assert page.count('<section class="aim">') == len(demo.aims())
    assert "Contents" in " ".join(p.data)


def test_html_hostile_text_is_escaped(hostile: tuple[Store, dict[str, Record]]) -> None:
    store, recs = hostile
    for scope in ({"aim": recs["aim"]}, {"cycle": recs["cycle"]}, {"idea": recs["idea"]}):
        page = text(store, "html", **scope)
        p = check_html(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        body = "".join(p.data)
        for h in HOSTILE:
            if h.strip() and "\n" not in h:
                assert h.strip() in body, h
        assert "Fàilte, Eilidh's team" in body and "🎉👍🏽" in body
    page = text(store, "html", aim=recs["aim"])
    assert _figures(check_html(page), page) == 1


# -- CSV ----------------------------------------------------------------------------------------
def read_csv(data: str) -> list[list[str]]:
    assert data.startswith("\ufeff")
    return list(csv.reader(io.StringIO(data[1:], newline="")))


def test_csv_one_row_per_cycle_demo(demo: Store) -> None:
    aim = aim2(demo)
    rows = read_csv(text(demo, "csv", aim=aim))
    header, body = rows[0], rows[1:]
    assert tuple(header) == csvout.COLUMNS
    assert header[:10] == [
        "aim_code", "aim_id", "idea_title", "idea_id", "idea_lead", "idea_status",
        "cycle_id", "cycle_number", "cycles_in_ramp", "stage",
    ]  # fmt: skip
    for name in ("objective", "next_steps", "decision", "feedback_count", "tasks"):
        assert name in header
    cycles = demo.cycles_for_aim(aim.id)
    assert len(body) == len(cycles)
    by_id = {r[header.index("cycle_id")]: dict(zip(header, r, strict=True)) for r in body}
    for c in cycles:
        row = by_id[c.id]
        assert row["aim_code"] == "Aim 2"
        assert row["cycle_number"] == str(c.number)
        assert row["stage"] == c.stage
        assert row["feedback_count"] == str(len(demo.feedback(c.id)))
        assert row["planned_start"] == (c.planned_start.isoformat() if c.planned_start else "")
    all_rows = read_csv(text(demo, "csv", all=True))
    assert len(all_rows) - 1 == demo.count(Cycle)


def test_csv_neutralises_formulas(hostile: tuple[Store, dict[str, Record]]) -> None:
    store, recs = hostile
    data = text(store, "csv", aim=recs["aim"])
    rows = read_csv(data)
    assert len(rows) == 3
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    flat = [cell for row in rows[1:] for cell in row]
    assert "'" + HOSTILE[0] in flat  # =HYPERLINK(...)
    assert any(c.startswith("'+1") or c.startswith("'-2") or c.startswith("'@SUM") for c in flat)
    assert "<script>alert(1)</script>" in data  # CSV is data, kept as typed
    assert "Fàilte, Eilidh's team" in data and "🎉👍🏽" in data
    assert data.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_csv_single_cycle(hostile: tuple[Store, dict[str, Record]]) -> None:
    store, recs = hostile
    rows = read_csv(text(store, "csv", cycle=recs["cycle"]))
    assert len(rows) == 2
    assert rows[1][rows[0].index("cycle_id")] == recs["cycle"].id


# -- JSON -----------------------------------------------------------------------------------------
def _round_trip(store: Store, data: str) -> None:
    doc = json.loads(data)
    assert doc["format"] == "pdsa-export" and doc["version"] == 1
    dt.datetime.fromisoformat(doc["exported"])
    for key, cls in (
        ("aims", Aim),
        ("measures", Measure),
        ("ideas", ChangeIdea),
        ("cycles", Cycle),
        ("feedback", Feedback),
    ):
        for item in doc[key]:
            rebuilt = cls.from_dict(item)
            assert rebuilt == store.get(cls, item["id"]), key


def test_json_round_trips_demo(demo: Store) -> None:
    aim = aim2(demo)
    data = text(demo, "json", aim=aim)
    doc = json.loads(data)
    assert len(doc["cycles"]) == len(demo.cycles_for_aim(aim.id))
    assert len(doc["measures"]) == len(demo.measures(aim.id))
    # A case measure stores no points: its analysis is of the points derived from its cases.
    assert all(m["points"] or m["cases"] for m in doc["measures"])
    assert all(doc["analyses"][m["id"]]["points"] for m in doc["measures"])
    assert set(doc["analyses"]) == {m.id for m in demo.measures(aim.id)}
    _round_trip(demo, data)
    everything = json.loads(text(demo, "json", all=True))
    assert len(everything["feedback"]) == demo.count(Feedback)
    _round_trip(demo, text(demo, "json", all=True))


def test_json_round_trips_hostile(hostile: tuple[Store, dict[str, Record]]) -> None:
    store, recs = hostile
    for scope in ({"aim": recs["aim"]}, {"cycle": recs["cycle"]}, {"idea": recs["idea"]}):
        data = text(store, "json", **scope)
        assert "🎉👍🏽" in data and "Fàilte" in data
        _round_trip(store, data)
    doc = json.loads(text(store, "json", cycle=recs["cycle"]))
    assert doc["scope"] == {"kind": "cycle", "id": recs["cycle"].id}
    assert [c["id"] for c in doc["cycles"]] == [recs["cycle"].id]
    assert len(doc["feedback"]) == 3


def test_idea_export_has_ramp_and_cycles(hostile: tuple[Store, dict[str, Record]]) -> None:
    store, recs = hostile
    md = text(store, "md", idea=recs["idea"])
    assert md.startswith("# Change idea: ")
    assert "Ramp of PDSA cycles" in md
    assert "### Cycle 1 of 2" in md and "### Cycle 2 of 2" in md


# -- writing --------------------------------------------------------------------------------------
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_export_follows_its_folder_and_is_private_in_pdsas_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask: int
) -> None:
    from pdsa_tui.store import access

    private = tmp_path / "private"
    private.mkdir()
    monkeypatch.setattr(access, "private_folder", lambda: private)
    old = os.umask(umask)
    try:
        shared = write_export(tmp_path / "pack.md", "x\n")
        mine = write_export(private / "pack.md", "x\n")
        kept = tmp_path / "kept.md"
        kept.write_text("old\n")
        os.chmod(kept, 0o640)
        write_export(kept, "new\n", force=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o666 & ~umask  # as any editor's file
    assert stat.S_IMODE(mine.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


def test_write_export_refuses_overwrite_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "out.md"
    assert write_export(path, "first 🎉\n") == path
    assert path.read_text(encoding="utf-8") == "first 🎉\n"
    with pytest.raises(FileExistsError, match="already exists"):
        write_export(path, "second\n")
    assert path.read_text(encoding="utf-8") == "first 🎉\n"
    write_export(path, "second\n", force=True)
    assert path.read_text(encoding="utf-8") == "second\n"
    with pytest.raises(IsADirectoryError):
        write_export(tmp_path, "x", force=True)
    with pytest.raises(FileNotFoundError):
        write_export(tmp_path / "missing" / "x.md", "x")


def test_write_error_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", broken)
    with pytest.raises(OSError, match="No space"):
        write_export(tmp_path / "out.html", "<p>x</p>")
    assert list(tmp_path.iterdir()) == []


def test_write_error_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.csv"
    write_export(path, "old\n")

    def broken(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_export(path, "new\n", force=True)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_export_data_is_export_text_encoded(
    demo: Store, hostile: tuple[Store, dict[str, Record]]
) -> None:
    """Markdown made as bytes (the faster path `pdsa export` takes) is the text, encoded."""
    from pdsa_tui.report.export import export_data

    for store in (demo, hostile[0]):
        for fmt in FORMATS:
            if fmt in ("docx", "pdf"):
                continue
            for scope in ({"all": True}, {"aim": store.aims()[0]}, {"cycle": store.all(Cycle)[0]}):
                data = export_data(store, fmt=fmt, today=TODAY, now=NOW, **scope)  # type: ignore[arg-type]
                assert data == text(store, fmt, **scope).encode("utf-8")
