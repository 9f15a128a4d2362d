"""Cases of a case measure: a pseudonymous reference, a start date and a milestone date.

A case is one child's journey from a start event ("accommodated") to a milestone
("permanence recommendation"). pdsa never holds a child's name: the reference must be
the case-management system's, which has a digit in it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from pdsa_tui.model import dates
from pdsa_tui.model.base import Record, internal_field, spec_field
from pdsa_tui.model.errors import FieldError
from pdsa_tui.valueclass import value_class

#: Shown wherever a case is typed or imported.
CASE_NO_NAMES = (
    "Use the reference from the case-management system (e.g. C-1042): never a child's "
    "name, initials or anything else that identifies a child or family."
)
#: Longest reference accepted (case-management references are short).
REF_MAX = 40

#: A capitalised word with lower-case letters: 'Amy', "O'Neil", 'Mary-Jane' (not 'CP', 'LAC').
_NAME_WORD = re.compile(r"^[A-Z][a-z]*(?:['’-][A-Za-z][a-z]*)*$")


def ref_problem(ref: str) -> str | None:
    """Why ``ref`` cannot be a case reference (it looks like a name, ...), or None."""
    text = ref.strip()
    if not text:
        return "is required; give the case-management reference, e.g. C-1042"
    if len(text) > REF_MAX:
        return f"is {len(text)} characters long; a case reference is at most {REF_MAX}"
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "holds a control character; type the reference as it is shown in the case system"
    if any(c in INVISIBLE for c in text):
        return (
            "holds an invisible character (zero-width or a text-direction mark); type the "
            "reference as it is shown in the case system"
        )
    if not any(c.isdigit() for c in text):
        return (
            f"'{text}' has no digit, so it looks like a name or a word, not a case reference; "
            "use the case-management reference (e.g. C-1042), never a child's name"
        )
    words = [w for w in re.split(r"[\s,.;:/_]+", text) if w]
    named = [w for w in words if _NAME_WORD.match(w) and any(c.islower() for c in w)]
    if len(named) >= 2:
        return (
            f"'{text}' looks like a person's name ({' '.join(named)}); use the "
            "case-management reference only (e.g. C-1042): children are never named in pdsa"
        )
    return None


#: Characters that show as nothing (zero-width) or only turn the text's direction (bidi):
#: 'C-77\u200b77' looks like 'C-7777' and must not make a second case.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
    "\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
)


def ref_key(ref: str) -> str:
    """How references are compared: case, spacing and invisible characters do not matter.

    'c-1042' is 'C-1042'; so is 'C-10\u200b42' (a zero-width space) or one with bidi marks.
    """
    return "".join(c for c in "".join(ref.split()) if c not in INVISIBLE).casefold().upper()


@value_class
class Case(Record):
    """One case of a case measure: a child's journey from the start event to the milestone."""

    TABLE: ClassVar[str] = "cases"
    NOUN: ClassVar[str] = "case"
    COUNTED: ClassVar[tuple[str, str]] = ("case", "cases")
    PARENT: ClassVar[tuple[str, str] | None] = ("measure_id", "measures")

    measure_id: str = internal_field()
    ref: str = spec_field(
        "Reference",
        required=True,
        help="from the case-management system, e.g. C-1042; never a name",
    )
    start: dt.date | None = spec_field("Start date", "date", default=None, required=True)
    end: dt.date | None = spec_field(
        "Milestone date", "date", default=None, help="blank while not reached"
    )
    team: str = spec_field("Team / locality")
    #: Absent in files written before it existed: read as "" (no schema change).
    lead: str = spec_field(
        "Lead (worker)",
        help="the worker leading it, e.g. SW East (JB); listed in their My work",
    )
    note: str = spec_field("Note", "longtext", help="no names: describe roles, not people")

    @classmethod
    def merge_key(cls, doc: dict[str, Any]) -> tuple[str, ...] | None:
        """One reference in one case measure is one child: two copies' cases merge."""
        ref, measure = doc.get("ref"), doc.get("measure_id")
        if not isinstance(ref, str) or not isinstance(measure, str) or not ref_key(ref):
            return None
        return (measure, ref_key(ref))

    def _cross_checks(self) -> list[FieldError]:
        errors: list[FieldError] = []
        why = ref_problem(self.ref)
        if why and self.ref.strip():
            errors.append(self._err("ref", why))
        now = dates.today()
        start, end = self.start, self.end
        if start is not None and start > now:
            errors.append(self._err("start", f"cannot be in the future; got {start:%d/%m/%Y}"))
        if end is not None:
            if end > now:
                errors.append(self._err("end", f"cannot be in the future; got {end:%d/%m/%Y}"))
            if start is not None and end < start:
                errors.append(
                    self._err(
                        "end",
                        f"cannot be before the start date ({start:%d/%m/%Y}); got {end:%d/%m/%Y}",
                    )
                )
        return errors

    @property
    def title(self) -> str:
        """The reference, for lists and messages."""
        return self.ref
