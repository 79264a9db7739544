"""``metagrow adapt`` as a user runs it: a stored digit module (trained on digits 0-8)
adapted to all ten digits, and to "is it a 9?", from a task file; the store keeps only
the new head and the trunk's name; mistakes are one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from cli_run import metagrow

from metagrow import api
from metagrow.domains.perception import DIGIT_IMAGE, digit_tasks, write_task_files
from metagrow.fit import MLPSpec, Module, features, library_modules, load_weights
from metagrow.lang import BOOL, INT, Example, Task, arrow, build_grammar
from metagrow.learning import module_from_record, module_record
from metagrow.store import Store, StoreError


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A store with ``digits`` (an MLP trained on digits 0-8 of the train examples), and
    task files: ``recognise_digit`` (100 labelled images, 10 per digit, 200 tests) and
    ``is_nine`` (the same images to bools)."""
    torch.set_num_threads(1)
    folder = tmp_path_factory.mktemp("adapt")
    (big,) = digit_tasks({"recognise_digit": 600}, test_size=200, seed=0)
    pool = [ex for ex in big.train if isinstance(ex.output, int) and ex.output < 9]
    x = torch.from_numpy(features([ex.inputs[0] for ex in pool]))
    y = torch.tensor([ex.output for ex in pool])
    module = Module("digits", arrow(DIGIT_IMAGE, INT), MLPSpec(64, (64,), 9))
    net = module.build(0)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(150):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    db = folder / "m.db"
    with Store(db) as store:
        store.put_module(module_record(module.with_net(net), {}, {"task": "digits 0-8"}))
    few = [ex for d in range(10) for ex in [e for e in big.train if e.output == d][:10]]
    ten = Task("recognise_digit", big.request, tuple(few), big.test)
    nine = Task(
        "is_nine",
        arrow(DIGIT_IMAGE, BOOL),
        tuple(Example(ex.inputs, ex.output == 9) for ex in few),
        tuple(Example(ex.inputs, ex.output == 9) for ex in big.test),
    )
    files = write_task_files([ten, nine], folder)
    return db, files[0], files[1]


def test_adapt_stores_a_new_module_that_shares_the_trunk(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, ten, _ = setup
    copy = tmp_path / "m.db"
    copy.write_bytes(db.read_bytes())
    done = metagrow("adapt", "--store", str(copy), "--module", "digits", str(ten))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("adapted digits to recognise_digit (100 examples) in ")
    assert float(lines[0].split(" in ")[1].removesuffix(" s")) < 5.0  # < 1 s: test_adapt.py
    assert lines[1].startswith("train accuracy: ")
    assert lines[2].startswith("test accuracy: ") and "(200 examples)" in lines[2]
    assert float(lines[2].split()[2]) > 0.8
    assert lines[3] == f"stored as digits_recognise_digit (image[8,8] -> int) in {copy}"
    with Store(copy) as store:
        record = store.module("digits_recognise_digit")
        trunk = store.module("digits")
        assert record is not None and trunk is not None
        assert set(load_weights(record.weights)) == {"2.weight", "2.bias"}
        assert record.architecture["kind"] == "head"
        assert record.architecture["trunk_name"] == "digits"
        assert record.architecture["outputs"] == 10
        assert record.provenance["adapted_from"] == "digits"
        assert len(record.weights) < len(trunk.weights) / 4
        adapted = module_from_record(record, trunk=store.module)
    # The adapted module joins the perception library a store gives a search.
    spec = api.stored_library(copy, "perception")
    assert spec is not None
    from metagrow.domains.perception import PerceptionDomain

    grammar = build_grammar(PerceptionDomain().grammar(), spec)
    (member,) = library_modules(grammar)
    assert member == adapted
    assert grammar.primitives["digits_recognise_digit"].type == arrow(DIGIT_IMAGE, INT)


def test_adapt_prints_one_json_object_and_adapts_to_a_bool(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, _, nine = setup
    copy = tmp_path / "m.db"
    copy.write_bytes(db.read_bytes())
    done = metagrow(
        "adapt", "--store", str(copy), "--module", "digits", str(nine), "--name", "nine",
        "--balanced", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["module"] == "nine" and result["type"] == "image[8,8] -> bool"
    assert result["examples"] == 100 and result["test_accuracy"] > 0.85
    assert set(result) == {
        "module", "adapted_from", "task", "type", "examples", "train_accuracy",
        "test_accuracy", "seconds",
    }  # fmt: skip
    with Store(copy) as store:
        record = store.module("nine")
        assert record is not None and record.training["balanced"] is True
        weights = load_weights(record.weights)
        assert set(weights) == {"2.weight", "2.bias"} and weights["2.weight"].shape == (1, 64)


def _one_line_error(done: object, *needles: str) -> None:
    assert done.returncode == 2  # type: ignore[attr-defined]
    err = done.stderr.strip()  # type: ignore[attr-defined]
    assert err.count("\n") == 0 and err.startswith("metagrow: error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err


def test_mistakes_are_one_line(setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    db, ten, _ = setup
    copy = tmp_path / "m.db"
    copy.write_bytes(db.read_bytes())
    store = ["--store", str(copy)]
    _one_line_error(
        metagrow("adapt", *store, "--module", "nope", str(ten)),
        "no module named 'nope'", "stored modules: digits",
    )  # fmt: skip
    _one_line_error(
        metagrow("adapt", "--store", str(tmp_path / "none.db"), "--module", "digits", str(ten)),
        "no such store",
    )
    assert not (tmp_path / "none.db").exists()
    _one_line_error(
        metagrow("adapt", *store, "--module", "digits", str(tmp_path / "missing.json")),
        "missing.json",
    )
    vectors = tmp_path / "vectors.json"
    vectors.write_text(json.dumps({
        "name": "v", "type": "tensor[3] -> int",
        "train": [{"input": [0, 1, 2], "output": 0}, {"input": [1, 1, 2], "output": 1}],
    }))  # fmt: skip
    _one_line_error(
        metagrow("adapt", *store, "--module", "digits", str(vectors)),
        "module 'digits' reads image[8,8], but task 'v' gives tensor[3]",
    )
    lists = tmp_path / "lists.json"
    lists.write_text(json.dumps({
        "name": "l", "type": "list(tensor[2]) -> int",
        "train": [{"input": [[0, 1]], "output": 0}, {"input": [[1, 1], [0, 0]], "output": 1}],
    }))  # fmt: skip
    _one_line_error(
        metagrow("adapt", *store, "--module", "digits", str(lists)),
        "adapt needs one tensor or image to an int or a bool",
    )
    assert metagrow("adapt", *store, "--module", "digits", str(ten)).returncode == 0
    _one_line_error(
        metagrow("adapt", *store, "--module", "digits", str(ten)),
        "already has a module named 'digits_recognise_digit'",
        "--name",
    )
    with Store(copy) as db_:
        names = [r.name for r in db_.modules()]
    assert names == ["digits", "digits_recognise_digit"]


def test_a_head_whose_trunk_is_gone_says_so_in_one_line(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, ten, _ = setup
    copy = tmp_path / "m.db"
    copy.write_bytes(db.read_bytes())
    assert metagrow("adapt", "--store", str(copy), "--module", "digits", str(ten)).returncode == 0
    with Store(copy) as store:
        record = store.module("digits_recognise_digit")
    assert record is not None
    lone = tmp_path / "lone.db"
    with Store(lone) as store:
        store.put_module(record)
    _one_line_error(
        metagrow("adapt", "--store", str(lone), "--module", "digits_recognise_digit", str(ten)),
        "module 'digits_recognise_digit' adapts module 'digits', which is not in the store",
    )
    with pytest.raises(StoreError, match="which is not in the store"):
        api.stored_library(lone, "perception")


def test_learn_takes_adapted_modules_into_its_library_and_resumes_with_them(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, ten, _ = setup
    copy = tmp_path / "m.db"
    copy.write_bytes(db.read_bytes())
    assert metagrow("adapt", "--store", str(copy), "--module", "digits", str(ten)).returncode == 0
    folder = tmp_path / "tasks"
    write_task_files(digit_tasks({"sum_digits": 30}, test_size=20, seed=1), folder)

    def learn(iterations: int) -> None:
        done = metagrow(
            "learn", "--domain", "perception", "--tasks", str(folder), "--iterations",
            str(iterations), "--budget", "10", "--jobs", "1", "--no-guide", "--store", str(copy),
            timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    learn(1)
    learn(2)  # resumes: the library's head module is rebuilt with its trunk from the store
    with Store(copy) as store:
        (run,) = store.runs()
        point = store.checkpoint(int(run["id"]))  # type: ignore[call-overload]
    assert point.iteration == 1
    assert "digits_recognise_digit" in {m.name for m in point.modules}
    assert "digits_recognise_digit" in point.production_weights
