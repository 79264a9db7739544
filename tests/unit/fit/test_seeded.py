"""Networks draw their randomness only from explicit generators: the same numbers as
torch's defaults after ``torch.manual_seed``, and no use of torch's global generator."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from torch import nn

from metagrow.fit import MLPSpec
from metagrow.fit.seeded import Dropout, init_parameters
from metagrow.guide._model import GridEncoder, ListEncoder


def _same(a: nn.Module, b: nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)),
        lambda: ListEncoder(8, 16, 24),
        lambda: GridEncoder(8, 16, 24),
    ],
)
def test_a_seeded_generator_draws_what_the_global_seed_drew(make: Callable[[], nn.Module]) -> None:
    torch.manual_seed(7)
    by_global_seed = make()
    redrawn = make()
    assert not _same(by_global_seed, redrawn)
    init_parameters(redrawn, torch.Generator().manual_seed(7))
    assert _same(by_global_seed, redrawn)


def test_dropout_draws_torch_s_masks_from_its_generator() -> None:
    x = torch.arange(1.0, 201.0).reshape(20, 10)
    torch.manual_seed(3)
    expected = nn.functional.dropout(x, 0.25, training=True)
    drop = Dropout(0.25, torch.Generator().manual_seed(3))
    assert torch.equal(drop(x), expected)
    assert torch.equal(drop.eval()(x), x)
    with pytest.raises(ValueError, match="dropout"):
        Dropout(1.0, torch.Generator())


def test_an_unknown_layer_with_parameters_is_refused() -> None:
    with pytest.raises(TypeError, match="LayerNorm"):
        init_parameters(nn.Sequential(nn.LayerNorm(4)), torch.Generator())


def test_building_and_training_leave_the_global_generator_alone() -> None:
    spec = MLPSpec(16, (8,), 4, dropout=0.5)
    x = torch.ones(6, 16)
    outputs = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)
        state = torch.get_rng_state()
        net = spec.build(torch.Generator().manual_seed(0))
        outputs.append(net.train()(x))  # dropout active
        assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(outputs[0], outputs[1])
    other = spec.build(torch.Generator().manual_seed(1)).train()(x)
    assert not torch.equal(outputs[0], other)
