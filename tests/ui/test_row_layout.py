"""Plain tests of wrapping table cells (row_layout) and shortening text at a word (textfit)."""

from __future__ import annotations

from rich.cells import cell_len

from pdsa_tui.ui.textfit import shorten_at_word
from pdsa_tui.ui.widgets.row_layout import OneTallRow, RowLines, cell_height, wrap_cell


def test_a_cell_that_fits_stays_one_line() -> None:
    assert wrap_cell("30/09/2018", 10) == ["30/09/2018"]
    assert cell_height("short", 10) == 1


def test_a_long_cell_wraps_at_spaces_and_never_cuts_a_date() -> None:
    text = "case C-1042 reached 15 weeks on 05/02/2020; 30-week point 20/05/2020"
    lines = wrap_cell(text, 20)
    assert " ".join(lines) == text
    assert all(cell_len(line) <= 20 for line in lines)
    assert "05/02/2020;" in " ".join(lines).split()
    assert any(line.endswith("20/05/2020") for line in lines)
    assert cell_height(text, 20) == len(lines)


def test_a_word_wider_than_the_column_is_folded_not_lost() -> None:
    lines = wrap_cell("a https://example.org/a/very/long/path end", 10)
    assert all(cell_len(line) <= 10 for line in lines)
    assert "".join(lines).replace(" ", "") == "ahttps://example.org/a/very/long/pathend"


def test_wide_characters_count_as_two_cells() -> None:
    lines = wrap_cell("名前 名前 名前", 5)
    assert lines == ["名前", "名前", "名前"]


def test_row_lines_map_lines_to_rows_and_back() -> None:
    lines = RowLines([1, 3, 2])
    assert lines.total == 6 and lines.count == 3
    assert [lines.top(i) for i in range(3)] == [0, 1, 4]
    assert [lines.row_at(n) for n in range(6)] == [0, 1, 1, 1, 2, 2]
    assert lines.row_at(99) == 2 and lines.row_at(-1) == 0
    assert lines.height(1) == 3


def test_one_tall_row_needs_no_list_of_rows() -> None:
    lines = OneTallRow(50_000, 10, 3)
    assert lines.total == 50_002
    assert lines.top(10) == 10 and lines.top(11) == 13 and lines.height(10) == 3
    assert [lines.row_at(n) for n in (9, 10, 11, 12, 13)] == [9, 10, 10, 10, 11]
    assert lines.row_at(50_001) == 49_999


def test_shorten_at_word() -> None:
    title = "Aim 1 › % of children at home 2+ years with a routine audit reported"
    short = shorten_at_word(title, 40)
    assert cell_len(short) <= 40 and short.endswith("…")
    kept = short[:-1]
    assert title.startswith(kept) and title[len(kept)] == " "
    assert shorten_at_word("fits", 10) == "fits"
    # Ending at a whole word: no dangling separator before the "…".
    assert shorten_at_word("Aim 2 › Two-week planning meeting", 10) == "Aim 2…"
