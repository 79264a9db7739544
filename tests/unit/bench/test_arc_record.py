"""An ARC record scores the attempts against the known test outputs and names the node
that ran the task."""

from __future__ import annotations

from metagrow.bench._arc import score_arc
from metagrow.domains.grids import GRID, Grid
from metagrow.lang import Example, Task, arrow
from metagrow.search import SolveResult, TaskOutcome

A = Grid.of([[1, 2], [3, 4]])
B = Grid.of([[4, 3], [2, 1]])
C = Grid.of([[0]])
TASK = Task(
    "t",
    arrow(GRID, GRID),
    (Example((A,), B),),
    (Example((B,), A), Example((A,), B)),
)


def outcome(predictions: tuple[tuple[object, ...], ...], node: str | None) -> TaskOutcome:
    result = SolveResult("t", True, None, predictions, 0.5, 10, ())
    return TaskOutcome(0, "t", result, None, 0.5, node=node)


def test_a_test_input_counts_when_its_output_is_among_the_first_two_attempts() -> None:
    record = score_arc(TASK, outcome(((B, A), (A, C, B)), "node-1"))
    assert (record.correct, record.tests, record.score) == (1, 2, 0.5)
    assert record.node == "node-1"


def test_a_failed_task_keeps_its_node_and_error() -> None:
    failed = TaskOutcome(0, "t", None, "worker died", 1.0, node="node-2")
    record = score_arc(TASK, failed)
    assert (record.correct, record.error, record.node) == (0, "worker died", "node-2")
