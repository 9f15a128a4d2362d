"""Checking and building a table's records in one walk, by a function made for its class.

Opening a file checks every stored field (:func:`~.checks.records_problem`) and then
builds every record (``Record.from_dict``): two walks over every field of every record,
each looking up what the field is and how it loads. At 50,000 cycles that was most of
an open. Here each record class gets one function, written out for its fields when
first needed, that reads each field once, checks its type and loads it in place, and
sets it on a record made without the generic ``__init__``.

It only ever says yes to what the full checks accept, and builds exactly what
``from_dict`` builds (tests compare the two). Anything less common (a value of a
wrong type, a missing id, a shared id, an older schema) makes it answer None: the
caller then runs the full checks, whose message names the table, record and field,
and builds the records the ordinary way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

from pdsa_tui.model.base import Record, field_loader
from pdsa_tui.model.records import Task
from pdsa_tui.store import written

#: A table's records by id and each one's document key, or None (not built here).
Built = tuple[dict[str, Record], dict[str, str]]
#: How a stored value of a field kind is refused: ``(kind, value) -> why or None``.
ValueProblem = Callable[[str, Any], str | None]

_MISSING = object()
#: A task's parts, in the order pdsa writes them.
_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(Task))
_TEXT = frozenset({"text", "longtext", "choice", "id"})

Builder = Callable[[Mapping[str, Any]], Built | None]

#: Per record class and whether it builds (or only checks), its function.
_BUILDERS: dict[tuple[type[Record], bool], Builder] = {}


def from_dicts(cls: type[Record], docs: Mapping[str, Any]) -> Built:
    """The records of a table by id, and their document keys, built by ``from_dict``
    (the plain way: for few records, or when the file needs its full checks)."""
    records: dict[str, Record] = {}
    doc_ids: dict[str, str] = {}
    for doc_id, doc in docs.items():
        rec = cls.from_dict(doc)
        records[rec.id] = rec
        doc_ids[rec.id] = doc_id
    return records, doc_ids


def builder(
    cls: type[Record],
    kinds: Mapping[str, str],
    link: str | None,
    value_problem: ValueProblem,
    *,
    build: bool = True,
) -> Builder:
    """The function that checks and builds a table of ``cls`` records (made once).

    ``kinds``: the checked kind of each field (as :mod:`.checks` has them; a field
    not in it is kept as stored); ``link``: the field naming the record it belongs
    to (it must be there); ``value_problem``: the full check of a value of a kind
    this module does not check itself (rows, data points). Not ``build``: it only
    checks, and gives empty tables for yes.
    """
    made = _BUILDERS.get((cls, build))
    if made is None:
        made = _BUILDERS[cls, build] = _make(cls, kinds, link, value_problem, build)
    return made


def _make(
    cls: type[Record],
    kinds: Mapping[str, str],
    link: str | None,
    value_problem: ValueProblem,
    build: bool,
) -> Builder:
    """Write out and return the builder of ``cls`` (see :func:`builder`)."""
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    env: dict[str, Any] = {
        "CLS": cls,
        "NEW": object.__new__,
        "M": _MISSING,
        "FROM_ISO": dt.date.fromisoformat,
        "ISFINITE": math.isfinite,
        "TASK": Task,
        "TASK_FIELDS": _TASK_FIELDS,
        "PROBLEM": value_problem,
        "NAMES": names,
    }
    whole: list[str] = []  # every field there, in order: as pdsa writes a record
    each: list[str] = []  # any other layout: each field looked up, defaults for the missing
    for i, f in enumerate(fields):
        v = f"v{i}"
        if f.default is not dataclasses.MISSING:
            env[f"D{i}"] = f.default
            default = f"D{i}"
        else:
            assert f.default_factory is not dataclasses.MISSING, f.name
            env[f"F{i}"] = f.default_factory
            default = f"F{i}()"
        kind = kinds.get(f.name)
        load = field_loader(cls, f.name)
        present = _present_code(v, f.name, kind, load, i, env)
        whole.extend(present)
        each.append(f"{v} = g({f.name!r}, M)")
        if f.name in ("id", link):  # the id, the link to the owner: there, and text
            assert kind in _TEXT and load is None, f.name
            each.append(f"if {v}.__class__ is not str: return None")
        elif kind in _TEXT and load is None:  # text, the commonest: one test for both
            each += [
                f"if {v}.__class__ is not str:",
                f"    if {v} is not M: return None",
                f"    {v} = {default}",
            ]
        else:
            each += [f"if {v} is M: {v} = {default}", "else:", *(f"    {x}" for x in present)]
    unpack = ", ".join(f"v{i}" for i in range(len(names)))
    key = f"v{names.index('id')}"
    if build:
        made = ["r = NEW(CLS)", *(f"r.{name} = v{i}" for i, name in enumerate(names))]
        made += [f"records[{key}] = r", f"doc_ids[{key}] = key"]
    else:
        made = [f"doc_ids[{key}] = key"]  # ids only, to find two records sharing one
    src = "\n".join(
        [
            "def build(docs):",
            "    records = {}",
            "    doc_ids = {}",
            "    for key, d in docs.items():",
            "        # A document key as TinyDB writes it: ASCII digits, no leading zero.",
            "        if d.__class__ is not dict or not key.isdigit() or not key.isascii() or (",
            '            key[0] == "0" and key != "0"',
            "        ):",
            "            return None",
            "        if tuple(d) == NAMES:",
            f"            {unpack}, = d.values()",
            *(f"            {x}" for x in whole),
            "        else:",
            "            g = d.get",
            *(f"            {x}" for x in each),
            *(f"        {x}" for x in made),
            "    if len(doc_ids) != len(docs):",
            "        return None  # two records share an id",
            "    return records, doc_ids",
        ]
    )
    # Our own source, written above from the class's fields (checked in: see .written).
    function: Builder = written.function(src, env, f"<pdsa builder of {cls.__name__}>")
    return function


def _present_code(
    v: str,
    name: str,
    kind: str | None,
    load: Callable[[Any], Any] | None,
    i: int,
    env: dict[str, Any],
) -> list[str]:
    """The lines that check and load the stored value ``v`` of field ``name``.

    ``return None`` refuses (the full checks then say why).
    """
    if kind in _TEXT and load is None:
        return [f"if {v}.__class__ is not str: return None"]
    if kind == "optional-id" and load is None:
        return [f"if {v} is not None and {v}.__class__ is not str: return None"]
    if kind == "int" and load is None:
        return [f"if {v}.__class__ is not int: return None"]
    if kind in ("number", "percent") and load is None:
        return [
            f"if {v} is not None and {v}.__class__ is not int and (",
            f"    {v}.__class__ is not float or not ISFINITE({v})",
            "): return None",
        ]
    if kind == "date":
        assert load is not None, name  # from_iso: what the check accepts is never blank
        return [
            f"if {v} is not None:",
            f"    if {v}.__class__ is not str: return None",
            "    try:",
            f"        {v} = FROM_ISO({v})",
            "    except ValueError:",
            "        return None",
        ]
    if kind == "list":
        # Stored text items are loaded as a copy of the list (``[str(x) for x in ...]``).
        return [
            f"if {v}.__class__ is not list: return None",
            f"for x in {v}:",
            "    if x.__class__ is not str: return None",
            f"{v} = {v}[:]",
        ]
    if kind == "tasks":
        # Task.from_dict of a task whose values are all text: each of its parts, "" if
        # missing (the parts straight from the values when it has them all, in order).
        # A task as pdsa writes it (its parts in order) is checked and set part by part,
        # unpacked once: 15,000 tasks at 5,000 cycles, a fifth of building the cycles.
        each = "; ".join(f"t.{p} = tg({p!r}, '')" for p in _TASK_FIELDS)
        parts = [f"t{k}" for k in range(len(_TASK_FIELDS))]
        not_text = " or ".join(f"{p}.__class__ is not str" for p in parts)
        whole = "; ".join(f"t.{name} = {p}" for name, p in zip(_TASK_FIELDS, parts, strict=True))
        return [
            f"if {v}.__class__ is not list: return None",
            "out = []",
            f"for x in {v}:",
            "    if x.__class__ is not dict: return None",
            "    if tuple(x) == TASK_FIELDS:",
            f"        {', '.join(parts)}, = x.values()",
            f"        if {not_text}: return None",
            "        t = NEW(TASK)",
            f"        {whole}",
            "    else:",
            "        for y in x.values():",
            "            if y.__class__ is not str: return None",
            "        t = NEW(TASK)",
            "        tg = x.get",
            f"        {each}",
            "    out.append(t)",
            f"{v} = out",
        ]
    # Any other field: checked as the full checks do (rows, data points), loaded as
    # from_dict loads it; a field the checks leave alone is kept as stored.
    assert kind not in ("id", "optional-id", "int", "date", "list", "tasks"), (name, kind)
    lines = []
    if kind is not None:
        env[f"K{i}"] = kind
        lines.append(f"if PROBLEM(K{i}, {v}) is not None: return None")
    if load is not None:
        env[f"L{i}"] = load
        lines.append(f"{v} = L{i}({v})")
    return lines or ["pass"]
