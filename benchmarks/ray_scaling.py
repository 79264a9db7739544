"""How ``learn`` throughput would scale from 2 to 64 Ray workers: a simulation built from
times measured on this machine.

Usage: python benchmarks/ray_scaling.py [--limit 40] [--budget 1] [--tasks 1000]
Measures (1) each task's search time in a wake phase (lists train split, ``--budget``
seconds, the process pool), (2) the driver's time per task on Ray (submitting, waiting,
reading the outcome; from many tasks that stop at once), and (3) the compression step's
time against its number of solutions (fitted as ``a * n**b``). Then it simulates one
``learn --no-guide`` iteration over ``--tasks`` tasks whose search times are drawn from (1):
the driver hands out and collects tasks one at a time, each worker runs one task at a
time, and compression runs on the driver after the wake phase. Guide training (another
step on the driver) is left out.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import time

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Expr, parse_type
from metagrow.library import compress
from metagrow.search import (
    BottomUpEnumerator,
    Budget,
    ProcessPoolBackend,
    RayBackend,
    SolveJob,
    TopDownEnumerator,
)

WORKERS = (2, 4, 8, 16, 32, 64)


def search_times(limit: int, seconds: float) -> tuple[list[float], float]:
    """Each task's search time in a wake phase, and the share of tasks solved."""
    domain = ListsDomain()
    tasks = list(domain.suite("train"))[:limit]
    job = SolveJob(domain, BottomUpEnumerator(), Budget(seconds, run_limits=domain.limits()))
    outcomes = list(ProcessPoolBackend(2).run(job, tasks))
    times = [o.result.seconds for o in outcomes if o.result is not None]
    solved = sum(o.result is not None and o.result.solved for o in outcomes)
    return times, solved / len(outcomes)


def driver_seconds(count: int) -> float:
    """The driver's time per task on Ray, from ``count`` tasks that stop at once (an upper
    bound: it includes the workers' own tiny share)."""
    domain = ListsDomain()
    tasks = list(domain.suite("train"))
    job = SolveJob(domain, BottomUpEnumerator(), Budget(10, programs=1, run_limits=domain.limits()))
    backend = RayBackend(2)
    backend.connect()
    list(backend.run(job, tasks[:4]))  # workers up and holding the job
    many = [tasks[i % len(tasks)] for i in range(count)]
    start = time.perf_counter()
    list(backend.run(job, many))
    return (time.perf_counter() - start) / count


def compression_fit(sizes: tuple[int, ...]) -> tuple[float, float]:
    """``(a, b)`` with compression taking about ``a * n**b`` seconds for ``n`` solutions."""
    grammar = ListsDomain().grammar()
    pool: list[Expr] = []
    for request in ("list(int) -> list(int)", "list(int) -> int"):
        pool += [e for _, _, e in TopDownEnumerator().programs(grammar, parse_type(request), 8, 15)]
    rng = random.Random(0)
    points = []
    for n in sizes:
        programs = {f"p{i}": e for i, e in enumerate(rng.sample(pool, n))}
        start = time.perf_counter()
        compress(grammar, programs, {}, 3)
        points.append((math.log(n), math.log(time.perf_counter() - start)))
    (x0, y0), (x1, y1) = points[0], points[-1]
    b = (y1 - y0) / (x1 - x0)
    return math.exp(y0 - b * x0), b


def wake_seconds(times: list[float], workers: int, driver: float) -> float:
    """When the last task of a wake phase comes back: the driver spends ``driver`` seconds
    on each task, one at a time; a task starts once the driver and a worker are free."""
    free = [0.0] * workers
    clock = 0.0
    end = 0.0
    for t in times:
        worker = heapq.heappop(free)
        start = max(clock, worker)
        clock = start + driver
        finish = clock + t
        heapq.heappush(free, finish)
        end = max(end, finish)
    return end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40, help="tasks whose search is timed")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per task")
    parser.add_argument("--tasks", type=int, default=1000, help="tasks in the simulated run")
    parser.add_argument("--driver-tasks", type=int, default=300)
    args = parser.parse_args()

    times, solved = search_times(args.limit, args.budget)
    print(f"search: {len(times)} tasks at {args.budget:g} s, mean {sum(times) / len(times):.3f} "
          f"s per task, {solved:.0%} solved")  # fmt: skip
    driver = driver_seconds(args.driver_tasks)
    print(f"driver: {1000 * driver:.1f} ms per task on Ray (2 local workers)")
    a, b = compression_fit((100, 400))
    solutions = max(2, round(solved * args.tasks))
    squeeze = a * solutions**b
    print(f"compression: {a:.2e} * n^{b:.2f} s; {squeeze:.1f} s for {solutions} solutions")

    rng = random.Random(0)
    drawn = [rng.choice(times) for _ in range(args.tasks)]
    print(f"\none iteration over {args.tasks} tasks (search times drawn from the measured):")
    print(f"{'workers':>8} {'wake s':>8} {'compress s':>10} {'iteration s':>11} "
          f"{'tasks/s':>8} {'speedup':>8} {'efficiency':>10}  bottleneck")  # fmt: skip
    base = None
    for w in WORKERS:
        wake = wake_seconds(drawn, w, driver)
        total = wake + squeeze
        rate = args.tasks / total
        base = base or rate
        speedup = rate / base
        if args.tasks * driver >= 0.5 * wake:
            neck = "driver hand-out"
        elif squeeze >= wake:
            neck = "compression"
        else:
            neck = "workers"
        print(f"{w:>8} {wake:>8.1f} {squeeze:>10.1f} {total:>11.1f} {rate:>8.2f} "
              f"{speedup:>7.1f}x {speedup * WORKERS[0] / w:>9.0%}  {neck}")  # fmt: skip
    limit = args.tasks / (args.tasks * driver + squeeze)
    print(
        f"\nceiling with unlimited workers: {limit:.1f} tasks/s (the driver's "
        f"{args.tasks * driver:.1f} s of hand-out plus {squeeze:.1f} s of compression)"
    )


if __name__ == "__main__":
    main()
