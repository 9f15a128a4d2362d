"""The Markdown escapes, one pass per text, give what escaping line by line with regexes gave."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pdsa_tui.report.markdown import escape_block, escape_cell, escape_inline, escape_line

_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# A number is a list marker only when a space or the line's end follows its '.' or ')':
# "83.3%" stays as it is (board papers), "1. item" is escaped.
_BLOCK_START = re.compile(r"^([#>+=-]|\d{1,9}(?=[.)](?:\s|$)))")


def reference_line(text: str) -> str:
    """escape_line as it was: a regex substitution per line."""
    s = _INLINE.sub(r"\\\1", text.strip())
    s = _ENTITY.sub(r"\\&", s)
    m = _BLOCK_START.match(s)
    if m:
        if m.group(1)[0].isdigit():
            end = m.end()
            s = f"{s[:end]}\\{s[end:]}"
        else:
            s = "\\" + s
    return s


def reference_block(text: str, indent: str = "") -> str:
    lines = [reference_line(line) for line in text.strip().splitlines()]
    return ("\\\n" + indent).join(line for line in lines if line)


def reference_cell(text: str) -> str:
    lines = [reference_line(line) for line in text.strip().splitlines()]
    return "<br>".join(line for line in lines if line) or " "


#: Markup characters, digits, white space and line breaks of every kind, and letters.
TEXT = st.text(
    alphabet=st.sampled_from(
        list("\\`*_[]<>|~$&#;+=-.)1234567890 \t\n\r\x0b\x0c\x1c\u2028\u00a0ab²٣")
    )
    | st.characters(),
    max_size=60,
)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_escapes_match_the_line_by_line_regexes(text: str) -> None:
    assert escape_line(text) == reference_line(text)
    assert escape_inline(text) == reference_line(" ".join(text.split()))
    assert escape_block(text, "  ") == reference_block(text, "  ")
    assert escape_cell(text) == reference_cell(text)


def test_examples() -> None:
    assert escape_line("  *bold* [link](x) <b> a|b ~x~ $m$ `c` \\ ") == (
        "\\*bold\\* \\[link\\](x) \\<b\\> a\\|b \\~x\\~ \\$m\\$ \\`c\\` \\\\"
    )
    assert escape_line("# heading &amp; 12. item") == "\\# heading \\&amp; 12. item"
    assert escape_block("1. one\n - two\n\nthree", "  ") == "1\\. one\\\n  \\- two\\\n  three"
    assert escape_cell("a|b\n\n> c") == "a\\|b<br>\\> c"
