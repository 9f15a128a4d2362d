"""Every stored record type in one list: its table, what it belongs to, how people name it.

Each record class says what it is (``TABLE``, ``PARENT``, ``NOUN``, ``COUNTED``);
this module lists the classes, in the order the file and the store keep their
tables, and everything else (the store's index, migrations, checks, messages in
the app and on the command line) reads them from here. A new table is one class
added to :data:`RECORD_CLASSES`, plus its migration.
"""

from __future__ import annotations

from pdsa_tui.model.base import Record
from pdsa_tui.model.cases import Case
from pdsa_tui.model.drivers import (
    ChangePackage,
    EvidenceReview,
    PrimaryDriver,
    SecondaryDriver,
    SpreadEntry,
)
from pdsa_tui.model.measures import Measure
from pdsa_tui.model.programme import Answer, Assessment, Meeting, Programme, Question
from pdsa_tui.model.records import Aim, ChangeIdea, Cycle, Feedback

#: Every record type, in table order.
RECORD_CLASSES: tuple[type[Record], ...] = (
    Aim,
    Measure,
    ChangeIdea,
    Cycle,
    Feedback,
    Programme,
    Meeting,
    Assessment,
    Answer,
    Question,
    PrimaryDriver,
    SecondaryDriver,
    EvidenceReview,
    SpreadEntry,
    ChangePackage,
    Case,
)

#: Each table's record type.
RECORD_TYPES: dict[str, type[Record]] = {cls.TABLE: cls for cls in RECORD_CLASSES}

#: The record tables of the file, in order.
TABLES: tuple[str, ...] = tuple(RECORD_TYPES)

#: For each type that belongs to another: the linking field and the owner's type.
PARENTS: dict[type[Record], tuple[str, type[Record]]] = {
    cls: (cls.PARENT[0], RECORD_TYPES[cls.PARENT[1]])
    for cls in RECORD_CLASSES
    if cls.PARENT is not None
}

#: Every field that links one record to another (always text).
LINK_FIELDS: frozenset[str] = frozenset(link for link, _owner in PARENTS.values())


def noun(table: str) -> str:
    """How messages name one record of ``table``: 'change idea' (the table name if unknown)."""
    cls = RECORD_TYPES.get(table)
    return cls.NOUN if cls is not None else table


def counted(table: str, n: int) -> str:
    """'1 PDSA cycle', '3 feedback entries' (the table's own name if unknown)."""
    cls = RECORD_TYPES.get(table)
    one, many = cls.COUNTED if cls is not None else (table, table)
    return f"{n} {one if n == 1 else many}"


__all__ = [
    "LINK_FIELDS",
    "PARENTS",
    "RECORD_CLASSES",
    "RECORD_TYPES",
    "TABLES",
    "counted",
    "noun",
]
