"""A run/SPC chart drawn with plotext into a widget, redrawn when its size changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from pdsa_tui.analysis.measures import MeasureView


class ChartView(Static):
    """Shows one measure's chart; call :meth:`show` with a fresh view to update it."""

    DEFAULT_CSS = """
    ChartView { height: 14; min-height: 8; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.view: MeasureView | None = None
        self.markers: list[tuple[dt.date, str]] = []
        self._drawn_for: tuple[int, int, int] | None = None
        self._pending = False
        self.plain = ""

    def show(self, view: MeasureView | None, markers: Sequence[tuple[dt.date, str]] = ()) -> None:
        """Draw ``view`` (None clears the chart)."""
        self.view = view
        self.markers = list(markers)
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
        from pdsa_tui.report.termchart import render_chart

        view = self.view
        if not view.analysis.points:
            self.plain = "No data yet: add points to see the run chart."
            self.update(Text(self.plain, style="italic"))
            return
        chart = render_chart(
            view.analysis,
            width=width,
            height=height,
            goal=view.goal,
            markers=self.markers,
            scale=view.scale,
            color=True,
            ceiling=view.ceiling,
        )
        text = Text.from_ansi(chart)
        self.plain = text.plain
        self.update(text)
