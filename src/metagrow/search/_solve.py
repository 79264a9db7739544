"""Solving one task: run an engine, keep distinct answers, predict the test outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from metagrow.lang import FAIL, Expr, Grammar, Program, Task
from metagrow.search._budget import Budget, Progress
from metagrow.search._engine import Engine, Solution, fallbacks_in


@final
@dataclass(frozen=True, slots=True)
class SolveResult:
    """The outcome of one search on one task.

    ``predictions[i]`` lists up to ``attempts`` distinct candidate outputs for test
    example ``i``, best first; a run that failed on that input predicts ``None``.
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
    to ``attempts`` distinct answers can be given. Solutions that use a ``fallback``
    primitive rank after all others and do not cut the search short; of those, only the
    first with each set of fallbacks ranks ahead of near misses. When nothing fits,
    an engine's near misses (``train_score`` below 1) still give attempts, but the task
    is not solved.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    progress = Progress()
    # Distinct answers by rank: searched solutions; the first solution with each set of
    # fallback primitives; near misses; other fallback solutions (compositions around a
    # fallback, which rarely mean anything).
    best: dict[tuple[object, ...], tuple[int, int, Solution]] = {}  # answer: rank, order
    fallback_sets: set[frozenset[str]] = set()
    strong = 0
    stop_at: float | None = None
    for order, sol in enumerate(engine.search(task, grammar, budget, progress)):
        fits = sol.train_score >= 1.0
        used = fallbacks_in(sol.program, grammar)
        rank = 2 if not fits else 0 if not used else 3 if used in fallback_sets else 1
        if rank == 3 and len(best) >= attempts:
            continue  # enough answers already rank above it
        fallback_sets.add(used)
        answer = _predict(sol.program, task, grammar, budget)
        if answer not in best or rank < best[answer][0]:
            strong += rank == 0
            best[answer] = (rank, order, sol)
        if strong >= attempts or not task.test:
            break
        if stop_at is None and rank == 0:
            stop_at = progress.started + sol.seconds + max(0.2, 0.5 * sol.seconds)
            progress.deadline = min(progress.deadline, stop_at)
    ranked = sorted(best.items(), key=lambda item: item[1][:2])
    answers = [answer for answer, _ in ranked[:attempts]]
    kept = [sol for _, (rank, _, sol) in ranked if rank != 2]
    predictions = tuple(tuple(a[i] for a in answers) for i in range(len(task.test)))
    return SolveResult(
        task=task.name,
        solved=bool(kept),
        program=kept[0].program if kept else None,
        predictions=predictions,
        seconds=progress.elapsed,
        programs_tried=progress.programs_tried,
        solutions=tuple(kept),
    )


def _predict(program: Expr, task: Task, grammar: Grammar, budget: Budget) -> tuple[object, ...]:
    compiled = Program(program, grammar.primitives)
    out: list[object] = []
    for ex in task.test:
        got = compiled.run(ex.inputs, budget.run_limits)
        out.append(None if got is FAIL else got)
    return tuple(out)
