"""The pdsa Textual application and its entry point."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events
from textual.app import App, ComposeResult, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.filter import LineFilter
from textual.notifications import Notification, SeverityLevel
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._toast import ToastRack

from pdsa_tui.memory import StartUp
from pdsa_tui.model.safetext import visible
from pdsa_tui.store import DatabaseNotFoundError, Store, StoreError
from pdsa_tui.store.presence import Other, Presence
from pdsa_tui.ui import styles
from pdsa_tui.ui.visible_filter import VisibleControls
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.header import PdsaHeader

_VISIBLE = VisibleControls()


class WelcomeScreen(Screen[None]):
    """First run: no database at the path yet. Ask before creating one."""

    #: Styled by app.tcss alone (see :meth:`PdsaApp._load_screen_css`).
    APP_SHEET_ONLY = True

    BINDINGS = [
        Binding("c", "create", "Create it", id="welcome.create"),
        Binding("q,escape", "app.quit", "Quit", id="welcome.quit"),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        assert isinstance(app, PdsaApp)
        yield PdsaHeader()
        with Vertical(classes="welcome"):
            yield Static(Text("Welcome to pdsa"), classes="dialog-title")
            yield Static(
                Text(
                    f"There is no pdsa database at\n\n  {app.path}\n\n"
                    f"Press c to create a new, empty database there ({_who_reads(app.path)}), "
                    "or q to quit.\n\nTo look around first, quit and run: pdsa --demo\n"
                    "To use another file: pdsa --db PATH"
                )
            )
        yield KeyFooter()

    def action_create(self) -> None:
        app = self.app
        assert isinstance(app, PdsaApp)
        try:
            app.store = Store.open(app.path, create=True, user=app.user)
        except StoreError as exc:
            self.notify(str(exc), title="Could not create the database", severity="error")
            return
        app.show_home()


def _who_reads(path: Path) -> str:
    """Who may read a database made at ``path``: owner-only in pdsa's own folder, else
    the umask's mode, as any editor's file there (see :mod:`pdsa_tui.store.access`)."""
    import stat

    from pdsa_tui.store.access import creation_mode

    mode = creation_mode(path)
    if mode & 0o077 == 0:
        return "readable only by you"
    return f"permissions {stat.filemode(mode)[1:]} from your umask, as any file made there"


def _record_search() -> type[Provider]:
    """The palette's record search, imported when the palette first opens."""
    from pdsa_tui.ui.search import RecordSearch

    return RecordSearch


class PdsaApp(App[None]):
    """Plan, log, review and report PDSA cycles."""

    CSS_PATH = styles.path("app.tcss")
    TITLE = "pdsa"

    # Records by their words in ctrl+p, beside the app's commands (imported when it opens).
    COMMANDS = App.COMMANDS | {lambda: _record_search()}

    BINDINGS = [
        # priority: it must also reach modal forms, where it asks before dropping typing.
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, priority=True),
        # Priority: F1 is help in every screen, form and dialog, in text fields too.
        Binding("f1", "help", "Help", key_display="F1", id="app.help", priority=True),
        # Priority: the focus moves before the keys typed after tab are handed on, so a
        # burst ("text, tab, text", as a slow link or a fast typist sends it) never puts the
        # second text in the first field.
        Binding("tab", "tab(1)", "Next field", id="app.tab", show=False, priority=True),
        Binding(
            "shift+tab", "tab(-1)", "Previous field", id="app.shift_tab", show=False, priority=True
        ),
        Binding(
            "C",
            "conflicts",
            "Conflicts",
            id="app.conflicts",
            show=False,
            tooltip="Conflicts: fields two copies changed differently",
        ),
        Binding(
            "H",
            "changes",
            "History",
            id="app.history",
            show=False,
            tooltip="History: recent changes by everyone; deleted records (u restores)",
        ),
        Binding(
            "M",
            "merge",
            "Merge a copy",
            id="app.merge",
            show=False,
            tooltip="Merge another copy of the database edited elsewhere",
        ),
    ]

    #: Seconds between looks at the file for other copies' saves.
    POLL_SECONDS = 1.0

    def __init__(
        self, store: Store | None, path: Path, *, demo: bool = False, user: str | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.path = path
        self.demo = demo
        #: ``--user`` as given (None: $PDSA_USER or the login name).
        self.user = user
        self._file_problem = ""
        #: What was merged from sync services' conflict copies, until seen (Needs attention).
        self.copy_lines: list[str] = []
        #: This copy's presence note, and the other copies that have the file open.
        self.presence: Presence | None = None
        self.others: list[Other] = []
        self.sub_title = self._subtitle()
        #: After a crash: the one line naming the full report (printed by :func:`run`).
        self.crash_message = ""
        #: The collector's pause from start-up (set by :func:`run`), ended at first paint.
        self.start_up: StartUp | None = None
        #: Set once :meth:`on_mount` has read the presence notes and the sync services'
        #: copies: the first screen draws from the store only then (it may mount before).
        self.started = False

    def _subtitle(self) -> str:
        name = "demo (a temporary copy)" if self.demo else str(self.path)
        if self.store is not None and self.store.read_only:
            return f"{name} - READ-ONLY"
        return name

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the one that makes control characters visible."""
        return [*super().get_line_filters(), _VISIBLE]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Show a notification. Never as markup: messages quote what users typed."""
        text = message.plain if isinstance(message, Text) else str(message)
        super().notify(
            visible(text), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        """Add the sheets ``screen`` needs to the app's: screens.tcss (unless app.tcss
        styles it all: ``APP_SHEET_ONLY``) and its own ``CSS_PATH``.

        Textual parses every sheet again and restyles every widget of every screen when a
        screen brings a sheet (10 ms and more, each time a new one comes); here only the new
        sheets are parsed (the others' rules are in the stylesheet's cache), and only the
        widgets already mounted whose names their rules name are styled again.
        """
        stylesheet = self.stylesheet
        paths = [] if getattr(screen, "APP_SHEET_ONLY", False) else [styles.path("screens.tcss")]
        paths += [Path(p) for p in screen.css_path]
        new = [p for p in paths if not stylesheet.has_source(str(p), "")]
        if screen.CSS or self.css_monitor is not None or not new:
            for path in new:  # Textual's way: parse every sheet, restyle everything
                stylesheet.read(path)
            super()._load_screen_css(screen)
            return
        before = set(map(id, stylesheet.rules))
        for path in new:
            stylesheet.read(path)
        stylesheet.parse()
        names: set[str] = set()
        for rule in stylesheet.rules:
            if id(rule) not in before:
                names |= rule.selector_names
        stylesheet.update_nodes(
            [n for n in self.walk_children(with_self=True) if names & n._selector_names],
            animate=False,
        )

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Restyle ``node``, unless it is not in the DOM yet: it is styled in full when
        mounted. (A widget built with ``compact=True`` or a value changes its classes in
        its constructor; Textual restyled it there, to no effect, a form field at a time.)"""
        if node is not self and not node.is_attached:
            return
        super().update_styles(node, animate=animate)

    # Notices take lines of the screen's layout (app.tcss: they never cover content), but
    # when one expires Textual repaints only the notices' rack: on a terminal the notice
    # stayed drawn over the content that had moved back. The screen is laid out (and so
    # repainted) again once the rack has changed.
    def _refresh_notifications(self) -> None:
        if not self._notifications and not self._rack_in_use():
            return  # nothing to show or take away (every screen resume asks)
        super()._refresh_notifications()
        self._lay_out_around_notices()

    def _rack_in_use(self) -> bool:
        """Whether the current screen's notices' rack shows (or holds) anything."""
        with contextlib.suppress(ScreenStackError):
            racks = self.screen.query_children(ToastRack)
            return bool(racks) and (racks.first().display or bool(racks.first().children))
        return False

    def _unnotify(self, notification: Notification, refresh: bool = True) -> None:
        super()._unnotify(notification, refresh=refresh)
        self._lay_out_around_notices()

    def _lay_out_around_notices(self) -> None:
        """Lay the screen out again after its notices' rack mounts or removes a notice."""
        with contextlib.suppress(ScreenStackError):
            screen = self.screen
            racks = screen.query_children(ToastRack)
            if racks:
                rack = racks.first()
                rack.call_later(rack.call_after_refresh, screen.refresh, layout=True)

    def unsaved_screens(self) -> list[Screen[object]]:
        """Screens holding typing that is not saved (those that say so with ``is_dirty``)."""
        out: list[Screen[object]] = []
        for screen in self.screen_stack:
            is_dirty = getattr(screen, "is_dirty", None)
            if callable(is_dirty) and is_dirty():
                out.append(screen)
        return out

    def copy_to_clipboard(self, text: str) -> None:
        """Copy ``text``; in a browser that cannot take it, say so instead of doing nothing."""
        if self.is_web:
            from pdsa_tui.ui.web import CLIPBOARD_MESSAGE, clipboard_refused

            if clipboard_refused():
                self._clipboard = text  # still pastes within the app
                self.notify(CLIPBOARD_MESSAGE, title="Not copied", severity="warning")
                return
        super().copy_to_clipboard(text)

    async def on_event(self, event: events.Event) -> None:
        """Drop keys that arrive after quitting began (``q`` then ``e`` in one read).

        Otherwise the second key opens a form on a closing app, and the form finds no
        fields to focus.
        """
        if self._exit and isinstance(event, events.Key):
            return
        await super().on_event(event)

    def action_tab(self, step: int) -> None:
        """Move the focus now; a widget with its own idea of "next" (``tab_forward``) goes there."""
        forward = getattr(self.focused, "tab_forward", None)
        if step > 0 and callable(forward) and forward():
            return
        if step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    async def action_quit(self) -> None:
        """Quit; first ask, as escape does, when any screen holds unsaved typing."""
        from pdsa_tui.ui.dialogs.modals import ConfirmScreen

        if not self.unsaved_screens():
            self.exit()
            return
        if isinstance(self.screen, ConfirmScreen) and self.screen.id == "quit-confirm":
            return  # already asking

        def answer(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        question = ConfirmScreen(
            "Quit and discard what you typed? It has not been saved.",
            yes="Quit",
            danger=True,
        )
        question.id = "quit-confirm"
        self.push_screen(question, answer)

    def _fatal_error(self) -> None:
        """Crash output without locals (they can hold records); the full report to a file."""
        exc_info = sys.exc_info()
        if exc_info[0] is None or exc_info[1] is None:
            super()._fatal_error()
            return
        from rich.traceback import Traceback

        from pdsa_tui.ui.crash import crash_line

        self.bell()
        line = crash_line((exc_info[0], exc_info[1], exc_info[2]))
        traceback = Traceback(show_locals=False, width=None)
        # The line is printed by run() after the traceback, unwrapped: the path must
        # survive copy and paste.
        self.crash_message = visible(line)
        self._exit_renderables.append(traceback)
        self._close_messages_no_wait()

    def on_mount(self) -> None:
        from pdsa_tui.ui import themes

        themes.install(self)
        self.take_copy_notices()
        store = self.store
        if store is not None and not store.read_only and not self.demo:
            self.presence = Presence(store.path, store.user)
            self.presence.beat(force=True)
            self.others = self.presence.others()
        self.started = True
        if self.store is None:
            self.push_screen(WelcomeScreen())
            self.call_after_refresh(self.first_screen_drawn)
        else:
            self.show_home()
        self.set_interval(self.POLL_SECONDS, self.check_file)

    def get_default_screen(self) -> Screen[Any]:
        """The aims overview as the app's first screen: no screen under it to build, style
        and lay out (a plain one under the welcome, when there is no database yet)."""
        if self.store is None:
            return super().get_default_screen()
        from pdsa_tui.ui.screens.overview import OverviewScreen

        return OverviewScreen()

    def first_screen_drawn(self) -> None:
        """The first screen is up: the collector resumes (see :class:`StartUp`)."""
        if self.start_up is not None:
            self.start_up.done()

    def editing_record(self, record_id: str) -> None:
        """A form opened on (or closed from) ``record_id``: say so, and tell the others."""
        if self.presence is None:
            return
        self.presence.beat(editing=record_id)
        if record_id:
            busy = [o.label() for o in self.presence.others() if o.editing == record_id]
            if busy:
                self.notify(
                    f"{', '.join(busy)} is editing this record too; both edits are kept "
                    "(a field changed by both becomes a conflict to settle)",
                    title="Someone else is here",
                    timeout=10,
                )

    def take_copy_notices(self) -> list[str]:
        """Say what was merged from sync services' conflict copies (a notice, and a line
        in Needs attention until seen)."""
        store = self.store
        if store is None or not store.copy_notices:
            return []
        fresh = list(store.copy_notices)
        store.copy_notices.clear()
        for line in fresh:
            self.notify(line, title="A sync service's copy", timeout=12)
        self.copy_lines.extend(fresh)
        return fresh

    def check_file(self) -> None:
        """Take in other copies' saves and redraw; a form keeps what is typed in it."""
        from pdsa_tui.ui.screens.base import PdsaScreen

        store = self.store
        if store is None:
            return
        try:
            result = store.refresh()
        except StoreError as exc:
            if str(exc) != self._file_problem:
                self._file_problem = str(exc)
                self.notify(
                    f"{exc} Nothing will be saved over it.",
                    title="The file changed on disk",
                    severity="error",
                    timeout=20,
                )
            return
        self._file_problem = ""
        fresh = self.take_copy_notices()
        if self.presence is not None:
            self.presence.beat()
            others = self.presence.others()
            if others != self.others:
                self.others = others
                fresh = fresh or ["presence"]
        # A screen pushed but not yet mounted draws everything in its own on_mount; called
        # now (a poll between its push and its compose), its widgets are not there yet.
        # Closing, the app has no screens left (a poll then raised ScreenStackError).
        current = self.screen_stack[-1] if self.screen_stack else None
        screen = current if isinstance(current, PdsaScreen) else None
        if screen is not None and not screen.is_mounted:
            screen = None
        if fresh and screen is not None:
            screen.changed()  # redraw even when no record changed (a note, a line)
        if not result.total:
            return
        n = result.total
        message = f"{n} change{'s' if n != 1 else ''} from another copy"
        if result.conflicts:
            k = result.conflicts
            message += f"; {k} conflict{'s' if k != 1 else ''} to resolve (shift+c)"
        self.notify(message, timeout=6)
        if screen is not None:
            screen.sync()

    def action_help(self) -> None:
        """Help for the screen on top (F1 on the help itself closes it)."""
        from pdsa_tui.ui.dialogs.modals import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen.of(self.screen))

    def action_conflicts(self) -> None:
        """Show the conflicts to resolve."""
        from pdsa_tui.ui.screens.versions import ConflictsScreen

        if self.store is not None:
            self.push_screen(ConflictsScreen())

    def action_changes(self) -> None:
        """Show recent changes and deleted records."""
        from pdsa_tui.ui.screens.versions import ChangesScreen

        if self.store is not None:
            self.push_screen(ChangesScreen())

    def action_merge(self) -> None:
        """Ask for another copy of the database and merge it into this one."""
        from pdsa_tui.ui.dialogs.modals import PromptScreen
        from pdsa_tui.ui.screens.base import PdsaScreen

        store = self.store
        if store is None:
            return
        if store.read_only:
            self.notify(f"Read-only: {store.read_only_reason}", severity="warning")
            return

        def chosen(name: str | None) -> None:
            if not name or not name.strip() or store is None:
                return
            try:
                result = store.versions.merge_file(Path(name.strip()).expanduser())
            except StoreError as exc:
                self.notify(str(exc), title="Not merged", severity="error", timeout=15)
                return
            n = result.as_json()
            self.notify(
                f"merged {name.strip()}: {n['added']} added, {n['updated']} updated, "
                f"{n['deleted']} deleted, {n['conflicts']} conflicts",
                title="Merge done",
                timeout=10,
            )
            if isinstance(self.screen, PdsaScreen):
                self.screen.sync()

        self.push_screen(
            PromptScreen(
                "Merge another copy",
                "",
                help="The path of a copy edited elsewhere (it is only read). Enter merges.",
            ),
            chosen,
        )

    def show_home(self) -> None:
        """Show the aims overview as the base screen."""
        from pdsa_tui.ui.screens.overview import OverviewScreen

        self.sub_title = self._subtitle()
        screen = self.screen
        if isinstance(screen, OverviewScreen):  # the first screen (get_default_screen)
            if screen.is_mounted:
                screen.sync()  # else it draws itself as it mounts
        elif isinstance(screen, WelcomeScreen):
            self.switch_screen(OverviewScreen())
        else:
            self.push_screen(OverviewScreen())

    def action_review(self) -> None:
        """Open the Study/Act review queue."""
        from pdsa_tui.ui.screens.review import ReviewScreen

        if self.store is not None:
            self.push_screen(ReviewScreen())

    def action_programme(self) -> None:
        """Open the programme: team, meetings and self-assessment."""
        from pdsa_tui.ui.screens.programme import ProgrammeScreen

        if self.store is not None:
            self.push_screen(ProgrammeScreen())

    def action_home(self) -> None:
        """Back to the aims overview."""
        from pdsa_tui.ui.screens.overview import OverviewScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, OverviewScreen):
            self.pop_screen()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.store is None:
            return
        from pdsa_tui.ui.screens.base import PdsaScreen

        yield SystemCommand("Aims overview", "Go back to the list of aims", self.action_home)
        yield SystemCommand(
            "Review queue", "Step through cycles waiting for Study or Act", self.action_review
        )
        yield SystemCommand(
            "Programme",
            "Team and leads, meetings with decisions and actions, the self-assessment",
            self.action_programme,
        )
        yield SystemCommand(
            "Conflicts", "Fields two copies changed differently (key C)", self.action_conflicts
        )
        yield SystemCommand(
            "History and deleted records",
            "Recent changes by everyone; restore a deleted record (key H)",
            self.action_changes,
        )
        yield SystemCommand(
            "Merge another copy", "Bring back a copy edited elsewhere (key M)", self.action_merge
        )
        if isinstance(screen, PdsaScreen):
            for title, help_text, action in screen.palette_actions():
                yield SystemCommand(title, help_text, partial(screen.run_action, action))

    def on_unmount(self) -> None:
        if self.presence is not None:
            self.presence.leave()  # this copy's presence note goes with it
        if self.store is not None:
            self.store.close()


def open_store(path: Path, *, read_only: bool, user: str | None = None) -> Store | None:
    """Open ``path`` for the app (read-only if it stays busy); None if it does not exist."""
    try:
        return Store.open(path, read_only=read_only, fallback_read_only=True, user=user)
    except DatabaseNotFoundError:
        if read_only:
            raise
        return None


def run(
    path: Path,
    *,
    demo: bool = False,
    read_only: bool = False,
    user: str | None = None,
    start: StartUp | None = None,
    store: Store | None = None,
    **run_options: Any,
) -> int:
    """Run the app on ``path``; return the exit status.

    ``start``: the collector's pause begun by the caller (else begun here); it ends when
    the first screen is drawn. ``store``: ``path`` already open (the demo just built);
    else it is opened here. ``run_options`` go to :meth:`App.run` (the benchmarks start
    the app headless).
    """
    # The store's records and the first screen live as long as the app: frozen before
    # the collector resumes, they are never walked (at 5,000 cycles a pass took tens of ms).
    start = start or StartUp()
    try:
        try:
            if store is None:
                store = open_store(path, read_only=read_only, user=user)
        except StoreError as exc:
            print(f"pdsa: {visible(str(exc))}", file=sys.stderr)
            return 1
        app = PdsaApp(store, path, demo=demo, user=user)
        app.start_up = start
        try:
            app.run(**run_options)
        finally:
            if app.store is not None:
                app.store.close()
            if app.crash_message:
                print(app.crash_message, file=sys.stderr)
        return app.return_code or 0
    finally:
        start.end()
