"""The digits task sequence as perception tasks: each digit image an ``image[8,8]`` tensor
(the same tasks as :func:`metagrow.domains.digits.make_task`, written as task files can
write them), and a writer of such task files with PNG images beside them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from metagrow.domains._tensor import Tensor
from metagrow.domains.digits import IMAGE, Image, load_digit_images, make_task
from metagrow.lang import Example, Task, TCon, Type, shaped

DIGIT_IMAGE = shaped("image", (8, 8))
"""The type of one 8x8 grey-level digit image."""


def as_tensors(task: Task) -> Task:
    """``task`` with every digit image a tensor and its type written with ``image[8,8]``."""

    def value(v: object) -> object:
        if isinstance(v, Image):
            return Tensor(v.features().reshape(8, 8))
        if isinstance(v, tuple):
            return tuple(value(x) for x in v)
        return v

    def example(ex: Example) -> Example:
        return Example(tuple(value(v) for v in ex.inputs), value(ex.output))

    return Task(
        task.name,
        _retyped(task.request),
        tuple(example(ex) for ex in task.train),
        tuple(example(ex) for ex in task.test),
        {**task.metadata, "domain": "perception"},
    )


def digit_tasks(sizes: dict[str, int], test_size: int = 200, seed: int = 0) -> tuple[Task, ...]:
    """The named digits tasks (``recognise_digit``, ``sum_digits``, ...) with ``sizes``
    labelled examples each, as perception tasks; validation examples join the train ones."""
    images = load_digit_images(seed)
    out = []
    for name, n in sizes.items():
        made = make_task(name, images, n, test_size, seed)
        task = made.task
        whole = Task(task.name, task.request, (*task.train, *made.validation), task.test, {})
        out.append(as_tensors(whole))
    return tuple(out)


def write_task_files(tasks: Iterable[Task], directory: Path) -> list[Path]:
    """Write each task as a task file in ``directory``, its images as PNG files in
    ``directory/images`` (named by content, so an image shared by tasks is written once)
    referred to as ``{"file": "images/<name>.png"}``."""
    from PIL import Image as PILImage

    folder = directory / "images"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def json_value(v: object) -> object:
        if isinstance(v, Tensor):
            name = hashlib.sha1(v.array.tobytes()).hexdigest()[:16] + ".png"
            path = folder / name
            if not path.exists():
                pixels = np.clip(np.rint(v.array * 255), 0, 255).astype(np.uint8)
                PILImage.fromarray(pixels, mode="L").save(path)
            return {"file": f"images/{name}"}
        if isinstance(v, tuple):
            return [json_value(x) for x in v]
        return v

    def examples(exs: Iterable[Example]) -> list[object]:
        out: list[object] = []
        for ex in exs:
            args = [json_value(v) for v in ex.inputs]
            out.append(
                {"input": args[0] if len(args) == 1 else args, "output": json_value(ex.output)}
            )
        return out

    for task in tasks:
        data = {
            "name": task.name,
            "type": str(task.request),
            "train": examples(task.train),
            "test": examples(task.test),
        }
        path = directory / f"{task.name}.json"
        path.write_text(json.dumps(data) + "\n")
        written.append(path)
    return written


def _retyped(t: Type) -> Type:
    if t == IMAGE:
        return DIGIT_IMAGE
    if isinstance(t, TCon):
        return TCon(t.name, tuple(_retyped(a) for a in t.args))
    return t
