"""Soft values and the soft meaning of each primitive, kept as a table.

An ``int`` is a probability vector over ``0 .. support-1`` (a 1-D tensor), a ``bool`` is
the probability of true (a 0-D tensor), a list is a Python tuple of soft values, and a
list item that may be absent (after ``filter``) is a :class:`Maybe`. Every operation is
differentiable, so gradients flow from a program's output back into its modules.
Values are treated as independent (exact for sums of independent digits; an
approximation where one value is used twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, final

if TYPE_CHECKING:
    import torch

Soft = Any
"""A soft value: tensor, tuple of soft values, :class:`Maybe`, function or raw input."""


class SoftError(ValueError):
    """A program whose soft meaning is undefined (say, mixing two lists)."""


@final
@dataclass(frozen=True, slots=True, eq=False)
class Maybe:
    """A list item present with probability ``p`` (a 0-D tensor)."""

    value: Soft
    p: torch.Tensor


@final
@dataclass(frozen=True, slots=True)
class SoftPrimitive:
    """The soft meaning of one primitive: its arity and an uncurried function."""

    arity: int
    fn: Callable[..., Soft]


def _items(xs: Soft) -> Iterator[tuple[Soft, torch.Tensor | None]]:
    if not isinstance(xs, tuple):
        raise SoftError(f"expected a list, got {type(xs).__name__}")
    for x in xs:
        yield (x.value, x.p) if isinstance(x, Maybe) else (x, None)


def mix(p: torch.Tensor, a: Soft, b: Soft) -> Soft:
    """``a`` with probability ``p``, else ``b``; defined for ints and bools."""
    import torch

    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
        raise SoftError("only ints and bools can be mixed")
    return p * a + (1 - p) * b


def make_table(support: int) -> Mapping[str, SoftPrimitive]:
    """Soft meanings for integers over ``0 .. support-1``; primitives absent from the
    table have no soft meaning, so programs using them are not trained."""
    import torch
    import torch.nn.functional as F

    def one_hot(k: int) -> torch.Tensor:
        return F.one_hot(torch.tensor(min(k, support - 1)), support).float()

    zero = one_hot(0)

    def add(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        full = F.conv1d(a.view(1, 1, -1), b.flip(0).view(1, 1, -1), padding=support - 1)
        return full.view(-1)[:support]

    def sum_(xs: Soft) -> torch.Tensor:
        acc = zero
        for x, p in _items(xs):
            acc = add(acc, x if p is None else mix(p, x, zero))
        return acc

    def max_(xs: Soft) -> torch.Tensor:
        cdf = torch.ones(support)
        for x, p in _items(xs):
            cdf = cdf * torch.cumsum(x if p is None else mix(p, x, zero), 0)
        return torch.diff(cdf, prepend=torch.zeros(1))

    def length(xs: Soft) -> torch.Tensor:
        acc = zero
        step = torch.cat([torch.zeros(1), torch.ones(1), torch.zeros(support - 2)])
        for _, p in _items(xs):
            acc = add(acc, step) if p is None else mix(p, add(acc, step), acc)
        return acc

    def gt(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        below = torch.cumsum(b, 0) - b  # P(b < i)
        return (a * below).sum()

    def map_(f: Callable[[Soft], Soft], xs: Soft) -> Soft:
        return tuple(f(x) if p is None else Maybe(f(x), p) for x, p in _items(xs))

    def filter_(f: Callable[[Soft], Soft], xs: Soft) -> Soft:
        return tuple(Maybe(x, f(x) if p is None else p * f(x)) for x, p in _items(xs))

    def fold(xs: Soft, init: Soft, f: Callable[[Soft], Callable[[Soft], Soft]]) -> Soft:
        acc = init
        for x, p in reversed(list(_items(xs))):
            acc = f(x)(acc) if p is None else mix(p, f(x)(acc), acc)
        return acc

    def chain(rel: Callable[[Soft], Callable[[Soft], Soft]], xs: Soft) -> torch.Tensor:
        values = []
        for x, p in _items(xs):
            if p is not None:
                raise SoftError("chain? needs a list whose items are all present")
            values.append(x)
        out = torch.ones(())
        for a, b in pairwise(values):
            out = out * rel(a)(b)
        return out

    table: dict[str, SoftPrimitive] = {
        str(k): SoftPrimitive(0, lambda k=k: one_hot(k)) for k in range(6)
    }
    table |= {
        "true": SoftPrimitive(0, lambda: torch.ones(())),
        "false": SoftPrimitive(0, lambda: torch.zeros(())),
        "+": SoftPrimitive(2, add),
        "sum": SoftPrimitive(1, sum_),
        "max": SoftPrimitive(1, max_),
        "length": SoftPrimitive(1, length),
        "map": SoftPrimitive(2, map_),
        "filter": SoftPrimitive(2, filter_),
        "fold": SoftPrimitive(3, fold),
        "eq?": SoftPrimitive(2, lambda a, b: (a * b).sum()),
        "gt?": SoftPrimitive(2, gt),
        "le?": SoftPrimitive(2, lambda a, b: 1 - gt(a, b)),
        "not": SoftPrimitive(1, lambda a: 1 - a),
        "and": SoftPrimitive(2, lambda a, b: a * b),
        "or": SoftPrimitive(2, lambda a, b: a + b - a * b),
        "if": SoftPrimitive(3, mix),
        "chain?": SoftPrimitive(2, chain),
    }
    return table
