"""``value_class``'s ``__init__`` and frozen guards are the ones ``@dataclass`` makes.

The ``__init__`` text is held to the text ``dataclasses`` itself compiles (captured from
its ``_create_fn``) for many shapes of class; the checked-in module to the texts pdsa's
classes need; and behaviour (signature, defaults, factories, errors) to ``@dataclass``.
"""

from __future__ import annotations

import dataclasses
import inspect
import sys
from dataclasses import KW_ONLY, InitVar, dataclass, field
from typing import Any, ClassVar

import pytest

from pdsa_tui import valueinit
from pdsa_tui.valueclass import value_class

mirrored = pytest.mark.skipif(not valueinit.MIRRORED, reason="mirrors Python 3.11's dataclasses")


def _post_init(self: Any, *extra: Any) -> None:
    """A __post_init__ that records what it was given."""
    object.__setattr__(self, "seen", extra)


#: Class bodies of many shapes: (name, bases' body or None, body).
SHAPES: dict[str, dict[str, Any]] = {
    "plain": {"__annotations__": {"a": "int", "b": "str"}},
    "empty": {"__annotations__": {}},
    "defaults": {
        "__annotations__": {"a": "int", "b": "str", "c": "list[int]"},
        "b": "x",
        "c": field(default_factory=list),
    },
    "kw": {
        "__annotations__": {"a": "int", "_": KW_ONLY, "b": "int", "c": "int"},
        "_": None,
        "c": 3,
    },
    "kw_field": {"__annotations__": {"a": "int", "b": "int"}, "a": 1, "b": field(kw_only=True)},
    "no_init": {
        "__annotations__": {"a": "int", "b": "int", "c": "list[int]", "d": "int"},
        "b": field(default=2, init=False),
        "c": field(default_factory=list, init=False),
        "d": field(init=False, repr=False),
    },
    "self_field": {"__annotations__": {"self": "int", "other": "int"}, "other": 0},
    "post_init": {
        "__annotations__": {"a": "int", "seen": "tuple[Any, ...]"},
        "seen": field(default=(), init=False),
        "__post_init__": _post_init,
    },
    "initvar": {
        "__annotations__": {"a": "int", "v": InitVar[int], "seen": "tuple[Any, ...]"},
        "v": 5,
        "seen": field(default=(), init=False),
        "__post_init__": _post_init,
    },
    "classvar": {"__annotations__": {"a": "int", "k": ClassVar[int]}, "k": 4},
    "mutable_default_factory": {
        "__annotations__": {"a": "dict[str, int]"},
        "a": field(default_factory=dict),
    },
}
OPTIONS = [
    {},
    {"frozen": True},
    {"kw_only": True},
    {"slots": True},
    {"frozen": True, "slots": True},
]


def _make(maker: Any, shape: str, options: dict[str, Any]) -> type:
    body = {k: v for k, v in SHAPES[shape].items()}
    body["__annotations__"] = dict(body["__annotations__"])
    body["__module__"] = __name__
    body["__doc__"] = None
    body["__qualname__"] = f"Shape_{shape}"
    return maker(**options)(type(f"Shape_{shape}", (), body))  # type: ignore[no-any-return]


def _captured_text(shape: str, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> str:
    """The text dataclasses compiles for this shape's __init__."""
    seen: list[str] = []
    create = dataclasses._create_fn  # type: ignore[attr-defined]

    def capture(name: str, args: Any, body: Any, **kw: Any) -> Any:
        if name == "__init__":
            local = dict(kw.get("locals") or {})
            if kw.get("return_type", dataclasses.MISSING) is not dataclasses.MISSING:
                local["_return_type"] = None
            lines = "\n".join(f"  {b}" for b in body)
            text = f" def {name}({','.join(args)})->_return_type:\n{lines}"
            seen.append(f"def __create_fn__({', '.join(local)}):\n{text}\n return {name}")
        return create(name, args, body, **kw)

    with monkeypatch.context() as m:
        m.setattr(dataclasses, "_create_fn", capture)
        _make(dataclass, shape, options)
    assert len(seen) == 1
    return seen[0]


@mirrored
@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_init_text_is_dataclasses_own(
    shape: str, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    if shape == "self_field" and options.get("slots"):
        pytest.skip("a slot named self is not what this tests")
    expected = _captured_text(shape, options, monkeypatch)
    cls = dataclass(init=False, **options)(_make(lambda **o: lambda c: c, shape, {}))
    text, _ = valueinit.init_text(cls, options.get("frozen", False), options.get("slots", False))
    assert text == expected


def _calls(shape: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Calls to try on each shape's class: good ones and wrong ones."""
    return [
        ((), {}),
        ((1,), {}),
        ((1, "y"), {}),
        ((1, 2, 3), {}),
        ((), {"a": 1}),
        ((), {"a": 1, "b": 2}),
        ((1,), {"b": 2, "c": 9}),
        ((1,), {"v": 7}),
        ((1,), {"nope": 1}),
        ((), {"self": 1}),
        ((), {"self": 1, "other": 2}),
        ((1, 2), {"a": 1}),
    ]


def _outcome(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        obj = cls(*args, **kwargs)
    except TypeError as exc:
        return ("TypeError", str(exc).replace(cls.__qualname__, "C"))
    values = {f.name: getattr(obj, f.name, "<unset>") for f in dataclasses.fields(obj)}
    return ("made", values, getattr(obj, "seen", None))


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_behaves_as_dataclass(shape: str, options: dict[str, Any]) -> None:
    if shape == "self_field" and options.get("slots"):
        pytest.skip("a slot named self is not what this tests")
    old = _make(dataclass, shape, options)
    new = _make(value_class, shape, options)
    assert str(inspect.signature(new)) == str(inspect.signature(old))
    assert new.__doc__ == old.__doc__
    assert new.__init__.__qualname__ == old.__init__.__qualname__  # type: ignore[misc]
    assert new.__init__.__annotations__ == old.__init__.__annotations__  # type: ignore[misc]
    assert new.__init__.__globals__ is old.__init__.__globals__  # type: ignore[misc]
    assert getattr(new, "__match_args__", None) == getattr(old, "__match_args__", None)
    assert dataclasses.fields(new) == dataclasses.fields(old) or [
        f.name for f in dataclasses.fields(new)
    ] == [f.name for f in dataclasses.fields(old)]
    for f in ("init", "frozen"):
        assert getattr(new.__dataclass_params__, f) == getattr(old.__dataclass_params__, f)  # type: ignore[attr-defined]
    for args, kwargs in _calls(shape):
        assert _outcome(new, args, kwargs) == _outcome(old, args, kwargs), (args, kwargs)
    if shape == "defaults":  # a factory's value is new for each object
        assert new(a=1).c is not new(a=1).c  # type: ignore[call-arg]


def test_default_after_non_default_is_refused_the_same() -> None:
    body = {"__annotations__": {"a": "int", "b": "int"}, "a": 1}
    with pytest.raises(TypeError) as old:
        dataclass(type("Bad", (), dict(body)))
    with pytest.raises(TypeError) as new:
        value_class(type("Bad", (), dict(body)))
    assert str(new.value) == str(old.value)
    assert str(new.value).startswith("non-default argument 'b' follows default argument")


def test_own_init_is_kept() -> None:
    @value_class(frozen=True)
    class Own:
        a: int

        def __init__(self) -> None:
            object.__setattr__(self, "a", 5)

    assert Own().a == 5


def _frozen_pair() -> tuple[Any, Any]:
    body = {"__annotations__": {"a": "int", "b": "int"}, "b": 0}
    return dataclass(frozen=True)(type("F", (), dict(body))), value_class(frozen=True)(
        type("F", (), dict(body))
    )


def test_frozen_guards_raise_as_dataclass_does() -> None:
    old, new = _frozen_pair()
    for cls in (old, new):
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        assert cls.__setattr__.__qualname__ == "F.__setattr__"
    results = []
    for cls in (old, new):
        obj = cls(1)
        out = []
        for action in (
            lambda o: setattr(o, "a", 2),
            lambda o: setattr(o, "other", 2),
            lambda o: delattr(o, "b"),
            lambda o: delattr(o, "other"),
        ):
            try:
                action(obj)
                out.append("ok")
            except dataclasses.FrozenInstanceError as exc:
                out.append(f"frozen: {exc}")
        results.append(out)
    assert results[0] == results[1]
    assert results[1][0] == "frozen: cannot assign to field 'a'"
    assert results[1][2] == "frozen: cannot delete field 'b'"


def test_frozen_guards_in_a_plain_subclass_and_frozen_inheritance() -> None:
    old, new = _frozen_pair()
    for cls in (old, new):

        class Sub(cls):  # type: ignore[valid-type, misc]
            pass

        s = Sub(1)
        s.extra = 3  # not a field: allowed in a subclass, as with dataclass
        assert s.extra == 3
        with pytest.raises(dataclasses.FrozenInstanceError):
            s.a = 2
        with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen"):
            value_class(type("Thawed", (cls,), {"__annotations__": {"c": "int"}, "c": 0}))
        child = value_class(frozen=True)(
            type("Child", (cls,), {"__annotations__": {"c": "int"}, "c": 0})
        )
        with pytest.raises(dataclasses.FrozenInstanceError):
            child(1).c = 2
    thawed = value_class(type("Base", (), {"__annotations__": {"a": "int"}}))
    with pytest.raises(TypeError, match="cannot inherit frozen dataclass from a non-frozen"):
        value_class(frozen=True)(type("Frozen", (thawed,), {"__annotations__": {}}))


def test_own_setattr_is_refused_as_dataclass_does() -> None:
    body = {"__annotations__": {"a": "int"}, "__setattr__": lambda self, n, v: None}
    with pytest.raises(TypeError, match="Cannot overwrite attribute __setattr__"):
        value_class(frozen=True)(type("S", (), body))


@mirrored
def test_checked_in_inits_are_pdsa_classes_texts() -> None:
    """valueinit_made.py is what ``python -m pdsa_tui.valueinit`` writes today."""
    assert valueinit.MADE_PATH.read_text(encoding="utf-8") == valueinit.render(
        valueinit.all_texts()
    ), "a class changed: run python -m pdsa_tui.valueinit"


@mirrored
def test_pdsa_classes_use_the_checked_in_code() -> None:
    from pdsa_tui.model import Aim, Cycle
    from pdsa_tui.valueinit_made import FACTORIES

    assert FACTORIES
    for cls in (Aim, Cycle):
        assert cls.__init__.__code__.co_filename.endswith("valueinit_made.py")
        assert cls.__init__.__globals__ is sys.modules[cls.__module__].__dict__
