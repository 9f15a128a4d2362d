"""The bytes of a database file, and the message for a save that failed.

Saving itself is :mod:`pdsa_tui.store.sync`: reads come from memory and every
write reaches the disk through :func:`~pdsa_tui.store.files.atomic_write`
(TinyDB's ``JSONStorage`` rewrites the file in place, which a crash can leave
half written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pdsa_tui.store.files import SaveStepError


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
