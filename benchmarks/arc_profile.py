"""Where the time goes when metagrow searches ARC tasks (issue 25, item 1).

Usage: python benchmarks/arc_profile.py [--split evaluation] [--limit 60] [--budget 2]
                                        [--top 25] [--json OUT]

Runs the grids domain's default search on the first ``limit`` tasks of an ARC split in
this process, one task after another (no worker pool, so the profile sees everything),
under cProfile, and prints:

- start-up: a fresh ``python -c "import metagrow.cli"`` and a fresh ``metagrow solve`` of
  the first task (its own reported search seconds subtracted: what is left is start-up,
  imports and reading the task);
- per phase, summed over the tasks: the fitted rules read off each task's examples
  (``Domain.task_grammar``) and the search (engine and prediction), wall seconds;
- candidates per second: programs tried over search seconds, summed (the figure issue 25
  asks to raise 20x);
- the profile's own time by area (grid primitives, the interpreter, the search engine,
  values' equality and hashing, numpy and scipy, other), by each function's file, and the
  ``top`` functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from _timing import write_json

from metagrow.domains import domain_from_spec
from metagrow.search import Budget, solve

AREAS = (
    ("grid primitives", ("metagrow/domains/grids/",)),
    ("interpreter", ("metagrow/lang/_interp", "metagrow/lang/_guard")),
    ("search engine", ("metagrow/search/",)),
    ("language (types, grammar, exprs)", ("metagrow/lang/",)),
    ("numpy / scipy", ("numpy/", "scipy/")),
)


def area(filename: str) -> str:
    for name, parts in AREAS:
        if any(p in filename for p in parts):
            return name
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "other"


def startup(task: Path, budget: float) -> dict[str, float]:
    """Fresh-process times: importing the CLI, and a whole ``metagrow solve`` minus its
    reported search seconds."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import metagrow.cli"], check=True)
    imports = time.perf_counter() - began
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "metagrow", "solve", str(task), "--budget", str(budget), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    whole = time.perf_counter() - began
    searched = float(json.loads(done.stdout)["seconds"])
    return {"import_cli": imports, "solve_wall": whole, "solve_outside_search": whole - searched}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="evaluation")
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    domain = domain_from_spec("grids")
    tasks = list(domain.suite(args.split))[: args.limit]
    from metagrow.api import ENGINES

    engine = ENGINES[domain.default_engine]()
    grammar = domain.grammar()
    phases: dict[str, float] = defaultdict(float)
    tried = solved = 0
    profile = cProfile.Profile()
    for task in tasks:
        budget = Budget(args.budget, run_limits=domain.limits())
        profile.enable()
        began = time.perf_counter()
        fitted = domain.task_grammar(task, grammar, 0.25 * args.budget)
        middle = time.perf_counter()
        left = max(args.budget - (middle - began), 0.05 * args.budget)
        result = solve(task, fitted, engine, Budget(left, run_limits=budget.run_limits), 2)
        ended = time.perf_counter()
        profile.disable()
        phases["fitted rules"] += middle - began
        phases["search and prediction"] += ended - middle
        tried += result.programs_tried
        solved += result.solved
    stats = pstats.Stats(profile)
    by_area: dict[str, float] = defaultdict(float)
    by_file: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_area[area(filename)] += own
        short = filename.split("site-packages/")[-1].split("src/")[-1]
        by_file[short] += own
        rows.append((own, calls, cumulative, f"{short}:{line} {name}"))
    total = sum(by_area.values())
    search_seconds = phases["search and prediction"]
    report = {
        "split": args.split,
        "tasks": len(tasks),
        "budget": args.budget,
        "train_solved": solved,
        "phases_seconds": {k: round(v, 2) for k, v in phases.items()},
        "programs_tried": tried,
        "programs_per_second": round(tried / search_seconds, 1) if search_seconds else 0.0,
        "profile_seconds": round(total, 2),
        "by_area": {k: round(v, 2) for k, v in sorted(by_area.items(), key=lambda kv: -kv[1])},
        "startup": {k: round(v, 2) for k, v in startup(_first_file(args.split), 1.0).items()},
    }
    print(json.dumps(report, indent=1))
    print("\nown time by file (top 15):")
    for name, own in sorted(by_file.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {own:8.2f} s  {100 * own / total:5.1f} %  {name}")
    print(f"\ntop {args.top} functions by own time:")
    for own, calls, cumulative, where in sorted(rows, reverse=True)[: args.top]:
        print(f"  {own:8.2f} s own  {cumulative:8.2f} s cum  {calls:>10} calls  {where}")
    write_json(args.json, report)


def _first_file(split: str) -> Path:
    """The split's first task written as an ARC JSON file, for the fresh-process solve."""
    import tempfile

    from metagrow.domains.grids._arc import load_arc_split

    task = load_arc_split(split)[0]
    data = {
        "train": [{"input": _rows(ex.inputs[0]), "output": _rows(ex.output)} for ex in task.train],
        "test": [{"input": _rows(ex.inputs[0])} for ex in task.test],
    }
    path = Path(tempfile.mkdtemp()) / f"{task.name}.json"
    path.write_text(json.dumps(data))
    return path


def _rows(grid: object) -> object:
    from metagrow.domains.grids import GridsDomain
    from metagrow.lang import parse_type

    return GridsDomain().encode(grid, parse_type("grid"))


if __name__ == "__main__":
    main()
