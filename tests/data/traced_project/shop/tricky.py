"""Constructs a wrapping tracer must not break (enums, dataclasses, slots, ABCs, decorators, registries)."""

import abc
import dataclasses
import enum
import functools
import typing
import warnings


class Color(enum.Enum):
    RED = 1
    GREEN = 2

    def describe(self):
        return self.name.lower()

    @classmethod
    def parse(cls, text):
        return cls[text.upper()]


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y: int

    def norm1(self):
        return abs(self.x) + abs(self.y)


class Slotted:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    @property
    def double(self):
        return self.value * 2

    @double.setter
    def double(self, new):
        self.value = new // 2


class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self):
        """The area."""


class Square(Shape):
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side**2


class Pair(typing.NamedTuple):
    a: int
    b: str

    def show(self):
        return "%d-%s" % self


def logged(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        return fn(*args, **kwargs)

    return inner


@logged
def scale(value, factor=2):
    return value * factor


@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@functools.singledispatch
def show(x):
    return "object"


@show.register
def _(x: int):
    return "int"


def helper(x):
    return x + 1


def apply(x, fn=helper):
    return fn(x)


def depth(tree):
    return 1 + max((depth(child) for child in tree), default=0)


def old_api(x):
    warnings.warn("old_api is deprecated", DeprecationWarning, stacklevel=2)
    return x


def countdown(n):
    while n > 0:
        got = yield n
        n -= 1 if got is None else got
    return "done"
