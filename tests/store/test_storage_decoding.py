"""Reading a file's JSON: msgspec first, json for whatever msgspec refuses.

:func:`pdsa_tui.store.storage.decode` must give exactly what ``json.loads`` gives (the
same values, the same types, the same error), and the file checks the same messages.
"""

from __future__ import annotations

import json
import random
import struct
import sys
from pathlib import Path

import pytest

from pdsa_tui.store import storage
from pdsa_tui.store.checks import decoded
from pdsa_tui.store.errors import UnreadableDatabaseError
from pdsa_tui.store.storage import REFUSED, decode, decode_fast


@pytest.fixture(autouse=True)
def msgspec_for_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small texts are left to json until msgspec is imported: here msgspec reads them all."""
    monkeypatch.setattr(storage, "FAST_FROM", 0)


def test_a_small_text_is_left_to_json_until_msgspec_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(storage, "FAST_FROM", 10)
    monkeypatch.delitem(sys.modules, "msgspec.json", raising=False)
    assert decode_fast(b"[1, 2]") is REFUSED
    assert decode_fast(b"[1, 2, 3, 4, 5]") == [1, 2, 3, 4, 5]  # long enough: msgspec
    assert "msgspec.json" in sys.modules
    assert decode_fast(b"[1, 2]") == [1, 2]  # imported: msgspec for every text


#: Texts json reads in its own way or refuses, and plain ones both read alike.
CASES = [
    b"NaN",
    b"[Infinity]",
    b"[-Infinity]",
    b"1e400",
    b"-1e400",
    b'"\\ud800"',
    b'"\\udc00x"',
    b'{"a":1,"a":2,"b":3}',
    b"-0",
    b"-0.0",
    b"01",
    b"+1",
    b".5",
    b"1.",
    b'"\x01"',
    b'"a\tb"',
    b"\xef\xbb\xbf{}",
    b"{} x",
    b" {} \n",
    b"\x0c{}",
    b"1E5",
    b"[1,]",
    b'{"a":1,}',
    b'"\\u00e9"',
    b'"\\x"',
    b"1" * 5000,
    b"-" + b"9" * 25,
    b"123456789012345678901234567890",
    b"4.9e-324",
    b"1e-400",
    b'"\xff"',
    b'"\xed\xa0\x80"',
    b'"\xc0\xaf"',
    b'"\xf0\x9f\x98\x80 \xc3\xa9 \xe2\x80\xa8"',
    b'{"a":"\\u0000"}',
    b"true",
    b"nul",
    b"\xff\xfe{\x00}\x00",  # UTF-16, which json.loads reads from bytes
]


def _outcome(read, value):
    try:
        got = read(value)
    except Exception as exc:  # the kind of failure is what is compared
        return "error", type(exc).__name__, str(exc)
    return "value", repr(got), type(got).__name__


@pytest.mark.parametrize("raw", CASES)
def test_decode_is_json_loads(raw: bytes) -> None:
    assert _outcome(decode, raw) == _outcome(json.loads, raw)
    text = raw.decode("utf-8", "surrogateescape")
    assert _outcome(decode, text) == _outcome(json.loads, text)


def test_msgspec_never_reads_what_json_refuses_or_reads_otherwise() -> None:
    for raw in CASES:
        fast = decode_fast(raw)
        if fast is not REFUSED:
            assert repr(fast) == repr(json.loads(raw)), raw


def test_numbers_are_the_same_floats_and_ints() -> None:
    rng = random.Random(5)
    texts = []
    for _ in range(3000):
        texts.append(repr(struct.unpack("d", rng.randbytes(8))[0]))
        texts.append(f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 20)}f}")
        whole, part = rng.randint(-(10**30), 10**30), rng.randint(0, 10**25)
        texts.append(f"{whole}.{part}e{rng.randint(-330, 310)}")
        texts.append(str(rng.randint(-(2**80), 2**80)))
    for text in texts:
        assert _outcome(decode, text) == _outcome(json.loads, text), text


def test_deep_nesting_is_refused_as_json_refuses_it(tmp_path: Path) -> None:
    """Around json's depth limit, a file opens or is refused as json decides."""
    path = tmp_path / "deep.json"
    for depth in range(850, 1100, 3):
        raw = b'{"a":' * depth + b"1" + b"}" * depth
        try:
            expected = ("value", json.loads(raw))
        except RecursionError:
            expected = ("error", "nested too deeply")
        try:
            got = ("value", decoded(path, raw))
        except UnreadableDatabaseError as exc:
            assert "nested too deeply" in str(exc)
            got = ("error", "nested too deeply")
        assert got == expected, depth


def test_a_number_beyond_a_float_is_still_noted(monkeypatch: pytest.MonkeyPatch) -> None:
    """``1e400`` goes to json, which notes it (saves then write with json, not orjson)."""
    monkeypatch.setattr(storage, "_non_finite_read", False)
    decode(b'{"v": 1}')
    assert storage._non_finite_read is False
    assert decode(b'{"v": 1e400}') == {"v": float("inf")}
    assert storage._non_finite_read is True
