"""Training modules through programs, structure search with module choices, the
monolithic baseline, and modules as data (safetensors bytes). Real torch, small nets."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
import torch

from metagrow.domains.digits import (
    DIGITS,
    IMAGE,
    PIXELS,
    DigitsDomain,
    DigitTask,
    load_digit_images,
    make_task,
)
from metagrow.fit import (
    MLPSpec,
    Module,
    Problem,
    SearchConfig,
    StructureConfig,
    TrainConfig,
    accuracy,
    candidate_structures,
    fit_task,
    make_table,
    monolithic_accuracy,
    predict,
    train_program,
)
from metagrow.lang import BOOL, INT, arrow, parse

SLOT = Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, (32,), DIGITS))
FAST = TrainConfig(max_epochs=12, patience=3, batch_size=32, lr=1e-2)
IMAGES = load_digit_images(0)
GRAMMAR = DigitsDomain().grammar()


@pytest.fixture(autouse=True)
def one_thread() -> None:
    torch.set_num_threads(1)


def problem(task: DigitTask) -> Problem:
    return Problem(task.task.request, task.task.train, task.validation, IMAGES.features)


def test_accuracy(result_modules: tuple[Module, ...], program: str, task: DigitTask) -> float:
    predictions = predict(
        parse(program),
        GRAMMAR.primitives,
        result_modules,
        task.task.request,
        [ex.inputs for ex in task.task.test],
        IMAGES.features,
    )
    return accuracy(predictions, task.task.test)


test_accuracy.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def digit_module() -> Module:
    """A digit recogniser trained briefly on 300 images (about 90 % accurate)."""
    torch.set_num_threads(1)
    task = make_task("recognise_digit", IMAGES, 300, test_size=200, seed=0)
    trained = train_program(
        parse("(lam (digit_net $0))"), [(SLOT.fresh("digit_net"), True)], problem(task), FAST, 0
    )
    return trained.modules[0]


def test_module_learns_digits_and_its_weights_round_trip(digit_module: Module) -> None:
    task = make_task("recognise_digit", IMAGES, 300, test_size=200, seed=0)
    acc = test_accuracy((digit_module,), "(lam (digit_net $0))", task)
    assert acc > 0.8
    assert digit_module.trained and isinstance(digit_module.weights, bytes)
    a, b = digit_module.build(1), digit_module.build(2)
    x = torch.from_numpy(IMAGES.features(task.task.test[0].inputs))
    assert torch.equal(a(x), b(x))
    assert MLPSpec.from_json(SLOT.architecture.to_json()) == SLOT.architecture
    with pytest.raises(ValueError, match="a -> int"):
        Module("bad", arrow(IMAGE, IMAGE), SLOT.architecture)
    with pytest.raises(ValueError, match="one output"):
        Module("bad", arrow(IMAGE, BOOL), SLOT.architecture)


def test_training_through_fold_lowers_the_loss_and_is_seeded() -> None:
    task = make_task("sum_digits", IMAGES, 40, test_size=10, seed=0)
    program = parse("(lam (fold (map net $0) 0 +))")
    fresh = [(SLOT, True)]
    on_train = replace(problem(task), validation=task.task.train)  # the loss being minimised
    before = train_program(program, fresh, on_train, replace(FAST, max_epochs=0), 0)
    after = train_program(program, fresh, on_train, replace(FAST, max_epochs=4), 0)
    again = train_program(program, fresh, on_train, replace(FAST, max_epochs=4), 0)
    assert after.validation_loss < before.validation_loss
    assert after.epochs >= 1 and after.modules[0].weights == again.modules[0].weights


def test_reused_module_makes_sum_digits_right(digit_module: Module) -> None:
    task = make_task("sum_digits", IMAGES, 20, test_size=100, seed=0)
    search = SearchConfig(
        StructureConfig(max_structures=6, seconds=5),
        train_structures=2,
        screen_epochs=1,
        finalists=1,
        seconds=30.0,
    )
    result = fit_task(
        "sum_digits", problem(task), GRAMMAR, SLOT, [digit_module], search, FAST, seed=0
    )
    assert "sum" in str(result.program) or "fold" in str(result.program)
    assert result.best.choice in ("frozen", "finetune")
    assert result.best.source == "digit_net"
    assert {c.choice for c in result.candidates} == {"frozen", "finetune", "fresh"}
    acc = test_accuracy(result.modules, str(result.program), task)
    assert acc > 0.5
    assert result.new_module is None or result.new_module.name == "net_sum_digits"


def test_structures_come_in_prior_order_one_per_behaviour() -> None:
    task = make_task("sum_digits", IMAGES, 20, seed=0)
    found = candidate_structures(
        GRAMMAR,
        SLOT,
        task.task.request,
        [ex.inputs for ex in task.task.train],
        frozenset(make_table(50)),
        StructureConfig(max_structures=5),
        seed=0,
    )
    programs = [str(e) for e, _ in found]
    assert programs[0] == "(lam (sum (map (lam (net $0)) $0)))"
    assert "(lam (fold (map (lam (net $0)) $0) 0 (lam (lam (+ $0 $1)))))" not in programs
    costs = [c for _, c in found]
    assert costs == sorted(costs) and len(set(programs)) == len(programs)


def test_monolithic_baseline_trains_one_network() -> None:
    task = make_task("recognise_digit", IMAGES, 200, test_size=100, seed=0)
    assert monolithic_accuracy(problem(task), task.task.test, FAST, 0) > 0.6
    sorted_task = make_task("is_sorted", IMAGES, 20, test_size=20, seed=0)
    assert 0.0 <= monolithic_accuracy(problem(sorted_task), sorted_task.task.test, FAST, 0) <= 1


def test_importing_the_cli_and_search_does_not_import_torch() -> None:
    code = (
        "import sys, metagrow, metagrow.cli, metagrow.domains, metagrow.search, metagrow.fit,"
        " metagrow.bench, metagrow.domains.digits, metagrow.store;"
        " assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
