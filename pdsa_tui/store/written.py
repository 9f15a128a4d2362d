"""Functions the store writes out for a record class, without compiling them at open.

Opening a file checks and builds each table's records with a function written out for
its class's fields (:mod:`.building`; a large file's typed readers, :mod:`.typed`).
Compiling one is slow (the cycles' builder took 1.6 ms of every open at 500 cycles)
and its text is the same at every open, so each text pdsa makes is checked in as
ordinary code (:mod:`.written_code`, imported from its bytecode like any module) and
given the globals it would have been run with. A text not found there is compiled as
before; ``tests/store/test_written.py`` fails until the module is written again
(``python -m pdsa_tui.store.write_code``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any

from pdsa_tui.store.written_code import FUNCTIONS

#: Every text made in this process (what ``write_code`` writes).
TEXTS: set[str] = set()


def function(src: str, env: dict[str, Any], filename: str) -> Callable[..., Any]:
    """The function ``src`` defines (one ``def`` at its top level), with ``env`` as globals.

    The same as ``exec(compile(src, filename, "exec"), env)`` and taking what it defined:
    the checked-in code of this very text when there is one (``env`` is not changed then).
    """
    TEXTS.add(src)
    name = src[4 : src.index("(")]
    made = FUNCTIONS.get(src)
    if made is None:
        exec(compile(src, filename, "exec"), env)  # the caller's own source
        found: Callable[..., Any] = env[name]
        return found
    fn = FunctionType(made.__code__, env, name)
    fn.__qualname__ = name
    return fn


def render(texts: set[str]) -> str:
    """The source of :mod:`pdsa_tui.store.written_code` holding ``texts``."""
    from pdsa_tui.valueinit import render_functions

    return render_functions(
        texts,
        made_by="python -m pdsa_tui.store.write_code",
        see="written.py",
        about="",
        table="FUNCTIONS",
    )
