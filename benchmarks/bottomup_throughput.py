"""Bottom-up engine throughput on a 6-example list task, with a profile of where time goes.

Usage: python benchmarks/bottomup_throughput.py [--seconds S] [--profile]
The task has no solution in the DSL (random outputs), so the engine searches for the
whole budget. "checked" counts every candidate program built and evaluated on all
examples; "kept" those whose outputs were new (observational equivalence).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Task, parse_type
from metagrow.search import BottomUpEnumerator, Budget, Progress


def task() -> Task:
    rng = random.Random(0)
    examples = tuple(
        Example(
            (tuple(rng.randint(0, 9) for _ in range(rng.randint(2, 7))),), rng.randint(-999, 999)
        )
        for _ in range(6)
    )
    return Task("unsolvable-6", parse_type("list(int) -> int"), examples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    domain = ListsDomain()
    progress = Progress()
    budget = Budget(args.seconds, run_limits=domain.limits())
    engine = BottomUpEnumerator()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    found = list(engine.search(task(), domain.grammar(), budget, progress))
    if profiler:
        profiler.disable()
    elapsed = progress.elapsed
    print(f"{progress.programs_tried:,} candidates checked in {elapsed:.2f} s: "
          f"{progress.programs_tried / elapsed:,.0f} per second on one core "
          f"({len(found)} solutions, as expected for random outputs)")  # fmt: skip
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        print(out.getvalue())


if __name__ == "__main__":
    main()
