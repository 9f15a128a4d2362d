"""Dates as people type them: UK day-first, ISO always, and errors that say what is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.model.dates import (
    DATE_HELP,
    TwoDigitYearError,
    format_date,
    from_iso,
    parse_date,
    parse_optional_date,
    to_iso,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/02/2019", D(2019, 2, 1)),  # day first: 1 February, not 2 January
        ("1/2/2019", D(2019, 2, 1)),
        ("01.02.2019", D(2019, 2, 1)),
        ("01-02-2019", D(2019, 2, 1)),
        ("  01/02/2019  ", D(2019, 2, 1)),
        ("31/12/2019", D(2019, 12, 31)),
        ("2019-02-01", D(2019, 2, 1)),
        ("2019-2-1", D(2019, 2, 1)),
        ("2019/02/01", D(2019, 2, 1)),
        ("1 Feb 2019", D(2019, 2, 1)),
        ("01 February 2019", D(2019, 2, 1)),
        ("1st February 2019", D(2019, 2, 1)),
        ("Feb 1 2019", D(2019, 2, 1)),
        ("Mar 2019", D(2019, 3, 1)),
        ("March 2019", D(2019, 3, 1)),
        ("29/02/2020", D(2020, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_iso_is_iso_even_when_month_first() -> None:
    assert parse_date("2019-02-01", dayfirst=False) == D(2019, 2, 1)
    assert parse_date("2019-12-01", dayfirst=True) == D(2019, 12, 1)


def test_dayfirst_false_reads_month_first() -> None:
    assert parse_date("02/01/2019", dayfirst=False) == D(2019, 2, 1)
    assert parse_date("02/01/2019") == D(2019, 1, 2)
    assert parse_date("12/31/2019", dayfirst=False) == D(2019, 12, 31)


def test_day_first_rejects_month_first_text() -> None:
    with pytest.raises(ValueError, match=r"'12/31/2019' has month 31; months run from 1 to 12"):
        parse_date("12/31/2019")


def _err(text: str, **kw: bool) -> str:
    with pytest.raises(ValueError) as info:
        parse_date(text, **kw)
    return str(info.value)


def test_31_february_is_not_a_real_date() -> None:
    msg = _err("31/02/2019")
    assert msg == f"'31/02/2019' is not a real date: February 2019 has 28 days ({DATE_HELP})"


def test_29_february_only_in_leap_years() -> None:
    assert "'29/02/2019' is not a real date: February 2019 has 28 days" in _err("29/02/2019")
    assert parse_date("29/02/2020") == D(2020, 2, 29)
    assert "'2019-02-29' is not a real date: February 2019 has 28 days" in _err("2019-02-29")
    assert "April 2019 has 30 days" in _err("31/04/2019")


def test_month_13() -> None:
    assert _err("13/13/2019").startswith("'13/13/2019' has month 13; months run from 1 to 12")
    assert "has month 0" in _err("01/00/2019")
    assert "is not a real date" in _err("00/01/2019")


def test_31_feb_in_words_is_not_a_real_date() -> None:
    assert _err("31 Feb 2019") == f"'31 Feb 2019' is not a real date ({DATE_HELP})"


def test_empty() -> None:
    assert _err("") == f"no date given ({DATE_HELP})"
    assert _err("   ") == f"no date given ({DATE_HELP})"


@pytest.mark.parametrize("text", ["hello", "2019", "20190201", "next week"])
def test_not_a_date(text: str) -> None:
    assert _err(text) == f"'{text}' is not a date ({DATE_HELP})"


def test_missing_year_or_day_and_month() -> None:
    assert _err("1 Feb") == f"'1 Feb' needs a day, month and year ({DATE_HELP})"
    assert _err("10:30") == f"'10:30' needs a day, month and year ({DATE_HELP})"
    assert _err("01/02") == f"'01/02' needs a day, month and year ({DATE_HELP})"


@pytest.mark.parametrize("text", ["01/02/2019 10:30", "1 Feb 2019 9am", "2019-02-01T10:00"])
def test_time_of_day_is_not_a_plain_date(text: str) -> None:
    assert _err(text) == f"'{text}' is not a plain date ({DATE_HELP})"


@pytest.mark.parametrize(
    ("text", "example"),
    [
        ("02/01/25", "02/01/2025"),
        ("2/1/25", "2/1/2025"),
        ("02.01.25", "02.01.2025"),
        ("02-01-25", "02-01-2025"),
        ("01/02/99", "01/02/1999"),
        ("1 Feb 19", "1 Feb 2019"),
        ("19 Feb 19", "19 Feb 2019"),
        ("Feb 1 19", "Feb 1 2019"),
        ("1 Feb '19", "1 Feb 2019"),
    ],
)
def test_two_digit_year_is_refused_never_guessed(text: str, example: str) -> None:
    """Issue 24, item 8: '02/01/25' used to mean 2025 without a word."""
    with pytest.raises(TwoDigitYearError) as info:
        parse_date(text)
    assert str(info.value) == f"'{text}': write the year in full, e.g. {example}"
    assert isinstance(info.value, ValueError)  # every caller's `except ValueError` holds


def test_two_digit_year_refused_month_first_too() -> None:
    with pytest.raises(TwoDigitYearError, match=r"e\.g\. 12/31/2019"):
        parse_date("12/31/19", dayfirst=False)


def test_three_digit_year() -> None:
    assert _err("01/02/201") == f"'01/02/201' has year '201'; give a 4-digit year ({DATE_HELP})"


def test_year_out_of_range() -> None:
    assert _err("01/02/1850") == "'01/02/1850' has year 1850; give a year between 1900 and 2200"
    assert "has year 2300" in _err("2300-01-01")


def test_help_text_in_every_format_error() -> None:
    assert "01/02/2019" in DATE_HELP and "2019-02-01" in DATE_HELP


def test_parse_optional_date() -> None:
    assert parse_optional_date(None) is None
    assert parse_optional_date("") is None
    assert parse_optional_date("  ") is None
    assert parse_optional_date("01/02/2019") == D(2019, 2, 1)
    assert parse_optional_date("02/01/2019", dayfirst=False) == D(2019, 2, 1)
    with pytest.raises(ValueError, match="not a real date"):
        parse_optional_date("31/02/2019")


def test_format_date_styles() -> None:
    d = D(2019, 2, 1)
    assert format_date(d) == "01/02/2019"
    assert format_date(d, style="iso") == "2019-02-01"
    assert format_date(d, style="long") == "01 Feb 2019"
    assert format_date(None) == ""


def test_iso_helpers() -> None:
    assert to_iso(D(2019, 2, 1)) == "2019-02-01"
    assert to_iso(None) is None
    assert from_iso("2019-02-01") == D(2019, 2, 1)
    assert from_iso(None) is None
    assert from_iso("") is None


dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@settings(max_examples=300, database=None, deadline=None)
@given(dates)
def test_formatted_dates_parse_back(value: dt.date) -> None:
    assert parse_date(f"{value.day:02d}/{value.month:02d}/{value.year:04d}") == value
    assert parse_date(value.isoformat()) == value
    assert parse_date(format_date(value)) == value
    assert parse_date(format_date(value, style="long")) == value
    assert parse_date(format_date(value, style="iso"), dayfirst=False) == value
    assert (
        parse_date(f"{value.month:02d}/{value.day:02d}/{value.year:04d}", dayfirst=False) == value
    )


def test_add_months_clamps_the_day_and_crosses_years() -> None:
    from pdsa_tui.model.dates import add_months

    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)
    assert add_months(dt.date(2026, 3, 31), -13) == dt.date(2025, 2, 28)


def test_iso_fast_path_gives_what_the_full_parser_gives() -> None:
    """A 10-character ISO date is read in C when valid; every other one keeps its message."""
    import re

    from pdsa_tui.model import dates

    iso = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

    def full(s: str) -> tuple[str, object]:
        m = iso.match(s)
        assert m is not None
        try:
            return ("ok", dates._build(int(m[1]), int(m[2]), int(m[3]), s))
        except ValueError as exc:
            return ("error", str(exc))

    def fast(s: str) -> tuple[str, object]:
        try:
            return ("ok", dates.parse_date(s))
        except ValueError as exc:
            return ("error", str(exc))

    for year in (1, 1899, 1900, 2000, 2024, 2200, 2201, 9999):
        for month in range(14):
            for day in range(33):
                s = f"{year:04d}-{month:02d}-{day:02d}"
                assert fast(s) == full(s), s


def test_month_days_are_calendars() -> None:
    """``month_days`` (start-up does without importing calendar) is calendar.monthrange's."""
    import calendar

    from pdsa_tui.model.dates import month_days

    for year in (1, 1900, 1999, 2000, 2023, 2024, 2100, 2200, 9999):
        for month in range(1, 13):
            assert month_days(year, month) == calendar.monthrange(year, month)[1]
