"""CSV exports: one row per PDSA cycle, for spreadsheets.

The columns (:data:`COLUMNS`) are stable; new ones are only ever added at the end.

==================  ==============================================================
aim_code, aim_id    the aim the cycle's change idea belongs to
idea_title, idea_id the change idea the cycle tests
idea_lead           the change idea's lead
idea_status         idea, testing, implementing, spreading, sustained, abandoned
cycle_id            the cycle's id
cycle_number        its number in the change idea's ramp (1, 2, 3 ...)
cycles_in_ramp      how many cycles the change idea has
stage               plan, do, study, act or closed
objective ...       every Plan, Do, Study and Act field by its model name:
next_steps          objective, lead, questions, predictions, tasks, data_to_collect,
                    planned_start, planned_end, scale, do_start, do_end,
                    what_happened, problems, results, learned, decision, next_steps
feedback_count      how many pieces of feedback the cycle has
feedback_sources    e.g. ``carer: 2; practitioner: 1``
feedback_tones      e.g. ``positive: 2; mixed: 1``
adapted_from        the id of the cycle this one was adapted from, if any
created, updated    the cycle's timestamps (ISO 8601, UTC)
==================  ==============================================================

Dates are ISO 8601 (``2019-03-04``); choices are their stored values (``adapt``).
``tasks`` holds one task a line as ``who | what | when | where``.

The file starts with a UTF-8 byte-order mark so that Excel reads accents and
emoji correctly (Python's ``utf-8-sig`` and LibreOffice skip it). Any text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'`` so that a spreadsheet shows it as text instead of running it as a
formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence

from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback
from pdsa_tui.model.dates import to_iso
from pdsa_tui.model.records import ACT_FIELDS, DO_FIELDS, PLAN_FIELDS, STUDY_FIELDS

BOM = "\ufeff"

COLUMNS: tuple[str, ...] = (
    "aim_code",
    "aim_id",
    "idea_title",
    "idea_id",
    "idea_lead",
    "idea_status",
    "cycle_id",
    "cycle_number",
    "cycles_in_ramp",
    "stage",
    *PLAN_FIELDS,
    *DO_FIELDS,
    *STUDY_FIELDS,
    *ACT_FIELDS,
    "feedback_count",
    "feedback_sources",
    "feedback_tones",
    "adapted_from",
    "created",
    "updated",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` made safe from spreadsheet formula injection."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _counts(values: Sequence[str]) -> str:
    return "; ".join(f"{k}: {n}" for k, n in Counter(values).most_common())


def render(
    aims: Sequence[Aim],
    ideas: Sequence[ChangeIdea],
    cycles: Sequence[Cycle],
    feedback: Sequence[Feedback],
) -> str:
    """The cycles as CSV text (with the BOM), in report order."""
    aim_by_id = {a.id: a for a in aims}
    idea_by_id = {i.id: i for i in ideas}
    fb_by_cycle: dict[str, list[Feedback]] = {}
    for f in feedback:
        fb_by_cycle.setdefault(f.cycle_id, []).append(f)
    ramp: Counter[str] = Counter(c.idea_id for c in cycles)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in cycles:
        idea = idea_by_id.get(c.idea_id)
        aim = aim_by_id.get(idea.aim_id) if idea else None
        fb = fb_by_cycle.get(c.id, [])
        row: dict[str, object] = {
            "aim_code": aim.code if aim else "",
            "aim_id": aim.id if aim else "",
            "idea_title": idea.title if idea else "",
            "idea_id": c.idea_id,
            "idea_lead": idea.lead if idea else "",
            "idea_status": idea.status if idea else "",
            "cycle_id": c.id,
            "cycle_number": c.number,
            "cycles_in_ramp": max(ramp[c.idea_id], c.number),
            "stage": c.stage,
            "feedback_count": len(fb),
            "feedback_sources": _counts([f.source for f in fb]),
            "feedback_tones": _counts([f.tone for f in fb]),
            "adapted_from": c.adapted_from or "",
            "created": c.created,
            "updated": c.updated,
        }
        for name in (*PLAN_FIELDS, *DO_FIELDS, *STUDY_FIELDS, *ACT_FIELDS):
            value = getattr(c, name)
            if name == "tasks":
                row[name] = "\n".join(t.to_line() for t in value)
            elif hasattr(value, "isoformat"):
                row[name] = to_iso(value)
            else:
                row[name] = "" if value is None else value
        writer.writerow(
            [
                neutralise(v) if isinstance(v := row[col], str) else v
                for col in COLUMNS
            ]
        )  # fmt: skip
    return BOM + buf.getvalue()
