"""The built-in list benchmark suite: generation from reference programs, and loading.

Every random choice comes from a ``random.Random`` seeded explicitly from the suite seed
plus the task's (or family's) name, so editing one task leaves the others unchanged.
"""

from __future__ import annotations

import copy
import json
import random
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from metagrow.domains._taskfile import load_task
from metagrow.domains.lists._domain import ListsDomain
from metagrow.domains.lists._suite_basic import (
    filter_family,
    fold_family,
    map_family,
    order_family,
)
from metagrow.domains.lists._suite_compound import compose_family, recursion_family
from metagrow.domains.lists._suite_deep import (
    composition_family,
    position_family,
    whole_list_family,
)
from metagrow.domains.lists._suite_spec import Args, Family, Spec
from metagrow.domains.lists._suite_structure import build_family, index_family
from metagrow.lang import Task

Split = Literal["train", "heldout", "all"]
SPLITS: tuple[str, str] = ("train", "heldout")
SEED = 0
N_TRAIN, N_TEST = 6, 4
_EXAMPLE_ATTEMPTS = 20_000
_SET_ATTEMPTS = 200
_MAX_VALUE, _MAX_LENGTH = 10**6, 40

TaskJSON = dict[str, Any]


def suite_families() -> tuple[Family, ...]:
    """The suite's families, in a fixed order."""
    return (
        map_family(),
        filter_family(),
        fold_family(),
        order_family(),
        index_family(),
        build_family(),
        compose_family(),
        recursion_family(),
        composition_family(),
        position_family(),
        whole_list_family(),
    )


def generate_suite(seed: int = SEED) -> dict[str, list[TaskJSON]]:
    """Task JSON dicts per split (``train``, ``heldout``), each sorted by name."""
    out: dict[str, list[TaskJSON]] = {split: [] for split in SPLITS}
    names: set[str] = set()
    for family in suite_families():
        train = _train_names(family, seed)
        for spec in family.specs:
            if spec.name in names:
                raise ValueError(f"duplicate task name {spec.name!r}")
            names.add(spec.name)
            split = "train" if spec.name in train else "heldout"
            out[split].append(make_task(spec, family.name, seed))
    return {split: sorted(tasks, key=lambda t: str(t["name"])) for split, tasks in out.items()}


def _train_names(family: Family, seed: int) -> set[str]:
    """Half of a family's members (rounded up), chosen by a seeded shuffle."""
    names = [spec.name for spec in family.specs]
    random.Random(f"{seed}:split:{family.name}").shuffle(names)
    return set(names[0::2])


def make_task(spec: Spec, family: str, seed: int = SEED) -> TaskJSON:
    """One task's JSON dict with examples drawn from the spec's input generator."""
    rng = random.Random(f"{seed}:task:{spec.name}")
    train, test = _examples(spec, rng)
    return {
        "name": spec.name,
        "type": spec.type,
        "family": family,
        "description": spec.description,
        "train": train,
        "test": test,
    }


def _examples(spec: Spec, rng: random.Random) -> tuple[list[TaskJSON], list[TaskJSON]]:
    for _ in range(_SET_ATTEMPTS):
        drawn = _draw_set(spec, rng)
        if _identifiable(spec, drawn[:N_TRAIN]):
            train, test = drawn[:N_TRAIN], drawn[N_TRAIN:]
            rng.shuffle(train)
            rng.shuffle(test)
            return [_example_json(e) for e in train], [_example_json(e) for e in test]
    raise RuntimeError(f"{spec.name}: cannot draw identifiable examples")


def _draw_set(spec: Spec, rng: random.Random) -> list[tuple[Args, Any]]:
    """Distinct examples; for a bool output, alternately true and false."""
    boolean = spec.type.endswith("-> bool")
    seen: set[str] = set()
    drawn = []
    for i in range(N_TRAIN + N_TEST):
        target = i % 2 == 0 if boolean else None
        drawn.append(_draw_one(spec, rng, seen, target))
    return drawn


def _draw_one(spec: Spec, rng: random.Random, seen: set[str], target: bool | None) -> Any:
    for _ in range(_EXAMPLE_ATTEMPTS):
        args = spec.inputs(rng)
        key = json.dumps(args)
        if key in seen:
            continue
        try:
            out = spec.fn(*copy.deepcopy(args))
        except (IndexError, ValueError, ZeroDivisionError):
            continue
        if target is not None and out is not target:
            continue
        if _small(out) and (spec.ok is None or spec.ok(args, out)):
            seen.add(key)
            return args, out
    raise RuntimeError(f"{spec.name}: cannot draw a fitting example")


def _small(value: Any) -> bool:
    """Whether an output stays within the suite's size bounds."""
    if isinstance(value, list):
        return len(value) <= _MAX_LENGTH and all(_small(v) for v in value)
    return isinstance(value, bool) or abs(value) <= _MAX_VALUE


def _identifiable(spec: Spec, train: list[tuple[Args, Any]]) -> bool:
    """Train outputs vary, and rarely equal the input (so identity does not fit)."""
    outputs = {json.dumps(out) for _, out in train}
    if len(outputs) < (2 if spec.type.endswith("-> bool") else 3):
        return False
    unchanged = sum(1 for args, out in train if len(args) == 1 and out == args[0])
    return unchanged <= 2


def _example_json(example: tuple[Args, Any]) -> TaskJSON:
    args, out = example
    return {"input": args[0] if len(args) == 1 else list(args), "output": out}


def task_text(task: TaskJSON) -> str:
    """A task file's text: one line of JSON and a newline."""
    return json.dumps(task) + "\n"


def write_suite(root: Path, seed: int = SEED) -> int:
    """Rewrite ``root/train`` and ``root/heldout`` from a fresh generation; returns the count."""
    count = 0
    for split, tasks in generate_suite(seed).items():
        folder = root / split
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.json"):
            old.unlink()
        for task in tasks:
            (folder / f"{task['name']}.json").write_text(task_text(task), encoding="utf-8")
            count += 1
    return count


def suite_root() -> Path:
    """The folder holding the shipped suite (package data)."""
    return Path(str(files("metagrow.domains.lists") / "suite"))


def suite_paths(split: Split) -> list[Path]:
    """The task files of one split (or ``all``), sorted."""
    if split not in ("train", "heldout", "all"):
        raise ValueError(f"unknown split {split!r}: expected 'train', 'heldout' or 'all'")
    folders = SPLITS if split == "all" else (split,)
    return sorted(p for folder in folders for p in (suite_root() / folder).glob("*.json"))


def examples_folder() -> Path:
    """The folder of example task files that ``metagrow demo`` solves (package data, so
    that it is found from any directory and from an installed wheel)."""
    return Path(str(files("metagrow.domains.lists") / "examples"))


def load_suite(split: Split) -> list[Task]:
    """The tasks of one split (or ``all``), loaded with the lists domain."""
    domain = ListsDomain()
    return [load_task(path, domain) for path in suite_paths(split)]
