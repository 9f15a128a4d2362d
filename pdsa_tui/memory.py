"""Pausing Python's cyclic garbage collector around work that only builds objects.

Opening a large file or exporting every aim makes millions of objects and frees
almost none. Each collection pass walks every live object (the whole store among
them), so with the collector running such work grows faster than its size.
Reference counting still frees what is no longer used while the collector waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector is off inside the block (also as a decorator) and back on after it.

    Nested use is fine: only the outermost block turns the collector back on.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: The collector's thresholds once the app is up (CPython's own: 700, 10, 10). Textual
#: makes and drops thousands of small objects a frame; at 700 a form's first open ran
#: 130 collections (a fifth of its time), at 10,000 a handful. Garbage in cycles waits
#: a little longer; reference counting frees the rest at once, as before.
APP_THRESHOLDS = (10_000, 10, 10)


class StartUp:
    """The collector off from the app's start to its first screen, then tuned for the app.

    Start-up (imports, the store, the first screen) makes objects that live as long as
    the app; :meth:`done` freezes them (the collector never walks them again) and turns
    the collector back on with :data:`APP_THRESHOLDS`. :meth:`end` turns it back on with
    its old thresholds, for a caller that goes on after the app (what was frozen stays
    frozen: unfrozen, the interpreter's last collection at exit would walk it all).
    """

    def __init__(self) -> None:
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        self._frozen = False  # done() not yet called
        gc.disable()

    def done(self) -> None:
        """The first screen is up: freeze what start-up made; the collector on, tuned."""
        if self._frozen:
            return
        self._frozen = True
        gc.freeze()
        gc.set_threshold(*APP_THRESHOLDS)
        if self._was_enabled:
            gc.enable()

    def end(self) -> None:
        """The app has ended: the collector on (if it was) with its old thresholds."""
        gc.set_threshold(*self._thresholds)
        if self._was_enabled:
            gc.enable()
