"""The engine contract and what engines find."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from typing import final

from metagrow.lang import Expr, Grammar, Prim, Primitive, Task
from metagrow.search._budget import Budget, Progress


@final
class Mass:
    """The probability mass of a class of programs one search found to compute the same
    values: the sum of their priors (approximately: programs built from a class before
    more of its members were found count those members' share as missing). It grows
    while the search goes on; ``search`` tells apart masses of different searches."""

    __slots__ = ("search", "value")

    def __init__(self, value: float, search: int) -> None:
        self.value = value
        self.search = search


@final
@dataclass(frozen=True, slots=True)
class Solution:
    """A program for a task: its log-prior under the grammar searched (nats, as
    :func:`metagrow.lang.log_prior` computes it, whatever the engine), the fraction of
    train examples it gets right, and the time and programs tried until it was found.
    An engine that fits parameters (constants, say) gives the program with them filled in
    and, as ``structure``, the program with its parameter slots: what a library learns
    from. An engine that trains new primitives for the task (modules) gives them as
    ``learned``; the program names them. An engine that judges fit statistically (on
    held-out examples) says with ``accepted`` whether the program counts as a solution;
    otherwise it does when it gets every train example right. An engine that finds many
    programs computing the same values may give their summed prior as ``mass``."""

    program: Expr
    log_prior: float
    train_score: float
    seconds: float
    programs_tried: int
    structure: Expr | None = None
    learned: tuple[Primitive, ...] = ()
    accepted: bool | None = None
    mass: Mass | None = None
    """The mass of the program's class of equivalent programs, if the engine counts it
    (bottom-up does): the program's value on every train and test input, summed over the
    programs found to compute it."""
    beyond: bool = False
    """Found past the cost up to which the engine built every program (bottom-up's
    solutions from the output when its time ran out): a cheaper program it never reached
    may exist, so a portfolio gives these after what its later stages find."""

    @property
    def fits(self) -> bool:
        """Whether this is a solution rather than a near miss."""
        return self.train_score >= 1.0 if self.accepted is None else self.accepted


class Engine(ABC):
    """A search strategy. ``search`` yields programs that fit every train example of
    ``task`` (``train_score`` 1), best first as the engine sees it, and stops when
    ``budget`` is spent. An engine that found none (or only programs that use a
    ``fallback`` primitive) may then yield near misses, programs right on some train
    examples (``train_score`` below 1), best first.
    It updates ``progress`` (if given) as it goes, and is deterministic for its seed."""

    name: str = "engine"

    @abstractmethod
    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        """Solutions in the order found; never runs past the budget."""


def fallbacks_in(program: Expr, grammar: Grammar) -> frozenset[str]:
    """The ``fallback`` primitives ``program`` uses (a solution of last resort if any)."""
    prims = grammar.primitives
    return frozenset(
        e.name
        for e in program.walk()
        if isinstance(e, Prim) and e.name in prims and prims[e.name].fallback
    )
