"""The functions behind the list primitives, in plain Python.

This module imports only the standard library: ``metagrow export --to python`` copies the
functions a program uses, and what they use, into the exported module, so that the
program runs exactly as the interpreter runs it, without metagrow. Lists are tuples.
Every function is pure; one that would build a huge value or an unbounded integer raises
instead, which fails only the example being run. A function taking ``Thunk`` arguments
is lazy: it gets each argument as a function of no arguments and runs only those it
needs. A function argument ``f`` of two arguments is curried: ``f(x)(acc)``.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_LENGTH = 10_000
MAX_INT = 1 << 62

Fn = Callable[[object], object]
Thunk = Callable[[], object]


def checked_int(n: int) -> int:
    if -MAX_INT <= n <= MAX_INT:
        return n
    raise OverflowError("integer too large")


def sized(xs: tuple[object, ...]) -> tuple[object, ...]:
    if len(xs) > MAX_LENGTH:
        raise OverflowError("list too long")
    return xs


def plus(a: int, b: int) -> int:
    return checked_int(a + b)


def minus(a: int, b: int) -> int:
    return checked_int(a - b)


def times(a: int, b: int) -> int:
    return checked_int(a * b)


def modulo(a: int, b: int) -> int:
    if b == 0:
        raise ZeroDivisionError("mod by zero")
    return a % b


def equal(a: int, b: int) -> bool:
    return a == b


def greater(a: int, b: int) -> bool:
    return a > b


def even(a: int) -> bool:
    return a % 2 == 0


def negation(a: bool) -> bool:
    return not a


def both(a: Thunk, b: Thunk) -> object:
    return a() and b()


def either(a: Thunk, b: Thunk) -> object:
    return a() or b()


def if_then_else(c: Thunk, t: Thunk, e: Thunk) -> object:
    return t() if c() else e()


def cons(x: object, xs: tuple[object, ...]) -> tuple[object, ...]:
    return sized((x, *xs))


def head(xs: tuple[object, ...]) -> object:
    if not xs:
        raise IndexError("head of an empty list")
    return xs[0]


def tail(xs: tuple[object, ...]) -> tuple[object, ...]:
    if not xs:
        raise ValueError("tail of an empty list")
    return xs[1:]


def is_empty(xs: tuple[object, ...]) -> bool:
    return not xs


def length(xs: tuple[object, ...]) -> int:
    return len(xs)


def index(i: int, xs: tuple[object, ...]) -> object:
    if not 0 <= i < len(xs):
        raise IndexError(f"index {i} is outside a list of length {len(xs)}")
    return xs[i]


def append(a: tuple[object, ...], b: tuple[object, ...]) -> tuple[object, ...]:
    return sized(a + b)


def count_to(n: int) -> tuple[int, ...]:
    if n > MAX_LENGTH:
        raise OverflowError("range too long")
    return tuple(range(n))


def take(n: int, xs: tuple[object, ...]) -> tuple[object, ...]:
    return xs[: max(n, 0)]


def drop(n: int, xs: tuple[object, ...]) -> tuple[object, ...]:
    return xs[max(n, 0) :]


def reverse(xs: tuple[object, ...]) -> tuple[object, ...]:
    return xs[::-1]


def ascending(xs: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(xs))


def total(xs: tuple[int, ...]) -> int:
    return checked_int(sum(xs))


def largest(xs: tuple[int, ...]) -> int:
    if not xs:
        raise ValueError("max of an empty list")
    return max(xs)


def smallest(xs: tuple[int, ...]) -> int:
    if not xs:
        raise ValueError("min of an empty list")
    return min(xs)


def each(f: Fn, xs: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(map(f, xs))


def keep(f: Fn, xs: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(filter(f, xs))


def fold(xs: tuple[object, ...], init: object, f: Fn) -> object:
    acc = init
    for x in reversed(xs):
        acc = f(x)(acc)  # type: ignore[operator]
    return acc


def unfold(seed: object, stop: Fn, head: Fn, step: Fn) -> tuple[object, ...]:
    out: list[object] = []
    while not stop(seed):
        out.append(head(seed))
        if len(out) > MAX_LENGTH:
            raise OverflowError("unfold too long")
        seed = step(seed)
    return tuple(out)


def fix1(x: object, f: Fn) -> object:
    def rec(y: object) -> object:
        return f(rec)(y)  # type: ignore[operator]

    return rec(x)
