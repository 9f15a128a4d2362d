"""A measure's data: its points and its cases, each batch saved all or none.

:class:`MeasureData` (reached as ``store.measure_data``) works through the store's
public methods (``get``, ``save``, ``cases``, ``transaction``), like
:class:`~pdsa_tui.store.versions.Versions`: the store keeps opening, saving and
queries, and this keeps the rules of a measure's data entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from pdsa_tui.model import (
    Case,
    DataPoint,
    FieldError,
    Measure,
    Record,
    ValidationError,
    ref_key,
)
from pdsa_tui.store.errors import NotFoundError

R = TypeVar("R", bound=Record)


class SavingStore(Protocol):
    """What :class:`MeasureData` needs of a store: reading, saving, one transaction."""

    user: str

    def get(self, cls: type[R], record_id: str) -> R: ...
    def save(self, record: R) -> R: ...
    def cases(self, measure_id: str | None = None) -> list[Case]: ...
    def transaction(self) -> AbstractContextManager[None]: ...


def with_points(measure: Measure, points: Iterable[DataPoint]) -> Measure:
    """``measure`` with ``points`` added among its own, in date order (not saved)."""
    return dataclasses.replace(
        measure, points=sorted([*measure.points, *points], key=lambda p: p.date)
    )


class MeasureData:
    """Adding, changing and removing a measure's points and cases in one store."""

    __slots__ = ("store",)

    def __init__(self, store: SavingStore) -> None:
        self.store = store

    # -- data points ---------------------------------------------------------
    def add_points(self, measure: Measure, points: Iterable[DataPoint]) -> Measure:
        """Add points to a measure in one save (all or none); return the saved measure."""
        store = self.store
        current = store.get(Measure, measure.id)
        new = [dataclasses.replace(p, updated_by=store.user) for p in points]
        errors = [e for p in new for e in p.validate(current.unit)]
        if errors:
            raise ValidationError(errors)
        return store.save(with_points(current, new))

    def add_point(self, measure: Measure, point: DataPoint) -> Measure:
        """Add one point to a measure."""
        return self.add_points(measure, [point])

    def update_point(self, measure: Measure, point: DataPoint) -> Measure:
        """Replace the point with ``point.id``."""
        store = self.store
        current = store.get(Measure, measure.id)
        if not any(p.id == point.id for p in current.points):
            raise NotFoundError(f"measure '{current.name}' has no point {point.id}")
        point = dataclasses.replace(point, updated_by=store.user)
        pts = sorted(
            (point if p.id == point.id else p for p in current.points), key=lambda p: p.date
        )
        return store.save(dataclasses.replace(current, points=pts))

    def delete_point(self, measure: Measure, point_id: str) -> Measure:
        """Remove the point with ``point_id`` (the measure's history keeps it)."""
        store = self.store
        current = store.get(Measure, measure.id)
        pts = [p for p in current.points if p.id != point_id]
        if len(pts) == len(current.points):
            raise NotFoundError(f"measure '{current.name}' has no point {point_id}")
        return store.save(dataclasses.replace(current, points=pts))

    # -- cases ------------------------------------------------------------------------
    def save_cases(self, measure: Measure, cases: Iterable[Case]) -> list[Case]:
        """Save cases of a case measure in one save (all or none); return what was stored.

        A reference may be used by one case of a measure only: a case whose reference
        belongs to another case of the measure is refused (:class:`ValidationError`).
        """
        store = self.store
        current = store.get(Measure, measure.id)
        if not current.cases:
            raise ValidationError(
                [
                    FieldError(
                        "measure",
                        "Measure",
                        f"'{current.name}' is a measure of typed points, not of cases",
                    )
                ]
            )
        batch = [dataclasses.replace(c, measure_id=current.id) for c in cases]
        owners = {ref_key(c.ref): c.id for c in store.cases(current.id)}
        for c in batch:
            key = ref_key(c.ref)
            if owners.get(key, c.id) != c.id:
                raise ValidationError(
                    [
                        FieldError(
                            "ref",
                            "Reference",
                            f"'{c.ref.strip()}' is already a case of '{current.name}'; "
                            "edit that case instead",
                        )
                    ]
                )
            owners[key] = c.id
        errors = [e for c in batch for e in c.validate()]
        if errors:
            raise ValidationError(errors)
        with store.transaction():
            return [store.save(c) for c in batch]

    def save_case(self, measure: Measure, case: Case) -> Case:
        """Save one case of a case measure (see :meth:`save_cases`)."""
        return self.save_cases(measure, [case])[0]
