"""``metagrow bench lifelong``: task sequences over digit images in the manner of
HOUDINI's counting sequences (CS1-CS3) and long sequence (LS), each task measured on
several fractions of its data.

Three methods see the same examples, epochs and early stopping. **reuse**: program
search (``fit_task``) with the library of modules learned on the sequence's earlier
tasks, one slot per output type (``image -> bool`` and ``image -> int``; a module of the
other type enters a slot with its trained hidden layer and a fresh output layer).
**standalone**: a fresh network per task (HOUDINI's SA). **finetune**: the same network
started from the previous task's fine-tuned network wherever shapes match, all weights
trained (HOUDINI's low-level transfer). Earlier tasks are learned on their largest
fraction, whose module joins the library; accuracies are on the test pool only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import final

from metagrow.bench._lifelong_nets import Standalone, slot_library, train_standalone
from metagrow.bench._lifelong_tasks import lifelong_task, task_kind
from metagrow.domains.digits import (
    DIGITS,
    IMAGE,
    PIXELS,
    DigitImages,
    DigitsDomain,
    DigitTask,
    load_digit_images,
)
from metagrow.fit import (
    FitResult,
    MLPSpec,
    Module,
    Problem,
    SearchConfig,
    StructureConfig,
    TrainConfig,
    accuracy,
    fit_task,
    predict,
)
from metagrow.lang import BOOL, INT, arrow

SLOTS = (
    Module("net", arrow(IMAGE, BOOL), MLPSpec(PIXELS, (128,), 1, 0.1)),
    Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, (128,), DIGITS, 0.1)),
)
"""The fresh modules a task may train: a recogniser (one logit) and a classifier."""

SEQUENCES: Mapping[str, tuple[str, ...]] = {
    "CS1": ("is_digit_3", "count_3", "count_5"),
    "CS2": ("count_3", "is_digit_3", "count_5"),
    "CS3": ("is_digit_3", "is_digit_5", "count_3", "count_5"),
    "LS": ("classify_digit", "sum_digits", "count_7", "is_digit_7", "is_digit_2", "count_2"),
}
"""CS1 recognises then counts (perception reused by counting) and counts a new digit;
CS2 counts first, then recognises with what counting learned; CS3 must pick the right
one of two recognisers for each count; LS mixes classifying, summing, counting and
recognising over several digits."""

FRACTIONS = (0.02, 0.1, 0.2, 0.5, 1.0)

Progress = Callable[[str], None]


@final
@dataclass(frozen=True, slots=True)
class LifelongConfig:
    """One run: the sequences, the data fractions measured per task, test examples per
    task, search and training limits, and the seed."""

    sequences: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(SEQUENCES))
    fractions: tuple[float, ...] = FRACTIONS
    test_size: int = 300
    search: SearchConfig = field(
        default_factory=lambda: SearchConfig(
            StructureConfig(max_structures=10, seconds=3.0),
            train_structures=2,
            screen_epochs=2,
            finalists=2,
            seconds=30.0,
        )
    )
    training: TrainConfig = field(
        default_factory=lambda: TrainConfig(max_epochs=40, patience=5, seconds=30.0)
    )
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.fractions or any(not 0 < f <= 1 for f in self.fractions):
            raise ValueError(f"fractions must be in (0, 1], got {self.fractions}")
        for name, tasks in self.sequences.items():
            if not tasks:
                raise ValueError(f"sequence {name!r} has no tasks")
            for task in tasks:
                task_kind(task)

    @staticmethod
    def quick(seed: int = 0) -> LifelongConfig:
        """A run of seconds for tests: one short sequence, two fractions, few epochs."""
        return LifelongConfig(
            sequences={"CS1": ("is_digit_3", "count_3")},
            fractions=(0.05, 0.2),
            test_size=60,
            search=SearchConfig(
                StructureConfig(max_structures=4, seconds=2.0),
                train_structures=1,
                screen_epochs=1,
                finalists=1,
                seconds=10.0,
            ),
            training=TrainConfig(max_epochs=4, patience=2),
            seed=seed,
        )


@final
@dataclass(frozen=True, slots=True)
class LifelongRecord:
    """One task at one data fraction: test accuracy of each method, and the library
    modules the reuse program uses (frozen or as the start of its fine-tune)."""

    name: str
    fraction: float
    train_size: int
    reuse: float
    standalone: float
    finetune: float
    modules_reused: tuple[str, ...]
    program: str

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "fraction": self.fraction,
            "reuse": round(self.reuse, 4),
            "standalone": round(self.standalone, 4),
            "finetune": round(self.finetune, 4),
            "modules_reused": list(self.modules_reused),
        }


@final
@dataclass(frozen=True, slots=True)
class LifelongReport:
    """Every sequence's records (task order, then fraction) and the wall seconds."""

    sequences: Mapping[str, tuple[LifelongRecord, ...]]
    seconds: float
    seed: int

    def to_json(self) -> dict[str, object]:
        return {
            "sequences": [
                {"name": name, "tasks": [r.to_json() for r in records]}
                for name, records in self.sequences.items()
            ],
            "seconds": round(self.seconds, 1),
        }

    def markdown(self) -> str:
        """One row per sequence, task and method; one column per data fraction."""
        fractions = sorted({r.fraction for rs in self.sequences.values() for r in rs})
        head = ["sequence", "task", "method", *(f"{f:.0%}" for f in fractions), "reused"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for name, records in self.sequences.items():
            tasks = list(dict.fromkeys(r.name for r in records))
            for task in tasks:
                rows = {r.fraction: r for r in records if r.name == task}
                reused = sorted({m for r in rows.values() for m in r.modules_reused})
                for method in ("reuse", "standalone", "finetune"):
                    cells = [
                        f"{getattr(rows[f], method):.3f}" if f in rows else "-" for f in fractions
                    ]
                    extra = ", ".join(f"`{m}`" for m in reused) or "-"
                    lines.append(
                        f"| {name} | {task} | {method} | "
                        + " | ".join(cells)
                        + f" | {extra if method == 'reuse' else ''} |"
                    )
        return "\n".join(lines) + "\n"


def _digest(module: Module) -> str:
    return hashlib.sha256(module.weights or b"").hexdigest()[:16]


@final
class _Runner:
    """Runs tasks and remembers results that do not depend on the sequence (the same
    task, fraction and library give the same result in every sequence)."""

    def __init__(self, config: LifelongConfig, images: DigitImages, say: Progress) -> None:
        self.config, self.images, self.say = config, images, say
        self.grammar = DigitsDomain().grammar()
        self.tasks: dict[tuple[str, float], DigitTask] = {}
        self.reused: dict[tuple[object, ...], tuple[FitResult, float, tuple[str, ...]]] = {}
        self.baselines: dict[tuple[object, ...], Standalone] = {}

    def task(self, name: str, fraction: float) -> DigitTask:
        key = (name, fraction)
        if key not in self.tasks:
            self.tasks[key] = lifelong_task(
                name, self.images, fraction, self.config.test_size, self.config.seed
            )
        return self.tasks[key]

    def reuse(
        self, name: str, fraction: float, library: Sequence[Module]
    ) -> tuple[FitResult, float, tuple[str, ...]]:
        """The best program over every slot whose type is the task's output type or a
        library module's, its test accuracy and the library modules it uses."""
        key = (name, fraction, tuple((m.name, _digest(m)) for m in library))
        if key in self.reused:
            return self.reused[key]
        task = self.task(name, fraction)
        wanted = {task.task.request.returns()} | {m.type.returns() for m in library}
        problem = Problem(task.task.request, task.task.train, task.validation, self.images.features)
        best: tuple[FitResult, dict[str, str]] | None = None
        for slot in SLOTS:
            if slot.type.returns() not in wanted:
                continue
            usable, origin = slot_library(library, slot, self.config.seed)
            try:
                result = fit_task(
                    name,
                    problem,
                    self.grammar,
                    slot,
                    usable,
                    self.config.search,
                    self.config.training,
                    self.config.seed,
                )
            except ValueError:
                continue
            loss = result.best.trained.validation_loss
            if best is None or loss < best[0].best.trained.validation_loss:
                best = (result, dict(origin))
        if best is None:
            raise ValueError(f"{name}: no program with a module could be trained")
        result, origin = best
        source = result.best.source
        used = () if source is None else (origin.get(source, source),)
        test = task.task.test
        predictions = predict(
            result.program,
            self.grammar.primitives,
            result.modules,
            task.task.request,
            [ex.inputs for ex in test],
            self.images.features,
        )
        self.reused[key] = (result, accuracy(predictions, test), used)
        return self.reused[key]

    def standalone(self, name: str, fraction: float, start: bytes | None) -> Standalone:
        """A standalone network for the task, from ``start``'s weights if given."""
        key = (name, fraction, None if start is None else hashlib.sha256(start).hexdigest())
        if key not in self.baselines:
            task = self.task(name, fraction)
            self.baselines[key] = train_standalone(
                task.task.request,
                task.task.train,
                task.validation,
                task.task.test,
                self.images.features,
                self.config.training,
                self.config.seed,
                start,
            )
        return self.baselines[key]


def run_lifelong(config: LifelongConfig, progress: Progress | None = None) -> LifelongReport:
    """Run every sequence: each task at each fraction with reuse and both baselines, the
    library and the fine-tune chain carried forward from each task's largest fraction."""
    import torch

    say = progress or (lambda _: None)
    start = time.perf_counter()
    torch.set_num_threads(1)
    runner = _Runner(config, load_digit_images(config.seed), say)
    fractions = sorted(set(config.fractions))
    sequences: dict[str, tuple[LifelongRecord, ...]] = {}
    for seq_name, names in config.sequences.items():
        library: list[Module] = []
        previous: bytes | None = None
        records: list[LifelongRecord] = []
        for name in names:
            carried: Standalone | None = None
            for fraction in fractions:
                task = runner.task(name, fraction)
                say(f"{seq_name} {name} {fraction:.0%} ({task.train_size} examples)")
                result, acc, used = runner.reuse(name, fraction, library)
                alone = runner.standalone(name, fraction, None)
                tuned = runner.standalone(name, fraction, previous) if previous else alone
                records.append(
                    LifelongRecord(
                        name,
                        fraction,
                        task.train_size,
                        acc,
                        alone.accuracy,
                        tuned.accuracy,
                        used,
                        str(result.program),
                    )
                )
                say(
                    f"{seq_name} {name} {fraction:.0%}: reuse {acc:.3f} standalone "
                    f"{alone.accuracy:.3f} finetune {tuned.accuracy:.3f}  {result.program}"
                )
                if fraction == fractions[-1]:
                    carried = tuned
                    module = result.new_module
                    if module is not None:
                        library = [m for m in library if m.name != module.name] + [module]
            assert carried is not None
            previous = carried.weights
        sequences[seq_name] = tuple(records)
    return LifelongReport(sequences, time.perf_counter() - start, config.seed)


def plot_lifelong(report: LifelongReport, path: Path) -> None:
    """Save the learning curve of each sequence's last task (accuracy against data
    fraction, one panel per sequence) as a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report.sequences)
    fig, axes = plt.subplots(1, len(names), figsize=(3.6 * len(names), 3.4), squeeze=False)
    labels = {"reuse": "program + library", "standalone": "standalone network",
              "finetune": "fine-tuned network"}  # fmt: skip
    for ax, name in zip(axes[0], names, strict=True):
        records = report.sequences[name]
        last = records[-1].name
        points = sorted((r for r in records if r.name == last), key=lambda r: r.fraction)
        xs = [100 * r.fraction for r in points]
        for method, label in labels.items():
            ax.plot(xs, [getattr(r, method) for r in points], marker="o", label=label)
        ax.set_xscale("log")
        ax.set_xlabel("% of training data")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.set_title(f"{name}: {last}")
    axes[0][0].set_ylabel("test accuracy")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
