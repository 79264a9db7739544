"""Solving one task: run an engine, keep distinct answers, predict the test outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from metagrow.lang import FAIL, Expr, Grammar, Primitive, Program, Task, with_learned
from metagrow.search._budget import Budget, Progress
from metagrow.search._engine import Engine, Solution, fallbacks_in


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

    @property
    def first_solution_seconds(self) -> float | None:
        return self.solutions[0].seconds if self.solutions else None

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
) -> SolveResult:
    """Search for programs fitting ``task`` and predict its test outputs.

    After the first solution, the search goes on briefly (half the time it took, at
    least 0.2 s, within the budget) for solutions that predict differently, so that up
    to ``attempts`` distinct answers can be given for each test input; it stops early
    once every test input has them. Solutions that use a ``fallback``
    primitive rank after all others and do not cut the search short; of those, only the
    first with each set of fallbacks ranks ahead of near misses. When nothing fits,
    an engine's near misses (``train_score`` below 1) still give attempts, but the task
    is not solved. Ctrl-C raises :class:`SolveInterrupted` with the result so far.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    progress = Progress()
    # Distinct answers by rank: searched solutions; the first solution with each set of
    # fallback primitives; near misses; other fallback solutions (compositions around a
    # fallback, which rarely mean anything).
    best: dict[tuple[object, ...], tuple[int, int, Solution]] = {}  # answer: rank, order
    fallback_sets: set[frozenset[str]] = set()
    strong: list[list[object]] = [[] for _ in task.test]  # searched solutions' values per input
    stop_at: float | None = None
    interrupted = False
    try:
        for order, sol in enumerate(engine.search(task, grammar, budget, progress)):
            fits = sol.fits
            used = fallbacks_in(sol.program, grammar)
            rank = 2 if not fits else 0 if not used else 3 if used in fallback_sets else 1
            if rank == 3 and len(best) >= attempts:
                continue  # enough answers already rank above it
            fallback_sets.add(used)
            answer = _predict(sol.program, task, with_learned(grammar, sol.learned), budget)
            if answer not in best or rank < best[answer][0]:
                best[answer] = (rank, order, sol)
                if rank == 0:
                    for values, value in zip(strong, answer, strict=True):
                        _add_distinct(values, value)
            if all(len(values) >= attempts for values in strong):
                break  # every test input has enough distinct answers (or there is no test)
            if stop_at is None and rank == 0:
                stop_at = progress.started + sol.seconds + max(0.2, 0.5 * sol.seconds)
                progress.deadline = min(progress.deadline, stop_at)
    except KeyboardInterrupt:
        interrupted = True  # what was found so far is the result
    ranked = [answer for answer, _ in sorted(best.items(), key=lambda item: item[1][:2])]
    kept = [sol for rank, _, sol in sorted(best.values(), key=lambda v: v[:2]) if rank != 2]
    predictions = tuple(_attempts([a[i] for a in ranked], attempts) for i in range(len(task.test)))
    result = SolveResult(
        task=task.name,
        solved=bool(kept),
        program=kept[0].program if kept else None,
        predictions=predictions,
        seconds=progress.elapsed,
        programs_tried=progress.programs_tried,
        solutions=tuple(kept),
    )
    if interrupted:
        raise SolveInterrupted(result)
    return result


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
