"""Reference programs of the structural families: indexing and slicing, list construction."""

from __future__ import annotations

from typing import Any

from metagrow.domains.lists._suite_spec import (
    I2L,
    L2I,
    L2L,
    Args,
    Family,
    Spec,
    changes,
    int_and_list,
    lists,
    nat,
    two_ints,
    two_lists,
)

IL2I = "int -> list(int) -> int"
IL2L = "int -> list(int) -> list(int)"
LL2L = "list(int) -> list(int) -> list(int)"
II2L = "int -> int -> list(int)"


def _slice(name: str, text: str, start: int | None, stop: int | None, min_len: int) -> Spec:
    fn = lambda xs: xs[start:stop]
    return Spec(name, L2L, text, fn, lists(min_len=min_len, max_len=8), changes)


def _nth(k: int) -> Spec:
    text = f"The element at position {k} (counting from 0)."
    return Spec(f"nth-{k}", L2I, text, lambda xs: xs[k], lists(min_len=k + 1))


def _take(k: int) -> Spec:
    return _slice(f"take-{k}", f"The first {k} elements.", None, k, k + 1)


def _drop(k: int) -> Spec:
    return _slice(f"drop-{k}", f"All but the first {k} elements.", k, None, k + 1)


def _take_last(k: int) -> Spec:
    return _slice(f"take-last-{k}", f"The last {k} elements.", -k, None, k + 1)


def _fits(args: Args, out: Any) -> bool:
    return bool(args[0] < len(args[1]))


def index_family() -> Family:
    """Indexing and slicing: elements or runs picked by position."""
    nth_arg = int_and_list(0, 6, min_len=1)
    specs = [
        Spec("first", L2I, "The first element.", lambda xs: xs[0], lists(min_len=1)),
        Spec("last", L2I, "The last element.", lambda xs: xs[-1], lists(min_len=1)),
        *(_nth(k) for k in (1, 2, 3)),
        Spec("second-to-last", L2I, "The element before the last.", _second_last, lists(min_len=2)),
        *(_take(k) for k in (1, 2, 3)),
        *(_drop(k) for k in (1, 2, 3)),
        *(_take_last(k) for k in (2, 3)),
        _slice("slice-1-4", "The elements at positions 1, 2 and 3.", 1, 4, 5),
        _slice("slice-2-5", "The elements at positions 2, 3 and 4.", 2, 5, 6),
        _slice("drop-last", "All but the last element.", None, -1, 1),
        _slice("drop-last-2", "All but the last two elements.", None, -2, 3),
        Spec("nth-arg", IL2I, "The element at position n (n is the first argument).",
             lambda n, xs: xs[n], nth_arg, _fits),
        Spec("take-arg", IL2L, "The first n elements (n is the first argument).",
             lambda n, xs: xs[:n], int_and_list(0, 6), _fits),
        Spec("drop-arg", IL2L, "All but the first n elements (n is the first argument).",
             lambda n, xs: xs[n:], int_and_list(0, 6), _fits),
        Spec("every-other", L2L, "The elements at even positions 0, 2, 4, ...",
             lambda xs: xs[::2], lists(min_len=2), changes),
        Spec("odd-positions", L2L, "The elements at odd positions 1, 3, 5, ...",
             lambda xs: xs[1::2], lists(min_len=2), changes),
        Spec("first-and-last", L2L, "A two-element list: the first and the last element.",
             lambda xs: [xs[0], xs[-1]], lists(min_len=1), changes),
    ]  # fmt: skip
    return Family("index", "indexing and slicing", tuple(specs))


def _second_last(xs: list[int]) -> int:
    return xs[-2]


def _cons(k: int) -> Spec:
    return Spec(f"cons-{k}", L2L, f"Put {k} in front of the list.", lambda xs: [k, *xs], lists())


def _snoc(k: int) -> Spec:
    return Spec(f"snoc-{k}", L2L, f"Put {k} at the end of the list.", lambda xs: [*xs, k], lists())


def _repeat(k: int) -> Spec:
    return Spec(f"repeat-{k}", I2L, f"The list of n copies of {k}.", lambda n: [k] * n, nat(0, 12))


def _counting(name: str, text: str, f: Any) -> Spec:
    return Spec(name, I2L, text, f, nat(0, 12))


def _duplicate_each(xs: list[int]) -> list[int]:
    return [y for x in xs for y in (x, x)]


def build_family() -> Family:
    """List construction: lists made from ints, or lists grown by known elements."""
    specs = [
        _counting("range", "The list 0, 1, ..., n-1.", lambda n: list(range(n))),
        _counting("range-from-1", "The list 1, 2, ..., n.", lambda n: list(range(1, n + 1))),
        _counting("count-down", "The list n-1, ..., 1, 0.", lambda n: list(range(n))[::-1]),
        _counting("count-down-from-n", "The list n, n-1, ..., 1.",
                  lambda n: list(range(1, n + 1))[::-1]),
        _counting("first-n-evens", "The first n even numbers 0, 2, 4, ...",
                  lambda n: [2 * i for i in range(n)]),
        _counting("first-n-odds", "The first n odd numbers 1, 3, 5, ...",
                  lambda n: [2 * i + 1 for i in range(n)]),
        _counting("first-n-squares", "The squares 0, 1, 4, ..., (n-1)^2.",
                  lambda n: [i * i for i in range(n)]),
        _counting("repeat-self", "The list of n copies of n.", lambda n: [n] * n),
        _counting("singleton", "The one-element list holding n.", lambda n: [n]),
        *(_repeat(k) for k in (2, 5)),
        Spec("repeat-arg", II2L, "The list of n copies of x (x first, then n).",
             lambda x, n: [x] * n, two_ints(0, 9)),
        Spec("range-between", II2L, "The list a, a+1, ..., b-1.",
             lambda a, b: list(range(a, b)), two_ints(0, 12), _nonempty),
        *(_cons(k) for k in (0, 3, 5)),
        *(_snoc(k) for k in (0, 1, 4)),
        Spec("cons-arg", IL2L, "Put the first argument in front of the list.",
             lambda n, xs: [n, *xs], int_and_list()),
        Spec("snoc-arg", IL2L, "Put the first argument at the end of the list.",
             lambda n, xs: [*xs, n], int_and_list()),
        Spec("duplicate-each", L2L, "Repeat each element twice in place.",
             _duplicate_each, lists(max_len=6)),
        Spec("duplicate-list", L2L, "The list followed by itself.",
             lambda xs: xs + xs, lists(max_len=6)),
        Spec("palindrome", L2L, "The list followed by its reverse.",
             lambda xs: xs + xs[::-1], lists(max_len=6)),
        Spec("prepend-length", L2L, "Put the length in front of the list.",
             lambda xs: [len(xs), *xs], lists()),
        Spec("append-sum", L2L, "Put the sum at the end of the list.",
             lambda xs: [*xs, sum(xs)], lists()),
        Spec("wrap-in-zeros", L2L, "Put a 0 at both ends of the list.",
             lambda xs: [0, *xs, 0], lists()),
        Spec("concat", LL2L, "The first list followed by the second.",
             lambda a, b: a + b, two_lists(False)),
        Spec("concat-reversed", LL2L, "The first list followed by the second reversed.",
             lambda a, b: a + b[::-1], two_lists(False, min_len=1)),
    ]  # fmt: skip
    return Family("build", "list construction", tuple(specs))


def _nonempty(args: Args, out: Any) -> bool:
    return len(out) > 0
