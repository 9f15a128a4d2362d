"""Short texts the screens show: time left, signal labels, stage counts. No widgets here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from pdsa_tui.analysis.measures import MeasureView, cycle_markers, marker_notes, thin_markers
from pdsa_tui.model import Cycle, Feedback, choices, format_date
from pdsa_tui.model.choices import STAGES
from pdsa_tui.store import Store

#: Marks that say in a shape what a colour says too (NO_COLOR, colour blindness, print):
#: an attention item to act on now (red), a case past its reminder point (amber), and a
#: point that is a signal (amber in the points list; the chart's own marker).
URGENT_MARK = "!"
REMINDER_MARK = "⚠"
SIGNAL_MARK = "◆"  # termchart.SIGNAL, not imported: start-up never loads report modules

STAGE_ORDER = list(STAGES)
STAGE_LETTER = {"plan": "P", "do": "D", "study": "S", "act": "A", "closed": "✓"}


def time_left(deadline: dt.date | None, today: dt.date) -> str:
    """'12 wk left', 'due today', '3 wk over', or '' with no deadline."""
    if deadline is None:
        return ""
    days = (deadline - today).days
    if days == 0:
        return "due today"
    weeks = abs(days) // 7
    if weeks >= 104:
        span = f"{abs(days) // 365} yr"
    elif weeks >= 9:
        span = f"{abs(days) // 30} mo"
    elif weeks >= 2:
        span = f"{weeks} wk"
    else:
        span = f"{abs(days)} d"
    return f"{span} left" if days > 0 else f"{span} over"


def aim_time_left(status: str, deadline: dt.date | None, today: dt.date) -> str:
    """Time to an active aim's deadline; an achieved or closed aim says so (never 'over')."""
    if status == "achieved":
        return "achieved"
    if status == "closed":
        return "closed"
    return time_left(deadline, today)


def stage_counts(cycles: Iterable[Cycle]) -> Counter[str]:
    """Cycles per stage."""
    return Counter(c.stage for c in cycles)


def stage_summary(counts: Counter[str]) -> str:
    """'P1 D0 S2 A1 ✓3' - compact counts by stage."""
    return " ".join(f"{STAGE_LETTER[s]}{counts.get(s, 0)}" for s in STAGE_ORDER)


def stage_sentence(counts: Counter[str]) -> str:
    """'2 in Plan, 1 waiting for Study, 3 closed' (only non-zero stages)."""
    words = {
        "plan": "in Plan",
        "do": "in Do",
        "study": "waiting for Study",
        "act": "waiting for Act",
        "closed": "closed",
    }
    parts = [f"{counts[s]} {words[s]}" for s in STAGE_ORDER if counts.get(s)]
    return ", ".join(parts) if parts else "no cycles yet"


def signal_label(view: MeasureView | None) -> tuple[str, str]:
    """A short label for the latest part's signal and a style class: good, bad, warn or dim.

    The words tell what the colour does ("↑ better", "↓ worse", "↑ shift" for a measure
    with no better direction), so the label reads the same without colour.
    """
    if view is None or not view.analysis.points:
        return ("no data", "dim")
    part = view.analysis.parts[-1]
    if not part.reliable:
        return ("too few pts", "dim")
    points = view.analysis.points
    direction = view.measure.direction
    spans = [(a, b, "shift") for a, b in part.shifts] + [(a, b, "trend") for a, b in part.trends]
    if spans:
        a, b, kind = max(spans, key=lambda s: s[1])
        first, last = points[a - 1], points[b - 1]
        if kind == "shift":
            up = (first.y or 0) > (first.centre or 0)
        else:
            up = (last.y or 0) > (first.y or 0)
        arrow = "↑" if up else "↓"
        if direction == "neutral":
            return (f"{arrow} {kind}", "warn")
        # Said in a word, not only in green or red: the arrow alone cannot tell, since
        # up is better for some measures and worse for others.
        good = up == (direction == "up")
        return (f"{arrow} better", "good") if good else (f"{arrow} worse", "bad")
    outside = [p for p in points[part.first - 1 : part.last] if p.signals]
    if outside:
        return ("outside lim", "warn")
    if part.signal:
        return ("non-random", "warn")
    return ("no signal", "dim")


def point_line(view: MeasureView) -> str:
    """'latest 80% (01/12/2019) - target 85%'."""
    pts = view.measure.sorted_points()
    if not pts:
        return "no data yet"
    latest = view.latest()
    text = f"latest {view.format(latest)} ({format_date(pts[-1].date)})"
    if view.goal is not None:
        text += f", goal {view.format(view.goal)}"
    return text


def chart_marks(
    store: Store, aim_id: str, dates: list[dt.date]
) -> tuple[list[tuple[dt.date, str]], dict[str, str]]:
    """The aim's cycles as chart markers for points on ``dates`` (thinned where crowded),
    and the key saying which change idea each is ('C1' -> '15-week reminder, cycle 1')."""
    cycles = store.cycles_for_aim(aim_id)
    titles = {i.id: i.title for i in store.ideas(aim_id)}
    return thin_markers(cycle_markers(cycles), dates), marker_notes(cycles, titles)


def tone_summary(items: Sequence[Feedback]) -> str:
    """'3 entries: 2 positive, 1 mixed'."""
    if not items:
        return "No feedback yet"
    tones = Counter(choices.label(choices.TONES, f.tone).lower() for f in items)
    n = len(items)
    detail = ", ".join(f"{k} {t}" for t, k in tones.most_common())
    return f"{n} entr{'y' if n == 1 else 'ies'}: {detail}"
