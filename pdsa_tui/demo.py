"""The demo programme: data files under ``data/demo/`` and the small loader that reads them.

The story (a synthetic Moray-style PACE programme: four national aims, their
measures with two years of monthly data, change ideas, PDSA cycles and feedback,
driver diagrams, spread and change packages, case measures with their cases;
roles, initials and case references, never names) lives in ``data/demo/*.json``,
one file per part. Files are read in name order, so a part may refer to records
of an earlier one by id. Each file is::

    {"about": "...", "timeline": {"last_month": "2020-01-01"},
     "tables": {"aims": [{"id": "...", "created": "2018-05-14", ...}], ...},
     "amend": {"ideas": [{"id": "...", "driver_id": "..."}]}}

``tables`` maps a store table (any kind in :data:`RECORD_TYPES`) to records in
the store's own JSON form, saved in file order; ``amend`` then changes only the
fields it gives of records saved before (by id). Dates are written in the file's
own timeline and moved when the demo is built, so that the programme always ends
last month:

- ``"2019-03-04"`` (any string that is exactly an ISO date) moves by whole months
  so that ``timeline.last_month`` becomes the month before today's;
- ``"today"``, ``"today-24"``, ``"today+18"`` are days from today (cycles in flight);
- ``"2019-03-01+12"``, ``"2019-03-01-198"``: an ISO date moved, then days added;
- a trailing ``?`` (``"2019-12-01+26?"``) leaves the field empty when the date is
  after today: it has not happened yet;
- ``{{2019-03-01|%B %Y}}`` inside text is that date, moved, then formatted;
- ``created`` may be a date, or a date and a time (``"2019-03-01 10:02"``); it
  becomes that moment's timestamp.

A measure's points need no ids (they are derived from the measure's id and the
date), so a rebuild for the same day gives the same file apart from ``updated``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdsa_tui.model import RECORD_TYPES, DataPoint, Measure, Record, dates
from pdsa_tui.model.dates import add_months
from pdsa_tui.store import Store
from pdsa_tui.store.measure_data import with_points
from pdsa_tui.store.paths import current_user

if TYPE_CHECKING:
    from importlib.abc import Traversable

#: Names of the measures the sample import files are for (``pdsa data import --measure``).
AIM2_OUTCOME = "% with permanence recommendation within 30 weeks"
#: A measure of typed monthly ratios (Aim 1's outcome); Aim 2's is a case measure.
AIM1_OUTCOME = "% of children at home 2+ years with a routine audit reported"
#: A measure of typed monthly ratios the data import sample fits (Aim 2's process measure).
AIM2_REMINDER = "% of cases with 15-week checklist reminder sent"
AIM4_WEEKS = "Weeks from agency decision to Permanence Order lodged"
#: Months of data the outcome measures hold, ending last month.
N_MONTHS = 24
#: The folder of the demo's data files, inside the package.
DATA_FOLDER = "data/demo"
#: A file's timeline when it names none: the month its data ends.
DEFAULT_LAST_MONTH = dt.date(2020, 1, 1)

_POINT_IDS = uuid.UUID("5f0c2a9e-7d43-4b8e-9a61-3c2f0e8d4b17")
_POINT_BYTES = _POINT_IDS.bytes
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}|today)(?:([+-])(\d+))?(\?)?$")
_STAMP = re.compile(r"^(.+?)(?: (\d{2}:\d{2}))?$")
#: Values a date never hides in: kept as they are.
_AS_IS = frozenset({int, float, bool, type(None)})
_TEMPLATE = re.compile(r"\{\{(\d{4}-\d{2}-\d{2}(?:[+-]\d+)?|today(?:[+-]\d+)?)\|([^}]*)\}\}")


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month(i: int, *, today: dt.date | None = None) -> dt.date:
    """The first day of the ``i``-th month of the demo's data (0 = the first, ending last month)."""
    this = (today or dates.today()).replace(day=1)
    return add_months(this, i - N_MONTHS)


class Timeline:
    """How one data file's dates land on the calendar for a given today."""

    # A plain class: a dataclass costs 0.4 ms of pdsa --demo's start to define.
    __slots__ = ("months", "today")

    def __init__(self, today: dt.date, months: int) -> None:
        self.today = today
        self.months = months

    @classmethod
    def for_file(cls, last_month: dt.date, today: dt.date) -> Timeline:
        return cls(today, _month_index(today) - 1 - _month_index(last_month))

    def date(self, text: str) -> dt.date | None:
        """The moved date that ``text`` stands for, or None when it is not a date."""
        return _moved(text, self.today, self.months)

    def value(self, value: Any) -> Any:
        """``value`` with every date in it moved and every date template filled in."""
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, dict):
            return self._fields(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def _fields(self, row: dict[str, Any]) -> dict[str, Any]:
        """:meth:`value` of a dict: the same, worked out in one loop over its fields (a
        demo build looks at some 5,000 values; most are plain text or numbers)."""
        out = {}
        for key, v in row.items():
            kind = v.__class__
            if kind is str:
                # Only text starting with a digit or "today" can be a date; only text
                # with "{{" holds a template.
                if v[:1].isdigit() or v[:1] == "t" or "{{" in v:
                    v = self._text(v)
            elif kind is dict:
                v = self._fields(v)
            elif kind not in _AS_IS:
                v = self.value(v)
            out[key] = v
        return out

    def _text(self, text: str) -> str | None:
        """:meth:`value` of a text."""
        if text[:1].isdigit() or text[:1] == "t":
            day = self.date(text)
            if day is not None:
                return None if text.endswith("?") and day > self.today else day.isoformat()
        return _TEMPLATE.sub(self._fill, text) if "{{" in text else text

    def stamp(self, text: str) -> str:
        """A ``created`` timestamp from a date, or a date and a time (others are kept)."""
        m = _STAMP.match(text)
        day = self.date(m[1]) if m else None
        if m is None or day is None:
            return text
        return f"{day.isoformat()}T{m[2] or '09:30'}:00+00:00"

    def _fill(self, m: re.Match[str]) -> str:
        day = self.date(m[1])
        assert day is not None  # the pattern only matches dates
        return day.strftime(m[2])


@functools.lru_cache(maxsize=4096)
def _moved(text: str, today: dt.date, months: int) -> dt.date | None:
    """:meth:`Timeline.date`, worked out once per text (the files repeat their dates)."""
    m = _DATE.match(text)
    if m is None:
        return None
    day = today if m[1] == "today" else add_months(dt.date.fromisoformat(m[1]), months)
    if m[3]:
        day += dt.timedelta(days=int(m[3]) * (-1 if m[2] == "-" else 1))
    return day


def data_files() -> list[tuple[str, dict[str, Any]]]:
    """The demo's data files (name, content), in the order they are loaded."""
    # Read beside this module when it is a plain folder (every ordinary install), as the
    # self-assessment template is: importlib.resources costs 2 ms of pdsa --demo's start.
    folder: Path | Traversable = Path(__file__).resolve().parent / DATA_FOLDER
    if not folder.is_dir():  # pragma: no cover - a zipped install
        from importlib import resources

        folder = resources.files("pdsa_tui").joinpath(DATA_FOLDER)
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            out.append((entry.name, _read_json(entry.read_bytes())))
    return out


def _read_json(raw: bytes) -> Any:
    """A data file's content: read by orjson (twice as fast, and the store's save imports
    it anyway), or by ``json`` where orjson is missing or refuses (then as before)."""
    try:
        import orjson

        return orjson.loads(raw)
    except (ImportError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return json.loads(raw.decode("utf-8"))


def _records(
    name: str, doc: dict[str, Any], today: dt.date, section: str = "tables"
) -> Iterator[tuple[str, dict[str, Any]]]:
    last = dt.date.fromisoformat(doc.get("timeline", {}).get("last_month", "2020-01-01"))
    timeline = Timeline.for_file(last, today)
    for table, rows in doc.get(section, {}).items():
        if table not in RECORD_TYPES:
            known = ", ".join(sorted(RECORD_TYPES))
            raise ValueError(f"demo file {name}: unknown table '{table}' (known: {known})")
        for row in rows:
            created = row.get("created")
            data = timeline.value(row)
            if isinstance(created, str):
                data["created"] = timeline.stamp(created)
            yield table, data


def _demo_records(store: Store, day: dt.date) -> Iterator[Record]:
    """The demo's records in the order they are saved, each as the file gives it.

    Made as :meth:`Store.save_all` saves them (it asks for the next once the last is
    saved): a measure's points come as a second version of the saved measure, as
    :meth:`MeasureData.add_points` would save them, and an amendment as the saved record
    with the fields the file gives.
    """
    for name, doc in data_files():
        for table, data in _records(name, doc, day):
            cls = RECORD_TYPES[table]
            points = data.pop("points", None) if cls is Measure else None
            yield cls.from_dict(data)
            if points:
                saved = store.get(Measure, data["id"])
                yield with_points(saved, _points(saved, points, store.user))
        for table, data in _records(name, doc, day, "amend"):
            cls = RECORD_TYPES[table]
            current = store.get(cls, data["id"])
            yield cls.from_dict({**current.to_dict(), **data})


def _point_id(name: str) -> str:
    """``str(uuid.uuid5(_POINT_IDS, name))``, made without a ``UUID`` (half the time)."""
    number = int.from_bytes(hashlib.sha1(_POINT_BYTES + name.encode()).digest()[:16])
    # The variant (RFC 4122) and the version (5), as UUID(..., version=5) sets them.
    number = (number & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 5 << 76
    x = f"{number:032x}"
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _points(measure: Measure, points: list[dict[str, Any]], user: str) -> list[DataPoint]:
    """The data file's ``points`` of ``measure``, as ``store.measure_data.add_points``
    stores them (its user's, with ids made from the measure, the date and the order)."""
    return [
        DataPoint.from_dict(
            {
                "id": _point_id(f"{measure.id}/{p['date']}/{k}"),
                **p,
                "updated_by": user,
            }
        )
        for k, p in enumerate(points)
    ]


def build_demo(store: Store, *, today: dt.date | None = None) -> None:
    """Write the demo programme into ``store``, which must be open, writable and empty.

    Everything is saved in one transaction: all of it lands or none. ``today``
    (default: :func:`dates.today`) decides where the programme lands: its data
    ends last month and its current cycles are in flight.
    """
    day = today or dates.today()
    counts = store.counts()
    if any(counts.values()):
        raise ValueError(f"{store.path} is not empty: the demo is only written into a new database")
    # Records are validated against "today" (no future dates): the demo's day, not the clock's.
    with dates.as_of(day):
        store.save_all(_demo_records(store, day))


def write_demo(path: str | os.PathLike[str], *, today: dt.date | None = None) -> Path:
    """Create a new database at ``path`` holding the demo programme; return its path.

    Refuses (``FileExistsError``) when something already exists at ``path``.
    """
    p = Path(path).expanduser().absolute()
    open_demo(p, today=today).close()
    return p


def open_demo(
    path: str | os.PathLike[str], *, user: str | None = None, today: dt.date | None = None
) -> Store:
    """Create a new database at ``path`` holding the demo programme, and keep it open.

    The demo's records are saved by "demo"; the store returned saves as ``user`` (as
    :meth:`Store.open` names them). ``pdsa --demo`` shows it without reading the file it
    has just written back in. Refuses (``FileExistsError``) when something already exists
    at ``path``.
    """
    p = Path(path).expanduser().absolute()
    if p.exists() or p.is_symlink():
        raise FileExistsError(f"{p} already exists; the demo is only written to a new file")
    # Built in memory and written once, at the end: a failed build leaves nothing behind,
    # and a file that appeared at ``p`` meanwhile is never written over.
    store = Store.new(p, user="demo")
    try:
        build_demo(store, today=today)
    except BaseException:
        store.close()
        raise
    store.user = current_user(user)
    return store


# --------------------------------------------------------------------------------------
# Sample CSV files for ``pdsa data import``: the six months after the demo's data
# --------------------------------------------------------------------------------------

#: Aim 2 outcome (numerator, denominator, note) and Aim 4 weeks (value, note).
IMPORT_PERCENT: list[tuple[int, int, str]] = [
    (4, 5, ""),
    (2, 4, "Children's Hearings moved to remote hearings"),
    (3, 4, "Remote hearings; two recommendations delayed"),
    (4, 5, ""),
    (5, 6, ""),
    (4, 4, "Back to in-person Leads group, Elgin"),
]
IMPORT_WEEKS: list[tuple[float, str]] = [
    (14.5, ""),
    (19.0, "Court business paused"),
    (21.5, "Court backlog"),
    (17.0, ""),
    (15.5, ""),
    (14.0, ""),
]


def import_samples(*, today: dt.date | None = None) -> dict[str, str]:
    """The sample import files (name -> CSV text): the six months after the demo's data."""
    import csv  # only for the samples: not at pdsa --demo's start
    import io

    pct = io.StringIO()
    w = csv.writer(pct, lineterminator="\n")
    w.writerow(["date", "numerator", "denominator", "note"])
    for k, (num, den, note) in enumerate(IMPORT_PERCENT):
        w.writerow([f"{month(N_MONTHS + k, today=today):%d/%m/%Y}", num, den, note])
    vals = io.StringIO()
    w = csv.writer(vals, lineterminator="\n")
    w.writerow(["date", "value", "note"])
    for k, (value, note) in enumerate(IMPORT_WEEKS):
        w.writerow([f"{month(N_MONTHS + k, today=today):%d/%m/%Y}", f"{value:g}", note])
    return {"data_import_percent.csv": pct.getvalue(), "data_import_values.csv": vals.getvalue()}


def write_import_samples(
    folder: str | os.PathLike[str], *, today: dt.date | None = None
) -> list[Path]:
    """Write the sample import CSVs into ``folder`` (overwriting); return their paths."""
    out = []
    for name, text in import_samples(today=today).items():
        target = Path(folder) / name
        target.write_text(text, encoding="utf-8")
        out.append(target)
    return out
