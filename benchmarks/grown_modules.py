"""Grown modules against fixed hidden sizes: test accuracy and parameter counts.

Usage: python benchmarks/grown_modules.py [--seeds 0 1 2] [--json OUT]
For ``recognise_digit`` (100 and 1000 labelled images, program ``(lam (net $0))``) and
``sum_digits`` (100 labelled lists, program ``(lam (sum (map (lam (net $0)) $0)))``),
a fresh module of each fixed hidden size and modules grown from (8,) (cap 128 units and
2 hidden layers, or widening only) are trained by ``train_program``; prints the medians
over seeds of the test accuracy, the parameter count and the training seconds as a
Markdown table (target: grown modules reach the accuracy of the best fixed size with no
more parameters).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections import Counter
from pathlib import Path

import torch
from _timing import write_json

from metagrow.domains.digits import (
    DIGITS,
    IMAGE,
    PIXELS,
    DigitsDomain,
    load_digit_images,
    make_task,
)
from metagrow.fit import (
    GrowthConfig,
    MLPSpec,
    Module,
    Problem,
    TrainConfig,
    accuracy,
    predict,
    train_program,
)
from metagrow.lang import INT, arrow, parse

SETTINGS = (
    ("recognise_digit", 100, "(lam (net $0))"),
    ("recognise_digit", 1000, "(lam (net $0))"),
    ("sum_digits", 100, "(lam (sum (map (lam (net $0)) $0)))"),
)
FIXED = ((8,), (16,), (32,), (64,), (128,), (64, 64))
START = (8,)
GROWN = {
    "copy": GrowthConfig(max_hidden=128, max_layers=2, units="copy"),
    "random": GrowthConfig(max_hidden=128, max_layers=2, units="random"),
    "random, 1 layer": GrowthConfig(max_hidden=128, max_layers=1, units="random"),
}
"""Grown arms: Net2WiderNet copies or new random units with zero outgoing weights, up to
128 units and 2 hidden layers; and random units widening only."""
TRAINING = TrainConfig(max_epochs=100, patience=8)
DROPOUT = 0.1


def parameters(spec: MLPSpec) -> int:
    widths = [spec.inputs, *spec.hidden, spec.outputs]
    return sum((a + 1) * b for a, b in itertools.pairwise(widths))


def run_one(
    task_name: str,
    labelled: int,
    program: str,
    hidden: tuple[int, ...],
    growth: GrowthConfig | None,
    seed: int,
) -> dict[str, object]:
    images = load_digit_images(0)
    task = make_task(task_name, images, labelled, test_size=500, seed=seed)
    problem = Problem(task.task.request, task.task.train, task.validation, images.features)
    module = Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, hidden, DIGITS, DROPOUT))
    expr = parse(program)
    trained = train_program(expr, [(module, True)], problem, TRAINING, seed, growth=growth)
    predictions = predict(
        expr,
        DigitsDomain().grammar().primitives,
        trained.modules,
        task.task.request,
        [ex.inputs for ex in task.task.test],
        images.features,
    )
    spec = trained.modules[0].architecture
    return {
        "accuracy": accuracy(predictions, task.task.test),
        "parameters": parameters(spec),
        "hidden": list(spec.hidden),
        "epochs": trained.epochs,
        "seconds": trained.seconds,
        "growth": list(trained.growth),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    rows: list[dict[str, object]] = []
    arms: list[tuple[str, tuple[int, ...], GrowthConfig | None]] = [
        (str(h), h, None) for h in FIXED
    ]
    arms += [(f"grown from {START} ({units})", START, g) for units, g in GROWN.items()]
    for task_name, labelled, program in SETTINGS:
        for name, hidden, growth in arms:
            runs = [run_one(task_name, labelled, program, hidden, growth, s) for s in args.seeds]
            row = {
                "task": task_name,
                "labelled": labelled,
                "module": name,
                "accuracy": statistics.median(float(str(r["accuracy"])) for r in runs),
                "parameters": statistics.median(int(str(r["parameters"])) for r in runs),
                "seconds": statistics.median(float(str(r["seconds"])) for r in runs),
                "runs": runs,
            }
            rows.append(row)
            finals = Counter(str(tuple(r["hidden"])) for r in runs)  # type: ignore[call-overload]
            print(
                f"  {task_name} n={labelled} {name}: acc {row['accuracy']:.3f} "
                f"params {row['parameters']} final {dict(finals)} "
                f"epochs {[r['epochs'] for r in runs]}",
                flush=True,
            )
    print()
    print("| task | labelled | module | test accuracy | parameters | seconds | final hidden |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        runs = row["runs"]
        assert isinstance(runs, list)
        finals = ", ".join(str(tuple(r["hidden"])) for r in runs)
        print(
            f"| {row['task']} | {row['labelled']} | {row['module']} | "
            f"{row['accuracy']:.3f} | {row['parameters']:.0f} | {row['seconds']:.1f} | {finals} |"
        )
    print(f"\nseeds {args.seeds}, medians; {time.perf_counter() - start:.0f} s")
    write_json(args.json, {"seeds": args.seeds, "rows": rows})


if __name__ == "__main__":
    main()
