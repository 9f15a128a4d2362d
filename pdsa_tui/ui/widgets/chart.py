"""A run/SPC chart drawn with plotext into a widget, redrawn when its size changes."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from pdsa_tui.analysis.measures import MeasureView
from pdsa_tui.ui.textfit import shorten_at_word

#: Charts drawn lately: (view id, width, height, markers, notes) -> (view, text). A view is
#: kept per measure revision (``view_cache``), so a screen opened again, or another screen
#: showing the same measure at the same size, reuses the drawing (plotext takes tens of
#: milliseconds, far more for thousands of points).
_drawn: dict[tuple[object, ...], tuple[MeasureView, Text]] = {}
_KEEP = 16


class ChartView(Static):
    """Shows one measure's chart; call :meth:`show` with a fresh view to update it.

    It takes the height its container leaves (``1fr``) and draws to fill it.
    """

    DEFAULT_CSS = """
    ChartView { height: 1fr; min-height: 8; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.view: MeasureView | None = None
        self.markers: list[tuple[dt.date, str]] = []
        self.notes: dict[str, str] = {}
        self._drawn_for: tuple[int, int, int] | None = None
        self._pending = False
        self.plain = ""

    def show(
        self,
        view: MeasureView | None,
        markers: Sequence[tuple[dt.date, str]] = (),
        notes: Mapping[str, str] | None = None,
    ) -> None:
        """Draw ``view`` (None clears the chart) with ``markers``; ``notes`` (label -> what
        it marks, e.g. 'C1' -> '15-week reminder, cycle 1') make a key under the chart."""
        self.view = view
        self.markers = list(markers)
        self.notes = dict(notes or {})
        self._drawn_for = None
        if not self._pending:
            # Draw after the screen has caught up (a list's cursor moves first); while keys
            # are held down only the last chart asked for is drawn.
            self._pending = True
            self.call_after_refresh(self._draw_pending)

    def _draw_pending(self) -> None:
        self._pending = False
        self._draw()

    def on_resize(self) -> None:
        if not self._pending:  # else the pending draw comes next, at the new size
            self._draw()

    def _draw(self) -> None:
        width, height = self.size.width, self.size.height
        if self.view is None:
            self.plain = ""
            self.update("")
            return
        if width < 10 or height < 4:
            return
        key = (id(self.view), width, height)
        if key == self._drawn_for:
            return
        self._drawn_for = key
        view = self.view
        if not view.analysis.points:
            self.plain = "No data yet: add points to see the run chart."
            self.update(Text(self.plain, style="italic"))
            return
        memo = (id(view), width, height, tuple(self.markers), tuple(sorted(self.notes.items())))
        kept = _drawn.get(memo)
        if kept is not None and kept[0] is view:
            text = kept[1]
        else:
            text = self._chart_text(view, width, height)
            _drawn[memo] = (view, text)
            while len(_drawn) > _KEEP:
                del _drawn[next(iter(_drawn))]
        self.plain = text.plain
        self.update(text)

    def _chart_text(self, view: MeasureView, width: int, height: int) -> Text:
        """The chart of ``view`` at this size, with its marker key under it."""
        from pdsa_tui.report.termchart import render_chart

        notes = self._marker_key(width, height)
        chart = render_chart(
            view.analysis,
            width=width,
            height=height - len(notes),
            goal=view.goal,
            markers=self.markers,
            scale=view.scale,
            color=True,
            ceiling=view.ceiling,
        )
        text = Text.from_ansi(chart)
        for line in notes:
            text.append("\n" + line, style="dim")
        return text

    def _marker_key(self, width: int, height: int) -> list[str]:
        """'C1 = 15-week reminder, cycle 1  C2 = ...' for the markers drawn, in a few lines."""
        from pdsa_tui.report.termchart import markers_drawn

        assert self.view is not None
        dates = [p.date for p in self.view.analysis.points]
        entries = []
        for _, label in markers_drawn(dates, self.markers):
            # 'C7+' stands for C7 and the cycles after it that start before the next point.
            note = self.notes.get(label.rstrip("+"))
            if note:
                more = " and more" if label.endswith("+") else ""
                entries.append(f"{label} = {_short(note)}{more}")
        if not entries:
            return []
        lines = textwrap.wrap("  ".join(entries), width=width, break_on_hyphens=False)
        from pdsa_tui.report.termchart import MIN_HEIGHT

        # The chart keeps most of the room; too little and the key is left out.
        most = min(max(1, (height - MIN_HEIGHT) // 4), height - MIN_HEIGHT)
        if most <= 0:
            return []
        if len(lines) > most:
            lines = lines[:most]
            lines[-1] = shorten_at_word(lines[-1] + " …", width)
        return lines


def _short(note: str, most: int = 40) -> str:
    """A change idea's title cut at a word so the key stays short; the cycle number kept."""
    title, sep, cycle = note.rpartition(", cycle ")
    if not sep or len(title) <= most:
        return note
    cut = title[:most].rsplit(" ", 1)[0]
    return f"{cut}…, cycle {cycle}"
