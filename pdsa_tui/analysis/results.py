"""The analysis's data: a series point in, and the results per point, part and chart out.

Pure dataclasses (no I/O); ``spc.analyse`` fills them, ``to_json`` gives the
``pdsa analyse --json`` contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import field
from functools import cached_property
from operator import attrgetter
from typing import Any, Literal, overload

from pdsa_tui.analysis.charts import ChartType
from pdsa_tui.analysis.rulesets import RuleSet
from pdsa_tui.valueclass import value_class

Direction = Literal["up", "down", "neutral"]


@value_class(frozen=True)
class XmRConvention:
    """How an I chart turns the mean moving range into limits."""

    #: Limits are centre ± factor · mean moving range.
    factor: float
    #: Drop moving ranges >= 3.267 · mean MR and recompute the mean before using it.
    screen: bool


#: NHSRplotthedots ("Making Data Count"): 2.66 · mean MR, screened. The default.
XMR_PLOTTHEDOTS = XmRConvention(factor=2.66, screen=True)
#: qicharts2: 3 · mean MR / 1.128 (d2), screened (its ``qic.screenedmr`` option, on when attached).
XMR_QICHARTS2 = XmRConvention(factor=3 / 1.128, screen=True)


@value_class(frozen=True)
class SeriesPoint:
    """One data point of a series: a value ``y`` or a ``numerator``/``denominator`` pair."""

    date: dt.date
    y: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    #: A new part (phase) starts after this point.
    rebase_after: bool = False
    #: The baseline (freeze) of this point's part ends at this point.
    baseline_end: bool = False
    #: Drawn, and tested against limits, but not used for centre, limits or runs.
    exclude: bool = False
    #: Several observations on this date (one subgroup); ``y`` is then ignored.
    values: tuple[float | None, ...] | None = None


# A frozen dataclass's __init__ sets each field through object.__setattr__: about 1-2 µs a
# point. A CSV of 100,000 points builds 100,000 of each, so the two builders below fill
# the instance's __dict__ in one step instead. The result is the same object (equal, same
# hash); tests/unit/test_analysis_fast.py holds their keys to the dataclasses' fields.
_new = object.__new__
_set = object.__setattr__


def series_point(
    date: dt.date,
    y: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
) -> SeriesPoint:
    """``SeriesPoint(date, y, numerator, denominator)``, built at a third of the cost."""
    p: SeriesPoint = _new(SeriesPoint)
    _set(p, "__dict__", {
        "date": date, "y": y, "numerator": numerator, "denominator": denominator,
        "rebase_after": False, "baseline_end": False, "exclude": False, "values": None,
    })  # fmt: skip
    return p


class SeriesColumns(Sequence[SeriesPoint]):
    """A series held as columns (a CSV's 100,000 rows): a sequence of :class:`SeriesPoint`.

    The analysis reads the columns directly (:meth:`column`); anything else indexing
    or iterating it gets each point built on demand, equal to the one a list would hold
    (and the series equals that list). No point has several observations (``values``).
    """

    __slots__ = ("_cols", "_flags", "_n")

    def __init__(
        self,
        dates: list[dt.date],
        *,
        y: list[float | None] | None = None,
        numerator: list[float | None] | None = None,
        denominator: list[float | None] | None = None,
        exclude: frozenset[int] = frozenset(),
        baseline_end: frozenset[int] = frozenset(),
        rebase_after: frozenset[int] = frozenset(),
    ) -> None:
        n = len(dates)
        nothing: list[float | None] = [None] * n
        self._n = n
        self._cols: dict[str, list[Any]] = {
            "date": dates,
            "y": nothing if y is None else y,
            "numerator": nothing if numerator is None else numerator,
            "denominator": nothing if denominator is None else denominator,
        }
        #: The 0-based positions each flag is set at.
        self._flags = {
            "exclude": exclude,
            "baseline_end": baseline_end,
            "rebase_after": rebase_after,
        }

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, k: int) -> SeriesPoint: ...

    @overload
    def __getitem__(self, k: slice) -> list[SeriesPoint]: ...

    def __getitem__(self, k: int | slice) -> SeriesPoint | list[SeriesPoint]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(self._n))]
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError("series position out of range")
        cols, flags = self._cols, self._flags
        return SeriesPoint(
            cols["date"][k],
            cols["y"][k],
            cols["numerator"][k],
            cols["denominator"][k],
            rebase_after=k in flags["rebase_after"],
            baseline_end=k in flags["baseline_end"],
            exclude=k in flags["exclude"],
        )

    def __eq__(self, other: object) -> bool:
        """Equal to another series of the same points, held either way (a list too)."""
        if isinstance(other, SeriesColumns):
            return self._cols == other._cols and self._flags == other._flags
        if isinstance(other, list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable columns, as a list

    def column(self, name: str) -> list[Any]:
        """Every point's field ``name`` (a :class:`SeriesPoint` field), as a list."""
        if name in self._cols:
            return self._cols[name]
        if name in self._flags:
            flagged = self._flags[name]
            return [k in flagged for k in range(self._n)] if flagged else [False] * self._n
        if name == "values":
            return [None] * self._n
        raise KeyError(name)

    def marked(
        self, *, exclude: frozenset[int] = frozenset(), baseline_end: frozenset[int] = frozenset()
    ) -> SeriesColumns:
        """The same series with these 0-based positions also excluded / ending a baseline."""
        cols, flags = self._cols, self._flags
        return SeriesColumns(
            cols["date"],
            y=cols["y"],
            numerator=cols["numerator"],
            denominator=cols["denominator"],
            exclude=flags["exclude"] | exclude,
            baseline_end=flags["baseline_end"] | baseline_end,
            rebase_after=flags["rebase_after"],
        )

    def taken(self, order: list[int]) -> SeriesColumns:
        """The points at positions ``order``, in that order (no flags may be set)."""
        if any(self._flags.values()):
            raise ValueError("only an unflagged series can be reordered")
        cols = {name: [col[k] for k in order] for name, col in self._cols.items()}
        return SeriesColumns(
            cols["date"], y=cols["y"], numerator=cols["numerator"], denominator=cols["denominator"]
        )


def series_column(points: Sequence[SeriesPoint], name: str) -> list[Any]:
    """Every point's field ``name``: the column itself when ``points`` is held as columns."""
    if isinstance(points, SeriesColumns):
        return points.column(name)
    return list(map(attrgetter(name), points))


@value_class(frozen=True)
class PointResult:
    """A point as analysed: 1-based position, value, the lines at it and its signals."""

    i: int
    date: dt.date
    y: float | None
    centre: float | None
    lcl: float | None
    ucl: float | None
    signals: list[str] = field(default_factory=list)
    excluded: bool = False
    #: The subgroup size, or the summed denominator of a ratio chart (0 for none).
    n: float = 1
    #: NHSRplotthedots' point type under the chart's rule set (see ``mdc.point_type``).
    point_type: str = "common_cause"
    #: The Making Data Count rule that flags the point (a key of ``mdc.LABELS``), if any.
    special_cause: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The point as in the ``pdsa analyse --json`` contract."""
        return {
            "i": self.i,
            "date": self.date.isoformat(),
            "y": self.y,
            "centre": self.centre,
            "lcl": self.lcl,
            "ucl": self.ucl,
            "signals": list(self.signals),
            "n": self.n,
            "point_type": self.point_type,
            "special_cause": self.special_cause,
        }


def point_result(
    i: int,
    date: dt.date,
    y: float | None,
    centre: float | None,
    lcl: float | None,
    ucl: float | None,
    signals: list[str],
    excluded: bool,
    n: float,
    point_type: str,
    special_cause: str | None,
) -> PointResult:
    """``PointResult(...)`` with every field given, built at a quarter of the cost."""
    p: PointResult = _new(PointResult)
    _set(p, "__dict__", {
        "i": i, "date": date, "y": y, "centre": centre, "lcl": lcl, "ucl": ucl,
        "signals": signals, "excluded": excluded, "n": n, "point_type": point_type,
        "special_cause": special_cause,
    })  # fmt: skip
    return p


@value_class(frozen=True)
class PartResult:
    """One part (phase) of the chart: its centre, limits, rule results and verdict."""

    first: int
    last: int
    centre: float | None
    lcl: float | None
    ucl: float | None
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    runs: int | None
    runs_expected: tuple[int, int] | None
    anhoej_signal: bool
    shifts: list[tuple[int, int]]
    trends: list[tuple[int, int]]
    verdict: str
    warnings: list[str]
    #: Last point (1-based) of the baseline the centre and limits come from.
    baseline_last: int
    #: False when the part has fewer than 10 usable points.
    reliable: bool
    #: Laney's σz (P′ and U′ charts), None elsewhere or when it cannot be computed.
    sigma_z: float | None = None

    @property
    def signal(self) -> bool:
        """True when any rule in this part signals non-random variation."""
        return bool(
            self.anhoej_signal
            or self.shifts
            or self.trends
            or (
                self.runs_expected is not None
                and self.runs is not None
                and not self.runs_expected[0] <= self.runs <= self.runs_expected[1]
            )
        )

    def to_json(self) -> dict[str, Any]:
        """The part as in the ``pdsa analyse --json`` contract."""
        return {
            "first": self.first,
            "last": self.last,
            "centre": self.centre,
            "lcl": self.lcl,
            "ucl": self.ucl,
            "n_useful": self.n_useful,
            "longest_run": self.longest_run,
            "longest_run_max": self.longest_run_max,
            "crossings": self.crossings,
            "crossings_min": self.crossings_min,
            "runs": self.runs,
            "runs_expected": list(self.runs_expected) if self.runs_expected else None,
            "anhoej_signal": self.anhoej_signal,
            "shifts": [[a, b] for a, b in self.shifts],
            "trends": [[a, b] for a, b in self.trends],
            "verdict": self.verdict,
            "warnings": list(self.warnings),
            "sigma_z": self.sigma_z,
        }


@value_class(frozen=True)
class PointColumns:
    """Every point's result as columns: one list per field, position k is point k + 1.

    A series of 100,000 points is analysed, drawn and reported from these lists; the
    :class:`PointResult` objects are made only when something asks for them
    (:attr:`Analysis.points`).
    """

    dates: list[dt.date]
    ys: list[float | None]
    centres: list[float | None]
    lcls: list[float | None]
    ucls: list[float | None]
    #: The signals of each point that has any, by 0-based position (never an empty list).
    signals: dict[int, list[str]]
    excluded: list[bool]
    #: The subgroup size, or the summed denominator of a ratio chart (0 for none).
    sizes: list[float]
    point_types: list[str]
    special_causes: list[str | None]

    def __len__(self) -> int:
        return len(self.dates)

    def results(self) -> list[PointResult]:
        """Each point as a :class:`PointResult` (each with its own signals list)."""
        signals = self.signals
        return [
            point_result(k + 1, d, y, c, lo, hi, list(signals.get(k, ())), ex, n, t, sc)
            for k, (d, y, c, lo, hi, ex, n, t, sc) in enumerate(
                zip(
                    self.dates,
                    self.ys,
                    self.centres,
                    self.lcls,
                    self.ucls,
                    self.excluded,
                    self.sizes,
                    self.point_types,
                    self.special_causes,
                    strict=True,
                )
            )
        ]


EMPTY_COLUMNS = PointColumns([], [], [], [], [], {}, [], [], [], [])


@value_class(frozen=True)
class Analysis:
    """The analysis of a whole series: its parts, and its points as columns.

    :attr:`points` gives the points as :class:`PointResult` objects, made on first use.
    """

    chart: ChartType
    n: int
    parts: list[PartResult]
    columns: PointColumns
    verdict: str
    warnings: list[str] = field(default_factory=list)
    #: One line of advice on reading this chart or choosing another (empty when none).
    advice: str = ""
    #: The rule set the signals come from: "anhoej", "ihi" or "mdc".
    rules: RuleSet = "anhoej"
    direction: Direction = "neutral"
    target: float | None = None
    #: Making Data Count icon names (``mdc.VARIATION_ICONS``/``ASSURANCE_ICONS``); None = none.
    variation_icon: str | None = None
    assurance_icon: str | None = None

    @cached_property
    def points(self) -> list[PointResult]:
        """Each point's result, in order (made from :attr:`columns` once, on first use)."""
        return self.columns.results()

    @property
    def signal(self) -> bool:
        """True when any part or point signals non-random variation."""
        return any(p.signal for p in self.parts) or bool(self.columns.signals)

    def to_json(self) -> dict[str, Any]:
        """One JSON-ready dict in the shape of PRODUCT.md's ``pdsa analyse --json``."""
        return {
            "chart": self.chart,
            "n": self.n,
            "parts": [p.to_json() for p in self.parts],
            "points": [p.to_json() for p in self.points],
            "verdict": self.verdict,
            "warnings": list(self.warnings),
            "advice": self.advice,
            "rules": self.rules,
            "direction": DIRECTION_NAMES[self.direction],
            "target": self.target,
            "variation_icon": self.variation_icon,
            "assurance_icon": self.assurance_icon,
        }


#: Directions as NHSRplotthedots and ``pdsa analyse --direction`` name them.
DIRECTION_NAMES: dict[str, str] = {"up": "increase", "down": "decrease", "neutral": "neutral"}
