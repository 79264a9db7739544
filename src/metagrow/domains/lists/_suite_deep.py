"""Reference programs of the deep families: programs that need nested higher-order search.

Every task here is written by the project and reachable with the list primitives as they
are: two- and three-step compositions of the basic families, functions of an element's
position (a map over the indices), folds that build a list, and conditionals on a
property of the whole list (a filter or a choice that looks at every element).
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from metagrow.domains.lists._suite_spec import (
    L2B,
    L2I,
    L2L,
    Args,
    Family,
    Spec,
    changes,
    lists,
    maybe_sorted,
    with_repeats,
)


def _positions(xs: list[int]) -> range:
    return range(len(xs))


def _some_even(args: Args, out: Any) -> bool:
    return any(x % 2 == 0 for x in args[0])


def _some_odd(args: Args, out: Any) -> bool:
    return any(x % 2 == 1 for x in args[0])


def _non_empty(args: Args, out: Any) -> bool:
    return len(out) > 0


def _both_kinds(args: Args, out: Any) -> bool:
    """Some elements are kept and some dropped, so the filter shows."""
    return 0 < len(out) < len(args[0])


def composition_family() -> Family:
    """Two- and three-step compositions of map, filter, fold, sort and slices."""
    specs = [
        Spec("evens-sorted-descending", L2L, "The even elements, largest first.",
             lambda xs: sorted((x for x in xs if x % 2 == 0), reverse=True),
             lists(), _both_kinds),
        Spec("sum-of-squared-evens", L2I, "Sum of the squares of the even elements.",
             lambda xs: sum(x * x for x in xs if x % 2 == 0), lists(), _some_even),
        Spec("max-of-doubled-odds", L2I, "Largest odd element, doubled.",
             lambda xs: 2 * max(x for x in xs if x % 2 == 1), lists(min_len=1), _some_odd),
        Spec("sum-of-3-smallest", L2I, "Sum of the three smallest elements.",
             lambda xs: sum(sorted(xs)[:3]), lists(min_len=4)),
        Spec("add-1-keep-gt-5", L2L, "Add one to each element, then keep results above 5.",
             lambda xs: [x + 1 for x in xs if x + 1 > 5], lists(), _both_kinds),
        Spec("tail-doubled", L2L, "Drop the first element and double the rest.",
             lambda xs: [2 * x for x in xs[1:]], lists(min_len=2)),
        Spec("sorted-squares", L2L, "The squares of the elements, sorted ascending.",
             lambda xs: sorted(x * x for x in xs), lists(min_len=2), changes),
        Spec("reverse-sort-take-2", L2L, "The two largest elements, largest first.",
             lambda xs: sorted(xs, reverse=True)[:2], lists(min_len=3)),
        Spec("count-odds-gt-3", L2I, "How many elements are odd and greater than 3.",
             lambda xs: sum(1 for x in xs if x % 2 == 1 and x > 3), lists()),
        Spec("odds-times-length", L2L, "Keep the odd elements and multiply each by their number.",
             lambda xs: [x * sum(1 for y in xs if y % 2 == 1) for x in xs if x % 2 == 1],
             lists(min_len=2), _both_kinds),
        Spec("sum-minus-max", L2I, "Sum of the elements without the largest one.",
             lambda xs: sum(xs) - max(xs), lists(min_len=2)),
        Spec("last-of-sorted-odds", L2I, "Largest odd element.",
             lambda xs: max(x for x in xs if x % 2 == 1), lists(min_len=1), _some_odd),
    ]  # fmt: skip
    return Family("deep-compose", "compositions of two or three list concepts", tuple(specs))


def position_family() -> Family:
    """Functions of each element's position: a map over the indices of the list."""
    specs = [
        Spec("times-index", L2L, "Multiply each element by its position (from 0).",
             lambda xs: [x * i for i, x in enumerate(xs)], lists(min_len=2)),
        Spec("minus-index", L2L, "Subtract its position (from 0) from each element.",
             lambda xs: [x - i for i, x in enumerate(xs)], lists(min_len=2)),
        Spec("index-from-end", L2L, "Replace each element by its position counted from the end.",
             lambda xs: [len(xs) - 1 - i for i in _positions(xs)], lists(min_len=1)),
        Spec("index-where-even", L2L, "An even element becomes its position; odd ones stay.",
             lambda xs: [i if x % 2 == 0 else x for i, x in enumerate(xs)],
             lists(min_len=2), changes),
        Spec("zero-odd-positions", L2L, "Elements at odd positions become 0.",
             lambda xs: [0 if i % 2 else x for i, x in enumerate(xs)], lists(1, 9, 2, 8)),
        Spec("equals-index", L2B, "Whether some element equals its position.",
             lambda xs: any(x == i for i, x in enumerate(xs)), lists(0, 6, 1, 6)),
        Spec("positions-of-max", L2L, "The positions (from 0) of the largest element.",
             lambda xs: [i for i, x in enumerate(xs) if x == max(xs)], with_repeats(0, 4)),
        Spec("positions-gt-first", L2L, "Positions of the elements greater than the first.",
             lambda xs: [i for i, x in enumerate(xs) if x > xs[0]], lists(min_len=2),
             _non_empty),
        Spec("index-plus-length", L2L, "Each element becomes its position plus the length.",
             lambda xs: [i + len(xs) for i in _positions(xs)], lists(min_len=1)),
        Spec("add-next-index", L2L, "Add its position plus one to each element.",
             lambda xs: [x + i + 1 for i, x in enumerate(xs)], lists(min_len=2)),
    ]  # fmt: skip
    return Family("deep-position", "functions of an element's position", tuple(specs))


def whole_list_family() -> Family:
    """Folds that build a list, and filters or choices by a property of the whole list."""
    specs = [
        Spec("running-min", L2L, "Element i is the smallest of the first i+1 elements.",
             lambda xs: list(accumulate(xs, min)), lists(min_len=2), changes),
        Spec("running-count-evens", L2L, "Element i counts the even elements among the first i+1.",
             lambda xs: list(accumulate(1 - x % 2 for x in xs)), lists(min_len=2)),
        Spec("keep-above-mean", L2L, "Keep the elements greater than the mean.",
             lambda xs: [x for x in xs if x * len(xs) > sum(xs)], lists(min_len=2),
             _both_kinds),
        Spec("keep-gt-last", L2L, "Keep the elements greater than the last element.",
             lambda xs: [x for x in xs if x > xs[-1]], lists(min_len=2), _both_kinds),
        Spec("remove-min", L2L, "Remove every occurrence of the smallest element.",
             lambda xs: [x for x in xs if x != min(xs)], lists(min_len=2), _non_empty),
        Spec("keep-max-copies", L2L, "Keep only the elements equal to the largest one.",
             lambda xs: [x for x in xs if x == max(xs)], with_repeats(0, 4), _both_kinds),
        Spec("sort-if-even-sum", L2L, "Sort the list if its sum is even; else leave it.",
             lambda xs: sorted(xs) if sum(xs) % 2 == 0 else xs, lists(min_len=2)),
        Spec("reverse-unless-sorted", L2L, "Reverse the list unless it is sorted ascending.",
             lambda xs: xs if xs == sorted(xs) else xs[::-1], maybe_sorted()),
        Spec("max-if-first-even", L2I, "Largest element if the first is even, else smallest.",
             lambda xs: max(xs) if xs[0] % 2 == 0 else min(xs), lists(min_len=2)),
        Spec("add-length-if-long", L2L, "Add the length to each element of a list over 4 long.",
             lambda xs: [x + len(xs) for x in xs] if len(xs) > 4 else xs, lists(min_len=1)),
        Spec("all-below-length", L2B, "Whether every element is smaller than the length.",
             lambda xs: all(x < len(xs) for x in xs), lists(0, 6, 1, 7)),
        Spec("count-distinct", L2I, "How many distinct values the list holds.",
             lambda xs: len(set(xs)), with_repeats(0, 6, 1, 8)),
    ]  # fmt: skip
    return Family("deep-whole", "folds that build lists and whole-list conditions", tuple(specs))
