"""What every record is: a dataclass whose fields' metadata drives checks, forms and loading.

Field metadata (``label``, ``kind``, ``choices``, ``required``, ``min``/``max``, ``help``)
is read once per class into :class:`FieldSpec` rows, so a field is described once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from typing import Any, ClassVar, Protocol, Self, TypeVar

from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import from_iso, now_stamp
from pdsa_tui.model.errors import FieldError, ValidationError
from pdsa_tui.model.rows import ROW_KINDS, load_rows
from pdsa_tui.valueclass import value_class


def new_id() -> str:
    """A fresh record id (uuid4)."""
    return str(uuid.uuid4())


def spec_field(
    label: str,
    kind: str = "text",
    *,
    default: Any = "",
    required: bool = False,
    choices: dict[str, str] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    help: str = "",
    item: type | None = None,
) -> Any:
    meta = {
        "label": label,
        "kind": kind,
        "required": required,
        "choices": choices,
        "min": minimum,
        "max": maximum,
        "help": help,
        "item": item,
    }
    if isinstance(default, list):
        return field(default_factory=list, metadata=meta)
    return field(default=default, metadata=meta)


def internal_field(default: Any = "") -> Any:
    return field(default=default, metadata={"kind": "internal", "label": ""})


@value_class(frozen=True)
class FieldSpec:
    """How one record field is labelled, typed and checked."""

    name: str
    label: str
    kind: str
    required: bool
    choices: dict[str, str] | None
    minimum: float | None
    maximum: float | None
    help: str


_R = TypeVar("_R", bound="Record")


class RecordSource(Protocol):
    """What a record's rules may ask of the records stored beside it (the store)."""

    def all(self, cls: type[_R]) -> list[_R]:
        """Every record of type ``cls``."""
        ...

    def belonging_to(self, cls: type[_R], owner_id: str) -> list[_R]:
        """The records of type ``cls`` that belong to the record ``owner_id``."""
        ...


@value_class
class Record:
    """Fields every stored record has: a stable id and timestamps."""

    #: The table of the file that holds records of this type (see :mod:`.registry`).
    TABLE: ClassVar[str] = ""
    #: How messages name one record: "change idea".
    NOUN: ClassVar[str] = ""
    #: How counts name one and many: ("PDSA cycle", "PDSA cycles").
    COUNTED: ClassVar[tuple[str, str]] = ("", "")
    #: The field linking to the record this one belongs to, and that record's table.
    PARENT: ClassVar[tuple[str, str] | None] = None

    id: str = field(default_factory=new_id, metadata={"kind": "internal", "label": "Id"})
    created: str = field(default_factory=now_stamp, metadata={"kind": "internal", "label": ""})
    updated: str = field(default_factory=now_stamp, metadata={"kind": "internal", "label": ""})
    #: Revision "N-hash" of the stored version this record was read from ("" when new).
    rev: str = field(default="", metadata={"kind": "internal", "label": ""})
    #: Who saved this version (a role or initials).
    updated_by: str = field(default="", metadata={"kind": "internal", "label": ""})

    @classmethod
    def specs(cls) -> Iterator[FieldSpec]:
        """The user-editable fields, in form order."""
        specs = _SPECS.get(cls)
        return iter(specs if specs is not None else _specs(cls))

    @classmethod
    def spec_map(cls) -> Mapping[str, FieldSpec]:
        """The user-editable fields' specs by name, in form order (made once per class)."""
        found = _SPEC_MAP.get(cls)
        if found is None:
            found = _SPEC_MAP[cls] = {s.name: s for s in cls.specs()}
        return found

    @classmethod
    def spec(cls, name: str) -> FieldSpec:
        """The spec of field ``name`` (``KeyError`` if it has none)."""
        return cls.spec_map()[name]

    # -- storage ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for name, _load in _PLANS.get(type(self)) or _plan(type(self)):
            value = getattr(self, name)
            # Text, numbers, true/false and null are stored as they are (most fields).
            out[name] = value if value.__class__ in _PLAIN else _dump(value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from a stored dict; unknown keys are ignored, missing ones default."""
        plan = _PLANS.get(cls) or _plan(cls)
        kwargs: dict[str, Any] = {}
        for name, load in plan:
            if name in data:
                kwargs[name] = data[name] if load is None else load(data[name])
        return cls(**kwargs)

    # -- validation ------------------------------------------------------
    def validate(self) -> list[FieldError]:
        """Every problem with this record (empty when valid)."""
        cls = type(self)
        check = _VALIDATORS.get(cls)
        if check is None:
            seen = _VALIDATED[cls] = _VALIDATED.get(cls, 0) + 1
            if seen <= WRITE_OUT_AFTER:  # a few: not worth writing one out
                return _validate_each(self)
            check = _validator(cls)
        return check(self)

    def check(self) -> Self:
        """Return self, or raise :class:`ValidationError` listing every problem."""
        errors = self.validate()
        if errors:
            raise ValidationError(errors)
        return self

    def _cross_checks(self) -> list[FieldError]:
        return []

    def after_form(self, base: Self | None) -> Self:
        """Restore what a form cannot show (links inside rows) from ``base``."""
        return self

    # -- rules the store applies when saving and deleting ------------------------
    def before_save(self, stored: Self | None, source: RecordSource) -> Self:
        """This record as it is to be stored over ``stored`` (None: new).

        Raise :class:`~pdsa_tui.model.errors.RuleError` to refuse the save. By default:
        unchanged.
        """
        return self

    def deleted_with(self, source: RecordSource) -> list[Record]:
        """Records deleted with this one, besides those that belong to it."""
        return []

    @classmethod
    def merge_key(cls, doc: dict[str, Any]) -> tuple[str, ...] | None:
        """What makes two stored records of this table one thing (None: only the id does).

        Two copies that each add the same one (a case reference, an answer to one
        question) merge them into one record.
        """
        return None

    def unlinked_on_delete(self, source: RecordSource) -> list[Record]:
        """Records that outlive this one: saved, changed, before it is deleted."""
        return []

    def _err(self, name: str, message: str) -> FieldError:
        return FieldError(name, type(self).spec(name).label, message)


#: The types :func:`_dump` gives back as they are.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _dump(value: Any) -> Any:
    """``value`` as JSON holds it: a date as ISO text, a dataclass (a task, a data point)
    as an object of its fields, a list item by item."""
    if isinstance(value, dt.date):
        return value.isoformat()
    cls = value.__class__
    names = _DUMPED.get(cls)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _DUMPED[cls] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        out = {}
        for name in names:
            v = getattr(value, name)
            out[name] = v if v.__class__ in _PLAIN else _dump(v)
        return out
    if isinstance(value, list):
        return [v if v.__class__ in _PLAIN else _dump(v) for v in value]
    return value


#: Each dataclass's field names, as :func:`_dump` writes them (read once per class: a
#: save writes every task of a cycle, every point of a measure).
_DUMPED: dict[type, tuple[str, ...]] = {}


def _loader(kind: str | None, item: Any = None) -> Callable[[Any], Any] | None:
    """How a stored value of ``kind`` becomes the field's value (None: as it is).

    ``item`` is the class of a list field's items (a cycle's tasks, a measure's points).
    """
    if kind in ("date", "date-internal"):
        return from_iso
    if item is not None:
        return lambda value: [item.from_dict(v) for v in value or []]
    if kind == "list":
        return lambda value: [str(v) for v in value or []]
    if kind in ROW_KINDS:
        return functools.partial(load_rows, kind)
    return None


#: Per record class, its user-editable fields' specs, made once (records are validated
#: by the ten thousand: at every open for a check, at every save).
_SPECS: dict[type[Record], tuple[FieldSpec, ...]] = {}
#: The same specs by name (:meth:`Record.spec_map`).
_SPEC_MAP: dict[type[Record], dict[str, FieldSpec]] = {}


def _specs(cls: type[Record]) -> tuple[FieldSpec, ...]:
    specs = tuple(
        FieldSpec(
            f.name,
            md["label"],
            md["kind"],
            md["required"],
            md["choices"],
            md["min"],
            md["max"],
            md["help"],
        )
        for f in dataclasses.fields(cls)
        if (md := f.metadata).get("kind", "internal") not in ("internal", "points", "date-internal")
    )
    _SPECS[cls] = specs
    return specs


#: Per record class, the specs :func:`_check_field` can find fault with: a field neither
#: required nor a choice or number is right whatever it holds (records are validated by
#: the ten thousand: every record at a check, the saved one at every save).
_CHECKED: dict[type[Record], tuple[FieldSpec, ...]] = {}
_VALUE_KINDS = frozenset({"choice", "number", "percent"})


def _checked(cls: type[Record]) -> tuple[FieldSpec, ...]:
    specs = tuple(s for s in cls.specs() if s.required or s.kind in _VALUE_KINDS)
    _CHECKED[cls] = specs
    return specs


#: Per record class, its :meth:`Record.validate` (see :func:`_validator`).
_VALIDATORS: dict[type[Record], Callable[[Any], list[FieldError]]] = {}
#: Per record class, how many records were validated before its validator was written.
_VALIDATED: dict[type[Record], int] = {}
#: A class's validator is written out once this many of its records were validated
#: field by field (writing one costs about what validating a hundred saves).
WRITE_OUT_AFTER = 100


def _validate_each(rec: Record) -> list[FieldError]:
    """:meth:`Record.validate` field by field: what the written-out one does, generically."""
    errors: list[FieldError] = []
    for s in _CHECKED.get(type(rec)) or _checked(type(rec)):
        value = getattr(rec, s.name)
        # Most of these are required text: only blank text can be wrong then.
        if type(value) is str and s.kind != "choice" and value.strip():
            continue
        errors.extend(_check_field(s, value))
    errors.extend(rec._cross_checks())
    return errors


def _validator(cls: type[Record]) -> Callable[[Any], list[FieldError]]:
    """``validate`` for ``cls``, written out for its checked fields (made once per class).

    Every record is validated at each ``pdsa check`` (80,000 of them at 50,000 cycles):
    the common values (filled-in text, a date, a choice that is one of its choices)
    are passed by one test each; anything else goes to :func:`_check_field`, whose
    messages say what is wrong, in field order, then the record's cross checks.
    """
    env: dict[str, Any] = {"CHECK": _check_field, "DATE": dt.date}
    lines = ["def validate(self):", "    errors = []"]
    for i, s in enumerate(_CHECKED.get(cls) or _checked(cls)):
        env[f"S{i}"] = s
        lines.append(f"    v = self.{s.name}")
        if s.kind in _VALUE_KINDS and not (s.kind == "choice" and s.choices is None):
            if s.kind == "choice":
                assert s.choices is not None
                # Blank is right when not required; else only one of the choices is.
                ok = {k for k in s.choices if k.strip()} | (set() if s.required else {""})
                env[f"OK{i}"] = frozenset(ok)
                lines.append(f"    if v.__class__ is not str or v not in OK{i}:")
            else:
                lines.append("    if True:")  # numbers: ranges, finiteness (rarely many)
        else:
            # Required text or a date: only empty can be wrong.
            lines.append(
                "    if (v.__class__ is not str or not v.strip()) and v.__class__ is not DATE:"
            )
        lines.append(f"        errors += CHECK(S{i}, v)")
    lines += ["    cross = self._cross_checks()", "    if cross:", "        errors += cross"]
    lines.append("    return errors")
    code = compile("\n".join(lines), f"<pdsa validate of {cls.__name__}>", "exec")
    exec(code, env)  # our own source, written above from the class's fields
    made: Callable[[Any], list[FieldError]] = env["validate"]
    _VALIDATORS[cls] = made
    return made


#: Per record class, each field's name and loader: ``from_dict`` runs for every record
#: at open, so the field metadata is read once per class, not once per record.
_PLANS: dict[type[Record], tuple[tuple[str, Callable[[Any], Any] | None], ...]] = {}


def _plan(cls: type[Record]) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    plan = tuple(
        (f.name, _loader(f.metadata.get("kind"), f.metadata.get("item")))
        for f in dataclasses.fields(cls)
    )
    _PLANS[cls] = plan
    return plan


def field_loader(cls: type[Record], name: str) -> Callable[[Any], Any] | None:
    """How ``from_dict`` loads the stored value of field ``name`` (None: as it is)."""
    return dict(_PLANS.get(cls) or _plan(cls))[name]


def _number_text(value: float) -> str:
    return f"{value:g}"


def amount_text(value: float) -> str:
    """A value as a message quotes it: in full to 15 digits (``36,501``, ``1e+308``).

    ``:g`` would show 1,000,000,001 as ``1e+09``, the very limit it is refused for.
    """
    return f"{value:,.15g}"


def range_text(unit: str) -> str:
    """What a ``unit`` measure accepts, e.g. ``0 to 36,500``."""
    lo, hi = C.UNIT_RANGES[unit]
    return f"{amount_text(lo)} to {amount_text(hi)}"


def not_finite(value: float) -> str:
    return f"is not a finite number ({value}); give digits, e.g. 42 or 7.5"


def _check_field(s: FieldSpec, value: Any) -> list[FieldError]:
    def err(message: str) -> list[FieldError]:
        return [FieldError(s.name, s.label, message)]

    # Blank text ("  ") is as empty as "" (forms strip it; the API and CLI may not).
    empty = value is None or (isinstance(value, str) and not value.strip()) or value == []
    if empty:
        if s.required:
            return err("is required; it cannot be left empty")
        return []
    if s.kind == "choice" and s.choices is not None and value not in s.choices:
        accepted = ", ".join(s.choices.values())
        return err(f"'{value}' is not one of the choices; choose one of: {accepted}")
    if s.kind in ("number", "percent") and isinstance(value, int | float):
        if not math.isfinite(value):
            return err(not_finite(value))
        lo, hi = s.minimum, s.maximum
        if s.kind == "percent" and (value < 0 or value > 100):
            return err(f"must be a percentage from 0 to 100; got {_number_text(value)}")
        if lo is not None and value < lo:
            return err(f"must be at least {_number_text(lo)}; got {_number_text(value)}")
        if hi is not None and value > hi:
            return err(f"must be at most {_number_text(hi)}; got {_number_text(value)}")
    return []
