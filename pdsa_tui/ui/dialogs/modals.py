"""Modal dialogs: record forms, confirmations, help, text prompts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from pdsa_tui.model import Record, ValidationError, from_form
from pdsa_tui.model.safetext import visible
from pdsa_tui.store import StoreError
from pdsa_tui.ui.widgets.fields import FormFields
from pdsa_tui.ui.widgets.footer import KeyFooter
from pdsa_tui.ui.widgets.inputs import TextInput

R = TypeVar("R", bound=Record)


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; dismiss with True for yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", danger: bool = False) -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(Text(visible(self.question)), classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.yes_label} (y)",
                    compact=True,
                    variant="error" if self.danger else "primary",
                    id="yes",
                )
                yield Button("No (n)", id="no", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def dismiss_unless_typed(form: ModalScreen[Any], dirty: bool, question: str) -> None:
    """Close ``form`` with None, first asking ``question`` if something typed would be lost."""
    if not dirty:
        form.dismiss(None)
        return

    def answer(discard: bool | None) -> None:
        if discard:
            form.dismiss(None)

    form.app.push_screen(ConfirmScreen(question, yes="Discard", danger=True), answer)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; dismiss with it, or None on escape.

    ``check`` returns what is wrong with the text (None when it will do): the prompt
    then stays open, shows the message and keeps what was typed.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        help: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.help = help
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog small"):
            yield Static(Text(self.title_text), classes="dialog-title")
            if self.help:
                yield Static(Text(self.help), classes="field-help")
            yield TextInput(self.value, id="prompt-input")
            yield Static("", id="prompt-error", classes="form-error")
        yield KeyFooter()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        problem = self.check(event.value) if self.check and event.value.strip() else None
        if problem:
            self.show_error(problem)
            return
        self.dismiss(event.value)

    def show_error(self, message: str) -> None:
        """Show a problem with what was typed, keeping it."""
        self.query_one("#prompt-error", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


class RecordForm(ModalScreen[R | None], Generic[R]):
    """Edit a record's fields; validate inline; save through ``save``; dismiss with the result.

    The form stays open, with everything typed, until the save succeeds: a bad
    field is marked with its message, and a storage error is shown in the form.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        # Shown here: a modal's footer leaves out the app's keys (the app's F1 does the work).
        Binding("f1", "app.help", "Help", key_display="F1", id="form.help"),
    ]

    def __init__(
        self,
        title: str,
        record: R,
        save: Callable[[R], R],
        *,
        fields: Iterable[str] | None = None,
        intro: Iterable[str | tuple[str, str]] = (),
        tall: Iterable[str] = (),
        values: dict[str, str] | None = None,
        start: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        #: The field the cursor starts in when the caller knows the job (else the first empty).
        self.start = start
        self.record = record
        self._save = save
        wanted = list(fields) if fields is not None else None
        specs = list(type(record).specs())
        if wanted is not None:
            specs = [s for s in specs if s.name in wanted]
        self.specs = specs
        self.intro = list(intro)
        self.tall = list(tall)
        self.preset = values

    def on_unmount(self) -> None:
        editing = getattr(self.app, "editing_record", None)
        if editing is not None and self.record.rev:
            editing("")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(Text(self.title_text), classes="dialog-title")
            for line in self.intro:
                text, klass = line if isinstance(line, tuple) else (line, "form-intro")
                yield Static(Text(text), classes=klass)
            with VerticalScroll(classes="form-body"):
                yield FormFields(self.specs, self.record, values=self.preset, tall=self.tall)
            yield Static("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.record.rev:  # an existing record: say if another copy is editing it too
            editing = getattr(self.app, "editing_record", None)
            if editing is not None:
                editing(self.record.id)
        form = self.query_one(FormFields)
        boxes = form.boxes()
        if boxes:
            # Every form starts where typing is needed, in reading order: past what is
            # filled in already (a new record's defaults, an old record's answers).
            named = next((b for b in boxes if b.spec.name == self.start), None)
            box = named or form.first_empty() or boxes[0]
            box.control.focus(scroll_visible=box is not boxes[0])

    @property
    def fields(self) -> FormFields:
        """The form's fields."""
        return self.query_one(FormFields)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        form = self.fields
        error = self.query_one("#form-error", Static)
        try:
            record = from_form(type(self.record), form.values(), base=self.record)
        except ValidationError as exc:
            marked = form.show_errors(exc.errors)
            n = len(exc.errors)
            # A problem with no field on this form (a data point's) is spelt out here.
            elsewhere = "".join(f" {e}." for e in exc.errors if e.field not in marked)
            error.update(
                Text(
                    f"{n} problem{'s' if n != 1 else ''} to fix; nothing was saved yet.{elsewhere}"
                )
            )
            if marked:
                form.focus_field(marked[0])
            return
        form.show_errors([])
        try:
            saved = self._save(record)
        except ValidationError as exc:
            # Rules only the store can check (e.g. a case reference already in use).
            marked = form.show_errors(exc.errors)
            error.update(Text(f"{exc}; nothing was saved yet."))
            if marked:
                form.focus_field(marked[0])
            return
        except StoreError as exc:
            error.update(Text(not_saved_text(exc)))
            self.app.notify(str(exc), title="Not saved", severity="error", timeout=10)
            return
        self.dismiss(saved)

    def is_dirty(self) -> bool:
        """Whether anything was changed since the form opened."""
        form = self.fields
        return form.values() != form.initial_values()

    def action_cancel(self) -> None:
        dismiss_unless_typed(self, self.is_dirty(), "Discard what you typed in this form?")


def not_saved_text(exc: Exception) -> str:
    """The in-screen message for a save the store refused."""
    return f"Not saved: {str(exc).rstrip('. ')}. What you typed is still here."


#: How lists, forms and the app work, on every screen's help.
GENERAL_KEYS: list[tuple[str, str]] = [
    ("↑ ↓  pgup pgdn", "Move in a list (home / end: first / last)"),
    ("enter", "Open what is highlighted"),
    (
        "/",
        "Search the list you are in: its rows narrow as you type (enter: back to the list, "
        "the search kept; escape: every row again)",
    ),
    ("tab  shift+tab", "Next / previous field or panel"),
    ("F1", "This help, on every screen, in a text field too (? where no field has the cursor)"),
    ("ctrl+p", "Command palette: every action by name, and themes"),
    ("escape", "Back (forms ask before dropping what you typed)"),
    ("ctrl+q", "Quit (every save is already on disk)"),
]

#: What a form's help says about it.
FORM_ABOUT = (
    "A form: tab and shift+tab move between fields; entering a short field selects its text, "
    "so typing replaces it. ctrl+s saves; escape cancels (it asks first if you typed)."
)


def key_rows(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(key, what it does) for ``screen``'s own bindings, then the app's, then the general keys."""
    rows: list[tuple[str, str]] = []
    seen = set()
    app_rows: list[tuple[str, str]] = []
    for key, active in screen.active_bindings.items():
        b = active.binding
        # Our own bindings all have ids; Textual's focus and copy keys are in GENERAL_KEYS.
        if not b.id or not b.description or b.action in seen or b.action.endswith("help"):
            continue
        display = screen.app.get_key_display(b) or key
        if active.node is screen:
            rows.append((display, b.description))
        elif active.node is screen.app and b.id != "app.quit":
            app_rows.append((display, b.tooltip or b.description))
        else:
            continue
        seen.add(b.action)
    return [*rows, ("", ""), *app_rows, *([("", "")] if app_rows else []), *GENERAL_KEYS]


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, and the global ones."""

    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss_help", "Close", id="help.close")]

    def __init__(self, title: str, rows: list[tuple[str, str]], about: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows
        self.about = about

    @classmethod
    def of(cls, screen: Screen[Any]) -> HelpScreen:
        """The help for ``screen``: its ABOUT line (forms get :data:`FORM_ABOUT`) and keys."""
        title = getattr(screen, "title_text", "") or screen.title or "pdsa"
        about = getattr(screen, "ABOUT", "") or (
            FORM_ABOUT if isinstance(screen, ModalScreen) else ""
        )
        return cls(str(title), key_rows(screen), about)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Text(f"Keys: {self.title_text}"), classes="dialog-title")
            if self.about:
                yield Static(Text(self.about), classes="form-intro")
            with VerticalScroll():
                width = max((len(k) for k, _ in self.rows), default=5) + 2
                text = Text()
                for key, what in self.rows:
                    text.append(key.ljust(width), style="bold")
                    text.append(what + "\n")
                yield Static(text, id="help-keys")
            yield Static(Text("esc (or F1) closes this help"), classes="field-help")
        yield KeyFooter()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
