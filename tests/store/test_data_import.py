"""The one reader of data-point rows: CSV files (``pdsa data import`` and the app) and pasted rows.

Every problem is listed by line; a date the measure already has is refused (as the CLI
refuses it); pasted rows may be tab-separated and may leave out the header row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pdsa_tui.model import DataPoint, Measure
from pdsa_tui.model.csvseries import (
    CsvError,
    kind_clash,
    plan_import,
    read_series_csv,
    scan_series,
)
from pdsa_tui.store.csvfile import read_csv_text
from pdsa_tui.store.errors import CsvFileError


def ratio_measure(*dates: dt.date) -> Measure:
    return Measure(
        name="% reviewed",
        unit="percent",
        points=[DataPoint(date=d, numerator=1, denominator=2) for d in dates],
    )


def value_measure(*dates: dt.date) -> Measure:
    return Measure(
        name="Days to review", unit="days", points=[DataPoint(date=d, value=10) for d in dates]
    )


def test_every_problem_is_listed_by_line_and_good_rows_kept() -> None:
    text = (
        "date,numerator,denominator,note\n"
        "01/01/2026,3,4,fine\n"
        "31/02/2026,3,4,\n"  # line 3: no such day
        "01/03/2026,5,4,\n"  # line 4: numerator above denominator
        "01/04/2026,x,4,\n"  # line 5: not a number
        "01/05/2026,2,4,\n"
    )
    plan = plan_import(text, "in.csv", ratio_measure())
    assert [r.line for r in plan.rows] == [2, 6]
    assert not plan.ok
    assert [e.split(",")[0] for e in plan.errors] == [
        "in.csv line 3",
        "in.csv line 4",
        "in.csv line 5",
    ]
    assert "31/02/2026" in plan.errors[0] and "numerator" in plan.errors[1]
    assert "'x' is not a number" in plan.errors[2]


def test_a_date_the_measure_has_is_refused_by_line_never_overwritten() -> None:
    measure = ratio_measure(dt.date(2026, 2, 1))
    text = "date,numerator,denominator\n01/01/2026,1,2\n01/02/2026,2,2\n01/01/2026,1,3\n"
    plan = plan_import(text, "in.csv", measure)
    assert plan.errors == [
        "in.csv line 3, column 'date': measure '% reviewed' already has a point on 01/02/2026; "
        "an import only adds points: leave this row out, or edit that point in the app",
        "in.csv line 4, column 'date': 01/01/2026 is also on line 2; give each date once",
    ]
    assert [r.line for r in plan.rows] == [2]


def test_values_into_a_ratio_measure_are_refused_for_the_file() -> None:
    plan = plan_import("date,value\n01/01/2026,3\n", "in.csv", ratio_measure(dt.date(2025, 1, 1)))
    assert plan.errors == [
        "in.csv: measure '% reviewed' holds numerator/denominator pairs, not plain values"
    ]
    assert kind_clash(Measure(name="empty"), ratio=True) is None


def test_a_good_file_plans_every_row() -> None:
    plan = plan_import("date,value\n01/01/2026,3\n01/02/2026,4.5%\n", "in.csv", value_measure())
    assert plan.ok and plan.summary() == "2 new points, 01/01/2026 to 01/02/2026"
    assert [p.value for p in plan.points] == [3, 4.5]


def test_read_series_csv_still_raises_the_first_problem() -> None:
    with pytest.raises(CsvError, match=r"in\.csv line 3, column .value."):
        read_series_csv("date,value\n01/01/2026,3\n01/02/2026,x\n01/03/2026,y\n", "in.csv")


@pytest.mark.parametrize(
    ("text", "measure", "columns", "expected"),
    [
        # Copied from a spreadsheet: tabs, no header; a ratio measure reads num/den.
        (
            "01/10/2026\t12\t15\n01/11/2026\t9\t15\n",
            ratio_measure(dt.date(2026, 1, 1)),
            ("date", "numerator", "denominator", "note"),
            [(12, 15), (9, 15)],
        ),
        # A value measure: date, value, note.
        (
            "01/10/2026\t12\tnew form\n",
            value_measure(dt.date(2026, 1, 1)),
            ("date", "value", "note"),
            [12],
        ),
        # A measure with no points yet: a number in the third cell means num/den.
        (
            "01/10/2026\t12\t15\n",
            Measure(name="new"),
            ("date", "numerator", "denominator", "note"),
            [(12, 15)],
        ),
        ("01/10/2026\t12\n", Measure(name="new"), ("date", "value", "note"), [12]),
        # With a header row (tabs or commas), as a file would have.
        ("Date\tValue\n01/10/2026\t12\n", Measure(name="new"), ("date", "value"), [12]),
        ("date,value\n2026-10-01,12\n", Measure(name="new"), ("date", "value"), [12]),
        # A terminal's paste: line breaks arrive as carriage returns.
        (
            "01/10/2026\t12\r01/11/2026\t13\r",
            Measure(name="new"),
            ("date", "value", "note"),
            [12, 13],
        ),
        # Comma-separated without a header; blank lines around the rows are ignored.
        ("\n\n01/10/2026,12\n\n", Measure(name="new"), ("date", "value", "note"), [12]),
    ],
)
def test_pasted_rows(
    text: str, measure: Measure, columns: tuple[str, ...], expected: list[object]
) -> None:
    plan = plan_import(text, "pasted", measure, pasted=True)
    assert plan.errors == []
    assert plan.columns == columns
    got = [p.value if p.value is not None else (p.numerator, p.denominator) for p in plan.points]
    assert got == expected
    assert plan.header == (columns[-1] != "note")


def test_pasted_rows_name_their_line() -> None:
    plan = plan_import(
        "01/10/2026\t12\t15\n01/11/2026\t16\t15\n", "pasted", ratio_measure(), pasted=True
    )
    assert plan.errors == [
        "pasted line 2, column 'numerator': cannot be above the denominator (16 > 15)"
    ]


def test_pasted_rows_with_an_unknown_first_row_say_both_ways() -> None:
    plan = plan_import("Month\tCount\nOct\t12\n", "pasted", Measure(name="new"), pasted=True)
    assert len(plan.errors) == 1
    assert plan.errors[0].startswith("pasted line 1: the header has no 'date' column")
    assert "or paste the rows without a header, e.g. 01/10/2026<tab>12" in plan.errors[0]


def test_nothing_pasted() -> None:
    plan = scan_series("  \n\n", "pasted", pasted=True)
    assert plan.errors[0].startswith("pasted: nothing was pasted")


def test_a_file_still_needs_its_header_row() -> None:
    plan = plan_import("01/10/2026,12\n", "in.csv", Measure(name="new"))
    assert plan.errors[0].startswith("in.csv line 1: the header has no 'date' column")


def test_too_many_cells_without_a_header() -> None:
    plan = plan_import("01/10/2026\t12\tnote\textra\n", "pasted", value_measure(), pasted=True)
    assert plan.errors == ["pasted line 1: 4 cells but rows without a header have 3"]


# -- reading the file -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04rest of a zip", "a spreadsheet workbook, not a CSV file"),
        (b"\xd0\xcf\x11\xe0old excel", "a spreadsheet workbook, not a CSV file"),
        ("date,value\n".encode("utf-16"), "saved as UTF-16 text, not UTF-8"),
        (b"date\x00value\x00\x01\x02", "not a text file"),
        ("date,value\n01/01/2026,£3\n".encode("cp1252"), "not a UTF-8 text file"),
    ],
)
def test_files_that_are_not_csv_text_say_so(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(CsvFileError, match=words) as exc:
        read_csv_text(path)
    assert str(exc.value).startswith(str(path))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CsvFileError, match="no such file"):
        read_csv_text(tmp_path / "nope.csv")
    with pytest.raises(CsvFileError, match="is a folder"):
        read_csv_text(tmp_path)


def test_a_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfdate,value\n")
    assert read_csv_text(path) == "date,value\n"
