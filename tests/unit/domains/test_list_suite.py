"""The built-in list benchmark suite: size, splits, loading, determinism."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from metagrow.domains.lists import ListsDomain, generate_suite, load_suite, suite_paths
from metagrow.domains.lists._suite import SEED, suite_families, task_text
from metagrow.lang import Task

SPLITS = ("train", "heldout")


@pytest.fixture(scope="module")
def generated() -> dict[str, list[dict[str, object]]]:
    return generate_suite(SEED)


@pytest.fixture(scope="module")
def tasks() -> dict[str, list[Task]]:
    return {split: load_suite(split) for split in SPLITS}


def test_at_least_150_tasks(tasks: dict[str, list[Task]]) -> None:
    assert sum(len(ts) for ts in tasks.values()) >= 150
    assert len(load_suite("all")) == sum(len(ts) for ts in tasks.values())


def test_splits_are_non_empty_and_disjoint(tasks: dict[str, list[Task]]) -> None:
    train = {t.name for t in tasks["train"]}
    heldout = {t.name for t in tasks["heldout"]}
    assert train and heldout
    assert not train & heldout
    assert len(train) == len(tasks["train"]) and len(heldout) == len(tasks["heldout"])


def test_every_family_is_in_both_splits_about_evenly(tasks: dict[str, list[Task]]) -> None:
    families = {f.name for f in suite_families()}
    counts = {split: Counter(t.metadata["family"] for t in tasks[split]) for split in SPLITS}
    for family in families:
        assert counts["train"][family] >= 1 and counts["heldout"][family] >= 1, family
        assert abs(counts["train"][family] - counts["heldout"][family]) <= 1, family
    assert set(counts["train"]) | set(counts["heldout"]) == families


def test_every_task_has_enough_examples_with_outputs(tasks: dict[str, list[Task]]) -> None:
    for task in (*tasks["train"], *tasks["heldout"]):
        assert len(task.train) >= 5, task.name
        assert len(task.test) >= 2, task.name
        assert all(ex.has_output for ex in (*task.train, *task.test)), task.name
        assert isinstance(task.metadata["description"], str) and task.metadata["description"]


def test_every_type_is_expressible(tasks: dict[str, list[Task]], lists: ListsDomain) -> None:
    for task in (*tasks["train"], *tasks["heldout"]):
        assert lists.expresses(task.request), task.name


def test_outputs_vary_within_each_task(generated: dict[str, list[dict[str, object]]]) -> None:
    for task in (*generated["train"], *generated["heldout"]):
        train = task["train"]
        assert isinstance(train, list)
        assert len({json.dumps(ex["output"]) for ex in train}) >= 2, task["name"]


def test_boolean_tasks_show_both_answers(tasks: dict[str, list[Task]]) -> None:
    for task in (*tasks["train"], *tasks["heldout"]):
        if str(task.request.returns()) == "bool":
            assert {ex.output for ex in task.train} == {True, False}, task.name


def test_generation_is_deterministic(generated: dict[str, list[dict[str, object]]]) -> None:
    assert generate_suite(SEED) == generated


def test_shipped_files_equal_a_fresh_generation(
    generated: dict[str, list[dict[str, object]]],
) -> None:
    for split in SPLITS:
        paths = {p.stem: p for p in suite_paths(split)}  # type: ignore[arg-type]
        assert sorted(paths) == [t["name"] for t in generated[split]]
        for task in generated[split]:
            path = paths[str(task["name"])]
            assert path.read_text(encoding="utf-8") == task_text(task), path.name


def test_a_different_seed_changes_the_examples(
    generated: dict[str, list[dict[str, object]]],
) -> None:
    other = generate_suite(SEED + 1)
    examples = {t["name"]: t["train"] for split in SPLITS for t in generated[split]}
    changed = [t["name"] for s in SPLITS for t in other[s] if t["train"] != examples[t["name"]]]
    assert len(changed) > len(examples) // 2
    assert sorted(examples) == sorted(t["name"] for s in SPLITS for t in other[s])


def test_paths_are_sorted_json_files() -> None:
    paths = suite_paths("all")
    assert paths == sorted(paths)
    assert all(isinstance(p, Path) and p.suffix == ".json" for p in paths)
    assert len(paths) == len(suite_paths("train")) + len(suite_paths("heldout"))


def test_unknown_split_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown split 'test'"):
        suite_paths("test")  # type: ignore[arg-type]
