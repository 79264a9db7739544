"""Grown architectures: widening and deepening keep a module's function, growth stops at
its caps, and training grows a too-small digit recogniser. Real torch, small nets."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from metagrow.domains.digits import DIGITS, IMAGE, PIXELS, load_digit_images, make_task
from metagrow.fit import (
    GrowthConfig,
    MLPSpec,
    Module,
    Problem,
    TrainConfig,
    deepen,
    train_program,
    weights_bytes,
    widen,
)
from metagrow.fit._grow import Grower, next_step
from metagrow.lang import INT, arrow, parse

IMAGES = load_digit_images(0)
FAST = TrainConfig(max_epochs=30, patience=4, batch_size=32, lr=1e-2)


@pytest.fixture(autouse=True)
def one_thread() -> None:
    torch.set_num_threads(1)


def trained_module(spec: MLPSpec, seed: int) -> Module:
    """A module with seeded random weights standing in for trained ones."""
    fresh = Module("net", arrow(IMAGE, INT), spec)
    return fresh.with_net(fresh.build(seed))


def outputs(module: Module, x: torch.Tensor) -> torch.Tensor:
    net = module.build(123)
    net.eval()
    with torch.no_grad():
        return net(x)


specs = st.builds(
    MLPSpec,
    inputs=st.integers(1, 6),
    hidden=st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple),
    outputs=st.integers(1, 4),
    dropout=st.sampled_from([0.0, 0.3]),
)


@settings(max_examples=40, deadline=None)
@given(spec=specs, data=st.data(), seed=st.integers(0, 2**16))
def test_widening_keeps_the_function(spec: MLPSpec, data: st.DataObject, seed: int) -> None:
    module = trained_module(spec, seed)
    layer = data.draw(st.integers(0, len(spec.hidden) - 1))
    width = spec.hidden[layer] + data.draw(st.integers(0, 7))
    units = data.draw(st.sampled_from(["copy", "random"]))
    wider = widen(module, layer, width, seed, units=units)
    assert wider.architecture.hidden[layer] == width
    assert wider.architecture.dropout == spec.dropout
    x = torch.randn(16, spec.inputs, generator=torch.Generator().manual_seed(seed))
    torch.testing.assert_close(outputs(wider, x), outputs(module, x), rtol=1e-5, atol=1e-5)


@settings(max_examples=40, deadline=None)
@given(spec=specs, data=st.data(), seed=st.integers(0, 2**16))
def test_deepening_keeps_the_function(spec: MLPSpec, data: st.DataObject, seed: int) -> None:
    module = trained_module(spec, seed)
    after = data.draw(st.integers(0, len(spec.hidden) - 1))
    deeper = deepen(module, after)
    hidden = spec.hidden
    assert deeper.architecture.hidden == (*hidden[: after + 1], hidden[after], *hidden[after + 1 :])
    x = torch.randn(16, spec.inputs, generator=torch.Generator().manual_seed(seed))
    torch.testing.assert_close(outputs(deeper, x), outputs(module, x), rtol=1e-5, atol=1e-5)


def test_copies_share_outgoing_weights_and_noise_only_nudges_them() -> None:
    module = trained_module(MLPSpec(5, (3,), 2), 0)
    x = torch.randn(32, 5, generator=torch.Generator().manual_seed(1))
    exact, noisy = widen(module, 0, 9, seed=4), widen(module, 0, 9, seed=4, noise=0.01)
    assert exact.weights != noisy.weights
    torch.testing.assert_close(outputs(noisy, x), outputs(module, x), rtol=0.05, atol=0.05)
    net = exact.build(0)
    old_out = module.build(0)[2].weight
    assert torch.allclose(net[2].weight.sum(dim=1), old_out.sum(dim=1), atol=1e-6)
    with pytest.raises(ValueError, match="at least"):
        widen(module, 0, 2, seed=0)
    with pytest.raises(ValueError, match="no hidden layer 1"):
        deepen(module, 1)
    with pytest.raises(ValueError, match="train it first"):
        widen(module.fresh("blank"), 0, 4, seed=0)


def test_growth_widens_to_the_cap_then_deepens_to_the_layer_cap() -> None:
    config = GrowthConfig(max_hidden=20, max_layers=2, factor=2.0)
    spec, seen = MLPSpec(4, (3,), 2), []
    while (step := next_step(config, spec)) is not None:
        if step[0] == "widen":
            spec = replace(spec, hidden=step[1])
        else:
            spec = replace(spec, hidden=(*spec.hidden, spec.hidden[step[1]]))
        seen.append(spec.hidden)
    assert seen == [(6,), (12,), (20,), (20, 20)]
    assert next_step(config, MLPSpec(4, (), 2)) is None
    assert next_step(GrowthConfig(max_hidden=8, max_layers=1), MLPSpec(4, (30,), 2)) is None
    assert next_step(GrowthConfig(factor=1.01), MLPSpec(4, (3,), 2)) == ("widen", (4,))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_hidden": 0}, "max_hidden"),
        ({"max_layers": 0}, "max_layers"),
        ({"factor": 1.0}, "above 1"),
        ({"patience": 0}, "patience"),
        ({"tolerance": 1.0}, "tolerance"),
        ({"noise": -0.1}, "noise"),
        ({"units": "clone"}, "'copy'"),
    ],
)
def test_growth_config_says_what_to_fix(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GrowthConfig(**kwargs)  # type: ignore[arg-type]


def digits_problem(labelled: int) -> Problem:
    task = make_task("recognise_digit", IMAGES, labelled, test_size=50, seed=0)
    return Problem(task.task.request, task.task.train, task.validation, IMAGES.features)


TINY = Module("net", arrow(IMAGE, INT), MLPSpec(PIXELS, (4,), DIGITS, 0.1))
PROGRAM = parse("(lam (net $0))")


@pytest.mark.parametrize("units", ["copy", "random"])
def test_a_tiny_recogniser_grows_while_training(units: str) -> None:
    growth = GrowthConfig(16, 2, patience=2, tolerance=0.05, units=units)  # type: ignore[arg-type]
    problem = digits_problem(200)
    grown = train_program(PROGRAM, [(TINY, True)], problem, FAST, 0, growth=growth)
    fixed = train_program(PROGRAM, [(TINY, True)], problem, FAST, 0)
    assert grown.growth and all(": net widened" in e or ": net deepened" in e for e in grown.growth)
    spec = grown.modules[0].architecture
    assert sum(spec.hidden) > 4 and max(spec.hidden) <= 16 and len(spec.hidden) <= 2
    assert grown.validation_loss < fixed.validation_loss
    x = torch.from_numpy(IMAGES.features([ex.inputs[0] for ex in problem.validation]))
    assert outputs(grown.modules[0], x).shape == (len(problem.validation), DIGITS)


def test_without_growth_training_is_unchanged() -> None:
    problem = digits_problem(60)
    config = replace(FAST, max_epochs=6)
    plain = train_program(PROGRAM, [(TINY, True)], problem, config, 3)
    again = train_program(PROGRAM, [(TINY, True)], problem, config, 3, growth=None)
    assert plain.growth == () and plain.modules == again.modules
    assert plain.modules[0].architecture == TINY.architecture
    # the same bytes as loading the best weights into the original network
    net = TINY.build(3)
    net.load_state_dict(plain.modules[0].build(0).state_dict())
    assert weights_bytes(net) == plain.modules[0].weights


def test_growth_patience_beyond_training_patience_is_refused() -> None:
    with pytest.raises(ValueError, match=r"raise TrainConfig\.patience"):
        train_program(
            PROGRAM, [(TINY, True)], digits_problem(20), FAST, 0, growth=GrowthConfig(patience=9)
        )


def test_a_frozen_module_never_grows() -> None:
    frozen = trained_module(TINY.architecture, 0)
    result = train_program(
        PROGRAM,
        [(frozen, False)],
        digits_problem(40),
        FAST,
        0,
        growth=GrowthConfig(patience=1, tolerance=0.5),
    )
    assert result.growth == () and result.modules == (frozen,)


def test_a_grown_architecture_is_kept_only_when_it_beats_the_smaller_one() -> None:
    grower = Grower(GrowthConfig(patience=2, tolerance=0.01), [(TINY, True)], seed=0)
    nets = [TINY.build(0)]
    small = [{k: v.clone() for k, v in nets[0].state_dict().items()}]
    assert not grower.grew(1, 1.0, nets) and not grower.grew(2, 1.0, nets)
    assert grower.grew(3, 1.0, nets) and grower.events == ["epoch 3: net widened (4,) -> (8,)"]
    assert nets[0][0].out_features == 8
    assert not grower.grew(4, 0.995, nets)  # better, but by less than the tolerance
    big = [nets[0].state_dict()]
    loss, states = grower.kept(0.995, big)
    assert loss == 1.0 and all(torch.equal(states[0][k], small[0][k]) for k in small[0])
    assert not grower.grew(5, 0.9, nets)
    assert grower.kept(0.9, big) == (0.9, big)
