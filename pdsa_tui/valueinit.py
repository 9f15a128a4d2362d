"""A dataclass's ``__init__`` and frozen guards made without compiling code at import.

Python 3.11's ``@dataclass`` writes each ``__init__`` as source text and compiles it
(``exec``) while the class is defined, and a frozen class's ``__setattr__`` and
``__delattr__`` too: about 11 ms of ``pdsa``'s start-up for some 60 classes.

:func:`make_init` writes the same text as ``dataclasses`` (a mirror of 3.11's
``_init_fn``, held to it by tests/unit/test_valueinit.py) and looks it up in
:mod:`pdsa_tui.valueinit_made`, where each text pdsa's own classes need is checked
in as ordinary code (imported from its bytecode like any module). A text not found
there is compiled exactly as ``dataclasses`` would; a test fails until the module is
written again (``python -m pdsa_tui.valueinit``). Either way the function is the one
``dataclasses`` makes: the same parameters, defaults, factories, keyword-only fields,
``__post_init__`` call, globals and error messages.

:func:`frozen_guards` makes the frozen pair as closures over the class and its field
names, which is what the generated code is (no text to compile).
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import MISSING, Field, FrozenInstanceError
from pathlib import Path
from types import FunctionType
from typing import Any

from pdsa_tui.valueinit_made import FACTORIES

#: ``__init__`` is made here only on the Python whose ``dataclasses`` this mirrors.
MIRRORED = sys.version_info[:2] == (3, 11)

# dataclasses' own markers: the kind of each entry of __dataclass_fields__, and the
# default shown for a field with a factory (``<factory>`` in the signature).
_FIELD = getattr(dataclasses, "_FIELD", None)
_FIELD_INITVAR = getattr(dataclasses, "_FIELD_INITVAR", None)
_HAS_DEFAULT_FACTORY = getattr(dataclasses, "_HAS_DEFAULT_FACTORY", None)

#: Every ``__init__`` text made for a class of ``pdsa_tui``: what :func:`write` writes.
TEXTS: set[str] = set()


def init_text(cls: type, frozen: bool, slots: bool) -> tuple[str, dict[str, Any]]:
    """The source ``dataclasses`` compiles for ``cls.__init__``, and its local names.

    ``cls`` has been through ``dataclasses.dataclass(init=False)``. Raises the
    TypeError ``dataclasses`` raises for a field without a default after one with.
    """
    fields: dict[str, Field[Any]] = cls.__dataclass_fields__  # type: ignore[attr-defined]
    all_init = [f for f in fields.values() if f._field_type in (_FIELD, _FIELD_INITVAR)]  # type: ignore[attr-defined]
    std = [f for f in all_init if f.init and not f.kw_only]
    kw_only = [f for f in all_init if f.init and f.kw_only]
    seen_default = False
    for f in std:
        if not (f.default is MISSING and f.default_factory is MISSING):
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    self_name = "__dataclass_self__" if "self" in fields else "self"

    local: dict[str, Any] = {f"_type_{f.name}": f.type for f in all_init}
    local.update(
        {
            "MISSING": MISSING,
            "_HAS_DEFAULT_FACTORY": _HAS_DEFAULT_FACTORY,
            "__dataclass_builtins_object__": object,
        }
    )
    body = []
    for f in all_init:
        line = _field_init(f, frozen, local, self_name, slots)
        if line:
            body.append(line)
    if hasattr(cls, "__post_init__"):
        names = ",".join(f.name for f in all_init if f._field_type is _FIELD_INITVAR)  # type: ignore[attr-defined]
        body.append(f"{self_name}.__post_init__({names})")
    if not body:
        body = ["pass"]
    params = [_init_param(f) for f in std]
    if kw_only:
        params += ["*", *(_init_param(f) for f in kw_only)]
    local["_return_type"] = None
    args = ",".join([self_name, *params])
    lines = "\n".join(f"  {b}" for b in body)
    text = f" def __init__({args})->_return_type:\n{lines}"
    return f"def __create_fn__({', '.join(local)}):\n{text}\n return __init__", local


def _field_init(f: Field[Any], frozen: bool, local: dict[str, Any], me: str, slots: bool) -> str:
    """The body's line setting field ``f`` (empty when it needs none): dataclasses' own."""
    default_name = f"_dflt_{f.name}"
    if f.default_factory is not MISSING:
        local[default_name] = f.default_factory
        if f.init:
            value = f"{default_name}() if {f.name} is _HAS_DEFAULT_FACTORY else {f.name}"
        else:
            value = f"{default_name}()"
    elif f.init:
        if f.default is not MISSING:
            local[default_name] = f.default
        value = f.name
    elif slots and f.default is not MISSING:
        local[default_name] = f.default
        value = default_name
    else:
        return ""
    if f._field_type is _FIELD_INITVAR:  # type: ignore[attr-defined]
        return ""
    if frozen:
        return f"__dataclass_builtins_object__.__setattr__({me},{f.name!r},{value})"
    return f"{me}.{f.name}={value}"


def _init_param(f: Field[Any]) -> str:
    """The parameter of field ``f``, as dataclasses writes it."""
    if f.default is not MISSING:
        default = f"=_dflt_{f.name}"
    elif f.default_factory is not MISSING:
        default = "=_HAS_DEFAULT_FACTORY"
    else:
        default = ""
    return f"{f.name}:_type_{f.name}{default}"


def make_init(cls: type, frozen: bool, slots: bool) -> None:
    """Give ``cls`` the ``__init__`` ``@dataclass`` would (unless it defines its own)."""
    text, local = init_text(cls, frozen, slots)
    if "__init__" in cls.__dict__:
        return  # dataclasses keeps a class's own __init__ too
    module = sys.modules.get(cls.__module__)
    namespace = module.__dict__ if module is not None else {}
    if cls.__module__.startswith("pdsa_tui.") and "<locals>" not in cls.__qualname__:
        TEXTS.add(text)  # a class made in a function is compiled: importing can't list it
    made = FACTORIES.get(text)
    if made is None:
        found: dict[str, Any] = {}
        # What dataclasses does: the same text and globals (and not this module's
        # ``from __future__ import annotations``: the annotations are the types).
        exec(compile(text, "<string>", "exec", dont_inherit=True), namespace, found)
        factory = found["__create_fn__"]
    else:
        # The checked-in code of this very text, given the class's module as its globals.
        factory = FunctionType(made.__code__, namespace)
    init = factory(**local)
    init.__qualname__ = f"{cls.__qualname__}.{init.__name__}"
    cls.__init__ = init  # type: ignore[misc]


def frozen_guards(cls: type) -> None:
    """A frozen dataclass's ``__setattr__`` and ``__delattr__``, as dataclasses makes them."""
    names = tuple(f.name for f in dataclasses.fields(cls))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)  # type: ignore[arg-type]

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)  # type: ignore[arg-type]

    for fn in (__setattr__, __delattr__):
        fn.__qualname__ = f"{cls.__qualname__}.{fn.__name__}"
        setattr(cls, fn.__name__, fn)


def render(texts: set[str]) -> str:
    """The source of :mod:`pdsa_tui.valueinit_made` holding ``texts``."""
    return render_functions(
        texts,
        made_by="python -m pdsa_tui.valueinit",
        see="valueinit.py",
        about="as ``dataclasses`` writes it, ",
        table="FACTORIES",
    )


def render_functions(texts: set[str], *, made_by: str, see: str, about: str, table: str) -> str:
    """A checked-in module of compiled ``texts`` (each a ``def``): each text renamed
    ``_N``, and ``table`` mapping each text to its function. Shared by this module's
    ``__init__`` texts and the store's record builders (:mod:`pdsa_tui.store.written`)."""
    out = [
        f'"""Generated by ``{made_by}``: do not edit (see {see}).',
        "",
        f"Each function is the text that is its key, {about}renamed.",
        '"""',
        "",
        "# mypy: ignore-errors",
        "# ruff: noqa",
        "# fmt: off",
        "",
    ]
    keys = []
    for i, text in enumerate(sorted(texts)):
        assert text.startswith("def "), text
        out += [f"def _{i}{text[text.index('(') :]}", ""]
        keys.append(f"    {text!r}: _{i},")
    out += [f"{table} = {{", *keys, "}", ""]
    return "\n".join(out)


#: The generated module's file.
MADE_PATH = Path(__file__).with_name("valueinit_made.py")


def all_texts() -> set[str]:
    """The ``__init__`` texts of every class in ``pdsa_tui`` (every module imported)."""
    import importlib
    import pkgutil

    import pdsa_tui

    for info in pkgutil.walk_packages(pdsa_tui.__path__, "pdsa_tui."):
        if info.name != "pdsa_tui.__main__":
            importlib.import_module(info.name)
    # This module's copy that the classes used (not __main__'s, when run as a script).
    return set(importlib.import_module("pdsa_tui.valueinit").TEXTS)


def write() -> int:
    """Write :mod:`pdsa_tui.valueinit_made` for every class ``pdsa_tui`` defines now."""
    if not MIRRORED:
        print("run this on Python 3.11, whose dataclasses it mirrors", file=sys.stderr)
        return 1
    texts = all_texts()
    MADE_PATH.write_text(render(texts), encoding="utf-8")
    print(f"wrote {MADE_PATH} ({len(texts)} __init__ texts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(write())
