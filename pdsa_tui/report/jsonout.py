"""JSON exports: every field of every record, so the records can be rebuilt exactly.

Shape (``version`` 1)::

    {"format": "pdsa-export", "version": 1, "exported": "2025-01-31T14:03:00+00:00",
     "scope": {"kind": "aim" | "all" | "idea" | "cycle", "id": "..." | null},
     "aims": [...], "measures": [... each with its "points" ...], "ideas": [...],
     "cycles": [...], "feedback": [...],
     "primary_drivers": [...], "secondary_drivers": [...], "evidence_reviews": [...],
     "spread": [...], "change_packages": [...],   (aim and all-aims exports)
     "analyses": {"<measure id>": {... as ``pdsa analyse --json`` ...}},
     "case_counts": {"<case measure id>": {"open": n, "met": n, "missed": n,
                     "past_reminder": n, "overdue": n}},
     "cases": [...]}   # only with include_cases

Each record is its model's ``to_dict()``: ``Model.from_dict(record)`` gives back
a record equal to the original. ``analyses`` (aim and all-aims exports) is derived
data for convenience; it is ignored when records are rebuilt.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pdsa_tui import __version__
from pdsa_tui.analysis.cases import case_counts, case_states, group_cases, live_measures
from pdsa_tui.analysis.measures import view_measure
from pdsa_tui.model import Aim, Case, ChangeIdea, Cycle, Feedback, Measure, Record

FORMAT = "pdsa-export"
VERSION = 1


def render(
    *,
    kind: str,
    scope_id: str | None,
    exported: dt.datetime,
    aims: Sequence[Aim],
    measures: Sequence[Measure],
    ideas: Sequence[ChangeIdea],
    cycles: Sequence[Cycle],
    feedback: Sequence[Feedback],
    extra: Mapping[str, Sequence[Record]] | None = None,
    cases: Sequence[Case] = (),
    today: dt.date | None = None,
    include_cases: bool = False,
    default_rules: str = "anhoej",
) -> str:
    """The records as one JSON document (UTF-8 text, accents and emoji kept as they are).

    ``extra`` adds more tables by name (an aim's driver diagram, spread, change packages).
    A case measure's analysis is of its derived monthly points, and ``case_counts``
    says how many of its cases are open, met, missed and past the reminder. The cases
    themselves (with their references) are included only with ``include_cases``.
    ``default_rules`` is the programme's rule set, for measures that follow it.
    """
    aim_by_id = {a.id: a for a in aims}
    day_ = today or exported.date()
    by_measure = group_cases(cases)
    analyses: dict[str, Any] = {}
    case_counts_json: dict[str, Any] = {}
    for m in live_measures(measures, cases, day_):
        if m.cases:
            counts = case_counts(case_states(m, by_measure.get(m.id, []), day_))
            case_counts_json[m.id] = dataclasses.asdict(counts)
        view = view_measure(m, aim=aim_by_id.get(m.aim_id), default_rules=default_rules)
        analyses[m.id] = _finite(
            {
                **view.analysis.to_json(),
                "scale": view.scale,
                "unit_label": view.unit_label,
                "goal": view.goal,
            }
        )
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported": exported.isoformat(timespec="seconds"),
        "generator": f"pdsa {__version__}",
        "scope": {"kind": kind, "id": scope_id},
        "aims": [a.to_dict() for a in aims],
        "measures": [m.to_dict() for m in measures],
        "ideas": [i.to_dict() for i in ideas],
        "cycles": [c.to_dict() for c in cycles],
        "feedback": [f.to_dict() for f in feedback],
        **{table: [r.to_dict() for r in recs] for table, recs in (extra or {}).items()},
        "analyses": analyses,
        "case_counts": case_counts_json,
    }
    if include_cases:
        ids = {m.id for m in measures}
        doc["cases"] = [c.to_dict() for c in cases if c.measure_id in ids]
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as null (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
