from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from metagrow.domains import TaskFileError, load_task, task_from_json
from metagrow.domains.lists import ListsDomain
from metagrow.lang import INT, MISSING, parse_type, tlist


def write(tmp_path: Path, data: object, name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


GOOD = {
    "name": "sum",
    "type": "list(int) -> int",
    "train": [{"input": [1, 2], "output": 3}, {"input": [], "output": 0}],
    "test": [{"input": [5, 5], "output": 10}, {"input": [1]}],
    "source": "hand-written",
}


def test_loads_a_good_task(tmp_path: Path, lists: ListsDomain) -> None:
    task = load_task(write(tmp_path, GOOD), lists)
    assert task.name == "sum"
    assert task.request == parse_type("list(int) -> int")
    assert task.train[0].inputs == ((1, 2),)
    assert task.train[0].output == 3
    assert task.test[1].output is MISSING
    assert not task.test[1].has_output
    assert task.metadata == {"source": "hand-written"}


def test_name_defaults_to_file_stem(tmp_path: Path, lists: ListsDomain) -> None:
    data = {k: v for k, v in GOOD.items() if k != "name"}
    assert load_task(write(tmp_path, data, "my-task.json"), lists).name == "my-task"


def test_several_arguments_are_a_list(lists: ListsDomain) -> None:
    data = {
        "type": "int -> list(int) -> list(int)",
        "train": [{"input": [2, [1, 2, 3]], "output": [3]}],
    }
    task = task_from_json(data, lists, "x")
    assert task.train[0].inputs == (2, (1, 2, 3))
    assert task.request.arguments() == (INT, tlist(INT))


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "expected a JSON object"),
        ({**GOOD, "type": 3}, "field 'type' must be a string"),
        ({**GOOD, "type": "list(int -> int"}, "field 'type'"),
        ({**GOOD, "type": "int"}, "must be a function type"),
        ({**GOOD, "type": "list(t0) -> int"}, "must not contain type variables"),
        ({**GOOD, "type": "grid -> grid"}, "cannot express grid"),
        ({**GOOD, "train": []}, "needs at least one example"),
        ({**GOOD, "train": {"input": 1}}, "field 'train' must be a list"),
        ({**GOOD, "train": [{"output": 1}]}, "field 'train[0].input' is missing"),
        ({**GOOD, "train": [{"input": [1]}]}, "field 'train[0].output' is missing"),
        ({**GOOD, "train": [{"input": [1, "a"], "output": 1}]}, "train[0].input': expected an int"),
        ({**GOOD, "train": [{"input": [1], "output": True}]}, "train[0].output': expected an int"),
        ({**GOOD, "test": [{"input": 7}]}, "test[0].input': expected a list"),
        ({**GOOD, "name": ""}, "field 'name'"),
    ],
)
def test_bad_files_give_one_line_naming_file_and_field(
    tmp_path: Path, lists: ListsDomain, data: object, needle: str
) -> None:
    path = write(tmp_path, data)
    with pytest.raises(TaskFileError) as info:
        load_task(path, lists)
    message = str(info.value)
    assert needle in message
    assert str(path) in message
    assert "\n" not in message


def test_missing_and_unreadable_files(tmp_path: Path, lists: ListsDomain) -> None:
    with pytest.raises(TaskFileError, match="no such file"):
        load_task(tmp_path / "absent.json", lists)
    with pytest.raises(TaskFileError, match="cannot read"):
        load_task(tmp_path, lists)  # a directory
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TaskFileError, match="cannot read"):
        load_task(binary, lists)


def test_every_bundled_example_loads(examples_dir: Path, lists: ListsDomain) -> None:
    files = sorted(examples_dir.glob("*.json"))
    assert len(files) >= 10
    for f in files:
        task = load_task(f, lists)
        assert task.train and task.test


@pytest.mark.parametrize(
    ("examples", "expected"),
    [
        ([([1, 2], 3), ([], 0)], "list(int) -> int"),
        ([([], []), ([[1], []], [True])], "list(list(int)) -> list(bool)"),
        ([(4, [4, 4]), (0, [])], "int -> list(int)"),
        ([([], [])], "list(int) -> list(int)"),
    ],
)
def test_a_task_without_a_type_gets_one_from_its_values(
    lists: ListsDomain, examples: list[tuple[object, object]], expected: str
) -> None:
    data = {"train": [{"input": i, "output": o} for i, o in examples]}
    assert task_from_json(data, lists, "t.json").request == parse_type(expected)


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        ([([1, 2], 3), ([1], True)], "train[1].output': holds a bool where other examples"),
        ([("ab", "ba")], "train[0].input': cannot tell the type of str"),
        ([([1, [2]], 3)], "train[0].input': holds a list(int) where other examples hold a int"),
    ],
)
def test_untyped_values_that_disagree_get_one_line(
    lists: ListsDomain, examples: list[tuple[object, object]], message: str
) -> None:
    data = {"train": [{"input": i, "output": o} for i, o in examples]}
    with pytest.raises(TaskFileError, match=re.escape(message)):
        task_from_json(data, lists, "t.json")
