"""Inner labels: sum of digit images from few labelled lists, with and without labels for
the digit of some images (an intermediate value of the program).

Usage: python benchmarks/inner_labels.py [--lists 10 20 40] [--inner 0 30 100]
                                         [--seeds 0 1 2] [--budget 30] [--json OUT]

Each run solves a perception task ``list(image[8,8]) -> int`` with ``metagrow``'s
neural engine (a fresh module, no library), the task's ``inner`` field holding the
digit of ``inner`` images drawn from the train pool (the same images for every list
count). Prints exact test accuracy on 300 test lists, the median over seeds, and the
program found.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from _timing import write_json

from metagrow.domains import Tensor
from metagrow.domains.digits import load_digit_images
from metagrow.domains.perception import PerceptionDomain, digit_tasks
from metagrow.fit import NeuralEngine
from metagrow.lang import Task
from metagrow.search import Budget, solve


def _with_inner(task: Task, count: int, seed: int) -> Task:
    if not count:
        return task
    images = load_digit_images(0)
    rows = random.Random(f"inner:{seed}").sample(images.pools["train"], count)
    labels = tuple((Tensor(images.pixels[r].reshape(8, 8)), int(images.labels[r])) for r in rows)
    return Task(task.name, task.request, task.train, task.test, {"inner": labels})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, nargs="+", default=[10, 20, 40])
    parser.add_argument("--inner", type=int, nargs="+", default=[0, 30, 100])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    grammar = PerceptionDomain().grammar()
    rows: list[dict[str, object]] = []
    started = time.perf_counter()
    print(
        "| end lists | inner labels | accuracy (median) | per seed | seconds | program (seed 0) |"
    )
    print("|---|---|---|---|---|---|")
    for n in args.lists:
        for inner in args.inner:
            accs, secs, programs = [], [], []
            for seed in args.seeds:
                (base,) = digit_tasks({"sum_digits": n}, test_size=300, seed=seed)
                task = _with_inner(base, inner, seed)
                result = solve(task, grammar, NeuralEngine(seed=seed), Budget(args.budget))
                right = [
                    p[0] == ex.output for p, ex in zip(result.predictions, task.test, strict=True)
                ]
                accs.append(sum(right) / len(right))
                secs.append(result.seconds)
                programs.append(str(result.program))
            row = {
                "lists": n,
                "inner": inner,
                "accuracy": statistics.median(accs),
                "per_seed": accs,
                "seconds": round(statistics.median(secs), 1),
                "program": programs[0],
            }
            rows.append(row)
            print(
                f"| {n} | {inner} | {row['accuracy']:.3f} | {' / '.join(f'{a:.3f}' for a in accs)} "
                f"| {row['seconds']} | `{programs[0]}` |",
                flush=True,
            )
    print(f"seconds {time.perf_counter() - started:.0f}")
    write_json(args.json, {"runs": rows})


if __name__ == "__main__":
    main()
