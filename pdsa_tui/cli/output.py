"""Command output with terminal control characters made visible.

Every subcommand's stdout and stderr pass through :class:`VisibleStream`, so
user text (names, notes, CSV cells echoed in errors) can never drive the
terminal. ``pdsa export -o -`` writes the export exactly, via :func:`exact_stdout`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from pdsa_tui.model.safetext import visible


class VisibleStream:
    """A text stream that writes :func:`visible` text to ``raw``."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(visible(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


@contextmanager
def visible_output() -> Iterator[None]:
    """Filter ``sys.stdout`` and ``sys.stderr`` for the block."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleStream(out), VisibleStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def exact_stdout() -> TextIO:
    """The real stdout, for output that must keep every character (an export)."""
    out = sys.stdout
    return out.raw if isinstance(out, VisibleStream) else out
