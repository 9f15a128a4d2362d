"""``value_class`` behaves as ``@dataclass`` does: the same ==, repr, hash and guards."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest

from pdsa_tui.valueclass import value_class


def _pair(frozen: bool = False, slots: bool = False) -> tuple[type, type]:
    """The same class made by ``@dataclass`` and by ``@value_class``."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {"a": "int", "b": "str", "hidden": "int", "note": "str"},
            "b": "x",
            "hidden": field(default=0, repr=False),
            "note": field(default="", compare=False),
        }

    old = dataclass(frozen=frozen, slots=slots)(type("Point", (), body()))
    new = value_class(frozen=frozen, slots=slots)(type("Point", (), body()))
    return old, new


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("slots", [False, True])
def test_same_eq_repr_and_hash_as_dataclass(frozen: bool, slots: bool) -> None:
    old, new = _pair(frozen, slots)
    for args in [(1, "x", 2, "n"), (1, "y", 0, ""), (0, "", 0, "other note")]:
        o, n = old(*args), new(*args)
        assert repr(n) == repr(o)
        assert n == new(*args)
        assert not n != new(*args)  # noqa: SIM202 - != is what is tested
        # A field left out of the comparison does not count.
        assert n == new(*args[:3], "another note")
        assert n != new(args[0] + 1, *args[1:])
        assert n != o  # another class: NotImplemented both ways, so not equal
        if frozen:
            assert hash(n) == hash(o)
            assert len({n, new(*args)}) == 1
        else:
            with pytest.raises(TypeError, match="unhashable"):
                hash(n)
    assert new.__eq__(new(1), 5) is NotImplemented


def test_frozen_guards_fields_and_replace_still_work() -> None:
    _, new = _pair(frozen=True)
    p = new(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.a = 2
    assert dataclasses.replace(p, a=2) == new(2)
    assert [f.name for f in dataclasses.fields(p)] == ["a", "b", "hidden", "note"]
    assert dataclasses.is_dataclass(new)


def test_a_class_keeps_its_own_methods() -> None:
    @value_class(frozen=True)
    class Own:
        a: int

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 7

        def __repr__(self) -> str:
            return "own"

    assert Own(1) == Own(2) and hash(Own(1)) == 7 and repr(Own(1)) == "own"

    @value_class
    class OnlyEq:
        a: int

        def __eq__(self, other: object) -> bool:
            return True

    # As with @dataclass: a class defining __eq__ alone is unhashable.
    assert OnlyEq.__hash__ is None


def test_subclass_compares_its_own_fields_and_recursion_shows_dots() -> None:
    @value_class
    class Base:
        a: int

    @value_class
    class Child(Base):
        b: list[Any] = field(default_factory=list)

    c = Child(1, [])
    c.b.append(c)
    assert repr(c) == f"{Child.__qualname__}(a=1, b=[...])"
    assert Child.__qualname__.endswith("<locals>.Child")
    assert Child(1, [2]) != Child(1, [3])
    assert Base(1) != Child(1)  # classes differ, as dataclass's == requires


def test_one_field_and_no_field_classes() -> None:
    @value_class(frozen=True)
    class One:
        a: int

    @value_class(frozen=True)
    class Empty:
        pass

    @dataclass(frozen=True)
    class OneOld:
        a: int

    assert hash(One(3)) == hash(OneOld(3)) and One(3) == One(3) and One(3) != One(4)
    assert Empty() == Empty() and hash(Empty()) == hash(()) and repr(Empty()).endswith("Empty()")


def test_records_compare_by_value() -> None:
    from pdsa_tui.model import Aim

    a = Aim(code="Aim 1", statement="Fewer late reports", id="a1")
    assert a == dataclasses.replace(a) and a != dataclasses.replace(a, code="Aim 2")
    assert repr(a).startswith("Aim(") and "code='Aim 1'" in repr(a)
    with pytest.raises(TypeError):
        hash(a)
