"""A month's extract of cases in CSV: ``ref,start,end`` (optional ``team,note,lead``).

The data lead re-imports the whole extract each month: a known reference updates its
case, a new one adds a case. Every problem is found at once, each naming its line, so
the preview can list them; the import itself is all rows or none.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pdsa_tui.model.cases import Case, ref_key
from pdsa_tui.model.csvseries import CsvError, split_rows
from pdsa_tui.model.dates import parse_optional_date

REQUIRED = ("ref", "start", "end")
OPTIONAL = ("team", "note", "lead")
COLUMNS_HELP = "ref,start,end (optionally team,note,lead)"

Action = Literal["add", "update", "same"]


@dataclass(frozen=True)
class CaseRow:
    """One row of the extract: its file line, the case it gives and what importing does."""

    line: int
    case: Case
    action: Action


@dataclass
class CaseImport:
    """What importing an extract would do, or why it cannot."""

    name: str
    rows: list[CaseRow] = field(default_factory=list)
    #: One message per problem, each naming the file line.
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row is good (the import may go ahead)."""
        return not self.errors and bool(self.rows)

    def count(self, action: Action) -> int:
        """How many rows would be added, updated or left the same."""
        return sum(1 for r in self.rows if r.action == action)

    def summary(self) -> str:
        """'12 rows: 3 new cases, 2 updated, 7 unchanged'."""
        n = len(self.rows)
        return (
            f"{n} row{'s' if n != 1 else ''}: {self.count('add')} new "
            f"case{'s' if self.count('add') != 1 else ''}, {self.count('update')} updated, "
            f"{self.count('same')} unchanged"
        )

    def first_error(self) -> str:
        """The first problem, with how many more there are."""
        more = len(self.errors) - 1
        return self.errors[0] + (
            f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        )


_EDITABLE = ("ref", "start", "end", "team", "note", "lead")


def read_cases_csv(text: str, name: str, existing: Mapping[str, Case]) -> CaseImport:
    """Plan the import of CSV ``text`` (file ``name``) over ``existing`` cases by ref key.

    Never raises for bad content: every problem goes to ``errors``.
    """
    result = CaseImport(name)
    try:
        rows, starts = split_rows(text, name)
    except CsvError as exc:
        result.errors.append(str(exc))
        return result
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows or not any(c.strip() for c in rows[0]):
        result.errors.append(f"{name}: the file is empty; expected a header row {COLUMNS_HELP}")
        return result
    names = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    cols = {n: i for i, n in enumerate(names) if n}
    missing = [c for c in REQUIRED if c not in cols]
    unknown = [n for n in cols if n not in REQUIRED + OPTIONAL]
    if missing or unknown:
        what = f"no '{missing[0]}' column" if missing else f"unknown column '{unknown[0]}'"
        result.errors.append(f"{name} line 1: the header has {what}; give {COLUMNS_HELP}")
        return result
    seen: dict[str, int] = {}
    for lineno, row in zip(starts[1:], rows[1:], strict=False):
        if not any(c.strip() for c in row):
            continue
        where = f"{name} line {lineno}"
        if len(row) > len(rows[0]):
            result.errors.append(f"{where}: {len(row)} cells but the header names {len(rows[0])}")
            continue

        def cell(col: str, row: list[str] = row) -> str:
            i = cols.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        problems: list[str] = []
        dates = {}
        for col in ("start", "end"):
            try:
                dates[col] = parse_optional_date(cell(col))
            except ValueError as exc:
                problems.append(f"column '{col}': {exc}")
        ref = cell("ref")
        key = ref_key(ref)
        if key and key in seen:
            problems.append(
                f"column 'ref': '{ref}' is also on line {seen[key]}; give each case once"
            )
        elif key:
            seen[key] = lineno
        old = existing.get(key)
        changes: dict[str, Any] = {"ref": ref, "start": dates.get("start"), "end": dates.get("end")}
        for col in OPTIONAL:
            if col in cols:
                changes[col] = cell(col)
        if old is not None:
            changes["ref"] = old.ref  # keep how the reference was first written
        case = dataclasses.replace(old, **changes) if old is not None else Case(**changes)
        if not problems:
            problems = [f"column '{e.field}': {e.message}" for e in case.validate()]
        if problems:
            result.errors.extend(f"{where}, {p}" for p in problems)
            continue
        if old is None:
            action: Action = "add"
        elif all(getattr(old, f) == getattr(case, f) for f in _EDITABLE):
            action = "same"
        else:
            action = "update"
        result.rows.append(CaseRow(lineno, case, action))
    if not result.rows and not result.errors:
        result.errors.append(f"{name}: the file has a header but no rows of cases")
    return result
