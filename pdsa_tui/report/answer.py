"""The answer a board reads first: where each measure stands against its target, and what
changed since the last report.

Shared by every format's aim report and by the one-page summary, so the headline is worded
the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import add_months
from pdsa_tui.report.document import AimContent, MeasureContent, day, goal_text, number
from pdsa_tui.report.svg import month_label
from pdsa_tui.report.verdict_tone import Icons, measure_icons

#: Without a last pack to count from, "since the last report" means the last three months.
DEFAULT_MONTHS = 3


@dataclass
class Standing:
    """Where one measure stands: latest value and period, target, icons, verdict."""

    measure: MeasureContent
    latest: str
    period: str
    target: str
    #: ``short of the 85% target``, ``meets the 85% target`` or "" (no target).
    against: str
    icons: Icons
    verdict: str
    values: list[float]

    @property
    def headline(self) -> str:
        """``83% in Nov 2026, short of the 85% target``."""
        if not self.latest:
            return "no data yet"
        text = f"{self.latest} in {self.period}"
        return f"{text}, {self.against}" if self.against else text


def since_date(last_pack: dt.date | None, today: dt.date) -> dt.date:
    """The date "since the last report" counts from: the last pack, else three months ago."""
    return last_pack or add_months(today, -DEFAULT_MONTHS)


def verdict_sentence(m: MeasureContent) -> str:
    """The current verdict in one sentence (the latest part's first sentence)."""
    a = m.analysis
    if not a.points:
        return "No data yet."
    text = a.parts[-1].verdict if a.parts else a.verdict
    text = re.sub(r"^Part \d+ \([^)]*\):\s*", "", text.strip())
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    # The sentence behind the icon: the latest-mentioned improvement or deterioration.
    tone = measure_icons(a).variation
    word = {"improvement": "improvement for this measure", "concern": "deterioration"}.get(tone)
    chosen = [x for x in sentences if word and word in x]
    first = chosen[-1] if chosen else sentences[0]
    # One sentence in a crowded row: the rule's name stays in the full verdict.
    first = re.sub(r"^Signal \([^)]*\):", "Signal:", first)
    return first if first.endswith((".", "!", "?")) else first + "."


def standing(m: MeasureContent) -> Standing:
    """Where measure ``m`` stands now."""
    pts = [p for p in m.analysis.points if p.y is not None and not p.excluded]
    values = [p.y * m.scale for p in pts if p.y is not None]
    latest = period = against = ""
    if pts:
        last = pts[-1]
        latest = number(values[-1], m.measure.unit)
        monthly = "month" in (m.measure.frequency or "monthly").lower() or m.measure.cases
        period = month_label(last.date) if monthly else day(last.date)
    goal = m.measure.goal if m.measure.goal is not None else m.goal
    target = goal_text(m)
    if goal is not None and values:
        shown = number(goal, m.measure.unit)
        direction = m.measure.direction
        if direction == "neutral":
            against = f"against a goal of {shown}"
        else:
            met = values[-1] >= goal if direction == "up" else values[-1] <= goal
            against = f"{'meets' if met else 'short of'} the {shown} target"
    return Standing(
        m, latest, period, target, against, measure_icons(m.analysis), verdict_sentence(m), values
    )


def headline(a: AimContent) -> str:
    """The aim's answer in one line: its lead measure against the target, e.g.
    ``83% in Nov 2026, short of the 85% target (Percent seen within 30 weeks)``."""
    if not a.measures:
        return "No measures yet: nothing to say against the target."
    lead = next((m for m in a.measures if m.goal is not None and m.measure.goal is None), None)
    lead = lead or next((m for m in a.measures if m.measure.type == "outcome"), a.measures[0])
    s = standing(lead)
    return f"{lead.measure.name}: {s.headline}."


def changes_since(a: AimContent, since: dt.date) -> list[str]:
    """What changed since ``since``: cycles started, studied and decided; signals."""
    out = []
    for c in a.cycles:
        cy = c.cycle
        what = f"{c.idea_title}, cycle {c.number}"
        if cy.decision and cy.do_end and cy.do_end >= since:
            out.append(f"{what}: studied; decision {C.label(C.DECISIONS, cy.decision).lower()}.")
        elif cy.do_start and cy.do_start >= since:
            out.append(f"{what}: started {day(cy.do_start)} ({c.stage.lower()}).")
        elif cy.planned_start and cy.planned_start >= since and not cy.do_start:
            out.append(f"{what}: planned from {day(cy.planned_start)}.")
    for m in a.measures:
        sig = [p for p in m.analysis.points if p.signals and p.date >= since]
        if sig:
            icons = measure_icons(m.analysis)
            out.append(
                f"{m.measure.name}: {len(sig)} point{'s' if len(sig) != 1 else ''} in a signal "
                f"since {day(since)} ({icons.variation_label.lower()})."
            )
    return out
