"""The file's bytes written by orjson mean exactly what ``json`` would have written.

Saves encode with orjson (:mod:`pdsa_tui.store.storage`); its bytes differ from
``json.dumps`` only in leaving out the spaces after ``,`` and ``:``. Proved here: any
JSON value the file can hold reads back (with ``json``, as older pdsa and TinyDB read
it) equal to what ``json`` wrote; and what orjson would change (a number that is not
finite, an integer beyond 64 bits, a lone surrogate) is written by ``json`` as before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import Programme
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pdsa_tui.model import Aim
from pdsa_tui.store import Store
from pdsa_tui.store.storage import decode, encode, encode_fast, encode_json

#: Every JSON value: finite floats (the file's checks and validation refuse others in
#: pdsa's fields), integers of any size, any text (surrogates apart: no file holds them).
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=5),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(JSON)
@example(2**63)
@example(2**64)
@example(-(2**63) - 1)
def test_any_value_reads_back_as_json_wrote_it(value: Any) -> None:
    data = {"meta": {"1": {"app": "pdsa"}}, "t": {"1": {"v": value}}}
    fast = encode_fast(data)
    # orjson writes integers from -2**63 to 2**64 - 1 (signed and unsigned 64 bits) and
    # refuses the rest: json writes them. (Hypothesis found 2**63, which the old bound of
    # |x| < 2**63 called refused.)
    fits = not any(isinstance(x, int) and not -(2**63) <= x < 2**64 for x in _leaves(value))
    assert (fast is not None) == fits
    for written in (fast, encode(data)):
        if written is not None:
            assert json.loads(written) == json.loads(encode_json(data)) == data
            assert decode(written) == data


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in _leaves(v)]
    return [value]


def test_the_layout_is_tinydbs_without_the_spaces(store: Store, programme: Programme) -> None:
    data = json.loads(store.path.read_bytes())
    fast = encode_fast(data)
    assert fast == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert fast.startswith(b'{"meta":{"1":{') and data["meta"]["1"]["app"] == "pdsa"
    assert list(data)[:2] == ["meta", "aims"]
    # Saved in a fresh process (no file with NaN read before it), the file is orjson's.
    saved = subprocess.run(
        [sys.executable, "-c", _CHILD, str(store.path)], capture_output=True, text=True, check=True
    ).stdout
    assert saved.startswith('{"meta":{"1":{') and '"statement":"' in saved


#: In a child process: the note that a file held NaN lasts for the process.
_CHILD = r"""
import dataclasses, json, sys
from pathlib import Path
from pdsa_tui.model import Aim
from pdsa_tui.store import Store

path = Path(sys.argv[1])
with Store.open(path) as store:
    aim = store.aims()[0]
    store.save(dataclasses.replace(aim, statement=aim.statement + " (edited)"))
print(path.read_text(encoding="utf-8"))
"""


def _with_fields(path: Path, **extra: str) -> None:
    """Add raw JSON values to the first aim, as fields of a newer pdsa (kept as they are)."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    key = next(iter(data["aims"]))
    data["aims"][key]["from_newer"] = "@@"
    raw = json.dumps(data, ensure_ascii=False)
    for name, literal in extra.items():
        raw = raw.replace('"from_newer": "@@"', f'"{name}": {literal}, "from_newer": "@@"', 1)
    path.write_text(raw, encoding="utf-8")


def test_a_number_json_reads_but_orjson_would_change_is_kept(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    _with_fields(tmp_db, not_a_number="NaN", too_big="1e400", minus="-Infinity", huge=str(2**70))
    saved = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_db)], capture_output=True, text=True, check=True
    ).stdout
    aim = next(d for d in json.loads(saved)["aims"].values() if d["id"] == programme.aim.id)
    assert aim["statement"].endswith("(edited)")
    assert repr(aim["not_a_number"]) == "nan"
    assert aim["too_big"] == float("inf") and aim["minus"] == float("-inf")
    assert aim["huge"] == 2**70 and isinstance(aim["huge"], int)
    assert '"not_a_number": NaN' in saved and '"too_big": Infinity' in saved  # json wrote them


def test_an_integer_beyond_64_bits_is_kept_in_this_process(
    tmp_db: Path, store: Store, programme: Programme
) -> None:
    _with_fields(tmp_db, huge=str(-(2**80)))
    with Store.open(tmp_db) as again:
        again.save(Aim(code="Aim 2", statement="another"))
    aim = next(d for d in json.loads(tmp_db.read_bytes())["aims"].values() if "huge" in d)
    assert aim["huge"] == -(2**80)
