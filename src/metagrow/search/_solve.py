"""Solving one task: run an engine, keep distinct answers, predict the test outputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import final

from metagrow.lang import FAIL, Expr, Grammar, Prim, Program, Task
from metagrow.search._budget import Budget, Progress
from metagrow.search._engine import Engine, Solution


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
    primitive rank after all others and do not cut the search short. When nothing fits,
    an engine's near misses (``train_score`` below 1) still give attempts, but the task
    is not solved.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    progress = Progress()
    # Distinct answers in three ranks: searched solutions, fallback solutions, near misses.
    ranked: tuple[list[_Answer], list[_Answer], list[_Answer]] = ([], [], [])
    seen: set[tuple[object, ...]] = set()
    stop_at: float | None = None
    for sol in engine.search(task, grammar, budget, progress):
        answer = _predict(sol.program, task, grammar, budget)
        fits = sol.train_score >= 1.0
        strong = fits and not _uses_fallback(sol.program, grammar)
        if answer not in seen:
            seen.add(answer)
            ranked[0 if strong else 1 if fits else 2].append((sol, answer))
        if len(ranked[0]) >= attempts or not task.test:
            break
        if stop_at is None and strong:
            stop_at = progress.started + sol.seconds + max(0.2, 0.5 * sol.seconds)
            progress.deadline = min(progress.deadline, stop_at)
    answers = [*ranked[0], *ranked[1], *ranked[2]][:attempts]
    kept = [sol for sol, _ in (*ranked[0], *ranked[1])]
    predictions = tuple(tuple(a[i] for _, a in answers) for i in range(len(task.test)))
    return SolveResult(
        task=task.name,
        solved=bool(kept),
        program=kept[0].program if kept else None,
        predictions=predictions,
        seconds=progress.elapsed,
        programs_tried=progress.programs_tried,
        solutions=tuple(kept),
    )


_Answer = tuple[Solution, tuple[object, ...]]


def _uses_fallback(program: Expr, grammar: Grammar) -> bool:
    return any(
        isinstance(e, Prim) and e.name in grammar.primitives and grammar.primitives[e.name].fallback
        for e in program.walk()
    )


def _predict(program: Expr, task: Task, grammar: Grammar, budget: Budget) -> tuple[object, ...]:
    compiled = Program(program, grammar.primitives)
    out: list[object] = []
    for ex in task.test:
        got = compiled.run(ex.inputs, budget.run_limits)
        out.append(None if got is FAIL else got)
    return tuple(out)
