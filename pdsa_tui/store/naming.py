"""How stored records and values are named for people: titles, values on one line, labels.

Never an id: people read these. Used by history, conflicts and messages of every face.
"""

from __future__ import annotations

import json
from typing import Any

from pdsa_tui.model.base import FieldSpec
from pdsa_tui.model.dates import format_date, from_iso
from pdsa_tui.model.registry import RECORD_TYPES
from pdsa_tui.model.safetext import visible

TITLE_KEYS = (
    "code",
    "name",
    "title",
    "objective",
    "summary",
    "text",
    "reference",
    "ref",
    "locality",
    "statement",
)


def shown_value(value: Any, width: int = 0) -> str:
    """A stored value on one line, control characters made visible; cut to ``width`` if set."""
    if value is None:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = visible(text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", " "))
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def doc_title(doc: dict[str, Any]) -> str:
    """A short name for a record in lists (its code, name, title, case reference, date).

    Never its id: people read this.
    """
    for key in TITLE_KEYS:
        value = doc.get(key)
        if isinstance(value, str) and value.strip():
            return shown_value(" ".join(value.split()), 60)
    if isinstance(doc.get("number"), int):
        return f"cycle {doc['number']}"
    for key in ("date", "start", "since"):
        value = doc.get(key)
        if isinstance(value, str) and value:
            try:
                return f"of {format_date(from_iso(value))}"
            except ValueError:
                return f"of {shown_value(value, 20)}"
    return "untitled"


def day_of(stamp: str) -> str:
    """'04/12/2026' from a stored stamp ('' when it is not one)."""
    try:
        return format_date(from_iso(stamp[:10]))
    except ValueError:
        return ""


def field_label(table: str, name: str) -> str:
    """A field as its form labels it ('What happened'), not its stored name."""
    cls = RECORD_TYPES.get(table)
    if cls is not None:
        try:
            label = cls.spec(name).label
        except (KeyError, LookupError, ValueError):
            label = ""
        if label:
            return label
    return name.replace("_", " ").capitalize()


def text_spec(table: str, field_name: str) -> FieldSpec | None:
    """The spec of ``field_name`` (as :func:`conflict_field` names it) if it holds free text.

    Only text can be combined from two values; a date, choice, number, list or data
    point can only be kept as one of them.
    """
    cls = RECORD_TYPES.get(table)
    if cls is None:
        return None
    try:
        spec = cls.spec(field_name)
    except KeyError:
        return None
    return spec if spec.kind in ("text", "longtext") else None


__all__ = ["TITLE_KEYS", "day_of", "doc_title", "field_label", "shown_value", "text_spec"]
