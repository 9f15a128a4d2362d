"""Spread: each change idea's stage in each locality (pure functions over records)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pdsa_tui.model import ChangeIdea
from pdsa_tui.model.drivers import SPREAD_STAGES, SpreadEntry

#: Stages in order, for cycling through them in the TUI.
STAGE_ORDER = tuple(SPREAD_STAGES)


def fold(text: str) -> str:
    """A locality's name compared loosely (case and spacing ignored)."""
    return " ".join(text.lower().split())


def with_extra(localities: Sequence[str], more: Iterable[str]) -> list[str]:
    """``localities`` followed by any of ``more`` not already in it."""
    out = list(localities)
    known = {fold(x) for x in out}
    for place in more:
        if fold(place) not in known:
            known.add(fold(place))
            out.append(place)
    return out


def cell_stage(idea: ChangeIdea, locality: str, entries: Sequence[SpreadEntry]) -> str:
    """The idea's stage in ``locality``: recorded, else 'testing' where tested, else not tested."""
    for e in entries:
        if e.idea_id == idea.id and fold(e.locality) == fold(locality):
            return e.stage
    if any(fold(s) == fold(locality) for s in idea.settings):
        return "testing"
    return "not_tested"


@dataclass(frozen=True)
class SpreadRow:
    """One idea's row of the matrix: a stage per locality, in the matrix's order."""

    idea: ChangeIdea
    stages: tuple[str, ...]

    def count(self, stage: str) -> int:
        """How many localities are at ``stage``."""
        return self.stages.count(stage)


def spread_matrix(
    ideas: Sequence[ChangeIdea], localities: Sequence[str], entries: Sequence[SpreadEntry]
) -> list[SpreadRow]:
    """A row per idea (abandoned ones left out), a stage per locality."""
    return [
        SpreadRow(idea, tuple(cell_stage(idea, place, entries) for place in localities))
        for idea in ideas
        if idea.status != "abandoned"
    ]


def next_stage(stage: str) -> str:
    """The stage after ``stage``, wrapping round to not tested."""
    i = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else -1
    return STAGE_ORDER[(i + 1) % len(STAGE_ORDER)]


def tested_localities(idea: ChangeIdea, entries: Sequence[SpreadEntry]) -> list[str]:
    """Where the idea has been tested or taken further (settings and spread entries)."""
    places = list(idea.settings)
    more = [e.locality for e in entries if e.idea_id == idea.id and e.stage != "not_tested"]
    return with_extra(places, more)
