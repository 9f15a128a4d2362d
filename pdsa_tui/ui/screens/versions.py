"""Team use in the TUI: conflicts to resolve, every record's history, restoring deleted records."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from pdsa_tui.model.registry import RECORD_TYPES, noun
from pdsa_tui.store import StoreError
from pdsa_tui.store.versions import Version, doc_title, shown_value
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollBox


def version_no(rev: str) -> str:
    """'version 3' from a stored revision ('3-9f2c...'): the hash means nothing to people."""
    return f"version {rev.split('-')[0]}"


def when(stamp: str) -> str:
    """'27/11/2026 16:39' (UTC, day first) from a stored UTC stamp."""
    day, _, clock = stamp[:16].partition("T")
    parts = day.split("-")
    if len(parts) != 3:
        return stamp[:16]
    return f"{parts[2]}/{parts[1]}/{parts[0]} {clock}".strip()


def field_label(table: str, name: str) -> str:
    """A field as its form labels it ('What happened'), not its stored name."""
    cls = RECORD_TYPES.get(table)
    if cls is not None:
        try:
            label = cls.spec(name).label
        except (KeyError, LookupError, ValueError):
            label = ""
        if label:
            return label
    return name.replace("_", " ").capitalize()


class ConflictsScreen(PdsaScreen):
    """Fields two copies changed differently: every value kept until someone picks one."""

    ABOUT = (
        "Fields that two copies changed differently. Each value is listed with who saved it; "
        "the first is the one stored now. Enter keeps the highlighted value."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="conflicts.back"),
        Binding("h", "history", "History", id="conflicts.history"),
    ]

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="conflicts-summary")
        yield RecordTable(
            [
                Column("Record", 18),
                Column("Field", 14),
                Column("Value"),
                Column("Saved by, when", 22),
            ],
            empty_text="No conflicts: every copy's changes merged cleanly.",
            id="conflicts-table",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.title = "Conflicts"
        self.query_one("#conflicts-table", RecordTable).focus()

    def refresh_data(self) -> None:
        rows = []
        conflicts = self.store.versions.conflicts()
        for c in conflicts:
            for v in c["values"]:
                first = v["index"] == 0
                shown = f"[{v['index']}] {shown_value(v['value'])}"
                rows.append(
                    Row(
                        "\t".join((c["id"], c["field"], str(v["index"]))),
                        (
                            f"{noun(c['table'])}: {c['title']}" if first else "",
                            field_label(c["table"], c["field"]) if first else "",
                            shown if first else (shown, "dim"),
                            f"{v['updated_by'] or '?'}, {when(v['updated'])}".rstrip(", "),
                        ),
                    )
                )
        n = len(conflicts)
        self.query_one("#conflicts-summary", Static).update(
            Text(
                f"{n} conflict{'s' if n != 1 else ''}. Value [0] is stored now; "
                "enter on a value keeps it and closes the conflict."
                if n
                else "No conflicts."
            )
        )
        self.query_one("#conflicts-table", RecordTable).set_rows(rows)

    @on(RecordTable.Selected, "#conflicts-table")
    def _pick(self, event: RecordTable.Selected) -> None:
        if not self.can_write():
            return
        rid, field, index = event.key.split("\t")
        conflict = next(
            (c for c in self.store.versions.conflicts() if c["id"] == rid and c["field"] == field),
            None,
        )
        if conflict is None:
            return
        label = field_label(conflict["table"], field)
        lines = []
        for v in conflict["values"]:
            mark = "Keep" if str(v["index"]) == index else "Drop"
            who = f"{v['updated_by'] or '?'}, {when(v['updated'])}".rstrip(", ")
            lines.append(f"{mark} ({who}): {shown_value(v['value'])}")

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.versions.resolve_conflict(rid, field, int(index))
            except StoreError as exc:
                self.notify(str(exc), title="Not resolved", severity="error", timeout=10)
                return
            self.changed()
            self.notify(f"Kept value [{index}] of {label}.", timeout=3, markup=False)

        self.app.push_screen(
            ConfirmScreen(
                f"{label} of {noun(conflict['table'])} '{conflict['title']}':\n\n"
                + "\n\n".join(lines),
                yes="Keep it",
            ),
            answer,
        )

    def action_history(self) -> None:
        key = self.query_one("#conflicts-table", RecordTable).current_key
        if key:
            self.app.push_screen(HistoryScreen(key.split("\t")[0]))

    def action_back(self) -> None:
        self.app.pop_screen()


class HistoryScreen(PdsaScreen):
    """Every version of one record (who, when, what changed); any can be restored."""

    ABOUT = "A record's versions, newest first. r restores the highlighted version."
    BINDINGS = [
        Binding("escape", "back", "Back", id="history.back"),
        Binding("r", "restore", "Restore", id="history.restore", tooltip="Restore this version"),
    ]

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id
        self._versions: list[Version] = []

    def compose_body(self) -> ComposeResult:
        yield RecordTable(
            [Column("Version", 11), Column("When", 16), Column("Who", 16), Column("Changed")],
            empty_text="No history.",
            id="history-table",
        )
        yield Static("", id="history-detail", classes="panel")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#history-table", RecordTable).focus()

    def refresh_data(self) -> None:
        try:
            self._versions = self.store.versions.history(self.record_id)
        except StoreError as exc:
            self._versions = []
            self.query_one("#history-detail", Static).update(Text(str(exc)))
        title = doc_title(self._versions[0].content) if self._versions else "not found"
        self.title = f"History: {title}"
        rows = [
            Row(
                v.rev,
                (
                    version_no(v.rev),
                    when(v.updated),
                    v.updated_by or "?",
                    ("deleted", "bad") if v.deleted else ", ".join(v.changed),
                ),
            )
            for v in self._versions
        ]
        self.query_one("#history-table", RecordTable).set_rows(rows)
        self._show(rows[0].key if rows else None)

    @on(RecordTable.Highlighted, "#history-table")
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        self._show(event.key)

    def _show(self, rev: str | None) -> None:
        version = next((v for v in self._versions if v.rev == rev), None)
        detail = self.query_one("#history-detail", Static)
        if version is None:
            return
        text = Text()
        head = "Deleted" if version.deleted else "Version"
        text.append(
            f"{head} ({version_no(version.rev)}) by {version.updated_by or '?'}", style="bold"
        )
        text.append(f", {when(version.updated)}\n")
        skip = {"id", "rev", "updated", "updated_by", "created", "_conflicts"}
        for name, value in version.content.items():
            if name in skip:
                continue
            style = "bold reverse" if name in version.changed else "bold"
            text.append(f"{name}: ", style=style)
            if isinstance(value, list) and len(value) > 3:
                text.append(f"{len(value)} items\n")
            else:
                text.append(shown_value(value)[:200] + "\n")
        detail.update(text)

    def action_restore(self) -> None:
        if not self.can_write():
            return
        rev = self.query_one("#history-table", RecordTable).current_key
        if not rev or not self._versions:
            return
        if rev == self._versions[0].rev and not self._versions[0].deleted:
            self.notify("That is the current version.", timeout=3)
            return
        chosen = next(v for v in self._versions if v.rev == rev)
        target = None if chosen.deleted else rev

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.versions.restore(self.record_id, target)
            except StoreError as exc:
                self.notify(str(exc), title="Not restored", severity="error", timeout=10)
                return
            self.changed()
            self.notify(f"Restored {version_no(rev)} as the newest.", timeout=4)

        self.app.push_screen(
            ConfirmScreen(
                f"Restore {version_no(rev)} ({when(chosen.updated)})?\n\n"
                "It becomes the newest version; the current one stays in the history.",
                yes="Restore",
            ),
            answer,
        )

    def action_back(self) -> None:
        self.app.pop_screen()


class ChangesScreen(PdsaScreen):
    """Every record, most recently saved first, and deleted records that can be restored."""

    ABOUT = (
        "Every record, most recently changed first, with who saved it. Deleted records are "
        "listed too: u restores one. Enter shows a record's history."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="changes.back"),
        Binding("u", "undelete", "Restore deleted", id="changes.undelete"),
    ]

    def compose_body(self) -> ComposeResult:
        yield RecordTable(
            [Column("When", 16), Column("Who", 14), Column("Kind", 11), Column("Record")],
            empty_text="Nothing saved yet.",
            id="changes-table",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.title = "History: recent changes and deleted records"
        self.query_one("#changes-table", RecordTable).focus()

    def refresh_data(self) -> None:
        # (stamp, deleted, row): stamps have one-second resolution, and a deletion is newer
        # than any save it ties with, so on a tie deleted records sort first.
        items: list[tuple[str, bool, Row]] = []
        for table, doc in self.store.versions.record_docs():
            stamp = str(doc.get("updated", ""))
            row = Row(
                str(doc.get("id")),
                (
                    when(stamp),
                    str(doc.get("updated_by") or "?"),
                    noun(table),
                    doc_title(doc),
                ),
            )
            items.append((stamp, False, row))
        for gone in self.store.versions.deleted():
            row = Row(
                str(gone["id"]),
                (
                    when(gone["updated"]),
                    gone["updated_by"] or "?",
                    noun(gone["table"]),
                    (f"{gone['title']} (deleted)", "bad"),
                ),
            )
            items.append((gone["updated"], True, row))
        items.sort(key=lambda item: item[:2], reverse=True)
        records = self.query_one("#changes-table", RecordTable)
        records.set_rows([row for _, _, row in items], keep=records.current_key)

    @on(RecordTable.Selected, "#changes-table")
    def _open(self, event: RecordTable.Selected) -> None:
        self.app.push_screen(HistoryScreen(event.key))

    def action_undelete(self) -> None:
        if not self.can_write():
            return
        key = self.query_one("#changes-table", RecordTable).current_key
        if key is None or key not in {g["id"] for g in self.store.versions.deleted()}:
            self.notify("Highlight a deleted record to restore it.", timeout=4)
            return
        try:
            self.store.versions.restore(key)
        except StoreError as exc:
            self.notify(str(exc), title="Not restored", severity="error", timeout=10)
            return
        self.changed()
        self.notify("Restored.", timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()
