"""Validation errors that name the field, say what is wrong and what is accepted."""

from __future__ import annotations

from pdsa_tui.valueclass import value_class


@value_class(frozen=True)
class FieldError:
    """One problem with one field: ``field`` is the attribute name, ``label`` its title."""

    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


class ValidationError(ValueError):
    """Raised with every :class:`FieldError` found in a record or form."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def for_field(self, field: str) -> list[FieldError]:
        """The errors about ``field``."""
        return [e for e in self.errors if e.field == field]


class RuleError(Exception):
    """A save or delete that a record's own rule refuses; ``str()`` is the user's message."""
