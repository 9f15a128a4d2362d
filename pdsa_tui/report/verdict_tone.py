"""What a chart's verdict means for a board: improvement, concern, common cause or neutral.

:func:`measure_icons` is the ONE place that decides a measure's variation and assurance
icons for every export (the one-page summary, the aim reports' verdict boxes, Word and
PDF). It reads the analysis's Making Data Count icons (``Analysis.variation_icon``: the
latest point's type under the measure's rule set; ``assurance_icon``: the target against
the process limits), the same ones the app and the HTML icons (``report/mdc_icons.py``) show.
"""

from __future__ import annotations

from dataclasses import dataclass

from pdsa_tui.analysis import Analysis

# Here, not with the papers' colours: a Markdown export needs the words, not the papers.
#: What each tone says in words (never colour alone), with a symbol that survives greyscale.
TONE_WORDS: dict[str, tuple[str, str]] = {
    "improvement": ("▲", "Improvement"),
    "concern": ("▼", "Concern"),
    "common": ("●", "Common cause"),
    "neutral": ("◆", "Special cause"),
    "none": ("○", "Not enough data"),
}


@dataclass(frozen=True)
class Icons:
    """A measure's variation icon (a tone key of :data:`paper.TONE_COLOURS`) and assurance.

    ``assurance`` is the assurance icon's name (``pass``, ``fail``, ``inconsistent``), or
    None where none applies (no target, no improvement direction, or no limits).
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
        """The assurance as a glyph and words ('✓ consistently passes the target')."""
        from pdsa_tui.report.mdc_icons import icon_text

        return icon_text(self.assurance) if self.assurance else "Not assessed"


def measure_icons(analysis: Analysis) -> Icons:
    """The variation and assurance icons of a measure's current chart.

    Variation is the latest point's type under the chart's rule set: improvement,
    concern, neutral (a special cause on a measure with no better direction) or
    common cause; ``none`` when there are no points, or too few for the rules with
    no signal.
    """
    if not analysis.points:
        return Icons("none")
    name = analysis.variation_icon or "common_cause"
    part = analysis.parts[-1] if analysis.parts else None
    if name == "common_cause":
        variation = "common" if part is None or part.reliable else "none"
    else:
        variation = name.split("_")[0]  # improvement_high -> improvement, neutral_low -> neutral
    return Icons(variation, analysis.assurance_icon)
