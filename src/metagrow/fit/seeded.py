"""Networks whose randomness comes only from an explicit ``torch.Generator``.

torch's layers draw their initial weights and dropout masks from the global generator,
so a seed set for one network leaks into everything after it. :func:`init_parameters`
redraws a network's weights from a generator, with torch's own default distributions
in the layers' order (so a generator seeded ``s`` gives exactly what
``torch.manual_seed(s)`` before building gave), :func:`build` makes a network without
touching the global generator at all, and :class:`Dropout` draws its masks from a
generator. A public submodule because it imports torch, which the rest of ``fit``
imports only when a network is built.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar, final

import torch
from torch import nn

Net = TypeVar("Net", bound=nn.Module)


def build(make: Callable[[], Net], generator: torch.Generator) -> Net:
    """``make()``'s network with its weights drawn from ``generator``: made on the meta
    device, so torch's own initialisation draws nothing from the global generator."""
    with torch.device("meta"):
        net = make()
    net.to_empty(device="cpu")
    init_parameters(net, generator)
    return net


def init_parameters(net: nn.Module, generator: torch.Generator) -> None:
    """Redraw every parameter of ``net`` from ``generator`` as torch's default
    initialisation does, layer by layer in registration order; ``TypeError`` for a layer
    with parameters of a kind this does not know."""
    with torch.no_grad():
        for layer in net.modules():
            if isinstance(layer, nn.Linear | nn.Conv2d):
                nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
                if layer.bias is not None:
                    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(layer.weight)
                    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                    nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
            elif isinstance(layer, nn.Embedding):
                nn.init.normal_(layer.weight, generator=generator)
                if layer.padding_idx is not None:
                    layer.weight[layer.padding_idx].fill_(0)
            elif isinstance(layer, nn.GRU):
                bound = 1 / math.sqrt(layer.hidden_size) if layer.hidden_size > 0 else 0.0
                for weight in layer.parameters():
                    nn.init.uniform_(weight, -bound, bound, generator=generator)
            elif any(True for _ in layer.parameters(recurse=False)):
                raise TypeError(f"no seeded initialisation for {type(layer).__name__}")


@final
class Dropout(nn.Module):
    """``nn.Dropout`` with its masks drawn from ``generator``: the same draws in the same
    order as torch's CPU dropout, so the same numbers for the same generator state."""

    def __init__(self, p: float, generator: torch.Generator) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {p}")
        self.p, self.generator = p, generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0 or x.numel() == 0:
            return x
        noise = torch.empty_like(x).bernoulli_(1 - self.p, generator=self.generator)
        return x * noise.div_(1 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"
