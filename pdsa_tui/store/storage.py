"""The bytes of a database file.

Saving itself is :mod:`pdsa_tui.store.sync`: reads come from memory and every
write reaches the disk through :func:`~pdsa_tui.store.files.atomic_write`
(TinyDB's ``JSONStorage`` rewrites the file in place, which a crash can leave
half written). The layout stays TinyDB's: ``{table: {doc_id: document}}``.
"""

from __future__ import annotations

import json
from typing import Any


def encode(data: Any) -> bytes:
    """The file's bytes for ``data``."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
