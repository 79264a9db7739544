"""metagrow from Python: ``metagrow.solve`` gives what ``metagrow solve --json`` prints,
from a path, a task dict or a Task; ``metagrow.learning`` mirrors ``metagrow learn``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import metagrow as run_cli

import metagrow
from metagrow.domains import TaskFileError, load_task
from metagrow.domains.lists import ListsDomain

KEEP = ("task", "solved", "program")


def _stable(record: dict[str, object]) -> dict[str, object]:
    """The fields that do not hang on how far a search got: the second attempt is a
    runner-up found in the time left, so only each test input's first attempt is kept."""
    stable = {k: record[k] for k in KEEP}
    predictions = record["predictions"]
    assert isinstance(predictions, list)
    stable["first_attempts"] = [attempts[0] for attempts in predictions]
    return stable


def test_solve_from_python_is_solve_json(examples_dir: Path) -> None:
    path = examples_dir / "keep-evens.json"
    cli = run_cli("solve", str(path), "--budget", "5", "--json")
    assert cli.returncode == 0, cli.stderr
    from_path = metagrow.solve(path, budget=5).to_json()
    assert list(from_path) == list(json.loads(cli.stdout))
    assert _stable(from_path) == _stable(json.loads(cli.stdout))
    as_dict = json.loads(path.read_text())
    assert _stable(metagrow.solve(as_dict, budget=5).to_json()) == _stable(from_path)
    task = load_task(path, ListsDomain())
    assert _stable(metagrow.solve(task, ListsDomain(), budget=5).to_json()) == _stable(from_path)


def test_solve_from_python_reads_arc_tasks_and_rejects_bad_ones() -> None:
    grid = [[1, 2], [3, 4]]
    flipped = [[2, 1], [4, 3]]
    task = {"train": [{"input": grid, "output": flipped}], "test": [{"input": [[5, 6]]}]}
    result = metagrow.solve(task, budget=2)
    assert result.solved and result.predictions[0][0] == [[6, 5]]
    with pytest.raises(TaskFileError, match="train"):
        metagrow.solve({"type": "int -> int", "train": "nope"}, budget=1)
    with pytest.raises(ValueError, match="unknown domain"):
        metagrow.solve(task, domain="nosuch", budget=1)


def test_learn_from_python_stores_a_run(tmp_path: Path) -> None:
    store = tmp_path / "py.db"
    tasks = list(ListsDomain().suite("train"))[:6]
    report = metagrow.learn(
        tasks, "lists", iterations=1, budget=1, jobs=1, guide=False, store=store
    )
    assert report.run_id >= 1 and report.resumed_after is None
    assert len(report.iterations) == 1 and report.iterations[0].tasks == 6
    again = metagrow.learn(tasks, "lists", iterations=1, budget=1, jobs=1, guide=False, store=store)
    assert again.run_id == report.run_id and again.resumed_after == 0 and not again.iterations
