"""Solving one task: run an engine, keep distinct answers, predict the test outputs."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, final

from metagrow.lang import FAIL, Expr, Grammar, Primitive, Program, Task, with_learned
from metagrow.search._budget import Budget, Progress
from metagrow.search._engine import Engine, Mass, Solution, fallbacks_in

_MASS_TIE = 0.1
"""Answers' log-masses this close (in nats) rank as equal when ranking by ``mass``: masses
are approximate (programs found after a class was used are not carried up), and two
answers of equal cost often differ only by a deep program or two that happen to agree
with one of them."""

LATE = 0.05
"""Once an answer fits, solutions given this share of the budget past its end (those an
engine held back, run on the test inputs one by one) are no longer taken: each costs a
run, and a search should end near its budget."""

Ranking = Literal["found", "likeliest", "posterior", "mass"]
"""How answers that fit every train example are ordered into attempts: as the engine
found them (``found``: best first as the engine sees it), by the prior of the likeliest
program found for each (``likeliest``: the most probable program's answer first, among
all found, whatever engine or stage found them and in what order), or by the posterior summed
over the programs that give each one (``posterior``: the grammar's prior, a library's
and a guide's weights included, over the distinct programs found), or by the mass of
the programs that give each one (``mass``: as ``posterior``, but counting for each
solution every program its engine found to compute the same values, see
:attr:`Solution.mass`; the posterior of the solutions of engines that give no mass)."""


@final
@dataclass(frozen=True, slots=True)
class SolveResult:
    """The outcome of one search on one task.

    ``predictions[i]`` lists up to ``attempts`` distinct candidate outputs for test
    example ``i``, best first; ``(None,)`` if every program run on that input failed.
    """

    task: str
    solved: bool
    program: Expr | None
    predictions: tuple[tuple[object, ...], ...]
    seconds: float
    programs_tried: int
    solutions: tuple[Solution, ...]
    first_solution: Solution | None = None
    """The solution found first (of those ranked with ``solutions[0]``: not using a
    fallback, if any), which ``solutions`` (by answer, each given by its likeliest
    program) may not hold."""

    @property
    def first_solution_seconds(self) -> float | None:
        first = self.first_solution
        return None if first is None else first.seconds

    @property
    def learnable(self) -> Expr | None:
        """The program a library learns from: the first solution's structure (parameter
        slots in place of fitted values) if its engine gave one, else :attr:`program`."""
        if self.solutions and self.solutions[0].structure is not None:
            return self.solutions[0].structure
        return self.program

    @property
    def learned(self) -> tuple[Primitive, ...]:
        """The primitives the first solution trained for this task (modules), which its
        program names."""
        return self.solutions[0].learned if self.solutions else ()


class SolveInterrupted(KeyboardInterrupt):
    """Ctrl-C during a search: a ``KeyboardInterrupt`` that carries the result of the
    search so far (``result``), for a caller that wants to show it before stopping."""

    def __init__(self, result: SolveResult) -> None:
        super().__init__(f"search for {result.task} interrupted")
        self.result = result


def solve(
    task: Task,
    grammar: Grammar,
    engine: Engine,
    budget: Budget,
    attempts: int = 2,
    ranking: Ranking = "found",
) -> SolveResult:
    """Search for programs fitting ``task`` and predict its test outputs.

    After the first solution, the search goes on briefly (half the time it took, at
    least 0.2 s, within the budget) for solutions that predict differently, so that up
    to ``attempts`` distinct answers can be given for each test input; ranking as
    ``found``, it stops early once every test input has them. Ranking otherwise (see
    :data:`Ranking`), it goes on for the whole of that time, since a likelier program,
    or more programs, for an answer already found can still move it up. Either way an
    answer's program (``program`` for the first) is the likeliest found for it. Solutions that use a
    ``fallback`` primitive rank after all others and do not cut the search short; of
    those, only the first with each set of fallbacks ranks ahead of near misses. When
    nothing fits,
    an engine's near misses (``train_score`` below 1) still give attempts, but the task
    is not solved. Once an answer fits, solutions given more than :data:`LATE` of the
    budget past its end are not taken. Ctrl-C raises :class:`SolveInterrupted` with the
    result so far.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    progress = Progress()
    # Distinct answers by rank: searched solutions; the first solution with each set of
    # fallback primitives; near misses; other fallback solutions (compositions around a
    # fallback, which rarely mean anything).
    best: dict[tuple[object, ...], tuple[int, int, Solution]] = {}  # answer: rank, order
    mass: dict[tuple[object, ...], float] = {}  # searched answers: log of summed posterior
    counted: set[Expr] = set()
    classes: dict[tuple[object, ...], dict[int, Mass]] = {}  # answer: masses, by id
    firsts: dict[int, Solution] = {}  # the first solution of each rank
    fallback_sets: set[frozenset[str]] = set()
    strong: list[list[object]] = [[] for _ in task.test]  # searched solutions' values per input
    stop_at: float | None = None
    interrupted = False
    try:
        for order, sol in enumerate(engine.search(task, grammar, budget, progress)):
            fits = sol.fits
            used = fallbacks_in(sol.program, grammar)
            rank = 2 if not fits else 0 if not used else 3 if used in fallback_sets else 1
            if 0 in firsts and progress.elapsed > budget.seconds * (1 + LATE):
                break  # an answer fits, and the budget is spent
            if rank == 3 and len(best) >= attempts:
                continue  # enough answers already rank above it
            if rank == 0 and sol.program in counted:
                continue  # found again (by another engine of a portfolio)
            fallback_sets.add(used)
            answer = _predict(sol.program, task, with_learned(grammar, sol.learned), budget)
            if rank != 2:
                firsts.setdefault(rank, sol)
            if rank == 0:
                counted.add(sol.program)
                if ranking in ("posterior", "mass"):  # "mass" falls back on the posterior
                    mass[answer] = _log_add(mass.get(answer, -math.inf), sol.log_prior)
                if ranking == "mass" and sol.mass is not None:
                    classes.setdefault(answer, {})[id(sol.mass)] = sol.mass
            if answer not in best or rank < best[answer][0]:
                best[answer] = (rank, order, sol)
                if rank == 0:
                    for values, value in zip(strong, answer, strict=True):
                        _add_distinct(values, value)
            elif rank == 0 == best[answer][0] and sol.log_prior > best[answer][2].log_prior:
                best[answer] = (0, best[answer][1], sol)  # the likeliest program speaks for it
            if ranking == "found" and all(len(values) >= attempts for values in strong):
                break  # every test input has enough distinct answers (or there is no test)
            if stop_at is None and rank == 0:
                stop_at = progress.started + sol.seconds + max(0.2, 0.5 * sol.seconds)
                progress.deadline = min(progress.deadline, stop_at)
    except KeyboardInterrupt:
        interrupted = True  # what was found so far is the result

    if ranking == "mass":
        for answer, masses in classes.items():
            mass[answer] = _log_mass(masses.values())
        orders = {answer: order for answer, (_, order, _) in best.items()}
        mass = _ties(mass, orders)

    def key(item: tuple[tuple[object, ...], tuple[int, int, Solution]]) -> tuple[float, ...]:
        answer, (rank, order, _) = item
        if rank != 0 or ranking == "found":
            return (rank, 0.0, order)
        if ranking == "likeliest":
            return (rank, -best[answer][2].log_prior, order)
        return (rank, -mass.get(answer, 0.0), order)

    ordered = sorted(best.items(), key=key)
    ranked = [answer for answer, _ in ordered]
    kept = [sol for _, (rank, _, sol) in ordered if rank != 2]
    predictions = tuple(_attempts([a[i] for a in ranked], attempts) for i in range(len(task.test)))
    result = SolveResult(
        task=task.name,
        solved=bool(kept),
        program=kept[0].program if kept else None,
        predictions=predictions,
        seconds=progress.elapsed,
        programs_tried=progress.programs_tried,
        solutions=tuple(kept),
        first_solution=firsts[min(firsts)] if firsts else None,
    )
    if interrupted:
        raise SolveInterrupted(result)
    return result


def _log_add(a: float, b: float) -> float:
    """``log(exp(a) + exp(b))`` without underflow."""
    hi, lo = (a, b) if a >= b else (b, a)
    return hi if lo == -math.inf else hi + math.log1p(math.exp(lo - hi))


def _ties(
    mass: dict[tuple[object, ...], float], orders: dict[tuple[object, ...], int]
) -> dict[tuple[object, ...], float]:
    """``mass`` with answers whose log-masses are within :data:`_MASS_TIE` of a likelier
    one's (the first of their group) given ranks in the order found: a key to sort by."""
    by_mass = sorted(mass, key=lambda a: -mass[a])
    out: dict[tuple[object, ...], float] = {}
    i = 0
    while i < len(by_mass):
        lead = mass[by_mass[i]]
        j = i
        while j < len(by_mass) and lead - mass[by_mass[j]] < _MASS_TIE:
            j += 1
        for k, answer in enumerate(sorted(by_mass[i:j], key=lambda a: orders[a])):
            out[answer] = float(len(by_mass) - i - k)  # larger is better, as a mass
        i = j
    return out


def _log_mass(masses: Iterable[Mass]) -> float:
    """The log of the mass of an answer's classes: summed over the classes one search
    found, the largest over searches (a portfolio's stages find the same classes)."""
    by_search: dict[int, float] = {}
    for m in masses:
        by_search[m.search] = by_search.get(m.search, 0.0) + m.value
    best = max(by_search.values())
    return math.log(best) if best > 0.0 else -math.inf


def _add_distinct(values: list[object], value: object) -> None:
    if value is not None and value not in values:
        values.append(value)


def _attempts(candidates: list[object], attempts: int) -> tuple[object, ...]:
    """Up to ``attempts`` distinct values, best first, for one test input: each answer's
    value for it in rank order, those equal to a better one skipped (two solutions that
    differ elsewhere may agree here); ``(None,)`` when every answer failed on it."""
    values: list[object] = []
    for value in candidates:
        _add_distinct(values, value)
        if len(values) == attempts:
            break
    return tuple(values) if values or not candidates else (None,)


def _predict(program: Expr, task: Task, grammar: Grammar, budget: Budget) -> tuple[object, ...]:
    compiled = Program(program, grammar.primitives)
    out: list[object] = []
    for ex in task.test:
        got = compiled.run(ex.inputs, budget.run_limits)
        out.append(None if got is FAIL else got)
    return tuple(out)
