"""Building blocks of the list benchmark suite: task specs, families and input generators.

A spec pairs a reference program in plain Python with an input generator; the generator
draws the arguments of one example as a tuple (one entry per argument of the task type).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Args = tuple[Any, ...]
Gen = Callable[[random.Random], Args]
Check = Callable[[Args, Any], bool]

L2L = "list(int) -> list(int)"
L2I = "list(int) -> int"
L2B = "list(int) -> bool"
I2L = "int -> list(int)"
I2I = "int -> int"


@dataclass(frozen=True)
class Spec:
    """One task: its name, type, plain-English description, reference program and inputs.

    ``ok`` optionally rejects single examples that would not show the concept.
    """

    name: str
    type: str
    description: str
    fn: Callable[..., Any]
    inputs: Gen
    ok: Check | None = None


@dataclass(frozen=True)
class Family:
    """A concept group of tasks; splits are balanced within each family."""

    name: str
    concept: str
    specs: tuple[Spec, ...]


def lists(lo: int = 0, hi: int = 9, min_len: int = 0, max_len: int = 8) -> Gen:
    """One list of ints with a uniform length and uniform values."""

    def gen(rng: random.Random) -> Args:
        return (_list(rng, lo, hi, min_len, max_len),)

    return gen


def nat(lo: int = 0, hi: int = 12) -> Gen:
    """One int drawn uniformly from ``lo..hi``."""

    def gen(rng: random.Random) -> Args:
        return (rng.randint(lo, hi),)

    return gen


def two_ints(lo: int = 0, hi: int = 9) -> Gen:
    """Two ints drawn uniformly from ``lo..hi``."""

    def gen(rng: random.Random) -> Args:
        return (rng.randint(lo, hi), rng.randint(lo, hi))

    return gen


def with_value(k: int, lo: int = 0, hi: int = 9, min_len: int = 1, max_len: int = 8) -> Gen:
    """One list that contains ``k`` one to three times among uniform values."""

    def gen(rng: random.Random) -> Args:
        copies = rng.randint(1, min(3, max_len))
        xs = _list(rng, lo, hi, max(min_len - copies, 0), max_len - copies)
        for _ in range(copies):
            xs.insert(rng.randint(0, len(xs)), k)
        return (xs,)

    return gen


def lists_where(
    keep: Callable[[int], bool], lo: int = 0, hi: int = 9, min_len: int = 1, max_len: int = 8
) -> Gen:
    """One list; about half the time every element satisfies ``keep``."""
    pool = [x for x in range(lo, hi + 1) if keep(x)]

    def gen(rng: random.Random) -> Args:
        xs = _list(rng, lo, hi, min_len, max_len)
        return ([rng.choice(pool) for _ in xs] if rng.random() < 0.5 else xs,)

    return gen


def maybe_contains(k: int, lo: int = 0, hi: int = 9, max_len: int = 8) -> Gen:
    """One list that contains ``k`` about half the time."""
    plain, having = lists(lo, hi, 0, max_len), with_value(k, lo, hi, 1, max_len)
    return lambda rng: having(rng) if rng.random() < 0.5 else plain(rng)


def maybe_sorted(lo: int = 0, hi: int = 9, min_len: int = 2, max_len: int = 8) -> Gen:
    """One list, sorted ascending about half the time."""

    def gen(rng: random.Random) -> Args:
        xs = _list(rng, lo, hi, min_len, max_len)
        return (sorted(xs) if rng.random() < 0.5 else xs,)

    return gen


def maybe_palindrome(lo: int = 0, hi: int = 9, max_half: int = 4) -> Gen:
    """One list, a palindrome about half the time."""

    def gen(rng: random.Random) -> Args:
        half = _list(rng, lo, hi, 1, max_half)
        if rng.random() < 0.5:
            middle = [rng.randint(lo, hi)] if rng.random() < 0.5 else []
            return (half + middle + half[::-1],)
        return (_list(rng, lo, hi, 2, 2 * max_half),)

    return gen


def with_repeats(lo: int = 0, hi: int = 4, min_len: int = 2, max_len: int = 8) -> Gen:
    """One list over few values, so equal neighbours and duplicates are common."""
    return lists(lo, hi, min_len, max_len)


def int_and_list(
    n_lo: int = 0, n_hi: int = 9, lo: int = 0, hi: int = 9, min_len: int = 0, max_len: int = 8
) -> Gen:
    """An int argument followed by a list argument."""

    def gen(rng: random.Random) -> Args:
        return (rng.randint(n_lo, n_hi), _list(rng, lo, hi, min_len, max_len))

    return gen


def two_lists(
    same_length: bool, lo: int = 0, hi: int = 9, min_len: int = 0, max_len: int = 6
) -> Gen:
    """Two list arguments, of equal length when ``same_length``."""

    def gen(rng: random.Random) -> Args:
        a = _list(rng, lo, hi, min_len, max_len)
        n = len(a) if same_length else rng.randint(min_len, max_len)
        return (a, [rng.randint(lo, hi) for _ in range(n)])

    return gen


def nested(
    lo: int = 0, hi: int = 9, min_inner: int = 0, max_inner: int = 4, max_outer: int = 5
) -> Gen:
    """One list of lists of ints."""

    def gen(rng: random.Random) -> Args:
        outer = rng.randint(1, max_outer)
        return ([_list(rng, lo, hi, min_inner, max_inner) for _ in range(outer)],)

    return gen


def _list(rng: random.Random, lo: int, hi: int, min_len: int, max_len: int) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(rng.randint(min_len, max_len))]


def mixed(xs: list[int], keep: Callable[[int], bool]) -> bool:
    """Whether ``xs`` has elements on both sides of the predicate ``keep``."""
    kept = sum(1 for x in xs if keep(x))
    return 0 < kept < len(xs)


def changes(args: Args, out: Any) -> bool:
    """An example check: the output differs from the (first) input."""
    return bool(out != args[0])
