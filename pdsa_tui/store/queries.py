"""The records in memory and the questions pdsa asks of them: no file, no saving.

:class:`RecordQueries` is the read side of :class:`~.store.Store`: it holds the
file's data and the :class:`~.index.RecordIndex` built from it, and answers
lookups, sorted lists, finds by name and the links between records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from pdsa_tui.memory import paused_gc
from pdsa_tui.model import (
    Aim,
    Answer,
    Assessment,
    Case,
    ChangeIdea,
    Cycle,
    Feedback,
    Measure,
    Meeting,
    Programme,
    Question,
    Record,
    ref_key,
)
from pdsa_tui.model.order import natural_key
from pdsa_tui.model.programme import programme_rules
from pdsa_tui.model.registry import PARENTS
from pdsa_tui.store import health
from pdsa_tui.store.checks import BuiltTables
from pdsa_tui.store.errors import NotFoundError
from pdsa_tui.store.finding import find_named
from pdsa_tui.store.index import RecordIndex
from pdsa_tui.store.typed import Later

R = TypeVar("R", bound=Record)


class RecordQueries:
    """The file's data and its records, indexed, with every read pdsa makes of them."""

    def __init__(
        self,
        data: dict[str, Any],
        records: BuiltTables | None = None,
        later: Later | None = None,
    ) -> None:
        """Hold ``data`` and index its records (``records``: already built from it).

        ``later``: the tables of records ``data`` leaves out (``records`` holds them
        built), decoded when the documents are first needed (see :attr:`_data`).
        """
        self._held = data
        self._later = later
        self._index = RecordIndex()
        self._index.rebuild(data, records)
        self._cache = self._index.records

    @property
    def _data(self) -> dict[str, Any]:
        """The file's data as documents (``{table: {doc_id: document}}``), as memory holds it.

        A large file's tables of records are decoded from its bytes at the first use
        (:class:`~.typed.Later`): reading records never needs them.
        """
        return self._documents()

    @_data.setter
    def _data(self, data: dict[str, Any]) -> None:
        self._later = None
        self._held = data

    def _documents(self) -> dict[str, Any]:
        """The documents, decoded now if the file's were left for later (see :attr:`_data`)."""
        if self._later is not None:
            later, self._later = self._later, None
            # Objects by the hundred thousand, none of them garbage: see memory.py.
            with paused_gc():
                self._held = later.whole(self._held)
                self._took_documents()
        return self._held

    def _took_documents(self) -> None:
        """The documents were just decoded (:attr:`_data`), as the file holds them."""

    def _of(self, cls: type[R], parent_id: str) -> list[R]:
        return self._index.of(cls, parent_id)

    # -- queries -------------------------------------------------------------
    def get(self, cls: type[R], record_id: str) -> R:
        """The record of type ``cls`` with ``record_id``."""
        rec = self._cache[cls].get(record_id)
        if rec is None:
            raise NotFoundError(f"no {cls.NOUN} has id {record_id}")
        return rec  # type: ignore[return-value]

    def lookup(self, cls: type[R], record_id: str) -> R | None:
        """The record of type ``cls`` with ``record_id``, or None."""
        return self._cache[cls].get(record_id)  # type: ignore[return-value]

    def all(self, cls: type[R]) -> list[R]:
        """Every record of type ``cls``, unsorted."""
        return list(self._cache[cls].values())  # type: ignore[arg-type]

    def count_table(self, table: str) -> int:
        """How many documents a table of the file holds (any table, known or not)."""
        rows = self._data.get(table)
        return len(rows) if isinstance(rows, dict) else 0

    def count(self, cls: type[Record]) -> int:
        """How many records of type ``cls`` there are."""
        return len(self._cache[cls])

    def aims(self) -> list[Aim]:
        """Aims by code ('Aim 2' before 'Aim 10')."""
        return sorted(self.all(Aim), key=lambda a: natural_key(a.code))

    def measures(self, aim_id: str | None = None) -> list[Measure]:
        """Measures (of one aim), outcome first, then by name."""
        order = {"outcome": 0, "process": 1, "balancing": 2}
        ms = self.all(Measure) if aim_id is None else self._of(Measure, aim_id)
        return sorted(ms, key=lambda m: (order.get(m.type, 3), natural_key(m.name)))

    def ideas(self, aim_id: str | None = None) -> list[ChangeIdea]:
        """Change ideas (of one aim) by title."""
        ideas = self.all(ChangeIdea) if aim_id is None else self._of(ChangeIdea, aim_id)
        return sorted(ideas, key=lambda i: natural_key(i.title))

    def cycles(self, idea_id: str | None = None) -> list[Cycle]:
        """Cycles (of one idea) in ramp order."""
        cs = self.all(Cycle) if idea_id is None else self._of(Cycle, idea_id)
        return sorted(cs, key=lambda c: (c.idea_id, c.number))

    def cycles_for_aim(self, aim_id: str) -> list[Cycle]:
        """Every cycle of every change idea of an aim."""
        return sorted(
            (c for i in self._of(ChangeIdea, aim_id) for c in self._of(Cycle, i.id)),
            key=lambda c: (c.idea_id, c.number),
        )

    def belonging_to(self, cls: type[R], owner_id: str) -> list[R]:
        """The records of type ``cls`` that belong to the record ``owner_id``, unsorted."""
        return self._of(cls, owner_id)

    def feedback(self, cycle_id: str | None = None) -> list[Feedback]:
        """Feedback (of one cycle), oldest first."""
        fb = self.all(Feedback) if cycle_id is None else self._of(Feedback, cycle_id)
        return sorted(fb, key=lambda f: (f.date or dt.date.min, f.created))

    # -- the programme ------------------------------------------------------------
    def programme(self) -> Programme | None:
        """The file's programme (the first made, should merged copies hold two), or None."""
        progs = sorted(self.all(Programme), key=lambda p: (p.created, p.id))
        return progs[0] if progs else None

    def default_rules(self) -> str:
        """The programme's default rule set: what a measure whose own is 'default' uses."""
        return programme_rules(self.programme())

    def meetings(self) -> list[Meeting]:
        """Meetings, newest first."""
        return sorted(
            self.all(Meeting), key=lambda m: (m.date or dt.date.min, m.created), reverse=True
        )

    def assessments(self) -> list[Assessment]:
        """Self-assessments, newest first."""
        return sorted(
            self.all(Assessment), key=lambda a: (a.date or dt.date.min, a.created), reverse=True
        )

    def answers(self, assessment_id: str) -> dict[str, Answer]:
        """An assessment's answers by question id (the latest edit wins a duplicate)."""
        out: dict[str, Answer] = {}
        for a in sorted(self.all(Answer), key=lambda a: a.updated):
            if a.assessment_id == assessment_id:
                out[a.question] = a
        return out

    def questions(self) -> list[Question]:
        """The group's own questions, oldest first."""
        return sorted(self.all(Question), key=lambda q: (q.created, q.id))

    def find_aim(self, code_or_id: str) -> Aim:
        """The aim with this code (case-insensitive), id or id prefix."""
        return find_named(
            self.records_of(Aim), code_or_id, ((a, a.code) for a in self.aims()), "aim"
        )

    def find_measure(self, name_or_id: str) -> Measure:
        """The measure with this name (case-insensitive), id or id prefix."""
        return find_named(
            self.records_of(Measure), name_or_id, ((m, m.name) for m in self.measures()), "measure"
        )

    def find_idea(self, title_or_id: str) -> ChangeIdea:
        """The change idea with this title (case-insensitive, or a unique start), id or prefix."""
        return find_named(
            self.records_of(ChangeIdea),
            title_or_id,
            ((i, i.title) for i in self.ideas()),
            "change idea",
        )

    def find_cycle(self, cycle_id: str) -> Cycle:
        """The cycle with this id or id prefix."""
        return find_named(
            self.records_of(Cycle), cycle_id, ((c, c.id) for c in self.all(Cycle)), "cycle"
        )

    def parent_of(self, record: Record) -> Record | None:
        """The record ``record`` belongs to, if any."""
        link = PARENTS.get(type(record))
        if link is None:
            return None
        return self._cache[link[1]].get(getattr(record, link[0]))

    def children(self, record: Record) -> list[Record]:
        """The records that belong directly to ``record``."""
        out: list[Record] = []
        for cls, (_attr, parent) in PARENTS.items():
            if isinstance(record, parent):
                out.extend(self._index.of(cls, record.id))
        return out

    def dependents(self, record: Record) -> dict[str, int]:
        """How many records of each table deleting ``record`` would also delete."""
        counts: dict[str, int] = {}
        stack = self.children(record)
        while stack:
            rec = stack.pop()
            counts[rec.TABLE] = counts.get(rec.TABLE, 0) + 1
            stack.extend(self.children(rec))
        return counts

    # -- cases ------------------------------------------------------------------------
    def cases(self, measure_id: str | None = None) -> list[Case]:
        """Cases (of one case measure) by start date, then reference."""
        cs = self.all(Case) if measure_id is None else self._of(Case, measure_id)
        return sorted(cs, key=lambda c: (c.start or dt.date.min, natural_key(c.ref)))

    def find_case(self, measure: Measure, ref: str) -> Case | None:
        """The case of ``measure`` with reference ``ref`` ('c-1042' finds 'C-1042'), or None."""
        key = ref_key(ref)
        for c in self.all(Case):
            if c.measure_id == measure.id and ref_key(c.ref) == key:
                return c
        return None

    # -- health ----------------------------------------------------------------
    def records_of(self, cls: type[R]) -> Mapping[str, R]:
        """The records of type ``cls`` by id: the store's own, to read, never to change."""
        return self._cache[cls]  # type: ignore[return-value]

    def counts(self) -> dict[str, int]:
        """Records per table, with data points counted too."""
        return health.counts(self)

    def problems(self) -> list[str]:
        """What is wrong inside the database: broken links, invalid records, duplicate numbers."""
        return health.problems(self)
