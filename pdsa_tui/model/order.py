"""How records are put in order for people."""

from __future__ import annotations

import re
from typing import Any


def natural_key(text: str) -> list[Any]:
    """Sort 'Aim 10' after 'Aim 2'."""
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text)]
