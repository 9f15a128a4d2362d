"""Markdown exports: readable as plain text and in any CommonMark/GitHub renderer.

User text is data: every character that could start markup (emphasis, links,
HTML, tables, headings, quotes, lists, maths) is backslash-escaped, table cells
keep their line breaks as ``<br>`` and their pipes as ``\\|``, so what people
typed appears literally. Charts are the terminal chart (no colour, 80 columns)
in a fenced code block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain, compress, count
from operator import attrgetter, itemgetter, not_
from typing import Any, cast

from pdsa_tui import __version__
from pdsa_tui.report.document import (
    CASE_HEADERS,
    NOT_RECORDED,
    AimContent,
    CycleContent,
    Document,
    FieldRow,
    IdeaContent,
    MeasureContent,
    PhaseShape,
    chart_summary,
    day,
    goal_text,
)
from pdsa_tui.report.md_plain import inline_flags, plain_flags
from pdsa_tui.report.md_syntax import (
    BLOCK_LEADS,
    INLINE_MARKUP,
    LINE_BREAKS,
    ORDERED_ITEM,
    char_class,
)
from pdsa_tui.report.svg import month_label, visible_markers

#: Characters escaped anywhere in user text. An export escapes hundreds of thousands of
#: texts, most of them with none of these: a search first spares them the substitution.
_INLINE = re.compile(f"({char_class(INLINE_MARKUP)})")
_ANY_INLINE = re.compile(char_class(INLINE_MARKUP))
#: An ``&`` that would start an entity (``&amp;``, ``&#42;``).
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
#: A line break. An export escapes some 200,000 texts, nearly all of one line: those skip
#: splitting into lines (escaping adds no space at either end, so the result is the same).
_LINE_BREAK = re.compile(char_class(LINE_BREAKS))
#: A markup character or a line break: most texts have neither, found in one search.
_SPECIAL = re.compile(char_class(INLINE_MARKUP + LINE_BREAKS))
#: What would make a line a heading, quote, list item, setext underline or rule.
_BLOCK_START = re.compile(f"^({char_class(BLOCK_LEADS)}|{ORDERED_ITEM})")

CHART_WIDTH = 80
CHART_HEIGHT = 18

PRIORITY = {0: "Act now", 1: "Soon", 2: "Keep an eye on"}


def escape_line(text: str) -> str:
    """One line of user text, safe in running Markdown (no markup, no block start)."""
    return _block_safe(_inline_escaped(text.strip()))


def _inline_escaped(text: str) -> str:
    """``text`` with every markup character backslash-escaped."""
    return _INLINE.sub(r"\\\1", text) if _ANY_INLINE.search(text) else text


def _block_safe(s: str) -> str:
    """A line already inline-escaped: entities and a block start escaped too."""
    if "&" in s:
        s = _ENTITY.sub(r"\\&", s)
    m = _BLOCK_START.match(s) if s and (s[0] in BLOCK_LEADS or s[0].isdigit()) else None
    if m:
        if m.group(1)[0].isdigit():
            end = m.end()
            s = f"{s[:end]}\\{s[end:]}"
        else:
            s = "\\" + s
    return s


def escape_inline(text: str) -> str:
    """User text on one line (headings, list items): line breaks become spaces."""
    return escape_line(" ".join(text.split()))


def escape_cell(text: str) -> str:
    """User text in a table cell: pipes escaped, line breaks kept as ``<br>``."""
    s = text.strip()
    if not _SPECIAL.search(s):
        return _block_safe(s) if s else " "
    if not _LINE_BREAK.search(s):
        # One line, as nearly every cell is: the steps below without a list of lines.
        return _block_safe(_INLINE.sub(r"\\\1", s))
    lines = [_block_safe(line.strip()) for line in _escaped_lines(text)]
    return "<br>".join(line for line in lines if line) or " "


def escape_block(text: str, indent: str = "") -> str:
    """Multi-line user text: each line escaped, line breaks kept as hard breaks."""
    s = text.strip()
    if not _SPECIAL.search(s):
        return _block_safe(s) if s else ""
    if not _LINE_BREAK.search(s):
        return _block_safe(_INLINE.sub(r"\\\1", s))
    lines = [_block_safe(line.strip()) for line in _escaped_lines(text)]
    lines = [line for line in lines if line]
    return ("\\\n" + indent).join(lines)


def _escaped_lines(text: str) -> list[str]:
    """The lines of ``text``, inline-escaped in one pass over the whole text.

    The same as escaping each line: no escaped character is white space or a line break.
    """
    return _inline_escaped(text.strip()).splitlines()


def _value(row_text: str, indent: str = "  ") -> str:
    return escape_block(row_text, indent) if row_text.strip() else f"*{NOT_RECORDED}*"


def field_list(rows: Sequence[FieldRow] | Sequence[tuple[str, str]]) -> list[str]:
    """``- **Label:** value`` for each row, the values escaped (checked together first:
    the plain ones, most of them, are taken as they are)."""
    pairs = [(row.label, row.text) if isinstance(row, FieldRow) else row for row in rows]
    plain = plain_flags([text for _, text in pairs])
    return [
        f"- **{label}:** {text if ok else _value(text)}"
        for (label, text), ok in zip(pairs, plain, strict=True)
    ]


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A pipe table; ``rows`` hold Markdown already escaped."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading with this text."""
    s = text.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        #: Field values escaped already: a cycle's facts repeat its aim and idea.
        self.values: dict[str, str] = {}
        self.inlines: dict[str, str] = {}
        #: What an aim's measures share, made for the first: its cycles as chart markers
        #: (by the id of the markers' list) and their key (by the ids of those shown).
        self.shared: dict[tuple[int, ...], Any] = {}

    def value(self, text: str) -> str:
        """:func:`_value` of ``text``, worked out once per text per document."""
        found = self.values.get(text)
        if found is None:
            found = self.values[text] = _value(text)
        return found

    def inline(self, text: str) -> str:
        """:func:`escape_inline` of ``text``, worked out once per text per document (for
        the few words said again and again: feedback's themes)."""
        found = self.inlines.get(text)
        if found is None:
            found = self.inlines[text] = escape_inline(text)
        return found

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def para(self, *lines: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend(lines)
        self.lines.append("")

    def heading(self, level: int, text: str) -> None:
        self.para(f"{'#' * min(level, 6)} {text}")

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

    def data(self) -> bytes:
        """:meth:`text` encoded as UTF-8, made in pieces of :data:`PIECE` lines.

        A chart's line drawing makes its piece a string of two bytes a character: made in
        one, the whole 20 MB of a programme's report would be, and joining and encoding
        it took 50 ms instead of 10.
        """
        lines = self.lines
        while lines and lines[-1] == "":
            lines.pop()
        pieces = ["\n".join(lines[k : k + PIECE]).encode() for k in range(0, len(lines), PIECE)]
        pieces.append(b"")  # the last line's end, without copying 20 MB once more to add it
        return b"\n".join(pieces) if lines else b"\n"


#: Lines joined and encoded at a time by :meth:`Writer.data`.
PIECE = 500


def render(doc: Document) -> str:
    """The document as Markdown."""
    return _write(doc).text()


def render_bytes(doc: Document) -> bytes:
    """The document as Markdown, encoded as UTF-8 (``render(doc).encode()``, made faster)."""
    return _write(doc).data()


def _write(doc: Document) -> Writer:
    w = Writer()
    w.heading(1, escape_inline(doc.title))
    w.para(f"*Exported {day(doc.exported.date())} at {doc.exported:%H:%M} by pdsa {__version__}.*")
    if doc.kind == "all":
        if doc.subtitle:
            w.para(escape_block(doc.subtitle))
        w.heading(2, "Contents")
        items = [
            f"{k}. [{escape_inline(a.aim.code)}](#{github_slug(a.aim.code)}): "
            f"{escape_inline(a.aim.statement)}"
            for k, a in enumerate(doc.aims, start=1)
        ]
        w.para(*(items or ["*No aims yet.*"]))
        for a in doc.aims:
            w.heading(2, escape_inline(a.aim.code))
            _aim(w, a, 3, doc)
    elif doc.kind == "aim":
        _aim(w, doc.aims[0], 2, doc)
    elif doc.kind == "idea":
        assert doc.idea is not None
        if doc.subtitle:
            w.para(f"**Aim:** {escape_inline(doc.subtitle)}")
        _idea(w, doc.idea, 2, with_title=False)
        w.heading(2, "Cycle summaries")
        headings = [f"{c.heading}: {escape_inline(c.cycle.objective)}" for c in doc.idea.cycles]
        _cycles(w, doc.idea.cycles, 4, headings)
        if not doc.idea.cycles:
            w.para("*No cycles yet.*")
    else:
        assert doc.cycle is not None
        _cycles(w, [doc.cycle], 2)
    return w


def _answer(w: Writer, a: AimContent, level: int, doc: Document) -> None:
    """The aim's answer first: where each measure stands, and what changed."""
    from pdsa_tui.report import answer
    from pdsa_tui.report.answer import since_date

    since = doc.since or since_date(None, doc.today)
    w.heading(level, "Where this aim stands")
    w.para(f"**The aim:** {escape_inline(a.aim.statement)}")
    w.para(f"**{escape_inline(answer.headline(a))}**")
    if a.measures:
        rows = []
        for m in a.measures:
            s = answer.standing(m)
            icon = f"{s.icons.variation_symbol} {s.icons.variation_label}"
            rows.append(
                [escape_cell(m.measure.name), escape_cell(s.headline), icon, escape_cell(s.verdict)]
            )
        w.para(
            *table_lines(
                ["Measure", "Latest, against the target", "Variation", "What the chart says"], rows
            )
        )
    changes = answer.changes_since(a, since)
    w.para(f"**What changed since {day(since)}:**")
    items = [f"- {escape_inline(x)}" for x in changes]
    w.para(*(items or ["*No cycle started or was decided, and no new signal.*"]))


def _aim(w: Writer, a: AimContent, level: int, doc: Document) -> None:
    _answer(w, a, level, doc)
    w.heading(level, "The aim")
    w.para(*field_list(a.fields))
    if a.hints:
        w.para("**Statement check:** " + " ".join(a.hints))

    w.heading(level, f"What needs attention (as of {day(doc.today)})")
    if a.attention:
        w.para(
            *(
                f"- **{PRIORITY.get(item.priority, 'Note')}:** {escape_inline(item.text)}"
                for item in a.attention
            )
        )
    else:
        w.para("Nothing needs attention: no cycle waits for Study or Act, none is overdue.")

    w.heading(level, "Measures")
    if not a.measures:
        w.para("*No measures yet.*")
    for m in a.measures:
        measure_md(w, m, level + 1)

    w.heading(level, "Change ideas")
    if not a.ideas:
        w.para("*No change ideas yet.*")
    for i in a.ideas:
        _idea(w, i, level + 1)

    _drivers(w, a, level)

    w.heading(level, "Cycle summaries")
    if not a.cycles:
        w.para("*No cycles yet.*")
    for i in a.ideas:
        title = escape_inline(i.idea.title)
        _cycles(w, i.cycles, level + 2, [f"{title}: {c.heading}" for c in i.cycles])


def _drivers(w: Writer, a: AimContent, level: int) -> None:
    from pdsa_tui.report.drivers_render import drivers_md, spread_md

    if a.drivers is not None:
        w.heading(level, "Driver diagram")
        w.para(*drivers_md(a.drivers))
    if a.spread is not None:
        w.heading(level, "Spread by locality")
        w.para(*spread_md(a.spread))


def measure_md(w: Writer, m: MeasureContent, level: int) -> None:
    from pdsa_tui.report.termchart import render_chart

    rows = {r.name: r for r in m.fields}
    w.heading(level, escape_inline(m.measure.name))
    keys = ["type", "unit", "direction", "goal", "source", "frequency"]
    cells = [escape_cell(goal_text(m) if k == "goal" else rows[k].text) for k in keys]
    w.para(*table_lines([rows[k].label for k in keys], [cells]))
    w.para(f"**{rows['definition'].label}:** {_value(rows['definition'].text, '')}")
    if m.cases is not None:
        w.para(
            f"**Case measure:** {escape_inline(m.cases.about)}. {escape_inline(m.cases.sentence)}. "
            "Each month's point is the cases met over the cases due that month."
        )
        if m.cases.rows:
            w.para(
                *table_lines(
                    list(CASE_HEADERS), [[escape_cell(c) for c in r] for r in m.cases.rows]
                )
            )
    a = m.analysis
    if a.points:
        # An aim's cycles are marked on each of its measures' charts: thousands, the same
        # for each measure (the list is the aim's), so they are made ready once.
        marks = w.shared.get((id(m.markers),))
        if marks is None:
            marks = w.shared[(id(m.markers),)] = [(mk.date, str(mk.key)) for mk in m.markers]
        chart = render_chart(
            a,
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
            goal=m.goal,
            markers=marks,
            scale=m.scale,
            color=False,
            ceiling=100.0 if m.scale == 100.0 or m.measure.unit == "percent" else None,
        )
        fence = _fence(chart)
        w.para(f"{fence}text", chart, fence)
        inside, outside = visible_markers([p.date for p in a.points], m.markers)
        notes = []
        if inside:
            shown = tuple(map(id, inside))
            keyed = w.shared.get(shown)
            if keyed is None:
                plain = inline_flags([mk.text for mk in inside])
                keyed = w.shared[shown] = "; ".join(
                    f"{mk.key} = {mk.text if ok else escape_inline(mk.text)} "
                    f"({month_label(mk.date)})"
                    for mk, ok in zip(inside, plain, strict=True)
                )
            notes.append(f"*PDSA cycles marked on the chart (by start date):* {keyed}.")
        if outside:
            n = len(outside)
            notes.append(
                f"*{n} cycle{'s' if n != 1 else ''} started outside the charted period "
                f"and {'are' if n != 1 else 'is'} not marked.*"
            )
        if notes:
            w.para(" ".join(notes))
    from pdsa_tui.report.verdict_tone import measure_icons

    head = chart_summary(m)
    verdict = [escape_line(line) for line in a.verdict.splitlines() if line.strip()]
    icons = measure_icons(a)
    w.para(f"**{icons.variation_symbol} {icons.variation_label}: What the chart says** ({head}):")
    w.para(*(f"- {line}" for line in verdict))
    if a.advice:
        w.para(f"*Chart advice:* {escape_inline(a.advice)}")
    warnings = [*a.warnings, *(x for p in a.parts for x in p.warnings)]
    if warnings:
        w.para("*Notes on the data:* " + " ".join(escape_inline(n) for n in warnings))


def _idea(w: Writer, i: IdeaContent, level: int, *, with_title: bool = True) -> None:
    if with_title:
        w.heading(level, escape_inline(i.idea.title))
    w.para(*field_list(i.fields))
    # The ramp's user texts checked together, as a cycle's are (see _cycle).
    texts = [x for r in i.ramp for x in (r.objective, r.planned, r.carried_out)]
    cells = [x if ok else escape_cell(x) for x, ok in zip(texts, plain_flags(texts), strict=True)]
    rows = [
        [
            str(r.number),
            cells[3 * k],
            r.stage,
            cells[3 * k + 1],
            cells[3 * k + 2],
            r.decision or " ",
        ]
        for k, r in enumerate(i.ramp)
    ]
    if rows:
        w.para(f"**Ramp of PDSA cycles** ({len(rows)}):")
        w.para(
            *table_lines(
                ["Cycle", "Objective", "Stage", "Planned", "Carried out", "Decision"], rows
            )
        )
    else:
        w.para("*No PDSA cycles yet.*")


def _cycles(
    w: Writer, cycles: Sequence[CycleContent], level: int, headings: Sequence[str] = ()
) -> None:
    """Each cycle's summary at ``level``, under its heading one level up (if given).

    A programme's export writes thousands of these, so each is written with few steps:
    the user texts of the cycles (an idea's ramp) are checked for markup together (see
    md_plain), only those that escaping would change (few) are escaped, and a cycle up
    to its feedback is one %-format (twice as fast as str.format) of a pattern made once
    for every cycle of its shape, its values picked in the pattern's order in one step.
    """
    texts: list[object] = []
    for c in cycles:
        texts += (c.cycle.objective, *map(itemgetter(1), c.facts), *c.phase_texts)
        texts += chain.from_iterable(map(_TASK_CELLS, c.tasks))
    plain = plain_flags(texts)  # type: ignore[arg-type]  # every one a str
    end = 0
    for k, c in enumerate(cycles):
        start = end
        cells = 1 + len(c.facts) + len(c.phase_texts)  # where the tasks' cells start
        end = start + cells + 4 * len(c.tasks)
        values = texts[start:end]
        flags = plain[start:end]
        if not all(flags):
            for j in compress(range(len(values)), map(not_, flags)):
                text = cast(str, values[j])
                if j >= cells:
                    values[j] = escape_cell(text)
                else:
                    values[j] = w.value(text) if j else _value(text, "")
        values.append(c.feedback_count)
        facts = tuple(map(itemgetter(0), c.facts))
        key = (id(c.shapes), level, facts, len(c.tasks), bool(c.feedback))
        found = _CYCLE_PATTERNS.get(key)
        if found is None:
            found = _CYCLE_PATTERNS[key] = _cycle_pattern(c.shapes, *key[1:])
        pattern, pick = found
        if headings:
            w.heading(level - 1, headings[k])
        w.para(pattern % pick(values))
        if c.feedback:
            _feedback(w, c, level + 1)


def _feedback(w: Writer, c: CycleContent, level: int) -> None:
    """A cycle's feedback, source by source (its texts checked for markup together)."""
    items = [item for g in c.feedback for item in g.items]
    plain = iter(plain_flags([item.text for item in items]))
    for g in c.feedback:
        w.heading(level, f"{g.source} ({len(g.items)})")
        lines = []
        for item in g.items:
            meta = " · ".join(x for x in (item.date, item.method, item.tone) if x)
            themes = ", ".join(map(w.inline, item.themes))
            lines.append(f"- **{meta}**" + (f" · themes: {themes}" if themes else ""))
            text = item.text if next(plain) else escape_block(item.text, "  > ")
            lines.append(f"  > {text or '*(nothing written)*'}")
        w.para(*lines)


_TASKS_HEAD = "\n".join(table_lines(["Who", "What", "When", "Where"], []))
#: A task's four cells, in the table's order.
_TASK_CELLS = attrgetter("who", "what", "when", "where")

#: (id of the cycles' shapes, heading level, the facts' labels, how many tasks, whether
#: there is feedback) -> the pattern of a cycle's summary up to its feedback, and what
#: picks its values. The shapes are every cycle's (content makes them once and keeps
#: them), so the id is theirs alone.
_CYCLE_PATTERNS: dict[tuple[int, int, tuple[str, ...], int, bool], tuple[str, itemgetter[Any]]] = {}


def _cycle_pattern(
    shapes: tuple[PhaseShape, ...],
    level: int,
    labels: tuple[str, ...],
    tasks: int,
    feedback: bool,
) -> tuple[str, itemgetter[Any]]:
    """A cycle's summary up to its feedback as a %-pattern, and what picks its values in
    the pattern's order from a cycle's texts: the objective, the facts, the phases'
    fields, the tasks' cells, and last the number of pieces of feedback."""
    hashes = "#" * min(level, 6)
    fields = count(1 + len(labels))
    first_cell = 1 + len(labels) + sum(len(shape.specs) for shape in shapes)
    order = list(range(1 + len(labels)))
    block = ["**Objective:** %s\n", *(f"- **{_literal(label)}:** %s" for label in labels)]
    for shape in shapes:
        names = [label for _, label, _ in shape.specs]
        order += [next(fields) for _ in names]
        rows = "\n".join(f"- **{_literal(name)}:** %s" for name in names)
        block += ("", f"{hashes} {_literal(shape.title)}\n", rows)
        if shape.has_tasks_field:
            label = _literal(shape.tasks_label)
            if tasks:
                block += ("", f"**{label}:**\n", _literal(_TASKS_HEAD))
                block += ["| %s | %s | %s | %s |"] * tasks
                order += range(first_cell, first_cell + 4 * tasks)
            else:
                block += ("", f"**{label}:** *{NOT_RECORDED}*")
    block += ("", f"{hashes} Feedback (%s)")
    order.append(first_cell + 4 * tasks)
    if not feedback:
        block += ("", "*No feedback recorded for this cycle.*")
    return "\n".join(block), itemgetter(*order)


def _literal(text: str) -> str:
    """``text`` as it is in a %-pattern (its ``%`` doubled)."""
    return text.replace("%", "%%")
