"""Which user texts Markdown can take as they are, found for many texts in one pass.

A programme's Markdown export writes some 150,000 user texts (30 a cycle), nearly all of
them plain sentences that escaping leaves unchanged. Searching each for markup costs a
regular-expression call per text; :func:`plain_flags` looks at a part's texts together
(one translation of their join, in C, when they are ASCII) and says which of them
:func:`~pdsa_tui.report.markdown.escape_block` and
:func:`~pdsa_tui.report.markdown.escape_cell` would return unchanged. The rest are
escaped one by one as before.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from itertools import accumulate

from pdsa_tui.report.md_syntax import (
    BLOCK_LEADS,
    INLINE_MARKUP,
    LINE_BREAKS,
    ORDERED_ITEM,
    SPACES,
    char_class,
)

#: Every character that makes escaping change a text when it appears anywhere in it:
#: markup, ``&`` (it may start an entity) and every line break.
MARKUP = INLINE_MARKUP + "&" + LINE_BREAKS
#: Markup, or NUL: the one pass marks markup with NUL, so a NUL of the text's own is taken
#: for markup on both paths (the careful path is always right, and the answer is the same
#: whatever other texts a text is checked with).
_ANY_MARKUP = re.compile(char_class(MARKUP + "\x00"))
#: ASCII markup characters all become NUL (a table for ``bytes.translate``).
_ASCII_MARKUP = bytes(ord(c) for c in MARKUP if c.isascii())
_TO_NUL = bytes.maketrans(_ASCII_MARKUP, bytes(len(_ASCII_MARKUP)))
#: Joins the texts for the one pass.
_SEP = "\x01"

#: First characters that may start a block (heading, quote, list item, rule) or be
#: stripped.
_LEADS = SPACES | frozenset(BLOCK_LEADS)
#: A number that would start an ordered list: ``12. `` or ``3)`` at the end.
_NUMBERED = re.compile(ORDERED_ITEM)
#: ASCII first characters that never start a block nor are stripped (no digit either):
#: a text starting with one, ending in no white space and holding no markup is plain.
_SAFE_FIRST = frozenset(chr(c) for c in range(128)) - _LEADS - frozenset("0123456789")
#: A last character (or none) that needs a closer look.
_UNSAFE_LAST = SPACES | {""}


def _marked(texts: list[str]) -> list[bool] | None:
    """For each text, whether it holds a :data:`MARKUP` character (None: none does)."""
    joined = _SEP.join(texts)
    if not joined.isascii():
        if _ANY_MARKUP.search(joined) is None:
            return None
        return [_ANY_MARKUP.search(t) is not None for t in texts]
    probe = joined.encode("ascii").translate(_TO_NUL)
    at = probe.find(0)
    if at < 0:
        return None
    marked = [False] * len(texts)
    if probe.count(1) == len(texts) - 1:
        # No text holds the separator: a marked text's index is the separators before it,
        # counted from the last one found (all in C), and the search goes on after it.
        k = after = 0
        while at >= 0:
            k += probe.count(1, after, at)
            marked[k] = True
            after = probe.find(1, at)
            at = probe.find(0, after) if after >= 0 else -1
        return marked
    # Where each text ends in the join (its separator's index + 1), from the lengths, so
    # a separator inside a text does not matter; each marked text is found by bisection.
    ends = list(accumulate([len(t) + 1 for t in texts]))
    while at >= 0:
        k = bisect_right(ends, at)
        marked[k] = True
        at = probe.find(0, ends[k])
    return marked


def plain_flags(texts: list[str]) -> list[bool]:
    """For each text, whether Markdown escaping would give it back unchanged.

    True means the text is not empty, has no markup character or line break, no white
    space at either end, and does not start like a block (``#``, ``>``, ``+``, ``=``, ``-``,
    ``1.``). False means only that it must be escaped the careful way.
    """
    marked = _marked(texts)
    # Most texts start with a letter and end in none of the white space: two set lookups
    # say so; the others (dates, numbers, empty texts...) are looked at closely.
    if marked is None:
        return [
            (t[:1] in _SAFE_FIRST and t[-1:] not in _UNSAFE_LAST) or _ends_plain(t) for t in texts
        ]
    return [
        not m and ((t[:1] in _SAFE_FIRST and t[-1:] not in _UNSAFE_LAST) or _ends_plain(t))
        for t, m in zip(texts, marked, strict=True)
    ]


# A programme's texts that need the closer look are mostly the same few hundred dates.
@functools.lru_cache(maxsize=4096)
def _ends_plain(text: str) -> bool:
    """Whether ``text`` (with no markup) is not empty, has no white space at either end and
    does not start like a block."""
    return (
        bool(text)
        and text[0] not in _LEADS
        and text[-1] not in SPACES
        and not (text[0].isdigit() and _NUMBERED.match(text) is not None)
    )


#: White space that ``escape_inline`` (``" ".join(text.split())``) would change, beyond
#: what :data:`MARKUP` holds: a tab, the unit separator and two spaces in a row.
_ODD_SPACE = ("\t", "\x1f", "  ")
#: White space other than the plain space.
_OTHER_SPACES = SPACES - {" "}


def inline_flags(texts: list[str]) -> list[bool]:
    """For each text, whether ``escape_inline`` would give it back unchanged: as
    :func:`plain_flags`, and its white space is single spaces."""
    flags = plain_flags(texts)
    joined = _SEP.join(texts)
    if joined.isascii() and not any(s in joined for s in _ODD_SPACE):
        return flags
    return [
        ok and not any(s in t for s in _ODD_SPACE) and (t.isascii() or _OTHER_SPACES.isdisjoint(t))
        for ok, t in zip(flags, texts, strict=True)
    ]
