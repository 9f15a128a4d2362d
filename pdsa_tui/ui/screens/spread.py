"""Spread: change ideas by locality, with the stage in each (not tested to sustained)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from pdsa_tui.analysis.spread import SpreadRow, next_stage
from pdsa_tui.model import Aim, ChangeIdea
from pdsa_tui.model.drivers import SPREAD_STAGES
from pdsa_tui.report.drivers_content import SpreadTable, spread_table
from pdsa_tui.store import StoreError
from pdsa_tui.store.drivers import set_spread
from pdsa_tui.ui import styles
from pdsa_tui.ui.dialogs.modals import PromptScreen
from pdsa_tui.ui.dialogs.pick import PickScreen
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import literal
from pdsa_tui.ui.widgets.scrollbox import ScrollBox
from pdsa_tui.ui.widgets.searchable_grid import SearchableGrid

_STYLE = {
    "not_tested": "dim",
    "testing": "yellow",
    "implementing": "bold yellow",
    "sustained": "bold green",
}
_SHORT = {
    "not_tested": "·",
    "testing": "testing",
    "implementing": "implementing",
    "sustained": "sustained",
}


class SpreadScreen(PdsaScreen):
    """The spread matrix of one aim's change ideas (abandoned ones left out)."""

    CSS_PATH = styles.path("drivers.tcss")

    ABOUT = (
        "Has it been tested in enough settings? Across all localities? Each cell is an idea's "
        "stage in a locality: not tested, testing, implementing, sustained."
    )

    BINDINGS = [
        Binding("escape", "back", "Back", id="spread.back"),
        Binding(
            "space",
            "next_stage",
            "Next stage",
            id="spread.next",
            tooltip="Move the cell to its next stage",
        ),
        Binding("t", "set_stage", "Set stage", id="spread.set", tooltip="Choose the cell's stage"),
        Binding("a", "add_locality", "Add locality", id="spread.add"),
        Binding("x", "export", "Export", id="spread.export", tooltip="Export the aim report"),
    ]

    def __init__(self, aim_id: str) -> None:
        super().__init__()
        self.aim_id = aim_id
        self.table: SpreadTable | None = None

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="spread-summary")
        grid = SearchableGrid(id="spread-grid", cursor_type="cell", zebra_stripes=True)
        grid.fixed_columns = 1  # the idea stays in view while scrolling to far localities
        yield grid

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#spread-grid", DataTable).focus()

    def refresh_data(self) -> None:
        aim = self.store.lookup(Aim, self.aim_id)
        if aim is None:
            self.app.pop_screen()
            return
        self.title = f"{aim.code} › Spread by locality"
        table = spread_table(self.store, aim)
        self.table = table
        grid: DataTable[Text] = self.query_one("#spread-grid", DataTable)
        where = grid.cursor_coordinate
        grid.clear(columns=True)
        # A long title wraps onto more lines of its row (never cut).
        most = 40 if self.size.width >= 110 else 26
        grid.add_column(Text("Change idea"), key="idea", width=most)
        for k, place in enumerate(table.localities):
            grid.add_column(literal(place), key=f"loc{k}")
        for row in table.rows:
            cells = [Text(_SHORT[s], style=_STYLE[s]) for s in row.stages]
            grid.add_row(literal(row.idea.title), *cells, key=row.idea.id, height=None)
        if table.rows:
            grid.cursor_coordinate = grid.validate_cursor_coordinate(where)
        n_all = len(table.localities)
        text = Text()
        if not table.localities:
            text.append("No localities yet: press a to add one, or name settings on an idea.")
        else:
            text.append(f"{n_all} localities: " + ", ".join(table.localities))
            for row in table.rows:
                done = n_all - row.count("not_tested")
                if row.idea.status in ("implementing", "spreading", "sustained") and done < n_all:
                    text.append(
                        f"\n{row.idea.title}: {row.idea.status}, tested in {done} of {n_all}",
                        style="italic",
                    )
        self.query_one("#spread-summary", Static).update(text)

    def _cell(self) -> tuple[ChangeIdea, str, str] | None:
        """The highlighted cell's idea, locality and stage."""
        grid = self.query_one("#spread-grid", SearchableGrid)
        table = self.table
        row = self._row()
        c = grid.cursor_coordinate.column
        if table is None or row is None or c == 0:
            return None
        return row.idea, table.localities[c - 1], row.stages[c - 1]

    def _row(self) -> SpreadRow | None:
        """The highlighted idea's row (by key: a search may show only some rows)."""
        key = self.query_one("#spread-grid", SearchableGrid).current_key
        if self.table is None or key is None:
            return None
        return next((r for r in self.table.rows if r.idea.id == key), None)

    def _set(self, stage: str) -> None:
        cell = self._cell()
        if cell is None:
            self.notify("Move to a locality's column (right arrow) to set its stage.", timeout=4)
            return
        if not self.can_write():
            return
        idea, place, _ = cell
        try:
            set_spread(self.store, idea, place, stage)
        except StoreError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        self.changed()

    def action_next_stage(self) -> None:
        cell = self._cell()
        if cell is not None:
            self._set(next_stage(cell[2]))
        else:
            self._set("")

    def action_set_stage(self) -> None:
        cell = self._cell()
        if cell is None:
            self._set("")
            return

        def chosen(stage: str | None) -> None:
            if stage:
                self._set(stage)

        self.app.push_screen(
            PickScreen(f"{cell[0].title} in {cell[1]}", list(SPREAD_STAGES.items())), chosen
        )

    def action_add_locality(self) -> None:
        table = self.table
        if table is None or not table.rows or not self.can_write():
            self.notify("Add a change idea first: spread is recorded per idea.", timeout=4)
            return
        idea = (self._row() or table.rows[0]).idea
        prompt = PromptScreen(
            "Add a locality",
            help=f"Its name; '{idea.title}' is marked 'not tested' there. Enter adds, esc cancels.",
        )

        def named(name: str | None) -> None:
            if name and name.strip():
                try:
                    set_spread(self.store, idea, " ".join(name.split()), "not_tested")
                except StoreError as exc:
                    self.notify(str(exc), title="Not saved", severity="error", timeout=10)
                    return
                self.changed()

        self.app.push_screen(prompt, named)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self) -> None:
        from pdsa_tui.report.export import default_filename

        aim = self.store.get(Aim, self.aim_id)
        self.export({"aim": aim}, default_filename(aim, "html"))
