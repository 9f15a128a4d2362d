"""A file made read-only while the app has it open is not saved over.

Seen in the two-account trial: Bob's copy of pdsa was open on /srv/qiB/prog.json; the file
was then made read-only (chmod 444: archived, or by its owner). The next save replaced it
anyway (a save writes a new file and renames it over the old one, which only needs the
folder's permission), and the new file was 0444 again: nobody was told.
"""

from __future__ import annotations

import os
from pathlib import Path

from test_ui_cycle import demo_app, demo_cycle, on_disk, open_cycle, type_text, value
from ui_support import SMALL, screen_text

from pdsa_tui.model import Cycle


async def test_a_save_after_the_file_was_made_read_only_is_refused_and_the_typing_kept(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        cycle = demo_cycle(app, "do", "Permanence tracker")
        screen = await open_cycle(app, pilot, cycle)
        await pilot.press("tab")
        await type_text(pilot, "Not lost")
        os.chmod(app.path, 0o444)  # the owner makes it read-only meanwhile
        before = app.path.read_bytes()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.path.read_bytes() == before
        error = " ".join(str(screen.query_one("#cycle-error").render()).split())
        assert "Not saved:" in error and "read-only" in error, error
        assert "chmod u+w" in error, error
        assert value(screen, "what_happened") == "Not lost"
        assert "Not lost" not in on_disk(app).get(Cycle, cycle.id).what_happened
        os.chmod(app.path, 0o644)  # made writable again: the same ctrl+s saves
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_disk(app).get(Cycle, cycle.id).what_happened.endswith("Not lost")
        assert "Not saved" not in screen_text(app)
