"""Bottom-up enumeration of small numeric programs with observational equivalence, before
evolution starts.

Programs are built by size from the columns and a constant slot (valued 1 here, fitted
later), with the unary and binary
primitives of the numeric domain, each new program's values computed for a whole level at
once (one numpy call per primitive and left operand, over the matrix of all right
operands). Two programs with the same values on a sample of rows are one (the first kept),
so the levels hold distinct behaviours only. Every new behaviour is checked against the
target up to a fitted scale and offset (its squared correlation): those that fit exactly
are verified on all rows; the closest ones seed evolution.

Up to five or six nodes this covers every program without inner constants, which is where
many textbook formulas live (``m*v**2/2``, ``sqrt(a**2 + b**2)``, ``v0*exp(-t/(r*c))``):
evolution finds such programs only by luck, enumeration for sure.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.domains.numeric import BY_NAME, CONSTANT
from metagrow.domains.numeric._vector import FloatArray
from metagrow.lang import Expr, Prim, Var, apply, lambdas

_UNARY = ("square", "sqrt", "exp", "log", "neg", "sin", "cos", "cube", "tanh", "abs")
_BINARY = ("mul", "div", "add", "sub", "min", "max")
_COMMUTATIVE = frozenset({"add", "mul", "min", "max"})
_SAMPLE_ROWS = 24
_KEEP = 40
"""How many of the closest programs (by squared correlation with the target) seed evolution."""
_EXACT = 1e-11
"""1 minus the squared correlation below which a program is checked on every row."""


@final
@dataclass(frozen=True, slots=True)
class Enumerated:
    """What enumeration found: programs (over the columns, ``lam`` for each) that fit
    the target exactly up to scale and offset, and the closest others, best first; and how
    many distinct behaviours it built."""

    exact: tuple[Expr, ...]
    closest: tuple[Expr, ...]
    behaviours: int


_Node = tuple[str, tuple[tuple[int, int], ...]]
"""How a program is built: its head's name and its arguments' (size, index)."""


@final
class _Level:
    """The programs of one size: how each is built, and their values on the sample."""

    def __init__(self) -> None:
        self.nodes: list[_Node] = []
        self.blocks: list[FloatArray] = []
        self._values: FloatArray | None = None

    @property
    def values(self) -> FloatArray:
        if self._values is None:
            self._values = np.vstack(self.blocks) if self.blocks else np.zeros((0, 0))
            self.blocks = [self._values]
        return self._values


def enumerate_programs(
    X: FloatArray,
    y: FloatArray,
    *,
    max_size: int = 6,
    max_behaviours: int = 150_000,
    seconds: float = 5.0,
    exact_check: Callable[[Expr], bool] | None = None,
) -> Enumerated:
    """Enumerate programs over the columns of ``X`` up to ``max_size`` nodes (stopping at
    ``max_behaviours`` distinct behaviours or after ``seconds``); ``exact_check`` confirms
    a candidate on all rows (by default every candidate of the sample is taken)."""
    started = time.perf_counter()
    rows = X.shape[0]
    pick = np.unique(np.linspace(0, rows - 1, min(rows, _SAMPLE_ROWS)).astype(int))
    sample, target = X[pick], y[pick]
    arity = X.shape[1]
    yc = target - target.mean()
    ynorm = float(yc @ yc)
    seen: set[int] = set()
    levels: list[_Level] = [_Level()]  # sizes from 1; levels[0] unused
    scored: list[tuple[float, int, int]] = []  # (1 - r^2, size, index)
    exact: list[Expr] = []
    total = 0

    def build(size: int, index: int) -> Expr:
        name, children = levels[size].nodes[index]
        if name.startswith("$"):
            return Var(int(name[1:]))
        if not children:
            return Prim(name)
        return apply(Prim(name), *(build(s, i) for s, i in children))

    def offer(size: int, values: FloatArray, nodes: Sequence[_Node]) -> None:
        nonlocal total
        finite = np.isfinite(values).all(axis=1)
        keys = np.round(values, 9)
        level = levels[size]
        keep: list[int] = []
        for i in np.flatnonzero(finite):
            key = hash(keys[i].tobytes())
            if key not in seen:
                seen.add(key)
                keep.append(int(i))
        if not keep:
            return
        kept = values[keep]
        start = len(level.nodes)
        level.nodes.extend(nodes[i] for i in keep)
        level.blocks.append(kept)
        level._values = None
        total += len(keep)
        if ynorm <= 0:
            return
        centred = kept - kept.mean(axis=1, keepdims=True)
        norms = np.einsum("ij,ij->i", centred, centred)
        with np.errstate(all="ignore"):
            r2 = (centred @ yc) ** 2 / (norms * ynorm)
        miss = np.where(norms > 1e-300, 1.0 - r2, np.inf)
        for j in np.flatnonzero(miss < _EXACT):
            program = lambdas(build(size, start + int(j)), arity)
            if exact_check is None or exact_check(program):
                exact.append(program)
        best = np.argsort(miss)[:_KEEP]
        scored.extend((float(miss[j]), size, start + int(j)) for j in best if np.isfinite(miss[j]))

    first = _Level()
    levels.append(first)
    leaves = [sample[:, j] for j in range(arity)] + [np.ones(len(pick))]
    names = [f"${arity - 1 - j}" for j in range(arity)] + [CONSTANT]
    for values, name in zip(leaves, names, strict=True):
        key = hash(np.round(values, 9).tobytes())
        if key not in seen:
            seen.add(key)
            first.nodes.append((name, ()))
            first.blocks.append(values[None, :])
    first._values = None

    def out_of_time() -> bool:
        return total >= max_behaviours or time.perf_counter() - started > seconds

    with np.errstate(all="ignore"):
        for size in range(2, max_size + 1):
            levels.append(_Level())
            below = levels[size - 1]
            for name in _UNARY:
                if out_of_time():
                    break
                fn = BY_NAME[name].numpy
                values = fn(below.values)
                offer(size, values, [(name, ((size - 1, i),)) for i in range(len(below.nodes))])
            for left in range(1, size - 1):
                right = size - 1 - left
                a_level, b_level = levels[left], levels[right]
                if not a_level.nodes or not b_level.nodes:
                    continue
                B = b_level.values
                for name in _BINARY:
                    if name in _COMMUTATIVE and left > right:
                        continue
                    fn = BY_NAME[name].numpy
                    for i in range(len(a_level.nodes)):
                        if out_of_time():
                            break
                        lo = i if name in _COMMUTATIVE and left == right else 0
                        values = fn(a_level.values[i][None, :], B[lo:])
                        nodes: list[_Node] = [
                            (name, ((left, i), (right, k))) for k in range(lo, len(b_level.nodes))
                        ]
                        offer(size, values, nodes)
            if out_of_time():
                break
    scored.sort()
    closest = tuple(lambdas(build(s, i), arity) for _, s, i in scored[:_KEEP])
    return Enumerated(tuple(exact), closest, total)
