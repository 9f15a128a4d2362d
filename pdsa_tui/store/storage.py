"""The bytes of a database file: JSON in TinyDB's layout, read and written.

Saving itself is :mod:`pdsa_tui.store.sync`: reads come from memory and every
write reaches the disk through :func:`~pdsa_tui.store.files.atomic_write`
(TinyDB's ``JSONStorage`` rewrites the file in place, which a crash can leave
half written). The layout stays TinyDB's: ``{table: {doc_id: document}}``.

Writing uses orjson (eight times faster than the standard library: a save of
50,000 cycles encodes in 0.12 s, not 1 s) whenever it writes exactly what ``json``
would mean: the same values, without the spaces after ``,`` and ``:`` (any JSON
reader, TinyDB and older pdsa included, reads both alike). What orjson refuses
goes through ``json`` as before: integers beyond 64 bits, lone surrogates (which
still fail the save with the same message), subclasses, dataclasses, dates and
other types. So does every save once a file read in this process held a number
that is not finite (``NaN``, ``Infinity``, ``1e400``): orjson would write ``null``.
The store's data holds only JSON's own types (it was read from JSON, or written by
``Record.to_dict``), so the bytes always mean what ``json`` would have written.

Reading uses msgspec (:func:`decode_fast`), which builds the same values as ``json``
in a little over half the time; whatever it refuses, ``json`` reads or refuses as before.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

#: Whether a file read in this process held a number that is not finite.
_non_finite_read = False


def _note_non_finite() -> None:
    global _non_finite_read
    _non_finite_read = True


def _constant(name: str) -> float:
    """``NaN``, ``Infinity`` or ``-Infinity``, as ``json`` reads them (and noted)."""
    _note_non_finite()
    return float(name)


def _float(text: str) -> float:
    """A number with a fraction or exponent, as ``json`` reads it; ``1e400`` is noted."""
    value = float(text)
    if math.isinf(value):
        _note_non_finite()
    return value


def decode(text: str | bytes) -> Any:
    """The value of a database file's JSON, exactly as ``json.loads`` reads ``text``.

    msgspec reads it first (:func:`decode_fast`); what it refuses, ``json`` decides.
    """
    fast = decode_fast(text)
    if fast is not REFUSED:
        return fast
    return json.loads(text, parse_constant=_constant, parse_float=_float)


#: What :func:`decode_fast` answers for a text it leaves to ``json``.
REFUSED = object()
#: Calls stacked under msgspec's decode. Nesting counts against the same recursion limit
#: as calls, and msgspec reads a few levels deeper than json from one place (997 and
#: 993 levels): this many calls below it, msgspec stops well before json would, so a
#: file json finds nested too deeply always goes to json, which says so as before.
_DEPTH_MARGIN = 50
#: Texts this long (characters or bytes) or longer are read by msgspec even before it
#: is imported: it saves about 1.1 ms a megabyte, and importing it takes about 2 ms.
FAST_FROM = 2_000_000


def decode_fast(text: str | bytes) -> Any:
    """``text`` (JSON) decoded by msgspec, or :data:`REFUSED`: then ``json`` decides.

    msgspec builds the same values as ``json`` in a little over half the time (5,000
    cycles: 28 ms, not 46), integers of any size exact (orjson makes floats of those
    past 64 bits). It refuses whatever ``json`` reads differently or refuses: ``NaN``,
    ``Infinity``, numbers beyond a float (``1e400``, which ``json`` reads as infinite),
    lone surrogates, bytes that are not UTF-8, a byte-order mark, an integer of over
    4,300 digits, bad JSON of every kind, and deep nesting (see :data:`_DEPTH_MARGIN`).
    """
    if len(text) < FAST_FROM and "msgspec.json" not in sys.modules:
        return REFUSED  # importing msgspec (2 ms) costs more than it saves here
    import msgspec.json

    try:
        return _below(_DEPTH_MARGIN, msgspec.json.decode, text)
    except (msgspec.MsgspecError, RecursionError, ValueError):
        return REFUSED


def decode_with(decoder: Any, text: bytes) -> Any:
    """``text`` decoded by a msgspec ``decoder`` (of a type), or :data:`REFUSED`.

    Refused too for whatever does not fit the decoder's type; nested no deeper than
    :func:`decode_fast` reads (see :data:`_DEPTH_MARGIN`).
    """
    import msgspec

    try:
        return _below(_DEPTH_MARGIN, decoder.decode, text)
    except (msgspec.MsgspecError, RecursionError, ValueError):
        return REFUSED


def _below(calls: int, decode_json: Any, text: str | bytes) -> Any:
    """``decode_json(text)``, called ``calls`` calls deeper than this one."""
    if calls:
        return _below(calls - 1, decode_json, text)
    return decode_json(text)


def encode_json(data: Any) -> bytes:
    """The file's bytes for ``data`` as the standard library writes them (the fallback)."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def encode_fast(data: Any) -> bytes | None:
    """``data`` as orjson writes it, or None where it refuses (then :func:`encode_json`)."""
    import orjson  # imported at the first save: opening the app does not need it

    try:
        return orjson.dumps(
            data,
            # Only plain JSON values: anything else goes to json, which decides as before.
            option=orjson.OPT_PASSTHROUGH_SUBCLASS
            | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_DATETIME,
        )
    except TypeError:  # orjson.JSONEncodeError is one: big integers, surrogates, other types
        return None


def encode(data: Any) -> bytes:
    """The file's bytes for ``data`` (see the module's notes for which encoder)."""
    fast = None if _non_finite_read else encode_fast(data)
    return encode_json(data) if fast is None else fast
