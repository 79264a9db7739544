"""The torch guide: task-conditioned production weights from :class:`GuideNet`, and its
round trip through plain data (architecture JSON + safetensors bytes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import final

import numpy as np
import torch
from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from metagrow.guide._base import Guide, GuideData
from metagrow.guide._model import GuideNet, make_net
from metagrow.lang import Grammar, GrammarSpec, Task, grammar_spec

_BATCH = 64


@final
class NeuralGuide(Guide):
    """Adds the model's per-task output to each production's library log-weight (matched by
    name; productions the model does not know keep their weight) and to the variables'."""

    def __init__(
        self, net: GuideNet, architecture: Mapping[str, object], training: Mapping[str, object]
    ) -> None:
        productions = architecture["productions"]
        assert isinstance(productions, list)
        self.net = net.eval()
        self.architecture = dict(architecture)
        self.training = dict(training)
        self.columns = {str(name): j for j, name in enumerate(productions)}
        self.scale = _float(architecture, "scale", 1.0)

    def deltas(self, tasks: Sequence[Task]) -> np.ndarray:
        """The model's output per task: one row per task, the variables' change last."""
        rows: list[np.ndarray] = []
        with torch.no_grad():
            for start in range(0, len(tasks), _BATCH):
                enc = self.net.encoder.encode(tasks[start : start + _BATCH])
                rows.append(self.scale * self.net(enc).numpy())
        return np.concatenate(rows) if rows else np.zeros((0, len(self.columns) + 1))

    def spec_for(self, task: Task, grammar: Grammar) -> GrammarSpec:
        return self.specs_for([task], grammar)[task.name]

    def specs_for(self, tasks: Sequence[Task], grammar: Grammar) -> dict[str, GrammarSpec]:
        base = grammar_spec(grammar)
        out: dict[str, GrammarSpec] = {}
        for task, row in zip(tasks, self.deltas(tasks), strict=True):
            weights = tuple(
                (name, w + float(row[self.columns[name]]) if name in self.columns else w)
                for name, w in base.weights
            )
            out[task.name] = GrammarSpec(
                weights, base.inventions, base.log_variable + float(row[-1])
            )
        return out

    def data(self) -> GuideData:
        state = {k: v.contiguous() for k, v in self.net.state_dict().items()}
        return GuideData(self.architecture, save_tensors(state), self.training)

    @staticmethod
    def from_data(data: GuideData) -> NeuralGuide:
        """Rebuild a guide saved with :meth:`data`; ``ValueError`` if the data do not fit."""
        arch = data.architecture
        productions = arch.get("productions")
        if arch.get("model") != "unigram" or not isinstance(productions, list):
            raise ValueError("guide architecture: expected a unigram model with productions")
        net = make_net(
            str(arch["encoder"]),
            len(productions) + 1,
            _int(arch, "embed"),
            _int(arch, "hidden"),
            _int(arch, "max_tokens"),
            features=bool(arch.get("features", False)),
        )
        try:
            net.load_state_dict(load_tensors(data.weights))
        except (RuntimeError, KeyError) as err:
            raise ValueError(f"guide weights do not fit the architecture: {err}") from None
        return NeuralGuide(net, arch, data.training)


def architecture(
    encoder: str,
    grammar: Grammar,
    embed: int,
    hidden: int,
    max_tokens: int,
    features: bool = False,
    scale: float = 1.0,
) -> dict[str, object]:
    """The JSON that, with the weights, rebuilds a guide for ``grammar``'s productions;
    ``scale`` multiplies the model's output (0 gives back the library)."""
    return {
        "model": "unigram",
        "encoder": encoder,
        "embed": embed,
        "hidden": hidden,
        "max_tokens": max_tokens,
        "features": features,
        "scale": scale,
        "productions": [p.label for p in grammar.productions],
    }


def _int(arch: Mapping[str, object], key: str) -> int:
    value = arch.get(key)
    if not isinstance(value, int):
        raise ValueError(f"guide architecture: {key!r} must be an int, got {value!r}")
    return value


def _float(arch: Mapping[str, object], key: str, default: float) -> float:
    value = arch.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"guide architecture: {key!r} must be a number, got {value!r}")
    return float(value)
