"""Ray's overhead next to the process pool: ``bench lists`` at a fixed program budget on
this machine, run with each backend in turn (interleaved, so drift hits both alike).

Usage: python benchmarks/ray_overhead.py [--limit 60] [--programs 50000] [--jobs 2]
       [--repeat 1]
Prints each backend's wall time and solved tasks, and Ray's overhead as a share of the
pool's wall time. Starting the local Ray (``ray.init``) is timed apart and not counted;
everything after it is (workers reading the job, scheduling, results coming back).
Needs the ray extra: pip install 'metagrow[ray]'.
"""

from __future__ import annotations

import argparse
import statistics
import time

from metagrow.bench import BenchReport, run_suite
from metagrow.domains.lists import ListsDomain
from metagrow.search import (
    Backend,
    BottomUpEnumerator,
    Budget,
    ProcessPoolBackend,
    RayBackend,
    SolveJob,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60, help="first N tasks of the suite")
    parser.add_argument("--programs", type=int, default=50_000, help="programs per task")
    parser.add_argument("--jobs", type=int, default=2, help="workers for both backends")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each backend")
    args = parser.parse_args()

    domain = ListsDomain()
    tasks = list(domain.suite("all"))[: args.limit]
    budget = Budget(60.0, programs=args.programs, run_limits=domain.limits())
    job = SolveJob(domain, BottomUpEnumerator(), budget)
    ray_backend = RayBackend(args.jobs)
    start = time.perf_counter()
    ray_backend.connect()
    startup = time.perf_counter() - start
    print(f"local Ray started in {startup:.1f} s (not counted)")

    backends: dict[str, Backend] = {"pool": ProcessPoolBackend(args.jobs), "ray": ray_backend}
    walls: dict[str, list[float]] = {name: [] for name in backends}
    solved: dict[str, set[str]] = {}
    for _ in range(args.repeat):
        for name, backend in backends.items():
            report = run_suite("lists", tasks, job, backend, args.jobs)
            assert isinstance(report, BenchReport)
            walls[name].append(report.wall_seconds)
            solved[name] = {r.task for r in report.tasks if r.solved}
            errors = sum(r.error is not None for r in report.tasks)
            print(f"{name:4s}: wall {report.wall_seconds:6.2f} s, solved "
                  f"{len(solved[name])}/{len(tasks)}, errors {errors}", flush=True)  # fmt: skip

    pool, ray = statistics.median(walls["pool"]), statistics.median(walls["ray"])
    same = "same solved tasks" if solved["pool"] == solved["ray"] else "SOLVED TASKS DIFFER"
    print(f"\n{len(tasks)} tasks, {args.programs:,} programs each, {args.jobs} workers: "
          f"pool {pool:.2f} s, ray {ray:.2f} s (median of {args.repeat}); "
          f"Ray overhead {100 * (ray - pool) / pool:+.1f} % of wall time; {same}")  # fmt: skip


if __name__ == "__main__":
    main()
