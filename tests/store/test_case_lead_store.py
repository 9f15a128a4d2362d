"""A case's lead (issue 24, item 5): files saved before it, and two copies editing a case."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from pdsa_tui.model import Aim, Case, Measure
from pdsa_tui.store import Store


def _case_measure(store: Store) -> Measure:
    aim = store.save(Aim(code="Aim 2", statement="85% within 30 weeks", target_pct=85))
    return store.save(
        Measure(
            aim_id=aim.id,
            name="Permanence within 30 weeks",
            cases=True,
            start_event="accommodated",
            milestone="permanence recommendation",
            target_weeks=30,
        )
    )


def test_a_file_without_leads_opens_and_a_lead_saves(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store.open(path, create=True) as store:
        m = _case_measure(store)
        store.measure_data.save_case(
            m, Case(measure_id=m.id, ref="C-1042", start=dt.date(2020, 1, 6))
        )
    raw = json.loads(path.read_text())
    for doc in raw["cases"].values():
        doc.pop("lead", None)  # as a version before leads wrote it
    path.write_text(json.dumps(raw))
    with Store.open(path) as store:
        assert store.problems() == []
        (case,) = store.all(Case)
        assert case.lead == ""
        store.save(dataclasses.replace(case, lead="SW (JB)"))
    with Store.open(path, read_only=True) as store:
        assert store.all(Case)[0].lead == "SW (JB)"


def test_two_copies_one_setting_the_lead_one_the_note_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    with Store.open(path, create=True) as store:
        m = _case_measure(store)
        store.measure_data.save_case(
            m, Case(measure_id=m.id, ref="C-1042", start=dt.date(2020, 1, 6))
        )
    a = Store.open(path, user="JB")
    b = Store.open(path, user="TM")
    try:
        (case_a,) = a.all(Case)
        (case_b,) = b.all(Case)
        a.save(dataclasses.replace(case_a, lead="SW (JB)"))
        b.save(dataclasses.replace(case_b, note="sibling group"))
    finally:
        a.close()
        b.close()
    with Store.open(path, read_only=True) as store:
        (case,) = store.all(Case)
        assert (case.lead, case.note) == ("SW (JB)", "sibling group")
