"""Dataclasses whose ``==``, ``repr`` and ``hash`` are shared functions, not code per class.

Python 3.11's ``@dataclass`` writes each method it adds as source text and compiles it,
one ``exec`` per method and class. ``pdsa`` defines some 60 dataclasses before its first
screen; their ``__eq__`` and ``__repr__`` alone took about 10 ms of its start-up, and a
program rarely calls either. :func:`value_class` is ``@dataclass`` with those two methods
(and a frozen class's ``__hash__``) taken from this module instead: they behave as the
generated ones do (the same fields compared, hashed and shown, the same text), and each
class's field names are looked up once, the first time one of its objects is compared.
``__init__`` and a frozen class's guards come from :mod:`pdsa_tui.valueinit`: the
same functions, without compiling them at import.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

from pdsa_tui import valueinit

_T = TypeVar("_T", bound=type)

#: Per class: its fields' values as a tuple, for ``==`` (fields with ``compare``).
_COMPARED: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
#: Per class: the same for ``hash`` (``hash`` if set, else ``compare``, as dataclasses do).
_HASHED: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
#: Per class: the names ``repr`` shows.
_SHOWN: dict[type, tuple[str, ...]] = {}


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an object's values of ``names``, always as a tuple."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _compared(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    get = _COMPARED[cls] = _getter([f.name for f in dataclasses.fields(cls) if f.compare])
    return get


def _hashed(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [
        f.name
        for f in dataclasses.fields(cls)
        if (f.compare if f.hash is None else f.hash)  # dataclasses' own rule
    ]
    get = _HASHED[cls] = _getter(names)
    return get


def _eq(self: Any, other: Any) -> Any:
    """The generated ``__eq__``: same class, then the compared fields as tuples."""
    cls = self.__class__
    if other.__class__ is cls:
        get = _COMPARED.get(cls) or _compared(cls)
        return get(self) == get(other)
    return NotImplemented


def _hash(self: Any) -> int:
    """The generated frozen ``__hash__``: the hash of the hashed fields' tuple."""
    cls = self.__class__
    return hash((_HASHED.get(cls) or _hashed(cls))(self))


@recursive_repr()
def _repr(self: Any) -> str:
    """The generated ``__repr__``: ``Name(field=value, ...)`` (``...`` for a loop)."""
    cls = self.__class__
    names = _SHOWN.get(cls)
    if names is None:
        names = _SHOWN[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.repr)
    inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
    return f"{cls.__qualname__}({inner})"


def _finish(cls: type, frozen: bool, *, kw_only: bool, slots: bool) -> type:
    """``cls`` made a dataclass, with the shared methods where it defines none."""
    # dataclasses' rule for __hash__ (eq=True, unsafe_hash=False): a class's own
    # __hash__ is kept; else frozen classes hash their fields and others are unhashable.
    own_hash = cls.__dict__.get("__hash__", dataclasses.MISSING)
    explicit_hash = not (
        own_hash is dataclasses.MISSING or (own_hash is None and "__eq__" in cls.__dict__)
    )
    # __init__ (on the Python valueinit mirrors) and a frozen class's guards are made by
    # valueinit, not compiled. The guards only with that __init__ (dataclasses' own
    # would assign through them) and where dataclasses would check nothing more: no
    # dataclass among the bases (frozen ones must match), no slots (a frozen slotted
    # class gets pickling help too), no __setattr__/__delattr__ of its own.
    init = valueinit.MIRRORED
    no_doc = not cls.__doc__
    guards = (
        init
        and frozen
        and not slots
        and "__setattr__" not in cls.__dict__
        and "__delattr__" not in cls.__dict__
        and not any(hasattr(b, "__dataclass_fields__") for b in cls.__mro__[1:])
    )
    made: Any = dataclasses.dataclass(
        cls,
        init=not init,
        eq=False,
        repr=False,
        frozen=frozen and not guards,
        kw_only=kw_only,
        slots=slots,
    )
    params = made.__dataclass_params__
    if init:
        valueinit.make_init(made, frozen, slots)
        params.init = True
        if no_doc:  # dataclasses' docstring, from the signature __init__ gives
            try:
                sig = str(inspect.signature(made)).replace(" -> None", "")
            except (TypeError, ValueError):
                sig = ""
            made.__doc__ = made.__name__ + sig
    if guards:
        valueinit.frozen_guards(made)
        params.frozen = True
    if "__repr__" not in made.__dict__:
        made.__repr__ = _repr
    if "__eq__" not in made.__dict__:
        made.__eq__ = _eq
    if not explicit_hash:
        made.__hash__ = _hash if frozen else None
    return made  # type: ignore[no-any-return]


@overload
def value_class(cls: _T, /) -> _T: ...


@overload
def value_class(
    *, frozen: bool = False, kw_only: bool = False, slots: bool = False
) -> Callable[[_T], _T]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def value_class(
    cls: _T | None = None, /, *, frozen: bool = False, kw_only: bool = False, slots: bool = False
) -> _T | Callable[[_T], _T]:
    """``@dataclass`` (or ``@dataclass(frozen=True, ...)``) with shared ==, repr and hash."""

    def wrap(c: _T) -> _T:
        return _finish(c, frozen, kw_only=kw_only, slots=slots)  # type: ignore[return-value]

    return wrap if cls is None else wrap(cls)
