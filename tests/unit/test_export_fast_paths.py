"""A programme's Markdown export, made faster, writes what the plain code wrote (issue 21).

Each cycle's summary is one format of a pattern made once per shape of cycle, with only
the texts escaping would change escaped; a cycle's fields are read at once. Both are held
here to the plain versions they replaced (kept below as the reference), over generated
texts full of markup, line breaks, white space and control characters.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.model import Cycle, Task
from pdsa_tui.report import content, markdown
from pdsa_tui.report.document import (
    NOT_RECORDED,
    CycleContent,
    FeedbackGroup,
    _field_texts,
    _specs,
    field_texts,
)

#: Markup, block starts, white space, line breaks, braces (the pattern's own syntax),
#: separators and control characters, with words between.
TEXT = st.text(
    alphabet=st.sampled_from(
        list("ab #>+=-1.)&*_|\\`[]<>~${}\t\n\r\x0b\x0c\x1c\x1f\x85\u2028\xa0\x00\x01é²")
    ),
    max_size=14,
) | st.sampled_from(["", "Visit the carer.", "21 Jan 2019", "3. item", "{0}", "{}"])

# ---------------------------------------------------------------- the plain versions


def plain_texts(cycle: Cycle, names: tuple[str, ...]) -> list[str]:
    """Each field's text, one field at a time."""
    return _field_texts(cycle, [_specs(Cycle)[n] for n in names])


def plain_cycle(c: CycleContent, level: int) -> str:
    """A cycle's summary up to its feedback, every text escaped on its own."""
    hashes = "#" * min(level, 6)
    block = [
        f"**Objective:** {markdown._value(c.cycle.objective, '')}\n",
        *(f"- **{label}:** {markdown._value(text)}" for label, text in c.facts),
    ]
    for phase in c.phases:
        block += ("", f"{hashes} {phase.title}\n", "\n".join(markdown.field_list(phase.fields)))
        if phase.has_tasks_field:
            if phase.tasks:
                rows = [
                    [markdown.escape_cell(x) for x in (t.who, t.what, t.when, t.where)]
                    for t in phase.tasks
                ]
                head = ["Who", "What", "When", "Where"]
                block += ("", f"**{phase.tasks_label}:**\n", *markdown.table_lines(head, rows))
            else:
                block += ("", f"**{phase.tasks_label}:** *{NOT_RECORDED}*")
    block += ("", f"{hashes} Feedback ({c.feedback_count})")
    if not c.feedback:
        block += ("", "*No feedback recorded for this cycle.*")
    return "\n".join(block)


# ---------------------------------------------------------------- the tests


def _cycle(texts: list[str], tasks: list[tuple[str, str, str, str]], when: bool) -> Cycle:
    names = ("objective", "lead", "questions", "predictions", "data_to_collect", "scale")
    names += ("what_happened", "problems", "results", "learned", "next_steps")
    day = dt.date(2024, 3, 1) if when else None
    return Cycle(
        idea_id="idea",
        number=2,
        tasks=[Task(*t) for t in tasks],
        planned_start=day,
        do_end=day,
        decision="adapt" if when else "",
        **dict(zip(names, texts, strict=False)),
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(TEXT, min_size=11, max_size=11),
    st.lists(st.tuples(TEXT, TEXT, TEXT, TEXT), max_size=3),
    st.lists(st.tuples(TEXT, TEXT), max_size=3),
    st.booleans(),
    st.integers(min_value=1, max_value=7),
)
def test_a_cycle_from_its_pattern_is_the_cycle_written_text_by_text(
    texts: list[str],
    tasks: list[tuple[str, str, str, str]],
    facts: list[tuple[str, str]],
    when: bool,
    level: int,
) -> None:
    cycle = _cycle(texts, tasks, when)
    names, shapes = content._phase_fields()
    phase_texts = field_texts(cycle, names)
    assert phase_texts == plain_texts(cycle, names)
    feedback = [FeedbackGroup("Carers", "carer", [])] if when else []
    c = CycleContent(
        cycle=cycle,
        idea=None,
        aim=None,
        number=2,
        ramp_size=3,
        stage="Plan",
        stage_key="plan",
        # Labels with braces too: the pattern must keep them as they are.
        facts=[("Aim", texts[0]), *(("Fact {0}" + label, text) for label, text in facts)],
        shapes=shapes,
        phase_texts=phase_texts,
        tasks=list(cycle.tasks),
        feedback=feedback,
        feedback_count=len(feedback),
        anchor="cycle-x",
    )
    w = markdown.Writer()
    markdown._cycle(w, c, level)
    assert w.lines[0] == plain_cycle(c, level)  # then the feedback, written as before


def test_fields_that_are_not_text_read_as_before() -> None:
    names, _ = content._phase_fields()
    odd = Cycle(idea_id="x", objective="", lead=None, questions=["a", "b"], scale=3)  # type: ignore[arg-type]
    assert field_texts(odd, names) == plain_texts(odd, names)
    assert field_texts(odd, ["lead"]) == [""]
    assert field_texts(odd, []) == []
