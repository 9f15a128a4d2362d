"""Form fields built from the model's field specs, with inline error messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from pdsa_tui.model import FieldError, FieldSpec, Record, field_text
from pdsa_tui.model.rows import ROW_KINDS
from pdsa_tui.ui.widgets.guards import GuardedSelect
from pdsa_tui.ui.widgets.inputs import TextBox, TextInput

_PLACEHOLDERS = {
    "date": "dd/mm/yyyy",
    "number": "a number",
    "percent": "0 to 100",
    "list": "comma-separated",
}


#: Shown before the label of the field that has the cursor.
FOCUS_MARKER = "▶ "


def placeholder(spec: FieldSpec) -> str:
    """The hint inside an empty field: none when the help under the label already says it."""
    hint = _PLACEHOLDERS.get(spec.kind, "")
    return "" if hint and hint.lower() in spec.help.lower() else hint


class FieldBox(Vertical):
    """One labelled field with its help text, and an error or warning line under it.

    The error and warning lines are made when first needed: a form opens with a label
    and a control per field, as few widgets as it can (each one costs time to open).
    A *framed* field draws its label and help on its border (title and subtitle) and
    is its control alone: for full-screen forms, whose help texts are short.
    """

    DEFAULT_CSS = """
    FieldBox { height: auto; margin: 0 0 1 0; border-left: blank; }
    FieldBox.-focused { border-left: thick $accent; }
    FieldBox > .field-error { color: $error; display: none; }
    FieldBox.-invalid > .field-error { display: block; }
    FieldBox > .field-warning { color: $warning; display: none; }
    FieldBox.-warned > .field-warning { display: block; }
    FieldBox > Input, FieldBox > TextArea, FieldBox > Select > SelectCurrent {
        background: $boost;
    }
    FieldBox > Input:focus, FieldBox > TextArea:focus, FieldBox > Select:focus > SelectCurrent {
        background: $accent 30%;
        text-style: bold;
    }
    FieldBox.-invalid > Input, FieldBox.-invalid > TextArea,
    FieldBox.-invalid > Select > SelectCurrent {
        background: $error 20%;
    }
    FieldBox > TextArea { height: 4; }
    FieldBox > TextArea.-tall { height: 7; }
    FieldBox.-framed {
        margin: 0;
        border: round $foreground 25%;
        border-title-color: $foreground;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        border-subtitle-align: left;
    }
    FieldBox.-framed.-focused { border: round $accent; }
    FieldBox.-framed.-invalid { border: round $error; }
    """

    def __init__(
        self, spec: FieldSpec, value: str, *, tall: bool = False, framed: bool = False
    ) -> None:
        super().__init__(id=f"box-{spec.name}", classes="-framed" if framed else None)
        self._control: Widget | None = None
        self.spec = spec
        self.initial = value
        self.tall = tall
        self.framed = framed
        if framed:
            self.border_title = self._title(focused=False)
            self.border_subtitle = Content(spec.help) if spec.help else None
        # Until the box is composed (its tab not opened yet) these stand in for it.
        self._pending: str | None = None
        self._error: str | None = None
        self._warning: str | None = None

    def compose(self) -> ComposeResult:
        spec = self.spec
        # One widget for title and help (none when framed): a form has dozens of fields,
        # and every widget costs time when the form opens.
        if not self.framed:
            yield Static(self._head(focused=False), classes="field-label")
        widget_id = f"field-{spec.name}"
        control: Widget
        if spec.kind in ("longtext", "tasks", *ROW_KINDS):
            area = TextBox(
                self.initial, id=widget_id, soft_wrap=True, tab_behavior="focus", compact=True
            )
            if self.tall:
                area.add_class("-tall")
            control = area
        elif spec.kind == "choice":
            assert spec.choices is not None
            options = [(Text(lab), key) for key, lab in spec.choices.items()]
            value = self.initial if self.initial in spec.choices else Select.NULL
            control = GuardedSelect(
                options,
                value=value,
                allow_blank=not spec.required or value is Select.NULL,
                prompt=f"Choose {spec.label.lower()}",
                id=widget_id,
                compact=True,
            )
        else:
            control = TextInput(
                self.initial,
                placeholder=placeholder(spec),
                id=widget_id,
                compact=True,
            )
        if self._pending is not None:
            self._set(control, self._pending)
            self._pending = None
        self._control = control
        yield control
        if self._error:
            yield Static(Text(self._error), classes="field-error")
        if self._warning:
            yield Static(Text(self._warning), classes="field-warning")

    def _title(self, *, focused: bool) -> Content:
        """The label, with a marker while the field has the cursor."""
        # A marker as well as the border: it shows without colour and in every theme.
        marker = FOCUS_MARKER if focused else ""
        return Content(marker + self.spec.label + (" *" if self.spec.required else ""))

    def _head(self, *, focused: bool) -> Text:
        """The label (with a marker while the field has the cursor) and its help."""
        head = Text(self._title(focused=focused).plain, style="bold")
        if self.spec.help:
            head.append("\n" + self.spec.help, style="dim")
        return head

    def on_descendant_focus(self) -> None:
        self._mark_focus(True)

    def on_descendant_blur(self) -> None:
        self._mark_focus(False)

    def _mark_focus(self, focused: bool) -> None:
        # A class, not :focus-within, which Textual checks again on every restyle.
        self.set_class(focused, "-focused")
        if self.framed:
            self.border_title = self._title(focused=focused)
        elif self._control is not None:
            label = self.query_one(".field-label", Static)
            # The marker only widens the first line: lay out again only if it may wrap.
            room = label.size.width - len(FOCUS_MARKER) - len(self.spec.label) - 2
            label.update(self._head(focused=focused), layout=room < 0)

    @property
    def control(self) -> Widget:
        """The input widget of this field."""
        assert self._control is not None, "the field is not composed yet"
        return self._control

    @property
    def composed(self) -> bool:
        """Whether the field's widgets exist yet."""
        return self._control is not None

    def value(self) -> str:
        """What the user has in the field now, as text."""
        if self._control is None:
            return self._pending if self._pending is not None else self.initial
        w = self._control
        if isinstance(w, TextArea):
            return w.text
        if isinstance(w, Select):
            v = w.value
            return "" if v is Select.NULL or v is None else str(v)
        assert isinstance(w, Input)
        return w.value

    def set_value(self, text: str) -> None:
        """Put ``text`` in the field."""
        if self._control is None:
            self._pending = text
            return
        self._set(self._control, text)

    @staticmethod
    def _set(w: Widget, text: str) -> None:
        if isinstance(w, TextArea):
            w.text = text
        elif isinstance(w, Select):
            w.value = text if text else Select.NULL
        elif isinstance(w, Input):
            w.value = text

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the field, or clear it."""
        self._error = message
        self.set_class(bool(message), "-invalid")
        self._show_line("field-error", message)

    def show_warning(self, message: str | None) -> None:
        """Show a warning under the field (a possible slip; saving is allowed), or clear it."""
        text = f"⚠ {message}" if message else None
        if text == self._warning:
            return
        self._warning = text
        self.set_class(bool(text), "-warned")
        self._show_line("field-warning", text)

    def _show_line(self, kind: str, text: str | None) -> None:
        """Put ``text`` in the line of ``kind`` under the control, making it if need be."""
        if self._control is None:
            return  # composed with the line later
        lines = self.query_children(f".{kind}")
        if lines:
            lines.first(Static).update(Text(text or ""))
        elif text:
            line = Static(Text(text), classes=kind)
            # The error line comes before the warning line.
            warning = self.query_children(".field-warning")
            if kind == "field-error" and warning:
                self.mount(line, before=warning.first())
            else:
                self.mount(line)


class FormFields(Vertical):
    """The fields for some specs of a record, read and marked as a group.

    Its fields can be read and set before it is mounted (a tab not opened yet).
    """

    DEFAULT_CSS = """
    FormFields { height: auto; }
    """

    def __init__(
        self,
        specs: Sequence[FieldSpec],
        record: Record | None = None,
        *,
        values: dict[str, str] | None = None,
        tall: Iterable[str] = (),
        framed: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.specs = list(specs)
        self.record = record
        self.preset = values or {}
        self.tall = set(tall)
        self._boxes: list[FieldBox] = []
        for spec in self.specs:
            if spec.name in self.preset:
                value = self.preset[spec.name]
            elif record is not None:
                value = field_text(record, spec.name)
            else:
                value = ""
            self._boxes.append(FieldBox(spec, value, tall=spec.name in self.tall, framed=framed))

    def compose(self) -> ComposeResult:
        yield from self._boxes

    def boxes(self) -> list[FieldBox]:
        """Every field box, in order (kept from compose: no DOM query per keystroke)."""
        return list(self._boxes)

    def values(self) -> dict[str, str]:
        """Field name -> current text."""
        return {b.spec.name: b.value() for b in self.boxes()}

    def initial_values(self) -> dict[str, str]:
        """Field name -> the text the field started with."""
        return {b.spec.name: b.initial for b in self.boxes()}

    def show_errors(self, errors: Sequence[FieldError]) -> list[str]:
        """Mark the fields in ``errors`` (clearing the rest); return the names marked."""
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(e.field, []).append(e.message)
        marked = []
        for box in self.boxes():
            msgs = by_field.get(box.spec.name)
            box.show_error("; ".join(msgs) if msgs else None)
            if msgs:
                marked.append(box.spec.name)
        return marked

    def show_warnings(self, by_field: Mapping[str, str]) -> None:
        """Show each field's warning under it (clearing the rest)."""
        for box in self.boxes():
            box.show_warning(by_field.get(box.spec.name))

    def first_empty(self) -> FieldBox | None:
        """The first field with nothing in it (where typing usually starts), if any."""
        return next((b for b in self.boxes() if not b.value().strip()), None)

    def focus_field(self, name: str, *, tries: int = 5) -> None:
        """Move focus to field ``name`` and scroll it into view (once it is composed)."""
        for box in self.boxes():
            if box.spec.name == name:
                if not box.composed:
                    if tries:
                        self.call_after_refresh(self.focus_field, name, tries=tries - 1)
                    return
                box.control.focus()
                box.scroll_visible()
                return


class ScrollingFormFields(FormFields, VerticalScroll, can_focus=True):
    """Fields that scroll themselves, as fields in a :class:`VerticalScroll` would.

    One container fewer: a container sized by its content inside a scrolling one makes
    Textual lay every field out twice. Like a VerticalScroll it takes the focus (tab
    stops on it before the first field) so that the keys scroll it.
    """

    DEFAULT_CSS = """
    ScrollingFormFields { height: 1fr; overflow-x: hidden; overflow-y: auto; }
    """
