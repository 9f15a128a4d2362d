"""Making Data Count rules, point types and icons, as NHSRplotthedots 0.2.2 computes them.

Read with ``shared/refdata/ptd_oracle/SPEC.md`` (``ptd_special_cause_type``,
``ptd_point_type``, ``ptd_get_icons``, ``ptd_calculate_assurance_type``). The rules
run within one part (a rebase group): a point outside the limits; a trend of 7
points each strictly above (or below) the one before; 2 of 3 points on one side
beyond the 2-sigma line; a run of 7 on one side of the mean. Pure functions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

from pdsa_tui.valueclass import value_class

#: Rule lengths, hard-coded in NHSRplotthedots 0.2.2.
TREND_POINTS = 7
RUN_POINTS = 7

#: The special-cause labels, in NHSRplotthedots' wording, by pdsa's short name.
LABELS: dict[str, str] = {
    "above_ucl": "Above UCL",
    "below_lcl": "Below LCL",
    "trend_up": "7 Point Trend (Increasing)",
    "trend_down": "7 Point Trend (Decreasing)",
    "two_in_three_above": "2 in 3 Above CL",
    "two_in_three_below": "2 in 3 Below CL",
    "run_above": "7 Points Above CL",
    "run_below": "7 Points Below CL",
}
#: The side (+1 high, −1 low) of each label.
SIDES: dict[str, int] = {
    "above_ucl": 1,
    "below_lcl": -1,
    "trend_up": 1,
    "trend_down": -1,
    "two_in_three_above": 1,
    "two_in_three_below": -1,
    "run_above": 1,
    "run_below": -1,
}

PointType = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
VARIATION_ICONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_ICONS = ("pass", "fail", "inconsistent")


@value_class(frozen=True)
class PartLines:
    """One part's values and lines, in order; None = missing value or no line."""

    values: Sequence[float | None]
    mean: float | None
    lcl: Sequence[float | None]
    ucl: Sequence[float | None]
    #: The 2-sigma lines ("near the limits" beyond them).
    lower2: Sequence[float | None]
    upper2: Sequence[float | None]


def special_causes(part: PartLines) -> list[str | None]:
    """Each point's special-cause rule (a key of :data:`LABELS`), or None for common cause."""
    v = part.values
    n = len(v)
    rel = [_relative(y, part.mean) for y in v]
    outside: list[int] = []
    close: list[bool] = []
    for k, y in enumerate(v):
        lo, hi, lo2, hi2 = part.lcl[k], part.ucl[k], part.lower2[k], part.upper2[k]
        if y is None or lo is None or hi is None:
            outside.append(0)
            close.append(False)
            continue
        out = 1 if y > hi else -1 if y < lo else 0
        outside.append(out)
        near = (lo2 is not None and y < lo2) or (hi2 is not None and y > hi2)
        close.append(out == 0 and near)

    trend = [False] * n
    steps = [
        None if a is None or b is None else (b > a) - (b < a) for a, b in itertools.pairwise(v)
    ]
    for end in range(TREND_POINTS - 1, n):
        step_window = steps[end - TREND_POINTS + 1 : end]
        if step_window[0] in (1, -1) and all(s == step_window[0] for s in step_window):
            for k in range(end - TREND_POINTS + 1, end + 1):
                trend[k] = True
    trend_side = [0] * n
    for k in range(n):
        if not trend[k]:
            continue
        nxt = v[k + 1] if k + 1 < n and trend[k + 1] else None
        y = v[k]
        assert y is not None
        if nxt is not None:
            trend_side[k] = (nxt > y) - (nxt < y)
        else:
            prev = v[k - 1]
            trend_side[k] = 0 if prev is None else (y > prev) - (y < prev)

    two3 = [False] * n
    for end in range(2, n):
        window = range(end - 2, end + 1)
        side = rel[end - 2]
        same_side = side in (1, -1) and all(rel[k] == side for k in window)
        if same_side and sum(close[k] for k in window) >= 2:
            for k in window:
                two3[k] = two3[k] or close[k]

    run = [False] * n
    for end in range(RUN_POINTS - 1, n):
        window = range(end - RUN_POINTS + 1, end + 1)
        side = rel[end]
        if side in (1, -1) and all(rel[k] == side for k in window):
            for k in window:
                run[k] = True

    labels: list[str | None] = []
    for k in range(n):
        if outside[k]:
            labels.append("above_ucl" if outside[k] > 0 else "below_lcl")
        elif trend[k]:
            labels.append("trend_up" if trend_side[k] > 0 else "trend_down")
        elif two3[k]:
            labels.append("two_in_three_above" if (rel[k] or 0) > 0 else "two_in_three_below")
        elif run[k]:
            labels.append("run_above" if (rel[k] or 0) > 0 else "run_below")
        else:
            labels.append(None)
    return labels


def _relative(y: float | None, mean: float | None) -> int | None:
    if y is None or mean is None:
        return None
    return (y > mean) - (y < mean)


def point_type(side: int, direction: int) -> PointType:
    """NHSRplotthedots' point type of a point flagged on ``side`` (0 = not flagged).

    ``direction``: +1 improvement is an increase, −1 a decrease, 0 neutral.
    """
    if side == 0:
        return "common_cause"
    if direction == 0:
        return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if side * direction > 0 else "special_cause_concern"


def variation_icon(last_point_type: str | None, direction: int) -> str:
    """The variation icon's name from the point type of the latest point."""
    if last_point_type == "special_cause_improvement":
        return "improvement_low" if direction < 0 else "improvement_high"
    if last_point_type == "special_cause_concern":
        return "concern_high" if direction < 0 else "concern_low"
    if last_point_type == "special_cause_neutral_high":
        return "neutral_high"
    if last_point_type == "special_cause_neutral_low":
        return "neutral_low"
    return "common_cause"


def assurance_icon(
    target: float | None, lcl: float | None, ucl: float | None, direction: int
) -> str | None:
    """``pass``, ``fail`` or ``inconsistent``: will the process meet ``target``? None if none.

    Compares the target with the latest point's process limits (not the latest value):
    a target beyond a limit is met (or missed) consistently; one between the limits
    (or on one, or with no limits) is hit and miss. No target or a neutral direction:
    no assurance.
    """
    if target is None or direction == 0:
        return None
    if ucl is not None and target > ucl:
        return "fail" if direction > 0 else "pass"
    if lcl is not None and target < lcl:
        return "pass" if direction > 0 else "fail"
    return "inconsistent"


#: NHSRplotthedots' ``assurance_type`` for each assurance icon.
ASSURANCE_TYPES = {
    "pass": "consistent_pass",
    "fail": "consistent_fail",
    "inconsistent": "inconsistent",
}
