"""Where the default database lives."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    """``$PDSA_DB``, else ``pdsa.json`` in the platform's user data folder."""
    env = os.environ.get("PDSA_DB", "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("pdsa", appauthor=False)) / "pdsa.json"


def current_user(explicit: str | None = None) -> str:
    """Who saves: ``--user``, else ``$PDSA_USER``, else the login name (may be empty)."""
    for name in (explicit, os.environ.get("PDSA_USER")):
        if name and name.strip():
            return " ".join(name.split())
    try:
        import getpass

        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""
