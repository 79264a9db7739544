"""The torch network of a :class:`~metagrow.fit.ConvSpec` (imported only to build one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, final

import torch
from torch import nn

from metagrow.fit.seeded import Dropout

if TYPE_CHECKING:
    from metagrow.fit._module import ConvSpec


@final
class ConvNet(nn.Module):
    """Convolutions (3x3, padding 1) each followed by ReLU and 2x2 max pooling, then an
    MLP head; reads flat rows in height x width x channels order."""

    def __init__(self, spec: ConvSpec, generator: torch.Generator) -> None:
        super().__init__()
        self.shape = (spec.height, spec.width, spec.channels)
        convs: list[nn.Module] = []
        channels = spec.channels
        for filters in spec.filters:
            convs.append(nn.Conv2d(channels, filters, 3, padding=1))
            channels = filters
        self.convs = nn.ModuleList(convs)
        dense: list[nn.Module] = []
        width = spec.flat
        for h in spec.hidden:
            dense += [nn.Linear(width, h), nn.ReLU()]
            if spec.dropout:
                dense.append(Dropout(spec.dropout, generator))
            width = h
        dense.append(nn.Linear(width, spec.outputs))
        self.dense = nn.Sequential(*dense)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w, c = self.shape
        y = x.view(-1, h, w, c).permute(0, 3, 1, 2)
        for conv in self.convs:
            y = nn.functional.max_pool2d(torch.relu(conv(y)), 2)
        return self.dense(y.flatten(1))  # type: ignore[no-any-return]
