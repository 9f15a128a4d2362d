"""A programme's Markdown export, made faster, writes what the plain code wrote (issue 21).

Each cycle's summary is one format of a pattern made once per shape of cycle, with only
the texts escaping would change escaped; a cycle's fields are read at once; a chart
without colour is read from plotext's matrix, its markers placed once per place. Each is
held here to the plain version it replaced (kept below as the reference), over generated
texts full of markup, line breaks, white space and control characters, and generated
charts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.analysis import SeriesPoint, analyse
from pdsa_tui.model import Cycle, Task
from pdsa_tui.report import content, markdown
from pdsa_tui.report import termchart as tc
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
        list("ab #>+=-1.)&*_|\\`[]<>~${}%\t\n\r\x0b\x0c\x1c\x1f\x85\u2028\xa0\x00\x01é²")
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
        # Labels with braces and per cents too: the pattern must keep them as they are.
        facts=[("Aim", texts[0]), *(("Fact {0} %s%%" + label, text) for label, text in facts)],
        shapes=shapes,
        phase_texts=phase_texts,
        tasks=list(cycle.tasks),
        feedback=feedback,
        feedback_count=len(feedback),
        anchor="cycle-x",
    )
    w = markdown.Writer()
    markdown._cycles(w, [c], level)
    assert w.lines[0] == plain_cycle(c, level)  # then the feedback, written as before


def test_fields_that_are_not_text_read_as_before() -> None:
    names, _ = content._phase_fields()
    odd = Cycle(idea_id="x", objective="", lead=None, questions=["a", "b"], scale=3)  # type: ignore[arg-type]
    assert field_texts(odd, names) == plain_texts(odd, names)
    assert field_texts(odd, ["lead"]) == [""]
    assert field_texts(odd, []) == []


# ---------------------------------------------------------------- charts


def plain_built(plt: Any, color: bool) -> str:
    """The chart as plotext's public calls draw it (coloured, then uncoloured if not)."""
    text = plt.build()
    return str(text if color else plt.uncolorize(text))


def plain_markers(
    plt: Any,
    dates: Sequence[dt.date],
    markers: Sequence[tuple[dt.date, str]],
    top: float,
    bottom: float,
    width: int,
) -> None:
    """Every marker placed in order, a line at each new place, each label given its room."""
    placed = sorted(
        (x, label) for when, label in markers if (x := tc._x_position(dates, when)) is not None
    )
    cols_per_x = max(width - 8, 10) / max(len(dates), 1)
    for k, (x, label) in enumerate(placed):
        if not k or x != placed[k - 1][0]:
            plt.vline(x, tc._C_MARK)
        ahead = (placed[k + 1][0] - x) if k + 1 < len(placed) else len(dates) + 0.5 - x
        short = label[: max(0, min(int(ahead * cols_per_x) - 1, 12))]
        if short:
            plt.text(short, x + 0.15, top - (top - bottom) * 0.02, color=tc._C_MARK)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=-40, max_value=400), max_size=60),
    st.sampled_from(["run", "p", "i"]),
    st.booleans(),
    st.sampled_from(["", "A title", "red \x1b[31mtitle\x1b[0m"]),
)
def test_a_chart_is_what_plotexts_public_calls_drew(
    days: list[int], chart: str, color: bool, title: str
) -> None:
    points = [
        SeriesPoint(dt.date(2020, 1, 1) + dt.timedelta(days=7 * k), numerator=k % 5, denominator=6)
        if chart == "p"
        else SeriesPoint(dt.date(2020, 1, 1) + dt.timedelta(days=7 * k), y=float(k % 7))
        for k in range(24)
    ]
    analysis = analyse(points, chart)
    markers = [(dt.date(2020, 1, 1) + dt.timedelta(days=d), str(k)) for k, d in enumerate(days)]

    def draw() -> str:
        return tc.render_chart(
            analysis, width=80, height=18, markers=markers, color=color, title=title, goal=3.0
        )

    made = draw()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tc, "_built", plain_built)
        mp.setattr(tc, "_draw_markers", plain_markers)
        assert made == draw()
