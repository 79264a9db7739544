"""``metagrow bench digits``: the digit task sequence with lifelong module reuse, against
a no-reuse and a monolithic baseline, plus a learning curve for ``sum_digits``.

Each task is fitted with the modules learned so far (``reuse``) and with none
(``no_reuse``); a module trained or fine-tuned for a task joins the library (and the
store, if one is given). The monolithic baseline trains one network on the whole input
with the same examples. Accuracies are exact-match on the task's test lists.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, final

from metagrow.domains.digits import (
    DEFAULT_SIZES,
    DIGITS,
    IMAGE,
    PIXELS,
    DigitImages,
    DigitsDomain,
    DigitTask,
    digit_sequence,
    load_digit_images,
    make_task,
)
from metagrow.fit import (
    ConvSpec,
    FitResult,
    MLPSpec,
    Module,
    Problem,
    SearchConfig,
    StructureConfig,
    TrainConfig,
    accuracy,
    fit_task,
    monolithic_accuracy,
    predict,
)
from metagrow.lang import INT, arrow
from metagrow.learning import module_from_record, module_record
from metagrow.store import ModuleRecord, Store

CURVE_TASK = "sum_digits"
DIGIT_SLOT = Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, (128,), DIGITS, 0.1))
"""The architecture of a fresh module: an MLP from 64 pixels to 10 digit classes."""
CNN_SLOT = Module("net", arrow(IMAGE, INT), ConvSpec(8, 8, 1, (32,), (128,), DIGITS, 0.1))
"""The other choice: a small CNN (32 3x3 filters, 2x2 pooling, 128 hidden units)."""

Progress = Callable[[str], None]


@final
@dataclass(frozen=True, slots=True)
class DigitsConfig:
    """One bench run: labelled examples per task, test lists per task, the learning-curve
    sizes for ``sum_digits``, search and training limits, and the seed."""

    sizes: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SIZES))
    test_size: int = 500
    curve_sizes: tuple[int, ...] = (10, 30, 100)
    search: SearchConfig = field(default_factory=SearchConfig)
    training: TrainConfig = field(default_factory=TrainConfig)
    seed: int = 0
    architecture: Literal["mlp", "cnn"] = "mlp"
    """The architecture of fresh modules: :data:`DIGIT_SLOT` or :data:`CNN_SLOT`."""

    @staticmethod
    def quick(seed: int = 0) -> DigitsConfig:
        """A run of a few seconds for tests: few examples, few epochs, small search."""
        return DigitsConfig(
            sizes={"recognise_digit": 60, "sum_digits": 20},
            test_size=40,
            curve_sizes=(10, 20),
            search=SearchConfig(
                StructureConfig(max_structures=4, seconds=3.0),
                train_structures=1,
                screen_epochs=1,
                finalists=1,
                seconds=20.0,
            ),
            training=TrainConfig(max_epochs=3, patience=2),
            seed=seed,
        )


@final
@dataclass(frozen=True, slots=True)
class DigitsTaskRecord:
    """One task's outcome: its program, test accuracy, baselines and modules reused."""

    name: str
    train_size: int
    accuracy: float
    program: str
    choice: str
    monolithic: float
    no_reuse: float
    no_reuse_program: str
    modules_reused: tuple[str, ...]
    seconds: float

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "train_size": self.train_size,
            "accuracy": round(self.accuracy, 4),
            "baselines": {
                "monolithic": round(self.monolithic, 4),
                "no_reuse": round(self.no_reuse, 4),
            },
            "modules_reused": list(self.modules_reused),
            "program": self.program,
            "choice": self.choice,
            "no_reuse_program": self.no_reuse_program,
            "seconds": round(self.seconds, 2),
        }


@final
@dataclass(frozen=True, slots=True)
class DigitsReport:
    """The whole run: per-task records, the learning curve (method → ``(train size,
    accuracy)`` points) and wall seconds."""

    tasks: tuple[DigitsTaskRecord, ...]
    curve: Mapping[str, tuple[tuple[int, float], ...]]
    seconds: float
    seed: int
    architecture: str = "mlp"

    def to_json(self) -> dict[str, object]:
        from metagrow.bench._report import git_commit, machine

        return {
            "tasks": [t.to_json() for t in self.tasks],
            "curve": {
                "task": CURVE_TASK,
                **{k: [[n, round(a, 4)] for n, a in v] for k, v in self.curve.items()},
            },
            "seconds": round(self.seconds, 1),
            "seed": self.seed,
            "architecture": self.architecture,
            "commit": git_commit(),
            "machine": machine(),
        }


def _problem(task: DigitTask, images: DigitImages) -> Problem:
    return Problem(task.task.request, task.task.train, task.validation, images.features)


def _test_accuracy(result: FitResult, task: DigitTask, images: DigitImages) -> float:
    grammar = DigitsDomain().grammar()
    test = task.task.test
    predictions = predict(
        result.program,
        grammar.primitives,
        result.modules,
        task.task.request,
        [ex.inputs for ex in test],
        images.features,
    )
    return accuracy(predictions, test)


def _fit(
    task: DigitTask, images: DigitImages, library: Sequence[Module], config: DigitsConfig
) -> tuple[FitResult, float]:
    result = fit_task(
        task.name,
        _problem(task, images),
        DigitsDomain().grammar(),
        CNN_SLOT if config.architecture == "cnn" else DIGIT_SLOT,
        library,
        config.search,
        config.training,
        config.seed,
    )
    return result, _test_accuracy(result, task, images)


def _reused(result: FitResult) -> tuple[str, ...]:
    return () if result.best.source is None else (result.best.source,)


def run_digits(
    config: DigitsConfig, store: Store | None = None, progress: Progress | None = None
) -> DigitsReport:
    """Run the sequence in order with lifelong reuse and both baselines, then the
    learning curve; modules learned go into ``store`` (those already in it are reused)."""
    import torch

    say = progress or (lambda _: None)
    start = time.perf_counter()
    torch.set_num_threads(1)
    images = load_digit_images(config.seed)
    tasks = digit_sequence(images, config.sizes, config.test_size, config.seed)
    library: list[Module] = []
    if store is not None:
        library = [module_from_record(r) for r in store.modules()]
    records: list[DigitsTaskRecord] = []
    library_at: dict[str, tuple[Module, ...]] = {}
    for task in tasks:
        began = time.perf_counter()
        library_at[task.name] = tuple(library)
        say(f"{task.name}: searching with {len(library)} library modules")
        result, acc = _fit(task, images, library, config)
        if library:
            say(f"{task.name}: no-reuse baseline")
            baseline, baseline_acc = _fit(task, images, [], config)
        else:
            baseline, baseline_acc = result, acc
        say(f"{task.name}: monolithic baseline")
        mono = monolithic_accuracy(
            _problem(task, images), task.task.test, config.training, config.seed
        )
        module = result.new_module
        if module is not None:
            library = [m for m in library if m.name != module.name] + [module]
            if store is not None:
                store.put_module(_record(module, result, task, acc, config.seed), replace=True)
        records.append(
            DigitsTaskRecord(
                task.name,
                task.train_size,
                acc,
                str(result.program),
                result.best.choice,
                mono,
                baseline_acc,
                str(baseline.program),
                _reused(result),
                time.perf_counter() - began,
            )
        )
        say(f"{task.name}: accuracy {acc:.3f} (no reuse {baseline_acc:.3f}, monolithic {mono:.3f})")
    curve = _curve(config, images, records, library_at.get(CURVE_TASK, tuple(library)), say)
    seconds = time.perf_counter() - start
    return DigitsReport(tuple(records), curve, seconds, config.seed, config.architecture)


def _record(
    module: Module, result: FitResult, task: DigitTask, acc: float, seed: int
) -> ModuleRecord:
    trained = result.best.trained
    return module_record(
        module,
        {
            "epochs": trained.epochs,
            "validation_loss": round(trained.validation_loss, 6),
            "test_accuracy": round(acc, 4),
            "train_size": task.train_size,
            "seconds": round(trained.seconds, 2),
        },
        {
            "task": task.name,
            "program": str(result.program),
            "choice": result.best.choice,
            "parent": result.best.source,
            "seed": seed,
        },
    )


def _curve(
    config: DigitsConfig,
    images: DigitImages,
    records: Sequence[DigitsTaskRecord],
    library: Sequence[Module],
    say: Progress,
) -> dict[str, tuple[tuple[int, float], ...]]:
    """``sum_digits`` accuracy per train size for each method (reuse uses the library as
    it was when the sequence reached ``sum_digits``)."""
    if CURVE_TASK not in config.sizes:
        return {}
    known = {r.train_size: r for r in records if r.name == CURVE_TASK}
    points: dict[str, list[tuple[int, float]]] = {"reuse": [], "no_reuse": [], "monolithic": []}
    for n in config.curve_sizes:
        if n in known:
            r = known[n]
            accs = {"reuse": r.accuracy, "no_reuse": r.no_reuse, "monolithic": r.monolithic}
        else:
            say(f"learning curve: {CURVE_TASK} with {n} lists")
            task = make_task(CURVE_TASK, images, n, config.test_size, config.seed)
            accs = {
                "reuse": _fit(task, images, library, config)[1],
                "no_reuse": _fit(task, images, [], config)[1],
                "monolithic": monolithic_accuracy(
                    _problem(task, images), task.task.test, config.training, config.seed
                ),
            }
        for method, acc in accs.items():
            points[method].append((n, acc))
    return {k: tuple(v) for k, v in points.items()}


def plot_curve(report: DigitsReport, path: Path) -> None:
    """Save the learning curve as a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    labels = {"reuse": "program + reused module", "no_reuse": "program, fresh module",
              "monolithic": "monolithic network"}  # fmt: skip
    for method, points in report.curve.items():
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", label=labels.get(method, method))
    ax.set_xscale("log")
    ax.set_xlabel(f"{CURVE_TASK}: training lists")
    ax.set_ylabel("exact test accuracy")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Sum of 2-5 digit images")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
