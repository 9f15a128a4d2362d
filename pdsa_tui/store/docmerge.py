"""One record's three-way merge, field by field: revisions, the winner, and the conflicts
kept for a person to settle (nothing anyone saved is dropped).

:mod:`.merge` applies it to whole files.
"""

from __future__ import annotations

import json
from typing import Any

from pdsa_tui.store.history import rev_number

#: Keys of a record that are bookkeeping, not fields merged one by one.
BOOKKEEPING = frozenset({"id", "rev", "updated", "updated_by", "_conflicts"})
CONFLICTS = "_conflicts"

Doc = dict[str, Any]

_MISSING: Any = object()


#: What ``json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)`` writes with,
#: made once: a ``dumps`` with options makes a new encoder at every call (the demo's
#: 430 revs).
_REV_TEXT = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode


def make_rev(number: int, doc: Doc) -> str:
    """A revision ``"N-hash"``: N counts versions, the hash names this content."""
    import hashlib  # at the first save: opening and showing a file need none (1 ms)

    body = {k: v for k, v in doc.items() if k != "rev"}
    text = _REV_TEXT(body)
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=5).hexdigest()
    return f"{number}-{digest}"


def winner_key(doc: Doc) -> tuple[int, str, str, str]:
    """Order of versions for a deterministic winner: higher wins."""
    return (
        rev_number(doc.get("rev")),
        str(doc.get("updated") or ""),
        str(doc.get("updated_by") or ""),
        str(doc.get("rev") or ""),
    )


# -- conflicts --------------------------------------------------------------------
def _entry(doc: Doc, value: Any) -> dict[str, Any]:
    who = doc.get("updated_by", "")
    if isinstance(value, dict) and isinstance(value.get("updated_by"), str):
        who = value["updated_by"]  # a data point knows who added it
    return {
        "value": None if value is _MISSING else value,
        "rev": doc.get("rev", ""),
        "updated": doc.get("updated", ""),
        "updated_by": who,
    }


def _conflict_key(c: dict[str, Any]) -> tuple[str, str, str]:
    return (str(c.get("field", "")), str(c.get("date", "")), str(c.get("item", "")))


def add_conflict(conflicts: list[dict[str, Any]], new: dict[str, Any]) -> None:
    """Add ``new`` to ``conflicts``, joining one already open on the same field."""
    for c in conflicts:
        if _conflict_key(c) == _conflict_key(new):
            for v in new["values"]:
                if all(v["value"] != old["value"] for old in c["values"]):
                    c["values"].append(v)
            return
    conflicts.append(new)


def _sorted_conflicts(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for c in conflicts:
        c["values"].sort(key=lambda v: winner_key(v), reverse=True)
    return sorted(conflicts, key=_conflict_key)


# -- one record --------------------------------------------------------------------
def _is_items(value: Any) -> bool:
    """A list of objects that each have an id (data points): merged item by item."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)
    )


def _merge_items(
    name: str, base: Any, mine: list[Doc], theirs: list[Doc], win: Doc, lose: Doc, mine_wins: bool
) -> tuple[list[Doc], list[dict[str, Any]]]:
    """Three-way merge of lists of items by item id; two new items on one date conflict."""
    b = {p["id"]: p for p in base} if isinstance(base, list) else {}
    m = {p["id"]: p for p in mine}
    t = {p["id"]: p for p in theirs}
    conflicts: list[dict[str, Any]] = []
    out: list[Doc] = []
    for pid in dict.fromkeys([*m, *t, *b]):
        bp, mp, tp = b.get(pid), m.get(pid), t.get(pid)
        if mp == tp:
            v = mp
        elif mp == bp:
            v = tp
        elif tp == bp:
            v = mp
        elif mp is None or tp is None:
            v = mp if tp is None else tp  # an edit beats a deletion: nothing typed is lost
        else:
            v = mp if mine_wins else tp
            lost = tp if mine_wins else mp
            conflicts.append(
                {"field": name, "item": pid, "values": [_entry(win, v), _entry(lose, lost)]}
            )
        if v is not None:
            out.append(v)
    if all(isinstance(p.get("date"), str) for p in out):
        out = _settle_dates(name, out, m, t, b, win, lose, mine_wins, conflicts)
        out.sort(key=lambda p: (p["date"], p["id"]))
    return out, conflicts


def _settle_dates(
    name: str,
    items: list[Doc],
    m: dict[str, Doc],
    t: dict[str, Doc],
    b: dict[str, Doc],
    win: Doc,
    lose: Doc,
    mine_wins: bool,
    conflicts: list[dict[str, Any]],
) -> list[Doc]:
    """Two copies each added a point on one date: keep the winner's, the other in a conflict."""
    by_date: dict[str, list[Doc]] = {}
    for p in items:
        by_date.setdefault(p["date"], []).append(p)
    dropped: set[str] = set()
    for day, same in by_date.items():
        if len(same) < 2:
            continue
        mine_new = [p for p in same if p["id"] in m and p["id"] not in t and p["id"] not in b]
        theirs_new = [p for p in same if p["id"] in t and p["id"] not in m and p["id"] not in b]
        if not mine_new or not theirs_new:
            continue
        keep, gone = (mine_new, theirs_new) if mine_wins else (theirs_new, mine_new)
        for p in gone:
            dropped.add(p["id"])
            add_conflict(
                conflicts,
                {
                    "field": name,
                    "date": day,
                    "values": [_entry(win, keep[0]), _entry(lose, p)],
                },
            )
    return [p for p in items if p["id"] not in dropped]


def merge_docs(base: Doc | None, mine: Doc, theirs: Doc) -> Doc:
    """Field-by-field three-way merge of two versions of one record.

    A field changed on one side only takes that change; changed on both to
    different values, the winner's value is stored and both go in ``_conflicts``.
    """
    mine_wins = winner_key(mine) >= winner_key(theirs)
    win, lose = (mine, theirs) if mine_wins else (theirs, mine)
    conflicts: list[dict[str, Any]] = []
    for c in [*(mine.get(CONFLICTS) or []), *(theirs.get(CONFLICTS) or [])]:
        add_conflict(conflicts, {**c, "values": [dict(v) for v in c.get("values", [])]})
    out: Doc = {"id": mine.get("id", theirs.get("id"))}
    base = base or {}
    for name in dict.fromkeys([*mine, *theirs]):
        if name in BOOKKEEPING:
            continue
        b = base.get(name, _MISSING)
        mv = mine.get(name, _MISSING)
        tv = theirs.get(name, _MISSING)
        if mv == tv:
            v = mv
        elif mv == b:
            v = tv
        elif tv == b:
            v = mv
        elif _is_items(mv) and _is_items(tv):
            v, extra = _merge_items(name, b, mv, tv, win, lose, mine_wins)
            for c in extra:
                add_conflict(conflicts, c)
        else:
            v = mv if mine_wins else tv
            add_conflict(
                conflicts,
                {"field": name, "values": [_entry(win, v), _entry(lose, tv if mine_wins else mv)]},
            )
        if v is not _MISSING:
            out[name] = v
    out["updated"] = max(str(mine.get("updated") or ""), str(theirs.get("updated") or ""))
    out["updated_by"] = win.get("updated_by", "")
    if conflicts:
        out[CONFLICTS] = _sorted_conflicts(conflicts)
    number = max(rev_number(mine.get("rev")), rev_number(theirs.get("rev"))) + 1
    out["rev"] = make_rev(number, out)
    return out
