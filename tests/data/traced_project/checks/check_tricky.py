import abc
import dataclasses

import pytest

from shop import tricky
from shop.tricky import Color, Pair, Point, Slotted, Square, apply, depth, helper, scale


def test_enum():
    assert Color.RED.describe() == "red"
    assert Color.parse("green") is Color.GREEN
    assert list(Color) == [Color.RED, Color.GREEN]


def test_dataclass_and_namedtuple():
    p = Point(3, -4)
    assert p.norm1() == 7 and p == Point(3, -4) and dataclasses.asdict(p) == {"x": 3, "y": -4}
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 1
    assert Pair(1, "a").show() == "1-a" and Pair._fields == ("a", "b")


def test_slots_and_property_setter():
    s = Slotted(4)
    assert s.double == 8
    s.double = 10
    assert s.value == 5
    with pytest.raises(AttributeError):
        s.other = 1


def test_abc():
    with pytest.raises(TypeError):
        tricky.Shape()
    assert Square(3).area() == 9
    assert isinstance(Square(1), tricky.Shape) and getattr(tricky.Shape.area, "__isabstractmethod__", False)
    assert abc.ABC in tricky.Shape.__mro__


def test_decorators_and_registries():
    assert scale(3) == 6 and scale.__name__ == "scale"
    assert tricky.fib(20) == 6765 and tricky.fib.cache_info().hits > 0
    assert tricky.show(1) == "int" and tricky.show("x") == "object"
    assert apply(1) == 2 and apply.__defaults__[0] is helper


def test_recursion_and_generators():
    assert depth([[], [[]]]) == 3
    gen = tricky.countdown(5)
    assert next(gen) == 5 and gen.send(2) == 3 and list(gen) == [2, 1]


def test_warning():
    with pytest.warns(DeprecationWarning):
        assert tricky.old_api(1) == 1
