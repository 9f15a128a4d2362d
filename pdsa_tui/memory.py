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
