"""`metagrow bench` on folders of tasks, as a newcomer runs it: tasks whose test outputs
are held back are not known (neither right nor wrong)."""

from __future__ import annotations

import json
from pathlib import Path

from cli_run import metagrow

FLIP = {
    "train": [
        {"input": [[1, 2], [3, 4]], "output": [[2, 1], [4, 3]]},
        {"input": [[5, 0, 0]], "output": [[0, 0, 5]]},
    ],
    "test": [{"input": [[7, 8, 9]], "output": [[9, 8, 7]]}],
}


def _held_back(task: dict[str, object]) -> dict[str, object]:
    tests = task["test"]
    assert isinstance(tests, list)
    return {**task, "test": [{"input": ex["input"]} for ex in tests]}


def test_bench_lists_scores_held_back_tasks_as_not_known(
    tmp_path: Path, examples_dir: Path
) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    reverse = json.loads((examples_dir / "reverse.json").read_text())
    (folder / "a.json").write_text(json.dumps(reverse))
    (folder / "b.json").write_text(json.dumps({**_held_back(reverse), "name": "hidden"}))
    out, md = tmp_path / "report.json", tmp_path / "report.md"
    proc = metagrow(
        "bench", "lists", "--tasks", str(folder), "--budget", "2", "--jobs", "1",
        "--json", str(out), "--markdown", str(md),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    hidden = next(t for t in report["tasks"] if t["task"] == "hidden")
    assert hidden["solved"] is True
    assert hidden["test_correct"] is None and hidden["top1_correct"] is None
    totals = report["totals"]
    assert (totals["tasks"], totals["tasks_scored"], totals["tasks_unknown"]) == (2, 1, 1)
    assert totals["test_correct"] == 1
    assert "test-correct 1/1" in proc.stdout and "1 not known" in proc.stdout
    assert "n/a" in proc.stdout
    assert "| hidden | True | n/a |" in md.read_text()


def test_bench_arc_scores_held_back_tasks_as_not_known(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "a-flip.json").write_text(json.dumps(FLIP))
    (folder / "b-hidden.json").write_text(json.dumps(_held_back(FLIP)))
    out, md = tmp_path / "report.json", tmp_path / "report.md"
    proc = metagrow(
        "bench", "arc", "--tasks", str(folder), "--budget", "2", "--jobs", "1",
        "--json", str(out), "--markdown", str(md),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    hidden = next(t for t in report["tasks"] if t["task"] == "b-hidden")
    assert hidden["score"] is None and hidden["correct"] is None and hidden["solved"] is True
    totals = report["totals"]
    assert (totals["tasks_scored"], totals["tasks_unknown"], totals["score"]) == (1, 1, 1.0)
    assert totals["score_percent"] == 100.0
    assert "score 1.0/1 (100.0%)" in proc.stdout and "1 not known" in proc.stdout
    assert "| b-hidden | n/a |" in md.read_text()
