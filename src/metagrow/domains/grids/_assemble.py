"""Piece assembly: an output stacked from several candidates, each right on part of it.

A piece is a candidate (``_compose``) whose train arrays have the train outputs' shapes.
Its black cells are transparent (or, failing a stack that way, its cells of its own
background colour); the others claim their cells.
Layers stack top first: a cell takes the colour of the first layer that claims it, and
cells no layer claims take one fill colour. Layers are chosen greedily: each time, the
piece that claims the most still-unclaimed cells of the train outputs rightly and none
wrongly, until every cell is claimed or only cells of one colour are left.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids._compose_ops import Chain
from metagrow.domains.grids._grid import Cells
from metagrow.domains.grids._transforms import background

MAX_LAYERS = 4
Mask = npt.NDArray[np.bool_]


@final
@dataclass(frozen=True, slots=True)
class Stack:
    """Layers (chains run on the input), top first, over cells of colour ``fill``;
    a layer's black cells are transparent, or its background's (``by_background``)."""

    layers: tuple[Chain, ...]
    fill: int
    by_background: bool = False

    def run(self, a: Cells) -> Cells | None:
        """The stacked output for input ``a``; None if a layer fails or shapes differ."""
        outs = [layer.run(a) for layer in self.layers]
        if any(o is None for o in outs) or len({o.shape for o in outs if o is not None}) != 1:
            return None
        layers = [o for o in outs if o is not None]
        return paint(layers, self.fill, self.by_background)


def paint(layers: Sequence[Cells], fill: int, by_background: bool) -> Cells:
    """``layers`` (of one shape) stacked top first over ``fill``."""
    out = np.full(layers[0].shape, fill, dtype=np.uint8)
    free = np.ones(layers[0].shape, dtype=bool)
    for layer in layers:
        claim = free & (layer != (background(layer) if by_background else 0))
        out[claim] = layer[claim]
        free &= ~claim
    return out


@final
class _Pieces:
    """Every piece's train arrays stacked per pair, with what they claim and get right."""

    def __init__(
        self, arrays: Sequence[Sequence[Cells]], targets: Sequence[Cells], by_background: bool
    ) -> None:
        self.claims: list[Mask] = []
        self.right: list[Mask] = []
        for i, target in enumerate(targets):
            stacked = np.stack([a[i] for a in arrays])
            bgs = np.zeros(len(arrays), dtype=np.uint8)
            if by_background:
                bgs[:] = [background(a[i]) for a in arrays]
            claim = stacked != bgs[:, None, None]
            self.claims.append(claim)
            self.right.append(claim & (stacked == target))

    def scores(self, free: Sequence[Mask]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """Cells each piece claims rightly among ``free`` ones, and whether it claims any
        wrongly."""
        gain = np.zeros(len(self.claims[0]), dtype=np.int64)
        wrong = np.zeros(len(self.claims[0]), dtype=bool)
        for claim, right, f in zip(self.claims, self.right, free, strict=True):
            gain += (right & f).sum(axis=(1, 2))
            wrong |= (claim & ~right & f).any(axis=(1, 2))
        return gain, wrong


def assemble(
    pieces: Sequence[tuple[Sequence[Cells], Chain]],
    targets: Sequence[Cells],
    n_test: int,
    deadline: float,
) -> tuple[Stack, ...]:
    """Up to two stacks that reproduce every target, with different answers on the test
    inputs. Pieces of one operation are tried first, then of up to two, then all (deep
    pieces fit the train outputs by accident more often); at each stage the greedy
    stack, then the greedy one that may not start as the first did. Black is transparent
    first, each piece's background next: on the training split the two stack 24 tasks
    (21 right), backgrounds alone 14 (13)."""
    if not pieces or not targets:
        return ()
    n_train = len(targets)
    depths = np.array([len(chain.ops) for _, chain in pieces])
    found: list[Stack] = []
    answers: list[bytes] = []
    for by_background in (False, True):
        table = _Pieces([arrays[:n_train] for arrays, _ in pieces], targets, by_background)
        for depth in sorted(set(depths.tolist())):
            allowed = depths <= depth
            first = allowed.copy()
            for _ in range(2):
                chosen = _greedy(table, targets, allowed, first, deadline)
                if chosen is None:
                    break
                layers, fill = chosen
                first[layers[0]] = False
                stack = Stack(tuple(pieces[k][1] for k in layers), fill, by_background)
                answer = _answer(pieces, stack, layers, n_train, n_test)
                if answer is None or answer in answers:
                    continue
                answers.append(answer)
                found.append(stack)
                if len(found) == 2:
                    return tuple(found)
    return tuple(found)


def _greedy(
    table: _Pieces, targets: Sequence[Cells], allowed: Mask, first: Mask, deadline: float
) -> tuple[list[int], int] | None:
    """Layers chosen greedily among ``allowed`` pieces (the top one among ``first``),
    and the fill colour; None if no stack explains every target."""
    free = [np.ones(t.shape, dtype=bool) for t in targets]
    layers: list[int] = []
    while len(layers) < MAX_LAYERS and time.perf_counter() < deadline:
        fill = _fill(targets, free)
        if fill is not None and layers:
            return layers, fill
        gain, wrong = table.scores(free)
        gain[wrong | ~(allowed if layers else first)] = 0
        best = int(gain.argmax())
        if gain[best] == 0:
            return None
        layers.append(best)
        for i, f in enumerate(free):
            f &= ~table.claims[i][best]
    fill = _fill(targets, free)
    return (layers, fill) if fill is not None and layers else None


def _fill(targets: Sequence[Cells], free: Sequence[Mask]) -> int | None:
    """The one colour of every unclaimed target cell (any colour if none is left)."""
    left = np.concatenate([t[f] for t, f in zip(targets, free, strict=True)])
    if not left.size:
        return int(np.bincount(np.concatenate([t.ravel() for t in targets])).argmax())
    colors = np.unique(left)
    return int(colors[0]) if len(colors) == 1 else None


def _answer(
    pieces: Sequence[tuple[Sequence[Cells], Chain]],
    stack: Stack,
    layers: Sequence[int],
    n_train: int,
    n_test: int,
) -> bytes | None:
    """The stack's test outputs as bytes (for telling stacks apart); None if a test
    input's layers differ in shape."""
    out = b""
    for j in range(n_train, n_train + n_test):
        arrays = [pieces[k][0][j] for k in layers]
        if len({a.shape for a in arrays}) != 1:
            return None
        got = paint(arrays, stack.fill, stack.by_background)
        out += bytes(got.shape) + got.tobytes()
    return out
