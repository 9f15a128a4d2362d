"""What the reference-data tests share: where the oracles live, their cases, comparing numbers.

The reference data sit in ``shared/refdata`` beside the repository (``$PDSA_REFDATA`` to
point elsewhere); a test module whose oracle is missing skips, saying where it looked.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import conftest

from pdsa_tui.analysis import XMR_PLOTTHEDOTS, XMR_QICHARTS2

REFDATA = Path(os.environ.get("PDSA_REFDATA") or conftest.SHARED / "refdata")

#: pdsa's I chart uses NHSRplotthedots' 2.66 x mean MR; qicharts2 uses 3 / 1.128.
I_FACTOR_RATIO = XMR_PLOTTHEDOTS.factor / XMR_QICHARTS2.factor


def oracle_cases(path: Path) -> list[dict[str, Any]]:
    """The ``cases`` of an oracle file (none when it is missing: its module skips)."""
    if not path.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


def close(actual: float | None, expected: float | None) -> bool:
    """Equal to R's answer to 1e-9 relative (None only where R gives none)."""
    if expected is None:
        return actual is None
    return actual is not None and math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
