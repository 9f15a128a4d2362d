"""Command output with terminal control characters made visible.

Every subcommand's stdout and stderr pass through :class:`VisibleStream`, so
user text (names, notes, CSV cells echoed in errors) can never drive the
terminal. ``pdsa export -o -`` writes the export exactly, via :func:`exact_stdout`.
"""

from __future__ import annotations

import json
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


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(rows: list[list[str]], headers: list[str]) -> None:
    """Rows in padded columns under ``headers`` (the last column unpadded); '(none)' if empty."""
    if not rows:
        print("(none)")
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])  # last column is free text: no padding
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
