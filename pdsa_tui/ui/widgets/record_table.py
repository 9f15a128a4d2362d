"""A virtual table of records: only the visible rows are ever rendered.

Textual's ``DataTable`` takes about two seconds to build 5,000 rows here; this
table takes plain tuples of strings and draws rows on demand, so a list of any
length appears at once. Cell text is always literal: never parsed as markup.

A cell wider than its column wraps onto more lines (``row_layout``): at 80 columns a
row never loses a date or a word. Rows made as drawn (:class:`LazyRows`) and lists
longer than ``WRAP_ALL_ROWS`` stay one line each but the highlighted row, which wraps
to show it all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, overload

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from pdsa_tui.model.matching import doc_words, fold, holds_all, query_words
from pdsa_tui.model.safetext import visible
from pdsa_tui.ui.widgets.row_layout import OneTallRow, RowLines, cell_height, wrap_cell
from pdsa_tui.ui.widgets.searching import SearchHost
from pdsa_tui.valueclass import value_class

if TYPE_CHECKING:
    from pdsa_tui.ui.widgets.list_filter import ListFilter

#: Lists longer than this (and rows made as drawn) wrap only the highlighted row: measuring
#: each of 2,000 long rows took 100 ms where the list showed in 11 ms.
WRAP_ALL_ROWS = 1_000

#: A cell: its text, or its text and a style name from the table's CSS classes.
Cell = str | tuple[str, str]


@value_class(frozen=True)
class Column:
    """A column: header, width in cells (0 = share what is left), alignment."""

    title: str
    width: int = 0
    align: str = "left"


@value_class(frozen=True)
class Row:
    """A row: the record's key and its cells."""

    key: str
    cells: tuple[Cell, ...]


class LazyRows(Sequence[Row]):
    """Rows made only when drawn (or asked for): a list of 50,000 points shows at once.

    ``keys`` are the rows' keys in order; ``cells(i)`` makes the cells of row ``i``.
    """

    def __init__(self, keys: Sequence[str], cells: Callable[[int], tuple[Cell, ...]]) -> None:
        self.keys = list(keys)
        self._cells = cells
        self._made: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, i: int) -> Row: ...
    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...
    def __getitem__(self, i: int | slice) -> Row | list[Row]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self.keys)
        row = self._made.get(i)
        if row is None:
            row = self._made[i] = Row(self.keys[i], self._cells(i))
        return row


class RecordTable(SearchHost, ScrollView, can_focus=True):
    """A keyboard-driven, virtual list of records with a header row."""

    COMPONENT_CLASSES = {
        "record-table--header",
        "record-table--cursor",
        "record-table--empty",
        "record-table--good",
        "record-table--bad",
        "record-table--warn",
        "record-table--dim",
    }

    DEFAULT_CSS = """
    RecordTable { height: 1fr; }
    RecordTable > .record-table--header { text-style: bold; background: $panel; }
    RecordTable > .record-table--cursor { background: $block-cursor-blurred-background; }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: bold;
    }
    RecordTable > .record-table--empty { color: $text-muted; text-style: italic; }
    RecordTable > .record-table--good { color: $success; }
    RecordTable > .record-table--bad { color: $error; }
    RecordTable > .record-table--warn { color: $warning; }
    RecordTable > .record-table--dim { color: $text-muted; }
    """

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="table.pageup"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="table.pagedown"),
        Binding("home", "jump(0)", "First", show=False, id="table.home"),
        Binding("end", "jump(-1)", "Last", show=False, id="table.end"),
        Binding("enter", "select", "Open", show=True, id="table.select"),
        # / is typed as text in a field; on a list it searches that list (as in less or vim).
        Binding("slash", "search", "Search", show=False, id="table.search"),
        # Only while a search filters the list (check_action); else escape is the screen's.
        Binding("escape", "clear_search", "Clear search", id="table.clear_search"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @value_class
    class Highlighted(Message):
        """The cursor moved to the row with ``key`` (None when the table is empty)."""

        table: RecordTable
        key: str | None

        @property
        def control(self) -> RecordTable:
            return self.table

    @value_class
    class Selected(Message):
        """The row with ``key`` was chosen (enter or a double click)."""

        table: RecordTable
        key: str

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str = "Nothing here yet.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.empty_text = empty_text
        self.rows: Sequence[Row] = []
        self._index: dict[str, int] = {}
        #: Where each row starts, by the width the rows are drawn in (measured once).
        self._measured: dict[int, RowLines] = {}
        #: Each drawn row's cells wrapped to the column widths, by (width, row index).
        self._wrapped: dict[tuple[int, int], list[list[str]]] = {}
        #: Every row given to :meth:`set_rows`; ``rows`` are those the search lets through.
        self.all_rows: Sequence[Row] = []
        #: What the search box holds ("" when the list is not filtered).
        self.search_query = ""
        #: The words each row is found by, by key, made when a search first needs them.
        self._words: dict[str, str] = {}
        #: The row highlighted when the search began: escape returns to it.
        self.key_before_search: str | None = None
        #: The search box above the table while a search is open.
        self.search_bar: ListFilter | None = None
        #: More words for a row than its cells hold (by key). By default the record whose id
        #: is the key, in the app's store: a cycle is found by its notes, not only its title.
        self.words_of: Callable[[str], str] | None = None
        #: What every line of the render pass under way shares (None between passes).
        self._pass: _Pass | None = None

    # -- data ------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Row], *, keep: str | None = None) -> None:
        """Replace the rows; keep the cursor on ``keep`` (or the current key) if present.

        :class:`LazyRows` are kept as they are: their rows are made as they are drawn.
        """
        current = keep if keep is not None else self.current_key
        self.all_rows = rows if isinstance(rows, LazyRows) else list(rows)
        self._words = {}
        self._show(current)
        if self.search_bar is not None:
            self.search_bar.show_count()

    def _show(self, current: str | None) -> None:
        """Show the rows the search lets through; keep the cursor on ``current`` if shown."""
        rows = self.all_rows
        if self.search_query.strip():
            rows = self._matching(query_words(self.search_query))
        if isinstance(rows, LazyRows):
            self.rows = rows
            self._index = {key: i for i, key in enumerate(rows.keys)}
        else:
            self.rows = list(rows)
            self._index = {r.key: i for i, r in enumerate(self.rows)}
        self._forget_layout()
        self._set_virtual_size()
        self.refresh(layout=True)
        target = self._index.get(current, None) if current is not None else None
        if target is None:
            target = min(self.cursor, max(len(self.rows) - 1, 0))
        self.cursor = target
        self.refresh()

    # -- search ----------------------------------------------------------------
    def _matching(self, words: list[str]) -> list[Row]:
        """The rows holding every one of ``words`` (in their cells or their record)."""
        out = []
        for i in range(len(self.all_rows)):
            row = self.all_rows[i]
            text = self._words.get(row.key)
            if text is None:
                text = self._words[row.key] = self._row_words(row)
            if holds_all(words, text):
                out.append(row)
        return out

    def _row_words(self, row: Row) -> str:
        """A row's words: its cells as shown, then what its record holds."""
        cells = " ".join(c if isinstance(c, str) else c[0] for c in row.cells)
        more = self.words_of(row.key) if self.words_of is not None else stored_words(self, row.key)
        return f"{fold(cells)} {more}"

    def search(self, query: str) -> None:
        """Show only the rows holding every word of ``query``; the cursor on the first."""
        if query == self.search_query:
            return
        self.search_query = query
        self._show(None)
        self.cursor = 0

    def search_counts(self) -> tuple[int, int]:
        """(rows shown, rows in all)."""
        return len(self.rows), len(self.all_rows)

    def move_search_cursor(self, delta: int) -> None:
        """Move the cursor from the search box."""
        self.cursor += delta

    def action_clear_search(self) -> None:
        """Show every row again, the cursor back where it was before the search."""
        back = self.key_before_search
        self._end_search()
        self.cursor = self._index.get(back, 0) if back is not None else 0
        self.focus()

    def _all_keys(self) -> list[str]:
        """The keys of every row, shown or not."""
        rows = self.all_rows
        return rows.keys if isinstance(rows, LazyRows) else [r.key for r in rows]

    def _end_search(self) -> None:
        """Close the search box and show every row."""
        bar, self.search_bar = self.search_bar, None
        self.search_query = ""
        self._show(self.current_key)
        if bar is not None:
            bar.remove()

    @property
    def current_key(self) -> str | None:
        """The key of the row under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def move_to(self, key: str) -> bool:
        """Put the cursor on the row with ``key``; False if there is none."""
        i = self._index.get(key)
        if i is None and self.searching and key in self._all_keys():
            # A record just saved or asked for that the search hides: show it, not nothing.
            self._end_search()
            i = self._index.get(key)
        if i is None:
            return False
        self.cursor = i
        return True

    # -- cursor ----------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if (isinstance(self.rows, LazyRows) or len(self.rows) > WRAP_ALL_ROWS) and old != new:
            # Only the highlighted row wraps: the rows' lines move with it (each row's
            # wrapped cells do not depend on the cursor, so they are kept).
            self._measured.clear()
            self._set_virtual_size()
            self.refresh(layout=self.styles.is_auto_height)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_key))

    def _scroll_cursor_into_view(self) -> None:
        if not self.size:
            return  # nothing in view yet (on_resize scrolls once laid out)
        visible = max(self.size.height - 1, 1)
        top = int(self.scroll_offset.y)
        lines = self._row_lines()
        first = lines.top(self.cursor) if self.rows else 0
        last = first + (lines.height(self.cursor) if self.rows else 1)
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif last > top + visible:
            # The whole row if it fits, else its first lines.
            self.scroll_to(y=min(first, last - visible), animate=False)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        if not self.rows:
            return
        lines = self._row_lines()
        page = max(self.size.height - 2, 1)
        target = lines.row_at(lines.top(self.cursor) + direction * page)
        if target == self.cursor:  # a row taller than the page: move on by one at least
            target += direction
        self.cursor = target

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    async def _on_click(self, event: events.Click) -> None:
        line = event.y + int(self.scroll_offset.y) - 1
        lines = self._row_lines()
        if event.y >= 1 and self.rows and 0 <= line < lines.total:
            self.cursor = lines.row_at(line)
            if event.chain >= 2:
                self.action_select()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # With ``height: auto`` the table is as tall as its rows' lines (plus the header).
        if not self.rows:
            return 2
        return self._measure(width).total + 1

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # The rows measured at the new size before the scroll bars are decided on them, in
        # the layout pass itself: measured after it (on_resize), the table's new height
        # laid the whole screen out, and drew it, again.
        if size != self._size:
            self._forget_layout()
            self.set_reactive(RecordTable.virtual_size, self._virtual_size())
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self) -> None:
        self._forget_layout()
        self._set_virtual_size()
        self._scroll_cursor_into_view()

    # -- layout ----------------------------------------------------------------
    def _forget_layout(self) -> None:
        self._measured.clear()
        self._wrapped.clear()

    def _set_virtual_size(self) -> None:
        if not self.size:
            return  # not laid out yet: measured in the layout pass (_size_updated), once
        self.virtual_size = self._virtual_size()

    def _virtual_size(self) -> Size:
        return Size(self._total_width(), self._row_lines().total + 1)

    def _measure(self, width: int) -> RowLines:
        """Where rows start when drawn ``width`` cells wide."""
        lines = self._measured.get(width)
        if lines is None:
            widths = self._widths(width)
            if isinstance(self.rows, LazyRows) or len(self.rows) > WRAP_ALL_ROWS:
                tall = min(self.cursor, max(len(self.rows) - 1, 0))
                height = self._row_height(tall, widths) if self.rows else 1
                lines = OneTallRow(len(self.rows), tall, height)
            else:
                lines = RowLines([self._row_height(i, widths) for i in range(len(self.rows))])
            self._measured[width] = lines
        return lines

    def _row_height(self, index: int, widths: list[int]) -> int:
        height = 1
        for cell, width in zip(self.rows[index].cells, widths, strict=False):
            text = cell if isinstance(cell, str) else cell[0]
            # Most cells fit as they are: printable (no newline, tab or control character
            # to tidy) and narrow enough. Only the others are tidied and wrapped.
            if text.isprintable() and cell_len(text) <= width:
                continue
            height = max(height, cell_height(_one_line(text), width))
        return height

    def _row_lines(self) -> RowLines:
        """Where each row starts, at the width rows are drawn in now."""
        return self._measure(self._content_width())

    def _row_cells(self, index: int, widths: list[int]) -> list[list[str]]:
        """Row ``index``'s cells, each as its lines in its column (wrapped once per width)."""
        key = (sum(widths), index)
        cells = self._wrapped.get(key)
        if cells is None:
            if len(self._wrapped) > 512:  # only drawn rows are kept; a long scroll starts over
                self._wrapped.clear()
            row = self.rows[index].cells
            cells = [
                wrap_cell(_one_line(_text(row[i]) if i < len(row) else ""), w)
                for i, w in enumerate(widths)
            ]
            self._wrapped[key] = cells
        return cells

    # -- rendering -------------------------------------------------------------
    def _content_width(self) -> int:
        """The width rows are drawn in: the widget's, less a vertical scrollbar if one shows."""
        width = self.size.width
        # More rows than lines needs no measuring: the scroll bar shows whatever wraps.
        if len(self.rows) + 1 > self.size.height or (
            self.rows and self._measure(width).total + 1 > self.size.height
        ):
            width -= self.styles.scrollbar_size_vertical
        return max(width, 0)

    def _total_width(self) -> int:
        return max(
            self._content_width(), sum(c.width or 10 for c in self.columns) + len(self.columns)
        )

    def _widths(self, width: int | None = None) -> list[int]:
        width = self._content_width() if width is None else width
        fixed = sum(c.width for c in self.columns if c.width) + len(self.columns) - 1
        flex = [c for c in self.columns if not c.width]
        spare = max(width - fixed, 8 * len(flex)) if flex else 0
        out = []
        for c in self.columns:
            if c.width:
                out.append(c.width)
            else:
                share = spare // len(flex)
                out.append(max(share, 8))
        return out

    def _cell(self, text: str, width: int, align: str) -> str:
        """One line of a cell, padded to ``width`` (a header cut short if need be)."""
        size = cell_len(text)
        if size > width:
            return set_cell_size(text, width - 1) + "…" if width > 0 else ""
        pad = " " * (width - size)
        return pad + text if align == "right" else text + pad

    def render_lines(self, crop: Region) -> list[Strip]:
        # One pass draws many lines at one width in one style: worked out once for all of
        # them (the widget's style alone walks every ancestor: half a line's time).
        self._pass = _Pass(self)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def _style(self, name: str) -> Style:
        """A component class's style (``record-table--`` + ``name``), once per pass."""
        drawing = self._pass
        if drawing is None:
            return self.get_component_rich_style(f"record-table--{name}")
        style = drawing.styles.get(name)
        if style is None:
            style = drawing.styles[name] = self.get_component_rich_style(f"record-table--{name}")
        return style

    def render_line(self, y: int) -> Strip:
        drawing = self._pass or _Pass(self)
        width, widths, base = drawing.width, drawing.widths, drawing.base
        if y == 0:
            style = self._style("header")
            text = " ".join(
                self._cell(_one_line(c.title), w, c.align)
                for c, w in zip(self.columns, widths, strict=True)
            )
            return Strip([Segment(text.ljust(width)[:width], base + style)])
        line = y - 1 + int(self.scroll_offset.y)
        if not self.rows:
            if y == 1:
                style = self._style("empty")
                empty = self.empty_text
                if self.all_rows:
                    query = visible(" ".join(self.search_query.split()))
                    empty = f"Nothing matches '{query}': backspace widens it, escape clears it."
                return Strip([Segment(empty.ljust(width)[:width], base + style)])
            return Strip.blank(width, base)
        lines = self._measure(width)  # the pass's width: _row_lines() would work it out again
        if line >= lines.total:
            return Strip.blank(width, base)
        index = lines.row_at(line)
        part = line - lines.top(index)
        row = self.rows[index]
        cells = self._row_cells(index, widths)
        row_style: Style = base
        if index == self.cursor:
            row_style = base + self._style("cursor")
        segments: list[Segment] = []
        used = 0
        for i, (col, w) in enumerate(zip(self.columns, widths, strict=True)):
            cell = row.cells[i] if i < len(row.cells) else ""
            style = row_style
            if isinstance(cell, tuple) and index != self.cursor:
                style = row_style + self._style(cell[1])
            text = cells[i][part] if part < len(cells[i]) else ""
            piece = self._cell(text, w, col.align)
            if i:
                segments.append(Segment(" ", row_style))
                used += 1
            segments.append(Segment(piece, style))
            used += cell_len(piece)
        if used < width:
            segments.append(Segment(" " * (width - used), row_style))
        return Strip(segments).crop(0, width)

    def row_text(self, key: str) -> str:
        """The plain text of a row (for tests and screen readers)."""
        i = self._index.get(key)
        if i is None:
            return ""
        return " ".join(c if isinstance(c, str) else c[0] for c in self.rows[i].cells)


class _Pass:
    """What every line of one render pass shares: the widths, the table's own style and
    the component classes' styles (each looked up when first needed)."""

    __slots__ = ("base", "styles", "width", "widths")

    def __init__(self, table: RecordTable) -> None:
        self.width = table._content_width()
        self.widths = table._widths(self.width)
        self.base = table.rich_style
        self.styles: dict[str, Style] = {}


def _text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else cell[0]


def _one_line(text: str) -> str:
    """A cell's text on one line, white space runs made single, control characters shown."""
    return visible(" ".join(text.split()))


def stored_words(widget: Widget, key: str) -> str:
    """The words of the record a row's key names ('<id>' or '<kind>:<id>'), or ""."""
    store = getattr(widget.app, "store", None)
    doc = store.raw_doc(key.rpartition(":")[2]) if store is not None else None
    return doc_words(doc) if doc else ""


def literal(text: str) -> Text:
    """User text as a Rich ``Text``: never parsed as markup, control characters visible."""
    return Text(visible(text))
