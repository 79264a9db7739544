"""Every engine on the list suite at one budget per task, side by side.

Usage: python benchmarks/evolution_lists.py [--seconds S] [--limit N] [--split SPLIT]
       [--engines bottomup,topdown,evolution]
One process, one task at a time. "solved" counts tasks with a program fitting every
train example; "test right" those whose first attempt is right on every test example;
programs/s is the programs an engine tried over the seconds it searched (a search stops
soon after its first solution, so solved tasks take less than the budget).
"""

from __future__ import annotations

import argparse
import time

from metagrow.api import ENGINES
from metagrow.domains.lists import ListsDomain
from metagrow.search import Budget, solve_in_domain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="budget per task")
    parser.add_argument("--limit", type=int, default=30, help="the first N tasks")
    parser.add_argument("--split", default="train")
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    domain = ListsDomain()
    tasks = list(domain.suite(args.split))[: args.limit]
    grammar = domain.grammar()
    budget = Budget(args.seconds, run_limits=domain.limits())
    print(f"{len(tasks)} tasks of the lists {args.split} split, {args.seconds} s each")
    print(f"{'engine':<10} {'solved':>8} {'test right':>11} {'programs/s':>11} {'seconds':>8}")
    for name in args.engines.split(","):
        solved = right = tried = 0
        searched, start = 0.0, time.perf_counter()
        for task in tasks:
            result = solve_in_domain(task, domain, grammar, ENGINES[name](), budget, 1)
            solved += result.solved
            right += result.solved and all(
                p[0] == ex.output for p, ex in zip(result.predictions, task.test, strict=True)
            )
            tried += result.programs_tried
            searched += result.seconds
        took = time.perf_counter() - start
        rate = tried / searched if searched else 0.0
        print(f"{name:<10} {solved:>5}/{len(tasks):<2} {right:>8}/{len(tasks):<2} "
              f"{rate:>11,.0f} {took:>8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
