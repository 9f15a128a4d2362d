"""pdsa's own themes: a high-contrast one, chosen from ctrl+p ("Change theme") or PDSA_THEME."""

from __future__ import annotations

import os
from typing import Any

from textual.app import App
from textual.theme import Theme

#: Pure black and white with yellow focus: for low vision and washed-out projectors.
HIGH_CONTRAST = Theme(
    name="pdsa-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    error="#FF6060",
    warning="#FFFF00",
    success="#00FF00",
    dark=True,
)

#: The environment variable that picks a theme at start ("pdsa-high-contrast", "textual-light"...).
THEME_ENV = "PDSA_THEME"


def install(app: App[Any]) -> None:
    """Register pdsa's themes; use the one ``$PDSA_THEME`` names, if it exists."""
    app.register_theme(HIGH_CONTRAST)
    wanted = os.environ.get(THEME_ENV, "").strip()
    if wanted and wanted in app.available_themes:
        app.theme = wanted
