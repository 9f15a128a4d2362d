"""The export formats, in a module of their own so the CLI can list them cheaply."""

from __future__ import annotations

#: Format name -> what it is, in the order the help lists them.
FORMATS: dict[str, str] = {
    "md": "Markdown",
    "html": "HTML (printable, self-contained)",
    "csv": "CSV (one row per cycle)",
    "json": "JSON (every record, re-importable)",
}
