"""Bad input, property-based: parsers and validators only ever raise their own errors.

* ``parse_date`` raises nothing but ``ValueError`` and round-trips every real date
  written as dd/mm/yyyy, d/m/yy, ISO, '1 Feb 2019' and '1 February 2019';
* ``from_form`` for aims, measures, change ideas, cycles and feedback, with any text in
  any field, raises nothing but ``ValidationError`` and never accepts a number out of
  its range (or not finite); what it accepts validates;
* ``point_from_form`` likewise, for every unit;
* ``read_series_csv`` raises nothing but ``CsvError``, and every row it accepts validates;
* text with markup, control characters, emoji and right-to-left scripts survives a
  save and a reopen byte-exact; text that cannot be stored at all (a lone surrogate)
  is refused with a clear error and the store keeps working.

200 examples per property by default; ``PDSA_ROBUST_SCALE=N`` (or ``--long``: 5)
multiplies that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robust_corpus import demo_file

from pdsa_tui.model import (
    Aim,
    ChangeIdea,
    Cycle,
    Feedback,
    Measure,
    Record,
    ValidationError,
    point_from_form,
)
from pdsa_tui.model.choices import UNITS
from pdsa_tui.model.csvseries import CsvError, read_series_csv
from pdsa_tui.model.dates import TwoDigitYearError, parse_date
from pdsa_tui.model.forms import from_form, parse_number
from pdsa_tui.model.records import Task
from pdsa_tui.store import Store, WriteFailedError


def _scale() -> int:
    env = os.environ.get("PDSA_ROBUST_SCALE", "").strip()
    if env:
        return max(1, int(env))
    # Hypothesis settings are fixed when the module is imported, before fixtures run.
    return 5 if "--long" in sys.argv else 1


EXAMPLES = 200 * _scale()
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
RUN: dict[str, int] = {}


def _count(name: str) -> None:
    RUN[name] = RUN.get(name, 0) + 1


# -- text that looks like what users type, and like what breaks parsers ------------------
NASTY = [
    "",
    " ",
    "\t\n",
    "31/02/2019",
    "29/02/2019",
    "29/02/2020",
    "00/00/0000",
    "1/1/1",
    "2019-13-01",
    "9999-12-31",
    "1e309",
    "-1e309",
    "nan",
    "NaN%",
    "inf",
    "-0",
    "1,000,000",
    "101%",
    "-5",
    "1_000",
    "٣",  # an Arabic-Indic digit: float() accepts it
    "１２",  # full-width digits
    "[bold]x[/]",
    "[link=http://x]y",
    "\x00",
    "\x1b[31mred",
    "😀",
    "‮RTL override",
    "אבג",
    "a | b | c | d | e",
    "Feb 2019",
    "1 Feb 2019",
    "yes",
    "adapt",
    "Adopt",
    "outcome",
    "percent",
    "𝟘",
]
numberish = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(min_value=-200, max_value=200).map(lambda x: f"{x:.3g}%"),
)
dateish = st.one_of(
    st.dates().map(lambda d: f"{d.day}/{d.month}/{d.year}"),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.integers(-5, 40), st.integers(-2, 14), st.integers(-1, 10000)).map(
        lambda t: f"{t[0]}/{t[1]}/{t[2]}"
    ),
)
field_text = st.one_of(st.text(max_size=40), st.sampled_from(NASTY), numberish, dateish)


# -- dates ------------------------------------------------------------------------------
@SETTINGS
@given(st.one_of(st.text(max_size=30), st.sampled_from(NASTY), dateish))
def test_parse_date_raises_only_value_error(text: str) -> None:
    _count("parse_date: any text")
    try:
        parsed = parse_date(text)
    except ValueError as exc:
        assert str(exc)  # a message to show the user
        # ValueError itself, or its one subclass for a two-digit year (never a parser's own).
        assert type(exc) in (ValueError, TwoDigitYearError)
    else:
        assert isinstance(parsed, dt.date) and 1900 <= parsed.year <= 2200


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@SETTINGS
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_parse_date_round_trips_every_style(day: dt.date) -> None:
    _count("parse_date: round trips")
    styles = [
        f"{day:%d/%m/}{day.year:04d}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {day:%B} {day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
    ]
    for text in styles:
        assert parse_date(text) == day, text
        assert parse_date(f"  {text}\t") == day, text
    short = f"{day.day}/{day.month}/{day.year % 100:02d}"
    with pytest.raises(TwoDigitYearError, match="write the year in full"):
        parse_date(short)  # never guessed (issue 24, item 8)


# -- forms -------------------------------------------------------------------------------
FORM_TYPES: list[type[Record]] = [Aim, Measure, ChangeIdea, Cycle, Feedback]


def _check_numbers(record: Record) -> None:
    for spec in type(record).specs():
        value = getattr(record, spec.name)
        if spec.kind in ("number", "percent") and value is not None:
            assert isinstance(value, float) and math.isfinite(value), (spec.name, value)
            if spec.kind == "percent":
                assert 0 <= value <= 100, (spec.name, value)
            if spec.minimum is not None:
                assert value >= spec.minimum
            if spec.maximum is not None:
                assert value <= spec.maximum
    if isinstance(record, Measure) and record.unit == "percent" and record.goal is not None:
        assert 0 <= record.goal <= 100


@st.composite
def form_values(draw: st.DrawFn, cls: type[Record]) -> dict[str, str]:
    values: dict[str, str] = {}
    for spec in cls.specs():
        choice = draw(st.integers(0, 9))
        if choice == 0:
            continue  # a field the form does not show
        if spec.kind == "choice" and spec.choices and choice < 5:
            values[spec.name] = draw(
                st.sampled_from([*spec.choices, *spec.choices.values(), "maybe"])
            )
        elif spec.required and choice < 4:
            values[spec.name] = draw(st.text(min_size=1, max_size=20)) + "x"
        else:
            values[spec.name] = draw(field_text)
    return values


@pytest.mark.parametrize("cls", FORM_TYPES, ids=lambda c: c.__name__)
def test_from_form_raises_only_validation_error(cls: type[Record]) -> None:
    @SETTINGS
    @given(form_values(cls))
    def check(values: dict[str, str]) -> None:
        _count(f"from_form({cls.__name__})")
        try:
            record = from_form(cls, values)
        except ValidationError as exc:
            assert exc.errors and all(e.message for e in exc.errors)
            return
        assert record.validate() == []
        _check_numbers(record)
        # What a form accepted is what the store stores: it survives to_dict/from_dict.
        assert type(record).from_dict(record.to_dict()) == record

    check()


@SETTINGS
@given(
    date=field_text,
    value=field_text,
    numerator=field_text,
    denominator=field_text,
    note=field_text,
    unit=st.sampled_from(sorted(UNITS)),
)
def test_point_from_form_raises_only_validation_error(
    date: str, value: str, numerator: str, denominator: str, note: str, unit: str
) -> None:
    _count("point_from_form")
    try:
        point = point_from_form(
            date=date,
            value=value,
            numerator=numerator,
            denominator=denominator,
            note=note,
            unit=unit,
        )
    except ValidationError as exc:
        assert exc.errors
        return
    assert point.validate(unit) == []
    numbers = [x for x in (point.value, point.numerator, point.denominator) if x is not None]
    assert all(math.isfinite(x) for x in numbers)
    if point.value is None:
        assert point.denominator is not None and point.numerator is not None
        assert 0 <= point.numerator <= point.denominator and point.denominator > 0
    elif unit == "percent":
        assert 0 <= point.value <= 100
    elif unit in ("count", "days", "weeks", "rate"):
        assert point.value >= 0


@SETTINGS
@given(field_text)
def test_parse_number_raises_only_validation_error(text: str) -> None:
    _count("parse_number")
    try:
        value = parse_number(text)
    except ValidationError:
        return
    assert value is None or math.isfinite(value)


# -- CSV ---------------------------------------------------------------------------------
HEADERS = [
    "date,value",
    "date,numerator,denominator",
    "date,value,note",
    "Date,Value",
    "\ufeffdate,value",
    "date,numerator,denominator,note,rebase_after,baseline_end",
    "date",
    "value,date",
    "date,value,colour",
    "",
]
cell = st.one_of(field_text, st.sampled_from(['"a,b"', '"unclosed', '""', "yes", "x"]))


@st.composite
def csv_text(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=200))
    header = draw(st.sampled_from(HEADERS))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=7), max_size=8))
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return sep.join([header, *(",".join(r) for r in rows)]) + draw(st.sampled_from(["", sep]))


@SETTINGS
@given(csv_text(), st.sampled_from(sorted(UNITS)))
def test_read_series_csv_raises_only_csv_error(text: str, unit: str) -> None:
    _count("read_series_csv")
    try:
        series = read_series_csv(text, "points.csv", unit=unit)
    except CsvError as exc:
        assert str(exc).startswith("points.csv")
        return
    assert series.points
    for point in series.points:
        assert point.validate(unit) == []
        assert (point.value is None) == series.ratio


# -- text survives the store byte-exact -------------------------------------------------
ODD_TEXT = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"]),  # everything but lone surrogates
        max_size=300,
    ),
    st.lists(
        st.sampled_from(
            [
                "[bold]x[/]",
                "[/]",
                "[link=http://evil]click[/link]",
                "\x00",
                "\x07",
                "\x1b[2J",
                "\r\n",
                "\u2028",
                "😀",
                "👩🏽‍👧",
                "‮",
                "مرحبا",
                "שלום",
                "e\u0301",
                "\ufeff",
                '"quote" \\ backslash',
                "</script>",
                "{{ x }}",
                "%s %d",
            ]
        ),
        max_size=20,
    ).map("".join),
)


@pytest.fixture(scope="module")
def odd_store() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "odd.json", create=True)
        aim = store.save(Aim(code="Aim 1", statement="By 2019, 85%"))
        idea = store.save(ChangeIdea(aim_id=aim.id, title="Idea", lead="TL"))
        try:
            yield store, aim, idea
        finally:
            store.close()


def test_odd_text_survives_save_and_reopen(odd_store: Any) -> None:
    store, aim, idea = odd_store

    @SETTINGS
    @given(ODD_TEXT, ODD_TEXT)
    def check(text: str, other: str) -> None:
        _count("odd text: save + reopen")
        current = store.get(Aim, aim.id)  # edit the stored version, as a form would
        saved_aim = store.save(dataclasses.replace(current, statement="x" + text, notes=other))
        cycle = store.save(
            Cycle(
                idea_id=idea.id,
                objective="o" + text,
                what_happened=other,
                tasks=[Task(who=text, what=other, when="wk1", where=text)],
            )
        )
        fb = store.save(
            Feedback(
                cycle_id=cycle.id,
                date=dt.date(2019, 3, 1),
                source="carer",
                text="t" + text,
                themes=[text or "x"],
            )
        )
        with Store.open(store.path, read_only=True) as again:
            assert again.get(Aim, aim.id).statement == saved_aim.statement
            assert again.get(Aim, aim.id).notes == other
            back = again.get(Cycle, cycle.id)
            assert back.objective == "o" + text and back.what_happened == other
            assert back.tasks == cycle.tasks
            assert again.get(Feedback, fb.id).text == "t" + text
            assert again.get(Feedback, fb.id).themes == [text or "x"]
        store.delete(cycle)

    check()


def test_text_that_cannot_be_stored_is_refused_and_the_store_keeps_working(tmp_path: Path) -> None:
    """A lone surrogate (from a non-UTF-8 argument or paste) once poisoned every later save."""
    path = tmp_path / "pdsa.json"
    with Store.open(path, create=True) as store:
        before = path.read_bytes()
        with pytest.raises(WriteFailedError, match=r"'\\udcff'.*last successful save"):
            store.save(Aim(code="Aim \udcff", statement="By 2019, 85%"))
        assert store.all(Aim) == [] and path.read_bytes() == before
        store.save(Aim(code="Aim 1", statement="By 2019, 85%"))  # the next save works
    with Store.open(path, read_only=True) as again:
        assert [a.code for a in again.all(Aim)] == ["Aim 1"]


def test_cli_argument_that_is_not_utf8(tmp_path: Path) -> None:
    from pdsa_tui.demo import AIM4_WEEKS

    path = demo_file(tmp_path)
    before = path.read_bytes()
    note = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of non-UTF-8 argv
    argv = ["data", "add", "--db", str(path), "--measure", AIM4_WEEKS, "--date", "01/01/2031"]
    proc = subprocess.run(
        [sys.executable, "-m", "pdsa_tui", *argv, "--value", "1", "--note", note],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
    assert path.read_bytes() == before


def test_zz_summary(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        total = sum(RUN.values())
        parts = ", ".join(f"{k} {v}" for k, v in RUN.items())
        print(f"\nrobust properties: {total} hypothesis examples ({parts})")
