"""The digits task sequence: recognise a digit, then tasks over lists of digit images.

Each task's labelled lists are split 80/20 into fitting and validation examples whose
images come from the train and validation pools; its test lists use only the test pool,
so no image is shared between a task's training and its test. Every random choice comes
from a ``random.Random`` seeded by the sequence seed, the task name and the pool.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import final

from metagrow.domains.digits._images import DIGITS, IMAGE, DigitImages, Image, Pool
from metagrow.lang import BOOL, INT, Example, Task, Type, arrow, tlist

VALIDATION_FRACTION = 0.2

LIST_IMAGES = tlist(IMAGE)

DEFAULT_SIZES: Mapping[str, int] = {
    "recognise_digit": 1000,
    "count_digit": 100,
    "sum_digits": 100,
    "is_sorted": 100,
    "max_digit": 100,
}
"""Labelled examples per task (fitting plus validation), in sequence order."""


@final
@dataclass(frozen=True, slots=True)
class DigitTask:
    """A task whose labelled examples are split into ``task.train`` (to fit) and
    ``validation`` (for early stopping and ranking); ``task.test`` has outputs."""

    task: Task
    validation: tuple[Example, ...]

    @property
    def name(self) -> str:
        return self.task.name

    @property
    def train_size(self) -> int:
        return len(self.task.train) + len(self.validation)


Maker = Callable[[random.Random, tuple[tuple[Image, ...], ...], DigitImages], Example]


def _digit_list(
    rng: random.Random, groups: tuple[tuple[Image, ...], ...], lo: int, hi: int
) -> tuple[tuple[int, ...], tuple[Image, ...]]:
    digits = tuple(rng.randrange(DIGITS) for _ in range(rng.randint(lo, hi)))
    return digits, tuple(rng.choice(groups[d]) for d in digits)


def _count(rng: random.Random, groups: tuple[tuple[Image, ...], ...], _: DigitImages) -> Example:
    wanted = rng.randrange(DIGITS)
    digits = [
        wanted if rng.random() < 0.3 else rng.randrange(DIGITS) for _ in range(rng.randint(3, 6))
    ]
    images = tuple(rng.choice(groups[d]) for d in digits)
    return Example((wanted, images), digits.count(wanted))


def _sum(rng: random.Random, groups: tuple[tuple[Image, ...], ...], _: DigitImages) -> Example:
    digits, images = _digit_list(rng, groups, 2, 5)
    return Example((images,), sum(digits))


def _max(rng: random.Random, groups: tuple[tuple[Image, ...], ...], _: DigitImages) -> Example:
    digits, images = _digit_list(rng, groups, 2, 5)
    return Example((images,), max(digits))


def _sorted(rng: random.Random, groups: tuple[tuple[Image, ...], ...], _: DigitImages) -> Example:
    """Half the lists are sorted (non-decreasing) and half are not."""
    want_sorted = rng.random() < 0.5
    while True:
        digits = [rng.randrange(DIGITS) for _ in range(rng.randint(2, 4))]
        if want_sorted:
            digits.sort()
        if (digits == sorted(digits)) == want_sorted:
            break
    return Example((tuple(rng.choice(groups[d]) for d in digits),), want_sorted)


_LIST_TASKS: Mapping[str, tuple[Type, Maker]] = {
    "count_digit": (arrow(INT, LIST_IMAGES, INT), _count),
    "sum_digits": (arrow(LIST_IMAGES, INT), _sum),
    "is_sorted": (arrow(LIST_IMAGES, BOOL), _sorted),
    "max_digit": (arrow(LIST_IMAGES, INT), _max),
}

TASK_NAMES: tuple[str, ...] = ("recognise_digit", *_LIST_TASKS)
"""Every task of the sequence, in order."""


def split_sizes(train_size: int) -> tuple[int, int]:
    """How many of ``train_size`` labelled examples fit and how many validate."""
    if train_size < 2:
        raise ValueError(f"a task needs at least 2 labelled examples, got {train_size}")
    validation = max(1, round(train_size * VALIDATION_FRACTION))
    return train_size - validation, validation


def make_task(
    name: str, images: DigitImages, train_size: int, test_size: int = 500, seed: int = 0
) -> DigitTask:
    """The task ``name`` (one of :data:`TASK_NAMES`) with ``train_size`` labelled examples."""
    n_fit, n_validation = split_sizes(train_size)
    if name == "recognise_digit":
        return _recognise(images, n_fit, n_validation, test_size, seed)
    if name not in _LIST_TASKS:
        raise ValueError(f"unknown digits task {name!r}; choose from {', '.join(TASK_NAMES)}")
    request, maker = _LIST_TASKS[name]

    def examples(pool: Pool, n: int) -> tuple[Example, ...]:
        rng = random.Random(f"{seed}:{name}:{pool}")
        groups = images.by_digit(pool)
        return tuple(maker(rng, groups, images) for _ in range(n))

    task = Task(
        name,
        request,
        examples("train", n_fit),
        examples("test", test_size),
        {"domain": "digits"},
    )
    return DigitTask(task, examples("validation", n_validation))


def _recognise(
    images: DigitImages, n_fit: int, n_validation: int, test_size: int, seed: int
) -> DigitTask:
    def examples(pool: Pool, n: int) -> tuple[Example, ...]:
        rows = images.pools[pool]
        if n > len(rows):
            raise ValueError(f"recognise_digit: the {pool} pool has {len(rows)} images, {n} asked")
        chosen = random.Random(f"{seed}:recognise_digit:{pool}").sample(rows, n)
        return tuple(Example((Image(r),), images.label(Image(r))) for r in chosen)

    test = examples("test", min(test_size, len(images.pools["test"])))
    task = Task(
        "recognise_digit", arrow(IMAGE, INT), examples("train", n_fit), test, {"domain": "digits"}
    )
    return DigitTask(task, examples("validation", n_validation))


def digit_sequence(
    images: DigitImages,
    sizes: Mapping[str, int] = DEFAULT_SIZES,
    test_size: int = 500,
    seed: int = 0,
) -> tuple[DigitTask, ...]:
    """The tasks named in ``sizes``, in sequence order, each with its labelled size."""
    unknown = set(sizes) - set(TASK_NAMES)
    if unknown:
        raise ValueError(f"unknown digits tasks {sorted(unknown)}; choose from {TASK_NAMES}")
    return tuple(
        make_task(name, images, sizes[name], test_size, seed)
        for name in TASK_NAMES
        if name in sizes
    )
