"""The export formats, in a module of their own so the CLI can list them cheaply.

A file name's extension chooses the format (``report.html``); these helpers say which,
or why not, the same way for the command line and the app's export prompt.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

#: Format name -> what it is, in the order the help lists them.
FORMATS: dict[str, str] = {
    "md": "Markdown",
    "html": "HTML (printable, self-contained)",
    "csv": "CSV (one row per cycle)",
    "json": "JSON (every record, re-importable)",
    "docx": "Word",
    "pdf": "PDF (tagged, A4)",
}
#: What a format is also called, as ``--format`` or as an extension.
ALIASES = {"markdown": "md", "htm": "html", "word": "docx"}


def extensions_text(allowed: Iterable[str]) -> str:
    """``.md, .html, .csv or .json``."""
    exts = [f".{f}" for f in allowed]
    return exts[0] if len(exts) == 1 else f"{', '.join(exts[:-1])} or {exts[-1]}"


def normal_format(given: str, allowed: Iterable[str], what: str = "") -> str:
    """The format ``given`` names (``HTML``, ``.md``, ``markdown``); ValueError if not allowed.

    ``what`` names the export in the message ("the governance pack").
    """
    allowed = list(allowed)
    fmt = given.strip().lower().lstrip(".")
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in allowed:
        target = f" for {what}" if what else ""
        raise ValueError(f"unknown format '{given}'{target}; use one of: {', '.join(allowed)}")
    return fmt


def format_of(name: str, allowed: Iterable[str], what: str = "") -> str:
    """The format the extension of file ``name`` chooses, among ``allowed``.

    ValueError says what is wrong and which extensions are accepted (for ``what``).
    """
    allowed = list(allowed)
    path = PurePath(name.strip())
    suffix = path.suffix.lower()
    fmt = ALIASES.get(suffix.lstrip("."), suffix.lstrip("."))
    if suffix and fmt in allowed:
        return fmt
    accepted = extensions_text(allowed)
    target = f" for {what}" if what else ""
    if not suffix:
        raise ValueError(
            f"'{path.name}' has no extension to choose the format{target}; end it with {accepted}"
        )
    raise ValueError(
        f"'{path.name}': the extension {path.suffix} chooses no format{target}; "
        f"end the name with {accepted}"
    )
