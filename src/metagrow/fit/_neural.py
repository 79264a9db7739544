"""Search with modules: an :class:`Engine` for tasks over perceptual values (tensors,
images), so that ``solve``, ``bench`` and ``learn`` handle them like any other task.

For a task whose type holds a perceptual value, the engine looks for a program with a
module slot (:func:`fit_task`): every structure may take a library module of the grammar
frozen, fine-tune one, or train a fresh one, and the lowest validation loss wins. The
program that comes out is an ordinary program; a module trained or fine-tuned for the
task comes with it as a ``learned`` primitive, for the library. A task without perceptual
values goes to the symbolic engine.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import final

from metagrow.domains import perceptual_parts, perceptual_shape
from metagrow.fit._constraints import task_constraints
from metagrow.fit._library import features, library_modules, module_primitive
from metagrow.fit._module import Architecture, ConvSpec, MLPSpec, Module
from metagrow.fit._search import SearchConfig, fit_task
from metagrow.fit._train import Problem, TrainConfig, accuracy, predict
from metagrow.lang import (
    BOOL,
    INT,
    Example,
    Grammar,
    Task,
    TCon,
    Type,
    arrow,
    log_prior,
    with_learned,
)
from metagrow.search import BottomUpEnumerator, Budget, Engine, Progress, Solution

_NAME = re.compile(r"[^A-Za-z0-9_]")


@final
@dataclass(frozen=True, slots=True)
class NeuralConfig:
    """How the engine splits a task and trains: the share of train examples held out for
    validation, the validation accuracy that makes a program a solution (when, also, its
    lower bound beats answering the commonest train output, so that a few lucky
    validation examples do not make one), the hidden
    layers of fresh modules (convolutional filters for images of ``cnn_from`` pixels a
    side or more), and how training runs (its time limits are scaled to the budget)."""

    validation: float = 0.2
    accept: float = 0.5
    hidden: tuple[int, ...] = (128,)
    filters: tuple[int, ...] = (8, 16)
    cnn_from: int = 16
    dropout: float = 0.1
    training: TrainConfig = field(default_factory=lambda: TrainConfig(epoch_steps=5))
    search: SearchConfig = field(default_factory=SearchConfig)

    def __post_init__(self) -> None:
        if not 0.0 < self.validation < 1.0:
            raise ValueError(f"validation must be a fraction in (0, 1), got {self.validation}")
        if not 0.0 <= self.accept <= 1.0:
            raise ValueError(f"accept must be in [0, 1], got {self.accept}")


@final
class NeuralEngine(Engine):
    """Programs with trainable modules for tasks over tensors and images."""

    name = "neural"

    def __init__(
        self, config: NeuralConfig | None = None, *, symbolic: Engine | None = None, seed: int = 0
    ) -> None:
        self.config = config or NeuralConfig()
        self.symbolic = symbolic or BottomUpEnumerator()
        self.seed = seed

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        parts = perceptual_parts(task.request)
        if not parts:
            return self.symbolic.search(task, grammar, budget, progress)
        progress = progress or Progress()
        progress.begin(budget)
        return self._search(task, grammar, parts[0], budget, progress)

    def _search(
        self, task: Task, grammar: Grammar, value: Type, budget: Budget, progress: Progress
    ) -> Iterator[Solution]:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            found = self._fit(task, grammar, value, budget, progress)
        finally:
            torch.set_num_threads(threads)
        if found is not None:
            yield found

    def _fit(
        self, task: Task, grammar: Grammar, value: Type, budget: Budget, progress: Progress
    ) -> Solution | None:
        cfg = self.config
        fit, held = _split(task.train, cfg.validation, self.seed)
        constraints = task_constraints(task.metadata).split(cfg.validation, self.seed)
        problem = Problem(task.request, fit, held, features, constraints)
        library = library_modules(grammar)
        seconds = max(progress.remaining(), 0.1)
        structures = cfg.search.structures
        search = replace(
            cfg.search,
            structures=replace(structures, seconds=min(structures.seconds, 0.15 * seconds)),
            seconds=min(cfg.search.seconds, 0.5 * seconds),
            deadline=0.9 * seconds,
            compose=True,
        )
        training = replace(cfg.training, seconds=min(cfg.training.seconds, 0.4 * seconds))
        slot = _slot(task, value, cfg)
        name = _fresh_name(task.name, grammar)
        try:
            result = fit_task(name, problem, grammar, slot, library, search, training, self.seed)
        except ValueError:
            return None
        progress.programs_tried = len(result.candidates)
        examples = (*fit, *held)
        inputs = [ex.inputs for ex in examples]
        answers = predict(
            result.program, grammar.primitives, result.modules, task.request, inputs, features
        )
        score = accuracy(answers, examples)
        valid = accuracy(answers[len(fit) :], held)
        new = result.new_module
        learned = () if new is None else (module_primitive(new),)
        return Solution(
            program=result.program,
            log_prior=log_prior(result.program, task.request, with_learned(grammar, learned)),
            train_score=score,
            seconds=progress.elapsed,
            programs_tried=progress.programs_tried,
            learned=learned,
            accepted=valid >= cfg.accept and _lower_bound(valid, len(held)) > _constant(fit, held),
        )


def _constant(fit: Sequence[Example], held: Sequence[Example]) -> float:
    """The validation accuracy of always answering the commonest fitting output."""
    outputs = [repr(ex.output) for ex in fit]
    if not outputs or not held:
        return 0.0
    commonest = max(set(outputs), key=outputs.count)
    return sum(repr(ex.output) == commonest for ex in held) / len(held)


def _lower_bound(accuracy: float, n: int, z: float = 1.64) -> float:
    """The Wilson score lower bound (one-sided 95 %) of an accuracy measured on ``n``
    examples."""
    if n == 0:
        return 0.0
    centre = accuracy + z * z / (2 * n)
    spread = z * math.sqrt(accuracy * (1 - accuracy) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)


def _split(
    examples: Sequence[Example], share: float, seed: int
) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    """A seeded split into fitting and validation examples; with fewer than five, all of
    them serve as both."""
    if len(examples) < 5:
        return tuple(examples), tuple(examples)
    order = list(examples)
    random.Random(f"{seed}:split").shuffle(order)
    n = max(round(len(order) * share), min(5, len(order) // 2))
    return tuple(order[n:]), tuple(order[:n])


def _slot(task: Task, value: Type, cfg: NeuralConfig) -> Module:
    """A fresh module from ``value`` to a bool, for a task of booleans about one value,
    or else to an int: as many classes as the task's outputs show when it maps one value
    to an int, else as many as its int inputs show (at least 10)."""
    shape = perceptual_shape(value)
    assert shape is not None
    returns = task.request.returns()
    single = all(a == value for a in task.request.arguments())
    if returns == BOOL and single:
        return Module("net", arrow(value, BOOL), _architecture(value, shape, 1, cfg))
    seen = _largest_int(ex.output for ex in task.train) if single else 0
    seen = max(seen, _largest_int(v for ex in task.train for v in ex.inputs))
    classes = max(10, min(cfg.training.support, seen + 1))
    return Module("net", arrow(value, INT), _architecture(value, shape, classes, cfg))


def _architecture(
    value: Type, shape: tuple[int, ...], classes: int, cfg: NeuralConfig
) -> Architecture:
    """A small CNN for images of ``cnn_from`` pixels a side or more, else an MLP."""
    image = isinstance(value, TCon) and value.name == "image" and len(shape) in (2, 3)
    if image and min(shape[0], shape[1]) >= cfg.cnn_from:
        channels = shape[2] if len(shape) == 3 else 1
        hidden = cfg.hidden[:1]
        return ConvSpec(shape[0], shape[1], channels, cfg.filters, hidden, classes, cfg.dropout)
    return MLPSpec(math.prod(shape), cfg.hidden, classes, cfg.dropout)


def _largest_int(values: Iterable[object]) -> int:
    """The largest int in ``values`` (looking inside lists), 0 if none."""
    best = 0
    for v in values:
        if isinstance(v, tuple):
            best = max(best, _largest_int(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            best = max(best, v)
    return best


def _fresh_name(task: str, grammar: Grammar) -> str:
    """A name for the task's module (``net_<task>``) that the grammar does not use."""
    stem = _NAME.sub("_", task) or "task"
    name, n = stem, 2
    while f"net_{name}" in grammar.primitives:
        name, n = f"{stem}_{n}", n + 1
    return name
