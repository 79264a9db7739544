"""Reference programs of the harder families: compositions and recursion-flavoured tasks."""

from __future__ import annotations

import random
from itertools import pairwise
from math import gcd
from typing import Any

from metagrow.domains.lists._suite_spec import (
    I2I,
    I2L,
    L2B,
    L2I,
    L2L,
    Args,
    Family,
    Gen,
    Spec,
    changes,
    lists,
    lists_where,
    maybe_palindrome,
    maybe_sorted,
    nat,
    nested,
    two_lists,
    with_repeats,
)

LL2L = "list(int) -> list(int) -> list(int)"
LL2I = "list(int) -> list(int) -> int"
LL2LB = "list(int) -> list(int) -> list(bool)"
N2L = "list(list(int)) -> list(int)"
N2N = "list(list(int)) -> list(list(int))"
II2I = "int -> int -> int"


def _some_even(args: Args, out: Any) -> bool:
    return any(x % 2 == 0 for x in args[0])


def _some_above_first(args: Args, out: Any) -> bool:
    return len(out) > 0


def compose_family() -> Family:
    """Compositions of two or three basic concepts (map, filter, fold, sort, slice)."""
    odd = lists_where(lambda x: x % 2 == 1)
    specs = [
        Spec("sum-of-evens", L2I, "Sum of the even elements.",
             lambda xs: sum(x for x in xs if x % 2 == 0), lists()),
        Spec("sum-of-odds", L2I, "Sum of the odd elements.",
             lambda xs: sum(x for x in xs if x % 2 == 1), lists()),
        Spec("sum-of-squares", L2I, "Sum of the squares of the elements.",
             lambda xs: sum(x * x for x in xs), lists()),
        Spec("sum-of-gt-4", L2I, "Sum of the elements greater than 4.",
             lambda xs: sum(x for x in xs if x > 4), lists()),
        Spec("max-minus-min", L2I, "Largest element minus smallest element.",
             lambda xs: max(xs) - min(xs), lists(min_len=1)),
        Spec("max-of-evens", L2I, "Largest even element.",
             lambda xs: max(x for x in xs if x % 2 == 0), lists(min_len=1), _some_even),
        Spec("second-largest", L2I, "Second element of the list sorted descending.",
             lambda xs: sorted(xs)[-2], lists(min_len=2)),
        Spec("second-smallest", L2I, "Second element of the list sorted ascending.",
             lambda xs: sorted(xs)[1], lists(min_len=2)),
        Spec("sum-of-first-3", L2I, "Sum of the first three elements.",
             lambda xs: sum(xs[:3]), lists(min_len=4)),
        Spec("sum-mod-10", L2I, "Last digit of the sum.",
             lambda xs: sum(xs) % 10, lists(min_len=2)),
        Spec("count-above-mean", L2I, "Number of elements greater than the mean.",
             _count_above_mean, lists(min_len=1)),
        Spec("count-of-max", L2I, "How many elements equal the largest one.",
             lambda xs: xs.count(max(xs)), lists(0, 4, 1, 8)),
        Spec("sum-is-even", L2B, "Whether the sum is even.",
             lambda xs: sum(xs) % 2 == 0, lists()),
        Spec("first-is-max", L2B, "Whether the first element is the largest.",
             lambda xs: xs[0] == max(xs), lists(min_len=2)),
        Spec("sum-gt-20", L2B, "Whether the sum exceeds 20.",
             lambda xs: sum(xs) > 20, lists()),
        Spec("smallest-3", L2L, "The three smallest elements, ascending.",
             lambda xs: sorted(xs)[:3], lists(min_len=4)),
        Spec("largest-3", L2L, "The three largest elements, descending.",
             lambda xs: sorted(xs, reverse=True)[:3], lists(min_len=4)),
        Spec("double-evens-drop-odds", L2L, "Keep the even elements and double them.",
             lambda xs: [2 * x for x in xs if x % 2 == 0], lists(), changes),
        Spec("square-odds-drop-evens", L2L, "Keep the odd elements and square them.",
             lambda xs: [x * x for x in xs if x % 2 == 1], lists(), changes),
        Spec("double-then-keep-gt-10", L2L, "Double each element, then keep results above 10.",
             lambda xs: [2 * x for x in xs if 2 * x > 10], lists(min_len=1), changes),
        Spec("add-length", L2L, "Add the length of the list to each element.",
             lambda xs: [x + len(xs) for x in xs], lists(min_len=1)),
        Spec("subtract-min", L2L, "Subtract the smallest element from each element.",
             lambda xs: [x - min(xs) for x in xs], lists(min_len=2), changes),
        Spec("distance-to-max", L2L, "For each element x, the largest element minus x.",
             lambda xs: [max(xs) - x for x in xs], lists(min_len=1)),
        Spec("keep-gt-first", L2L, "Keep the elements greater than the first element.",
             lambda xs: [x for x in xs if x > xs[0]], lists(min_len=2), _some_above_first),
        Spec("remove-max", L2L, "Remove every occurrence of the largest element.",
             lambda xs: [x for x in xs if x != max(xs)], lists(min_len=2)),
        Spec("sorted-evens", L2L, "The even elements, sorted ascending.",
             lambda xs: sorted(x for x in xs if x % 2 == 0), lists(), changes),
        Spec("reversed-odds", L2L, "The odd elements in reverse order.",
             lambda xs: [x for x in xs if x % 2 == 1][::-1], odd, changes),
    ]  # fmt: skip
    return Family("compose", "compositions of two or three concepts", tuple(specs))


def _count_above_mean(xs: list[int]) -> int:
    return sum(1 for x in xs if x * len(xs) > sum(xs))


def _prefix_sums(xs: list[int]) -> list[int]:
    out, acc = [], 0
    for x in xs:
        acc += x
        out.append(acc)
    return out


def _running_max(xs: list[int]) -> list[int]:
    return [max(xs[: i + 1]) for i in range(len(xs))]


def _dedup_adjacent(xs: list[int]) -> list[int]:
    return [x for i, x in enumerate(xs) if i == 0 or xs[i - 1] != x]


def _unique(xs: list[int]) -> list[int]:
    return [x for i, x in enumerate(xs) if x not in xs[:i]]


def _take_while_even(xs: list[int]) -> list[int]:
    out = []
    for x in xs:
        if x % 2:
            break
        out.append(x)
    return out


def _drop_while_lt_5(xs: list[int]) -> list[int]:
    i = 0
    while i < len(xs) and xs[i] < 5:
        i += 1
    return xs[i:]


def _interleave(a: list[int], b: list[int]) -> list[int]:
    out = [y for pair in zip(a, b, strict=False) for y in pair]
    n = min(len(a), len(b))
    return out + a[n:] + b[n:]


def _factorial(n: int) -> int:
    return 1 if n <= 1 else n * _factorial(n - 1)


def _fibs(n: int) -> list[int]:
    out, a, b = [], 0, 1
    for _ in range(n):
        out.append(a)
        a, b = b, a + b
    return out


def _multiples() -> Gen:
    """Two positive ints that share a random factor, so the gcd is often above 1."""

    def gen(rng: random.Random) -> Args:
        g = rng.randint(1, 6)
        return (g * rng.randint(1, 6), g * rng.randint(1, 6))

    return gen


def _zip(name: str, text: str, fn: Any) -> Spec:
    return Spec(name, LL2L, text, fn, two_lists(True, min_len=1))


def recursion_family() -> Family:
    """Recursion-flavoured tasks: running state, pairs of neighbours, several lists, numbers."""
    specs = [
        Spec("prefix-sums", L2L, "Running sums: element i is the sum of the first i+1 elements.",
             _prefix_sums, lists(min_len=2)),
        Spec("suffix-sums", L2L, "Element i is the sum of the elements from position i on.",
             lambda xs: _prefix_sums(xs[::-1])[::-1], lists(min_len=2)),
        Spec("running-max", L2L, "Element i is the largest of the first i+1 elements.",
             _running_max, lists(min_len=2), changes),
        Spec("pairwise-differences", L2L, "Each element minus the one before it.",
             lambda xs: [b - a for a, b in pairwise(xs)], lists(min_len=2)),
        Spec("pairwise-sums", L2L, "Sums of neighbouring elements.",
             lambda xs: [a + b for a, b in pairwise(xs)], lists(min_len=2)),
        Spec("add-index", L2L, "Add its position (from 0) to each element.",
             lambda xs: [x + i for i, x in enumerate(xs)], lists(min_len=2)),
        Spec("dedup-adjacent", L2L, "Collapse runs of equal neighbours to one element.",
             _dedup_adjacent, with_repeats(), changes),
        Spec("unique", L2L, "Drop repeated elements, keeping first occurrences in order.",
             _unique, with_repeats(), changes),
        Spec("take-while-even", L2L, "The longest prefix of even elements.",
             _take_while_even, lists_where(lambda x: x % 2 == 0, min_len=1), changes),
        Spec("drop-while-lt-5", L2L, "Drop leading elements while they are below 5.",
             _drop_while_lt_5, lists(min_len=1), changes),
        Spec("index-of-max", L2I, "Position (from 0) of the first largest element.",
             lambda xs: xs.index(max(xs)), lists(min_len=1)),
        Spec("positions-of-evens", L2L, "Positions (from 0) of the even elements.",
             lambda xs: [i for i, x in enumerate(xs) if x % 2 == 0], lists(min_len=1)),
        Spec("is-sorted", L2B, "Whether the list is sorted ascending.",
             lambda xs: xs == sorted(xs), maybe_sorted()),
        Spec("is-palindrome", L2B, "Whether the list reads the same backwards.",
             lambda xs: xs == xs[::-1], maybe_palindrome()),
        Spec("has-duplicates", L2B, "Whether some value occurs twice.",
             lambda xs: len(set(xs)) < len(xs), lists(0, 9, 2, 6)),
        Spec("interleave", LL2L, "Alternate the elements of the lists, then the rest.",
             _interleave, two_lists(False, min_len=1)),
        _zip("zip-add", "Add the two lists element by element.",
             lambda a, b: [x + y for x, y in zip(a, b, strict=True)]),
        _zip("zip-subtract", "Subtract the second list from the first element by element.",
             lambda a, b: [x - y for x, y in zip(a, b, strict=True)]),
        _zip("zip-multiply", "Multiply the two lists element by element.",
             lambda a, b: [x * y for x, y in zip(a, b, strict=True)]),
        Spec("zip-equal", LL2LB, "Whether the two lists agree at each position.",
             lambda a, b: [x == y for x, y in zip(a, b, strict=True)],
             two_lists(True, 0, 3, 2, 6)),
        Spec("dot-product", LL2I, "Sum of the products of elements at the same position.",
             lambda a, b: sum(x * y for x, y in zip(a, b, strict=True)), two_lists(True)),
        Spec("flatten", N2L, "Concatenate the inner lists.",
             lambda xss: [x for xs in xss for x in xs], nested()),
        Spec("sum-each", N2L, "The sum of each inner list.",
             lambda xss: [sum(xs) for xs in xss], nested()),
        Spec("length-each", N2L, "The length of each inner list.",
             lambda xss: [len(xs) for xs in xss], nested()),
        Spec("max-each", N2L, "The largest element of each inner list.",
             lambda xss: [max(xs) for xs in xss], nested(min_inner=1)),
        Spec("reverse-each", N2N, "Reverse each inner list, keeping their order.",
             lambda xss: [xs[::-1] for xs in xss], nested(min_inner=2), changes),
        Spec("factorial", I2I, "n! = 1 * 2 * ... * n.", _factorial, nat(0, 9)),
        Spec("triangular", I2I, "0 + 1 + ... + n.", lambda n: n * (n + 1) // 2, nat(0, 15)),
        Spec("power-of-2", I2I, "2 to the power n.", lambda n: 2**n, nat(0, 12)),
        Spec("fibonacci-list", I2L, "The first n Fibonacci numbers 0, 1, 1, 2, 3, ...",
             _fibs, nat(0, 12)),
        Spec("gcd", II2I, "Greatest common divisor of two positive ints.",
             gcd, _multiples()),
    ]  # fmt: skip
    return Family("recursion", "recursion-flavoured tasks", tuple(specs))
