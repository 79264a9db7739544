"""The networks of the lifelong benchmark's baselines, and handing a library module to a
slot of another output type.

A **standalone** network maps a task's input straight to its output with no program: a
per-image encoder (64 pixels → 128 ReLU, the same first layer as a module), summed over
the items of a list (an image is a list of one), then a head (128 → 64 ReLU → one logit
for a bool, ``support`` classes for an int). Every task has the same layers except the
last, so a network can start from the previous task's wherever shapes match: that is the
**fine-tune** baseline (HOUDINI's low-level transfer, all weights trained). Both train
like modules do: Adam, seeded minibatch order, early stopping on validation loss with
the best weights restored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, final

from metagrow.fit import (
    Featurize,
    MLPSpec,
    Module,
    TrainConfig,
    train_early_stopping,
    weights_bytes,
)
from metagrow.lang import BOOL, Example, TCon, Type

if TYPE_CHECKING:
    import torch

HIDDEN = 128
HEAD = 64


@final
@dataclass(frozen=True, slots=True)
class Standalone:
    """A trained standalone network: its test accuracy and its weights (safetensors
    bytes, for the next task's fine-tune)."""

    accuracy: float
    weights: bytes
    epochs: int


def _is_list(t: Type) -> bool:
    return isinstance(t, TCon) and t.name == "list"


def _network(pixels: int, outputs: int, seed: int) -> torch.nn.Module:
    import torch
    from torch import nn

    from metagrow.fit.seeded import Dropout, build

    generator = torch.Generator().manual_seed(seed)

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = nn.Sequential(
                nn.Linear(pixels, HIDDEN), nn.ReLU(), Dropout(0.1, generator)
            )
            self.head = nn.Sequential(nn.Linear(HIDDEN, HEAD), nn.ReLU(), nn.Linear(HEAD, outputs))

        def forward(self, pixels: torch.Tensor, owner: torch.Tensor, rows: int) -> torch.Tensor:
            encoded = self.encoder(pixels)
            pooled = torch.zeros(rows, HIDDEN).index_add(0, owner, encoded)
            out: torch.Tensor = self.head(pooled)
            return out

    return build(Net, generator)


def _load_matching(net: torch.nn.Module, weights: bytes) -> None:
    """Copy every tensor of ``weights`` whose name and shape match one of ``net``'s."""
    from safetensors.torch import load

    own = net.state_dict()
    given = load(weights)
    net.load_state_dict(
        {k: v for k, v in given.items() if k in own and own[k].shape == v.shape}, strict=False
    )


def train_standalone(
    request: Type,
    train: Sequence[Example],
    validation: Sequence[Example],
    test: Sequence[Example],
    featurize: Featurize,
    config: TrainConfig,
    seed: int,
    start: bytes | None = None,
) -> Standalone:
    """Train a standalone network for a task of type ``image -> t`` or ``list(image) ->
    t`` (``t`` an int or a bool), from ``start``'s weights where shapes match (the
    fine-tune baseline, at the fine-tuning learning rate) or from scratch."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    (arg,) = request.arguments()
    is_bool = request.returns() == BOOL
    listed = _is_list(arg)

    def encode(rows: Sequence[Example]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        items = [_images(ex, listed) for ex in rows]
        flat = [image for group in items for image in group]
        owner = [i for i, group in enumerate(items) for _ in group]
        pixels = torch.from_numpy(np.asarray(featurize(flat)))
        if is_bool:
            y = torch.tensor([float(bool(ex.output)) for ex in rows])
        else:
            y = torch.tensor([min(int(ex.output), config.support - 1) for ex in rows])  # type: ignore[call-overload]
        return pixels, torch.tensor(owner, dtype=torch.long), y

    sample = featurize(_images(train[0], listed)[:1])
    net = _network(int(sample.shape[1]), 1 if is_bool else config.support, seed)
    if start is not None:
        _load_matching(net, start)

    def loss_of(batch: tuple[torch.Tensor, torch.Tensor, torch.Tensor]) -> torch.Tensor:
        pixels, owner, y = batch
        out = net(pixels, owner, y.shape[0])
        if is_bool:
            return F.binary_cross_entropy_with_logits(out[:, 0], y)
        return F.cross_entropy(out, y)

    held = encode(validation)
    epochs = train_early_stopping(
        net,
        train,
        lambda chunk: loss_of(encode(chunk)),
        lambda: loss_of(held),
        config,
        config.finetune_lr if start is not None else config.lr,
        seed,
    )
    pixels, owner, y = encode(test)
    with torch.no_grad():
        out = net(pixels, owner, y.shape[0])
        predicted = (out[:, 0] > 0).float() if is_bool else out.argmax(dim=1)
    acc = float((predicted == y).float().mean()) if len(test) else 0.0
    return Standalone(acc, weights_bytes(net), epochs)


def _images(example: Example, listed: bool) -> tuple[object, ...]:
    value = example.inputs[0]
    if not listed:
        return (value,)
    if not isinstance(value, tuple) or not value:
        raise ValueError(f"a standalone network reads non-empty lists, got {value!r}")
    return value


def adapt(module: Module, slot: Module, seed: int) -> Module | None:
    """``module`` made to fit ``slot``'s type: the same hidden layers with their trained
    weights and a fresh output layer of the slot's width (so ``image -> int`` becomes
    ``image -> bool`` and back); ``None`` when the layers differ. Named
    ``<module>_as_<output type>``."""
    import torch

    source, target = module.architecture, slot.architecture
    if not isinstance(source, MLPSpec) or not isinstance(target, MLPSpec):
        return None
    if module.weights is None or (source.inputs, source.hidden) != (target.inputs, target.hidden):
        return None
    net = target.build(torch.Generator().manual_seed(seed))
    _load_matching(net, module.weights)
    name = f"{module.name}_as_{slot.type.returns()}"
    return replace(slot, name=name).with_net(net)


def slot_library(
    library: Sequence[Module], slot: Module, seed: int
) -> tuple[list[Module], Mapping[str, str]]:
    """The library as ``slot`` can use it: modules of its type as they are, the others
    adapted; and each adapted name's original."""
    usable: list[Module] = []
    origin: dict[str, str] = {}
    for module in library:
        if module.type == slot.type:
            usable.append(module)
            continue
        adapted = adapt(module, slot, seed)
        if adapted is not None:
            usable.append(adapted)
            origin[adapted.name] = module.name
    return usable, origin
