"""``metagrow bench lifelong``: task sequences over digit images in the manner of
HOUDINI's counting sequences (CS1-CS3) and long sequence (LS), each task measured on
several fractions of its data.

Three methods see the same examples, epochs and early stopping. **reuse**: program
search (``fit_task``) with the library of modules learned on the sequence's earlier
tasks, once with an ``image -> bool`` slot and once with an ``image -> int`` slot (a
module of the other type enters a slot with its trained hidden layer and a fresh output
layer), keeping the candidate of either with the best validation evidence.
**standalone**: a fresh network per task (HOUDINI's SA). **finetune**: the same network
started from the previous task's fine-tuned network wherever shapes match, all weights
trained (HOUDINI's low-level transfer). Earlier tasks are learned on their largest
fraction, whose module joins the library; accuracies are on the test pool only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    Candidate,
    MLPSpec,
    Module,
    Problem,
    SearchConfig,
    StructureConfig,
    TrainConfig,
    accuracy,
    fit_task,
    predict,
    train_program,
)
from metagrow.lang import BOOL, INT, Example, Expr, arrow

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
    task, search and training limits, and the seed. Each candidate is screened for at
    least ``screen_steps`` minibatches (so more epochs when a task has few examples);
    the ``rescore`` best by validation evidence are compared on all labelled examples."""

    sequences: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(SEQUENCES))
    fractions: tuple[float, ...] = FRACTIONS
    test_size: int = 300
    search: SearchConfig = field(
        default_factory=lambda: SearchConfig(
            StructureConfig(max_structures=10, seconds=3.0),
            train_structures=3,
            screen_epochs=2,
            finalists=2,
            seconds=30.0,
        )
    )
    training: TrainConfig = field(
        default_factory=lambda: TrainConfig(max_epochs=40, patience=6, batch_size=8, seconds=30.0)
    )
    screen_steps: int = 40
    rescore: int = 12
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
            screen_steps=2,
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


@final
@dataclass(frozen=True, slots=True)
class Reused:
    """The reuse method's answer for one task and fraction: the program chosen, its test
    accuracy, the library modules it uses, and the module it trained (if any)."""

    program: Expr
    accuracy: float
    used: tuple[str, ...]
    trained: Module | None


_CHOICE_ORDER = {"frozen": 0, "finetune": 1, "fresh": 2}


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
        self.reused: dict[tuple[object, ...], Reused] = {}
        self.baselines: dict[tuple[object, ...], Standalone] = {}

    def task(self, name: str, fraction: float) -> DigitTask:
        key = (name, fraction)
        if key not in self.tasks:
            self.tasks[key] = lifelong_task(
                name, self.images, fraction, self.config.test_size, self.config.seed
            )
        return self.tasks[key]

    def reuse(self, name: str, fraction: float, library: Sequence[Module]) -> Reused:
        """Search with both slots (the library's modules of the other type adapted) and
        keep the most probable candidate: the least summed loss plus description length,
        first over the validation examples, then, for the ``rescore`` best, over the
        fitting examples too (a few validation examples can all share one answer that a
        wrong program predicts; the fitting examples expose it)."""
        key = (name, fraction, tuple((m.name, _digest(m)) for m in library))
        if key in self.reused:
            return self.reused[key]
        task = self.task(name, fraction)
        request = task.task.request
        problem = Problem(request, task.task.train, task.validation, self.images.features)
        batches = -(-len(task.task.train) // self.config.training.batch_size)
        search = replace(
            self.config.search,
            screen_epochs=max(
                self.config.search.screen_epochs, -(-self.config.screen_steps // batches)
            ),
        )
        scored: list[tuple[tuple[float, int], Candidate, Mapping[str, str]]] = []
        for slot in SLOTS:
            usable, origin = slot_library(library, slot, self.config.seed)
            try:
                result = fit_task(
                    name,
                    problem,
                    self.grammar,
                    slot,
                    usable,
                    search,
                    self.config.training,
                    self.config.seed,
                )
            except ValueError:  # no structure of the task's type uses this slot
                continue
            for c in result.candidates:
                evidence = len(task.validation) * c.trained.validation_loss - c.log_prior
                scored.append(((evidence, _CHOICE_ORDER[c.choice]), c, origin))
        if not scored:
            raise ValueError(f"{name}: no program with a module could be trained")
        scored.sort(key=lambda s: s[0])
        rescored = [
            ((evidence + len(problem.train) * self._fit_loss(c, problem), order), c, origin)
            for (evidence, order), c, origin in scored[: self.config.rescore]
        ]
        _, best, origin = min(rescored, key=lambda s: s[0])
        used = () if best.source is None else (origin.get(best.source, best.source),)
        self.reused[key] = Reused(
            best.program,
            self._accuracy(best.program, best.trained.modules, task, task.task.test),
            used,
            None if best.choice == "frozen" else best.trained.modules[0],
        )
        return self.reused[key]

    def _fit_loss(self, candidate: Candidate, problem: Problem) -> float:
        """Mean loss of ``candidate``'s trained program on the fitting examples."""
        on_fit = replace(problem, validation=problem.train)
        modules = [(m, False) for m in candidate.trained.modules]
        measured = replace(self.config.training, max_epochs=0)
        return train_program(
            candidate.program, modules, on_fit, measured, self.config.seed
        ).validation_loss

    def _accuracy(
        self, program: Expr, modules: Sequence[Module], task: DigitTask, examples: Sequence[Example]
    ) -> float:
        predictions = predict(
            program,
            self.grammar.primitives,
            modules,
            task.task.request,
            [ex.inputs for ex in examples],
            self.images.features,
        )
        return accuracy(predictions, examples)

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
                reused = runner.reuse(name, fraction, library)
                alone = runner.standalone(name, fraction, None)
                tuned = runner.standalone(name, fraction, previous) if previous else alone
                records.append(
                    LifelongRecord(
                        name,
                        fraction,
                        task.train_size,
                        reused.accuracy,
                        alone.accuracy,
                        tuned.accuracy,
                        reused.used,
                        str(reused.program),
                    )
                )
                say(
                    f"{seq_name} {name} {fraction:.0%}: reuse {reused.accuracy:.3f} standalone "
                    f"{alone.accuracy:.3f} finetune {tuned.accuracy:.3f}  {reused.program}"
                )
                if fraction == fractions[-1]:
                    carried = tuned
                    module = reused.trained
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
        ax.set_xticks(xs, [f"{x:g}" for x in xs])
        ax.minorticks_off()
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
