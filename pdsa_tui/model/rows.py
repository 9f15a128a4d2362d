"""Rows inside a record (members, actions, decisions): typed one a line, ``a | b | c``.

A row kind is a small dataclass with ``from_line``/``to_line`` and ``from_dict``; a
record field of that kind is edited as lines of text and stored as a list of objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, Self

from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import format_date, from_iso, parse_date, to_iso
from pdsa_tui.valueclass import value_class


class RowType(Protocol):
    """What a row class offers the forms and the store."""

    FIELDS: ClassVar[tuple[str, ...]]

    @classmethod
    def from_line(cls, line: str) -> Any: ...

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any: ...

    def to_line(self) -> str: ...


def split_line(line: str, n: int) -> list[str]:
    """``a | b | c`` as exactly ``n`` stripped parts (extra bars stay in the first part)."""
    parts = [p.strip() for p in line.split("|")]
    if len(parts) > n:
        # A bar typed inside the free text (the first part) is kept there.
        extra = len(parts) - n
        parts = [" | ".join(parts[: extra + 1]), *parts[extra + 1 :]]
    return parts + [""] * (n - len(parts))


def join_line(*parts: str) -> str:
    """Parts joined with `` | ``, trailing blanks dropped."""
    return " | ".join(parts).rstrip(" |")


def _choice(choices: dict[str, str], text: str, what: str) -> str:
    """The stored value for ``text`` (a label, value or unique prefix); blank stays blank."""
    if not text:
        return ""
    found = C.match_choice(choices, text)
    if found is None:
        raise ValueError(f"{what} '{text}' is not one of: {', '.join(choices.values())}")
    return found


class _Row:
    FIELDS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """From a stored dict (text fields; unknown keys ignored)."""
        names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        return cls(**{k: str(data[k]) for k in names if k in data})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            out[f.name] = to_iso(value) if isinstance(value, dt.date) else value
        return out


@value_class
class Member(_Row):
    """A member of the PACE group: who (a staff name or initials), role and agency."""

    FIELDS: ClassVar[tuple[str, ...]] = ("name", "role", "agency")
    HELP: ClassVar[str] = (
        "one a line: name or initials | role | agency (agencies: "
        + ", ".join(C.AGENCIES.values())
        + ")"
    )

    name: str = ""
    role: str = ""
    agency: str = ""

    @classmethod
    def from_line(cls, line: str) -> Member:
        """Parse ``name | role | agency``; the agency may be a label or a unique prefix."""
        name, role, agency = split_line(line, 3)
        if not name:
            raise ValueError(f"'{line.strip()}' gives no name or initials before the first '|'")
        return cls(name, role, _choice(C.AGENCIES, agency, "agency"))

    def to_line(self) -> str:
        """``name | role | agency`` as typed in the form."""
        return join_line(self.name, self.role, C.label(C.AGENCIES, self.agency))


@value_class
class Action(_Row):
    """An action agreed at a meeting: what, who owns it, when it is due, whether done."""

    FIELDS: ClassVar[tuple[str, ...]] = ("what", "owner", "due", "done")
    HELP: ClassVar[str] = "one a line: what | owner | due date | done (write 'done' when it is)"

    what: str = ""
    owner: str = ""
    due: dt.date | None = None
    done: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Action:
        """From a stored dict."""
        return cls(
            str(data.get("what", "")),
            str(data.get("owner", "")),
            from_iso(data.get("due")),
            bool(data.get("done", False)),
        )

    @classmethod
    def from_line(cls, line: str) -> Action:
        """Parse ``what | owner | due | done``."""
        what, owner, due, done = split_line(line, 4)
        if not what:
            raise ValueError(f"'{line.strip()}' says nothing before the first '|' (what to do)")
        due_date = None
        if due:
            try:
                due_date = parse_date(due)
            except ValueError as exc:
                raise ValueError(f"due date: {exc}") from None
        flag = done.lower()
        if flag and flag not in ("done", "yes", "y", "x", "✓", "no", "n", "open"):
            raise ValueError(f"'{done}' after the due date should be 'done' or left blank")
        return cls(what, owner, due_date, flag in ("done", "yes", "y", "x", "✓"))

    def to_line(self) -> str:
        """``what | owner | due | done`` as typed in the form."""
        return join_line(self.what, self.owner, format_date(self.due), "done" if self.done else "")

    def overdue(self, today: dt.date) -> bool:
        """Open and past its due date."""
        return not self.done and self.due is not None and self.due < today


@value_class
class Decision(_Row):
    """A cycle studied at a meeting and what was decided (adopt / adapt / abandon / expand).

    ``cycle_id`` links to the cycle; ``label`` ("Aim 1 › Idea › Cycle 2") is how
    it reads in minutes, and is kept even if the cycle is later deleted.
    """

    FIELDS: ClassVar[tuple[str, ...]] = ("label", "decision", "note")
    HELP: ClassVar[str] = (
        "one a line: cycle | decision (adopt, adapt, abandon, expand, or blank if only "
        "studied) | note"
    )

    label: str = ""
    decision: str = ""
    note: str = ""
    cycle_id: str = ""
    next_cycle_id: str = ""

    @classmethod
    def from_line(cls, line: str) -> Decision:
        """Parse ``cycle | decision | note`` (links are restored from the record edited)."""
        label, decision, note = split_line(line, 3)
        if not label:
            raise ValueError(f"'{line.strip()}' names no cycle before the first '|'")
        return cls(label, _choice(C.DECISIONS, decision, "decision"), note)

    def to_line(self) -> str:
        """``cycle | decision | note`` as typed in the form."""
        return join_line(self.label, C.label(C.DECISIONS, self.decision), self.note)


#: Field kind -> the row class its lines hold.
ROW_KINDS: dict[str, Any] = {"members": Member, "actions": Action, "decisions": Decision}


def parse_rows(kind: str, text: str) -> list[Any]:
    """Parse a row field's lines; raise ``ValueError`` naming the bad line."""
    cls = ROW_KINDS[kind]
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(cls.from_line(line))
        except ValueError as exc:
            raise ValueError(f"line {n}: {exc}") from None
    return rows


def rows_text(rows: list[Any]) -> str:
    """A row field as form text: one row a line."""
    return "\n".join(r.to_line() for r in rows)


def load_rows(kind: str, value: Any) -> list[Any]:
    """Rows from their stored dicts."""
    cls = ROW_KINDS[kind]
    return [cls.from_dict(v) for v in value or []]


def row_problem(kind: str, value: Any) -> str | None:
    """Why a stored row field cannot be loaded, or None."""
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return f"is not a list of {kind}"
    if kind == "actions":
        for v in value:
            due = v.get("due")
            if due is not None:
                try:
                    dt.date.fromisoformat(due)
                except (TypeError, ValueError):
                    return f"has an action due {due!r}, not an ISO date (yyyy-mm-dd)"
    return None
