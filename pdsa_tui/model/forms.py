"""Turning what a user typed into records, with a specific message for each bad field."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from pdsa_tui.model.base import FieldSpec, Record, new_id
from pdsa_tui.model.choices import match_choice
from pdsa_tui.model.dates import format_date, parse_date
from pdsa_tui.model.errors import FieldError, ValidationError
from pdsa_tui.model.measures import DataPoint, mean_of
from pdsa_tui.model.records import Task
from pdsa_tui.model.rows import ROW_KINDS, parse_rows, rows_text

R = TypeVar("R", bound=Record)


#: The one rule for numbers typed anywhere (forms, ``--value``, CSV files).
NUMBER_RULE = "digits with a point for decimals and no thousands separator, e.g. 3.5 or 1000"


def read_number(text: str) -> float:
    """A finite number from ``text`` by :data:`NUMBER_RULE`; ``ValueError`` says what is wrong.

    A comma is refused, never guessed: "3,5" (three and a half in much of Europe)
    and "1,000" (a thousand) look alike, and either reading would silently
    rescale someone's data.
    """
    s = text.strip()
    if "," in s:
        raise ValueError(f"'{s}' has a comma; type {NUMBER_RULE}")
    try:
        if not s.isascii() or "_" in s:
            raise ValueError(s)  # float() takes "1_000" and other scripts' digits
        value = float(s)
    except ValueError:
        raise ValueError(f"'{s}' is not a number; type digits, e.g. 42 or 7.5") from None
    if not math.isfinite(value):
        # "1e400" reads as infinity: to the user it is a number far too large, not a word.
        what = (
            "is too large for any measure"
            if any(c.isdigit() for c in s)
            else "is not a finite number"
        )
        raise ValueError(f"'{s}' {what}; type {NUMBER_RULE}")
    return value


def parse_number(text: str, *, label: str = "Value", field: str = "value") -> float | None:
    """A number a user typed (blank: none; a trailing % allowed) by :data:`NUMBER_RULE`."""
    s = text.strip()
    if s.endswith("%"):
        s = s[:-1].strip()
    if not s:
        return None
    try:
        return read_number(s)
    except ValueError as exc:
        raise ValidationError([FieldError(field, label, str(exc))]) from None


def parse_field(spec: FieldSpec, text: str) -> Any:
    """Parse one form field's text by its spec; raise :class:`ValidationError` if it is bad."""
    s = text.strip()
    kind = spec.kind
    if kind in ("text", "longtext"):
        return text.strip() if kind == "text" else text.rstrip()
    if kind == "date":
        if not s:
            return None
        try:
            return parse_date(s)
        except ValueError as exc:
            raise ValidationError([FieldError(spec.name, spec.label, str(exc))]) from None
    if kind in ("number", "percent"):
        return parse_number(s, label=spec.label, field=spec.name)
    if kind == "choice":
        if not s:
            return ""
        assert spec.choices is not None
        value = match_choice(spec.choices, s)
        if value is None:
            accepted = ", ".join(spec.choices.values())
            raise ValidationError(
                [FieldError(spec.name, spec.label, f"'{s}' is not one of: {accepted}")]
            )
        return value
    if kind == "list":
        # Semicolons, when present, separate items that hold commas ("TM, East team; SW").
        sep = ";" if ";" in s else ","
        return [p.strip() for p in s.replace("\n", sep).split(sep) if p.strip()]
    if kind == "tasks":
        return [Task.from_line(line) for line in text.splitlines() if line.strip()]
    if kind in ROW_KINDS:
        try:
            return parse_rows(kind, text)
        except ValueError as exc:
            raise ValidationError([FieldError(spec.name, spec.label, str(exc))]) from None
    raise KeyError(f"unknown field kind {kind!r}")


def field_text(record: Record, name: str) -> str:
    """The text a form shows for field ``name`` of ``record``."""
    spec = type(record).spec(name)
    value = getattr(record, name)
    if value is None:
        return ""
    if spec.kind == "date":
        return format_date(value)
    if spec.kind in ("number", "percent"):
        return number_text(value)
    if spec.kind == "list":
        return ("; " if any("," in v for v in value) else ", ").join(value)
    if spec.kind == "tasks":
        return "\n".join(t.to_line() for t in value)
    if spec.kind in ROW_KINDS:
        return rows_text(value)
    return str(value)


def number_text(value: float) -> str:
    """``value`` as a form shows it: plain digits that read back as the same number."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(float(value))
    return text if "e" in text or "inf" in text or "nan" in text else text.rstrip("0")


def to_form(record: Record) -> dict[str, str]:
    """Every editable field of ``record`` as form text."""
    return {s.name: field_text(record, s.name) for s in type(record).specs()}


def from_form(cls: type[R], values: Mapping[str, str], base: R | None = None) -> R:
    """A validated record from form text, on top of ``base`` (ids and links kept).

    Raises :class:`ValidationError` with every bad field at once, so a form
    can mark them all and keep what the user typed.
    """
    errors: list[FieldError] = []
    changes: dict[str, Any] = {}
    for spec in cls.specs():
        if spec.name not in values:
            continue
        if base is not None and values[spec.name] == field_text(base, spec.name):
            # Untouched: keep the stored value exactly (a list item holding a comma, or a
            # number with more digits than a form shows, must not change on a mere save).
            continue
        try:
            changes[spec.name] = parse_field(spec, values[spec.name])
        except ValidationError as exc:
            errors.extend(exc.errors)
    record = dataclasses.replace(base, **changes) if base is not None else cls(**changes)
    record = record.after_form(base)
    if errors:
        # Report parse errors first, then whatever the rest of the record lacks.
        parsed_bad = {e.field for e in errors}
        errors.extend(e for e in record.validate() if e.field not in parsed_bad)
        raise ValidationError(errors)
    return record.check()


def draft_from_form(cls: type[R], values: Mapping[str, str], base: R | None = None) -> R:
    """The record as typed so far, unvalidated: a field that does not read keeps ``base``'s value.

    For what a form shows while typing (warnings); saving goes through :func:`from_form`.
    """
    changes: dict[str, Any] = {}
    for spec in cls.specs():
        if spec.name in values:
            with contextlib.suppress(ValidationError):
                changes[spec.name] = parse_field(spec, values[spec.name])
    return dataclasses.replace(base, **changes) if base is not None else cls(**changes)


def parse_observations(text: str) -> tuple[list[float], list[FieldError]]:
    """Numbers separated by semicolons; blank items are skipped; each problem names its place."""
    out: list[float] = []
    errors: list[FieldError] = []
    items = [t.strip() for t in text.replace("\n", ";").split(";")]
    for k, item in enumerate(i for i in items if i):
        try:
            out.append(read_number(item))
        except ValueError as exc:
            errors.append(FieldError("value", "Value", f"observation {k + 1}: {exc}"))
    if not out and not errors:
        errors.append(FieldError("value", "Value", "no numbers between the semicolons"))
    return out, errors


def point_from_form(
    *,
    date: str,
    value: str = "",
    numerator: str = "",
    denominator: str = "",
    note: str = "",
    rebase_after: bool = False,
    baseline_end: bool = False,
    unit: str = "count",
    base: DataPoint | None = None,
) -> DataPoint:
    """A validated data point from form text (raises :class:`ValidationError`).

    A value of several numbers separated by semicolons ("12; 15; 9": one per child)
    is a point of several observations, its value their mean.
    """
    errors: list[FieldError] = []
    observations: list[float] = []
    if ";" in value:
        observations, problems = parse_observations(value)
        errors.extend(problems)
        value = number_text(mean_of(observations)) if observations and not problems else ""
    parsed_date = None
    try:
        parsed_date = parse_date(date)
    except ValueError as exc:
        errors.append(FieldError("date", "Date", str(exc)))
    nums: dict[str, float | None] = {}
    for name, label, text in (
        ("value", "Value", value),
        ("numerator", "Numerator", numerator),
        ("denominator", "Denominator", denominator),
    ):
        try:
            nums[name] = parse_number(text, label=label, field=name)
        except ValidationError as exc:
            errors.extend(exc.errors)
            nums[name] = None
    point = DataPoint(
        date=parsed_date or (base.date if base else None),  # type: ignore[arg-type]
        value=nums["value"],
        numerator=nums["numerator"],
        denominator=nums["denominator"],
        note=note.strip(),
        rebase_after=rebase_after,
        baseline_end=baseline_end,
        id=base.id if base else new_id(),
        observations=observations if len(observations) > 1 else [],
    )
    if len(observations) > 1:
        point.value = mean_of(observations)  # exactly, not through the text
    bad = {e.field for e in errors}
    errors.extend(e for e in point.validate(unit) if e.field not in bad)
    if errors:
        raise ValidationError(errors)
    return point
