"""Team use in the TUI: conflicts to resolve, every record's history, restoring deleted records."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from pdsa_tui.model.dates import format_date, from_iso
from pdsa_tui.model.registry import RECORD_TYPES, noun
from pdsa_tui.store import MissingParentError, StoreError
from pdsa_tui.store.naming import doc_title, field_label, shown_value, text_spec
from pdsa_tui.store.versions import Version
from pdsa_tui.ui.dialogs.modals import ConfirmScreen
from pdsa_tui.ui.screens.base import PdsaScreen
from pdsa_tui.ui.widgets.record_table import Column, RecordTable, Row
from pdsa_tui.ui.widgets.scrollbox import ScrollBox

#: A record id as stored (uuid4): a link shown by the linked record's title, never the id.
RECORD_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def kind_words(table: str, field: str) -> str:
    """What a field holds, in words: 'a date', 'a choice', 'a number', 'a list'."""
    if "@" in field or "#" in field:
        return "a data point"
    cls = RECORD_TYPES.get(table)
    try:
        kind = cls.spec(field).kind if cls is not None else ""
    except KeyError:
        kind = ""
    words = {
        "date": "a date",
        "choice": "a choice",
        "number": "a number",
        "percent": "a number",
        "list": "a list",
    }
    return words.get(kind, "not text")


def value_words(table: str, field: str, value: Any) -> str:
    """A stored value as its form shows it: a date day first (24/12/2026), a choice by its
    label ("Adapt"), else as stored."""
    kind = kind_words(table, field)
    if kind == "a date" and isinstance(value, str):
        try:
            return format_date(from_iso(value))
        except ValueError:
            pass
    if kind == "a choice" and isinstance(value, str):
        cls = RECORD_TYPES.get(table)
        options = cls.spec(field).choices if cls is not None else None
        if options and value in options:
            return shown_value(options[value])
    return shown_value(value)


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


class ConflictTable(RecordTable):
    """The conflicts list: enter keeps the highlighted value (the footer says so)."""

    BINDINGS = [Binding("enter", "select", "Keep value", show=True, id="conflicts.keep")]


class ConflictsScreen(PdsaScreen):
    """Fields two copies changed differently: every value kept until someone picks one."""

    ABOUT = (
        "Fields that two copies changed differently. Each value is listed with who saved it; "
        "the first is the one stored now. Enter keeps the highlighted value; on a text, press "
        "e to edit one text that starts from both values."
    )
    BINDINGS = [
        Binding("escape", "back", "Back", id="conflicts.back"),
        Binding("e", "combine", "Combine texts", id="conflicts.combine"),
        Binding("h", "history", "History", id="conflicts.history"),
    ]

    def compose_body(self) -> ComposeResult:
        with ScrollBox(classes="summary"):
            yield Static("", id="conflicts-summary")
        yield ConflictTable(
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
                shown = f"[{v['index']}] {value_words(c['table'], c['field'], v['value'])}"
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
                "enter on a value keeps it and closes the conflict; e edits a text "
                "combining both."
                if n
                else "No conflicts."
            )
        )
        self.query_one("#conflicts-table", RecordTable).set_rows(rows)

    def _conflict(self, key: str) -> dict[str, Any] | None:
        """The open conflict a row's key names (None if it was settled meanwhile)."""
        rid, field, _index = key.split("\t")
        return next(
            (c for c in self.store.versions.conflicts() if c["id"] == rid and c["field"] == field),
            None,
        )

    @on(RecordTable.Selected, "#conflicts-table")
    def _pick(self, event: RecordTable.Selected) -> None:
        if not self.can_write():
            return
        rid, field, index = event.key.split("\t")
        conflict = self._conflict(event.key)
        if conflict is None:
            return
        label = field_label(conflict["table"], field)
        lines = []
        for v in conflict["values"]:
            mark = "Keep" if str(v["index"]) == index else "Drop"
            who = f"{v['updated_by'] or '?'}, {when(v['updated'])}".rstrip(", ")
            shown = value_words(conflict["table"], field, v["value"])
            lines.append(f"{mark} ({who}): {shown}")

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

    def action_combine(self) -> None:
        """Open a text starting from both values of the highlighted conflict (text only)."""
        key = self.query_one("#conflicts-table", RecordTable).current_key
        conflict = self._conflict(key) if key else None
        if conflict is None or not self.can_write():
            return
        table, rid, field = conflict["table"], conflict["id"], conflict["field"]
        label = field_label(table, field.split("@")[0].split("#")[0])
        spec = text_spec(table, field)
        if spec is None:
            self.notify(
                f"{label} is {kind_words(table, field)}: only one value can be kept for that "
                "field. Highlight the one to keep and press enter.",
                title="Not text",
                severity="warning",
                timeout=6,
                markup=False,
            )
            return
        from pdsa_tui.ui.dialogs.combine import CombineScreen, opening_words, starting_text

        values = conflict["values"]
        sources = [
            f"[{v['index']}] {v['updated_by'] or '?'}, {when(v['updated'])}"
            f"{' (stored now)' if v['index'] == 0 else ''}: {opening_words(v['value'])}"
            for v in values
        ]
        text = starting_text([v["value"] for v in values], one_line=spec.kind == "text")

        def save(combined: str) -> None:
            self.store.versions.combine_conflict(rid, field, combined)

        def done(combined: str | None) -> None:
            if combined is None:
                return
            self.changed()
            self.notify(f"Saved the combined {label}; the conflict is settled.", timeout=4)

        self.app.clear_notifications()  # an earlier notice would cover the dialog's title
        self.app.push_screen(
            CombineScreen(
                f"{label} of {noun(table)} '{conflict['title']}': one text from both",
                sources,
                text,
                save,
                one_line=spec.kind == "text",
            ),
            done,
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
        #: The record's table, for its fields' labels.
        self._table = ""

    def compose_body(self) -> ComposeResult:
        # The versions over the one highlighted: a long record (a cycle) scrolls in its
        # half and never squeezes the list out of sight at 80x24.
        with Vertical(classes="list-half"):
            yield RecordTable(
                [Column("Version", 11), Column("When", 16), Column("Who", 16), Column("Changed")],
                empty_text="No history.",
                id="history-table",
                classes="fit",
            )
        with VerticalScroll(classes="detail-half"):
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
        try:
            self._table = self.store.versions.table_of(self.record_id)
        except StoreError:
            self._table = ""
        rows = [
            Row(
                v.rev,
                (
                    version_no(v.rev),
                    when(v.updated),
                    v.updated_by or "?",
                    ("deleted", "bad")
                    if v.deleted
                    else ", ".join(field_label(self._table, name) for name in v.changed),
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
            # Each field as its form labels it, a date day first: people read this.
            cls = RECORD_TYPES.get(self._table)
            owner = cls is not None and cls.PARENT is not None and cls.PARENT[0] == name
            text.append(
                f"{'Belongs to' if owner else field_label(self._table, name)}: ", style=style
            )
            if isinstance(value, list) and len(value) > 3:
                text.append(f"{len(value)} items\n")
            elif isinstance(value, str) and RECORD_ID.match(value):
                text.append(self.store.versions.name_of(value) + "\n")  # a link: its title
            else:
                text.append(value_words(self._table, name, value)[:200] + "\n")
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
        except MissingParentError as exc:
            self._offer_owners(key, exc)
            return
        except StoreError as exc:
            self.notify(str(exc), title="Not restored", severity="error", timeout=10)
            return
        self.changed()
        self.notify("Restored.", timeout=3)

    def _offer_owners(self, key: str, exc: MissingParentError) -> None:
        """The record belongs to one deleted too: offer to bring both (all) back."""
        if not exc.restorable:
            self.notify(
                f"{exc.what_happened()}: it cannot be restored.",
                title="Not restored",
                severity="error",
                timeout=10,
                markup=False,
            )
            return

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                with self.store.transaction():
                    back = self.store.versions.restore_owners(key)
            except StoreError as err:
                self.notify(str(err), title="Not restored", severity="error", timeout=10)
                return
            self.changed()
            self.notify(f"Restored {len(back)} records.", timeout=3)

        chain = self.store.versions.deleted_owners(key)
        above = [f"{noun(t)} '{doc_title(d)}'" for t, d in chain[2:]]
        also = f" (and its {', '.join(above)}, deleted too)" if above else ""
        self.app.push_screen(
            ConfirmScreen(
                f"{exc.what_happened()}. Restore it too{also}, with this {exc.noun}?",
                yes="Restore all" if above else "Restore both",
            ),
            answer,
        )

    def action_back(self) -> None:
        self.app.pop_screen()
