"""Markdown's syntax as escaping sees it: the characters and line starts that make markup.

One definition for both halves of the Markdown export: :mod:`markdown` escapes user text
with these, and :mod:`md_plain` finds, many texts at a time, the texts that escaping would
leave as they are. Changing a set here changes both, so they cannot disagree.
"""

from __future__ import annotations

import re

#: Characters backslash-escaped wherever they appear in user text: emphasis, code, links,
#: HTML, tables, strike-through and maths.
INLINE_MARKUP = "\\`*_[]<>|~$"
#: Every character ``str.splitlines`` ends a line at.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: First characters that make a line a heading, quote, list item, setext underline or rule.
BLOCK_LEADS = "#>+=-"
#: What makes a line an ordered list item: up to 9 digits, then ``.`` or ``)`` and white
#: space or the end (the digits alone are matched, so the escape goes after them).
ORDERED_ITEM = r"\d{1,9}(?=[.)](?:\s|$))"
#: Every character ``str.isspace`` accepts (``str.strip`` removes them).
SPACES = frozenset(
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def char_class(chars: str) -> str:
    """A regular expression matching any one of ``chars``."""
    return "[" + re.escape(chars) + "]"
