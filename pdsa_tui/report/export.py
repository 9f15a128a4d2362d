"""Exports for meetings and governance: aim reports and cycle summaries in four formats.

Public API (used by the TUI and by ``pdsa export``)::

    from pdsa_tui.report.export import export_text, write_export, FORMATS, default_filename

    text = export_text(store, aim=aim, fmt="html")     # or cycle=, idea=, all=True
    write_export(Path("aim-2.html"), text)             # refuses to overwrite unless force

Formats: ``md`` (Markdown), ``html`` (one self-contained printable file), ``csv``
(one row per cycle, UTF-8 with a byte-order mark for Excel) and ``json`` (every
field of every record, so they can be rebuilt). Nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from pdsa_tui.memory import paused_gc
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Record, dates
from pdsa_tui.report import content, markdown
from pdsa_tui.report.drivers_content import driver_records
from pdsa_tui.report.formats import FORMATS
from pdsa_tui.store import Store
from pdsa_tui.store.access import creation_mode
from pdsa_tui.store.files import atomic_write

#: Format key -> what it is, for menus and help.

#: Format key -> file name extension.
EXTENSIONS: dict[str, str] = {
    "md": ".md",
    "html": ".html",
    "csv": ".csv",
    "json": ".json",
    "docx": ".docx",
    "pdf": ".pdf",
}


def export_text(
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
) -> str:
    """The export of exactly one of ``aim``, ``cycle``, ``idea`` or ``all`` aims as ``fmt``.

    ``today`` (default: today) decides what needs attention; ``now`` stamps the
    export. Case references are left out unless ``include_cases`` (counts are always
    there). Raises ``ValueError`` for an unknown format or not exactly one scope.
    """
    text = _export(
        store, aim=aim, cycle=cycle, idea=idea, all=all, fmt=fmt, today=today, now=now,
        include_cases=include_cases, encoded=False,
    )  # fmt: skip
    assert isinstance(text, str)
    return text


def export_data(
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
) -> bytes:
    """:func:`export_text` encoded as UTF-8 (Markdown made as bytes, which is faster)."""
    data = _export(
        store, aim=aim, cycle=cycle, idea=idea, all=all, fmt=fmt, today=today, now=now,
        include_cases=include_cases, encoded=True,
    )  # fmt: skip
    return data if isinstance(data, bytes) else data.encode("utf-8")


# A whole programme's export makes objects by the million and frees few: see memory.py.
@paused_gc()
def _export(
    store: Store,
    *,
    aim: Aim | None,
    cycle: Cycle | None,
    idea: ChangeIdea | None,
    all: bool,
    fmt: str,
    today: dt.date | None,
    now: dt.datetime | None,
    include_cases: bool,
    encoded: bool,
) -> str | bytes:
    """The export as :func:`export_text` describes; Markdown as bytes when ``encoded``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format '{fmt}'; use one of: {', '.join(FORMATS)}")
    if fmt in ("docx", "pdf"):
        raise ValueError(f"{fmt} is not text: use pdsa_tui.report.papers.export_bytes")
    content.check_scope(aim=aim, cycle=cycle, idea=idea, all=all)
    stamp = now or dt.datetime.now().astimezone()
    if fmt in ("md", "html"):
        doc = content.build_document(
            store,
            aim=aim,
            cycle=cycle,
            idea=idea,
            all=all,
            today=today,
            now=stamp,
            include_cases=include_cases,
        )
        if fmt == "md":
            return markdown.render_bytes(doc) if encoded else markdown.render(doc)
        from pdsa_tui.report import html  # each format's module loads only when used

        return html.render(doc)
    aims, measures, ideas, cycles, feedback = content.scope_records(
        store, aim=aim, cycle=cycle, idea=idea, all=all
    )
    if fmt == "csv":
        from pdsa_tui.report import csvout

        return csvout.render(aims, ideas, cycles, feedback)
    from pdsa_tui.report import jsonout

    scope = aim or cycle or idea
    return jsonout.render(
        kind="all" if all else _kind(scope),
        scope_id=scope.id if scope is not None else None,
        exported=stamp,
        aims=aims,
        measures=measures,
        ideas=ideas,
        cycles=cycles,
        feedback=feedback,
        extra=driver_records(store, aims, ideas) if aim is not None or all else None,
        cases=store.all(Case),
        today=today,
        include_cases=include_cases,
        default_rules=store.default_rules(),
    )


def _kind(record: Record | None) -> str:
    return {Aim: "aim", Cycle: "cycle", ChangeIdea: "idea"}.get(type(record), "all")


def write_export(path: Path, text: str | bytes, *, force: bool = False) -> Path:
    """Write ``text`` (UTF-8; bytes as they are) to ``path`` atomically; return the path.

    Refuses an existing file (``FileExistsError``) unless ``force``. The write goes
    through a temporary file in the same folder, so a failure (``OSError``) leaves
    neither a half-written export nor a temporary file behind. A new file follows
    its folder, as a new database does: owner-only in pdsa's private folder, else
    the umask's mode and the folder's group, so a pack saved in the group's folder
    is the group's to read. An overwritten file keeps its permissions.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; give a file name for the export")
    exists = path.exists() or path.is_symlink()
    if exists and not force:
        raise FileExistsError(f"{path} already exists; choose another name or overwrite it")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"the folder {path.parent} does not exist")
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    atomic_write(path, data, mode=None if exists else creation_mode(path))
    return path


def slug(text: str, most: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:most].rstrip("-")


def default_filename(
    record: Aim | Cycle | ChangeIdea | None, fmt: str, *, today: dt.date | None = None
) -> str:
    """A file name for an export, e.g. ``aim-2-report-2025-01-31.html``.

    ``record`` is the aim, cycle or change idea exported, or None for all aims.
    Only ASCII letters, digits and hyphens are used, so the name works anywhere.
    """
    if fmt not in EXTENSIONS:
        raise ValueError(f"unknown export format '{fmt}'; use one of: {', '.join(FORMATS)}")
    stamp = (today or dates.today()).isoformat()
    if isinstance(record, Aim):
        stem = f"{slug(record.code) or 'aim'}-report"
    elif isinstance(record, Cycle):
        stem = "-".join(x for x in ("cycle", str(record.number), slug(record.objective, 30)) if x)
    elif isinstance(record, ChangeIdea):
        stem = "-".join(x for x in ("idea", slug(record.title, 40)) if x)
    else:
        stem = "pdsa-programme-report"
    return f"{stem}-{stamp}{EXTENSIONS[fmt]}"
