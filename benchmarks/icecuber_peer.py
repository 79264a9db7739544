"""Score icecuber's 2020 ARC search solver on a bundled ARC split, task by task (issue 25).

Optional: a side-by-side measure against a peer, not run by the tests, and metagrow does
not need the peer for anything else. Build the peer first, outside this repository:

    git clone https://github.com/top-quarks/ARC-solution /work/icecuber
    cd /work/icecuber
    sed -i 's/^  int eval = 0;/  int eval = 1;/' src/runner.cpp   # hidden-test mode
    make -j1                                                       # builds ./run (g++ -O2)

``eval = 1`` is the peer's own switch for the Kaggle test mode: it reads the tasks from
``dataset/test`` and never looks for test outputs, so none are given to it.

Usage: python benchmarks/icecuber_peer.py --solver-dir /work/icecuber --split training
           [--limit N] [--depth 2] [--timeout 120] [--json OUT.json]

Each task gets a scratch folder holding ``dataset/test/<id>.json`` (its train pairs and
test inputs only) and ``output/``; the peer runs once per test input (``run INDEX DEPTH``,
one process at a time) and writes its best three answers, best first. A test input counts
when one of the first two equals the expected output (official top-2 scoring); a task
scores the fraction of its test inputs right. Seconds are wall time summed over the
task's runs. Pin it to a core with ``taskset -c 1 python ...`` (the runs inherit it).
A run that times out or fails scores 0 and its task is marked with a ``status``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from metagrow.domains.grids import ARC_SPLITS, Grid, load_arc_split
from metagrow.lang import Task

Rows = list[list[int]]


def rows(value: object) -> Rows:
    assert isinstance(value, Grid)
    cells: Rows = value.cells.tolist()
    return cells


def task_json(task: Task) -> dict[str, object]:
    """The task in the ARC file layout, with the test outputs left out."""
    train = [{"input": rows(ex.inputs[0]), "output": rows(ex.output)} for ex in task.train]
    test = [{"input": rows(ex.inputs[0])} for ex in task.test]
    return {"train": train, "test": test}


def read_answers(path: Path) -> list[Rows]:
    """The grids of a peer answer file (``|012|345| score`` lines after an id line)."""
    answers = []
    for line in path.read_text().splitlines()[1:]:
        image = line.split()[0]
        answers.append([[int(c) for c in row] for row in image.strip("|").split("|")])
    return answers


def run_task(solver: Path, task: Task, depth: int, timeout: float) -> tuple[float, float, str]:
    """Score, wall seconds and status ("ok", "timeout" or "crash ...") of the peer on one
    task, run once per test input."""
    right, seconds, status = 0, 0.0, "ok"
    with tempfile.TemporaryDirectory(prefix="icecuber-") as scratch:
        folder = Path(scratch)
        (folder / "dataset" / "test").mkdir(parents=True)
        (folder / "output").mkdir()
        (folder / "dataset" / "test" / f"{task.name}.json").write_text(json.dumps(task_json(task)))
        for index, example in enumerate(task.test):
            started = time.perf_counter()
            try:
                done = subprocess.run(
                    [str(solver / "run"), str(index), str(depth)],
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                seconds += time.perf_counter() - started
                status = "timeout"
                continue
            seconds += time.perf_counter() - started
            answer = folder / "output" / f"answer_{index}_{depth}.csv"
            if done.returncode != 0 or not answer.exists():
                status = f"crash (exit {done.returncode})"
                continue
            right += rows(example.output) in read_answers(answer)[:2]
    return right / len(task.test), seconds, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solver-dir", type=Path, required=True, help="built peer folder")
    parser.add_argument("--split", choices=ARC_SPLITS, default="training")
    parser.add_argument("--limit", type=int, default=None, help="first N tasks by id")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per test input")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    solver = args.solver_dir.resolve()
    if not (solver / "run").is_file():
        parser.error(f"{solver}/run is missing; build the peer first (see the docstring)")
    tasks = load_arc_split(args.split)[: args.limit]
    results: dict[str, dict[str, object]] = {}
    total_score = total_seconds = 0.0
    for n, task in enumerate(tasks, 1):
        score, seconds, status = run_task(solver, task, args.depth, args.timeout)
        total_score += score
        total_seconds += seconds
        result: dict[str, object] = {"score": score, "seconds": round(seconds, 3)}
        if status != "ok":
            result["status"] = status
        results[task.name] = result
        print(f"{n}/{len(tasks)} {task.name} {score:g} {seconds:.2f}s {status}", file=sys.stderr)
    report = {
        "split": args.split,
        "depth": args.depth,
        "tasks": results,
        "total_score": round(total_score, 4),
        "total_seconds": round(total_seconds, 2),
    }
    print(f"{args.split}: {total_score:g}/{len(tasks)} top-2 in {total_seconds:.1f} s")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
