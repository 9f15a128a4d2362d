"""Queries and small writes for the driver diagram, spread, evidence and change packages."""

from __future__ import annotations

import dataclasses

from pdsa_tui.model import ChangeIdea
from pdsa_tui.model.drivers import (
    ChangePackage,
    EvidenceReview,
    PrimaryDriver,
    SecondaryDriver,
    SpreadEntry,
)
from pdsa_tui.model.order import natural_key
from pdsa_tui.store.store import Store


def primary_drivers(store: Store, aim_id: str) -> list[PrimaryDriver]:
    """An aim's primary drivers, oldest first (the order they were added)."""
    found = [p for p in store.all(PrimaryDriver) if p.aim_id == aim_id]
    return sorted(found, key=lambda p: (p.created, natural_key(p.title)))


def secondary_drivers(store: Store, primary_id: str) -> list[SecondaryDriver]:
    """A primary driver's secondary drivers, oldest first."""
    found = [s for s in store.all(SecondaryDriver) if s.primary_id == primary_id]
    return sorted(found, key=lambda s: (s.created, natural_key(s.title)))


def driver_ideas(store: Store, secondary_id: str) -> list[ChangeIdea]:
    """The change ideas that work on a secondary driver, by title."""
    return [i for i in store.ideas() if i.driver_id == secondary_id]


def unlinked_ideas(store: Store, aim_id: str) -> list[ChangeIdea]:
    """An aim's change ideas not linked to any (existing) secondary driver."""
    known = {s.id for s in store.all(SecondaryDriver)}
    return [i for i in store.ideas(aim_id) if i.driver_id not in known]


def secondary_of(store: Store, idea: ChangeIdea) -> SecondaryDriver | None:
    """The secondary driver ``idea`` works on, if any."""
    return store.lookup(SecondaryDriver, idea.driver_id) if idea.driver_id else None


def link_driver(store: Store, idea: ChangeIdea, primary: str, secondary: str) -> ChangeIdea:
    """Link ``idea`` to the secondary driver titled ``secondary`` under ``primary``.

    Either driver is created when the aim has none of that title (any case).
    """

    def same(a: str, b: str) -> bool:
        return " ".join(a.lower().split()) == " ".join(b.lower().split())

    with store.transaction():
        p = next((d for d in primary_drivers(store, idea.aim_id) if same(d.title, primary)), None)
        if p is None:
            p = store.save(PrimaryDriver(aim_id=idea.aim_id, title=primary))
        s = next((d for d in secondary_drivers(store, p.id) if same(d.title, secondary)), None)
        if s is None:
            s = store.save(SecondaryDriver(primary_id=p.id, title=secondary))
        return store.save(dataclasses.replace(store.get(ChangeIdea, idea.id), driver_id=s.id))


def package_for(store: Store, idea_id: str) -> ChangePackage | None:
    """The idea's change package, if it has one (the newest, should there be two)."""
    found = [p for p in store.all(ChangePackage) if p.idea_id == idea_id]
    return max(found, key=lambda p: p.created) if found else None


def spread_entries(store: Store, idea_id: str | None = None) -> list[SpreadEntry]:
    """Recorded stages by locality (of one idea)."""
    return [s for s in store.all(SpreadEntry) if idea_id is None or s.idea_id == idea_id]


def evidence_reviews(store: Store, idea_id: str) -> list[EvidenceReview]:
    """The evidence reviews recorded on an idea, newest first."""
    found = [r for r in store.all(EvidenceReview) if r.idea_id == idea_id]
    return sorted(found, key=lambda r: (r.date, r.created), reverse=True)


def fold(text: str) -> str:
    """A locality's name compared loosely (case and spacing ignored)."""
    return " ".join(text.lower().split())


def localities(store: Store, *, with_recorded: bool = False) -> list[str]:
    """The programme's localities, in its order.

    Until the programme names them: every locality named in ideas' settings and
    spread entries. ``with_recorded`` adds localities that spread entries name
    but the programme does not (the matrix shows them, so nothing recorded hides).
    """
    programme = store.programme()
    names = [p for i in store.all(ChangeIdea) for p in i.settings]
    recorded = [e.locality for e in store.all(SpreadEntry)]
    if programme is not None and programme.localities:
        out = _unique(programme.localities)
        return _unique([*out, *recorded]) if with_recorded else out
    return sorted(_unique([*names, *recorded]), key=natural_key)


def _unique(names: list[str]) -> list[str]:
    """``names`` with spacing tidied, each once (the first spelling kept)."""
    seen: dict[str, str] = {}
    for place in names:
        seen.setdefault(fold(place), " ".join(place.split()))
    return list(seen.values())


def set_spread(store: Store, idea: ChangeIdea, locality: str, stage: str) -> SpreadEntry:
    """Record ``idea``'s stage in ``locality`` (updating the entry there is one)."""
    from pdsa_tui.model.dates import today

    for e in spread_entries(store, idea.id):
        if fold(e.locality) == fold(locality):
            return store.save(dataclasses.replace(e, stage=stage, since=today()))
    return store.save(SpreadEntry(idea_id=idea.id, locality=locality, stage=stage, since=today()))
