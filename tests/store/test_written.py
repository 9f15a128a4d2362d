"""The store's written-out functions (builders, typed readers) are checked in as made.

``pdsa_tui/store/written_code.py`` holds the text of every function the store writes
out for a record class; a text missing there is compiled at each open (slower, the
same function). This test fails while the module is stale: run
``python -m pdsa_tui.store.write_code``.
"""

from __future__ import annotations

from typing import Any

from pdsa_tui.store import write_code, written
from pdsa_tui.store.written_code import FUNCTIONS


def test_the_checked_in_functions_are_the_ones_the_store_writes_out() -> None:
    texts = write_code.all_texts()
    assert sorted(texts) == sorted(FUNCTIONS), "run: python -m pdsa_tui.store.write_code"
    assert write_code.MADE_PATH.read_text(encoding="utf-8") == written.render(texts)


def test_a_checked_in_function_behaves_as_its_text_compiled() -> None:
    """Same globals, same answers: the checked-in code and the compiled text alike."""
    src = "def twice(x):\n    return K * x"
    env: dict[str, Any] = {"K": 2}
    made = written.function(src, env, "<test>")
    assert made(4) == 8 and made.__name__ == "twice"
    try:
        FUNCTIONS[src] = made
        again = written.function(src, {"K": 3}, "<test>")
        assert again(4) == 12 and again.__name__ == "twice" and again is not made
    finally:
        del FUNCTIONS[src]
        written.TEXTS.discard(src)
