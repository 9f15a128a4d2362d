"""The PACE self-sufficiency template: its themes and questions, shipped as package data."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from pdsa_tui.valueclass import value_class


@value_class(frozen=True)
class TemplateQuestion:
    """One question of the template; ``evidence`` names what pdsa can say about it."""

    id: str
    theme: str
    text: str
    evidence: str = ""


@value_class(frozen=True)
class Theme:
    """A theme of the template (e.g. 'Data') with its questions and notes."""

    id: str
    name: str
    heading: str
    questions: tuple[TemplateQuestion, ...]
    notes: tuple[str, ...] = ()


@value_class(frozen=True)
class Template:
    """The whole template."""

    title: str
    themes: tuple[Theme, ...]
    resources: tuple[str, ...]

    def questions(self) -> list[TemplateQuestion]:
        """Every question, theme by theme."""
        return [q for t in self.themes for q in t.questions]

    def theme(self, theme_id: str) -> Theme | None:
        """The theme with this id."""
        return next((t for t in self.themes if t.id == theme_id), None)


@functools.cache
def template() -> Template:
    """The template from ``pdsa_tui/data/self_assessment.json`` (read once)."""
    # Read beside this module when it is a plain file (every ordinary install): importing
    # importlib.resources costs about 3 ms at every start, and the template is read at import.
    path = Path(__file__).resolve().parent.parent / "data" / "self_assessment.json"
    if path.is_file():
        raw = path.read_text("utf-8")
    else:  # pragma: no cover - a zipped install
        from importlib import resources

        raw = resources.files("pdsa_tui").joinpath("data/self_assessment.json").read_text("utf-8")
    data = json.loads(raw)
    themes = tuple(
        Theme(
            t["id"],
            t["name"],
            t["heading"],
            tuple(
                TemplateQuestion(q["id"], t["id"], q["text"], q.get("evidence", ""))
                for q in t["questions"]
            ),
            tuple(t.get("notes", ())),
        )
        for t in data["themes"]
    )
    return Template(data["title"], themes, tuple(data.get("resources", ())))


def theme_choices() -> dict[str, str]:
    """Theme id -> name, for the custom-question form."""
    return {t.id: t.name for t in template().themes}
