"""Date parsing and formatting: UK day-first by default, ISO 8601 always."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import time
from collections.abc import Iterator

#: What the user is told a date may look like.
DATE_HELP = "use day/month/year such as 01/02/2019, '1 Feb 2019', or ISO 2019-02-01"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_DEFAULT_A = dt.datetime(2000, 1, 1)
_DEFAULT_B = dt.datetime(2001, 2, 2)


def _build(year: int, month: int, day: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' has month {month}; months run from 1 to 12 ({DATE_HELP})")
    last = month_days(year, month)
    if not 1 <= day <= last:
        import calendar  # only for this message: not imported at start-up (with locale, 0.3 ms)

        name = calendar.month_name[month]
        raise ValueError(
            f"'{text}' is not a real date: {name} {year} has {last} days ({DATE_HELP})"
        )
    if year < 1900 or year > 2200:
        raise ValueError(f"'{text}' has year {year}; give a year between 1900 and 2200")
    return dt.date(year, month, day)


class TwoDigitYearError(ValueError):
    """A date typed with a two-digit year ('02/01/25'): refused, never guessed.

    A ``ValueError`` like every other bad date; its own class lets a CSV reader tell a
    data row written with short years from a header row.
    """


def _full_year(short: int) -> int:
    """The year a two-digit ``short`` most likely means: within 20 years ahead of today."""
    year = today().year // 100 * 100 + short
    return year - 100 if year > today().year + 20 else year


def _two_digit_year(text: str, start: int, end: int, short: int) -> TwoDigitYearError:
    """The error for ``text`` whose year, ``short``, sits at ``text[start:end]``."""
    example = f"{text[:start]}{_full_year(short)}{text[end:]}"
    return TwoDigitYearError(f"'{text}': write the year in full, e.g. {example}")


def parse_date(text: str, *, dayfirst: bool = True) -> dt.date:
    """Parse a user's date; raise ``ValueError`` with a message fit to show them.

    ISO ``yyyy-mm-dd`` always works. Numeric dates are day-first unless
    ``dayfirst`` is false. Month names work ("1 Feb 2019"); a month and year
    alone ("Mar 2019") means the first of that month. Impossible dates such as
    31/02/2019 are errors, never rolled over or guessed.
    """
    s = text.strip()
    if not s:
        raise ValueError(f"no date given ({DATE_HELP})")
    if len(s) == 10 and s[4] == "-" and s[7] == "-" and s.isascii():
        # A CSV of 100,000 points is 100,000 ISO dates: a valid one is read in C. Anything
        # else (an impossible day, a year out of range) takes the way below, for its message.
        try:
            iso_day = dt.date.fromisoformat(s)
        except ValueError:
            pass
        else:
            if 1900 <= iso_day.year <= 2200:
                return iso_day
    if s[0] in "-+":
        # dateutil reads '-2025-01-01' as 1 January 2025: a sign is a slip, never a date.
        raise ValueError(f"'{s}' is not a date: it starts with '{s[0]}' ({DATE_HELP})")
    m = _ISO.match(s)
    if m:
        return _build(int(m[1]), int(m[2]), int(m[3]), s)
    m = _NUMERIC.match(s)
    if m:
        a, b, c = m[1], m[2], m[3]
        if len(a) == 4:  # yyyy/mm/dd
            return _build(int(a), int(b), int(c), s)
        if len(c) == 2:
            # '02/01/25' silently meaning 2025 (or 1925) is a guess about someone's data.
            raise _two_digit_year(s, m.start(3), m.end(3), int(c))
        if len(c) != 4:
            raise ValueError(f"'{s}' has year '{c}'; give a 4-digit year ({DATE_HELP})")
        day, month = (int(a), int(b)) if dayfirst else (int(b), int(a))
        return _build(int(c), month, day, s)
    if s.isdigit():
        raise ValueError(f"'{s}' is not a date ({DATE_HELP})")
    # Imported here: numeric and ISO dates (nearly all of them) never need it, and
    # dateutil costs start-up time.
    from dateutil import parser as _dateparser

    try:
        first = _dateparser.parse(s, dayfirst=dayfirst, default=_DEFAULT_A)
        second = _dateparser.parse(s, dayfirst=dayfirst, default=_DEFAULT_B)
    except (ValueError, OverflowError) as exc:
        reason = str(exc).split(":")[0]
        if "out of range" in reason or "must be in" in reason:
            raise ValueError(f"'{s}' is not a real date ({DATE_HELP})") from None
        raise ValueError(f"'{s}' is not a date ({DATE_HELP})") from None
    if first.year != second.year or first.month != second.month:
        raise ValueError(f"'{s}' needs a day, month and year ({DATE_HELP})")
    if (first.hour, first.minute, first.second) != (0, 0, 0):
        raise ValueError(f"'{s}' is not a plain date ({DATE_HELP})")
    if f"{first.year:04d}" not in s:
        # dateutil reads '1 Feb 25' as 2025: refused like '01/02/25'.
        short = first.year % 100
        found = list(re.finditer(rf"'?\b{short:02d}\b|'?\b{short}\b", s))
        if found:
            last = found[-1]
            raise _two_digit_year(s, last.start(), last.end(), short)
        raise TwoDigitYearError(f"'{s}': write the year in full ({DATE_HELP})")
    day = first.day if first.day == second.day else 1
    return _build(first.year, first.month, day, s)


def parse_optional_date(text: str | None, *, dayfirst: bool = True) -> dt.date | None:
    """Like :func:`parse_date`, but blank text means no date."""
    if text is None or not text.strip():
        return None
    return parse_date(text, dayfirst=dayfirst)


def format_date(value: dt.date | None, *, style: str = "uk") -> str:
    """Format a date for people (``01/02/2019``) or ``iso`` (``2019-02-01``)."""
    if value is None:
        return ""
    if style == "iso":
        return value.isoformat()
    if style == "long":
        return f"{value.day:02d} {value:%b %Y}"
    # Not strftime: four times slower, and lists of thousands of cases format two dates a row.
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def to_iso(value: dt.date | None) -> str | None:
    """ISO string for storage, or None."""
    return value.isoformat() if value is not None else None


def from_iso(value: str | None) -> dt.date | None:
    """Date from its stored ISO string, or None."""
    return dt.date.fromisoformat(value) if value else None


def add_period(day: dt.date, frequency: str, periods: int = 1) -> dt.date:
    """``day`` moved on by ``periods`` of a measure's ``frequency`` (monthly if unknown).

    Weekly and fortnightly move by days; monthly and quarterly by calendar months
    (the 31st becomes a shorter month's last day).
    """
    freq = frequency.strip().lower()
    if freq.startswith("week"):
        return day + dt.timedelta(days=7 * periods)
    if freq.startswith("fortnight"):
        return day + dt.timedelta(days=14 * periods)
    return add_months(day, (3 if freq.startswith("quarter") else 1) * periods)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months (the 31st becomes a shorter month's last day)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, month_days(year, month)))


def month_days(year: int, month: int) -> int:
    """The days in ``month`` of ``year``: ``calendar.monthrange(year, month)[1]``, without
    importing calendar (and locale) at start-up, where the overview moves dates by months."""
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


#: Environment variable that fixes "today" (ISO ``yyyy-mm-dd``) for the app, the CLI
#: and every process they start: tests pin it, and a trainer can replay the demo as
#: of a given day.
TODAY_ENV = "PDSA_TODAY"

_today_override: dt.date | None = None


def set_today(value: dt.date | None) -> None:
    """Fix what :func:`today` returns in this process (None: back to the env/clock)."""
    global _today_override
    _today_override = value


@contextlib.contextmanager
def as_of(value: dt.date) -> Iterator[None]:
    """Treat ``value`` as today inside the block (e.g. a demo built for another day)."""
    global _today_override
    before = _today_override
    _today_override = value
    try:
        yield
    finally:
        _today_override = before


def today_override() -> dt.date | None:
    """The fixed "today" (from :func:`set_today` or ``$PDSA_TODAY``), or None.

    Raises ``ValueError`` with a message fit for users when ``$PDSA_TODAY`` is
    set but is not an ISO date.
    """
    if _today_override is not None:
        return _today_override
    text = os.environ.get(TODAY_ENV, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{TODAY_ENV}='{text}' is not a date; give an ISO date such as 2026-11-22 or unset it"
        ) from None


def today() -> dt.date:
    """Today's date: the fixed one when set (see :func:`today_override`), else the clock.

    Everything that asks "what day is it?" (the demo, attention rules, forms,
    exports) calls this, never ``date.today()``, so one setting moves them all.
    A malformed ``$PDSA_TODAY`` is reported once by the CLI at start-up; here it
    falls back to the clock rather than break a screen.
    """
    try:
        fixed = today_override()
    except ValueError:
        fixed = None
    return fixed if fixed is not None else dt.date.today()


#: The second :func:`now_stamp` last wrote, and its text.
_stamped: tuple[int, str] = (-1, "")


def now_stamp() -> str:
    """A UTC timestamp for ``created``/``updated`` (to the second)."""
    global _stamped
    # Written once a second: a save stamps each record it writes (the demo, 400), and
    # reading the clock as a number is a tenth of the cost of making the text.
    second = int(time.time())
    if second != _stamped[0]:
        _stamped = (second, dt.datetime.fromtimestamp(second, dt.UTC).isoformat())
    return _stamped[1]
