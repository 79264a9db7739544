"""Composition search: chains of whole-grid operations read off a task's examples.

A *candidate* is what one chain of operations (``_compose_ops``) makes of every train
and test input at once. Chains grow breadth first, one operation more per level, from the
inputs themselves, each level from the candidates nearest the train outputs first (and,
past the first level, from those likeliest to make a piece, in turn); a
candidate equal in value to one already seen (every array the same) is dropped, so each
distinct vector of grids is grown once (by the cheapest chain of its level that makes
it). A candidate that equals every
train output, or does so after one colour mapping read off the train pairs, is an exact
fit; the shallowest and cheapest fits win. When none fits, candidates of the outputs'
shapes become the pieces that ``_assemble`` stacks into an output.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import final

import numpy as np

from metagrow.domains.grids._assemble import Stack, assemble
from metagrow.domains.grids._compose_ops import Chain, Op
from metagrow.domains.grids._compose_table import operations
from metagrow.domains.grids._grid import MAX_SIDE, Cells, Grid
from metagrow.domains.grids._palette import Palette, RenamedRule

MAX_DEPTH = 3
MAX_CANDIDATES = 12_000
"""Candidates kept at most (each holds one array per train and test input)."""
MAX_PIECES = 3_000
CUTS = frozenset({"crop", "dedup"})
"""Operations that cut a grid down to its content (its box; its rows and columns without
repeats), whose candidates grow first on the second level whatever their shape: on
ARC-AGI-1's training split they begin 8 of the 24 fitting chains of two or more
operations (at 2 s a task), mostly followed by one that resizes the cut-out picture
(tiled, scaled, copied into itself), while the other parents of the outputs' shape
come first by nearness and at 2 s often fill the level's time."""
MIN_PAIRS = 2
MIN_OUTPUT_CELLS = 4
"""Fits to train outputs all smaller than this are weak (see :class:`Found`)."""
LAST_LEVEL_SHARE = 0.3
"""The share of the chains' time kept for the last level, grown from the nearest
candidates of the level before when that level ran out of time (or room)."""
ASSEMBLY_SHARE = 0.3
"""The share of the time kept for assembling pieces when no chain fits."""
RENAMED_SHARE = 0.4
"""The share of the chains' time given to the grids with colours renamed by role (see
``_palette``), when renaming changes something and no chain fits the grids as they are."""


@final
@dataclass(frozen=True, slots=True, eq=False)
class ComposedRule:
    """A rule that runs one chain on the input grid (see :class:`Chain`)."""

    chain: Chain
    name: str
    _memo: dict[Grid, Grid | None] = field(default_factory=dict, init=False, repr=False)

    def __call__(self, g: Grid) -> Grid | None:
        if g not in self._memo:
            got = self.chain.run(g.cells)
            self._memo[g] = None if got is None else Grid(np.ascontiguousarray(got))
        return self._memo[g]


@final
@dataclass(frozen=True, slots=True, eq=False)
class AssembledRule:
    """A rule that stacks what several chains make of the input (see ``_assemble``)."""

    stack: Stack
    name: str

    def __call__(self, g: Grid) -> Grid | None:
        got = self.stack.run(g.cells)
        return None if got is None else Grid(got)


@final
@dataclass(frozen=True, slots=True)
class Found:
    """What the search found: exact rules (best first, each with a different answer on
    the test inputs), assembled rules likewise, and how many candidates it made.
    ``weak`` when the train outputs are too small to trust a chain that fits them (on
    the training split, chains that pick one cell of a colour fit 1x1 outputs by
    accident as often as not)."""

    exact: tuple[ComposedRule | RenamedRule, ...]
    assembled: tuple[AssembledRule | RenamedRule, ...]
    candidates: int
    seconds: float
    weak: bool = False


@dataclass(slots=True)
class _Node:
    arrays: tuple[Cells, ...]
    parent: int
    op: int
    depth: int
    cost: int


def _key(arrays: Sequence[Cells]) -> int:
    return hash(tuple((a.shape, a.tobytes()) for a in arrays))


def _color_map(
    train: Sequence[Cells], targets: Sequence[Cells], test: Sequence[Cells]
) -> tuple[int, ...] | None:
    """The one colour mapping that turns every train array into its target and knows
    every colour of the test arrays; None if there is none, it changes nothing, or a
    colour it changes is changed in only one pair (a mapping read off one pair is a
    coincidence as often as not on the training split)."""
    per_pair = [
        np.unique(a.ravel().astype(np.int16) * 10 + t.ravel())
        for a, t in zip(train, targets, strict=True)
    ]
    codes, support = np.unique(np.concatenate(per_pair), return_counts=True)
    sources, colors = codes // 10, codes % 10
    if len(np.unique(sources)) != len(sources):
        return None
    changed = sources != colors
    if not changed.any() or (support[changed] < 2).any():
        return None
    table = np.full(10, -1, dtype=np.int16)
    table[sources] = colors
    if any((table[np.unique(a)] < 0).any() for a in test):
        return None
    return tuple(int(v) for v in table)


def _may_fit(a: Cells | None, target: Cells) -> bool:
    """Whether ``a`` equals ``target`` up to a colour mapping (each of its colours
    covers cells of one colour of ``target``)."""
    if a is None or a.shape != target.shape:
        return False
    codes = a.ravel().astype(np.intp) * 10 + target.ravel()
    seen = np.bincount(codes, minlength=100).reshape(10, 10)
    return bool(((seen > 0).sum(axis=1) <= 1).all())


@final
class _Search:
    """Breadth-first growth of distinct candidates, recording exact fits and pieces."""

    def __init__(
        self, inputs: Sequence[Cells], targets: Sequence[Cells], ops: Sequence[Op]
    ) -> None:
        self.targets = list(targets)
        self.n_train = len(targets)
        self.ops = ops
        self.shapes = tuple(t.shape for t in targets)
        self.nodes: list[_Node] = [_Node(tuple(inputs), -1, -1, 0, 0)]
        self.seen = {_key(inputs): 0}
        """Each value's candidate (-1 for one of the last level that was not kept)."""
        self.fits: list[tuple[int, tuple[int, ...] | None]] = []
        self.pieces: list[int] = []
        self.tried = 0
        self._check(0)

    def chain(self, index: int, colors: tuple[int, ...] | None = None) -> Chain:
        return Chain(tuple(self.ops[k] for k in self.op_indices(index)), colors)

    def op_indices(self, index: int) -> tuple[int, ...]:
        """The table positions of the operations of the chain that ends at ``index``."""
        found: list[int] = []
        while self.nodes[index].parent >= 0:
            found.append(self.nodes[index].op)
            index = self.nodes[index].parent
        return tuple(reversed(found))

    def _check(self, index: int) -> None:
        """Records the candidate at ``index`` as a fit or a piece if it is one."""
        arrays = self.nodes[index].arrays
        train = arrays[: self.n_train]
        if tuple(a.shape for a in train) != self.shapes:
            return
        if all(np.array_equal(a, t) for a, t in zip(train, self.targets, strict=True)):
            self.fits.append((index, None))
            return
        may_map = _may_fit(train[0], self.targets[0])
        colors = _color_map(train, self.targets, arrays[self.n_train :]) if may_map else None
        if colors is not None:
            self.fits.append((index, colors))
        elif len(self.pieces) < MAX_PIECES:
            self.pieces.append(index)

    def grow(self, depth: int, deadline: float, last: bool) -> bool:
        """Adds every distinct candidate one operation deeper than ``depth - 1`` (on the
        ``last`` level, only those of the outputs' shapes: nothing grows from them);
        False if the deadline or the cap on candidates stopped it (the last level keeps
        only fits and up to :data:`MAX_PIECES` pieces, so the cap does not bind it)."""
        frontier = [i for i, n in enumerate(self.nodes) if n.depth == depth - 1]
        frontier.sort(key=self._promise)
        if depth > 1:
            frontier = _interleaved(frontier, sorted(frontier, key=self._gain))
        if depth == 2:  # cut-outs first, the rest in their order (the sort is stable)
            frontier.sort(key=lambda i: self.ops[self.nodes[i].op].name not in CUTS)
        for parent in frontier:
            if time.perf_counter() > deadline:
                return False
            if not last and len(self.nodes) >= MAX_CANDIDATES:
                return False
            self._expand(parent, depth, last)
        return True

    def _promise(self, index: int) -> tuple[int, float, float, int]:
        """How near the candidate at ``index`` is to the train outputs, nearest first:
        how many of its train arrays have another shape than their output, how far
        those shapes are from the outputs' (as a share of their sides), the share of
        cells that differ in the arrays of the outputs' shapes, then its cost. The first
        level to grow past the deadline reaches the likeliest parents first."""
        node = self.nodes[index]
        misshapen, off, differ, cells = 0, 0.0, 0, 0
        for a, t in zip(node.arrays, self.targets, strict=False):
            if a.shape != t.shape:
                misshapen += 1
                off += sum(abs(s - z) / z for s, z in zip(a.shape, t.shape, strict=True))
            else:
                differ += int(np.count_nonzero(a != t))
                cells += t.size
        return misshapen, off, differ / cells if cells else 1.0, node.cost

    def _gain(self, index: int) -> int:
        """Minus how many cells of the train outputs the candidate at ``index`` has right
        where its input has them wrong (of arrays of the outputs' shapes): the likeliest
        parents of pieces first."""
        inputs, node = self.nodes[0].arrays, self.nodes[index].arrays
        gained = 0
        for x, a, t in zip(inputs, node, self.targets, strict=False):
            if a.shape == t.shape:
                right = a == t
                gained += int(np.count_nonzero(right & (x != t) if x.shape == t.shape else right))
        return -gained

    def _expand(self, parent: int, depth: int, last: bool) -> None:
        node = self.nodes[parent]
        # On the last level, once pieces are full, only a fit is worth making: the first
        # train array rules most operations out before the others are made.
        screen = last and len(self.pieces) >= MAX_PIECES
        first, target = node.arrays[0], self.targets[0]
        reshaped = last and first.shape != target.shape
        for k, op in enumerate(self.ops):
            if reshaped and op.keeps_shape:
                continue
            self.tried += 1
            if screen and not _may_fit(op(first), target):
                continue
            out = self._apply(op, node.arrays, last)
            if out is None:
                continue
            key, cost = _key(out), node.cost + op.cost
            known = self.seen.get(key)
            if known is not None:
                # the same value by a cheaper chain of one level: that chain makes it
                same = self.nodes[known] if known >= 0 else None
                if same is not None and same.depth == depth and cost < same.cost:
                    same.parent, same.op, same.cost = parent, k, cost
                continue
            self.seen[key] = len(self.nodes)
            arrays = tuple(np.ascontiguousarray(a) for a in out)
            self.nodes.append(_Node(arrays, parent, k, depth, cost))
            before = len(self.fits) + len(self.pieces)
            self._check(len(self.nodes) - 1)
            if last and len(self.fits) + len(self.pieces) == before:
                self.nodes.pop()
                self.seen[key] = -1

    def _apply(self, op: Op, arrays: Sequence[Cells], shaped: bool) -> list[Cells] | None:
        """``op`` on every array; None if it fails on one, or (``shaped``) if a train
        array's result does not have its output's shape."""
        out = []
        for i, a in enumerate(arrays):
            got = op(a)
            if got is None:
                return None
            h, w = got.shape
            if not (1 <= h <= MAX_SIDE and 1 <= w <= MAX_SIDE):
                return None
            if shaped and i < self.n_train and got.shape != self.shapes[i]:
                return None
            out.append(got)
        return out


def _interleaved(first: Sequence[int], second: Sequence[int]) -> list[int]:
    """The items of two orders of the same items in turn, each once."""
    out: list[int] = []
    taken: set[int] = set()
    for pair in zip(first, second, strict=True):
        for item in pair:
            if item not in taken:
                taken.add(item)
                out.append(item)
    return out


def find_compositions(
    pairs: Sequence[tuple[Grid, Grid]], tests: Sequence[Grid], seconds: float
) -> Found:
    """Chains of operations that fit ``pairs``, found within ``seconds``: the best exact
    fits (up to two, with different test answers), else up to two stacks of pieces.
    Nothing for fewer than two pairs: among a hundred operations chained three deep,
    some fit any one pair. When no chain fits the grids as they are and some example
    uses other colours for the same roles, chains are also sought on the grids with
    their colours renamed by role (``_palette``)."""
    start = time.perf_counter()
    if len(pairs) < MIN_PAIRS:
        return Found((), (), 0, 0.0)
    deadline = start + seconds
    growing = start + (1 - ASSEMBLY_SHARE) * seconds
    inputs = [x.cells for x, _ in pairs] + [g.cells for g in tests]
    targets = [y.cells for _, y in pairs]
    palette = Palette.read([(x.cells, y.cells) for x, y in pairs], inputs[len(pairs) :])
    as_they_are = growing - RENAMED_SHARE * (growing - start) if palette else growing
    search = _grown(inputs, targets, as_they_are)
    exact: tuple[ComposedRule | RenamedRule, ...] = _best_fits(search)
    tried = search.tried
    renamed: _Search | None = None
    if not exact and palette is not None:
        tables = [palette.table(a) for a in inputs]
        renamed_inputs = [t[a] for t, a in zip(tables, inputs, strict=True)]
        renamed_targets = [t[y] for t, y in zip(tables, targets, strict=False)]
        renamed = _grown(renamed_inputs, renamed_targets, growing)
        exact = tuple(RenamedRule(r, palette, f"{r.name}_renamed") for r in _best_fits(renamed))
        tried += renamed.tried
    assembled: tuple[AssembledRule | RenamedRule, ...] = ()
    if not exact:
        assembled = _stacked(search, len(tests), deadline)
    if not exact and not assembled and renamed is not None and palette is not None:
        stacks = _stacked(renamed, len(tests), deadline)
        assembled = tuple(RenamedRule(s, palette, f"{s.name}_renamed") for s in stacks)
    weak = all(t.size < MIN_OUTPUT_CELLS for t in targets)
    return Found(exact, assembled, tried, time.perf_counter() - start, weak)


def _stacked(search: _Search, n_tests: int, deadline: float) -> tuple[AssembledRule, ...]:
    """Up to two stacks of the search's pieces that make its targets (``_assemble``)."""
    pieces = [(search.nodes[i].arrays, search.chain(i)) for i in search.pieces]
    stacks = assemble(pieces, search.targets, n_tests, deadline)
    return tuple(
        AssembledRule(s, f"assemble_{len(s.layers)}" + ("_alt" if n else ""))
        for n, s in enumerate(stacks)
    )


def _grown(inputs: Sequence[Cells], targets: Sequence[Cells], deadline: float) -> _Search:
    """Candidates grown level by level until one fits, the deadline, or the last level.
    The middle level stops at :data:`LAST_LEVEL_SHARE` of the time before the deadline
    (or at :data:`MAX_CANDIDATES`), and the last level grows from what it made."""
    search = _Search(inputs, targets, operations(inputs, targets))
    start = time.perf_counter()
    middle = start + (1 - LAST_LEVEL_SHARE) * (deadline - start)
    for depth in range(1, MAX_DEPTH + 1):
        last = depth == MAX_DEPTH
        grown = search.grow(depth, middle if 1 < depth < MAX_DEPTH else deadline, last)
        if search.fits or (not grown and (depth == 1 or time.perf_counter() > deadline)):
            break
    return search


def _best_fits(search: _Search) -> tuple[ComposedRule, ...]:
    """The best fit, then the best whose test arrays differ from it: the shallowest,
    then the cheapest, then the one whose operations come first in the table (not the
    first found, which hangs on the order the search grew its parents)."""
    ranked = sorted(
        search.fits,
        key=lambda f: (
            search.nodes[f[0]].depth,
            search.nodes[f[0]].cost + (f[1] is not None),
            search.op_indices(f[0]),
        ),
    )
    rules: list[ComposedRule] = []
    answers: list[int] = []
    for index, colors in ranked:
        test = search.nodes[index].arrays[search.n_train :]
        if colors is not None:
            table = np.array(colors, dtype=np.int16).astype(np.uint8)
            test = tuple(table[a] for a in test)
        answer = _key(test)
        if answer in answers:
            continue
        answers.append(answer)
        chain = search.chain(index, colors)
        rules.append(ComposedRule(chain, f"compose_{chain.label}"))
        if len(rules) == 2:
            break
    return tuple(rules)
