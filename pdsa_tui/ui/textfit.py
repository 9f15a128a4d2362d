"""Text shortened to fit a terminal's width: at a word, never through one."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def shorten_at_word(text: str, room: int) -> str:
    """``text`` in ``room`` cells: cut after the last whole word that fits, with "…".

    A text that fits is returned as it is; a first word wider than ``room`` is the one
    case cut inside a word (there is no word boundary to cut at).
    """
    if cell_len(text) <= room:
        return text
    cut = set_cell_size(text, max(room - 1, 0))
    if text[len(cut) : len(cut) + 1] != " ":  # the cut falls inside a word: drop it
        space = cut.rstrip().rfind(" ")
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(" ›—·,:;-") + "…"
