"""A fast retraining head against a module trained from scratch on all the data.

Usage: python benchmarks/adapt_head.py [--seeds 0 1 2] [--json OUT]
On scikit-learn's 8x8 digits (pools split with seed 0): a trunk module ``image -> int``
is trained by ``train_program`` on program ``(lam (net $0))`` with every train-pool image
of digits 0-8 (digit 9 held out); a head is then fitted on its frozen features from 100
train-pool images, 10 per digit (drawn by seed), to all ten digits, and, as a new binary
category, to "is it a 9?" (also with the two classes weighing the same). Compared on the
test pool with modules of the same architecture trained from scratch on the whole train
pool (all ten digits), and on the same 100 images. Prints a Markdown table of test
accuracies, head seconds and the ratio head / scratch (target: >= 0.90 with the head
fitted in < 1 s).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import torch
from _timing import write_json

from metagrow.domains.digits import DIGITS, IMAGE, PIXELS, DigitImages, Image, load_digit_images
from metagrow.fit import (
    HeadConfig,
    MLPSpec,
    Module,
    ModuleFunction,
    Problem,
    TrainConfig,
    adapt_head,
    train_program,
)
from metagrow.lang import BOOL, INT, Example, arrow, parse

HIDDEN = (128,)
DROPOUT = 0.1
TRAINING = TrainConfig(max_epochs=100, patience=8)
HELD_OUT = 9
PER_CLASS = 10
VARIANTS = (
    ("ten digits (int)", False, False),
    ("is it a 9? (bool)", True, False),
    ("is it a 9? (bool, balanced)", True, True),
)
"""Each head: its task, whether it is a bool, whether its classes weigh the same."""


def train_module(
    images: DigitImages, keep: set[int], boolean: bool, rows: list[int] | None, seed: int
) -> tuple[Module, float]:
    """A fresh module trained on the train-pool images whose digit is in ``keep`` (or on
    ``rows``), early-stopped on the validation pool's; its seconds."""
    label = (lambda r: images.labels[r] == HELD_OUT) if boolean else (lambda r: images.labels[r])

    def examples(pool_rows: list[int] | tuple[int, ...]) -> tuple[Example, ...]:
        chosen = [r for r in pool_rows if int(images.labels[r]) in keep]
        return tuple(Example((Image(r),), bool(label(r)) if boolean else int(label(r)))
                     for r in chosen)  # fmt: skip

    train = examples(rows if rows is not None else images.pools["train"])
    validation = examples(images.pools["validation"])
    outputs = 1 if boolean else max(keep) + 1
    request = arrow(IMAGE, BOOL if boolean else INT)
    module = Module("net", request, MLPSpec(PIXELS, HIDDEN, outputs, DROPOUT))
    problem = Problem(request, train, validation, images.features)
    trained = train_program(parse("(lam (net $0))"), [(module, True)], problem, TRAINING, seed)
    return trained.modules[0], trained.seconds


def accuracy(module: Module, images: DigitImages, boolean: bool) -> tuple[float, float]:
    """Test-pool accuracy, and accuracy on the held-out digit's test images alone."""
    rows = list(images.pools["test"])
    answers = ModuleFunction(module).batch([Image(r) for r in rows])
    truth = [(images.labels[r] == HELD_OUT) if boolean else int(images.labels[r]) for r in rows]
    right = [a == t for a, t in zip(answers, truth, strict=True)]
    held = [ok for ok, r in zip(right, rows, strict=True) if images.labels[r] == HELD_OUT]
    return sum(right) / len(right), sum(held) / len(held)


def few_rows(images: DigitImages, seed: int) -> list[int]:
    """``PER_CLASS`` train-pool rows of each digit, drawn by ``seed``."""
    rng = random.Random(f"adapt:{seed}")
    return [img.index for group in images.by_digit("train") for img in rng.sample(group, PER_CLASS)]


def run_seed(images: DigitImages, seed: int) -> list[dict[str, object]]:
    all_digits, seen = set(range(DIGITS)), set(range(DIGITS)) - {HELD_OUT}
    trunk, trunk_seconds = train_module(images, seen, False, None, seed)
    rows = few_rows(images, seed)
    out = []
    baselines: dict[bool, tuple[Module, float, Module, float]] = {}
    for task, boolean, balanced in VARIANTS:
        labels = [
            bool(images.labels[r] == HELD_OUT) if boolean else int(images.labels[r]) for r in rows
        ]
        config = HeadConfig(balanced=balanced)
        # scipy is imported by the first fit: not part of what the timing measures.
        adapt_head(trunk, [Image(r) for r in rows[::5]], labels[::5], "warm", seed=seed,
                   config=config)  # fmt: skip
        start = time.perf_counter()
        head = adapt_head(trunk, [Image(r) for r in rows], labels, "head", seed=seed,
                          config=config)  # fmt: skip
        head_seconds = time.perf_counter() - start
        if boolean not in baselines:
            baselines[boolean] = (
                *train_module(images, all_digits, boolean, None, seed),
                *train_module(images, all_digits, boolean, rows, seed),
            )
        scratch, scratch_seconds, small, small_seconds = baselines[boolean]
        head_acc, head_held = accuracy(head, images, boolean)
        scratch_acc, scratch_held = accuracy(scratch, images, boolean)
        small_acc, small_held = accuracy(small, images, boolean)
        row = {
            "seed": seed,
            "task": task,
            "head_accuracy": head_acc,
            "head_accuracy_on_9s": head_held,
            "head_seconds": head_seconds,
            "scratch_accuracy": scratch_acc,
            "scratch_accuracy_on_9s": scratch_held,
            "scratch_seconds": scratch_seconds,
            "scratch_100_accuracy": small_acc,
            "scratch_100_accuracy_on_9s": small_held,
            "scratch_100_seconds": small_seconds,
            "trunk_seconds": trunk_seconds,
            "ratio": head_acc / scratch_acc,
        }
        print(
            f"  seed {seed} {row['task']}: head {head_acc:.3f} ({head_seconds:.3f} s), "
            f"scratch {scratch_acc:.3f} ({scratch_seconds:.1f} s), "
            f"scratch on 100 {small_acc:.3f}, ratio {row['ratio']:.3f}",
            flush=True,
        )
        out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    images = load_digit_images(0)
    rows = [row for seed in args.seeds for row in run_seed(images, seed)]
    print()
    print(
        "| task | seed | head (100 examples) | on 9s | head seconds | scratch (all data) "
        "| on 9s | scratch seconds | scratch (same 100) | ratio head / scratch |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for task in dict.fromkeys(str(r["task"]) for r in rows):
        mine = [r for r in rows if r["task"] == task]
        keys = [k for k in mine[0] if k not in ("seed", "task")]
        median = {k: statistics.median(float(str(m[k])) for m in mine) for k in keys}
        for r in [*mine, {"seed": "median", **median}]:
            print(
                f"| {task} | {r['seed']} | {r['head_accuracy']:.3f} | "
                f"{r['head_accuracy_on_9s']:.3f} | {r['head_seconds']:.3f} | "
                f"{r['scratch_accuracy']:.3f} | {r['scratch_accuracy_on_9s']:.3f} | "
                f"{r['scratch_seconds']:.1f} | {r['scratch_100_accuracy']:.3f} | "
                f"{r['ratio']:.3f} |"
            )
    print(f"\nseeds {args.seeds}; {time.perf_counter() - start:.0f} s")
    write_json(args.json, {"seeds": args.seeds, "rows": rows})


if __name__ == "__main__":
    main()
