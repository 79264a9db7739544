"""metagrow, gplearn, a linear model and gradient boosting on the formula suite and
scikit-learn's tables, at one wall-clock budget per task per system.

Usage: python benchmarks/regression.py [--budget S] [--jobs N] [--limit N]
       [--suite formulas|sklearn|all] [--systems metagrow,gplearn,linear,hgb] [--seed N]
The same run as ``metagrow bench regression`` (which also writes --json/--markdown);
this prints the aggregate table and the scikit-learn data sets one by one.
"""

from __future__ import annotations

import argparse
import sys
from typing import cast

from metagrow.bench import SYSTEMS, System, gplearn_missing, regression_tasks, run_regression
from metagrow.bench._regression import Suite


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per task per system")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--limit", type=int, default=0, help="the first N tasks (0: all)")
    parser.add_argument("--suite", choices=("formulas", "sklearn", "all"), default="all")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    systems = [s for s in args.systems.split(",") if s]
    if "gplearn" in systems and (missing := gplearn_missing()) is not None:
        print(missing, file=sys.stderr)
        systems.remove("gplearn")
    tasks = regression_tasks(cast(Suite, args.suite), args.seed)
    tasks = tasks[: args.limit] if args.limit else tasks
    report = run_regression(
        tasks,
        cast(list[System], systems),
        budget=args.budget,
        jobs=args.jobs,
        seed=args.seed,
        suite=args.suite,
        on_task=lambda records: print(f"done {records[0].task}", file=sys.stderr),
    )
    print(f"{len(tasks)} tasks, {args.budget:g} s per task per system, {args.jobs} jobs")
    print(report.aggregate_markdown())
    print(report.sklearn_markdown())


if __name__ == "__main__":
    main()
