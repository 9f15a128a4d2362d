"""Markdown's one-pass check for plain texts, and Markdown made as bytes, give what the
text-by-text escapes and ``render(doc).encode()`` give."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.report import markdown
from pdsa_tui.report.markdown import escape_block, escape_cell, escape_inline, escape_line
from pdsa_tui.report.md_plain import MARKUP, SPACES, inline_flags, plain_flags

#: Markup, digits, block starts, every kind of white space and line break, the characters
#: the check joins texts with (NUL, SOH), letters and non-ASCII letters.
TEXT = st.text(
    alphabet=st.sampled_from(
        list("\\`*_[]<>|~$&#;+=-.)1234567890 \t\n\r\x0b\x0c\x1c\x1f\u2028\u00a0\x00\x01ab²٣é")
    )
    | st.characters(),
    max_size=30,
)
#: Mostly plain words, as most of a report's texts are.
WORDS = st.lists(st.sampled_from(["Carer", "visit", "12", "week", "3.5%", "a-b", "x"]), min_size=1)


def test_spaces_are_what_str_strip_removes() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1)}
    assert {c for c in every if c.isspace()} == SPACES


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | WORDS.map(" ".join), max_size=12))
def test_a_plain_text_is_what_every_escape_gives_back(texts: list[str]) -> None:
    flags = plain_flags(texts)
    assert len(flags) == len(texts)
    for text, plain in zip(texts, flags, strict=True):
        # Checked together or alone, a text gets the same answer.
        assert plain == plain_flags([text])[0]
        if plain:
            assert escape_block(text) == escape_block(text, "  ") == text
            assert escape_cell(text) == escape_line(text) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | WORDS.map(" ".join) | WORDS.map("  ".join), max_size=12))
def test_an_inline_plain_text_is_what_escape_inline_gives_back(texts: list[str]) -> None:
    flags = inline_flags(texts)
    assert len(flags) == len(texts)
    for text, plain in zip(texts, flags, strict=True):
        assert plain == inline_flags([text])[0]
        if plain:
            assert escape_inline(text) == text
    assert inline_flags(["a b", "a  b", "a\tb", "a\xa0b", "é b"]) == [
        True,
        False,
        False,
        False,
        True,
    ]


def test_plain_and_not() -> None:
    texts = [
        "Visit the carer.",
        "",
        " lead",
        "tail ",
        "# x",
        "12. item",
        "12 items",
        "a & b",
        "1\n2",
    ]
    assert plain_flags(texts) == [True, False, False, False, False, False, True, False, False]
    # A separator inside a text is noticed: each text is then looked at alone.
    assert plain_flags(["a\x01b", "c"]) == [True, True]
    assert plain_flags(["é", "é*", "é\n"]) == [True, False, False]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["", "plain", "·", "⡇⢸ chart", "😀", "line"]), max_size=40),
    st.integers(min_value=1, max_value=7),
)
def test_writer_data_is_its_text_encoded(lines: list[str], piece: int) -> None:
    w = markdown.Writer()
    w.add(*lines)
    old = markdown.PIECE
    markdown.PIECE = piece
    try:
        data = w.data()
    finally:
        markdown.PIECE = old
    w2 = markdown.Writer()
    w2.add(*lines)
    assert data == w2.text().encode()


def _plain_alone(text: str) -> bool:
    """The plain-text rule written out for one text: no markup or NUL anywhere, not empty,
    no white space at either end, no block start."""
    return (
        bool(text)
        and not any(c in MARKUP or c == "\x00" for c in text)
        and text[0] not in SPACES | set("#>+=-")
        and text[-1] not in SPACES
        and re.match(r"\d{1,9}[.)](\s|$)", text) is None
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT | WORDS.map(" ".join) | st.sampled_from(["21 Jan 2019", "3. x", "", "a"])))
def test_plain_flags_is_the_rule_text_by_text(texts: list[str]) -> None:
    # Checked together (the separator counted, or not when a text holds it) or alone.
    assert plain_flags(texts) == [_plain_alone(t) for t in texts]
