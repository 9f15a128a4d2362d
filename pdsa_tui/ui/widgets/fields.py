"""Form fields built from the model's field specs, with inline error messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from pdsa_tui.model import FieldError, FieldSpec, Record, field_text
from pdsa_tui.model.rows import ROW_KINDS
from pdsa_tui.ui.widgets.guarded_select import GuardedSelect
from pdsa_tui.ui.widgets.inputs import TextBox, TextInput

_PLACEHOLDERS = {
    "date": "dd/mm/yyyy",
    "number": "a number",
    "percent": "0 to 100",
    "list": "comma-separated",
}


#: Shown before the label of the field that has the cursor.
FOCUS_MARKER = "▶ "


def title(spec: FieldSpec, *, focused: bool = False) -> str:
    """A field's label, marked while it has the cursor, starred when it must be filled in."""
    # A marker as well as a colour: it shows without colour and in every theme.
    marker = FOCUS_MARKER if focused else ""
    return marker + spec.label + (" *" if spec.required else "")


def placeholder(spec: FieldSpec) -> str:
    """The hint inside an empty field: none when the help under the label already says it."""
    hint = _PLACEHOLDERS.get(spec.kind, "")
    return "" if hint and hint.lower() in spec.help.lower() else hint


def make_control(
    spec: FieldSpec, value: str, *, tall: bool = False, compact: bool = True
) -> Widget:
    """The widget a field of ``spec`` is typed into, holding ``value``.

    ``compact``: without Textual's own frame (a framed field sets its own border).
    """
    widget_id = f"field-{spec.name}"
    if spec.kind in ("longtext", "tasks", *ROW_KINDS):
        area = TextBox(value, id=widget_id, soft_wrap=True, tab_behavior="focus", compact=compact)
        if tall:
            area.add_class("-tall")
        return area
    if spec.kind == "choice":
        assert spec.choices is not None
        options = [(Text(lab), key) for key, lab in spec.choices.items()]
        chosen = value if value in spec.choices else Select.NULL
        # A choice keeps Select's compact look: its frame, if any, is the Select's own border.
        return GuardedSelect(
            options,
            value=chosen,
            allow_blank=not spec.required or chosen is Select.NULL,
            prompt=f"Choose {spec.label.lower()}",
            id=widget_id,
            compact=True,
        )
    return TextInput(value, placeholder=placeholder(spec), id=widget_id, compact=compact)


def _get(w: Widget) -> str:
    """The text in control ``w``."""
    if isinstance(w, TextArea):
        return w.text
    if isinstance(w, Select):
        v = w.value
        return "" if v is Select.NULL or v is None else str(v)
    assert isinstance(w, Input)
    return w.value


def _set(w: Widget, text: str) -> None:
    """Put ``text`` in control ``w``."""
    if isinstance(w, TextArea):
        w.text = text
    elif isinstance(w, Select):
        w.value = text if text else Select.NULL
    elif isinstance(w, Input):
        w.value = text


class _HeldValue:
    """A field's value and control, for :class:`FieldBox` and :class:`FramedField`: until
    the control is made (its tab not opened yet), the value is held here."""

    _control: Widget | None
    _pending: str | None
    initial: str

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
        return _get(self._control)

    def set_value(self, text: str) -> None:
        """Put ``text`` in the field."""
        if self._control is None:
            self._pending = text
            return
        _set(self._control, text)


class FieldBox(_HeldValue, Vertical):
    """One labelled field with its help text, and an error or warning line under it.

    The error and warning lines are made when first needed: a form opens with a label
    and a control per field, as few widgets as it can (each one costs time to open).
    Full-screen forms use :class:`FramedField` instead, lighter still.
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
    """

    def __init__(self, spec: FieldSpec, value: str, *, tall: bool = False) -> None:
        super().__init__(id=f"box-{spec.name}")
        self._control: Widget | None = None
        self.spec = spec
        self.initial = value
        self.tall = tall
        # Until the box is composed (its tab not opened yet) these stand in for it.
        self._pending: str | None = None
        self._error: str | None = None
        self._warning: str | None = None

    def compose(self) -> ComposeResult:
        # One widget for title and help: a form has dozens of fields, and every widget
        # costs time when the form opens.
        yield Static(self._head(focused=False), classes="field-label")
        control = make_control(self.spec, self.initial, tall=self.tall)
        if self._pending is not None:
            _set(control, self._pending)
            self._pending = None
        self._control = control
        yield control
        if self._error:
            yield Static(Text(self._error), classes="field-error")
        if self._warning:
            yield Static(Text(self._warning), classes="field-warning")

    def _head(self, *, focused: bool) -> Text:
        """The label (with a marker while the field has the cursor) and its help."""
        head = Text(title(self.spec, focused=focused), style="bold")
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
        if self._control is not None:
            label = self.query_one(".field-label", Static)
            # The marker only widens the first line: lay out again only if it may wrap.
            room = label.size.width - len(FOCUS_MARKER) - len(self.spec.label) - 2
            label.update(self._head(focused=focused), layout=room < 0)

    @property
    def invalid(self) -> bool:
        """Whether the field is marked bad."""
        return self.has_class("-invalid")

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


class FramedField(_HeldValue):
    """One field of a full-screen form: its control alone, framed, with no box around it.

    The control's border carries the label (title) and the help (subtitle); an error
    or warning line is mounted under it, in the form, when first needed. Not a widget:
    each widget costs time when a form opens, and a form has dozens of fields. It
    answers as a :class:`FieldBox` does (value, errors, focus), for :class:`FormFields`.
    """

    def __init__(self, spec: FieldSpec, value: str, *, tall: bool = False) -> None:
        self.spec = spec
        self.initial = value
        self.tall = tall
        self._control: Widget | None = None
        self._pending: str | None = None
        self._error: str | None = None
        self._warning: str | None = None
        self._lines: dict[str, Static] = {}
        #: Where typing starts when the form opens: its control has the class "-start".
        self.start = False

    def widgets(self) -> list[Widget]:
        """The control (made now) and any error or warning lines already due."""
        control = make_control(self.spec, self.initial, tall=self.tall, compact=False)
        control.add_class("framed-field")
        if self.start:
            control.add_class("-start")
        control.border_title = Content(title(self.spec))
        if self.spec.help:
            control.border_subtitle = Content(self.spec.help)
        if self._pending is not None:
            _set(control, self._pending)
            self._pending = None
        # Not Input's own "-invalid", which it clears as the user types.
        control.set_class(bool(self._error), "-bad")
        self._control = control
        made: list[Widget] = [control]
        for kind, text in (("field-error", self._error), ("field-warning", self._warning)):
            if text:
                self._lines[kind] = line = Static(Text(text), classes=kind)
                made.append(line)
        return made

    def mark_focus(self, focused: bool) -> None:
        """Show (or stop showing) that the field has the cursor."""
        if self._control is not None:
            self._control.border_title = Content(title(self.spec, focused=focused))

    @property
    def invalid(self) -> bool:
        """Whether the field is marked bad."""
        return bool(self._error)

    def scroll_visible(self) -> None:
        """Scroll the field, and the lines under it, into view."""
        # The last line first, then the control (which stays in view if it fits).
        for kind in ("field-warning", "field-error"):
            line = self._lines.get(kind)
            if line is not None and line.display:
                line.scroll_visible(animate=False)
                break
        if self._control is not None:
            self._control.scroll_visible(animate=False)

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the field, or clear it."""
        self._error = message
        if self._control is not None:
            self._control.set_class(bool(message), "-bad")
        self._show_line("field-error", message)

    def show_warning(self, message: str | None) -> None:
        """Show a warning under the field (a possible slip; saving is allowed), or clear it."""
        text = f"⚠ {message}" if message else None
        if text == self._warning:
            return
        self._warning = text
        self._show_line("field-warning", text)

    def _show_line(self, kind: str, text: str | None) -> None:
        """Put ``text`` in the line of ``kind`` under the control, making it if need be."""
        control = self._control
        form = control.parent if control is not None else None
        if control is None or not isinstance(form, Widget):
            return  # made with the control later
        line = self._lines.get(kind)
        if line is not None:
            line.update(Text(text or ""))
            line.display = bool(text)
        elif text:
            line = Static(Text(text), classes=kind)
            # The error line comes before the warning line, both under the control.
            warning = self._lines.get("field-warning")
            if kind == "field-error" and warning is not None:
                form.mount(line, before=warning)
            else:
                form.mount(line, after=self._lines.get("field-error") or control)
            self._lines[kind] = line


class FormFields(Vertical):
    """The fields for some specs of a record, read and marked as a group.

    Its fields can be read and set before it is mounted (a tab not opened yet).
    """

    DEFAULT_CSS = """
    FormFields { height: auto; }
    FormFields > .framed-field {
        height: 3;
        padding: 0 1;
        border: round $foreground 25%;
        border-title-color: $foreground;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        border-subtitle-align: left;
        background: $boost;
    }
    FormFields > TextArea.framed-field { height: 6; }
    FormFields > TextArea.framed-field.-tall { height: 9; }
    FormFields > Select.framed-field { height: auto; padding: 0 0 0 1; }
    FormFields > Select.framed-field > SelectCurrent { background: $boost; }
    FormFields > .framed-field:focus, FormFields > Select.framed-field:focus-within {
        border: round $accent;
        background: $accent 30%;
        text-style: bold;
    }
    FormFields > Select.framed-field:focus > SelectCurrent { background: $accent 30%; }
    FormFields > .framed-field.-bad { border: round $error; background: $error 20%; }
    FormFields > .framed-field.-bad:focus { border: round $error; background: $accent 30%; }
    FormFields > .field-error { color: $error; padding: 0 1; }
    FormFields > .field-warning { color: $warning; padding: 0 1; }
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
        self.framed = framed
        self._boxes: list[FieldBox | FramedField] = []
        make = FramedField if framed else FieldBox
        for spec in self.specs:
            if spec.name in self.preset:
                value = self.preset[spec.name]
            elif record is not None:
                value = field_text(record, spec.name)
            else:
                value = ""
            self._boxes.append(make(spec, value, tall=spec.name in self.tall))

    def compose(self) -> ComposeResult:
        for box in self._boxes:
            if isinstance(box, FramedField):
                yield from box.widgets()
            else:
                yield box

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._mark_focus(event.widget, True)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._mark_focus(event.widget, False)

    def _mark_focus(self, widget: Widget, focused: bool) -> None:
        # A framed field's control is a child of this form (a select's overlay, a grandchild).
        if self.framed:
            field = self.field(widget.id or "") if widget.parent is self else None
            if field is None and widget.parent is not None and widget.parent.parent is self:
                field = self.field(widget.parent.id or "")
            if isinstance(field, FramedField):
                field.mark_focus(focused)

    def field(self, name: str) -> FieldBox | FramedField | None:
        """The field ``name`` (or its control's id, ``field-NAME``), if in this form."""
        name = name.removeprefix("field-")
        return next((b for b in self._boxes if b.spec.name == name), None)

    def boxes(self) -> list[FieldBox | FramedField]:
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

    def first_empty(self) -> FieldBox | FramedField | None:
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
    ScrollingFormFields {
        height: 1fr; overflow-x: hidden; overflow-y: auto; scrollbar-gutter: stable;
    }
    """
