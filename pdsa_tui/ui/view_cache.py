"""Measure analyses kept per store and measure revision, so a measure is analysed once.

A measure of 50,000 points takes a few hundred milliseconds to analyse: the screens
show their lists first and analyse such a measure after the first frame
(:func:`analyse_now` says which), and every screen then reuses the result until the
measure (or, for a case measure, any case) changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from weakref import WeakKeyDictionary

from pdsa_tui.analysis.charts import ChartType
from pdsa_tui.analysis.measures import MeasureView, view_measure
from pdsa_tui.model import Aim, Measure
from pdsa_tui.store import Store

#: Measures with more points than this are analysed after the screen's first frame.
DEFER_POINTS = 2_000

#: Views kept per store (the oldest go first).
KEEP = 64

_views: WeakKeyDictionary[Store, dict[tuple[object, ...], MeasureView]] = WeakKeyDictionary()


def _key(
    store: Store, measure: Measure, chart: ChartType | None, aim: Aim | None, today: dt.date
) -> tuple[object, ...]:
    key: tuple[object, ...] = (
        measure.id,
        measure.rev,
        measure.updated,
        chart,
        (aim.id, aim.rev, aim.updated) if aim is not None else None,
        # A measure on 'default' follows the programme's rule set.
        store.default_rules(),
    )
    if measure.cases:
        # A case measure's points are worked out from its cases on a day.
        key += (store.version, today)
    return key


def analyse_now(measure: Measure) -> bool:
    """Whether ``measure`` is small enough to analyse before the screen's first frame."""
    return len(measure.points) <= DEFER_POINTS


def cached_view(
    store: Store,
    measure: Measure,
    *,
    chart: ChartType | None,
    aim: Aim | None,
    today: dt.date,
) -> MeasureView | None:
    """The view of ``measure`` if it was worked out since the measure last changed."""
    return _views.get(store, {}).get(_key(store, measure, chart, aim, today))


def measure_view(
    store: Store,
    measure: Measure,
    *,
    chart: ChartType | None,
    aim: Aim | None,
    today: dt.date,
) -> MeasureView:
    """The view of ``measure`` (a case measure with its derived points), from the cache."""
    key = _key(store, measure, chart, aim, today)
    rules = store.default_rules()
    return kept(
        store, key, lambda: view_measure(measure, chart=chart, aim=aim, default_rules=rules)
    )


def kept(store: Store, key: tuple[object, ...], make: Callable[[], MeasureView]) -> MeasureView:
    """The view kept under ``key`` for ``store``; ``make`` makes it the first time."""
    views = _views.setdefault(store, {})
    view = views.get(key)
    if view is None:
        view = views[key] = make()
        while len(views) > KEEP:
            del views[next(iter(views))]
    return view


def forget() -> None:
    """Drop every kept view (the benchmarks time a first open this way)."""
    _views.clear()
