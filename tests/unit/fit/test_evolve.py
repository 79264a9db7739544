"""Module weights by CMA-ES through programs: it learns, is seeded, keeps its bounds,
leaves frozen modules and the global generators alone, and rejects bad settings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from metagrow.domains.digits import DIGITS, IMAGE, PIXELS, load_digit_images, make_task
from metagrow.fit import (
    EvolveConfig,
    MLPSpec,
    Module,
    Problem,
    evolve_program,
)
from metagrow.lang import INT, arrow, parse

IMAGES = load_digit_images(0)
TASK = make_task("recognise_digit", IMAGES, 200, test_size=10, seed=0)
PROBLEM = Problem(TASK.task.request, TASK.task.train, TASK.validation, IMAGES.features)
SMALL = Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, (8,), DIGITS))
PROGRAM = parse("(lam (net $0))")
QUICK = EvolveConfig(population=12, sigma0=0.1, generations=150, batch_size=32, seconds=20)


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """One thread for torch and for numpy's BLAS (full-covariance CMA-ES decomposes its
    covariance, which is very slow with threads competing on a shared machine)."""
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield


@pytest.mark.parametrize(
    ("module", "diagonal"),
    [(SMALL, True), (Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, (4,), DIGITS)), False)],
)
def test_evolution_lowers_the_validation_loss(module: Module, diagonal: bool) -> None:
    config = replace(QUICK, diagonal=diagonal)
    before = evolve_program(PROGRAM, [(module, True)], PROBLEM, replace(config, generations=0), 0)
    after = evolve_program(PROGRAM, [(module, True)], PROBLEM, config, 0)
    assert before.epochs == 0 and before.modules[0].weights is not None
    assert after.epochs > 0
    assert after.validation_loss < before.validation_loss - 0.3
    assert after.modules[0].weights != before.modules[0].weights


def test_evolution_is_seeded_and_leaves_the_global_generators_alone() -> None:
    config = replace(QUICK, generations=20)
    numpy_state, torch_state = np.random.get_state(), torch.random.get_rng_state()
    first = evolve_program(PROGRAM, [(SMALL, True)], PROBLEM, config, 3)
    again = evolve_program(PROGRAM, [(SMALL, True)], PROBLEM, config, 3)
    other = evolve_program(PROGRAM, [(SMALL, True)], PROBLEM, config, 4)
    assert first.modules[0].weights == again.modules[0].weights
    assert first.validation_loss == again.validation_loss
    assert other.modules[0].weights != first.modules[0].weights
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(numpy_state[1:3], after[1:3], strict=True))
    assert torch.equal(torch_state, torch.random.get_rng_state())


def test_evolution_stops_at_the_time_bound() -> None:
    config = replace(QUICK, generations=10**9, seconds=0.5, patience=10**6)
    started = time.perf_counter()
    result = evolve_program(PROGRAM, [(SMALL, True)], PROBLEM, config, 0)
    took = time.perf_counter() - started
    assert result.epochs > 1
    assert result.seconds < 1.5 and took < 2.0


def test_frozen_modules_stay_as_they_were() -> None:
    frozen = evolve_program(PROGRAM, [(SMALL, True)], PROBLEM, replace(QUICK, generations=10), 0)
    digit = frozen.modules[0].fresh("digit")
    digit = Module(digit.name, digit.type, digit.architecture, frozen.modules[0].weights)
    program = parse("(lam (+ (digit $0) (net $0)))")
    modules = [(digit, False), (SMALL, True)]
    result = evolve_program(program, modules, PROBLEM, replace(QUICK, generations=10), 0)
    assert result.modules[0] == digit
    assert result.modules[1].weights is not None and result.epochs == 10
    only_frozen = evolve_program(program, [(digit, False), (result.modules[1], False)], PROBLEM,
                                 QUICK, 0)  # fmt: skip
    assert only_frozen.epochs == 0 and only_frozen.modules == result.modules
    assert only_frozen.validation_loss == pytest.approx(result.validation_loss, abs=1e-5)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"population": 1}, "population must be at least 2"),
        ({"sigma0": 0.0}, "sigma0 must be a positive step size"),
        ({"sigma0": float("nan")}, "sigma0 must be a positive step size"),
        ({"generations": -1}, "generations must be 0 or more"),
        ({"seconds": 0.0}, "seconds must be positive"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"patience": 0}, "validate_every and patience must be at least 1"),
        ({"validate_every": 0}, "validate_every and patience must be at least 1"),
        ({"support": 5}, "support must be at least 10"),
    ],
)
def test_config_rejects_bad_values(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(EvolveConfig(), **change)  # type: ignore[arg-type]
