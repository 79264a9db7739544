"""Hand-made task features for list tasks: how outputs relate to inputs (lengths, order,
membership, value ranges, output kind). Learned encoders need many tasks; these few
numbers say much about which productions a solution uses even with little data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from metagrow.lang import Example, Task

LIST_FEATURES = 24
"""How many numbers :func:`list_features` gives per task."""

_SCALE = 10.0


def list_features(task: Task) -> list[float]:
    """The mean over ``task``'s train examples of :func:`_example`, each in about [-1, 1]."""
    rows = [_example(ex) for ex in task.train]
    if not rows:
        return [0.0] * LIST_FEATURES
    return [sum(col) / len(rows) for col in zip(*rows, strict=True)]


def _squash(x: float) -> float:
    return max(-1.0, min(1.0, x / _SCALE))


def _ints(value: object) -> list[int]:
    if isinstance(value, (tuple, list)):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _example(ex: Example) -> list[float]:
    out = ex.output
    lists = [x for x in ex.inputs if isinstance(x, (tuple, list))]
    ints = [x for x in ex.inputs if isinstance(x, int) and not isinstance(x, bool)]
    first: Sequence[object] = lists[0] if lists else ()
    xs = _ints(first)
    out_list = isinstance(out, (tuple, list))
    out_bool = isinstance(out, bool)
    out_int = isinstance(out, int) and not out_bool
    ys = _ints(out) if out_list else []
    n_in, n_out = len(first), len(out) if isinstance(out, (tuple, list)) else 0
    sub = out_list and not Counter(ys) - Counter(xs)
    return [
        float(out_list),
        float(out_int),
        float(out_bool),
        float(out_bool and bool(out)),
        len(ex.inputs) / 3.0,
        float(bool(ints)),
        _squash(n_in),
        _squash(n_out),
        float(out_list and n_out == n_in),
        float(out_list and n_out < n_in),
        float(out_list and n_out > n_in),
        float(bool(sub)),
        float(out_list and sorted(ys) == sorted(xs)),
        float(out_list and ys == sorted(ys)),
        float(out_list and bool(xs) and ys == xs[::-1]),
        float(out_list and _subsequence(ys, xs)),
        float(out_list and bool(ys) and ys == xs[: len(ys)]),
        float(out_list and bool(ys) and ys == xs[len(xs) - len(ys) :]),
        float(out_int and out in xs),
        float(out_int and out == len(xs)),
        float(out_int and out == sum(xs)),
        float(out_int and any(out == i for i in ints)),
        _squash(float(out)) if isinstance(out, int) and out_int else _squash(_mean(ys)),
        _squash(max(ys) - max(xs)) if ys and xs else 0.0,
    ]


def _mean(values: Sequence[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def _subsequence(ys: Sequence[int], xs: Sequence[int]) -> bool:
    """``ys`` appears in ``xs`` in order (not necessarily contiguous), e.g. a filter."""
    it = iter(xs)
    return all(any(y == x for x in it) for y in ys)
