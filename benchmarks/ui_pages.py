"""Time every page of ``metagrow ui`` on a store with 1,000 tasks and 200 inventions.

Usage: python benchmarks/ui_pages.py [--tasks N] [--inventions K] [--repeat R]
The store is written through ``Store``'s own API: a lists run over a folder of N task
files (so the task pages read their examples again), K inventions in chains of ten, each
built on the one before, over three iterations, and a solution for every other task.
Each page is requested R times through FastAPI's test client after one warm-up request
(which builds the run's grammar and reads the task files, as a first visit does); the
median is printed in milliseconds. The target is under 500 ms a page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from metagrow.store import InventionRecord, SolutionRecord, Store
from metagrow.ui import make_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def write_tasks(folder: Path, n: int) -> list[str]:
    names = []
    for i in range(n):
        k = i % 5 + 1
        name = f"add-{k}-then-{'reverse' if i % 2 else 'keep'}-{i:04d}"
        train = [[3, 1, 4], [1, 5, 9, 2], [6], [5, 3, 5, 8, 9, 7]]
        out = [[x + k for x in xs][:: -1 if i % 2 else 1] for xs in train]
        task = {
            "name": name,
            "type": "list(int) -> list(int)",
            "train": [{"input": a, "output": b} for a, b in zip(train[:3], out[:3], strict=True)],
            "test": [{"input": train[3], "output": out[3]}],
        }
        (folder / f"{name}.json").write_text(json.dumps(task))
        names.append(name)
    return names


def inventions(count: int) -> list[InventionRecord]:
    """Chains of ten: each chain starts from a different ``map (* a) (map (+ b) xs)`` and
    each next link reverses the list before calling the one before (so the graph has ten
    layers)."""
    out = []
    for i in range(count):
        if i % 10 == 0:
            a, b = divmod(i // 10, 6)
            source = f"(lam (map (lam (* $0 {a % 5 + 1})) (map (lam (+ $0 {b})) $0)))"
        else:
            source = f"(lam (f{i - 1} (reverse $0)))"
        tasks = tuple(f"task-{j}" for j in range(i % 7))
        out.append(InventionRecord(f"f{i}", source, "list(int) -> list(int)", -1.0, i // 70,
                                   tasks, i % 9))  # fmt: skip
    return out


def write_store(db: Path, folder: Path, n_tasks: int, n_inventions: int) -> str:
    names = write_tasks(folder, n_tasks)
    library = inventions(n_inventions)
    with Store(db) as store:
        run = store.start_run("lists", {"suite": str(folder.resolve()), "budget": 1.0})
        for it in range(3):
            solutions = [
                SolutionRecord(name, f"(lam (f{k % n_inventions // 10 * 10} $0))", -5, 0.3, 500, it)
                for k, name in enumerate(names)
                if k % 2 == 0 and k % 3 == it
            ]
            store.commit_iteration(
                run, it,
                metrics={"solved": (it + 1) * n_tasks // 6, "tasks": n_tasks,
                         "attempted": n_tasks, "seconds": 60.0 + it, "newly_solved": [],
                         "added": [r.name for r in library if r.iteration == it]},
                inventions=[r for r in library if r.iteration <= it], production_weights={},
                log_variable=0.0, solutions=solutions,
                budgets={name: 1.0 + it for name in names}, tasks_seen=names,
            )  # fmt: skip
    return names[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--inventions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tasks"
        folder.mkdir()
        db = Path(tmp) / "ui.db"
        first = write_store(db, folder, args.tasks, args.inventions)
        client = TestClient(make_app(db))
        pages = ["/", "/library", f"/library/f{args.inventions - 1}", "/runs", "/tasks",
                 f"/tasks/{first}", f"/playground?task={first}", "/api/version"]  # fmt: skip
        print(f"{args.tasks} tasks, {args.inventions} inventions; median of {args.repeat}")
        for page in pages:
            started = time.perf_counter()
            r = client.get(page)
            warm = (time.perf_counter() - started) * 1000
            assert r.status_code == 200, (page, r.status_code, r.text[-300:])
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                client.get(page)
                times.append((time.perf_counter() - started) * 1000)
            print(f"  {page:<45} {statistics.median(times):7.1f} ms  (first {warm:7.1f} ms,"
                  f" {len(r.content) // 1024} KiB)")  # fmt: skip


if __name__ == "__main__":
    main()
