"""The demo's case measures, read from ``data/demo_cases.json``.

Each measure the file names becomes a case measure. Its typed monthly points (met over
due) are turned into synthetic cases, one per child due that month, so the derived
points, and so the charts and their story, stay what they were; the file's open cases are
placed relative to the demo's today (one of them past its reminder point).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import uuid
from importlib import resources
from typing import Any

from pdsa_tui.model import Case, Measure
from pdsa_tui.store import Store, StoreError


def load_spec() -> dict[str, Any]:
    """The demo's case measures as the data file describes them."""
    text = resources.files("pdsa_tui").joinpath("data/demo_cases.json").read_text("utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


def cases_from_points(measure: Measure, spec: dict[str, Any], today: dt.date) -> list[Case]:
    """One case per child due in each month of ``measure``'s points, met or missed as counted.

    The k-th case due in a month has its deadline spread through that month; a met case
    reaches the milestone up to four weeks early, a missed one one to four weeks late (or
    not yet, when that would be after ``today``). A month's note goes with its first case.
    """
    target_days = 7 * int(spec["target_weeks"])
    teams: list[str] = spec.get("teams") or [""]
    ref = int(spec["first_ref"])
    out = []
    for p in measure.sorted_points():
        if p.numerator is None or not p.denominator:
            continue
        due, met = int(p.denominator), int(p.numerator)
        days = calendar.monthrange(p.date.year, p.date.month)[1]
        for k in range(due):
            deadline = p.date + dt.timedelta(days=(k * days) // due + days // (2 * due))
            start = deadline - dt.timedelta(days=target_days)
            if k < met:
                end: dt.date | None = deadline - dt.timedelta(days=3 + 7 * (k % 4))
            else:
                end = deadline + dt.timedelta(days=5 + 7 * (k % 4))
                if end > today:
                    end = None
            out.append(
                _case(
                    measure,
                    f"C-{ref}",
                    start,
                    end,
                    teams[(ref + k) % len(teams)],
                    # The month's note (e.g. what happened that month) goes with its first case.
                    p.note if k == 0 else "",
                )
            )
            ref += 1
    return out


def _case(
    measure: Measure,
    ref: str,
    start: dt.date,
    end: dt.date | None,
    team: str,
    note: str,
) -> Case:
    """A demo case with an id and a created stamp that depend only on what it is."""
    return Case(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"pdsa-demo/{measure.id}/{ref}")),
        created=dt.datetime(start.year, start.month, start.day, 9, 30, tzinfo=dt.UTC).isoformat(),
        measure_id=measure.id,
        ref=ref,
        start=start,
        end=end,
        team=team,
        note=note,
    )


def add_demo_cases(store: Store, today: dt.date) -> None:
    """Turn the demo's outcome measures named in the data file into case measures."""
    for spec in load_spec()["measures"]:
        try:
            measure = store.find_measure(spec["name"])
        except StoreError:
            continue
        cases = cases_from_points(measure, spec, today)
        cases += [
            _case(
                measure,
                c["ref"],
                today - dt.timedelta(days=int(c["started_days_ago"])),
                None,
                c.get("team", ""),
                c.get("note", ""),
            )
            for c in spec.get("open_cases", [])
        ]
        marks = [
            f"{p.date.isoformat()}:{kind}"
            for p in measure.sorted_points()
            for kind, on in (("baseline_end", p.baseline_end), ("rebase_after", p.rebase_after))
            if on
        ]
        converted = dataclasses.replace(
            measure,
            cases=True,
            month_marks=marks,
            points=[],
            unit="percent",
            direction="up",
            start_event=spec["start_event"],
            milestone=spec["milestone"],
            target_weeks=spec["target_weeks"],
            reminder_weeks=spec.get("reminder_weeks"),
            frequency="monthly",
        )
        store.save_cases(store.save(converted), cases)
