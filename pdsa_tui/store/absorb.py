"""Merging sync services' conflict copies of a programme into the open one, in memory.

Each copy beside the file that carries this programme's identity is checked like any
file from outside, merged three-way (:func:`merge_offline`) and logged in the file; the
store then saves and moves the copies into the kept folder (:func:`copies.keep`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from pathlib import Path
from typing import Any

from pdsa_tui.memory import paused_gc
from pdsa_tui.model.dates import now_stamp
from pdsa_tui.store import copies
from pdsa_tui.store.checks import incoming_problem, load_copy
from pdsa_tui.store.errors import StoreError
from pdsa_tui.store.merge import merge_offline, revs
from pdsa_tui.valueclass import value_class


@value_class
class Absorbed:
    """What merging the conflict copies did, each copy with the line that tells it."""

    #: Copies that brought changes: to be kept once the merge is saved.
    taken: list[tuple[copies.Found, str]] = field(default_factory=list)
    #: Copies with nothing new: kept now, and nothing saved (a save would fork the file again).
    unchanged: list[tuple[copies.Found, str]] = field(default_factory=list)
    #: The records the merge changed in memory, as ``(table, id)``.
    changed: set[tuple[str, str]] = field(default_factory=set)
    #: Lines for copies that could not be merged (each said once: see ``refused``).
    refused: list[str] = field(default_factory=list)


def _told(changes: int, conflicts: int, f: copies.Found) -> str:
    return (
        f"Merged a conflicting copy made by {f.describe()}: "
        f"{changes} change{'' if changes == 1 else 's'}, "
        f"{conflicts} conflict{'' if conflicts == 1 else 's'}"
    )


def merge_copies(
    path: Path, data_of: Callable[[], dict[str, Any]], user: str, refused: set[str]
) -> Absorbed:
    """Merge every conflict copy of its programme beside ``path`` into ``data_of()``.

    The data is asked for only when there are copies to look at. ``refused`` holds the
    names of copies already reported as unmergeable (a refusal is said once); it gains
    any new ones. Other programmes' files are never touched.
    """
    got = Absorbed()
    found = list(copies.conflict_names(path))
    if not found:
        return got
    data = data_of()
    mine = copies.identity_of(data)
    for f in found:
        try:
            theirs = load_copy(f.path)
        except (StoreError, OSError):
            continue  # not a pdsa file, or not readable: not ours to touch
        if copies.identity_of(theirs) != mine:
            continue  # another programme's file, whatever its name
        problem = incoming_problem(theirs, revs(data))
        if problem:
            if f.path.name not in refused:
                refused.add(f.path.name)
                got.refused.append(
                    f"A conflicting copy made by {f.describe()} ({f.path.name}) was not "
                    f"merged: {problem}. It is left where it is."
                )
            continue
        with paused_gc():
            result = merge_offline(data, theirs)
        text = _told(result.total, result.conflicts, f)
        if not result.changed:
            got.unchanged.append((f, text))
            continue
        copies.log_merge(
            data,
            {
                "file": f.path.name,
                "service": f.service,
                "who": f.who,
                "at": now_stamp(),
                "by": user,
                "changes": result.total,
                "conflicts": result.conflicts,
            },
        )
        got.changed.update(result.changed)
        got.taken.append((f, text))
    return got
