"""Issue 24, item 8: a two-digit year is refused wherever dates are read, by field or row."""

from __future__ import annotations

import pytest

from pdsa_tui.model.csvcases import read_cases_csv
from pdsa_tui.model.csvseries import scan_series
from pdsa_tui.model.errors import ValidationError
from pdsa_tui.model.forms import parse_field
from pdsa_tui.model.records import Cycle
from pdsa_tui.model.rows import Action

SAYS = "'02/01/25': write the year in full, e.g. 02/01/2025"


def test_pasted_rows_starting_with_a_short_year_are_data_reported_on_their_row() -> None:
    """Not taken for a header row (which would drop the row into a column error)."""
    scan = scan_series("02/01/25\t12\n03/01/2025\t5\n", "pasted", pasted=True)
    assert scan.header is False
    assert scan.problems == [(1, f"pasted line 1, column 'date': {SAYS}")]
    assert [r.line for r in scan.rows] == [2]


def test_a_csv_file_row_with_a_short_year_is_reported_by_line() -> None:
    scan = scan_series("date,value\n01/01/2025,4\n02/01/25,12\n", "f.csv")
    assert scan.problems == [(3, f"f.csv line 3, column 'date': {SAYS}")]


def test_cases_csv_reports_the_row_and_column() -> None:
    plan = read_cases_csv("ref,start,end\nC1,02/01/25,\n", "cases.csv", {})
    assert any("line 2" in e and "column 'start'" in e and SAYS in e for e in plan.errors), (
        plan.errors
    )


def test_a_date_field_in_a_form_names_the_field() -> None:
    spec = next(f for f in Cycle.specs() if f.kind == "date")
    with pytest.raises(ValidationError) as info:
        parse_field(spec, "02/01/25")
    error = info.value.errors[0]
    assert error.field == spec.name and error.message == SAYS


def test_a_meeting_action_due_date() -> None:
    with pytest.raises(ValueError, match="due date: '02/01/25': write the year in full"):
        Action.from_line("Ring the panel | AL | 02/01/25 |")
