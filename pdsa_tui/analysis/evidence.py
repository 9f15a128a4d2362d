"""The evidence card shown before an idea is implemented: pure functions over records.

The seed asks "has it been tested in enough settings? Across all localities? Do we
have feedback from everyone who would be affected?" and warns "don't rush to
implement without capturing the necessary evidence". The card answers each
question from what is recorded; it never decides.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from pdsa_tui.analysis.measures import view_measure
from pdsa_tui.model import Aim, ChangeIdea, Cycle, Feedback, Measure
from pdsa_tui.model import choices as C
from pdsa_tui.model.dates import format_date
from pdsa_tui.model.records import role_key

_SIGNAL_WORDS = {
    "shift": "a shift",
    "trend": "a trend",
    "above_ucl": "a point above the upper limit",
}
_SIGNAL_WORDS["below_lcl"] = "a point below the lower limit"


@dataclass(frozen=True)
class MeasureSignal:
    """What one of the aim's measures has shown since the first cycle."""

    name: str
    #: "better", "worse", "none" (no signal since the first cycle) or "no data".
    verdict: str
    text: str


@dataclass
class EvidenceCard:
    """The evidence behind implementing one change idea."""

    idea: ChangeIdea
    cycles: int
    decisions: dict[str, int]
    cycle_lines: list[str]
    localities_all: list[str]
    localities_tested: list[str]
    roles_heard: dict[str, int]
    roles_affected: list[str]
    first_cycle: dt.date | None
    measures: list[MeasureSignal] = field(default_factory=list)

    @property
    def localities_missing(self) -> list[str]:
        """Localities of the programme where the idea has not been tested."""
        tested = {_fold(x) for x in self.localities_tested}
        return [x for x in self.localities_all if _fold(x) not in tested]

    @property
    def roles_unheard(self) -> list[str]:
        """Roles the idea affects that no feedback came from."""
        return [r for r in self.roles_affected if not self.roles_heard.get(r)]

    @property
    def gaps(self) -> list[str]:
        """What is missing, one line each (empty when the evidence looks complete)."""
        out = []
        if not self.cycles:
            out.append("No PDSA cycle has tested it yet.")
        elif not self.decisions.get("adopt") and not self.decisions.get("expand"):
            out.append("No cycle has decided Adopt or Expand.")
        if self.localities_missing:
            out.append("Not tested in: " + ", ".join(self.localities_missing) + ".")
        if not self.roles_affected:
            out.append("The idea does not say which roles it affects.")
        elif self.roles_unheard:
            out.append("Not heard from: " + ", ".join(_role(r) for r in self.roles_unheard) + ".")
        if not any(m.verdict == "better" for m in self.measures):
            out.append("No measure of the aim shows a signal of improvement since the first cycle.")
        return out

    def _places(self) -> list[str]:
        """Where it was tested: the count and the names agree (teams are named apart)."""
        tested = {_fold(x) for x in self.localities_tested}
        among = [x for x in self.localities_all if _fold(x) in tested]
        known = {_fold(x) for x in self.localities_all}
        # Settings may name teams or services as well as localities ("East team"); counting
        # them under "3 of 4 localities" while listing them made the card add up wrong.
        other = [x for x in self.localities_tested if _fold(x) not in known]
        if not self.localities_all:
            return ["No localities known"] + (["Tested in: " + ", ".join(other)] if other else [])
        head = f"Tested in {len(among)} of {len(self.localities_all)} localities"
        lines = [f"{head}: {', '.join(among)}" if among else head]
        if other:
            lines.append("Other settings tested: " + ", ".join(other))
        return lines

    def sections(self) -> list[tuple[str, list[str]]]:
        """The card as (heading, lines), for the TUI, the summary kept and exports."""
        decided = ", ".join(
            f"{n} {C.label(C.DECISIONS, d).lower()}" for d, n in self.decisions.items() if n
        )
        cycles = [
            f"{self.cycles} cycle{'s' if self.cycles != 1 else ''}: {decided or 'none decided'}"
        ]
        cycles += self.cycle_lines
        places = self._places()
        if self.localities_missing:
            places.append("Not yet: " + ", ".join(self.localities_missing))
        heard = [
            f"{_role(r)}: {n}" for r, n in sorted(self.roles_heard.items(), key=lambda x: -x[1])
        ]
        voices = ["Heard from " + (", ".join(heard) if heard else "nobody yet")]
        if self.roles_affected:
            voices.append("Affects: " + ", ".join(_role(r) for r in self.roles_affected))
            voices.append(
                "Not heard: " + (", ".join(_role(r) for r in self.roles_unheard) or "none")
            )
        else:
            voices.append("Affects: not recorded (edit the idea's 'Roles it affects')")
        since = f" since {format_date(self.first_cycle)}" if self.first_cycle else ""
        signal = [m.text for m in self.measures] or ["The aim has no measures"]
        return [
            ("Cycles and decisions", cycles),
            ("Localities", places),
            ("Feedback by role", voices),
            (f"The aim's measures{since}", signal),
            ("What is missing", self.gaps or ["Nothing: every question has evidence."]),
        ]

    def text(self) -> str:
        """The card as plain text (kept with the evidence review)."""
        return "\n".join(
            f"{head}:\n" + "\n".join(f"  {line}" for line in lines)
            for head, lines in self.sections()
        )


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _role(key: str) -> str:
    return C.label(C.FEEDBACK_SOURCES, key)


def measure_signal(
    measure: Measure, aim: Aim | None, since: dt.date | None, default_rules: str = "anhoej"
) -> MeasureSignal:
    """Whether ``measure`` signals a change (better or worse) on points from ``since``."""
    view = view_measure(measure, aim=aim, default_rules=default_rules)
    points = [p for p in view.analysis.points if p.y is not None]
    if not points:
        return MeasureSignal(measure.name, "no data", f"{measure.name}: no data yet")
    after = [p for p in points if since is None or p.date >= since]
    flagged = [p for p in after if p.signals]
    latest = view.format(points[-1].y * view.scale if points[-1].y is not None else None)
    if not flagged:
        return MeasureSignal(measure.name, "none", f"{measure.name}: no signal (latest {latest})")
    p = flagged[-1]
    up = p.centre is not None and p.y is not None and p.y > p.centre
    if measure.direction == "neutral":
        verdict, word = "change", ("upward" if up else "downward")
    else:
        verdict = "better" if up == (measure.direction == "up") else "worse"
        word = verdict
    kind = _SIGNAL_WORDS.get(p.signals[0], p.signals[0])
    return MeasureSignal(
        measure.name,
        verdict,
        f"{measure.name}: {kind} ({word}) from {format_date(flagged[0].date)}; latest {latest}",
    )


def evidence_card(
    idea: ChangeIdea,
    cycles: Sequence[Cycle],
    feedback: Sequence[Feedback],
    localities: Sequence[str],
    aim: Aim | None,
    measures: Sequence[Measure],
    *,
    tested: Sequence[str] | None = None,
    default_rules: str = "anhoej",
) -> EvidenceCard:
    """The evidence for ``idea``: its ``cycles``, their ``feedback``, the programme's localities.

    ``tested`` lists the localities it was tested in (default: the idea's settings);
    ``default_rules`` is the programme's rule set, for measures that follow it.
    """
    ramp = sorted((c for c in cycles if c.idea_id == idea.id), key=lambda c: c.number)
    ids = {c.id for c in ramp}
    decisions: Counter[str] = Counter(c.decision for c in ramp if c.decision)
    lines = [
        f"Cycle {c.number}: {C.label(C.DECISIONS, c.decision) or 'no decision yet'}"
        f"{' (' + c.scale + ')' if c.scale else ''} - {c.objective}"
        for c in ramp
    ]
    heard: Counter[str] = Counter(f.source for f in feedback if f.cycle_id in ids and f.source)
    affected = []
    for r in idea.affects:
        key = role_key(r)
        if key and key not in affected:
            affected.append(key)
    starts = [d for c in ramp for d in (c.do_start or c.planned_start,) if d is not None]
    first = min(starts) if starts else None
    return EvidenceCard(
        idea=idea,
        cycles=len(ramp),
        decisions={d: decisions[d] for d in C.DECISIONS if decisions[d]},
        cycle_lines=lines,
        localities_all=list(localities),
        localities_tested=list(idea.settings if tested is None else tested),
        roles_heard=dict(heard),
        roles_affected=affected,
        first_cycle=first,
        measures=[measure_signal(m, aim, first, default_rules) for m in measures],
    )
