"""Digit images: scikit-learn's bundled 8x8 digits (1,797 images, no download).

An image value is a reference to one row of the data set, so programs and tasks carry
small hashable values while networks read the pixels in one batch.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, final

import numpy as np
import numpy.typing as npt

from metagrow.lang import TCon

IMAGE = TCon("image")
"""The type of an 8x8 grey-level digit image."""

PIXELS = 64
DIGITS = 10

Pool = Literal["train", "validation", "test"]
POOLS: tuple[Pool, ...] = ("train", "validation", "test")
_FRACTIONS = {"train": 0.6, "validation": 0.15}


@final
@dataclass(frozen=True, slots=True)
class Image:
    """One image of the data set, by row number."""

    index: int

    def features(self) -> npt.NDArray[np.float32]:
        """The image's 64 pixels in ``[0, 1]``: what a module reads."""
        row: npt.NDArray[np.float32] = _raw()[0][self.index]
        return row

    def __repr__(self) -> str:
        return f"Image({self.index})"


@final
@dataclass(frozen=True, slots=True, eq=False)
class DigitImages:
    """The images, their labels, and a seeded split of the rows into three disjoint pools
    (train 60 %, validation 15 %, test 25 %)."""

    pixels: npt.NDArray[np.float32]
    labels: npt.NDArray[np.int64]
    pools: dict[Pool, tuple[int, ...]]
    seed: int

    def features(self, images: Sequence[object]) -> npt.NDArray[np.float32]:
        """Pixels in ``[0, 1]``, one row per image; the network input for a batch."""
        rows = [_index(image) for image in images]
        return self.pixels[rows]

    def label(self, image: Image) -> int:
        return int(self.labels[image.index])

    def by_digit(self, pool: Pool) -> tuple[tuple[Image, ...], ...]:
        """The pool's images grouped by their digit, in row order."""
        groups: list[list[Image]] = [[] for _ in range(DIGITS)]
        for row in self.pools[pool]:
            groups[int(self.labels[row])].append(Image(row))
        return tuple(tuple(g) for g in groups)


def load_digit_images(seed: int = 0) -> DigitImages:
    """The digits with pools split by ``seed`` (stratified by digit, so every pool has
    every digit in proportion)."""
    pixels, labels = _raw()
    rng = random.Random(seed)
    pools: dict[Pool, list[int]] = {pool: [] for pool in POOLS}
    for digit in range(DIGITS):
        rows = [int(r) for r in np.flatnonzero(labels == digit)]
        rng.shuffle(rows)
        n_train = round(len(rows) * _FRACTIONS["train"])
        n_validation = round(len(rows) * _FRACTIONS["validation"])
        pools["train"] += rows[:n_train]
        pools["validation"] += rows[n_train : n_train + n_validation]
        pools["test"] += rows[n_train + n_validation :]
    return DigitImages(pixels, labels, {p: tuple(sorted(rows)) for p, rows in pools.items()}, seed)


@cache
def _raw() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    from sklearn.datasets import load_digits

    data = load_digits()
    pixels = np.asarray(data.data, dtype=np.float32) / 16.0
    pixels.setflags(write=False)
    labels = np.asarray(data.target, dtype=np.int64)
    labels.setflags(write=False)
    return pixels, labels


def _index(image: object) -> int:
    if not isinstance(image, Image):
        raise TypeError(f"expected an Image, got {image!r}")
    return image.index
