"""Every stylesheet of the app and its screens, in this one folder.

Widgets that stand alone keep their defaults in ``DEFAULT_CSS`` beside their code
(Textual's convention: those rules rank below every stylesheet here).
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent


def path(name: str) -> Path:
    """The stylesheet ``name`` (``"drivers.tcss"``) of this folder."""
    return FOLDER / name
