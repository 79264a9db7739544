"""Grown architectures: a module's hidden layers widen or deepen while it trains.

Growth preserves the network's function. *Widening* a hidden layer either copies
randomly chosen units and divides their outgoing weights by how many copies each unit
now has (Net2WiderNet, ``units="copy"``; optional seeded noise on the copies' incoming
weights breaks their symmetry), or adds randomly initialised units whose outgoing weights
are zero (``units="random"``). *Deepening* inserts an identity ``Linear`` + ReLU after a
hidden layer's ReLU (Net2DeeperNet), which changes nothing because a ReLU's outputs are
already non-negative. Dropout (one rate for every hidden layer in :class:`MLPSpec`)
follows each hidden layer as usual; it is the identity in evaluation mode, where the
outputs are equal.

During training (``train_program(..., growth=GrowthConfig(...))``) each trainable module
grows one step whenever the validation loss has not dropped by ``tolerance`` (relative)
for ``patience`` epochs: first every hidden layer narrower than ``max_hidden`` widens by
``factor``; once all are at the cap, a layer as wide as the last one is inserted after
it, up to ``max_layers``. Training ends as without growth (the training patience runs
out, or the epochs or seconds), keeping the weights of the smallest architecture whose
best validation loss no larger one beat by ``tolerance``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, final

from metagrow.fit._module import MLPSpec, Module, weights_bytes

if TYPE_CHECKING:
    import torch

    State = Mapping[str, torch.Tensor]
    Layers = list[tuple[torch.Tensor, torch.Tensor]]


Units = Literal["copy", "random"]
"""How widening makes new units: copies of old ones (Net2WiderNet) or random ones whose
outgoing weights start at zero."""


@final
@dataclass(frozen=True, slots=True)
class GrowthConfig:
    """When and how far modules grow: after ``patience`` epochs whose validation loss is
    not ``tolerance`` (relative) below the best, widen each hidden layer by ``factor`` (at
    least one unit) up to ``max_hidden`` units, then add hidden layers up to
    ``max_layers``. ``units`` is how widening makes new units (see :data:`Units`);
    ``noise`` is the scale, relative to the layer's mean absolute weight, of seeded
    Gaussian noise on the incoming weights of copied units (0 keeps the function exactly;
    unused by random units, which keep it exactly anyway)."""

    max_hidden: int = 128
    max_layers: int = 2
    factor: float = 2.0
    patience: int = 3
    tolerance: float = 0.01
    noise: float = 0.01
    units: Units = "copy"

    def __post_init__(self) -> None:
        if self.max_hidden < 1:
            raise ValueError(
                f"GrowthConfig: max_hidden is the widest a hidden layer may grow; give at "
                f"least 1 unit, got {self.max_hidden}"
            )
        if self.max_layers < 1:
            raise ValueError(
                f"GrowthConfig: max_layers caps the hidden layers; give at least 1 (1 only "
                f"widens), got {self.max_layers}"
            )
        if not self.factor > 1.0 or math.isinf(self.factor):
            raise ValueError(
                f"GrowthConfig: factor multiplies a layer's width when it grows; give a "
                f"finite number above 1 such as 1.5 or 2, got {self.factor}"
            )
        if self.patience < 1:
            raise ValueError(
                f"GrowthConfig: patience counts epochs without improvement before growing; "
                f"give at least 1, got {self.patience}"
            )
        if not 0.0 <= self.tolerance < 1.0:
            raise ValueError(
                f"GrowthConfig: tolerance is the relative drop in validation loss that counts "
                f"as improving; give a value in [0, 1) such as 0.01, got {self.tolerance}"
            )
        if self.units not in ("copy", "random"):
            raise ValueError(
                f"GrowthConfig: units must be 'copy' (Net2WiderNet) or 'random' (new units "
                f"with zero outgoing weights), got {self.units!r}"
            )
        if not 0.0 <= self.noise < 1.0:
            raise ValueError(
                f"GrowthConfig: noise is a relative scale; give a value in [0, 1) such as "
                f"0.01 (0 for exact function preservation), got {self.noise}"
            )


Step = tuple[Literal["widen"], tuple[int, ...]] | tuple[Literal["deepen"], int]


def next_step(config: GrowthConfig, spec: MLPSpec) -> Step | None:
    """How ``spec`` grows next under ``config``: the new widths of its hidden layers, or
    the hidden layer to deepen after; ``None`` at the cap or without hidden layers."""
    hidden = spec.hidden
    if not hidden:
        return None
    if any(h < config.max_hidden for h in hidden):
        widths = tuple(
            h if h >= config.max_hidden else min(config.max_hidden, max(h + 1, _times(h, config)))
            for h in hidden
        )
        return ("widen", widths)
    if len(hidden) < config.max_layers:
        return ("deepen", len(hidden) - 1)
    return None


def _times(h: int, config: GrowthConfig) -> int:
    return math.ceil(h * config.factor - 1e-9)


def _linear_keys(spec: MLPSpec) -> list[tuple[str, str]]:
    """State-dict keys of each ``Linear`` in order: a hidden block is Linear, ReLU and,
    with dropout, Dropout."""
    stride = 3 if spec.dropout else 2
    return [(f"{k * stride}.weight", f"{k * stride}.bias") for k in range(len(spec.hidden) + 1)]


def _layers(spec: MLPSpec, state: State) -> Layers:
    layers = [(state[w], state[b]) for w, b in _linear_keys(spec)]
    widths = [spec.inputs, *spec.hidden, spec.outputs]
    for k, (w, _) in enumerate(layers):
        if tuple(w.shape) != (widths[k + 1], widths[k]):
            raise ValueError(f"weights of shape {tuple(w.shape)} do not fit {spec}")
    return layers


def _state(spec: MLPSpec, layers: Layers) -> dict[str, torch.Tensor]:
    state: dict[str, torch.Tensor] = {}
    for (wk, bk), (w, b) in zip(_linear_keys(spec), layers, strict=True):
        state[wk], state[bk] = w.contiguous(), b.contiguous()
    return state


def widen_state(
    spec: MLPSpec,
    state: State,
    layer: int,
    width: int,
    generator: torch.Generator,
    noise: float = 0.0,
    units: Units = "copy",
) -> tuple[MLPSpec, dict[str, torch.Tensor]]:
    """``spec`` with hidden layer ``layer`` widened to ``width`` units and the weights
    that compute the same function. With ``units="copy"`` (Net2WiderNet) each new unit
    copies an old one drawn from ``generator`` and every copied unit's outgoing weights
    are shared among its copies; with ``"random"`` new units have incoming weights drawn
    as torch initialises a ``Linear`` and zero outgoing weights."""
    import torch

    if not 0 <= layer < len(spec.hidden):
        raise ValueError(f"no hidden layer {layer} in {spec.hidden}; layers count from 0")
    old = spec.hidden[layer]
    if width < old:
        raise ValueError(f"hidden layer {layer} has {old} units; widen it to at least that")
    layers = _layers(spec, state)
    w_in, b_in = layers[layer]
    w_out, b_out = layers[layer + 1]
    if units == "random":
        bound = 1 / math.sqrt(w_in.shape[1])
        shape = (width - old, w_in.shape[1])
        new_in = (torch.rand(shape, generator=generator, dtype=w_in.dtype) * 2 - 1) * bound
        new_bias = (torch.rand(width - old, generator=generator, dtype=b_in.dtype) * 2 - 1) * bound
        zeros = torch.zeros(w_out.shape[0], width - old, dtype=w_out.dtype)
        layers[layer] = (torch.cat([w_in, new_in]), torch.cat([b_in, new_bias]))
        layers[layer + 1] = (torch.cat([w_out, zeros], dim=1), b_out.clone())
        return _widened(spec, layers, layer, width)
    picks = torch.randint(0, old, (width - old,), generator=generator)
    source = torch.cat([torch.arange(old), picks])
    copies = torch.bincount(source, minlength=old).to(w_out.dtype)
    new_w_in, new_b_in = w_in[source].clone(), b_in[source].clone()
    if noise and width > old:
        scale = noise * float(w_in.abs().mean())
        shape = (width - old, w_in.shape[1])
        new_w_in[old:] += scale * torch.randn(shape, generator=generator, dtype=w_in.dtype)
        new_b_in[old:] += scale * torch.randn(width - old, generator=generator, dtype=b_in.dtype)
    new_w_out = w_out[:, source] / copies[source]
    layers[layer] = (new_w_in, new_b_in)
    layers[layer + 1] = (new_w_out, b_out.clone())
    return _widened(spec, layers, layer, width)


def _widened(
    spec: MLPSpec, layers: Layers, layer: int, width: int
) -> tuple[MLPSpec, dict[str, torch.Tensor]]:
    hidden = (*spec.hidden[:layer], width, *spec.hidden[layer + 1 :])
    wider = replace(spec, hidden=hidden)
    return wider, _state(wider, layers)


def deepen_state(
    spec: MLPSpec, state: State, after: int
) -> tuple[MLPSpec, dict[str, torch.Tensor]]:
    """``spec`` with an identity hidden layer (as wide as layer ``after``) inserted after
    hidden layer ``after``, and the weights that compute the same function."""
    import torch

    if not 0 <= after < len(spec.hidden):
        raise ValueError(f"no hidden layer {after} in {spec.hidden}; layers count from 0")
    layers = _layers(spec, state)
    width = spec.hidden[after]
    dtype = layers[after][0].dtype
    identity = (torch.eye(width, dtype=dtype), torch.zeros(width, dtype=dtype))
    layers = [(w.clone(), b.clone()) for w, b in layers]
    layers.insert(after + 1, identity)
    hidden = (*spec.hidden[: after + 1], width, *spec.hidden[after + 1 :])
    deeper = replace(spec, hidden=hidden)
    return deeper, _state(deeper, layers)


def _loaded(module: Module) -> dict[str, torch.Tensor]:
    if module.weights is None:
        raise ValueError(
            f"module {module.name!r} has no weights to grow; train it first, or give a fresh "
            f"module the architecture you want"
        )
    from safetensors.torch import load

    return load(module.weights)


def _with_state(module: Module, spec: MLPSpec, state: State) -> Module:
    from safetensors.torch import save

    return replace(module, architecture=spec, weights=save(dict(state)))


def widen(
    module: Module, layer: int, width: int, seed: int, noise: float = 0.0, units: Units = "copy"
) -> Module:
    """A trained ``module`` with hidden layer ``layer`` widened to ``width`` units, giving
    the same outputs (up to rounding; copies with ``noise`` differ slightly); new units
    drawn by ``seed``. See :func:`widen_state`."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    spec, state = widen_state(_mlp(module), _loaded(module), layer, width, generator, noise, units)
    return _with_state(module, spec, state)


def deepen(module: Module, after: int) -> Module:
    """A trained ``module`` with an identity hidden layer inserted after hidden layer
    ``after``, giving the same outputs in evaluation mode."""
    spec, state = deepen_state(_mlp(module), _loaded(module), after)
    return _with_state(module, spec, state)


def _mlp(module: Module) -> MLPSpec:
    if not isinstance(module.architecture, MLPSpec):
        raise ValueError(f"module {module.name!r}: only MLP modules grow")
    return module.architecture


def spec_of(net: torch.nn.Module, dropout: float) -> MLPSpec:
    """The architecture of a network built from an :class:`MLPSpec` with ``dropout``."""
    from torch import nn

    linears = [m for m in net.modules() if isinstance(m, nn.Linear)]
    return MLPSpec(
        linears[0].in_features,
        tuple(m.out_features for m in linears[:-1]),
        linears[-1].out_features,
        dropout,
    )


def carrying(module: Module, net: torch.nn.Module) -> Module:
    """``module`` with ``net``'s architecture (an MLP's may have grown; no other grows)
    and current weights."""
    if not isinstance(module.architecture, MLPSpec):
        return module.with_net(net)
    spec = spec_of(net, module.architecture.dropout)
    return replace(module, architecture=spec, weights=weights_bytes(net))


def grow_step(
    config: GrowthConfig, module: Module, net: torch.nn.Module, seed: int
) -> tuple[torch.nn.Module, str] | None:
    """``net`` (of ``module``) grown one step, as a new network built with ``seed`` (for
    its dropout masks), and what grew; ``None`` when it is at the cap."""
    import torch

    spec = spec_of(net, module.architecture.dropout)
    step = next_step(config, spec)
    if step is None:
        return None
    state: Mapping[str, torch.Tensor] = {k: v.detach() for k, v in net.state_dict().items()}
    grown = spec
    if step[0] == "widen":
        generator = torch.Generator().manual_seed(seed)
        for layer, width in enumerate(step[1]):
            grown, state = widen_state(
                grown, state, layer, width, generator, config.noise, config.units
            )
        verb = "widened"
    else:
        grown, state = deepen_state(grown, state, step[1])
        verb = "deepened"
    new = replace(module, architecture=grown, weights=None).build(seed)
    new.load_state_dict(state)
    return new, f"{module.name} {verb} {spec.hidden} -> {grown.hidden}"


def grow_nets(
    config: GrowthConfig,
    modules: Sequence[tuple[Module, bool]],
    nets: list[torch.nn.Module],
    seed: int,
) -> list[str]:
    """Grow each trainable module's network in ``nets`` one step (replacing it in the
    list) from its current weights; what grew, empty when every one is at its cap."""
    events = []
    for i, (module, trainable) in enumerate(modules):
        growable = trainable and isinstance(module.architecture, MLPSpec)
        grown = grow_step(config, module, nets[i], seed + i) if growable else None
        if grown is not None:
            nets[i], event = grown
            events.append(event)
    return events


@final
class Grower:
    """The growth of one training run's modules: counts epochs whose validation loss is
    not ``tolerance`` (relative) below the best since the last growth, and after
    ``patience`` of them grows every trainable module one step. It also keeps each
    architecture's best weights, so that a grown architecture is kept only when it beat
    every smaller one by ``tolerance``."""

    def __init__(self, config: GrowthConfig, modules: Sequence[tuple[Module, bool]], seed: int):
        self.config, self.modules, self.seed = config, modules, seed
        self.best, self.stale = math.inf, 0
        self.events: list[str] = []
        self.bests: dict[int, tuple[float, list[dict[str, torch.Tensor]]]] = {}

    def grew(self, epoch: int, loss: float, nets: list[torch.nn.Module]) -> bool:
        """Whether the networks in ``nets`` grew (replaced in the list) after ``epoch``
        ended with validation ``loss``."""
        states = [net.state_dict() for net in nets]
        size = _size(states)
        if loss < self.bests.get(size, (math.inf, []))[0]:
            self.bests[size] = (loss, [{k: v.clone() for k, v in s.items()} for s in states])
        if loss < self.best * (1 - self.config.tolerance):
            self.best, self.stale = loss, 0
            return False
        self.stale += 1
        if self.stale < self.config.patience:
            return False
        grown = grow_nets(self.config, self.modules, nets, self.seed + 1000 * epoch)
        self.events += [f"epoch {epoch}: {event}" for event in grown]
        self.best, self.stale = min(self.best, loss), 0
        return bool(grown)

    def kept(
        self, loss: float, states: list[dict[str, torch.Tensor]]
    ) -> tuple[float, list[dict[str, torch.Tensor]]]:
        """The validation loss and weights to keep, given the best ones: the best of the
        smallest architecture whose best loss is within ``tolerance`` of the lowest."""
        lowest = min([loss, *(best for best, _ in self.bests.values())])
        for size in sorted(self.bests):
            best, best_states = self.bests[size]
            if best * (1 - self.config.tolerance) <= lowest:
                return (loss, states) if size == _size(states) else (best, best_states)
        return loss, states


def _size(states: Sequence[State]) -> int:
    return sum(v.numel() for state in states for v in state.values())


def restore(
    modules: Sequence[Module], nets: list[torch.nn.Module], states: Sequence[State], seed: int
) -> None:
    """Load each saved state into its network, rebuilding a network whose architecture
    has grown since the state was saved."""
    for i, (module, state) in enumerate(zip(modules, states, strict=True)):
        current = nets[i].state_dict()
        same = current.keys() == state.keys()
        if same and all(current[k].shape == state[k].shape for k in state):
            nets[i].load_state_dict(state)
            continue
        spec = _spec_from_state(_mlp(module), state)
        nets[i] = replace(module, architecture=spec, weights=None).build(seed + i)
        nets[i].load_state_dict(state)


def _spec_from_state(base: MLPSpec, state: State) -> MLPSpec:
    stride = 3 if base.dropout else 2
    weights = sorted(
        ((int(k.split(".")[0]), v) for k, v in state.items() if k.endswith(".weight")),
        key=lambda kv: kv[0],
    )
    assert all(index == k * stride for k, (index, _) in enumerate(weights))
    shapes = [tuple(w.shape) for _, w in weights]
    return replace(base, hidden=tuple(s[0] for s in shapes[:-1]))
