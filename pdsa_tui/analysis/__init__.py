"""Run-chart and SPC analysis (run, P and I charts): pure functions, no I/O.

Public API::

    from pdsa_tui.analysis import SeriesPoint, analyse, Analysis, PartResult, PointResult
"""

from pdsa_tui.analysis.spc import (
    XMR_PLOTTHEDOTS,
    XMR_QICHARTS2,
    Analysis,
    ChartType,
    Direction,
    PartResult,
    PointResult,
    SeriesPoint,
    XmRConvention,
    analyse,
)

__all__ = [
    "XMR_PLOTTHEDOTS",
    "XMR_QICHARTS2",
    "Analysis",
    "ChartType",
    "Direction",
    "PartResult",
    "PointResult",
    "SeriesPoint",
    "XmRConvention",
    "analyse",
]
