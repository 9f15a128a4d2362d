"""What every pdsa screen shares: the store, the read-only banner, saving, deleting, exporting."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from pdsa_tui.model import ChangeIdea, Record
from pdsa_tui.model.registry import counted
from pdsa_tui.store import ReadOnlyError, Store, StoreError
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.header import PdsaHeader

# The forms and dialogs (pdsa_tui.ui.dialogs.modals: fields, option lists, the file picker) are
# imported when one first opens, not at start: the first screen needs none of them.
if TYPE_CHECKING:
    from pdsa_tui.ui.app import PdsaApp

R = TypeVar("R", bound=Record)


def describe_counts(counts: dict[str, int]) -> str:
    """'3 measures, 2 change ideas and 5 PDSA cycles'."""
    parts = [counted(table, n) for table, n in counts.items()]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


class PdsaScreen(Screen[None]):
    """A pdsa screen: header, read-only banner, body, footer."""

    #: One line about the screen, shown at the top of its help.
    ABOUT = ""

    BINDINGS = [
        # F1 (the app's, which also serves forms) works inside text fields too; bound here as
        # well so that it comes early in the footer and stays in view at 80 columns. ? is
        # typed into a text field, so it is a second key.
        Binding("f1", "app.help", "Help", key_display="F1", id="screen.help"),
        Binding("question_mark", "app.help", "Help", id="screen.help_q", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._seen_version = -1
        self._resumed = False

    @property
    def pdsa(self) -> PdsaApp:
        """The app, typed."""
        return cast("PdsaApp", self.app)

    @property
    def store(self) -> Store:
        """The open database."""
        store = self.pdsa.store
        assert store is not None
        return store

    # -- layout ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield PdsaHeader()
        if self.pdsa.store is not None and self.store.read_only:
            yield Static(
                Text(f"READ-ONLY: {self.store.read_only_reason}. Changes cannot be saved."),
                classes="readonly-banner",
            )
        yield from self.compose_body()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets."""
        yield from ()

    # -- data ----------------------------------------------------------------------
    def refresh_data(self) -> None:
        """Redraw from the store."""

    def on_mount(self) -> None:
        self.sync()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # One handler: Textual calls only one of _on_screen_resume and on_screen_resume
        # defined in a class.
        # Textual restyles a screen as it comes to the top (pushed again, the theme may
        # have changed meanwhile); shown the first time, it was styled as it mounted just now.
        if not self._resumed:
            event.refresh_styles = False
            self._resumed = True
        self.sync()

    def sync(self) -> None:
        """Redraw if the store changed since this screen last drew."""
        if self.pdsa.store is None:
            return
        if self._seen_version != self.store.version:
            self._seen_version = self.store.version
            self.refresh_data()

    def changed(self) -> None:
        """Call after a write to redraw now."""
        self._seen_version = self.store.version
        self.refresh_data()

    def can_write(self) -> bool:
        """False (and say why) when the database is read-only."""
        if self.store.read_only:
            self.notify(
                f"Read-only: {self.store.read_only_reason}",
                title="Cannot change anything",
                severity="warning",
            )
            return False
        return True

    def save(self, record: R) -> R:
        """Save through the store; raise :class:`StoreError` so forms can show it."""
        if self.store.read_only:
            raise ReadOnlyError(f"Read-only: {self.store.read_only_reason}; nothing was saved.")
        before = self.store.versions.open_conflicts(record.id)
        saved = self.store.save(record)
        if self.store.versions.open_conflicts(record.id) > before:
            self.notify(
                "Another copy changed the same field meanwhile: both values are kept as a "
                "conflict. Open Conflicts from ctrl+p (works in a form), or press C outside "
                "a text field.",
                title="Saved, with a conflict",
                severity="warning",
                timeout=10,
            )
        return saved

    def edit_record(
        self,
        title: str,
        record: R,
        *,
        then: Callable[[R], None] | None = None,
        save: Callable[[R], R] | None = None,
        **form_options: Any,
    ) -> None:
        """Open a form for ``record``; after a save, redraw and call ``then``.

        ``save`` replaces the plain store save (e.g. to check what only the store knows).
        """
        if not self.can_write():
            return

        def done(saved: R | None) -> None:
            if saved is None:
                return
            self.changed()
            # The record's noun, not the form's title: "New secondary driver under: X"
            # made "Saved new secondary driver under."
            name = getattr(saved, "title", "") or getattr(saved, "code", "")
            what = (
                f"{type(saved).NOUN} '{name}'"
                if isinstance(name, str) and name
                else (f"the {type(saved).NOUN}")
            )
            self.notify(f"Saved {what}.", timeout=3, markup=False)
            if then is not None:
                then(saved)
            if (
                isinstance(saved, ChangeIdea)
                and saved.status == "implementing"
                and getattr(record, "status", "") != "implementing"
            ):
                from pdsa_tui.ui.dialogs.evidence import offer_evidence

                offer_evidence(self, saved.id, "implementing")

        from pdsa_tui.ui.dialogs.modals import RecordForm

        self.app.push_screen(RecordForm(title, record, save or self.save, **form_options), done)

    def confirm_delete(
        self, record: Record, label: str, *, then: Callable[[], None] | None = None
    ) -> None:
        """Ask, saying what goes with it, then delete ``record`` and everything under it."""
        if not self.can_write():
            return
        deps = self.store.dependents(record)
        question = f"Delete {label}?"
        if deps:
            question += f"\n\nThis also deletes its {describe_counts(deps)}."
        question += (
            "\n\nTo get it back later: press H (History), highlight it and press u "
            "(a record before what belonged to it)."
        )

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.delete(record)
            except StoreError as exc:
                self.notify(str(exc), title="Not deleted", severity="error", timeout=10)
                return
            self.changed()
            self.notify(f"Deleted {label}.", timeout=3)
            if then is not None:
                then()

        from pdsa_tui.ui.dialogs.modals import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question, yes="Delete", danger=True), answer)

    def export(self, what: dict[str, Any], suggested: str) -> None:
        """Ask for a file name (its extension picks the format) and export ``what`` to it."""
        from pdsa_tui.report.formats import FORMATS

        self.export_prompt(
            "Export to file", suggested, FORMATS, lambda p, f: self._write(p, f, what, force=False)
        )

    def export_prompt(
        self,
        title: str,
        suggested: str,
        formats: Iterable[str],
        write: Callable[[Path, str], None],
        what: str = "",
    ) -> None:
        """Ask for a file name whose extension is one of ``formats``; ``write(path, fmt)``.

        A name whose extension chooses no format keeps the prompt open, with the name as
        typed and a message saying which extensions are accepted.
        """
        from pdsa_tui.report.formats import extensions_text, format_of

        allowed = list(formats)

        def problem(name: str) -> str | None:
            try:
                format_of(name, allowed, what)
            except ValueError as exc:
                return f"{str(exc)[0].upper()}{str(exc)[1:]}."
            # A missing folder keeps the prompt open with the path as typed (it used to
            # close it, losing the path, and fail afterwards).
            folder = Path(name.strip()).expanduser().parent
            if not folder.is_dir():
                return (
                    f"There is no folder {folder}: type an existing folder, or create it "
                    "first. What you typed is kept."
                )
            return None

        def chosen(name: str | None) -> None:
            if name and name.strip():
                write(Path(name.strip()).expanduser(), format_of(name, allowed))

        from pdsa_tui.ui.dialogs.modals import PromptScreen

        web = self.app.is_web  # served to a browser: the file downloads there
        prompt = PromptScreen(
            title,
            suggested if web else str(Path.cwd() / suggested),
            help=f"The extension chooses the format ({extensions_text(allowed)}). "
            + (
                "Enter downloads it to your browser, esc cancels."
                if web
                else "Enter exports, esc cancels."
            ),
            check=problem,
        )
        self.app.push_screen(prompt, chosen)

    def _write(self, path: Path, fmt: str, what: dict[str, Any], *, force: bool) -> None:
        """Export ``what`` to ``path``; an existing file is replaced only after asking."""
        from pdsa_tui.report.papers import export_bytes

        try:
            done = self.export_file(path, export_bytes(self.store, fmt=fmt, **what), force=force)
        except FileExistsError:

            def answer(yes: bool | None) -> None:
                if yes:
                    self._write(path, fmt, what, force=True)

            from pdsa_tui.ui.dialogs.modals import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(f"{path} exists. Replace it?", yes="Replace", danger=True), answer
            )
            return
        except (OSError, StoreError) as exc:
            self.notify(f"Not exported: {exc}", severity="error", timeout=10)
            return
        self.notify(done, title="Export done", timeout=8)

    def export_file(self, path: Path, text: str | bytes, *, force: bool) -> str:
        """Write an export to ``path`` (in a browser: download it there); what to tell."""
        if self.app.is_web:
            from pdsa_tui.ui.web import deliver_export

            return deliver_export(self.app, path.name, text)
        from pdsa_tui.report.export import write_export

        write_export(path, text, force=force)
        return f"Exported to {path}"

    # -- help -------------------------------------------------------------------------
    def help_rows(self) -> list[tuple[str, str]]:
        """(key, what it does): this screen's keys, then the app's, then the general ones."""
        from pdsa_tui.ui.dialogs.modals import key_rows

        return key_rows(self)

    def palette_actions(self) -> Iterable[tuple[str, str, str]]:
        """(title, help, action) for the command palette: the screen's own keys."""
        seen = set()
        for active in self.active_bindings.values():
            b = active.binding
            if not b.description or b.action in seen or b.action.startswith("app."):
                continue
            if active.node is not self and not isinstance(active.node, Screen):
                continue
            seen.add(b.action)
            title = b.tooltip or b.description
            yield (title, f"{title} - key {self.app.get_key_display(b)} on {self.title}", b.action)
