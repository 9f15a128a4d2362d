"""Ending a batch command without freeing what it read.

``pdsa check`` of 50,000 cycles builds about a million objects; freeing them one by one
as the process ends took a tenth of the command's time, for nothing: the operating
system takes the memory back at once. A command that has nothing left to write hands
what it read to :func:`keep_to_the_end`; :func:`end_now` then ends the process once its
output is flushed, without the interpreter's teardown. Only when ``pdsa`` runs as the
process's own command (never when a test or a script calls ``main`` with arguments).
"""

from __future__ import annotations

import contextlib
import os
import sys

#: What is kept referenced until the process ends (never freed by the interpreter).
_KEPT: list[object] = []


def keep_to_the_end(thing: object) -> None:
    """Keep ``thing`` (a read-only store, say) alive until the process ends, unfreed."""
    _KEPT.append(thing)


def kept() -> bool:
    """Whether anything waits to be dropped with the process rather than freed."""
    return bool(_KEPT)


def release() -> None:
    """Let go of what was kept: it is freed as usual (``main`` called in-process)."""
    _KEPT.clear()


def end_now(status: int) -> None:
    """Flush the output and end the process with ``status``, skipping the teardown.

    Only for a command that wrote everything it had to (its files are closed and
    replaced atomically, so nothing waits in a buffer but stdout and stderr).
    """
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (| head) or stream: nothing more can reach it.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
