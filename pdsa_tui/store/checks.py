"""Checking a database file's bytes before anything trusts them.

A file is refused at open, with the table, record and field named, when it is
empty, not JSON, not a pdsa database, from a newer pdsa, or holds a value of the
wrong type (a date that is not a date, a link missing), rather than crashing a
screen later. Nothing here writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import stat
import sys
from pathlib import Path
from typing import Any

from pdsa_tui.model import Answer, Cycle, Record, ValidationError
from pdsa_tui.model.registry import LINK_FIELDS, PARENTS, RECORD_CLASSES
from pdsa_tui.model.rows import ROW_KINDS, row_problem
from pdsa_tui.store import migrations
from pdsa_tui.store.building import Builder, Built, builder, from_dicts
from pdsa_tui.store.errors import (
    CutShortError,
    DatabaseNotFoundError,
    NewerSchemaError,
    StoreError,
    UnreadableDatabaseError,
)
from pdsa_tui.store.files import MAX_FILE_BYTES, newest_backup, read_regular
from pdsa_tui.store.storage import REFUSED, decode, decode_fast


def read_only_reason(path: Path) -> str:
    """Why ``path`` can only be opened read-only (its or its folder's permissions), or ''."""
    try:
        st = path.stat()
    except OSError:
        return ""
    mode = st.st_mode
    if not mode & 0o222 or not os.access(path, os.W_OK):
        return f"the file is read-only (permissions {stat.filemode(mode)}); " + _who_may_fix(
            path, st
        )
    folder = path.parent
    try:
        folder_mode = folder.stat().st_mode
    except OSError:
        return ""
    if not folder_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"its folder {folder} is read-only, so no save could replace the file; "
            "to edit it, copy it to a folder you can write to"
        )
    return ""


def _who_may_fix(path: Path, st: os.stat_result) -> str:
    """What would let this user save ``path``: their own chmod, or its owner's.

    A colleague's file in a group folder made with umask 022 is read-only for the
    group: ``chmod u+w`` would not help (only its owner may change its mode).
    """
    if not hasattr(os, "geteuid") or st.st_uid == os.geteuid():
        return f"to edit it, make it writable first (chmod u+w {path})"
    owner = _name_of(st.st_uid, "pwd")
    if st.st_gid in os.getgroups() or st.st_gid == os.getegid():
        return (
            f"it belongs to {owner}, who can let the group {_name_of(st.st_gid, 'grp')} "
            f"save it (chmod g+w {path})"
        )
    return f"it belongs to {owner}; ask them for write access"


def _name_of(number: int, db: str) -> str:
    """A user's (``pwd``) or group's (``grp``) name, else its number."""
    import grp
    import pwd

    try:
        return pwd.getpwuid(number).pw_name if db == "pwd" else grp.getgrgid(number).gr_name
    except (KeyError, OverflowError):
        return str(number)


def read_file(path: Path) -> bytes:
    """The bytes of a database file, with a clear error when it cannot be read."""
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise DatabaseNotFoundError(f"{path}: no such database file") from None
    except IsADirectoryError:
        raise UnreadableDatabaseError(path, "it is a folder, not a file", None) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def load_file(path: Path) -> dict[str, Any]:
    """Read and check a database file without changing it.

    Raises :class:`UnreadableDatabaseError` (empty, not JSON, not ours) or
    :class:`NewerSchemaError`, each naming the file and its newest backup.
    """
    return parse_file(path, read_file(path))


def load_copy(path: Path) -> dict[str, Any]:
    """Another copy of a database (to merge): read, checked, and brought to this schema."""
    data = load_file(path)
    migrations.migrate(data)
    return data


def parse_file(
    path: Path, raw: bytes, *, known: dict[tuple[str, str], str] | None = None
) -> dict[str, Any]:
    """Check and parse the bytes ``raw`` of the database file ``path`` (see :func:`load_file`).

    Records whose ``(table, id)`` has the same rev in ``known`` were checked before
    (this copy holds them already) and are not checked again.
    """
    data = decoded(path, raw)
    return _checked(path, data, known or {})


def parse_and_build(path: Path, raw: bytes) -> tuple[dict[str, Any], BuiltTables | None]:
    """:func:`parse_file`, and every record built in the same walk as its checks.

    The records come back (by class) when the file is of this schema and every
    record is as pdsa writes it; otherwise None (an older schema is migrated before
    its records are built), after the full checks refused the file or passed it.
    """
    data = decoded(path, raw)
    built = build_checked(data)
    if built is not None:
        return data, built
    return _checked(path, data, {}), None


def check_parsed(path: Path, data: Any) -> dict[str, Any]:
    """``data`` (:func:`decoded` from ``path``) if it passes :func:`parse_file`'s checks."""
    if build_checked(data, build=False) is not None:
        checked: dict[str, Any] = data
        return checked
    return _checked(path, data, {})


def decoded(path: Path, raw: bytes) -> Any:
    """The JSON value of ``raw`` (the file ``path``), refused when it is not JSON text."""
    if not raw.strip():
        empty = "it is empty (0 bytes)" if not raw else "it holds only blank space"
        raise CutShortError(path, empty, newest_backup(path))
    fast = decode_fast(raw)
    if fast is not REFUSED:
        return fast  # well-formed UTF-8 JSON, read as json would (see storage.decode)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad(path, f"it is not a text file (byte {exc.start} is not UTF-8)") from None
    try:
        return decode(text)
    except json.JSONDecodeError as exc:
        raise CutShortError(
            path,
            f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "it may have been cut short or edited by hand",
            newest_backup(path),
        ) from None
    except RecursionError:
        raise _bad(path, "it is not a pdsa database (its JSON is nested too deeply)") from None
    except ValueError:  # json's limit on an integer's digits (it raised a traceback)
        raise _bad(
            path,
            "it is not a pdsa database (it holds a whole number of more than "
            f"{sys.get_int_max_str_digits():,} digits)",
        ) from None


def _bad(path: Path, problem: str) -> UnreadableDatabaseError:
    return UnreadableDatabaseError(path, problem, newest_backup(path))


def _checked(path: Path, data: Any, known: dict[tuple[str, str], str]) -> dict[str, Any]:
    """``data`` (a file's JSON value) if it is a pdsa database pdsa can read, else refused."""
    # A newer version may lay its tables out differently: say "newer" before checking shape.
    version = migrations.schema_version(data) if isinstance(data, dict) else None
    if version is None or version <= migrations.SCHEMA_VERSION:
        problem = migrations.shape_problem(data)
        if problem:
            raise _bad(path, problem)
    assert version is not None
    if version > migrations.SCHEMA_VERSION:
        raise NewerSchemaError(
            path,
            f"it was written by a newer pdsa (schema version {version}; this pdsa reads up to "
            f"{migrations.SCHEMA_VERSION}); upgrade pdsa to open it",
            newest_backup(path),
        )
    problem = _records_problem(data, version, known)
    if problem:
        raise _bad(path, problem)
    checked: dict[str, Any] = data
    return checked


#: Each record class's records by id, and their document keys (see :mod:`.building`).
BuiltTables = dict[type[Record], Built]


def build_checked(
    data: Any, *, build: bool = True, done: BuiltTables | None = None
) -> BuiltTables | None:
    """Every record of ``data`` checked and built in one walk, or None.

    None unless ``data`` is a database of this schema whose records are all as pdsa
    writes them: then :func:`parse_file`'s full checks find no fault, and the records
    are what ``from_dict`` builds. Otherwise the caller runs those checks (which name
    what is wrong) and builds the records the ordinary way. Not ``build``: only checked
    (the tables of records come back empty). ``done``: tables already checked and built
    (by :mod:`.typed`), left out of ``data``.
    """
    if data.__class__ is not dict or migrations.schema_version(data) != migrations.SCHEMA_VERSION:
        return None
    out: BuiltTables = {}
    few: list[tuple[str, type[Record]]] = []
    walked = set()  # tables whose documents the builders saw: objects with ids
    for table, (cls, _kinds) in _KINDS.items():
        if done is not None and cls in done:
            out[cls] = done[cls]
            continue
        docs = data.get(table, {})
        if docs.__class__ is not dict:
            return None
        if len(docs) < FEW:
            few.append((table, cls))
            continue
        got = table_builder(cls, build=build)(docs)
        if got is None:
            return None
        out[cls] = got
        walked.add(table)
    if migrations.shape_problem(data, checked=frozenset(walked)) is not None:
        return None
    for table, cls in few:
        # Writing out a builder costs more than it saves on a few records: the full
        # checks (of this table alone), then from_dict, as before.
        docs = data.get(table, {})
        if _records_problem({table: docs}, migrations.SCHEMA_VERSION, {}) is not None:
            return None
        out[cls] = from_dicts(cls, docs) if build else ({}, {})
    return out


#: Tables with fewer records are checked and built as before (see :func:`build_checked`):
#: writing out a builder's text takes about 0.1 ms (its code is checked in: .written), and
#: it saves about 2 µs a record (at 500 cycles, the 250 feedback and 50 ideas: 0.6 ms).
FEW = 20


def table_builder(cls: type[Record], *, build: bool = True) -> Builder:
    """The function checking and building (or, not ``build``, only checking) a table of
    ``cls`` records in one walk (see :func:`.building.builder`)."""
    link = PARENTS.get(cls)
    return builder(
        cls, _KINDS[cls.TABLE][1], link[0] if link else None, _current_value_problem, build=build
    )


def checked_kinds(cls: type[Record]) -> dict[str, str]:
    """The kind each field of ``cls`` is checked as (a field not in it is kept as stored)."""
    return _KINDS[cls.TABLE][1]


def _current_value_problem(kind: str, value: Any) -> str | None:
    return _value_problem(kind, value, migrations.SCHEMA_VERSION)


def _is_doc_key(key: str) -> bool:
    """A TinyDB document key as TinyDB writes it: ASCII digits, no leading zero.

    "01" and "1" would become one document; "²" passes ``isdigit`` but not ``int``.
    """
    return key.isascii() and key.isdigit() and str(int(key)) == key


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _point_problem(point: Any) -> str | None:
    if not isinstance(point, dict):
        return "is not an object"
    if not _is_iso_date(point.get("date")):
        return f"has date {point.get('date')!r}, not an ISO date (yyyy-mm-dd)"
    for key in ("value", "numerator", "denominator"):
        if point.get(key) is not None and not _is_number(point[key]):
            return f"has {key} {point[key]!r}, not a number"
    for key, kind in (("note", str), ("id", str), ("rebase_after", bool), ("baseline_end", bool)):
        if key in point and not isinstance(point[key], kind):
            return f"has {key} {point[key]!r}, not {'text' if kind is str else 'true/false'}"
    return None


def _value_problem(kind: str, value: Any, version: int) -> str | None:
    """Why a stored value cannot be a field of ``kind``, or None if it can."""
    if kind in ("text", "longtext", "choice"):
        return None if isinstance(value, str) else "is not text"
    if kind in ("number", "percent"):
        return None if value is None or _is_number(value) else "is not a number"
    if kind == "date":
        return None if value is None or _is_iso_date(value) else "is not an ISO date (yyyy-mm-dd)"
    if kind == "list":
        return None if _is_str_list(value) else "is not a list of text"
    if kind == "tasks":
        if version < 2 and isinstance(value, str):
            return None  # version 1 kept tasks as text; the migration turns it into a list
        ok = isinstance(value, list) and all(
            isinstance(t, dict) and all(isinstance(v, str) for v in t.values()) for t in value
        )
        return None if ok else "is not a list of tasks"
    if kind in ROW_KINDS:
        return row_problem(kind, value)
    if kind == "points":
        if not isinstance(value, list):
            return "is not a list of data points"
        seen: dict[str, int] = {}
        for i, point in enumerate(value, start=1):
            why = _point_problem(point)
            if why:
                return f"point {i} {why}"
            pid = point.get("id")
            if pid is not None and pid in seen:
                return f"points {seen[pid]} and {i} share id {pid}"
            if pid is not None:
                seen[pid] = i
    return None


def _plain_tasks(tasks: list[Any]) -> bool:
    """Every task an object of text values (the common case, checked fast)."""
    for t in tasks:
        if t.__class__ is not dict:
            return False
        for v in t.values():
            if v.__class__ is not str:
                return False
    return True


def _field_kinds(cls: type[Record]) -> dict[str, str]:
    kinds = {f.name: f.metadata.get("kind", "internal") for f in dataclasses.fields(cls)}
    for name in ("id", "created", "updated", *LINK_FIELDS):
        if name in kinds:
            kinds[name] = "id"
    if cls is Cycle:
        kinds["number"] = "int"
        kinds["adapted_from"] = "optional-id"
    if cls is Answer:
        kinds["question"] = "id"
    for name, kind in kinds.items():
        if kind == "date-internal":
            kinds[name] = "date"
    # A field of any other kind (a rev, who saved) is never a problem: left out, it is
    # not looked at, as a field from a newer pdsa is not.
    return {name: kind for name, kind in kinds.items() if kind in _CHECKED_KINDS}


#: The kinds :func:`_records_problem` can find fault with.
_CHECKED_KINDS = frozenset(
    {"text", "longtext", "choice", "number", "percent", "date", "list", "tasks", "points"}
    | {"id", "optional-id", "int"}
    | set(ROW_KINDS)
)
_TEXT_KINDS = frozenset({"text", "longtext", "choice", "id", "optional-id"})
_NULLABLE_KINDS = frozenset({"number", "percent", "date", "optional-id"})
_KINDS: dict[str, tuple[type[Record], dict[str, str]]] = {
    cls.TABLE: (cls, _field_kinds(cls)) for cls in RECORD_CLASSES
}


def _records_problem(
    data: dict[str, Any], version: int, known: dict[tuple[str, str], str]
) -> str | None:
    """Why a record's stored fields would break pdsa later, naming table, record and field.

    A file whose records have the wrong types (a date that is not a date, a number
    stored as text, a link missing) is refused at open rather than crashing a screen.
    """
    for table, (cls, kinds) in _KINDS.items():
        docs = data.get(table, {})
        seen_ids: dict[Any, str] = {}
        link = PARENTS.get(cls)
        for doc_id, doc in docs.items():
            if not _is_doc_key(doc_id):
                return (
                    f"record {doc_id} of table '{table}' has a key that is not a number "
                    "(keys are whole numbers such as 12, without leading zeros)"
                )
            rid = doc.get("id")
            if rid in seen_ids:
                return f"records {seen_ids[rid]} and {doc_id} of table '{table}' share id {rid}"
            seen_ids[rid] = doc_id
            if known and known.get((table, rid)) == doc.get("rev"):
                continue  # this copy holds that very version: it was checked when read
            if link is not None and not isinstance(doc.get(link[0]), str):
                return (
                    f"record {doc_id} of table '{table}' (id {doc.get('id')}) has no {link[0]} "
                    "(the record it belongs to)"
                )
            for name, value in doc.items():
                kind = kinds.get(name)
                if kind is None:
                    continue  # a field from a newer pdsa: kept as it is
                # The common cases first, checked fast: text, a date, an empty value.
                if value.__class__ is str:
                    if kind in _TEXT_KINDS:
                        continue
                    if kind == "date":
                        try:
                            dt.date.fromisoformat(value)
                            continue
                        except ValueError:
                            pass
                elif (
                    (value is None and kind in _NULLABLE_KINDS)
                    or (value.__class__ is int and kind == "int")
                    or (
                        kind == "list"
                        and value.__class__ is list
                        and all(v.__class__ is str for v in value)
                    )
                    or (kind == "tasks" and value.__class__ is list and _plain_tasks(value))
                ):
                    continue
                if kind == "id":
                    why = None if isinstance(value, str) else "is not text"
                elif kind == "optional-id":
                    why = None if value is None or isinstance(value, str) else "is not text"
                elif kind == "int":
                    ok = isinstance(value, int) and not isinstance(value, bool)
                    why = None if ok else "is not a whole number"
                else:
                    why = _value_problem(kind, value, version)
                if why:
                    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
                    shown = "" if kind == "points" else f" ({shown})"
                    where = f"record {doc_id} of table '{table}'"
                    return f"{where} (id {doc.get('id')}): field '{name}' {why}{shown}"
    return None


# -- copies from outside: every entry checked before a merge trusts it --------------------
#: Keys of a record that are bookkeeping: no conflict or history entry may name them.
_BOOKKEEPING = frozenset({"id", "rev", "updated", "updated_by", "_conflicts"})


def _is_rev(value: Any) -> bool:
    """A revision as pdsa writes it: ``"N-hash"`` (or empty, for a version never numbered)."""
    if not isinstance(value, str):
        return False
    if not value:
        return True
    head, _, tail = value.partition("-")
    return head.isascii() and head.isdigit() and len(head) <= 9 and tail.isascii()


def _stamp_problem(entry: dict[str, Any]) -> str | None:
    """Why an entry's ``rev``/``updated``/``updated_by`` are not what pdsa writes, or None."""
    if not _is_rev(entry.get("rev", "")):
        return f"has revision {entry.get('rev')!r}, not one pdsa writes (N-hash)"
    for key in ("updated", "updated_by"):
        if not isinstance(entry.get(key, ""), str):
            return f"has {key} {entry.get(key)!r}, not text"
    return None


def _field_value_problem(kinds: dict[str, str], name: str, value: Any) -> str | None:
    """Why ``value`` cannot be field ``name`` of a record of these kinds (None: it can)."""
    kind = kinds.get(name)
    if kind is None or value is None:
        return None  # a field from a newer pdsa, or one a version did not have
    if kind in ("id", "optional-id"):
        return None if isinstance(value, str) else "is not text"
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "is not a whole number"
    return _value_problem(kind, value, migrations.SCHEMA_VERSION)


def doc_problem(table: str, doc: Any) -> str | None:
    """Why ``doc`` cannot be a record of ``table`` as a save would store it, or None."""
    if table not in _KINDS:
        return f"table {table!r} is not one pdsa has"
    if not isinstance(doc, dict):
        return "it is not an object"
    problem = _records_problem({table: {"1": doc}}, migrations.SCHEMA_VERSION, {})
    if problem:
        return problem.replace("record 1 of table", "a record of table")
    why = _stamp_problem(doc)
    if why:
        return f"record {doc.get('id')} of table '{table}' {why}"
    return _conflicts_problem(table, doc)


def _conflicts_problem(table: str, doc: dict[str, Any]) -> str | None:
    """Why a record's ``_conflicts`` would break a resolve, naming the record, or None."""
    conflicts = doc.get("_conflicts")
    if conflicts is None:
        return None
    where = f"record {doc.get('id')} of table '{table}'"
    if not isinstance(conflicts, list):
        return f"{where} has conflicts that are not a list"
    kinds = _KINDS[table][1]
    for c in conflicts:
        if not isinstance(c, dict):
            return f"{where} has a conflict that is not an object"
        name = c.get("field")
        if not isinstance(name, str) or name not in kinds or name in _BOOKKEEPING:
            return f"{where} has a conflict on {name!r}, which is not a field of its table"
        for key in ("date", "item"):
            if c.get(key) is not None and not isinstance(c[key], str):
                return f"{where} has a conflict on '{name}' whose {key} is not text"
        values = c.get("values")
        if not isinstance(values, list) or not values:
            return f"{where} has a conflict on '{name}' with no values"
        for v in values:
            if not isinstance(v, dict):
                return f"{where} has a conflict on '{name}' with a value that is not an object"
            why = _stamp_problem(v)
            value = v.get("value")
            if why is None and value is not None:
                if c.get("date") or c.get("item"):
                    why = _point_problem(value)
                else:
                    why = _field_value_problem(kinds, name, value)
            if why:
                return f"{where}: a value kept in its conflict on '{name}' {why}"
    return None


def history_problem(hist: Any) -> str | None:
    """Why a file's ``_history`` would break history, restore or a merge (naming it), or None."""
    if hist is None:
        return None
    if not isinstance(hist, dict):
        return "its history table is not an object"
    for rid, h in hist.items():
        where = f"the history of record {rid}"
        if not isinstance(h, dict):
            return f"{where} is not an object"
        table = h.get("table")
        if table not in _KINDS:
            return f"{where} names table {table!r}, which is not one pdsa has"
        kinds = _KINDS[table][1]
        versions = h.get("versions", [])
        if not isinstance(versions, list):
            return f"{where} has versions that are not a list"
        for entry in versions:
            if not isinstance(entry, dict):
                return f"{where} has a version that is not an object"
            why = _stamp_problem(entry)
            if why:
                return f"{where}: a version {why}"
            merged = entry.get("merged", [])
            if not isinstance(merged, list) or not all(_is_rev(r) for r in merged):
                return f"{where}: a version lists merged revisions that are not revisions"
            before = entry.get("before", {})
            if not isinstance(before, dict):
                return f"{where}: a version's earlier values are not an object"
            for name, value in before.items():
                if name == "_conflicts" or value is None:
                    continue
                if name in _BOOKKEEPING:
                    return f"{where}: a version changes '{name}', which no edit changes"
                why = _before_problem(kinds, name, value)
                if why:
                    return f"{where}: version {entry.get('rev')} holds field '{name}' that {why}"
        if "doc" in h:
            why = doc_problem(table, h["doc"])
            if why:
                return f"{where}: its last version before deletion: {why}"
        deleted = h.get("deleted")
        if deleted is not None:
            why = _stamp_problem(deleted) if isinstance(deleted, dict) else "is not an object"
            if why:
                return f"{where}: its deletion {why}"
    return None


def _before_problem(kinds: dict[str, str], name: str, value: Any) -> str | None:
    """A history entry's earlier value: the field's own kind, or a delta of data points."""
    if isinstance(value, dict) and set(value) == {"$items"}:
        delta = value["$items"]
        if not isinstance(delta, dict):
            return "is not a list of changed items"
        if not _is_str_list(delta.get("new", [])):
            return "lists new items by something other than their ids"
        old = delta.get("old", [])
        if not isinstance(old, list):
            return "is not a list of changed items"
        for item in old:
            why = _point_problem(item) if kinds.get(name) == "points" else None
            if why or not isinstance(item, dict) or not isinstance(item.get("id"), str):
                return f"holds an item that {why or 'has no id'}"
        return None
    return _field_value_problem(kinds, name, value)


def incoming_problem(data: dict[str, Any], mine: dict[tuple[str, str], str]) -> str | None:
    """Why another copy's (migrated) data may not be merged, naming the record, or None.

    Every record this copy does not hold at the same revision is checked like a save
    (its values, its conflicts, its revision), and every history entry too. ``mine``
    maps ``(table, id)`` to this copy's revision.
    """
    for table, (cls, _kinds) in _KINDS.items():
        for doc in (data.get(table) or {}).values():
            if isinstance(doc, dict) and mine.get((table, str(doc.get("id")))) == doc.get("rev"):
                continue
            why = doc_problem(table, doc)
            if why:
                return why
            try:
                errors = [str(e) for e in cls.from_dict(doc).validate()]
            except (TypeError, ValueError, KeyError, ValidationError) as exc:
                errors = [str(exc)]
            if errors:
                return f"record {doc.get('id')} of table '{table}': {errors[0]}"
    return history_problem(data.get(migrations.HISTORY))
