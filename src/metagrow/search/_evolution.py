"""Typed genetic programming over ``Expr``, for any domain.

Islands of programs evolve side by side in one process. The first population is the
cheapest programs of the grammar (all of them, in order of description length, as
top-down enumeration gives them: small solutions are found at once) and programs drawn
from the grammar at ramped depths, so a learned library shapes it. Each generation keeps
the island's best few (elitism) and fills the rest with children of parents chosen by
tournament: crossover between subtrees of the same type, or subtree, point or hoist
mutation (:mod:`metagrow.search._operators`). Fitness is the number of train examples
right (exact equality), ties broken by smaller size, then higher log-prior. Every few
generations each island sends copies of its best to the next one (a ring).

Diversity: a program is evaluated once per search, and an island holds one program per
behaviour (its outputs on the train and test inputs, when they are hashable), the fitter
one. Every program run counts against the budget, which ends the search exactly; under a
program budget the search depends only on the seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import final

from metagrow.lang import FAIL, Expr, Grammar, Program, Task, Type, log_prior, sample_program
from metagrow.search._budget import Budget, Progress
from metagrow.search._engine import Engine, Solution, fallbacks_in
from metagrow.search._operators import Breeder
from metagrow.search._topdown import TopDownEnumerator


@final
@dataclass(frozen=True, slots=True)
class EvolutionConfig:
    """How evolution runs. ``population`` programs on each of ``islands``; ``generations``
    (``None``: until the budget is spent); ``tournament`` entrants per parent; ``elites``
    kept unchanged each generation; the operator rates (relative weights); every
    ``migration_interval`` generations ``migrants`` programs go to the next island;
    ``enumerated``, how many of the grammar's cheapest programs are tried first (the
    fittest of them seed the islands, the rest of each island is drawn at depths ramped
    up to ``max_depth``); subtrees drawn by
    mutation are at most ``mutation_depth`` deep; programs above ``max_size`` nodes are
    discarded. Each run of a candidate takes at most ``run_steps`` interpreter steps (or
    the budget's run limit if lower): random programs that loop (``unfold``, recursion)
    then fail quickly instead of eating the budget."""

    islands: int = 4
    population: int = 100
    generations: int | None = None
    tournament: int = 4
    elites: int = 2
    crossover: float = 0.5
    subtree_mutation: float = 0.2
    point_mutation: float = 0.2
    hoist_mutation: float = 0.1
    migration_interval: int = 5
    migrants: int = 2
    enumerated: int = 5_000
    max_depth: int = 4
    mutation_depth: int = 2
    max_size: int = 40
    run_steps: int = 5_000

    def __post_init__(self) -> None:
        counts = {
            "islands": self.islands,
            "population": self.population,
            "tournament": self.tournament,
            "migration_interval": self.migration_interval,
            "max_depth": self.max_depth,
            "max_size": self.max_size,
            "run_steps": self.run_steps,
        }
        for name, value in counts.items():
            if value < 1:
                raise ValueError(f"evolution {name} must be at least 1, got {value}")
        if self.generations is not None and self.generations < 1:
            raise ValueError(f"evolution generations must be at least 1, got {self.generations}")
        for name, value in {
            "elites": self.elites,
            "migrants": self.migrants,
            "mutation_depth": self.mutation_depth,
            "enumerated": self.enumerated,
        }.items():
            if value < 0:
                raise ValueError(f"evolution {name} must not be negative, got {value}")
        if self.elites >= self.population or self.migrants >= self.population:
            raise ValueError("evolution elites and migrants must be fewer than the population")
        rates = self.rates()
        if any(r < 0 for r in rates.values()) or not sum(rates.values()) > 0:
            raise ValueError(
                "evolution operator rates must be non-negative and not all zero, "
                f"got {', '.join(f'{k}={v}' for k, v in rates.items())}"
            )

    def rates(self) -> dict[str, float]:
        """Operator weights by the names :class:`Breeder` gives its operators."""
        return {
            "crossover": self.crossover,
            "subtree": self.subtree_mutation,
            "point": self.point_mutation,
            "hoist": self.hoist_mutation,
        }


@final
class EvolutionEngine(Engine):
    """Island-model typed genetic programming (see the module docstring); deterministic
    for its ``seed`` under a program budget."""

    name = "evolution"

    def __init__(self, config: EvolutionConfig | None = None, *, seed: int = 0) -> None:
        self.config = config or EvolutionConfig()
        self.seed = seed

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        progress = progress or Progress()
        progress.begin(budget)
        return _Run(self.config, self.seed, task, grammar, budget, progress).solutions()


_Key = tuple[int, int, float]


@final
@dataclass(frozen=True, slots=True)
class _Member:
    program: Expr
    hits: int
    behaviour: Hashable
    key: _Key  # train examples right, minus size, log-prior: larger is fitter


@final
class _Island:
    """A population holding one program per behaviour."""

    def __init__(self, members: Iterable[_Member] = ()) -> None:
        self.members: list[_Member] = []
        self.index: dict[Hashable, int] = {}
        for m in members:
            self.add(m)

    def __len__(self) -> int:
        return len(self.members)

    def add(self, m: _Member) -> None:
        """Add ``m``, or put it in place of the member that behaves the same if fitter."""
        at = self.index.get(m.behaviour)
        if at is None:
            self.index[m.behaviour] = len(self.members)
            self.members.append(m)
        elif m.key > self.members[at].key:
            self.members[at] = m

    def ranked(self) -> list[_Member]:
        return sorted(self.members, key=lambda m: m.key, reverse=True)


class _Stop(Exception):
    """The budget is spent."""


_NEAR = 4
"""Near misses kept, for a search that ends without a solution (partial credit)."""
_ATTEMPTS = 4
"""Children tried per population slot before a generation settles for fewer."""
_CHEAPEST_STEP = 1.5
"""Width (nats) of the description-length bands the cheapest programs are taken from."""
_MAX_SEEN = 2_000_000
"""Programs remembered as evaluated before the memory is cleared."""


@final
class _Run:
    def __init__(
        self,
        config: EvolutionConfig,
        seed: int,
        task: Task,
        grammar: Grammar,
        budget: Budget,
        progress: Progress,
    ) -> None:
        self.config = config
        self.task = task
        self.grammar = grammar
        self.progress = progress
        self.limit = budget.programs
        limits = budget.run_limits
        self.limits = replace(limits, steps=min(limits.steps, config.run_steps))
        self.rng = random.Random(seed)
        self.breeder = Breeder(
            grammar, task.request, self.rng, config.max_size, config.mutation_depth
        )
        self.inputs = [ex.inputs for ex in (*task.train, *task.test)]
        self.targets = [ex.output for ex in task.train]
        self.n_train = len(task.train)
        self.islands = [_Island() for _ in range(config.islands)]
        self.seen: set[Expr] = set()
        self.found: set[Hashable] = set()  # behaviours of the solutions yielded
        self.near: list[_Member] = []
        self.solved = False
        self.names = list(config.rates())
        self.weights = list(config.rates().values())

    def solutions(self) -> Iterator[Solution]:
        try:
            yield from self._first_population()
            generation = 0
            while self.config.generations is None or generation < self.config.generations:
                tried = self.progress.programs_tried
                for i in range(len(self.islands)):
                    yield from self._generation(i)
                generation += 1
                if generation % self.config.migration_interval == 0:
                    self._migrate()
                self.breeder.forget({m.program for i in self.islands for m in i.members})
                if self.progress.programs_tried == tried:
                    break  # nothing new is being made: the search has converged
        except _Stop:
            pass
        if not self.solved:
            for m in self.near:
                yield self._solution(m)

    # -- populations ------------------------------------------------------------------------

    def _first_population(self) -> Iterator[Solution]:
        config, n = self.config, len(self.islands)
        for i, program in enumerate(self._cheapest(config.enumerated)):
            yield from self._offer(program, self.islands[i % n])
        for i, island in enumerate(self.islands):
            self.islands[i] = _Island(island.ranked()[: config.population])
        depths = list(range(1, config.max_depth + 1))
        for island in self.islands:
            for attempt in range(config.population * _ATTEMPTS):
                if len(island) >= config.population:
                    break
                depth = depths[attempt % len(depths)]
                drawn = sample_program(self.grammar, self.task.request, self.rng, depth)
                if drawn is not None and drawn.size <= config.max_size:
                    yield from self._offer(drawn, island)

    def _cheapest(self, count: int) -> Iterator[Expr]:
        return cheapest_programs(
            self.grammar, self.task.request, count, self.config.max_size, self.progress
        )

    def _generation(self, i: int) -> Iterator[Solution]:
        config, island = self.config, self.islands[i]
        if not island.members:
            return
        parents = island.members
        ranked = island.ranked()
        new = _Island()
        for m in ranked[: config.elites]:
            new.add(m)
        for _ in range(config.population * _ATTEMPTS):
            if len(new) >= config.population:
                break
            op = self.rng.choices(self.names, self.weights)[0]
            a = self._tournament(parents)
            b = self._tournament(parents) if op == "crossover" else a
            child = self.breeder.operators[op](a.program, b.program)
            if child is not None:
                yield from self._offer(child, new)
        for m in ranked:  # a generation that made too few children keeps its parents
            if len(new) >= config.population:
                break
            if m.behaviour not in new.index:
                new.add(m)
        self.islands[i] = new

    def _tournament(self, members: list[_Member]) -> _Member:
        rng = self.rng
        return max(
            (members[rng.randrange(len(members))] for _ in range(self.config.tournament)),
            key=lambda m: m.key,
        )

    def _migrate(self) -> None:
        """Copies of each island's best go to the next island (a ring), in place of its
        worst."""
        k = self.config.migrants
        if k == 0 or len(self.islands) < 2:
            return
        emigrants = [island.ranked()[:k] for island in self.islands]
        for i, group in enumerate(emigrants):
            target = self.islands[(i + 1) % len(self.islands)]
            kept = [m for m in target.ranked() if m.behaviour not in {g.behaviour for g in group}]
            refreshed = _Island()
            for m in (*group, *kept[: self.config.population - len(group)]):
                refreshed.add(m)
            self.islands[(i + 1) % len(self.islands)] = refreshed

    # -- evaluation -------------------------------------------------------------------------

    def _offer(self, program: Expr, island: _Island) -> Iterator[Solution]:
        """Evaluate ``program``, yield it if it is a new solution, and add it to ``island``
        if it is new and runs."""
        member, found = self._evaluate(program)
        if found is not None:
            yield found
        if member is not None:
            island.add(member)

    def _evaluate(self, program: Expr) -> tuple[_Member | None, Solution | None]:
        """Run a program not seen before on every input (counting it), and say whether it
        is a new solution. No member for a program seen already, or failing everywhere."""
        if program in self.seen:
            return None, None
        progress = self.progress
        if self.limit is not None and progress.programs_tried >= self.limit:
            raise _Stop
        if progress.remaining() <= 0:
            raise _Stop
        if len(self.seen) >= _MAX_SEEN:
            self.seen.clear()
        self.seen.add(program)
        progress.programs_tried += 1
        compiled = Program(program, self.grammar.primitives)
        deadline = progress.deadline
        outputs = []
        for args in self.inputs:
            outputs.append(compiled.run(args, self.limits, deadline))
            if compiled.hit_limit:
                return None, None  # too slow to be worth breeding from
        if all(o is FAIL for o in outputs):
            return None, None
        hits = sum(
            1
            for got, want in zip(outputs, self.targets, strict=False)
            if got is not FAIL and got == want
        )
        vector = tuple(outputs)
        behaviour: Hashable = vector if _hashable(vector) else program
        typed = self.breeder.typing(program)
        prior = -math.inf if typed is None else typed.log_prior
        member = _Member(program, hits, behaviour, (hits, -program.size, prior))
        if hits < self.n_train:
            self._near_miss(member)
            return member, None
        if behaviour in self.found:
            return member, None
        self.found.add(behaviour)
        self.solved = self.solved or not fallbacks_in(program, self.grammar)
        return member, self._solution(member)

    def _near_miss(self, m: _Member) -> None:
        """Keep the fittest programs right on at least half the train examples (of more
        than one), leaving out those around a fallback primitive."""
        if self.n_train < 2 or 2 * m.hits < self.n_train or self.solved:
            return
        if len(self.near) == _NEAR and m.key <= self.near[-1].key:
            return
        if any(n.behaviour == m.behaviour for n in self.near):
            return
        if fallbacks_in(m.program, self.grammar):
            return
        self.near.append(m)
        self.near.sort(key=lambda n: n.key, reverse=True)
        del self.near[_NEAR:]

    def _solution(self, m: _Member) -> Solution:
        p = self.progress
        prior = log_prior(m.program, self.task.request, self.grammar)  # the exact figure
        return Solution(m.program, prior, m.hits / self.n_train, p.elapsed, p.programs_tried)


def cheapest_programs(
    grammar: Grammar, request: Type, count: int, max_size: int, progress: Progress
) -> Iterator[Expr]:
    """The ``count`` programs of lowest description length (at most ``max_size`` nodes),
    in the grammar's order, while ``progress`` has time left."""
    enumerator, lo, left = TopDownEnumerator(), 0.0, count
    while left > 0 and lo < enumerator.max_cost and progress.remaining() > 0:
        band = enumerator.programs(grammar, request, lo, lo + _CHEAPEST_STEP, progress)
        for _, _, e in band:
            if e.size <= max_size:
                yield e
                left -= 1
                if left == 0:
                    return
        lo += _CHEAPEST_STEP


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
