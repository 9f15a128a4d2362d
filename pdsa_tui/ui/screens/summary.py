"""Summary: every measure of the programme on one screen, grouped by aim (as on the board paper)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from pdsa_tui.model import dates
from pdsa_tui.report.summary import HEADERS, KEY, Summary, aim_line, build_summary, row_cells
from pdsa_tui.store import StoreError
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.textfit import shorten_at_word
from pdsa_tui.ui.widgets.record_table import literal
from pdsa_tui.ui.widgets.searchable_grid import SearchableGrid

#: Making Data Count colours by meaning; the symbol and word say it too.
_STYLE = {
    "improvement": "bold #289de0",
    "concern": "bold #e46c0a",
    "common": "#9a9a9a",
    "neutral": "bold #a070d0",
    "none": "dim",
}


class SummaryScreen(PdsaScreen):
    """One row per measure: latest, target, variation, trend, verdict, cycles, cases due."""

    ABOUT = (
        "Every measure on one page, grouped by aim, as a board reads it first: the latest "
        "value against the target, the variation icon, the trend and the verdict."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="summary.back"),
        Binding(
            "x", "export", "Export", id="summary.export", tooltip="Export the one-page summary"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summary: Summary | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="summary-head", classes="summary")
        grid = SearchableGrid(id="summary-grid", cursor_type="row", zebra_stripes=True)
        grid.fixed_columns = 1  # the measure stays in view while scrolling right
        yield grid
        yield Static("", id="summary-key", classes="summary")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#summary-grid", DataTable).focus()

    def refresh_data(self) -> None:
        today = dates.today()
        s = build_summary(self.store, today=today)
        self.summary = s
        self.title = "Summary of every measure"
        self.query_one("#summary-head", Static).update(literal(f"{s.programme}: {s.subtitle}"))
        grid: DataTable[Text] = self.query_one("#summary-grid", DataTable)
        grid.clear(columns=True)
        # The measure's column is as wide as fits beside the variation at 80 columns; a
        # longer name or aim wraps onto more lines of its row (never cut).
        most = 46 if self.size.width >= 110 else 26
        for h in HEADERS:
            grid.add_column(Text(h), key=h, width=most if h == HEADERS[0] else None)
        n = 0
        for g in s.groups:
            # The aim's statement in two lines at most (shortened at a word): the rows
            # under it are what this screen is for.
            head = literal(shorten_at_word(aim_line(g), 2 * most - 4))
            head.stylize("bold")
            grid.add_row(head, *(Text("") for _ in HEADERS[1:]), key=f"aim:{g.aim.id}", height=None)
            for r in g.rows:
                cells = [literal(c) for c in row_cells(r)]
                cells[0] = literal("  " + r.name)
                cells[4].stylize(_STYLE.get(r.standing.icons.variation, ""))
                cells[7].truncate(90, overflow="ellipsis")
                grid.add_row(*cells, key=f"measure:{r.standing.measure.measure.id}", height=None)
                n += 1
        if not s.groups:
            grid.add_row(Text("No aims yet."), *(Text("") for _ in HEADERS[1:]), key="empty")
        key = KEY.format(since=dates.format_date(s.since, style="long"))
        self.query_one("#summary-key", Static).update(Text(f"{n} measures. {key}"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        from pdsa_tui.report.summary import SUMMARY_FORMATS

        name = f"summary-{dates.today().isoformat()}.pdf"
        self.export_prompt(
            "Export the summary",
            name,
            SUMMARY_FORMATS,
            lambda path, fmt: self._write_summary(path, fmt, force=False),
            "the summary",
        )

    def _write_summary(self, path: Path, fmt: str, *, force: bool) -> None:
        from pdsa_tui.report.export import write_export
        from pdsa_tui.report.papers import summary_bytes

        try:
            write_export(path, summary_bytes(self.store, fmt=fmt), force=force)
        except FileExistsError:
            from pdsa_tui.ui.dialogs.modals import ConfirmScreen

            def answer(yes: bool | None) -> None:
                if yes:
                    self._write_summary(path, fmt, force=True)

            self.app.push_screen(
                ConfirmScreen(f"{path} exists. Replace it?", yes="Replace", danger=True), answer
            )
            return
        except (OSError, StoreError, RuntimeError, ValueError) as exc:
            self.notify(f"Not exported: {exc}", severity="error", timeout=10)
            return
        self.notify(f"Exported to {path}", title="Export done", timeout=8)
