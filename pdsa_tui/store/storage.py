"""A TinyDB storage that keeps the data in memory and saves it atomically.

TinyDB's ``JSONStorage`` re-reads the file on every query and rewrites it in
place (a crash mid-write leaves half a file); ``CachingMiddleware`` delays
writes (a crash loses them). This storage does neither: reads come from memory
and every write reaches the disk through :func:`atomic_write` before it returns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from pdsa_tui.store.errors import ReadOnlyError, WriteFailedError
from pdsa_tui.store.files import SaveStepError, atomic_write


def encode(data: Any) -> bytes:
    """The file's bytes for ``data``."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def save_failed_text(path: Path, exc: OSError) -> str:
    """One line for a failed save: the file, the step, the reason, and that nothing was lost."""
    reason = exc.strerror or str(exc)
    step = f" while {exc.step}" if isinstance(exc, SaveStepError) else ""
    return (
        f"Could not save to {path}{step}: {reason}. The file still holds your last successful save."
    )


class AtomicJSONStorage(Storage):
    """Write-through, in-memory TinyDB storage with atomic saves and batches."""

    def __init__(self, path: Path, data: dict[str, Any], *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._data = data
        self._batch_depth = 0
        self._dirty = False
        #: Saves that reached the disk; a cheap change counter for views.
        self.saves = 0

    def read(self) -> dict[str, Any]:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise ReadOnlyError(f"{self.path} is open read-only; nothing was saved")
        self._data = data
        if self._batch_depth:
            self._dirty = True
            return
        self.flush()

    def flush(self) -> None:
        """Save the in-memory data now."""
        try:
            payload = encode(self._data)
        except UnicodeEncodeError as exc:
            # A lone surrogate (e.g. from a command-line argument that was not UTF-8).
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else "?"
            raise WriteFailedError(
                f"Could not save to {self.path}: some text holds {bad!a}, which is not a "
                "character that can be stored (it often comes from text that was not UTF-8). "
                "The file still holds your last successful save."
            ) from exc
        try:
            atomic_write(self.path, payload)
        except OSError as exc:
            raise WriteFailedError(save_failed_text(self.path, exc)) from exc
        self._dirty = False
        self.saves += 1

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one save; if the block fails, nothing is saved."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            raise
        self._batch_depth -= 1
        if self._batch_depth == 0 and self._dirty:
            self.flush()

    def replace_data(self, data: dict[str, Any]) -> None:
        """Swap in ``data`` without saving (used to roll back to what is on disk)."""
        self._data = data
        self._dirty = False

    def close(self) -> None:
        pass
