"""Which values a chart draws in place; the others are marked at its edge, "off the scale".

No measure accepts a value beyond 10^9 (counts and rates; days and weeks stop at
36,500), but a file saved by an older pdsa, or a CSV given to ``pdsa analyse``, may
hold any float up to 1.8e308. Drawn in place, one such value flattens every other
point into the axis and overflows the drawing (1e308 * 100 is infinite), so both
chart renderers leave it out of the value range and mark it at the top or bottom
edge instead, where the user can see its date and go and correct it.
"""

from __future__ import annotations

import math

#: The largest magnitude, in displayed units, drawn in place (1,000 x the largest value
#: any unit accepts).
OFF_SCALE = 1e12
#: The key's words for a point drawn at the edge.
OFF_SCALE_LABEL = "off the scale"


def drawable(v: float | None) -> bool:
    """True when ``v`` is a number a chart can place on its value axis."""
    return v is not None and math.isfinite(v) and abs(v) <= OFF_SCALE


def scaled(v: float | None, scale: float) -> float | None:
    """``v * scale`` when that is drawable, else None (missing, or off the scale)."""
    if v is None:
        return None
    out = v * scale
    if out.__class__ is float:  # the common case, with drawable's test inline (NaN fails it)
        return out if -OFF_SCALE <= out <= OFF_SCALE else None
    return out if drawable(out) else None
