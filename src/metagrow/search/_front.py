"""What loss-driven search returns: scored programs and their Pareto front of (complexity,
loss), and how one model is picked from a front (PySR's ``best``, ``accuracy``, ``score``)."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, final, get_args

from metagrow.lang import Expr

Selection = Literal["best", "accuracy", "score"]
SELECTIONS: tuple[Selection, ...] = get_args(Selection)

BEST_LOSS_RATIO = 1.5
"""``best`` picks the highest score among programs whose loss is within this factor of
the lowest (PySR's rule)."""


@final
@dataclass(frozen=True, slots=True)
class Scored:
    """A program (with parameter slots, as searched), its fitted parameters, its loss on
    the data and its complexity (nodes)."""

    program: Expr
    loss: float
    complexity: int
    parameters: tuple[float, ...] = ()


class Objective(ABC):
    """A loss over programs of one type, after fitting whatever parameters a program has.
    ``score`` never raises for a program that merely fails: it returns ``None``."""

    @abstractmethod
    def score(self, program: Expr) -> Scored | None:
        """``program`` scored on the data, or ``None`` if it fails on it."""

    def solved(self, scored: Scored) -> bool:
        """Whether ``scored`` is as good as it gets (the search may stop); never by default."""
        return False


@final
@dataclass(frozen=True, slots=True)
class Front:
    """Scored programs, each simpler than the next and with a strictly lower loss than
    every simpler one: the Pareto front of (complexity, loss)."""

    members: tuple[Scored, ...] = ()

    def __len__(self) -> int:
        return len(self.members)

    def add(self, s: Scored) -> Front:
        """This front with ``s`` in it if nothing on the front is as simple and as good."""
        if not math.isfinite(s.loss):
            return self
        if any(m.complexity <= s.complexity and m.loss <= s.loss for m in self.members):
            return self
        kept = [m for m in self.members if not (s.complexity <= m.complexity and s.loss <= m.loss)]
        return Front(tuple(sorted((*kept, s), key=lambda m: m.complexity)))

    def merge(self, others: Iterable[Scored]) -> Front:
        front = self
        for s in others:
            front = front.add(s)
        return front

    @property
    def best_loss(self) -> float:
        return min((m.loss for m in self.members), default=math.inf)

    def scores(self) -> tuple[float, ...]:
        """PySR's score of each member: the drop in log-loss per added node from the
        next simpler member (0 for the simplest)."""
        out, previous = [], None
        for m in self.members:
            if previous is None:
                out.append(0.0)
            else:
                drop = _log(previous.loss) - _log(m.loss)
                out.append(drop / max(1, m.complexity - previous.complexity))
            previous = m
        return tuple(out)

    def select(self, rule: Selection = "best") -> Scored:
        """The member ``rule`` picks: ``accuracy``, the lowest loss; ``score``, the highest
        score; ``best``, the highest score among those within 1.5x of the lowest loss."""
        if not self.members:
            raise ValueError("an empty front has no model to select")
        if rule not in SELECTIONS:
            raise ValueError(f"unknown model selection {rule!r}; choose {', '.join(SELECTIONS)}")
        if rule == "accuracy":
            return min(self.members, key=lambda m: m.loss)
        scored = list(zip(self.scores(), self.members, strict=True))
        if rule == "best":
            bound = BEST_LOSS_RATIO * self.best_loss
            scored = [(sc, m) for sc, m in scored if m.loss <= bound]
        return max(scored, key=lambda p: p[0])[1]


def _log(loss: float) -> float:
    return math.log(max(loss, 1e-300))
