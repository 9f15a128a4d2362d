"""Run-chart and SPC analysis (run and control charts, rule sets): pure functions, no I/O.

Public API::

    from pdsa_tui.analysis import SeriesPoint, analyse, Analysis, PartResult, PointResult
"""

from pdsa_tui.analysis.charts import ChartType
from pdsa_tui.analysis.results import (
    XMR_PLOTTHEDOTS,
    XMR_QICHARTS2,
    Analysis,
    Direction,
    PartResult,
    PointResult,
    SeriesPoint,
    XmRConvention,
)
from pdsa_tui.analysis.spc import analyse

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
