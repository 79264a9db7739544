"""Loss-driven typed genetic programming: evolution that minimises an :class:`Objective`
(a loss after fitting each program's parameters) instead of counting exact hits.

The same operators as :class:`~metagrow.search.EvolutionEngine` (crossover between
subtrees of one type, subtree, point and hoist mutation) breed programs for any domain.
The first population is the grammar's cheapest programs and ramped draws from it (so a
learned library shapes it). Selection is by tournament on log-loss plus a parsimony cost
per node; each generation keeps its elites; islands swap migrants in a ring. Every
program scored is offered to the Pareto front of (complexity, loss) that the search
returns. The search stops after ``evaluations`` programs scored (so that the same seed
gives the same front on any machine), at its deadline, or a little after the objective
says a program is as good as it gets (the rest of the time goes to simpler ones).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import final

from metagrow.lang import Expr, Grammar, Type, sample_program
from metagrow.search._budget import Progress
from metagrow.search._evolution import cheapest_programs
from metagrow.search._front import Front, Objective, Scored
from metagrow.search._operators import Breeder


@final
@dataclass(frozen=True, slots=True)
class MinimiseConfig:
    """How loss-driven evolution runs: ``population`` programs on each of ``islands``,
    ``tournament`` entrants per parent, ``elites`` kept, operator weights, migration every
    ``migration_interval`` generations of ``migrants`` programs, ``enumerated`` cheapest
    programs scored first, draws at depths up to ``max_depth``, subtrees drawn by mutation
    at most ``mutation_depth`` deep, programs of at most ``max_size`` nodes, and
    ``parsimony``: the log-loss one more node must gain to be worth it."""

    islands: int = 2
    population: int = 60
    tournament: int = 5
    elites: int = 3
    crossover: float = 0.4
    subtree_mutation: float = 0.3
    point_mutation: float = 0.2
    hoist_mutation: float = 0.1
    migration_interval: int = 10
    migrants: int = 3
    enumerated: int = 300
    max_depth: int = 4
    mutation_depth: int = 3
    max_size: int = 45
    parsimony: float = 0.05

    def __post_init__(self) -> None:
        for name in ("islands", "population", "tournament", "migration_interval", "max_depth"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.elites >= self.population or self.migrants >= self.population:
            raise ValueError("elites and migrants must be fewer than the population")
        if self.parsimony < 0 or self.enumerated < 0 or self.mutation_depth < 0:
            raise ValueError("parsimony, enumerated and mutation_depth must not be negative")
        if not sum(self.rates().values()) > 0 or min(self.rates().values()) < 0:
            raise ValueError("operator rates must be non-negative and not all zero")

    def rates(self) -> dict[str, float]:
        return {
            "crossover": self.crossover,
            "subtree": self.subtree_mutation,
            "point": self.point_mutation,
            "hoist": self.hoist_mutation,
        }


@final
@dataclass(frozen=True, slots=True)
class MinimiseStatus:
    """Where a search is, for progress displays: programs scored, seconds, the front."""

    evaluations: int
    seconds: float
    front: Front
    population: tuple[Expr, ...] = ()
    """The programs of every island, fittest first (the search's state, for migration)."""


Report = Callable[[MinimiseStatus], None]


def minimise(
    objective: Objective,
    grammar: Grammar,
    request: Type,
    *,
    evaluations: int,
    seconds: float = math.inf,
    seed: int = 0,
    config: MinimiseConfig | None = None,
    report: Report | None = None,
    start: tuple[Expr, ...] = (),
) -> MinimiseStatus:
    """Evolve programs of type ``request`` to minimise ``objective``; the final status
    holds the Pareto front. ``start`` programs (say, migrants from elsewhere) join the first
    population."""
    if evaluations < 1:
        raise ValueError(f"evaluations must be at least 1, got {evaluations}")
    run = _Run(objective, grammar, request, config or MinimiseConfig(), seed, evaluations, seconds)
    run.report = report
    run.evolve(start)
    return run.status(population=True)


@final
@dataclass(frozen=True, slots=True)
class _Member:
    program: Expr  # as bred (the objective may score a rewritten program)
    scored: Scored
    key: float  # log-loss plus parsimony: smaller is fitter


class _Stop(Exception):
    """Out of evaluations or time, or the objective is satisfied."""


_ATTEMPTS = 4
_POLISH = 500
"""Programs scored after the first exact fit (plus half of those before it), looking for a
simpler one."""
_REPORT_SECONDS = 0.25


@final
class _Run:
    def __init__(
        self,
        objective: Objective,
        grammar: Grammar,
        request: Type,
        config: MinimiseConfig,
        seed: int,
        evaluations: int,
        seconds: float,
    ) -> None:
        self.objective = objective
        self.grammar = grammar
        self.request = request
        self.config = config
        self.rng = random.Random(seed)
        self.breeder = Breeder(grammar, request, self.rng, config.max_size, config.mutation_depth)
        self.limit = evaluations
        self.solved_at = 0
        self.progress = Progress()
        self.progress.deadline = self.progress.started + seconds
        self.islands: list[list[_Member]] = [[] for _ in range(config.islands)]
        self.seen: dict[Expr, _Member | None] = {}
        self.front = Front()
        self.report: Report | None = None
        self.reported = 0.0
        self.names = list(config.rates())
        self.weights = list(config.rates().values())

    def status(self, population: bool = False) -> MinimiseStatus:
        p = self.progress
        members = sorted((m for i in self.islands for m in i), key=lambda m: m.key)
        programs = tuple(dict.fromkeys(m.program for m in members)) if population else ()
        return MinimiseStatus(p.programs_tried, p.elapsed, self.front, programs)

    def evolve(self, start: tuple[Expr, ...]) -> None:
        try:
            self._first_population(start)
            generation = 0
            while True:
                tried = self.progress.programs_tried
                for i in range(len(self.islands)):
                    self._generation(i)
                generation += 1
                if generation % self.config.migration_interval == 0:
                    self._migrate()
                self.breeder.forget({m.program for i in self.islands for m in i})
                if self.progress.programs_tried == tried:
                    break  # nothing new is being made
        except _Stop:
            pass
        if self.report is not None:
            self.report(self.status())

    # -- populations ----------------------------------------------------------------------

    def _first_population(self, start: tuple[Expr, ...]) -> None:
        config, n = self.config, len(self.islands)
        pool: list[_Member] = []
        programs: Iterator[Expr] = cheapest_programs(
            self.grammar, self.request, config.enumerated, config.max_size, self.progress
        )
        for program in (*start, *programs):
            m = self._score(program)
            if m is not None:
                pool.append(m)
        pool.sort(key=lambda m: m.key)
        taken = n * config.population if start else n * config.population // 2
        for i, m in enumerate(pool[:taken]):
            self.islands[i % n].append(m)
        depths = list(range(1, config.max_depth + 1))
        for island in self.islands:
            for attempt in range(config.population * _ATTEMPTS):
                if len(island) >= config.population:
                    break
                depth = depths[attempt % len(depths)]
                drawn = sample_program(self.grammar, self.request, self.rng, depth)
                if drawn is not None and drawn.size <= config.max_size:
                    m = self._score(drawn)
                    if m is not None:
                        island.append(m)

    def _generation(self, i: int) -> None:
        config, parents = self.config, self.islands[i]
        if not parents:
            return
        ranked = sorted(parents, key=lambda m: m.key)
        new = ranked[: config.elites]
        keys = {m.program for m in new}
        for _ in range(config.population * _ATTEMPTS):
            if len(new) >= config.population:
                break
            op = self.rng.choices(self.names, self.weights)[0]
            a = self._tournament(parents)
            b = self._tournament(parents) if op == "crossover" else a
            child = self.breeder.operators[op](a.program, b.program)
            if child is None or child in keys:
                continue
            m = self._score(child)
            if m is not None:
                new.append(m)
                keys.add(child)
        for m in ranked:
            if len(new) >= config.population:
                break
            if m.program not in keys:
                new.append(m)
                keys.add(m.program)
        self.islands[i] = new

    def _tournament(self, members: list[_Member]) -> _Member:
        rng = self.rng
        picks = (members[rng.randrange(len(members))] for _ in range(self.config.tournament))
        return min(picks, key=lambda m: m.key)

    def _migrate(self) -> None:
        k, n = self.config.migrants, len(self.islands)
        if k == 0 or n < 2:
            return
        best = [sorted(island, key=lambda m: m.key)[:k] for island in self.islands]
        for i, group in enumerate(best):
            target = sorted(self.islands[(i + 1) % n], key=lambda m: m.key)
            programs = {m.program for m in group}
            kept = [m for m in target if m.program not in programs]
            self.islands[(i + 1) % n] = [*group, *kept[: self.config.population - len(group)]]

    # -- scoring ----------------------------------------------------------------------------

    def _score(self, program: Expr) -> _Member | None:
        if program in self.seen:
            return self.seen[program]
        progress = self.progress
        if progress.programs_tried >= self.limit or progress.remaining() <= 0:
            raise _Stop
        progress.programs_tried += 1
        scored = self.objective.score(program)
        member = None
        if scored is not None and math.isfinite(scored.loss):
            key = math.log(max(scored.loss, 1e-300)) + self.config.parsimony * scored.complexity
            member = _Member(program, scored, key)
            self.front = self.front.add(scored)
        if len(self.seen) > 500_000:
            self.seen.clear()
        self.seen[program] = member
        if self.report is not None:
            now = time.perf_counter()
            if now - self.reported >= _REPORT_SECONDS:
                self.reported = now
                self.report(self.status())
        if scored is not None and self.limit > self.solved_at and self.objective.solved(scored):
            # fits exactly: spend a little more on finding a simpler program that does too
            self.solved_at = progress.programs_tried
            self.limit = min(self.limit, self.solved_at + self.solved_at // 2 + _POLISH)
        return member
