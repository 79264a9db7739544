"""Checking candidate programs against a task's examples."""

from __future__ import annotations

from typing import final

from metagrow.lang import FAIL, Expr, Grammar, Limits, Program, Task
from metagrow.search._budget import Progress


@final
class ExampleChecker:
    """Compiles a candidate and runs it on the train examples, stopping at the first miss.

    With a ``progress``, no run goes past its deadline (the search's end), so that a slow
    candidate near the end cannot overrun the budget by its run limit per example."""

    def __init__(
        self, task: Task, grammar: Grammar, limits: Limits, progress: Progress | None = None
    ) -> None:
        self.inputs = [ex.inputs for ex in task.train]
        self.outputs = [ex.output for ex in task.train]
        self.primitives = grammar.primitives
        self.limits = limits
        self.progress = progress or Progress()

    def accepts(self, expr: Expr) -> bool:
        program = Program(expr, self.primitives)
        limits, deadline = self.limits, self.progress.deadline
        for args, want in zip(self.inputs, self.outputs, strict=True):
            got = program.run(args, limits, deadline)
            if got is FAIL or got != want:
                return False
        return True

    def score(self, expr: Expr) -> float:
        """Fraction of train examples the program gets right."""
        program = Program(expr, self.primitives)
        hits = sum(
            1
            for args, want in zip(self.inputs, self.outputs, strict=True)
            if (got := program.run(args, self.limits, self.progress.deadline)) is not FAIL
            and got == want
        )
        return hits / len(self.inputs)
