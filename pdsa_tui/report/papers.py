"""Every export as bytes in any format: Word and PDF board papers beside the text formats.

Public API (used by ``pdsa export`` and the app's export prompts)::

    data = export_bytes(store, aim=aim, fmt="docx")          # or cycle=, idea=, all=True
    data = pack_bytes(store, since=None, today=day, fmt="pdf")
    data = minutes_bytes(store, meeting, fmt="docx")
    data = package_bytes(store, idea, fmt="pdf")
    data = summary_bytes(store, fmt="html", today=day)

``template`` (Word only) is a council's own .docx. The heavy libraries (python-docx,
Typst) are imported inside the renderers, only when such a file is made.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from pdsa_tui.model import Aim, ChangeIdea, Cycle, dates
from pdsa_tui.model.programme import Meeting
from pdsa_tui.store import Store

if TYPE_CHECKING:  # a Markdown or HTML export never loads the papers' layout
    from pdsa_tui.report.paper import Paper

#: Formats drawn as board papers (bytes, not text).
PAPER_FORMATS = ("docx", "pdf")


def render_paper(paper: Paper, fmt: str, template: Path | None = None) -> bytes:
    """``paper`` as ``docx`` or ``pdf``."""
    if fmt == "docx":
        from pdsa_tui.report import paper_docx

        return paper_docx.render(paper, template)
    if fmt == "pdf":
        from pdsa_tui.report import paper_typst

        return paper_typst.render(paper)
    raise ValueError(f"board papers are docx or pdf, not '{fmt}'")


def programme_name(store: Store) -> str:
    """What every page's header says: the programme's name."""
    prog = store.programme()
    return prog.name if prog is not None and prog.name else "PACE programme"


def since_last_report(store: Store, today: dt.date) -> dt.date:
    """When "what changed" counts from: the last governance pack, else three months ago."""
    from pdsa_tui.report.answer import since_date

    prog = store.programme()
    return since_date(prog.report_since(today) if prog else None, today)


def export_bytes(
    store: Store,
    *,
    aim: Aim | None = None,
    cycle: Cycle | None = None,
    idea: ChangeIdea | None = None,
    all: bool = False,
    fmt: str,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    include_cases: bool = False,
    template: Path | None = None,
) -> bytes:
    """An aim report, every aim, a change idea or a cycle in any export format."""
    from pdsa_tui.report.export import export_data

    if fmt not in PAPER_FORMATS:
        return export_data(
            store,
            aim=aim,
            cycle=cycle,
            idea=idea,
            all=all,
            fmt=fmt,
            today=today,
            now=now,
            include_cases=include_cases,
        )
    from pdsa_tui.report.content import build_document
    from pdsa_tui.report.paper_build import document_paper

    day_ = today or dates.today()
    doc = build_document(
        store,
        aim=aim,
        cycle=cycle,
        idea=idea,
        all=all,
        today=day_,
        now=now,
        include_cases=include_cases,
    )
    paper = document_paper(doc, header=programme_name(store), since=since_last_report(store, day_))
    return render_paper(paper, fmt, template)


def pack_bytes(
    store: Store,
    *,
    since: dt.date | None,
    today: dt.date,
    fmt: str,
    now: dt.datetime | None = None,
    template: Path | None = None,
) -> bytes:
    """The governance pack in any of its formats."""
    from pdsa_tui.report.programme import pack_content, pack_text

    pack = pack_content(store, since=since, today=today, now=now)
    if fmt not in PAPER_FORMATS:
        return pack_text(pack, fmt).encode("utf-8")
    from pdsa_tui.report.paper_programme import pack_paper
    from pdsa_tui.report.summary import build_summary

    summary = build_summary(store, today=today, now=pack.exported)
    return render_paper(pack_paper(pack, summary), fmt, template)


def minutes_bytes(
    store: Store,
    meeting: Meeting,
    *,
    fmt: str,
    now: dt.datetime | None = None,
    template: Path | None = None,
) -> bytes:
    """One meeting's minutes in any of their formats."""
    from pdsa_tui.report.programme import minutes_text

    if fmt not in PAPER_FORMATS:
        return minutes_text(meeting, fmt, now=now).encode("utf-8")
    from pdsa_tui.report.paper_programme import minutes_paper

    stamp = now or dt.datetime.now().astimezone()
    return render_paper(
        minutes_paper(meeting, header=programme_name(store), now=stamp), fmt, template
    )


def package_bytes(
    store: Store,
    idea: ChangeIdea,
    *,
    fmt: str,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    template: Path | None = None,
) -> bytes:
    """A change package in any of its formats."""
    from pdsa_tui.report.drivers_render import package_text

    if fmt not in PAPER_FORMATS:
        return package_text(store, idea, fmt, today=today).encode("utf-8")
    from pdsa_tui.report.drivers_content import package_content
    from pdsa_tui.report.paper_programme import package_paper

    pc = package_content(store, idea, today or dates.today())
    stamp = now or dt.datetime.now().astimezone()
    return render_paper(package_paper(pc, header=programme_name(store), now=stamp), fmt, template)


def summary_bytes(
    store: Store,
    *,
    fmt: str,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    template: Path | None = None,
) -> bytes:
    """The one-page summary of every measure in any of its formats."""
    from pdsa_tui.report.summary import build_summary, render

    summary = build_summary(store, today=today or dates.today(), now=now)
    if fmt not in PAPER_FORMATS:
        return render(summary, fmt).encode("utf-8")
    from pdsa_tui.report.paper_programme import summary_paper

    return render_paper(summary_paper(summary), fmt, template)
