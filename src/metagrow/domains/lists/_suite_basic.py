"""Reference programs of the one-concept families: maps, filters, aggregates, reordering."""

from __future__ import annotations

from collections.abc import Callable
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
    lists_where,
    maybe_contains,
    mixed,
    with_value,
)

L2LB = "list(int) -> list(bool)"
Pred = Callable[[int], bool]
Reorder = Callable[[list[int]], list[int]]


def _map(name: str, text: str, f: Callable[[int], Any], lo: int = 0) -> Spec:
    kind = L2LB if name.startswith("map-is") else L2L
    return Spec(name, kind, text, lambda xs: [f(x) for x in xs], lists(lo, 9, 1, 8))


def _map_k(k: int) -> list[Spec]:
    out = []
    if k != 4:
        out.append(_map(f"map-add-{k}", f"Add {k} to each element.", lambda x: x + k))
    if k <= 3:
        out.append(_map(f"map-sub-{k}", f"Subtract {k} from each element.", lambda x: x - k))
    if 2 <= k <= 4:
        out.append(_map(f"map-mul-{k}", f"Multiply each element by {k}.", lambda x: x * k))
    if k >= 2:
        out.append(_map(f"map-mod-{k}", f"Each element modulo {k}.", lambda x: x % k))
    return out


def _map_gt(k: int) -> Spec:
    return _map(f"map-is-gt-{k}", f"For each element, whether it exceeds {k}.", lambda x: x > k)


def map_family() -> Family:
    """Element-wise maps: the same function of each element."""
    specs = [
        *(s for k in (1, 2, 3, 4, 5) for s in _map_k(k)),
        *(_map_gt(k) for k in (3, 5)),
        _map("map-square", "Square each element.", lambda x: x * x),
        _map("map-cube", "Cube each element.", lambda x: x * x * x),
        _map("map-negate", "Negate each element.", lambda x: -x),
        _map("map-abs", "Absolute value of each element.", abs, lo=-9),
        _map("map-double-plus-1", "Map each element x to 2x + 1.", lambda x: 2 * x + 1),
        _map("map-subtract-from-9", "Map each element x to 9 - x.", lambda x: 9 - x),
        _map("map-is-even", "For each element, whether it is even.", lambda x: x % 2 == 0),
        _map("map-cap-5", "Replace each element greater than 5 by 5.", lambda x: min(x, 5)),
        _map("map-floor-3", "Replace each element less than 3 by 3.", lambda x: max(x, 3)),
        _map("map-zero-odds", "Replace each odd element by 0.", lambda x: x - x % 2 * x),
        _map("map-round-down-even", "Round each element down to even.", lambda x: x - x % 2),
    ]
    return Family("map", "element-wise maps", tuple(specs))


def _filter(name: str, text: str, keep: Pred, lo: int = 0) -> Spec:
    def ok(args: Args, out: Any) -> bool:
        return mixed(args[0], keep)

    return Spec(name, L2L, text, lambda xs: [x for x in xs if keep(x)], lists(lo), ok)


def _filter_gt(k: int) -> Spec:
    return _filter(f"filter-gt-{k}", f"Keep the elements greater than {k}.", lambda x: x > k)


def _filter_lt(k: int) -> Spec:
    return _filter(f"filter-lt-{k}", f"Keep the elements less than {k}.", lambda x: x < k)


def _remove(k: int) -> Spec:
    def ok(args: Args, out: Any) -> bool:
        return 0 < len(out) < len(args[0])

    fn = lambda xs: [x for x in xs if x != k]
    return Spec(f"filter-remove-{k}", L2L, f"Remove every {k}.", fn, with_value(k, min_len=2), ok)


def filter_family() -> Family:
    """Filters: keep the elements that satisfy a predicate, in order."""
    specs = [
        _filter("filter-even", "Keep the even elements.", lambda x: x % 2 == 0),
        _filter("filter-odd", "Keep the odd elements.", lambda x: x % 2 == 1),
        *(_filter_gt(k) for k in (2, 4, 5, 7)),
        *(_filter_lt(k) for k in (3, 5, 6)),
        *(_remove(k) for k in (0, 1, 3, 5)),
        _filter("filter-multiple-of-3", "Keep the multiples of 3.", lambda x: x % 3 == 0),
        _filter("filter-not-multiple-of-3", "Drop the multiples of 3.", lambda x: x % 3 != 0),
        _filter("filter-positive", "Keep the elements above 0.", lambda x: x > 0, lo=-9),
        _filter("filter-negative", "Keep the elements below 0.", lambda x: x < 0, lo=-9),
        _filter("filter-between-3-7", "Keep the elements from 3 to 7.", lambda x: 3 <= x <= 7),
        _filter("filter-outside-3-6", "Keep the elements below 3 or above 6.", _outside_3_6),
        _filter("filter-even-gt-3", "Keep the even elements greater than 3.", _even_gt_3),
    ]
    return Family("filter", "filters", tuple(specs))


def _outside_3_6(x: int) -> bool:
    return not 3 <= x <= 6


def _even_gt_3(x: int) -> bool:
    return x % 2 == 0 and x > 3


def _count(name: str, text: str, pred: Pred) -> Spec:
    return Spec(name, L2I, text, lambda xs: sum(1 for x in xs if pred(x)), lists())


def _any(name: str, text: str, pred: Pred) -> Spec:
    fn = lambda xs: any(pred(x) for x in xs)
    return Spec(name, L2B, text, fn, lists_where(lambda x: not pred(x)))


def _all(name: str, text: str, pred: Pred) -> Spec:
    fn = lambda xs: all(pred(x) for x in xs)
    return Spec(name, L2B, text, fn, lists_where(pred))


def _count_gt(k: int) -> Spec:
    return _count(f"count-gt-{k}", f"Number of elements greater than {k}.", lambda x: x > k)


def _count_eq(k: int) -> Spec:
    text = f"Number of elements equal to {k}."
    return Spec(f"count-eq-{k}", L2I, text, lambda xs: xs.count(k), maybe_contains(k))


def _any_gt(k: int) -> Spec:
    return _any(f"any-gt-{k}", f"Whether some element is greater than {k}.", lambda x: x > k)


def _contains(k: int) -> Spec:
    text = f"Whether {k} occurs in the list."
    return Spec(f"contains-{k}", L2B, text, lambda xs: k in xs, maybe_contains(k))


def _product(xs: list[int]) -> int:
    out = 1
    for x in xs:
        out *= x
    return out


def fold_family() -> Family:
    """Aggregates: one int or bool computed from the whole list."""
    specs = [
        Spec("sum", L2I, "Sum of the elements.", sum, lists()),
        Spec("product", L2I, "Product of the elements.", _product, lists(1, 9, 0, 5)),
        Spec("length", L2I, "Number of elements.", len, lists()),
        Spec("max", L2I, "Largest element.", max, lists(min_len=1)),
        Spec("min", L2I, "Smallest element.", min, lists(min_len=1)),
        _count("count-even", "Number of even elements.", lambda x: x % 2 == 0),
        _count("count-odd", "Number of odd elements.", lambda x: x % 2 == 1),
        *(_count_gt(k) for k in (2, 5, 7)),
        *(_count_eq(k) for k in (0, 3)),
        _any("any-even", "Whether some element is even.", lambda x: x % 2 == 0),
        _any("any-odd", "Whether some element is odd.", lambda x: x % 2 == 1),
        *(_any_gt(k) for k in (5, 7)),
        _all("all-even", "Whether every element is even.", lambda x: x % 2 == 0),
        _all("all-odd", "Whether every element is odd.", lambda x: x % 2 == 1),
        _all("all-gt-2", "Whether every element is greater than 2.", lambda x: x > 2),
        *(_contains(k) for k in (1, 4, 6)),
        Spec("length-is-even", L2B, "Whether the length is even.", _even_length, lists()),
    ]
    return Family("fold", "folds and aggregates", tuple(specs))


def _even_length(xs: list[int]) -> bool:
    return len(xs) % 2 == 0


def _order(name: str, text: str, fn: Reorder, min_len: int = 2) -> Spec:
    return Spec(name, L2L, text, fn, lists(min_len=min_len), changes)


def _rotate_left(k: int) -> Spec:
    text = f"Move the first {k} elements to the end."
    return _order(f"rotate-left-{k}", text, lambda xs: xs[k:] + xs[:k], k + 1)


def _rotate_right(k: int) -> Spec:
    text = f"Move the last {k} elements to the front."
    return _order(f"rotate-right-{k}", text, lambda xs: xs[-k:] + xs[:-k], k + 1)


def _parity_first(parity: int) -> Reorder:
    return lambda xs: [x for x in xs if x % 2 == parity] + [x for x in xs if x % 2 != parity]


def _swap_pairs(xs: list[int]) -> list[int]:
    out: list[int] = []
    for i in range(0, len(xs) - 1, 2):
        out += [xs[i + 1], xs[i]]
    return out + xs[len(xs) - len(xs) % 2 :]


def _zeros_last(xs: list[int]) -> list[int]:
    return [x for x in xs if x != 0] + [x for x in xs if x == 0]


def order_family() -> Family:
    """Sorting and reordering: a permutation or de-duplication of the input."""
    zeros = with_value(0, min_len=2)
    specs = [
        _order("sort", "Sort ascending.", sorted),
        _order("reverse", "Reverse the list.", lambda xs: xs[::-1]),
        _order("sort-descending", "Sort descending.", lambda xs: sorted(xs, reverse=True)),
        *(_rotate_left(k) for k in (1, 2, 3)),
        *(_rotate_right(k) for k in (1, 2)),
        _order("swap-first-two", "Swap the first two elements.", lambda xs: xs[1::-1] + xs[2:]),
        _order("swap-first-last", "Swap the first and last elements.", _swap_ends),
        _order("evens-then-odds", "Evens first, then odds, each in order.", _parity_first(0)),
        _order("odds-then-evens", "Odds first, then evens, each in order.", _parity_first(1)),
        _order("sort-unique", "Sort ascending and drop duplicates.", lambda xs: sorted(set(xs))),
        _order("sort-descending-unique", "Sort descending and drop duplicates.", _desc_unique),
        _order("reverse-first-3", "Reverse the first three elements.", _rev3, 3),
        _order("reverse-tail", "Keep the first element; reverse the rest.", _rev_tail, 3),
        _order("swap-adjacent-pairs", "Swap elements 0 and 1, 2 and 3, ...", _swap_pairs),
        Spec("move-zeros-to-end", L2L, "Move every 0 to the end.", _zeros_last, zeros, changes),
    ]
    return Family("order", "sorting and reordering", tuple(specs))


def _swap_ends(xs: list[int]) -> list[int]:
    return xs[-1:] + xs[1:-1] + xs[:1]


def _desc_unique(xs: list[int]) -> list[int]:
    return sorted(set(xs), reverse=True)


def _rev3(xs: list[int]) -> list[int]:
    return xs[2::-1] + xs[3:]


def _rev_tail(xs: list[int]) -> list[int]:
    return xs[:1] + xs[:0:-1]
