"""Choosing a measure's chart: cycle through the types its data can take, and store it."""

from __future__ import annotations

import dataclasses

from pdsa_tui.analysis.charts import CHART_NAMES, CHART_PURPOSES, ChartType
from pdsa_tui.analysis.measures import available_charts
from pdsa_tui.model import Measure, ValidationError
from pdsa_tui.store import StoreError
from pdsa_tui.ui.screens.base import PdsaScreen


def next_chart(measure: Measure, current: str) -> ChartType:
    """The chart after ``current`` among those the measure's data can take."""
    kinds = available_charts(measure)
    return kinds[(kinds.index(current) + 1) % len(kinds)] if current in kinds else kinds[0]


def choose_next_chart(screen: PdsaScreen, measure: Measure, current: str) -> ChartType:
    """Store the next chart as the measure's choice (a read-only file: shown, not stored)."""
    kind = next_chart(measure, current)
    label = f"{CHART_NAMES[kind]} ({CHART_PURPOSES[kind]})"
    if screen.store.read_only:
        screen.notify(
            f"Showing the {label}; not stored: {screen.store.read_only_reason}",
            severity="warning",
            timeout=4,
            markup=False,
        )
        return kind
    try:
        fresh = screen.store.get(Measure, measure.id)
        screen.store.save(dataclasses.replace(fresh, chart=kind))
    except (StoreError, ValidationError) as exc:
        screen.notify(str(exc), title="Not saved", severity="error", timeout=10, markup=False)
        return kind
    screen.notify(f"{measure.name}: {label}", timeout=3, markup=False)
    return kind
