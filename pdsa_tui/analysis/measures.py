"""From a stored measure to its analysis: the one bridge the TUI and the exports share."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pdsa_tui.analysis.attention import target_for
from pdsa_tui.analysis.spc import Analysis, ChartType, SeriesPoint, analyse
from pdsa_tui.model import Aim, Cycle, Measure


@dataclass(frozen=True)
class MeasureView:
    """A measure's analysis with what is needed to draw and describe it."""

    measure: Measure
    analysis: Analysis
    #: Multiply analysis values by this to show them (100 for proportions).
    scale: float
    #: The unit as shown after a value ("%", " days").
    unit_label: str
    #: The goal line in displayed units, if any.
    goal: float | None

    def latest(self) -> float | None:
        """The newest value in displayed units."""
        for p in reversed(self.analysis.points):
            if p.y is not None:
                return p.y * self.scale
        return None

    @property
    def ceiling(self) -> float | None:
        """The highest value the measure can take (100 for percentages), if any."""
        return 100.0 if self.unit_label == "%" else None

    def format(self, value: float | None) -> str:
        """``value`` (displayed units) with its unit."""
        if value is None:
            return "-"
        if self.unit_label == "%":
            return f"{value:.0f}%"
        return f"{value:.3g}{self.unit_label}"


def is_ratio(measure: Measure) -> bool:
    """True when the measure's points are numerator/denominator pairs."""
    return any(p.value is None for p in measure.points)


def default_chart(measure: Measure) -> ChartType:
    """The chart a measure gets unless asked otherwise: always the run chart."""
    return "run"


def available_charts(measure: Measure) -> list[ChartType]:
    """Charts that fit the measure's data: P charts need numerators and denominators."""
    return ["run", "p", "i"] if is_ratio(measure) else ["run", "i"]


def view_measure(
    measure: Measure, *, chart: ChartType | None = None, aim: Aim | None = None
) -> MeasureView:
    """Analyse ``measure`` (its freeze and rebase markers included) as ``chart``."""
    kind: ChartType = chart or default_chart(measure)
    points = measure.sorted_points()
    ratio = is_ratio(measure)
    if kind == "p" and not ratio:
        kind = "run"
    series = [
        SeriesPoint(
            date=p.date,
            y=p.value,
            numerator=p.numerator if p.value is None else None,
            denominator=p.denominator if p.value is None else None,
            rebase_after=p.rebase_after,
            baseline_end=p.baseline_end,
        )
        for p in points
    ]
    scale = 100.0 if ratio else 1.0
    if measure.unit == "percent" or ratio:
        unit_label = "%"
    else:
        unit_label = "" if measure.unit in ("count", "rate") else f" {measure.unit}"
    direction = measure.direction if measure.direction in ("up", "down") else "neutral"
    analysis = analyse(
        series,
        kind,
        direction=direction,  # type: ignore[arg-type]
        scale=scale,
        unit_label=unit_label.strip() if unit_label == "%" else unit_label,
    )
    goal = target_for(aim, measure) if aim is not None else measure.goal
    return MeasureView(measure, analysis, scale, unit_label, goal)


def cycle_markers(cycles: Iterable[Cycle]) -> list[tuple[dt.date, str]]:
    """Chart markers at the start of each cycle that has a date (carried out, else planned)."""
    out = []
    for c in cycles:
        when = c.do_start or c.planned_start
        if when is not None:
            out.append((when, f"C{c.number}"))
    return sorted(out)


def thin_markers(
    markers: list[tuple[dt.date, str]], dates: list[dt.date], limit: int = 30
) -> list[tuple[dt.date, str]]:
    """Markers fit to draw: past ``limit``, one per gap between points ('C7+': more start there)."""
    if len(markers) <= limit or not dates:
        return markers
    groups: dict[int, list[tuple[dt.date, str]]] = {}
    for day, label in markers:
        groups.setdefault(bisect.bisect_right(dates, day), []).append((day, label))
    return [
        (group[0][0], group[0][1] + ("+" if len(group) > 1 else ""))
        for _, group in sorted(groups.items())
    ]
