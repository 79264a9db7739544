"""The monolithic baseline: one network over the whole input, no program.

Inputs are encoded by their type (ints one-hot, bools as 0/1, other values through the
featurizer, lists padded to the longest list seen with a presence flag per position)
and the network predicts the output directly, trained like a module with the same
examples, early stopping and seed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from metagrow.fit._early import train_early_stopping
from metagrow.fit._evaluate import Featurize
from metagrow.fit._module import MLPSpec
from metagrow.fit._train import Problem, TrainConfig
from metagrow.lang import BOOL, INT, Example, TCon, Type


def _longest(values: Sequence[object]) -> int:
    return max((len(v) for v in values if isinstance(v, tuple)), default=0)


def _encode(
    value: object, t: Type, featurize: Featurize, support: int, slots: int, width: int
) -> list[npt.NDArray[np.float32]]:
    """``value`` as feature vectors; a list fills ``slots`` positions of ``width``
    features (plus a presence flag), padding with zeros."""
    if t == INT:
        assert isinstance(value, int)
        row = np.zeros(support, np.float32)
        row[min(max(value, 0), support - 1)] = 1
        return [row]
    if t == BOOL:
        return [np.array([float(bool(value))], np.float32)]
    if isinstance(t, TCon) and t.name == "list":
        if isinstance(t.args[0], TCon) and t.args[0].name == "list":
            raise ValueError("the monolithic baseline reads lists of values, not nested lists")
        assert isinstance(value, tuple)
        parts: list[npt.NDArray[np.float32]] = []
        for i in range(slots):
            if i < len(value):
                parts.append(np.ones(1, np.float32))
                parts += _encode(value[i], t.args[0], featurize, support, 0, 0)
            else:
                parts.append(np.zeros(1 + width, np.float32))
        return parts
    return [featurize([value])[0]]


def monolithic_accuracy(
    problem: Problem, test: Sequence[Example], config: TrainConfig, seed: int, hidden: int = 128
) -> float:
    """Test accuracy of one MLP trained on ``problem``'s examples to map whole inputs to
    outputs."""
    import torch

    examples = (*problem.train, *problem.validation, *test)
    arg_types = problem.request.arguments()
    slots, widths = [], []
    for i, t in enumerate(arg_types):
        values = [ex.inputs[i] for ex in examples]
        slots.append(_longest(values))
        items = [v for value in values if isinstance(value, tuple) for v in value]
        elem = t.args[0] if isinstance(t, TCon) and t.name == "list" else t
        sample = _encode(items[0], elem, problem.featurize, config.support, 0, 0) if items else []
        widths.append(sum(p.size for p in sample))

    def matrix(rows: Sequence[Example]) -> torch.Tensor:
        encoded = [
            np.concatenate(
                [
                    part
                    for value, t, n, w in zip(ex.inputs, arg_types, slots, widths, strict=True)
                    for part in _encode(value, t, problem.featurize, config.support, n, w)
                ]
            )
            for ex in rows
        ]
        return torch.from_numpy(np.stack(encoded))

    is_bool = problem.request.returns() == BOOL

    def targets(rows: Sequence[Example]) -> torch.Tensor:
        if is_bool:
            return torch.tensor([float(bool(ex.output)) for ex in rows])
        return torch.tensor([min(int(ex.output), config.support - 1) for ex in rows])  # type: ignore[call-overload]

    x_train, y_train = matrix(problem.train), targets(problem.train)
    x_val, y_val = matrix(problem.validation), targets(problem.validation)
    outputs = 1 if is_bool else config.support
    net = MLPSpec(x_train.shape[1], (hidden,), outputs, 0.1).build(
        torch.Generator().manual_seed(seed)
    )

    def loss_of(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        out = net(x)
        if is_bool:
            return torch.nn.functional.binary_cross_entropy_with_logits(out[:, 0], y)
        return torch.nn.functional.cross_entropy(out, y)

    train_early_stopping(
        net,
        range(len(problem.train)),
        lambda rows: loss_of(x_train[list(rows)], y_train[list(rows)]),
        lambda: loss_of(x_val, y_val),
        config,
        config.lr,
        seed,
        keep_initial=False,
    )
    with torch.no_grad():
        out = net(matrix(test))
        predicted = (out[:, 0] > 0).float() if is_bool else out.argmax(dim=1)
    return float((predicted == targets(test)).float().mean())
