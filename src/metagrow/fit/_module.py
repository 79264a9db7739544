"""Modules: trainable primitives, as data (name, type, architecture, weights).

A :class:`Module` holds no torch objects: its architecture is a small spec and its
weights are safetensors bytes, so it can be hashed, compared, stored and shipped between
processes. :meth:`Module.build` makes the ``torch.nn.Module`` when training or running.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, final

from metagrow.lang import BOOL, INT, Type

if TYPE_CHECKING:
    import torch


@final
@dataclass(frozen=True, slots=True)
class MLPSpec:
    """A multi-layer perceptron: ``inputs`` features, ReLU hidden layers, ``outputs``
    logits, dropout after each hidden layer while training."""

    inputs: int
    hidden: tuple[int, ...]
    outputs: int
    dropout: float = 0.0

    def __post_init__(self) -> None:
        if self.inputs < 1 or self.outputs < 1 or any(h < 1 for h in self.hidden):
            raise ValueError(f"layer sizes must be positive, got {self}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")

    def to_json(self) -> dict[str, object]:
        return {
            "kind": "mlp",
            "inputs": self.inputs,
            "hidden": list(self.hidden),
            "outputs": self.outputs,
            "dropout": self.dropout,
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> MLPSpec:
        if data.get("kind") != "mlp":
            raise ValueError(f"unknown architecture kind {data.get('kind')!r}; expected 'mlp'")
        hidden = data["hidden"]
        assert isinstance(hidden, list)
        inputs, outputs, dropout = data["inputs"], data["outputs"], data.get("dropout", 0.0)
        assert isinstance(inputs, int) and isinstance(outputs, int)
        assert isinstance(dropout, (int, float))
        return MLPSpec(inputs, tuple(int(h) for h in hidden), outputs, float(dropout))

    def build(self, generator: torch.Generator) -> torch.nn.Module:
        """The network, its weights and dropout masks drawn from ``generator``."""
        from torch import nn

        from metagrow.fit.seeded import Dropout, build

        def make() -> nn.Module:
            layers: list[nn.Module] = []
            width = self.inputs
            for h in self.hidden:
                layers += [nn.Linear(width, h), nn.ReLU()]
                if self.dropout:
                    layers.append(Dropout(self.dropout, generator))
                width = h
            layers.append(nn.Linear(width, self.outputs))
            return nn.Sequential(*layers)

        return build(make, generator)


@final
@dataclass(frozen=True, slots=True)
class ConvSpec:
    """A small convolutional network for images of ``height`` x ``width`` x ``channels``
    (read from a flat row in that order): 3x3 convolutions with ``channels_out`` filters
    each, ReLU and 2x2 max pooling, then ReLU hidden layers ``hidden`` and ``outputs``
    logits, dropout after each hidden layer while training."""

    height: int
    width: int
    channels: int
    filters: tuple[int, ...]
    hidden: tuple[int, ...]
    outputs: int
    dropout: float = 0.0

    def __post_init__(self) -> None:
        sizes = (self.height, self.width, self.channels, self.outputs, *self.filters, *self.hidden)
        if any(n < 1 for n in sizes) or not self.filters:
            raise ValueError(f"sizes must be positive, with one or more filters: {self}")
        if min(self.height, self.width) >> len(self.filters) < 1:
            raise ValueError(
                f"{len(self.filters)} poolings leave nothing of {self.height}x{self.width}"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")

    @property
    def inputs(self) -> int:
        return self.height * self.width * self.channels

    @property
    def flat(self) -> int:
        """Features after the last pooling."""
        k = len(self.filters)
        return (self.height >> k) * (self.width >> k) * self.filters[-1]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": "cnn",
            "height": self.height,
            "width": self.width,
            "channels": self.channels,
            "filters": list(self.filters),
            "hidden": list(self.hidden),
            "outputs": self.outputs,
            "dropout": self.dropout,
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> ConvSpec:
        ints = {k: data[k] for k in ("height", "width", "channels", "outputs")}
        lists = {k: data[k] for k in ("filters", "hidden")}
        dropout = data.get("dropout", 0.0)
        if not all(isinstance(v, int) for v in ints.values()):
            raise ValueError(f"bad cnn architecture {data}")
        if not all(isinstance(v, list) for v in lists.values()):
            raise ValueError(f"bad cnn architecture {data}")
        assert isinstance(dropout, (int, float))
        return ConvSpec(
            **{k: int(v) for k, v in ints.items()},  # type: ignore[call-overload]
            filters=tuple(int(f) for f in lists["filters"]),  # type: ignore[attr-defined]
            hidden=tuple(int(h) for h in lists["hidden"]),  # type: ignore[attr-defined]
            dropout=float(dropout),
        )

    def build(self, generator: torch.Generator) -> torch.nn.Module:
        """The network, its weights and dropout masks drawn from ``generator``."""
        from metagrow.fit._conv import ConvNet
        from metagrow.fit.seeded import build

        return build(lambda: ConvNet(self, generator), generator)


@final
@dataclass(frozen=True, slots=True)
class HeadSpec:
    """A new last layer on another module's trunk: the network of ``trunk`` (the
    architecture of the module named ``trunk_name``) with its last Linear layer replaced
    by one of ``outputs`` logits. The layers keep the trunk's names, so the trunk's
    weights load as they are; a store keeps only the new layer's (see
    :func:`metagrow.fit.adapt_head`)."""

    trunk: MLPSpec | ConvSpec
    trunk_name: str
    outputs: int

    def __post_init__(self) -> None:
        if self.outputs < 1 or not self.trunk_name:
            raise ValueError(f"a head needs a trunk name and positive outputs, got {self}")

    @property
    def inputs(self) -> int:
        return self.trunk.inputs

    @property
    def dropout(self) -> float:
        return self.trunk.dropout

    @property
    def network(self) -> MLPSpec | ConvSpec:
        """The trunk's architecture with this head's outputs: the network this builds."""
        return replace(self.trunk, outputs=self.outputs)

    def to_json(self) -> dict[str, object]:
        return {
            "kind": "head",
            "trunk": self.trunk.to_json(),
            "trunk_name": self.trunk_name,
            "outputs": self.outputs,
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> HeadSpec:
        trunk, name, outputs = data.get("trunk"), data.get("trunk_name"), data.get("outputs")
        if not (isinstance(trunk, dict) and isinstance(name, str) and isinstance(outputs, int)):
            raise ValueError(f"bad head architecture {data}")
        spec = architecture_from_json(trunk)
        if isinstance(spec, HeadSpec):
            raise ValueError(f"a head's trunk is an MLP or a CNN, got a head: {data}")
        return HeadSpec(spec, name, outputs)

    def build(self, generator: torch.Generator) -> torch.nn.Module:
        """The network, its weights and dropout masks drawn from ``generator``."""
        return self.network.build(generator)


Architecture = MLPSpec | ConvSpec | HeadSpec


def architecture_from_json(data: dict[str, object]) -> Architecture:
    """The architecture a stored JSON object describes; ``ValueError`` for an unknown kind."""
    kind = data.get("kind")
    if kind == "mlp":
        return MLPSpec.from_json(data)
    if kind == "cnn":
        return ConvSpec.from_json(data)
    if kind == "head":
        return HeadSpec.from_json(data)
    raise ValueError(f"unknown architecture kind {kind!r}; expected 'mlp', 'cnn' or 'head'")


@final
@dataclass(frozen=True, slots=True)
class Module:
    """A trainable primitive: a name used in programs, a type ``a -> int`` (the network's
    softmax is a distribution over ``0 .. outputs-1``) or ``a -> bool`` (one logit), an
    architecture, and trained weights (``None`` for a fresh, untrained module)."""

    name: str
    type: Type
    architecture: Architecture
    weights: bytes | None = None
    parent: str | None = None
    """The library module this one was fine-tuned from, if any."""

    def __post_init__(self) -> None:
        args, result = self.type.arguments(), self.type.returns()
        if len(args) != 1 or result not in (INT, BOOL):
            raise ValueError(f"module {self.name!r}: type must be 'a -> int' or 'a -> bool'")
        if result == BOOL and self.architecture.outputs != 1:
            raise ValueError(f"module {self.name!r}: a 'a -> bool' network has one output")

    @property
    def trained(self) -> bool:
        return self.weights is not None

    def build(self, seed: int) -> torch.nn.Module:
        """The network: initialised from a generator seeded ``seed`` (which also draws its
        dropout masks), then loaded with the weights if any."""
        import torch

        net = self.architecture.build(torch.Generator().manual_seed(seed))
        if self.weights is not None:
            from safetensors.torch import load

            net.load_state_dict(load(self.weights))
        return net

    def with_net(self, net: torch.nn.Module, name: str | None = None) -> Module:
        """This module carrying ``net``'s current weights (optionally renamed)."""
        return replace(self, name=name or self.name, weights=weights_bytes(net))

    def fresh(self, name: str) -> Module:
        """An untrained module of the same type and architecture."""
        return replace(self, name=name, weights=None, parent=None)


def weights_bytes(net: torch.nn.Module) -> bytes:
    """``net``'s parameters as safetensors bytes (contiguous CPU copies)."""
    from safetensors.torch import save

    return save({k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()})


def network_of(architecture: Architecture) -> MLPSpec | ConvSpec:
    """The network an architecture builds: a head's is its trunk's with the head's
    outputs (the same layer names), the others their own."""
    return architecture.network if isinstance(architecture, HeadSpec) else architecture
