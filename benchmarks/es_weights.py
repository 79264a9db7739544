"""Module weights by gradient (Adam) against an evolution strategy (separable CMA-ES).

A fresh module is trained through a fixed program on two digits tasks, by
``train_program`` and by ``evolve_program`` under the same time cap, for each seed; the
table gives the test accuracy (the ordinary interpreter, each module answering its most
likely digit), the wall seconds, the steps (epochs or generations) and the minibatch losses
that drove the updates (gradient steps on 16 examples, or candidates scored on 64). Both
methods stop early by their own rule (no better validation loss for a while); the last
method evolves until the time cap.

    python benchmarks/es_weights.py --seconds 60 --seeds 0 1 --json bench-out/es-weights.json
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch
from _timing import write_json

from metagrow.domains.digits import (
    DIGITS,
    IMAGE,
    PIXELS,
    DigitsDomain,
    DigitTask,
    load_digit_images,
    make_task,
)
from metagrow.fit import (
    EvolveConfig,
    MLPSpec,
    Module,
    Problem,
    TrainConfig,
    accuracy,
    evolve_program,
    predict,
    train_program,
)
from metagrow.lang import INT, arrow, parse

TASKS = {
    "recognise_digit": (1000, "(lam (net $0))"),
    "sum_digits": (100, "(lam (sum (map (lam (net $0)) $0)))"),
}
POPULATION = 24


@dataclass(frozen=True)
class Method:
    name: str
    trainer: str
    hidden: tuple[int, ...]
    until_cap: bool = False


METHODS = (
    Method("gradient (32)", "gradient", (32,)),
    Method("gradient (128)", "gradient", (128,)),
    Method("evolution (32)", "evolution", (32,)),
    Method("evolution (32), no early stop", "evolution", (32,), until_cap=True),
)


def run(task: DigitTask, program: str, method: Method, seconds: float, seed: int) -> dict[str, Any]:
    images = load_digit_images(0)
    problem = Problem(task.task.request, task.task.train, task.validation, images.features)
    module = Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, method.hidden, DIGITS))
    expr = parse(program)
    if method.trainer == "gradient":
        config = TrainConfig(seconds=seconds)
        trained = train_program(expr, [(module, True)], problem, config, seed)
        evaluations = trained.epochs * math.ceil(len(problem.train) / config.batch_size)
    else:
        evolve = EvolveConfig(population=POPULATION, seconds=seconds)
        if method.until_cap:
            evolve = replace(evolve, patience=10**9)
        trained = evolve_program(expr, [(module, True)], problem, evolve, seed)
        evaluations = trained.epochs * POPULATION
    inputs = [ex.inputs for ex in task.task.test]
    primitives = DigitsDomain().grammar().primitives
    predictions = predict(
        expr, primitives, trained.modules, task.task.request, inputs, images.features
    )
    return {
        "task": task.name,
        "method": method.name,
        "seed": seed,
        "weights": sum(p.numel() for p in module.build(0).parameters()),
        "accuracy": accuracy(predictions, task.task.test),
        "validation_loss": trained.validation_loss,
        "seconds": trained.seconds,
        "steps": trained.epochs,
        "evaluations": evaluations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time cap per training")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    images = load_digit_images(0)
    rows = []
    print("| task | method | weights | seed | test accuracy | seconds | steps | minibatch losses |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (size, program) in TASKS.items():
        task = make_task(name, images, size)
        for method in METHODS:
            for seed in args.seeds:
                r = run(task, program, method, args.seconds, seed)
                rows.append(r)
                print(
                    f"| {name} | {method.name} | {r['weights']} | {seed} | {r['accuracy']:.3f} "
                    f"| {r['seconds']:.1f} | {r['steps']} | {r['evaluations']} |",
                    flush=True,
                )
    report = {"seconds_cap": args.seconds, "population": POPULATION, "rows": rows}
    write_json(args.json, report)


if __name__ == "__main__":
    main()
