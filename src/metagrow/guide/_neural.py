"""The torch guide: task-conditioned production weights from :class:`GuideNet`, and its
round trip through plain data (architecture JSON + safetensors bytes).

The architecture names its ``model``: ``unigram`` (one weight change per production) or
``contextual`` (also one per production at each of its ``contexts``, the slots it knows).
An ensemble says how many ``members`` it has and each one's output scale (``scales``);
its weights are the members' under the prefixes ``0.``, ``1.``, ...; a single model has
one ``scale`` and unprefixed weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import final

import numpy as np
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from metagrow.guide._base import Guide, GuideData
from metagrow.guide._model import GuideNet, make_net
from metagrow.lang import ROOT, ContextSpec, Grammar, GrammarSpec, Slot, Task, grammar_spec

_BATCH = 64
_MODELS = ("unigram", "contextual")


@final
class NeuralGuide(Guide):
    """Adds the model's per-task output to each production's library log-weight (matched by
    name; productions the model does not know keep their weight) and to the variables';
    a contextual model also gives each slot it knows its own weights. An ensemble's
    output is the mean of its members' (each times its own scale)."""

    def __init__(
        self,
        nets: Sequence[GuideNet],
        architecture: Mapping[str, object],
        training: Mapping[str, object],
    ) -> None:
        productions = architecture["productions"]
        assert isinstance(productions, list) and nets
        self.nets = [net.eval() for net in nets]
        self.architecture = dict(architecture)
        self.training = dict(training)
        self.columns = {str(name): j for j, name in enumerate(productions)}
        self.contexts = _contexts(architecture)
        self.scales = _scales(architecture, len(nets))

    def deltas(self, tasks: Sequence[Task]) -> np.ndarray:
        """The model's output per task, ``[tasks, 1 + contexts, productions + 1]``: row 0
        for every hole, row ``1 + c`` for holes of ``self.contexts[c]``; the variables'
        change last."""
        rows: list[np.ndarray] = []
        with torch.no_grad():
            for start in range(0, len(tasks), _BATCH):
                enc = self.nets[0].encoder.encode(tasks[start : start + _BATCH])
                outs = [s * net(enc) for s, net in zip(self.scales, self.nets, strict=True)]
                rows.append(torch.stack(outs).mean(0).numpy())
        if not rows:
            return np.zeros((0, 1 + len(self.contexts), len(self.columns) + 1))
        return np.concatenate(rows)

    def spec_for(self, task: Task, grammar: Grammar) -> GrammarSpec:
        return self.specs_for([task], grammar)[task.name]

    def specs_for(self, tasks: Sequence[Task], grammar: Grammar) -> dict[str, GrammarSpec]:
        base = grammar_spec(grammar)
        parents = {p.label for p in grammar.productions} | {ROOT[0]}
        known = [(j, slot) for j, slot in enumerate(self.contexts) if slot[0] in parents]
        out: dict[str, GrammarSpec] = {}
        for task, delta in zip(tasks, self.deltas(tasks), strict=True):
            contexts = tuple(
                ContextSpec(
                    parent, argument, self._shifted(base, delta[1 + j]),
                    base.log_variable + float(delta[1 + j, -1]),
                )
                for j, (parent, argument) in known
            )  # fmt: skip
            out[task.name] = GrammarSpec(
                self._shifted(base, delta[0]),
                base.inventions,
                base.log_variable + float(delta[0, -1]),
                contexts,
                base.learned,
            )
        return out

    def _shifted(self, base: GrammarSpec, row: np.ndarray) -> tuple[tuple[str, float], ...]:
        return tuple(
            (name, w + float(row[self.columns[name]]) if name in self.columns else w)
            for name, w in base.weights
        )

    def data(self) -> GuideData:
        prefix = len(self.nets) > 1
        state = {
            f"{k}.{name}" if prefix else name: value.contiguous()
            for k, net in enumerate(self.nets)
            for name, value in net.state_dict().items()
        }
        return GuideData(self.architecture, save_tensors(state), self.training)

    @staticmethod
    def from_data(data: GuideData) -> NeuralGuide:
        """Rebuild a guide saved with :meth:`data`; ``ValueError`` if the data do not fit."""
        arch = data.architecture
        productions = arch.get("productions")
        if arch.get("model") not in _MODELS or not isinstance(productions, list):
            raise ValueError(
                "guide architecture: expected a unigram or contextual model with productions"
            )
        members = _int(arch, "members") if "members" in arch else 1
        if members < 1:
            raise ValueError(f"guide architecture: 'members' must be positive, got {members}")
        nets = [
            make_net(
                str(arch["encoder"]),
                len(productions) + 1,
                _int(arch, "embed"),
                _int(arch, "hidden"),
                _int(arch, "max_tokens"),
                features=bool(arch.get("features", False)),
                contexts=len(_contexts(arch)),
                generator=torch.Generator(),  # the stored weights replace what it draws
            )
            for _ in range(members)
        ]
        try:
            state = load_tensors(data.weights)
            for k, net in enumerate(nets):
                mine = state if members == 1 else _prefixed(state, f"{k}.")
                net.load_state_dict(mine)
        except (RuntimeError, KeyError) as err:
            raise ValueError(f"guide weights do not fit the architecture: {err}") from None
        return NeuralGuide(nets, arch, data.training)


def ensemble(members: Sequence[GuideData], seconds: float) -> GuideData:
    """One guide from separately trained ``members`` of the same architecture: their mean
    output; its training record keeps each member's, their fantasies in all and the
    ``seconds`` all took."""
    first = {k: v for k, v in members[0].architecture.items() if k != "scale"}
    for m in members[1:]:
        if {k: v for k, v in m.architecture.items() if k != "scale"} != first:
            raise ValueError("ensemble members must share one architecture")
    guides = [NeuralGuide.from_data(m) for m in members]
    arch = {**first, "members": len(members), "scales": [g.scales[0] for g in guides]}
    counts = [m.training.get("fantasies") for m in members]
    training = {
        "seed": members[0].training.get("seed"),
        "replays": members[0].training.get("replays"),
        "fantasies": sum(c for c in counts if isinstance(c, int)),
        "seconds": seconds,
        "members": [dict(m.training) for m in members],
    }
    return NeuralGuide([g.nets[0] for g in guides], arch, training).data()


def model_slots(grammar: Grammar) -> list[Slot]:
    """The slots a contextual model gives rows of their own: the program's body and every
    argument of every production."""
    return [ROOT] + [
        (p.label, i) for p in grammar.productions for i in range(len(p.type.arguments()))
    ]


def architecture(
    encoder: str,
    grammar: Grammar,
    embed: int,
    hidden: int,
    max_tokens: int,
    features: bool = False,
    scale: float = 1.0,
    contexts: Sequence[Slot] | None = None,
) -> dict[str, object]:
    """The JSON that, with the weights, rebuilds a guide for ``grammar``'s productions
    (and, for a contextual model, its ``contexts``); ``scale`` multiplies the model's
    output (0 gives back the library)."""
    out: dict[str, object] = {
        "model": "unigram" if contexts is None else "contextual",
        "encoder": encoder,
        "embed": embed,
        "hidden": hidden,
        "max_tokens": max_tokens,
        "features": features,
        "scale": scale,
        "productions": [p.label for p in grammar.productions],
    }
    if contexts is not None:
        out["contexts"] = [[parent, argument] for parent, argument in contexts]
    return out


def _contexts(arch: Mapping[str, object]) -> list[Slot]:
    if arch.get("model") != "contextual":
        return []
    raw = arch.get("contexts")
    if not isinstance(raw, list):
        raise ValueError("guide architecture: a contextual model needs a list of contexts")
    out: list[Slot] = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
            raise ValueError(f"guide architecture: a context must be [parent, argument]: {item!r}")
        if not isinstance(item[1], int):
            raise ValueError(f"guide architecture: a context must be [parent, argument]: {item!r}")
        out.append((item[0], item[1]))
    return out


def _prefixed(state: Mapping[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    return {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}


def _scales(arch: Mapping[str, object], members: int) -> list[float]:
    """Each member's output scale: an ensemble's ``scales``, a single model's ``scale``."""
    if "members" not in arch:
        return [_float(arch, "scale", 1.0)]
    raw = arch.get("scales")
    if not (isinstance(raw, list) and len(raw) == members):
        raise ValueError(f"guide architecture: 'scales' must list {members} numbers")
    return [_number("scales", v) for v in raw]


def _int(arch: Mapping[str, object], key: str) -> int:
    value = arch.get(key)
    if not isinstance(value, int):
        raise ValueError(f"guide architecture: {key!r} must be an int, got {value!r}")
    return value


def _float(arch: Mapping[str, object], key: str, default: float) -> float:
    return _number(key, arch.get(key, default))


def _number(key: str, value: object) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"guide architecture: {key!r} must be a number, got {value!r}")
    return float(value)
