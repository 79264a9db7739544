"""List and integer primitives, a superset of DreamCoder's list DSL.

Lists are tuples. Every primitive is pure; one that would build a huge value or an
unbounded integer raises instead, which fails only the example being run.
"""

from __future__ import annotations

from collections.abc import Callable

from metagrow.lang import BOOL, INT, T0, T1, Primitive, Type, arrow, tlist

MAX_LENGTH = 10_000
MAX_INT = 1 << 62

Fn = Callable[[object], object]
Thunk = Callable[[], object]
LI, LT0, LT1 = tlist(INT), tlist(T0), tlist(T1)


def _int(n: int) -> int:
    if -MAX_INT <= n <= MAX_INT:
        return n
    raise OverflowError("integer too large")


def _sized(xs: tuple[object, ...]) -> tuple[object, ...]:
    if len(xs) > MAX_LENGTH:
        raise OverflowError("list too long")
    return xs


def _if(c: Thunk, t: Thunk, e: Thunk) -> object:
    return t() if c() else e()


def _head(xs: tuple[object, ...]) -> object:
    if not xs:
        raise IndexError("head of an empty list")
    return xs[0]


def _index(i: int, xs: tuple[object, ...]) -> object:
    if not 0 <= i < len(xs):
        raise IndexError(f"index {i} is outside a list of length {len(xs)}")
    return xs[i]


def _extreme(pick: Callable[[tuple[int, ...]], int], name: str) -> Callable[[tuple[int, ...]], int]:
    def extreme(xs: tuple[int, ...]) -> int:
        if not xs:
            raise ValueError(f"{name} of an empty list")
        return pick(xs)

    return extreme


def _range(n: int) -> tuple[int, ...]:
    if n > MAX_LENGTH:
        raise OverflowError("range too long")
    return tuple(range(n))


def _fold(xs: tuple[object, ...], init: object, f: Fn) -> object:
    acc = init
    for x in reversed(xs):
        acc = f(x)(acc)  # type: ignore[operator]
    return acc


def _unfold(seed: object, stop: Fn, head: Fn, step: Fn) -> tuple[object, ...]:
    out: list[object] = []
    while not stop(seed):
        out.append(head(seed))
        if len(out) > MAX_LENGTH:
            raise OverflowError("unfold too long")
        seed = step(seed)
    return tuple(out)


def _fix1(x: object, f: Fn) -> object:
    def rec(y: object) -> object:
        return f(rec)(y)  # type: ignore[operator]

    return rec(x)


def _mod(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("mod by zero")
    return a % b


def _prim(
    name: str, t: Type, value: object, lazy: bool = False, commutative: bool = False
) -> Primitive:
    return Primitive(name, t, value, lazy, commutative)


def list_primitives() -> tuple[Primitive, ...]:
    """The lists domain's base library, in a fixed order."""
    consts = tuple(_prim(str(i), INT, i) for i in range(6))
    return (
        *consts,
        _prim("true", BOOL, True),
        _prim("false", BOOL, False),
        _prim("+", arrow(INT, INT, INT), lambda a, b: _int(a + b), commutative=True),
        _prim("-", arrow(INT, INT, INT), lambda a, b: _int(a - b)),
        _prim("*", arrow(INT, INT, INT), lambda a, b: _int(a * b), commutative=True),
        _prim("mod", arrow(INT, INT, INT), _mod),
        _prim("eq?", arrow(INT, INT, BOOL), lambda a, b: a == b, commutative=True),
        _prim("gt?", arrow(INT, INT, BOOL), lambda a, b: a > b),
        _prim("even?", arrow(INT, BOOL), lambda a: a % 2 == 0),
        _prim("not", arrow(BOOL, BOOL), lambda a: not a),
        _prim(
            "and", arrow(BOOL, BOOL, BOOL), lambda a, b: a() and b(), lazy=True, commutative=True
        ),
        _prim("or", arrow(BOOL, BOOL, BOOL), lambda a, b: a() or b(), lazy=True, commutative=True),
        _prim("if", arrow(BOOL, T0, T0, T0), _if, lazy=True),
        _prim("empty", LT0, ()),
        _prim("cons", arrow(T0, LT0, LT0), lambda x, xs: _sized((x, *xs))),
        _prim("head", arrow(LT0, T0), _head),
        _prim(
            "tail", arrow(LT0, LT0), lambda xs: xs[1:] if xs else _raise("tail of an empty list")
        ),
        _prim("empty?", arrow(LT0, BOOL), lambda xs: not xs),
        _prim("length", arrow(LT0, INT), len),
        _prim("index", arrow(INT, LT0, T0), _index),
        _prim("append", arrow(LT0, LT0, LT0), lambda a, b: _sized(a + b)),
        _prim("range", arrow(INT, LI), _range),
        _prim("take", arrow(INT, LT0, LT0), lambda n, xs: xs[: max(n, 0)]),
        _prim("drop", arrow(INT, LT0, LT0), lambda n, xs: xs[max(n, 0) :]),
        _prim("reverse", arrow(LT0, LT0), lambda xs: xs[::-1]),
        _prim("sort", arrow(LI, LI), lambda xs: tuple(sorted(xs))),
        _prim("sum", arrow(LI, INT), lambda xs: _int(sum(xs))),
        _prim("max", arrow(LI, INT), _extreme(max, "max")),
        _prim("min", arrow(LI, INT), _extreme(min, "min")),
        _prim("map", arrow(arrow(T0, T1), LT0, LT1), lambda f, xs: tuple(map(f, xs))),
        _prim("filter", arrow(arrow(T0, BOOL), LT0, LT0), lambda f, xs: tuple(filter(f, xs))),
        _prim("fold", arrow(LT0, T1, arrow(T0, T1, T1), T1), _fold),
        _prim(
            "unfold",
            arrow(T0, arrow(T0, BOOL), arrow(T0, T1), arrow(T0, T0), LT1),
            _unfold,
        ),
        _prim("fix1", arrow(T0, arrow(arrow(T0, T1), T0, T1), T1), _fix1),
    )


def _raise(message: str) -> object:
    raise ValueError(message)
