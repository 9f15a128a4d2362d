"""Reading a large database file straight into its records; its documents only when needed.

Opening a file decodes its JSON into documents (a dict per record) and then checks and
builds every record from them (:mod:`.building`). For a large file most of that is
the documents themselves: 7,500 dicts at 5,000 cycles, made only to be read once. Here
msgspec decodes the tables of records straight into structures typed for their class
(each value's type checked as it is read, no dict made), and those become the records.
The documents (which saves, merges, history and conflicts work on, with every field a
newer pdsa wrote) are decoded from the file's bytes when first asked for
(:meth:`Later.whole`): opening to read never needs them.

It says yes only to a file the ordinary way accepts without a fault, and builds exactly
what ``from_dict`` builds (tests compare the two): any value of another type, a field or
table it does not know (so no value is ever skipped unread), a document key or id
pdsa would not write, an older schema, anything msgspec refuses, makes it answer None.
The caller then opens the file the ordinary way (:func:`.checks.parse_and_build`),
whose messages name what is wrong, as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from pdsa_tui.model import Record
from pdsa_tui.model.base import field_loader
from pdsa_tui.model.dates import from_iso
from pdsa_tui.model.records import Task
from pdsa_tui.model.registry import PARENTS, RECORD_CLASSES
from pdsa_tui.store import copies, migrations, written
from pdsa_tui.store.building import Built
from pdsa_tui.store.checks import BuiltTables, build_checked, checked_kinds
from pdsa_tui.store.storage import FAST_FROM, REFUSED, decode, decode_with

#: Files this large or larger are read this way (msgspec is imported for them anyway).
TYPED_FROM = FAST_FROM
#: Kinds a typed structure checks as msgspec reads them (any other: the ordinary way).
_TEXT = frozenset({"text", "longtext", "choice", "id"})
_TYPED = _TEXT | {"optional-id", "int", "date", "list", "tasks"}
#: A task's parts, in the order pdsa writes them.
_TASK_FIELDS = tuple(f.name for f in dataclasses.fields(Task))
#: A record's conflicts kept for a person: read (never skipped), not a field of its record.
_CONFLICTS = "_conflicts"

#: A function making a table's records from its structures (:func:`converter`).
_Converter = Callable[[dict[str, Any]], Built | None]
#: The file's decoder, and the record class of each table it reads into structures.
_MADE: dict[str, Any] = {}
#: Each record class's converter, written out when first needed.
_CONVERTERS: dict[type[Record], _Converter] = {}


class Later:
    """The file's documents, decoded from its bytes when first needed."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def whole(self, held: dict[str, Any]) -> dict[str, Any]:
        """The file's data: its documents decoded, with the tables ``held`` already were.

        ``held`` (the tables read as documents at open, changed since only in place)
        takes its tables' places; the tables come in the file's order, as they would
        have been read.
        """
        data: dict[str, Any] = decode(self.raw)
        data.update(held)
        return data


def read_typed(raw: bytes) -> tuple[dict[str, Any], BuiltTables, Later] | None:
    """``raw`` (a database file's bytes) read straight into its records, or None.

    Gives the tables read as documents (meta, history, and the tables whose fields
    are not all typed), every record built, and the rest for later.
    """
    if len(raw) < TYPED_FROM:
        return None
    decoder, typed = _made()
    top = decode_with(decoder, raw)
    if top is REFUSED:
        return None
    import msgspec

    held: dict[str, Any] = {}
    done: BuiltTables = {}
    for name in top.__struct_fields__:
        value = getattr(top, name)
        if value is msgspec.UNSET:
            continue
        cls = typed.get(name)
        if cls is None:
            held[migrations.HISTORY if name == "history_" else name] = value
            continue
        if not value:
            done[cls] = ({}, {})
            continue
        built = converter(cls)(value)
        if built is None:
            return None
        done[cls] = built
    records = build_checked(held, done=done)
    if records is None:
        return None
    meta = migrations.meta_doc(held) or {}
    if not (meta.get(copies.IDENTITY) or meta.get("created")):
        return None  # its identity would be derived from every record's documents
    return held, records, Later(raw)


def _made() -> tuple[Any, dict[str, type[Record]]]:
    """The file's decoder and the class of each table it types (made once, when first used)."""
    if not _MADE:
        import msgspec

        typed: dict[str, type[Record]] = {}
        tables: list[tuple[str, Any, Any]] = [("meta", Any, msgspec.NODEFAULT)]
        task = msgspec.defstruct(
            "TaskRead",
            [(name, str, "") for name in _TASK_FIELDS],
            forbid_unknown_fields=True,
            gc=False,
        )
        for cls in RECORD_CLASSES:
            struct = _struct(cls, task)
            if struct is None:
                tables.append((cls.TABLE, Any, msgspec.UNSET))
                continue
            tables.append((cls.TABLE, dict[str, struct], msgspec.UNSET))  # type: ignore[valid-type]
            typed[cls.TABLE] = cls
        tables.append(("history_", Any, msgspec.UNSET))
        top = msgspec.defstruct(
            "FileRead",
            tables,
            rename={"history_": migrations.HISTORY},
            forbid_unknown_fields=True,
            kw_only=True,
        )
        _MADE["decoder"] = msgspec.json.Decoder(top)
        _MADE["typed"] = typed
    return _MADE["decoder"], _MADE["typed"]


def _struct(cls: type[Record], task: Any) -> Any:
    """The structure msgspec reads a record of ``cls`` into, or None (not typed)."""
    import datetime as dt

    import msgspec

    kinds = checked_kinds(cls)
    link = PARENTS.get(cls)
    required = {"id", link[0] if link else "id"}
    fields: list[tuple[str, Any, Any]] = []
    for f in dataclasses.fields(cls):
        kind = kinds.get(f.name)
        load = field_loader(cls, f.name)
        if kind is None:
            if load is not None:
                return None
            typ: Any = Any
        elif kind not in _TYPED:
            return None
        elif kind == "date":
            if load is not from_iso:
                return None
            typ = dt.date | None
        elif kind == "list":
            typ = list[str]
        elif kind == "tasks":
            typ = list[task]
        elif load is not None:
            return None
        elif kind == "optional-id":
            typ = str | None
        elif kind == "int":
            typ = int
        else:
            typ = str
        if f.name in required:
            default: Any = msgspec.NODEFAULT
        elif f.default is not dataclasses.MISSING:
            default = f.default
        else:
            assert f.default_factory is not dataclasses.MISSING, f.name
            default = msgspec.field(default_factory=f.default_factory)
        fields.append((f.name, typ, default))
    fields.append(("conflicts_", Any, msgspec.UNSET))
    return msgspec.defstruct(
        f"{cls.__name__}Read",
        fields,
        rename={"conflicts_": _CONFLICTS},
        forbid_unknown_fields=True,
        kw_only=True,
        gc=False,
    )


def typed_classes() -> list[type[Record]]:
    """The record classes whose tables are read into structures (the others as documents)."""
    return list(_made()[1].values())


def converter(cls: type[Record]) -> _Converter:
    """The function making a table's records from their structures (see :func:`read_typed`).

    It gives the records by id and their document keys by id, or None for a document key
    that is not as TinyDB writes it, or two records sharing an id. Each structure's
    values are taken in one step (in field order, its conflicts last), then set in turn.
    """
    made = _CONVERTERS.get(cls)
    if made is not None:
        return made
    from msgspec.structs import astuple

    kinds = checked_kinds(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    values = ", ".join(f"v{i}" for i in range(len(names)))
    lines = [
        "def convert(docs):",
        "    records = {}",
        "    doc_ids = {}",
        "    for key, s in docs.items():",
        "        # A document key as TinyDB writes it: ASCII digits, no leading zero.",
        '        if not key.isdigit() or not key.isascii() or (key[0] == "0" and key != "0"):',
        "            return None",
        f"        {values}, _conflicts = VALUES(s)",
        "        r = NEW(CLS)",
    ]
    for i, name in enumerate(names):
        if kinds.get(name) == "tasks":
            # Tasks as from_dict makes them, without the generic __init__.
            parts = ", ".join(f"t{k}" for k in range(len(_TASK_FIELDS)))
            lines += [
                "        out = []",
                f"        for t in v{i}:",
                f"            {parts} = VALUES(t)",
                "            x = NEW(TASK)",
                *(f"            x.{p} = t{k}" for k, p in enumerate(_TASK_FIELDS)),
                "            out.append(x)",
                f"        r.{name} = out",
            ]
        else:
            lines.append(f"        r.{name} = v{i}")
    key = f"v{names.index('id')}"
    lines += [
        f"        records[{key}] = r",
        f"        doc_ids[{key}] = key",
        "    if len(doc_ids) != len(docs):",
        "        return None  # two records share an id",
        "    return records, doc_ids",
    ]
    env: dict[str, Any] = {"NEW": object.__new__, "CLS": cls, "TASK": Task, "VALUES": astuple}
    # Our own source, written above from the class's fields (checked in: see .written).
    made = _CONVERTERS[cls] = written.function(
        "\n".join(lines), env, f"<pdsa typed reader of {cls.__name__}>"
    )
    return made
