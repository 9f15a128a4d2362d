"""Finding a record from what a person types: its name, its id, or the start of either."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from pdsa_tui.model.base import Record
from pdsa_tui.store.errors import NotFoundError

R = TypeVar("R", bound=Record)


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


def _listed(names: list[str], most: int = 8) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def find_named(records: Mapping[str, R], text: str, names: Iterable[tuple[R, str]], what: str) -> R:
    """The one record ``text`` names: by id, by name (any case and spacing), by a unique
    id prefix (4+ characters) or a unique name start. ``names`` pairs each record with
    its name, in the order to list them; ``what`` is the noun for messages.

    Raises :class:`NotFoundError` saying which names are known, or which ids to give
    when two records share the name.
    """
    key = text.strip()
    if key in records:
        return records[key]
    items = list(names)
    folded = _folded(key)
    exact = [r for r, n in items if _folded(n) == folded]
    if len(exact) == 1:
        return exact[0]
    by_id = [r for r, _ in items if len(key) >= 4 and r.id.startswith(key)]
    if len(by_id) == 1:
        return by_id[0]
    prefix = [(r, n) for r, n in items if folded and _folded(n).startswith(folded)]
    if len(prefix) == 1 and not exact:
        return prefix[0][0]
    if len(exact) > 1:
        raise NotFoundError(
            f"more than one {what} is called '{text}'; give its id instead "
            f"({', '.join(r.id for r in exact)})"
        )
    if len(prefix) > 1 and any(n != r.id for r, n in prefix):
        raise NotFoundError(
            f"'{text}' starts the names of {len(prefix)} {what}s "
            f"({_listed([n for _, n in prefix])}); give more of the name"
        )
    ids = by_id or [r for r, _ in prefix]
    if len(ids) > 1:
        raise NotFoundError(
            f"'{text}' starts the ids of {len(ids)} {what}s "
            f"({_listed([r.id for r in ids])}); give more of the id"
        )
    known = ", ".join(f"'{n}'" for _, n in items[:8]) or "none yet"
    if len(items) > 8:
        known += f" and {len(items) - 8} more; 'pdsa list' shows them all"
    raise NotFoundError(f"no {what} '{text}' (known: {known})")
