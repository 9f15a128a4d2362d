"""Content for the driver diagram, the spread matrix, evidence cards and change packages.

Built from the store, independent of any format (like :mod:`content`): the TUI
and the Markdown and HTML renderers draw the same trees and tables. Text is kept
exactly as typed; escaping is the renderer's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pdsa_tui.analysis.cases import live_measures
from pdsa_tui.analysis.evidence import EvidenceCard, evidence_card
from pdsa_tui.analysis.spread import SpreadRow, spread_matrix, tested_localities
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Record, dates
from pdsa_tui.model import choices as C
from pdsa_tui.model.drivers import (
    SPREAD_STAGES,
    ChangePackage,
    EvidenceReview,
    PrimaryDriver,
    SecondaryDriver,
    SpreadEntry,
)
from pdsa_tui.model.order import natural_key
from pdsa_tui.store import Store
from pdsa_tui.store.drivers import (
    evidence_reviews,
    localities,
    package_for,
    primary_drivers,
    secondary_drivers,
    secondary_of,
    spread_entries,
)

R = TypeVar("R", bound=Record)


def latest_cycle_text(cycles: list[Cycle]) -> str:
    """``Cycle 3: Adopt`` or ``Cycle 2 at Study``; ``no cycles yet``."""
    if not cycles:
        return "no cycles yet"
    c = max(cycles, key=lambda c: c.number)
    if c.decision:
        return f"Cycle {c.number}: {C.label(C.DECISIONS, c.decision)}"
    return f"Cycle {c.number} at {C.label(C.STAGES, c.stage)}"


@dataclass
class IdeaNode:
    """A change idea as a leaf of the driver diagram."""

    idea: ChangeIdea
    status: str
    latest: str


@dataclass
class SecondaryNode:
    """A secondary driver and the ideas working on it."""

    driver: SecondaryDriver
    ideas: list[IdeaNode]


@dataclass
class PrimaryNode:
    """A primary driver and its secondary drivers."""

    driver: PrimaryDriver
    secondaries: list[SecondaryNode]


@dataclass
class DriverTree:
    """One aim's driver diagram, with the ideas not yet linked to a driver."""

    aim: Aim
    primaries: list[PrimaryNode]
    unlinked: list[IdeaNode] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the aim has no drivers at all."""
        return not self.primaries


def idea_node(store: Store, idea: ChangeIdea) -> IdeaNode:
    """An idea with its status and latest cycle."""
    return IdeaNode(
        idea, C.label(C.IDEA_STATUSES, idea.status), latest_cycle_text(store.cycles(idea.id))
    )


def driver_tree(store: Store, aim: Aim) -> DriverTree:
    """The aim's driver diagram."""
    by_driver: dict[str, list[IdeaNode]] = {}
    for i in store.ideas(aim.id):
        by_driver.setdefault(i.driver_id, []).append(idea_node(store, i))
    primaries = []
    linked: set[str] = set()
    for p in primary_drivers(store, aim.id):
        secondaries = []
        for s in secondary_drivers(store, p.id):
            secondaries.append(SecondaryNode(s, by_driver.get(s.id, [])))
            linked.add(s.id)
        primaries.append(PrimaryNode(p, secondaries))
    unlinked = [n for key, nodes in by_driver.items() if key not in linked for n in nodes]
    unlinked.sort(key=lambda n: natural_key(n.idea.title))
    return DriverTree(aim, primaries, unlinked)


@dataclass
class SpreadTable:
    """Ideas by locality with the stage in each."""

    localities: list[str]
    rows: list[SpreadRow]

    @staticmethod
    def label(stage: str) -> str:
        """A stage's label."""
        return SPREAD_STAGES.get(stage, stage)


def spread_table(store: Store, aim: Aim | None = None) -> SpreadTable:
    """The spread matrix of one aim's ideas (or every idea)."""
    places = localities(store, with_recorded=True)
    ideas = store.ideas(aim.id if aim is not None else None)
    return SpreadTable(places, spread_matrix(ideas, places, spread_entries(store)))


def evidence_for(store: Store, idea: ChangeIdea) -> EvidenceCard:
    """The evidence card of ``idea`` from what the store holds."""
    cycles = store.cycles(idea.id)
    ids = {c.id for c in cycles}
    feedback = [f for f in store.feedback() if f.cycle_id in ids]
    aim = store.lookup(Aim, idea.aim_id)
    return evidence_card(
        idea,
        cycles,
        feedback,
        localities(store),
        aim,
        # As charted: a case measure with the points derived from its cases.
        live_measures(store.measures(idea.aim_id), store.all(Case), dates.today()),
        tested=tested_localities(idea, spread_entries(store)),
        default_rules=store.default_rules(),
    )


@dataclass
class PackageContent:
    """Everything a change package document shows."""

    idea: ChangeIdea
    aim: Aim | None
    package: ChangePackage
    driver: str
    spread: list[tuple[str, str]]
    evidence: EvidenceCard
    reviews: list[EvidenceReview]
    today: dt.date

    @property
    def audit_due(self) -> bool:
        """Whether the next self-audit is due (on or before today)."""
        return self.package.audit_due(self.today)


def package_content(store: Store, idea: ChangeIdea, today: dt.date) -> PackageContent:
    """The change package of ``idea`` (an empty one when none was written yet)."""
    package = package_for(store, idea.id) or ChangePackage(idea_id=idea.id)
    aim = store.lookup(Aim, idea.aim_id)
    table = spread_table(store, aim)
    row = next((r for r in table.rows if r.idea.id == idea.id), None)
    spread = (
        [
            (place, SPREAD_STAGES[stage])
            for place, stage in zip(table.localities, row.stages, strict=True)
        ]
        if row is not None
        else []
    )
    secondary = secondary_of(store, idea)
    primary = store.lookup(PrimaryDriver, secondary.primary_id) if secondary else None
    driver = " › ".join(d.title for d in (primary, secondary) if d is not None)
    return PackageContent(
        idea=idea,
        aim=aim,
        package=package,
        driver=driver,
        spread=spread,
        evidence=evidence_for(store, idea),
        reviews=evidence_reviews(store, idea.id),
        today=today,
    )


def driver_records(
    store: Store, aims: Sequence[Aim], ideas: Sequence[ChangeIdea]
) -> dict[str, list[Record]]:
    """The driver-diagram, evidence, spread and package records of ``aims`` and ``ideas``."""
    aim_ids = {a.id for a in aims}
    idea_ids = {i.id for i in ideas}
    primaries = [p for p in store.all(PrimaryDriver) if p.aim_id in aim_ids]
    primary_ids = {p.id for p in primaries}

    def of_ideas(cls: type[R]) -> list[Record]:
        found = [r for r in store.all(cls) if getattr(r, "idea_id", None) in idea_ids]
        return sorted(found, key=lambda r: (r.created, r.id))

    return {
        "primary_drivers": sorted(primaries, key=lambda r: (r.created, r.id)),
        "secondary_drivers": sorted(
            (s for s in store.all(SecondaryDriver) if s.primary_id in primary_ids),
            key=lambda r: (r.created, r.id),
        ),
        "evidence_reviews": of_ideas(EvidenceReview),
        "spread": of_ideas(SpreadEntry),
        "change_packages": of_ideas(ChangePackage),
    }
