"""What a chart's verdict means for a board: improvement, concern, common cause or neutral.

:func:`measure_icons` is the ONE place that decides a measure's variation and assurance
icons for every export (the one-page summary, the aim reports' verdict boxes, Word and
PDF). Until the Making Data Count rule set (``pdsa_tui.report.mdc_icons``) lands, it reads
the direction of the current verdict: the latest part's signal and whether the verdict
calls it an improvement or a deterioration for this measure. Swapping in the MDC icons
is a change to this function alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdsa_tui.analysis import Analysis
from pdsa_tui.report.paper import TONE_WORDS


@dataclass(frozen=True)
class Icons:
    """A measure's variation icon (a tone key of :data:`paper.TONE_COLOURS`) and assurance.

    ``assurance`` is None while no rule set decides it (the MDC rules are not in yet).
    """

    variation: str
    assurance: str | None = None

    @property
    def variation_label(self) -> str:
        """``Improvement``, ``Concern``, ``Common cause``, ``Special cause`` ..."""
        return TONE_WORDS[self.variation][1]

    @property
    def variation_symbol(self) -> str:
        """The symbol that says the same as the colour (▲ ▼ ● ◆ ○)."""
        return TONE_WORDS[self.variation][0]

    @property
    def assurance_label(self) -> str:
        """The assurance in words."""
        return self.assurance or "Not assessed"


def measure_icons(analysis: Analysis) -> Icons:
    """The variation (and, later, assurance) icons of a measure's current chart.

    The latest part decides: no points, or too few with no signal, is ``none``; no
    signal is ``common`` (common cause); a signal the verdict calls an improvement for
    this measure is ``improvement``, a deterioration ``concern`` (the later-mentioned of
    the two when it names both), and a signal on a measure with no better direction is
    ``neutral``.
    """
    if not analysis.points:
        return Icons("none")
    part = analysis.parts[-1] if analysis.parts else None
    text = part.verdict if part is not None else analysis.verdict
    signal = part.signal if part is not None else analysis.signal
    signal = signal or any(p.signals for p in analysis.points[-3:])
    if not signal:
        return Icons("common" if part is None or part.reliable else "none")
    good, bad = text.rfind("improvement for this measure"), text.rfind("deterioration")
    if good < 0 and bad < 0:
        return Icons("neutral")
    return Icons("improvement" if good > bad else "concern")
