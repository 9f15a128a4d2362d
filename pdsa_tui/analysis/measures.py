"""From a stored measure to its analysis: the one bridge the TUI and the exports share."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping

from pdsa_tui.analysis.attention import target_for
from pdsa_tui.analysis.charts import CHART_TYPES, ChartType
from pdsa_tui.analysis.results import Analysis, SeriesPoint
from pdsa_tui.analysis.spc import analyse
from pdsa_tui.model import Aim, Cycle, Measure
from pdsa_tui.model.programme import measure_rules
from pdsa_tui.valueclass import value_class


@value_class(frozen=True)
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
        """The newest value in displayed units (the value itself, not its moving range or SD)."""
        if self.analysis.chart in ("mr", "s"):
            times = self.measure.multiply or 1.0
            values = [p.y for p in self.measure.sorted_points() if p.y is not None]
            return values[-1] * times * self.scale if values else None
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
    """The measure's stored chart choice when its data can take it, else the run chart."""
    for kind in CHART_TYPES:
        if measure.chart == kind and kind in available_charts(measure):
            return kind
    return "run"


def available_charts(measure: Measure) -> list[ChartType]:
    """The charts the measure's data can take, in the order they are offered.

    Numerators and denominators: P for a percentage (parts of a whole), U for a rate
    (events per unit of exposure, e.g. per 100 child-months). Values: I; C when they
    are counts; T or G when the measure says they are the time or the number of cases
    between events.
    """
    out: list[ChartType] = ["run"]
    values = [p.value for p in measure.points if p.value is not None]
    if is_ratio(measure):
        proportions = all(
            p.numerator is None or p.denominator is None or p.numerator <= p.denominator
            for p in measure.points
            if p.value is None
        )
        kind: ChartType = "p" if measure.unit == "percent" and proportions else "u"
        # Laney's P′/U′ for large denominators, where P/U limits are too tight.
        out.extend([kind, "pp" if kind == "p" else "up", "i"])
        return out
    events = measure.values_are == "measurements"
    if events and measure.unit == "count" and all(v >= 0 and float(v).is_integer() for v in values):
        out.append("c")
    out.extend(["i", "mr"])
    if any(len(p.observations) > 1 for p in measure.points):
        # Several observations per date (one per child): their means and their spread.
        out.extend(["xbar", "s"])
    if measure.values_are == "count_between" and all(v >= 0 for v in values):
        out.append("g")
    if measure.values_are == "time_between" and all(v > 0 for v in values):
        out.append("t")
    return out


def view_measure(
    measure: Measure,
    *,
    chart: ChartType | None = None,
    aim: Aim | None = None,
    default_rules: str = "anhoej",
) -> MeasureView:
    """Analyse ``measure`` (its freeze and rebase markers included) as ``chart``.

    ``default_rules`` is the programme's rule set (``Store.default_rules``): a measure
    whose own rule set is 'default' is analysed with it.
    """
    kind, scale, unit_label, goal = _frame(measure, chart, aim)
    series = [
        SeriesPoint(
            date=p.date,
            y=p.value,
            values=tuple(p.observations) if p.observations else None,
            numerator=p.numerator if p.value is None else None,
            denominator=p.denominator if p.value is None else None,
            rebase_after=p.rebase_after,
            baseline_end=p.baseline_end,
        )
        for p in measure.sorted_points()
    ]
    analysis = _analyse(series, measure, kind, scale, unit_label, goal, default_rules)
    return MeasureView(measure, analysis, scale, unit_label, goal)


def view_frame(
    measure: Measure,
    *,
    chart: ChartType | None = None,
    aim: Aim | None = None,
    default_rules: str = "anhoej",
) -> MeasureView:
    """``measure``'s view with no point analysed: its units, scale and goal only.

    Cheap at any size: a screen shows a long list with it while the analysis waits.
    """
    kind, scale, unit_label, goal = _frame(measure, chart, aim)
    analysis = _analyse([], measure, kind, scale, unit_label, None, default_rules)
    return MeasureView(measure, analysis, scale, unit_label, goal)


def _frame(
    measure: Measure, chart: ChartType | None, aim: Aim | None
) -> tuple[ChartType, float, str, float | None]:
    """(chart drawn, scale, unit label, goal in displayed units) of ``measure``."""
    kind: ChartType = chart or default_chart(measure)
    ratio = is_ratio(measure)
    if kind not in available_charts(measure):
        kind = "run"
    multiply = measure.multiply if measure.multiply and measure.multiply > 0 else 1.0
    scale = 100.0 if ratio and kind not in ("u", "up") and multiply == 1 else 1.0
    if multiply != 1:
        unit_label = f" per {multiply:,.15g}"
    elif kind in ("u", "up"):
        unit_label = ""  # events per unit of the denominator
    elif measure.unit == "percent" or ratio:
        unit_label = "%"
    else:
        unit_label = "" if measure.unit in ("count", "rate") else f" {measure.unit}"
    goal = target_for(aim, measure) if aim is not None else measure.goal
    if kind in ("u", "up") and goal is not None and ratio and multiply == 1:
        goal = goal / 100  # a percentage goal on the scale of events per unit
    return kind, scale, unit_label, goal


def _analyse(
    series: list[SeriesPoint],
    measure: Measure,
    kind: ChartType,
    scale: float,
    unit_label: str,
    goal: float | None = None,
    default_rules: str = "anhoej",
) -> Analysis:
    """The analysis with the measure's rule set (else the programme's), multiplier and target."""
    direction = measure.direction if measure.direction in ("up", "down") else "neutral"
    return analyse(
        series,
        kind,
        direction=direction,  # type: ignore[arg-type]
        scale=scale,
        unit_label=unit_label.strip() if unit_label == "%" else unit_label,
        rules=measure_rules(measure.rules, default_rules),  # type: ignore[arg-type]
        target=None if goal is None else goal / scale,
        multiply=measure.multiply if measure.multiply and measure.multiply > 0 else 1.0,
        no_negative=measure.cannot_be_negative == "yes",
    )


def brief_verdict(verdict: str, most: int = 4) -> str:
    """``verdict`` with at most ``most`` signals per line, then how many more there are.

    Thousands of points can give thousands of shifts: a screen shows the first few (its
    chart marks them all) rather than wrapping pages of sentences.
    """
    lines = []
    for line in verdict.split("\n"):
        chunks = _SIGNAL.split(line)
        signals = [k for k, c in enumerate(chunks) if c.startswith("Signal")]
        if len(signals) > most:
            more = len(signals) - most
            kept = " ".join(chunks[: signals[most]])
            line = f"{kept} … and {more:,} more signal{'s' if more != 1 else ''}."
        lines.append(line)
    return "\n".join(lines)


_SIGNAL = re.compile(r" (?=Signal[ :(])")


def _dated(cycles: Iterable[Cycle]) -> list[tuple[dt.date, Cycle]]:
    """Cycles with a date (carried out, else planned), in date order."""
    out = []
    for c in cycles:
        when = c.do_start or c.planned_start
        if when is not None:
            out.append((when, c))
    return sorted(out, key=lambda t: (t[0], t[1].idea_id, t[1].number))


def cycle_markers(cycles: Iterable[Cycle]) -> list[tuple[dt.date, str]]:
    """Chart markers at the start of each dated cycle: C1, C2, ... in date order across the
    aim (the exports number them the same way); :func:`marker_notes` says which is which."""
    return [(when, f"C{k}") for k, (when, _) in enumerate(_dated(cycles), start=1)]


def marker_notes(cycles: Iterable[Cycle], titles: Mapping[str, str]) -> dict[str, str]:
    """Marker label -> '15-week reminder, cycle 1' (``titles``: change idea id -> title)."""
    return {
        f"C{k}": f"{titles.get(c.idea_id, '?')}, cycle {c.number}"
        for k, (_, c) in enumerate(_dated(cycles), start=1)
    }


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
