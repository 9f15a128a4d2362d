"""Domain model: records, choices, dates and validation. No I/O, no Textual."""

from pdsa_tui.model import choices
from pdsa_tui.model.base import FieldSpec, Record, new_id
from pdsa_tui.model.cases import CASE_NO_NAMES, Case, ref_key, ref_problem
from pdsa_tui.model.dates import format_date, parse_date, parse_optional_date
from pdsa_tui.model.errors import FieldError, ValidationError
from pdsa_tui.model.forms import field_text, from_form, parse_number, point_from_form, to_form
from pdsa_tui.model.measures import DataPoint, Measure
from pdsa_tui.model.programme import Answer, Assessment, Meeting, Programme, Question
from pdsa_tui.model.records import Aim, ChangeIdea, Cycle, Feedback, Task
from pdsa_tui.model.registry import RECORD_TYPES

__all__ = [
    "CASE_NO_NAMES",
    "RECORD_TYPES",
    "Aim",
    "Answer",
    "Assessment",
    "Case",
    "ChangeIdea",
    "Cycle",
    "DataPoint",
    "Feedback",
    "FieldError",
    "FieldSpec",
    "Measure",
    "Meeting",
    "Programme",
    "Question",
    "Record",
    "Task",
    "ValidationError",
    "choices",
    "field_text",
    "format_date",
    "from_form",
    "new_id",
    "parse_date",
    "parse_number",
    "parse_optional_date",
    "point_from_form",
    "ref_key",
    "ref_problem",
    "to_form",
]
