"""What the app shows when it crashes: a traceback without locals, and the full report in a
private file.

Textual's crash output shows each frame's locals, which can hold whole records (notes
about families). The screen gets the traceback without them and one line naming a
0600 file in the user's state folder that holds the full report, locals included.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path
from types import TracebackType

import platformdirs
from rich.console import Console
from rich.traceback import Traceback

from pdsa_tui.store.access import PRIVATE
from pdsa_tui.store.files import make_private_dirs

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_folder() -> Path:
    """The user's state folder for pdsa, where crash reports go."""
    return Path(platformdirs.user_state_dir("pdsa", appauthor=False))


def write_crash_report(exc_info: ExcInfo) -> Path:
    """Write the full report (traceback with locals) to a new 0600 file; return its path."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None, force_terminal=False)
    console.print(Traceback.from_exception(*exc_info, show_locals=True, width=120))
    folder = crash_folder()
    make_private_dirs(folder)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(buffer.getvalue())
    return path


def crash_line(exc_info: ExcInfo) -> str:
    """The one line that says where the full report is (or that it could not be written)."""
    try:
        path = write_crash_report(exc_info)
    except OSError as exc:
        return f"pdsa crashed; the full report could not be written ({exc.strerror or exc})."
    return (
        f"pdsa crashed; the full report is in {path} (readable only by you; it may hold "
        "record text, so check it before sharing). Every save before the crash is on disk."
    )
