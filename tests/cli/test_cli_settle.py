"""Adding under a record another copy deleted: the message says so in words, with the
`pdsa restore` command to run (issue 24, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import assert_one_line_error, run

from pdsa_tui.demo import write_demo
from pdsa_tui.model import Aim, Measure
from pdsa_tui.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pdsa.json"
    write_demo(path)
    return path


def test_measure_add_under_a_deleted_aim_says_who_deleted_it_and_how_to_restore_it(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with Store.open(db, user="Sam") as s:
        aim = s.aims()[-1]
        s.delete(aim)
    r = run(capsys, "measure", "add", "--aim", aim.code, "--name", "Visits", "--db", db)
    assert_one_line_error(
        r, 1, f"Aim '{aim.code}' was deleted by Sam on", f"pdsa restore '{aim.code}'"
    )
    assert aim.id[:8] not in r.err
    assert run(capsys, "restore", aim.code, "--db", db).status == 0
    assert (
        run(capsys, "measure", "add", "--aim", aim.code, "--name", "Visits", "--db", db).status == 0
    )
    with Store.open(db, read_only=True) as s:
        assert any(m.name == "Visits" for m in s.measures(aim.id))


def test_cases_add_under_a_deleted_case_measure_names_it(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    with Store.open(db, user="Sam") as s:
        measure = next(m for m in s.all(Measure) if m.cases)
        s.delete(measure)
    r = run(
        capsys, "cases", "add", "--measure", measure.name, "--ref", "C-9", "--start", "1/11/2026",
        "--db", db,
    )  # fmt: skip
    assert_one_line_error(r, 1, f"Measure '{measure.name}' was deleted by Sam", "pdsa restore")
    assert measure.id[:8] not in r.err


def test_a_name_nothing_ever_had_still_lists_what_is_known(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    r = run(capsys, "measure", "add", "--aim", "Aim 99", "--name", "Visits", "--db", db)
    assert_one_line_error(r, 1, "no aim 'Aim 99'")
    with Store.open(db, read_only=True) as s:
        assert all(a.code != "Aim 99" for a in s.all(Aim))


def test_restoring_a_record_whose_owner_is_deleted_gives_the_command_for_the_owner(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    from pdsa_tui.model import ChangeIdea, Cycle

    with Store.open(db, user="Sam") as s:
        cycle = s.all(Cycle)[0]
        idea = s.get(ChangeIdea, cycle.idea_id)
        s.delete(idea)
    r = run(capsys, "restore", cycle.id[:8], "--db", db)
    assert_one_line_error(
        r, 1, f"Change idea '{idea.title}' was deleted by Sam", "Restore it with: pdsa restore '"
    )
    assert idea.id[:8] not in r.err


def _two_copies(db: Path, cycle_id: str, **field: tuple[object, object]) -> None:
    """Two copies open at once (AL, BK) each change one field of a cycle differently."""
    import dataclasses

    from pdsa_tui.model import Cycle

    (name, (al, bk)) = next(iter(field.items()))
    a, b = Store.open(db, user="AL"), Store.open(db, user="BK")
    a.save(dataclasses.replace(a.get(Cycle, cycle_id), **{name: al}))
    b.save(dataclasses.replace(b.get(Cycle, cycle_id), **{name: bk}))
    a.close()
    b.close()


def test_conflicts_resolve_text_saves_a_value_made_from_both(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:

    from pdsa_tui.model import Cycle

    with Store.open(db, read_only=True) as s:
        cycle = s.all(Cycle)[0]
    _two_copies(db, cycle.id, what_happened=("Ran in East.", "Ran in West."))
    both = run(capsys, "conflicts", "resolve", cycle.id, "what_happened", "--take", "0",
               "--text", "x", "--db", db)  # fmt: skip
    assert_one_line_error(both, 2, "--take", "--text")
    r = run(capsys, "conflicts", "resolve", cycle.id, "what_happened",
            "--text", "Ran in East, then in West.", "--db", db)  # fmt: skip
    assert r.status == 0, r.err
    assert "saved the text given" in r.out
    with Store.open(db, read_only=True) as s:
        assert s.get(Cycle, cycle.id).what_happened == "Ran in East, then in West."
        assert s.versions.conflicts() == []


def test_conflicts_resolve_text_on_a_date_says_only_one_value_can_be_kept(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    import datetime as dt

    from pdsa_tui.model import Cycle

    with Store.open(db, read_only=True) as s:
        cycle = s.all(Cycle)[0]
    _two_copies(db, cycle.id, planned_end=(dt.date(2026, 12, 24), dt.date(2026, 12, 31)))
    r = run(capsys, "conflicts", "resolve", cycle.id, "planned_end", "--text", "x", "--db", db)
    assert_one_line_error(r, 1, "only one of its values can be kept")
