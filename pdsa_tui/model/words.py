"""Finding records by their words: folded text, the words a stored record holds, matching.

Shared by the command palette's record search and the ``/`` filter on every list: a
query matches when each of its words is somewhere in the text (any order, any case,
accents ignored), so 'jose foster' finds 'Foster carer: José said...'.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

#: Stored keys that are bookkeeping, not words a person typed or reads (an id's digits
#: would make '3' match every record).
_NOT_WORDS = frozenset({"id", "rev", "created", "updated", "updated_by", "_conflicts"})


def fold(text: str) -> str:
    """``text`` for matching: casefolded, accents dropped ('José' -> 'jose')."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str) -> list[str]:
    """The folded words of a query ('  Foster  CARER ' -> ['foster', 'carer'])."""
    return fold(query).split()


def holds_all(words: Iterable[str], text: str) -> bool:
    """Whether folded ``text`` holds every one of the folded ``words``."""
    return all(w in text for w in words)


def doc_words(doc: dict[str, Any]) -> str:
    """Every word a stored record holds (nested lists and tasks too), folded, in one string.

    Ids and bookkeeping are left out. A reference ('C - 1042') is also held without its
    spacing, so 'c-1042' finds it however it was typed.
    """
    parts: list[str] = []
    for key, value in doc.items():
        if key in _NOT_WORDS or key.endswith("_id"):
            continue
        _collect(value, parts)
        if key == "ref" and isinstance(value, str):
            parts.append("".join(value.split()))
    return fold(" ".join(parts))


def _collect(value: Any, parts: list[str]) -> None:
    """Append the text in ``value`` (a string, number, list or dict) to ``parts``."""
    if isinstance(value, str):
        parts.append(value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        parts.append(f"{value:g}")
    elif isinstance(value, list):
        for item in value:
            _collect(item, parts)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_WORDS and not key.endswith("_id"):
                _collect(item, parts)
