"""Constraints on inner nodes: task-file fields, and auxiliary losses that shape a
module's output inside a program."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from metagrow.domains import TaskFileError, Tensor
from metagrow.domains.perception import PerceptionDomain
from metagrow.fit import (
    ConstraintError,
    Constraints,
    MLPSpec,
    Module,
    Problem,
    TrainConfig,
    auxiliary_loss,
    features,
    task_constraints,
    train_program,
)
from metagrow.lang import INT, Example, arrow, parse, shaped, tlist

VECTOR = shaped("tensor", (4,))


def _vector(rng: random.Random) -> tuple[Tensor, int]:
    label = rng.randrange(4)
    v = [rng.random() * 0.5 for _ in range(4)]
    v[label] = 0.6 + rng.random() * 0.4
    return Tensor(v), label


def test_a_task_file_declares_inner_labels_and_properties(tmp_path: Path) -> None:
    data = {
        "type": "list(tensor[2]) -> int",
        "train": [{"input": [[0.1, 0.9], [0.8, 0.2]], "output": 1}],
        "inner": [{"input": [0.1, 0.9], "output": 1}, {"input": [0.8, 0.2], "output": 0}],
        "properties": {
            "invariant": ["reverse"],
            "monotone": [{"feature": 1, "direction": "decreasing"}],
            "weight": 0.5,
        },
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    task = PerceptionDomain().read_task(path)
    constraints = task_constraints(task.metadata)
    assert constraints.labels == ((Tensor([0.1, 0.9]), 1), (Tensor([0.8, 0.2]), 0))
    assert constraints.invariant == ("reverse",)
    assert constraints.monotone == ((1, False),)
    assert constraints.weight == 0.5 and constraints


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"inner": [{"input": [0.1], "output": 1}]}, r"'inner\[0\].input': expected tensor\[2\]"),
        ({"inner": [{"input": [0.1, 0.2], "output": -1}]}, r"'inner\[0\].output' must be a class"),
        ({"inner": [{"input": [0.1, 0.2]}]}, r"'inner\[0\]' must be an object"),
        ({"inner": {"input": 1}}, "'inner' must be a list"),
        ({"properties": {"invariant": ["spin"]}}, "must list symmetries of flip_horizontal"),
        ({"properties": {"monotone": [{"feature": -1}]}}, "'properties.monotone' must be"),
        ({"properties": {"weight": -1}}, "'properties.weight' must be a number >= 0"),
        ({"properties": {"colour": 1}}, "'properties' must be an object with"),
    ],
)
def test_bad_constraints_get_one_line_naming_the_field(
    tmp_path: Path, extra: dict[str, object], message: str
) -> None:
    data = {"type": "tensor[2] -> int", "train": [{"input": [0.1, 0.9], "output": 1}], **extra}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data))
    with pytest.raises(TaskFileError, match=message) as err:
        PerceptionDomain().read_task(path)
    assert "\n" not in str(err.value) and str(err.value).startswith(f"{path}: field ")


def test_an_unknown_symmetry_is_refused_up_front() -> None:
    with pytest.raises(ConstraintError, match="unknown symmetry 'spin'"):
        Constraints(invariant=("spin",))


def _module() -> Module:
    return Module("net", arrow(VECTOR, INT), MLPSpec(4, (16,), 4))


def test_inner_labels_teach_the_module_what_few_end_labels_cannot() -> None:
    rng = random.Random(0)

    def example() -> Example:
        pairs = [_vector(rng) for _ in range(rng.randint(2, 3))]
        return Example((tuple(v for v, _ in pairs),), sum(y for _, y in pairs))

    train, validation = tuple(example() for _ in range(4)), tuple(example() for _ in range(4))
    labels = tuple(_vector(rng) for _ in range(60))
    program = parse("(lam (sum (map (lam (net $0)) $0)))")
    config = TrainConfig(max_epochs=40, patience=40, epoch_steps=4)
    test = [_vector(rng) for _ in range(200)]

    def accuracy(constraints: Constraints) -> float:
        problem = Problem(arrow(tlist(VECTOR), INT), train, validation, features, constraints)
        (module,) = train_program(program, [(_module(), True)], problem, config, 0).modules
        net = module.build(0)
        net.eval()
        with torch.no_grad():
            guess = net(torch.from_numpy(features([v for v, _ in test]))).argmax(1)
        return float(np.mean([int(g) == y for g, (_, y) in zip(guess, test, strict=True)]))

    assert accuracy(Constraints(labels=labels)) >= accuracy(Constraints()) + 0.2


def test_symmetry_and_monotone_losses_vanish_only_when_they_hold() -> None:
    net = _module().build(0)
    palindromes = [Tensor([a, b, b, a]) for a, b in ((0.1, 0.7), (0.9, 0.2), (0.4, 0.4))]
    others = [Tensor([0.1, 0.2, 0.8, 0.9]), Tensor([0.9, 0.1, 0.3, 0.2])]
    invariant = Constraints(invariant=("reverse",))
    on_symmetric = auxiliary_loss(invariant, [(_module(), True)], [net], [palindromes], features)
    on_others = auxiliary_loss(invariant, [(_module(), True)], [net], [others], features)
    assert on_symmetric is not None and on_others is not None
    assert float(on_symmetric.detach()) < 1e-10 < float(on_others.detach())
    rising = _module().build(0)  # its expected output grows with feature 0
    with torch.no_grad():
        for p in rising.parameters():
            p.zero_()
        rising[0].weight[0, 0] = 1.0
        rising[-1].weight[3, 0] = 10.0
    up, down = Constraints(monotone=((0, True),)), Constraints(monotone=((0, False),))
    trained = [(_module(), True)]
    with torch.no_grad():
        rises = auxiliary_loss(up, trained, [rising], [others], features)
        falls = auxiliary_loss(down, trained, [rising], [others], features)
    assert rises is not None and falls is not None
    assert float(rises) == 0.0 < float(falls)
    assert auxiliary_loss(up, [(_module(), False)], [rising], [others], features) is None
    beyond = Constraints(monotone=((9, True),))
    with pytest.raises(ConstraintError, match="monotone feature 9 is past the 4 features"):
        auxiliary_loss(beyond, trained, [net], [others], features)
