"""One child, one case: natural keys in merges, and an edit beats a delete (issue 20, item 6)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from pdsa_tui.model import Answer, Assessment, Case, Cycle, Feedback, ValidationError, ref_key
from pdsa_tui.store import Store

D = dt.date


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The demo programme (it has case measures, cycles and a self-assessment)."""
    from pdsa_tui.demo import write_demo

    path = tmp_path / "pace.json"
    write_demo(path)
    return path


def _case_measure(s: Store):  # type: ignore[no-untyped-def]
    return next(m for m in s.measures() if m.cases)


def test_one_reference_added_in_two_copies_merges_into_one_case(db: Path, tmp_path: Path) -> None:
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(db, laptop)
    with Store.open(laptop, user="laptop") as s:
        m = _case_measure(s)
        s.measure_data.save_case(m, Case(measure_id=m.id, ref="c-7777", start=D(2020, 1, 6)))
    with Store.open(db, user="office") as s:
        m = _case_measure(s)
        s.measure_data.save_case(
            m, Case(measure_id=m.id, ref="C-7777", start=D(2020, 1, 6), note="office")
        )
        s.versions.merge_file(laptop)
        same = [c for c in s.cases(m.id) if ref_key(c.ref) == "C-7777"]
        assert len(same) == 1
        assert s.problems() == []
    with Store.open(laptop, user="laptop") as s:  # and the other way round: the same one
        s.versions.merge_file(db)
        m = _case_measure(s)
        assert [c.id for c in s.cases(m.id) if ref_key(c.ref) == "C-7777"] == [same[0].id]


def test_one_reference_added_by_two_live_copies_is_one_case(db: Path) -> None:
    a = Store.open(db, user="A")
    b = Store.open(db, user="B")
    m = _case_measure(a)
    a.measure_data.save_case(m, Case(measure_id=m.id, ref="C-8888", start=D(2020, 1, 6)))
    b.measure_data.save_case(m, Case(measure_id=m.id, ref="c-8888", start=D(2020, 1, 7)))
    with Store.open(db) as s:
        same = [c for c in s.cases(m.id) if ref_key(c.ref) == "C-8888"]
        assert len(same) == 1
        assert s.versions.open_conflicts(same[0].id) >= 1  # the start dates differ
        assert s.problems() == []


def test_invisible_characters_do_not_make_a_second_case() -> None:
    assert ref_key("C-77\u200b77") == ref_key("c-7777") == ref_key("\u202eC-7777")
    with pytest.raises(ValidationError, match="invisible"):
        Case(measure_id="m", ref="C-77\u200b77", start=D(2020, 1, 6)).check()


def test_two_answers_to_one_question_merge_into_one(db: Path) -> None:
    a = Store.open(db, user="A")
    b = Store.open(db, user="B")
    assessment = a.save(Assessment(date=D(2020, 2, 1)))
    b.refresh()
    a.save(Answer(assessment_id=assessment.id, question="data-2", status="partly"))
    b.save(Answer(assessment_id=assessment.id, question="data-2", status="in-place", notes="B"))
    with Store.open(db) as s:
        answers = [x for x in s.all(Answer) if x.assessment_id == assessment.id]
        assert len(answers) == 1
        assert s.versions.open_conflicts(answers[0].id) >= 1  # status and notes differ


def test_feedback_saved_under_a_cycle_another_copy_deleted_brings_it_back(db: Path) -> None:
    a = Store.open(db, user="A")
    b = Store.open(db, user="B")
    cycle = a.all(Cycle)[0]
    a.delete(cycle)
    b.save(
        Feedback(cycle_id=cycle.id, date=D(2020, 2, 3), source="carer", text="Reports are clearer")
    )
    with Store.open(db) as s:
        assert s.lookup(Cycle, cycle.id) is not None
        assert s.problems() == []


def test_an_edit_of_a_child_beats_the_deletion_of_its_parent_in_a_merge(
    db: Path, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop.json"
    shutil.copyfile(db, laptop)
    with Store.open(db) as s:
        fb = s.feedback()[0]
        s.delete(s.get(Cycle, fb.cycle_id))
    with Store.open(laptop, user="laptop") as s:
        s.save(dataclasses.replace(s.get(Feedback, fb.id), text="edited on the train"))
    with Store.open(db) as s:
        s.versions.merge_file(laptop)
        assert s.get(Feedback, fb.id).text == "edited on the train"
        assert s.lookup(Cycle, fb.cycle_id) is not None
        assert s.problems() == []


def test_a_save_joined_into_another_copys_case_returns_the_kept_case(db: Path) -> None:
    a = Store.open(db, user="A")
    b = Store.open(db, user="B")
    m = _case_measure(a)
    first = b.measure_data.save_case(m, Case(measure_id=m.id, ref="C-9999", start=D(2020, 1, 6)))
    b_case = Case(measure_id=m.id, ref="c-9999", start=D(2020, 1, 6), created="2000-01-01")
    # a's case is the older one: b's is joined into... whichever was made first; either way
    # the save answers with the case that lives on.
    kept = a.measure_data.save_case(m, b_case)
    assert a.lookup(Case, kept.id) is not None
    assert ref_key(kept.ref) == ref_key(first.ref)
