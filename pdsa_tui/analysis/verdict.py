"""Plain-language verdicts for a part of a chart and for the whole chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pdsa_tui.analysis.charts import CENTRE_NAMES, ChartType
from pdsa_tui.analysis.rules import RunsResult, Span
from pdsa_tui.valueclass import value_class

if TYPE_CHECKING:
    from pdsa_tui.analysis.results import PartResult

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

NO_SIGNAL = "Random variation only: no evidence of change yet."


@value_class(frozen=True)
class VerdictContext:
    """What the wording depends on besides the numbers."""

    chart: ChartType
    direction: Literal["up", "down", "neutral"]
    scale: float = 1.0
    unit: str = ""
    #: The rule set whose rules the verdict reports ("anhoej", "ihi" or "mdc").
    rules: str = "anhoej"

    @property
    def centre_name(self) -> str:
        """How the centre line is called in sentences."""
        return CENTRE_NAMES[self.chart]

    def meaning(self, upwards: bool) -> str:
        """What a move up or down means for this chart's values, e.g. 'events further apart'."""
        return {
            "c": ("more events", "fewer events"),
            "u": ("a higher rate of events", "a lower rate of events"),
            "g": ("more cases between events: events rarer", "events more often"),
            "t": ("longer gaps between events: events rarer", "events more often"),
        }.get(self.chart, ("", ""))[0 if upwards else 1]

    def value(self, v: float | None) -> str:
        """A value as people read it: scaled, a few significant digits, with its unit."""
        if v is None:
            return "-"
        return f"{format_number(v * self.scale)}{self.unit}"

    def effect(self, upwards: bool) -> str:
        """ " (improvement for this measure)" or the like; empty when direction is neutral."""
        means = self.meaning(upwards)
        if self.direction == "neutral":
            return f" ({means})" if means else ""
        good = (self.direction == "up") == upwards
        verdict = "improvement" if good else "deterioration"
        return (
            f" ({means}: {verdict} for this measure)" if means else f" ({verdict} for this measure)"
        )


def format_number(v: float) -> str:
    """Round for reading: 3 significant figures or whole numbers from 100 up."""
    if v != v:  # NaN
        return "-"
    a = abs(v)
    if a >= 1e15:  # beyond any measure's range (an old file's 1e308): not 309 digits
        text = f"{v:.3g}"
    elif a >= 100:
        text = f"{v:.0f}"
    elif a >= 10:
        text = f"{v:.1f}"
    elif a >= 1:
        text = f"{v:.2f}"
    else:
        text = f"{v:.3g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def month(d: dt.date) -> str:
    """``Mar 2019``, independent of the locale."""
    return f"{_MONTHS[d.month - 1]} {d.year}"


def no_limits_note(ctx: VerdictContext) -> str:
    """The sentence for a part whose baseline has no spread, so no limits are drawn."""
    what = "upper limit" if ctx.chart == "t" else "control limits"
    return (
        f"No {what}: every baseline value is the same, so there is no variation to set "
        f"{'it' if ctx.chart == 't' else 'them'} from; only the run rules can signal."
    )


def part_verdict(
    ctx: VerdictContext,
    *,
    dates: Sequence[dt.date],
    ys: Sequence[float | None],
    centre: float | None,
    runs: RunsResult,
    shifts: Sequence[Span],
    trends: Sequence[Span],
    above: Sequence[int],
    below: Sequence[int],
    n_values: int,
    reliable: bool,
    part_first: int = 0,
    frozen: bool = False,
    extra: Sequence[str] = (),
) -> str:
    """Sentences describing one part; indices in spans and lists are 0-based series positions.

    ``part_first`` is the part's first position; ``frozen`` says its centre comes from a
    baseline rather than from all of its points. Only the rules of ``ctx.rules`` are
    reported, each line naming its rule; ``extra`` holds lines found by other means
    (the Making Data Count rules).
    """
    if n_values == 0:
        return "No values in this part yet: nothing to analyse."
    if centre is None:
        return "No baseline values to draw a centre line from yet."
    if n_values == 1:
        return _too_few(1)
    if runs.n_useful == 0:
        head = f"All {n_values} points lie on {ctx.centre_name}: no variation to analyse."
        return head if reliable else f"{head} {_too_few(n_values)}"

    found = _shift_sentences(ctx, dates, ys, shifts, part_first, frozen)
    for t in trends:
        way = "up" if t.direction > 0 else "down"
        found.append(
            f"Signal (IHI trend): {t.count} points in a row going {way} from "
            f"{month(dates[t.first])} to "
            f"{month(dates[t.last])} - a trend {way}wards{ctx.effect(t.direction > 0)}."
        )
    ihi = ctx.rules in ("anhoej", "ihi")
    if ihi and runs.runs is not None and runs.runs_expected is not None:
        lo, hi = runs.runs_expected
        expected = f"{lo} to {hi} expected for {runs.n_useful} useful points"
        if runs.runs < lo:
            found.append(
                f"Signal (IHI runs): too few runs ({runs.runs}; {expected}) - the points stay "
                f"on one side of {ctx.centre_name} longer than chance alone would give."
            )
        elif runs.runs > hi:
            found.append(
                f"Signal (IHI runs): too many runs ({runs.runs}; {expected}) - the points swap "
                "sides more often than chance would; check whether the data mix different sources."
            )
    anhoej = ctx.rules == "anhoej"
    if anhoej and runs.long_run_signal and not any(s.count == runs.longest_run for s in shifts):
        found.append(
            f"Signal (Anhøj longest run): a run of {runs.longest_run} points on one side of "
            f"{ctx.centre_name} is longer than the limit of {runs.longest_run_max}."
        )
    if anhoej and runs.crossings_signal:
        found.append(
            f"Signal (Anhøj crossings): {_plural(runs.crossings, 'crossing')} of {ctx.centre_name} "
            "where at least "
            f"{runs.crossings_min} are expected - non-random variation."
        )
    if ctx.rules != "mdc":
        found.extend(_outside(ctx, dates, ys, above, upper=True))
        found.extend(_outside(ctx, dates, ys, below, upper=False))
    found.extend(extra)

    if not reliable:
        early = f" Early signs to watch: {' '.join(found)}" if found else ""
        return f"{_too_few(n_values)}{early}"
    return " ".join(found) if found else NO_SIGNAL


def _outside(
    ctx: VerdictContext,
    dates: Sequence[dt.date],
    ys: Sequence[float | None],
    idx: Sequence[int],
    *,
    upper: bool,
) -> list[str]:
    if not idx:
        return []
    shown = ", ".join(f"{month(dates[k])}: {ctx.value(ys[k])}" for k in idx[:3])
    more = f" and {len(idx) - 3} more" if len(idx) > 3 else ""
    noun = "point" if len(idx) == 1 else "points"
    side = "above the upper" if upper else "below the lower"
    way = "upwards" if upper else "downwards"
    return [
        f"Signal (beyond the limits): {len(idx)} {noun} {side} control limit ({shown}{more}) - "
        f"special-cause variation {way}{ctx.effect(upper)}."
    ]


def _plural(count: int | None, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _too_few(n_values: int) -> str:
    noun = "point" if n_values == 1 else "points"
    return (
        f"Only {n_values} {noun}: too few points for the rules to be reliable "
        "(10 or more are needed); the chart is for information."
    )


def overall_verdict(parts: Sequence[PartResult], dates: Sequence[dt.date]) -> str:
    """The whole chart's verdict: the part's own, or one line per part."""
    if not parts:
        return "No data yet: nothing to analyse."
    if len(parts) == 1:
        return parts[0].verdict
    lines = []
    for k, p in enumerate(parts, start=1):
        span = f"{month(dates[p.first - 1])} to {month(dates[p.last - 1])}"
        lines.append(f"Part {k} ({span}): {p.verdict}")
    return "\n".join(lines)


def _shift_sentences(
    ctx: VerdictContext,
    dates: Sequence[dt.date],
    ys: Sequence[float | None],
    shifts: Sequence[Span],
    part_first: int,
    frozen: bool,
) -> list[str]:
    """Describe shifts in time order, as the change they show.

    Around a median of all the points, a run below it early on and a run above it
    later are one change upwards, not a deterioration and then an improvement; and
    a lone run at the very start says the later points sit on the other side.
    """
    out: list[str] = []
    ordered = sorted(shifts, key=lambda s: s.first)
    first_value = next((k for k in range(part_first, len(ys)) if ys[k] is not None), part_first)
    i = 0
    while i < len(ordered):
        s = ordered[i]
        side = "above" if s.direction > 0 else "below"
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        if not frozen and nxt is not None and nxt.direction != s.direction:
            up = nxt.direction > 0
            out.append(
                f"Signal (IHI shift): {s.count} points in a row {side} {ctx.centre_name} from "
                f"{month(dates[s.first])}, then {nxt.count} "
                f"{'above' if up else 'below'} it from {month(dates[nxt.first])} - the process "
                f"has shifted {'upwards' if up else 'downwards'}{ctx.effect(up)}."
            )
            i += 2
            continue
        if not frozen and s.first == first_value:
            up = s.direction < 0  # the later points sit on the other side
            out.append(
                f"Signal (IHI shift): the first {s.count} points are all {side} {ctx.centre_name} "
                f"(from {month(dates[s.first])}) - the later points sit "
                f"{'higher' if up else 'lower'}: the process has shifted "
                f"{'upwards' if up else 'downwards'} since{ctx.effect(up)}."
            )
        else:
            up = s.direction > 0
            out.append(
                f"Signal (IHI shift): {s.count} points in a row {side} {ctx.centre_name} from "
                f"{month(dates[s.first])} - the process has shifted "
                f"{'upwards' if up else 'downwards'}{ctx.effect(up)}."
            )
        i += 1
    return out
