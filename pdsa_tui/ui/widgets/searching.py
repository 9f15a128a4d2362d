"""What every list that ``/`` searches shares: the search box opened above it, and
escape clearing the search only while there is one (otherwise escape is the screen's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pdsa_tui.ui.widgets.list_filter import ListFilter


class SearchHost:
    """Mixed into a list widget (``RecordTable``, ``SearchableGrid``) before its base."""

    #: What the search box holds ("" when the list is not filtered).
    search_query: str
    #: The search box above the list while a search is open.
    search_bar: ListFilter | None
    #: The row highlighted when the search began: escape returns to it.
    key_before_search: str | None

    @property
    def searching(self) -> bool:
        """Whether a search filters the rows (or its box is open)."""
        return bool(self.search_query.strip()) or self.search_bar is not None

    def action_search(self) -> None:
        """Open the search box above the list (or go back to it, the query kept)."""
        from pdsa_tui.ui.widgets.list_filter import open_search

        open_search(self)  # type: ignore[arg-type]  # a list widget, by construction

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears a search only while there is one; otherwise it is the screen's."""
        if action == "clear_search":
            return self.searching
        return True
