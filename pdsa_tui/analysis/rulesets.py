"""Rule sets: which rules find the signals on a chart, and the chart's icons.

- ``anhoej`` (the default): Anhøj's runs analysis (longest run, crossings), with
  IHI's shift and trend flags and the runs table, and points beyond the limits.
- ``ihi``: IHI's run-chart rules (Perla, Provost & Murray 2011): a shift of 6, a
  trend of 5, too few or too many runs; and points beyond the limits.
- ``mdc``: Making Data Count (NHS England), exactly as NHSRplotthedots 0.2.2: a
  point beyond the limits, a trend of 7, 2 of 3 beyond the 2-sigma line, a run of 7.

Every rule set gives each point a type (improvement, concern or neutral, by the
measure's improvement direction), and the chart a variation icon (the latest
point's type) and, with a target, an assurance icon. Pure functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pdsa_tui.analysis import mdc
from pdsa_tui.analysis.charts import LIMIT_CHARTS

if TYPE_CHECKING:
    from pdsa_tui.analysis.results import PointColumns
    from pdsa_tui.analysis.verdict import VerdictContext

RuleSet = Literal["anhoej", "ihi", "mdc"]
#: Every rule set, the default first.
RULE_SETS: tuple[RuleSet, ...] = ("anhoej", "ihi", "mdc")
#: A rule set's name as people read it.
RULE_SET_NAMES: dict[str, str] = {
    "anhoej": "Anhøj",
    "ihi": "IHI",
    "mdc": "Making Data Count",
}
#: What each rule set looks for, in a few words.
RULE_SET_RULES: dict[str, str] = {
    "anhoej": "longest run and crossings, with IHI shifts and trends, limits",
    "ihi": "shift of 6, trend of 5, too few or too many runs, limits",
    "mdc": "beyond the limits, trend of 7, 2 of 3 near a limit, run of 7; as NHSRplotthedots",
}
#: The ``signals`` entry for a point flagged by a Making Data Count rule.
MDC_SIGNALS: dict[str, str] = {
    "above_ucl": "above_ucl",
    "below_lcl": "below_lcl",
    "trend_up": "trend",
    "trend_down": "trend",
    "two_in_three_above": "two_in_three",
    "two_in_three_below": "two_in_three",
    "run_above": "shift",
    "run_below": "shift",
}
#: Each Making Data Count rule as a verdict line names it.
MDC_RULE_NAMES: dict[str, str] = {
    "above_ucl": "MDC: a point beyond a limit",
    "below_lcl": "MDC: a point beyond a limit",
    "trend_up": "MDC: a trend of 7",
    "trend_down": "MDC: a trend of 7",
    "two_in_three_above": "MDC: 2 of 3 near a limit",
    "two_in_three_below": "MDC: 2 of 3 near a limit",
    "run_above": "MDC: a run of 7",
    "run_below": "MDC: a run of 7",
}
_DIRECTION = {"up": 1, "down": -1, "neutral": 0}


def rule_set_line(rules: str) -> str:
    """'Rules: Anhøj (…)' for a report or a screen."""
    return f"Rules: {RULE_SET_NAMES.get(rules, rules)} ({RULE_SET_RULES.get(rules, '')})"


def mdc_causes(
    values: Sequence[float | None],
    centre: float | None,
    lo: Sequence[float | None],
    hi: Sequence[float | None],
    spread: float | None,
    factor: float,
) -> list[str | None]:
    """Each point's Making Data Count rule (a key of ``mdc.LABELS``) within one part.

    ``lo`` and ``hi`` are the part's limits, point by point. The 2-sigma lines are two
    thirds of the way to the limits; on an I chart they are written exactly as
    NHSRplotthedots evaluates them, mean ± (2·(2.66/3))·mean MR.
    """
    if spread is not None and centre is not None:
        two = (2 * (factor / 3)) * spread
        lo2: list[float | None] = [centre - two] * len(values)
        hi2: list[float | None] = [centre + two] * len(values)
    else:
        lo2 = [None if v is None or centre is None else centre - 2 * (centre - v) / 3 for v in lo]
        hi2 = [None if v is None or centre is None else centre + 2 * (v - centre) / 3 for v in hi]
    return mdc.special_causes(mdc.PartLines(values, centre, lo, hi, lo2, hi2))


def point_sides(
    rules: str, causes: Sequence[str | None], sides: Sequence[int], direction: str
) -> list[str]:
    """Each point's type: by its Making Data Count rule (``mdc``) or its signals' side."""
    d = _DIRECTION.get(direction, 0)
    if rules == "mdc":
        sides = [0 if c is None else mdc.SIDES[c] for c in causes]
    # Three sides at most: each type worked out once, not once a point.
    types = {s: mdc.point_type(s, d) for s in set(sides)}
    return list(map(types.__getitem__, sides))


def chart_icons(
    chart: str, points: PointColumns, direction: str, target: float | None
) -> tuple[str | None, str | None]:
    """(variation icon, assurance icon) of the chart; None where none applies.

    Variation: the latest point's type. Assurance (charts with limits, a target and
    an improvement direction): the target against the latest point's limits.
    """
    if not len(points):
        return None, None
    d = _DIRECTION.get(direction, 0)
    variation = mdc.variation_icon(points.point_types[-1], d)
    assurance = (
        mdc.assurance_icon(target, points.lcls[-1], points.ucls[-1], d)
        if chart in LIMIT_CHARTS
        else None
    )
    return variation, assurance


def assurance_sentence(
    ctx: VerdictContext, icon: str | None, target: float | None, changed: bool = False
) -> str:
    """The verdict's line on the target: the process limits against it, not the latest point.

    ``changed``: the latest point signals special cause, so the limits may be the old
    process's.
    """
    if icon is None or target is None:
        return ""
    t = ctx.value(target)
    text = {
        "pass": (
            f"Assurance: the target ({t}) lies beyond the process limits on the side of "
            "improvement: as it runs now, the process will consistently meet it."
        ),
        "fail": (
            f"Assurance: the target ({t}) lies beyond the process limits: the process will "
            "consistently miss it unless the process itself changes."
        ),
        "inconsistent": (
            f"Assurance: the target ({t}) lies within the process limits: the process will "
            "hit and miss it by chance; meeting it every time needs a change to the process."
        ),
    }[icon]
    if changed:
        text += (
            " The latest points signal a change: once it holds, rebase the limits to judge "
            "the new process against the target."
        )
    return text


def mdc_sentences(
    ctx: VerdictContext,
    dates: Sequence[dt.date],
    ys: Sequence[float | None],
    idx: Sequence[int],
    causes: Sequence[str | None],
) -> list[str]:
    """One verdict line per Making Data Count rule and side that flags points in the part."""
    from pdsa_tui.analysis.verdict import month

    out: list[str] = []
    for cause in mdc.LABELS:
        flagged = [k for k, c in zip(idx, causes, strict=True) if c == cause]
        if not flagged:
            continue
        up = mdc.SIDES[cause] > 0
        what = {
            "above_ucl": "above the upper limit",
            "below_lcl": "below the lower limit",
            "trend_up": "in a trend of 7 or more upwards",
            "trend_down": "in a trend of 7 or more downwards",
            "two_in_three_above": "near the upper limit (2 of 3 beyond the 2-sigma line)",
            "two_in_three_below": "near the lower limit (2 of 3 beyond the 2-sigma line)",
            "run_above": f"in a run of 7 or more above {ctx.centre_name}",
            "run_below": f"in a run of 7 or more below {ctx.centre_name}",
        }[cause]
        shown = ", ".join(f"{month(dates[k])}: {ctx.value(ys[k])}" for k in flagged[:3])
        more = f" and {len(flagged) - 3} more" if len(flagged) > 3 else ""
        count = "1 point" if len(flagged) == 1 else f"{len(flagged)} points"
        out.append(
            f"Signal ({MDC_RULE_NAMES[cause]}): {count} {what} ({shown}{more}) - "
            f"special-cause variation{ctx.effect(up)}."
        )
    return out
