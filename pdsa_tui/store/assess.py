"""Self-assessment rounds in the store: the current round, answering, starting the next."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from pdsa_tui.model import Answer, Assessment
from pdsa_tui.store.store import Store


def latest(store: Store) -> Assessment | None:
    """The newest assessment, or None."""
    found = store.assessments()
    return found[0] if found else None


def previous(store: Store) -> Assessment | None:
    """The assessment before the newest, or None."""
    found = store.assessments()
    return found[1] if len(found) > 1 else None


def start(store: Store, date: dt.date) -> Assessment:
    """Start a new dated round, carrying every answer of the latest round forward.

    The group then updates what changed; the earlier round stays as it was, so
    progress between the two shows.
    """
    before = latest(store)
    with store.transaction():
        new = store.save(Assessment(date=date))
        if before is not None:
            for ans in store.answers(before.id).values():
                store.save(
                    Answer(
                        assessment_id=new.id,
                        question=ans.question,
                        status=ans.status,
                        notes=ans.notes,
                        action=ans.action,
                        owner=ans.owner,
                        review=ans.review,
                    )
                )
    return new


def current(store: Store, today: dt.date) -> Assessment:
    """The round answers go into: the latest, or a new one dated ``today`` if there is none."""
    found = latest(store)
    return found if found is not None else start(store, today)


def set_answer(store: Store, assessment: Assessment, question: str, **fields: Any) -> Answer:
    """Save ``fields`` (status, notes, action, owner, review) for ``question`` in ``assessment``."""
    existing = store.answers(assessment.id).get(question)
    base = existing or Answer(assessment_id=assessment.id, question=question)
    return store.save(dataclasses.replace(base, **fields))
