"""Tasks of the lifelong benchmark, in the manner of HOUDINI's counting sequences: is an
image a given digit, how many images of a list show it, which digit an image shows, and
the sum of a list of digits.

A task is named by what it computes: ``is_digit_<d>`` (``image -> bool``, every
other example shows ``d``, so even two validation examples hold one of each),
``count_<d>`` (``list(image) -> int``, 2-6 images each showing ``d`` with probability
0.3), ``classify_digit`` (``image -> int``) and ``sum_digits`` (``list(image) -> int``,
2-4 images). Fitting examples come from the train pool, validation examples from the
validation pool and test examples from the test pool only. Each pool's examples are one
seeded stream, so a smaller fraction of a task's data is a prefix of a larger one.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import final

from metagrow.domains.digits import (
    DIGITS,
    IMAGE,
    LIST_IMAGES,
    DigitImages,
    DigitTask,
    Image,
    Pool,
    split_sizes,
)
from metagrow.lang import BOOL, INT, Example, Task, Type, arrow

Groups = tuple[tuple[Image, ...], ...]
Maker = Callable[[random.Random, Groups, int], Example]
"""Draws the ``i``-th example of a pool's stream."""

_NAME = re.compile(r"(is_digit|count)_([0-9])|classify_digit|sum_digits")


@final
@dataclass(frozen=True, slots=True)
class TaskKind:
    """What a task name stands for: its type, how one example is drawn, and how many
    labelled examples make 100 % of its data."""

    request: Type
    maker: Maker
    full_size: int


def _is_digit(d: int) -> Maker:
    def is_digit(rng: random.Random, groups: Groups, i: int) -> Example:
        shows = i % 2 == 0
        digit = d if shows else rng.choice([k for k in range(DIGITS) if k != d])
        return Example((rng.choice(groups[digit]),), shows)

    return is_digit


def _count(d: int) -> Maker:
    def count(rng: random.Random, groups: Groups, _: int) -> Example:
        digits = [
            d if rng.random() < 0.3 else rng.randrange(DIGITS) for _ in range(rng.randint(2, 6))
        ]
        return Example((tuple(rng.choice(groups[k]) for k in digits),), digits.count(d))

    return count


def _classify(rng: random.Random, groups: Groups, _: int) -> Example:
    digit = rng.randrange(DIGITS)
    return Example((rng.choice(groups[digit]),), digit)


def _sum(rng: random.Random, groups: Groups, _: int) -> Example:
    digits = [rng.randrange(DIGITS) for _ in range(rng.randint(2, 4))]
    return Example((tuple(rng.choice(groups[k]) for k in digits),), sum(digits))


def task_kind(name: str) -> TaskKind:
    """The kind of task ``name``; ``ValueError`` naming the valid forms otherwise."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise ValueError(
            f"unknown lifelong task {name!r}; use is_digit_<d>, count_<d> (d in 0-9), "
            "classify_digit or sum_digits"
        )
    family, digit = match.group(1), match.group(2)
    if family == "is_digit":
        return TaskKind(arrow(IMAGE, BOOL), _is_digit(int(digit)), 500)
    if family == "count":
        return TaskKind(arrow(LIST_IMAGES, INT), _count(int(digit)), 200)
    if name == "classify_digit":
        return TaskKind(arrow(IMAGE, INT), _classify, 500)
    return TaskKind(arrow(LIST_IMAGES, INT), _sum, 200)


def train_size(name: str, fraction: float) -> int:
    """Labelled examples (fitting plus validation) for ``fraction`` of task ``name``'s data."""
    if not 0 < fraction <= 1:
        raise ValueError(f"a data fraction must be in (0, 1], got {fraction}")
    return max(2, round(task_kind(name).full_size * fraction))


def lifelong_task(
    name: str, images: DigitImages, fraction: float, test_size: int, seed: int
) -> DigitTask:
    """Task ``name`` with ``fraction`` of its labelled data and ``test_size`` test
    examples drawn from the test pool."""
    kind = task_kind(name)
    n_fit, n_validation = split_sizes(train_size(name, fraction))

    def examples(pool: Pool, n: int) -> tuple[Example, ...]:
        rng = random.Random(f"{seed}:lifelong:{name}:{pool}")
        groups = images.by_digit(pool)
        return tuple(kind.maker(rng, groups, i) for i in range(n))

    task = Task(
        name,
        kind.request,
        examples("train", n_fit),
        examples("test", test_size),
        {"domain": "digits"},
    )
    return DigitTask(task, examples("validation", n_validation))
