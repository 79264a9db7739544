"""A portfolio: several engines, one after another, in one process and one budget.

Bottom-up search with observational equivalence is the fastest way to every program up
to a modest size, under whatever weights it is given. A library's weights make the
programs it has seen cheap and the others dear: bottom-up under them finds the first
kind fast and misses some of the second (``filter`` with a constant, say) that it finds
in a second under equal weights. The portfolio runs such stages in turn (a top-down
stage, say, following a guide's weights to deep programs): each may spend its share of
the budget, the last all that is left, and a stage that ends early leaves its time to
the next. Solutions come out in the order found, with times and programs tried counted
from the portfolio's start over every stage, and a deadline the caller moves (``solve``
does, after the first solution) ends whichever stage runs. Stages share no tables: the
programs a later stage tries again are the small ones, a small part of its work.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal, final

from metagrow.lang import Grammar, Invented, Task, log_prior
from metagrow.search._bottomup import BottomUpEnumerator
from metagrow.search._budget import Budget, Progress
from metagrow.search._engine import Engine, Solution, fallbacks_in

_MIN_SECONDS = 0.01
"""A stage with less time than this left is not started."""

Weights = Literal["given", "equal"]


@final
@dataclass(frozen=True, slots=True)
class Stage:
    """One engine of a portfolio, the share of the whole budget it may spend, and the
    weights it searches under: ``given`` (the caller's grammar, with a library's and a
    guide's weights) or ``equal`` (the grammar's primitives, without a library's
    inventions, every weight equal)."""

    engine: Engine
    share: float
    weights: Weights = "given"

    def __post_init__(self) -> None:
        if not 0.0 < self.share <= 1.0:
            raise ValueError(f"a stage's share must be in (0, 1], got {self.share}")


def default_stages() -> tuple[Stage, ...]:
    """Bottom-up under the given weights for half the budget, then bottom-up under equal
    weights. (A top-down stage under the given weights found nothing at 5 s on the
    heldout split that these two miss; ``docs/portfolio.md`` has the figures.)"""
    return (
        Stage(BottomUpEnumerator(), 0.5),
        Stage(BottomUpEnumerator(), 0.5, "equal"),
    )


@final
class PortfolioEngine(Engine):
    """The ``stages`` in turn (:func:`default_stages` by default), the last one given all
    the time left; under a program budget the stages split the programs in the same
    shares. Solutions of every stage report their log-prior under the given grammar. A
    stage's solutions found beyond its reach (:attr:`Solution.beyond`) come after those
    of the later stages, which may reach cheaper programs.
    Near misses are given only if no stage finds a solution, the first stage's first."""

    name = "portfolio"

    def __init__(self, stages: Sequence[Stage] | None = None) -> None:
        self.stages = tuple(default_stages() if stages is None else stages)
        if not self.stages:
            raise ValueError("a portfolio needs at least one stage")

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        progress = progress or Progress()
        progress.begin(budget)
        near: list[Solution] = []
        later: list[Solution] = []  # found beyond a stage's reach, given after the rest
        solved = False
        last = len(self.stages) - 1
        for i, stage in enumerate(self.stages):
            limits = _stage_budget(budget, progress, 1.0 if i == last else stage.share)
            if limits is None:
                break
            searched = grammar if stage.weights == "given" else equal_weights(grammar)
            for sol in _run(stage.engine, task, searched, limits, progress):
                if searched is not grammar:
                    sol = replace(sol, log_prior=log_prior(sol.program, task.request, grammar))
                if not sol.fits:
                    near.append(sol)
                elif sol.beyond and i < last:
                    later.append(sol)
                else:
                    solved = solved or not fallbacks_in(sol.program, grammar)
                    yield sol
        for sol in later:
            solved = solved or not fallbacks_in(sol.program, grammar)
            yield replace(sol, seconds=progress.elapsed, programs_tried=progress.programs_tried)
        if not solved:
            yield from near


def equal_weights(grammar: Grammar) -> Grammar:
    """``grammar``'s primitives (a library's inventions left out), every production and
    the variables equally likely, without contextual weights."""
    productions = [
        replace(p, log_weight=0.0) for p in grammar.productions if not isinstance(p.expr, Invented)
    ]
    return grammar.with_productions(productions, 0.0)


def _stage_budget(budget: Budget, progress: Progress, share: float) -> Budget | None:
    """What one stage may spend: ``share`` of the whole budget, within what is left of it
    (the caller's deadline included); ``None`` when too little is left to start."""
    seconds = min(progress.remaining(), share * budget.seconds)
    if seconds < _MIN_SECONDS:
        return None
    programs = budget.programs
    if programs is not None:
        programs = min(programs - progress.programs_tried, max(1, round(share * programs)))
        if programs <= 0:
            return None
    return replace(budget, seconds=seconds, programs=programs)


def _run(
    engine: Engine, task: Task, grammar: Grammar, budget: Budget, progress: Progress
) -> Iterator[Solution]:
    """``engine``'s solutions with times and counts on the portfolio's ``progress``; a
    deadline moved on ``progress`` while a solution is out moves the engine's too."""
    inner = Progress()
    base = progress.programs_tried
    try:
        for sol in engine.search(task, grammar, budget, inner):
            progress.programs_tried = base + inner.programs_tried
            offset = inner.started - progress.started
            yield replace(
                sol, seconds=offset + sol.seconds, programs_tried=base + sol.programs_tried
            )
            inner.deadline = min(inner.deadline, progress.deadline)
    finally:
        progress.programs_tried = base + inner.programs_tried
