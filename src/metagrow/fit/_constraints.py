"""Constraints on the inner nodes of a program: what a task may say about the value a
module computes inside the program, besides the program's final outputs.

- **labels**: the module's output on given values (say, the digit shown by some of the
  images in a summed list), a cross-entropy loss on those values;
- **invariant**: the module's output does not change when its input is flipped, rotated
  or transposed, a consistency loss between the two output distributions;
- **monotone**: the module's expected output does not decrease (or increase) when one
  input feature grows, a hinge loss on the difference.

Each becomes an auxiliary loss added, with ``weight``, to every training step of the
trainable modules whose type fits. The end task's validation loss, which ranks
candidates, is unchanged. Every module's output is already a distribution over its
classes (a softmax), so "sums to one" holds by construction and needs no loss.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, final

import numpy as np
import numpy.typing as npt

from metagrow.domains import SYMMETRIES, Tensor
from metagrow.fit._evaluate import Featurize
from metagrow.fit._module import Module
from metagrow.lang import BOOL

if TYPE_CHECKING:
    import torch

_STEP = 0.25
"""How much a monotone feature is raised to compare outputs."""


class ConstraintError(ValueError):
    """A constraint a task declares that cannot be used (one line)."""


@final
@dataclass(frozen=True, slots=True)
class Constraints:
    """What a task says about its module's output: ``labels`` (value, output) pairs,
    symmetries it is ``invariant`` under, ``monotone`` (feature index, increasing)
    pairs, and the ``weight`` of these losses against the end task's."""

    labels: tuple[tuple[object, object], ...] = ()
    invariant: tuple[str, ...] = ()
    monotone: tuple[tuple[int, bool], ...] = ()
    weight: float = 1.0
    held: tuple[tuple[object, object], ...] = ()
    """Labels kept out of training, whose loss joins the validation loss."""

    def split(self, share: float, seed: int) -> Constraints:
        """These constraints with a seeded ``share`` of the labels held out (none when
        there are fewer than five)."""
        if len(self.labels) < 5:
            return self
        order = list(self.labels)
        random.Random(f"{seed}:inner").shuffle(order)
        n = max(1, round(len(order) * share))
        return replace(self, labels=tuple(order[n:]), held=tuple(order[:n]))

    def __post_init__(self) -> None:
        unknown = [s for s in self.invariant if s not in SYMMETRIES]
        if unknown:
            raise ConstraintError(
                f"unknown symmetry {unknown[0]!r}; choose from {', '.join(SYMMETRIES)}"
            )
        if any(i < 0 for i, _ in self.monotone):
            raise ConstraintError("a monotone feature index must be non-negative")
        if not self.weight >= 0:
            raise ConstraintError(f"the constraints' weight must be >= 0, got {self.weight}")

    def __bool__(self) -> bool:
        return bool(self.labels or self.invariant or self.monotone)


def auxiliary_loss(
    constraints: Constraints,
    modules: Sequence[tuple[Module, bool]],
    nets: Sequence[torch.nn.Module],
    values: Sequence[Sequence[object]],
    featurize: Featurize,
) -> torch.Tensor | None:
    """The constraints' loss for the trainable modules, on ``values[i]``, the values of
    module ``i``'s input type in the current batch (for the symmetry and monotonicity
    losses); ``None`` when no constraint applies."""
    import torch

    terms: list[torch.Tensor] = []
    for (module, trainable), net, seen in zip(modules, nets, values, strict=True):
        if not trainable:
            continue
        boolean = module.type.returns() == BOOL
        labelled = [(v, y) for v, y in constraints.labels if _fits(y, boolean)]
        if labelled:
            logits = _logits(net, [v for v, _ in labelled], featurize)
            terms.append(_label_loss(logits, [y for _, y in labelled], boolean))
        if seen and (constraints.invariant or constraints.monotone):
            base = _distribution(_logits(net, seen, featurize), boolean)
            for name in constraints.invariant:
                moved = [_transformed(v, SYMMETRIES[name]) for v in seen]
                other = _distribution(_logits(net, moved, featurize), boolean)
                terms.append(((base - other) ** 2).sum(dim=1).mean())
            for feature, increasing in constraints.monotone:
                x = torch.from_numpy(featurize(seen))
                if feature >= x.shape[1]:
                    raise ConstraintError(
                        f"monotone feature {feature} is past the {x.shape[1]} features"
                    )
                raised = x.clone()
                raised[:, feature] += _STEP
                after = _distribution(net(raised), boolean)
                gap = _expected(after) - _expected(base)
                terms.append(torch.relu(-gap if increasing else gap).mean())
    if not terms:
        return None
    return constraints.weight * torch.stack(terms).sum()


def held_loss(
    constraints: Constraints,
    modules: Sequence[Module],
    nets: Sequence[torch.nn.Module],
    featurize: Featurize,
) -> torch.Tensor | None:
    """The loss of every module (trained or not) on the held-out labels its type fits."""
    import torch

    terms = []
    for module, net in zip(modules, nets, strict=True):
        boolean = module.type.returns() == BOOL
        labelled = [(v, y) for v, y in constraints.held if _fits(y, boolean)]
        if labelled:
            logits = _logits(net, [v for v, _ in labelled], featurize)
            terms.append(_label_loss(logits, [y for _, y in labelled], boolean))
    return constraints.weight * torch.stack(terms).sum() if terms else None


def _fits(label: object, boolean: bool) -> bool:
    return (
        isinstance(label, bool)
        if boolean
        else isinstance(label, int) and not isinstance(label, bool)
    )


def _logits(net: torch.nn.Module, values: Sequence[object], featurize: Featurize) -> torch.Tensor:
    import torch

    out: torch.Tensor = net(torch.from_numpy(featurize(values)))
    return out


def _label_loss(logits: torch.Tensor, labels: Sequence[object], boolean: bool) -> torch.Tensor:
    import torch
    import torch.nn.functional as F

    if boolean:
        target = torch.tensor([float(bool(y)) for y in labels])
        return F.binary_cross_entropy_with_logits(logits[:, 0], target)
    target = torch.tensor([int(y) for y in labels])  # type: ignore[call-overload]
    keep = target < logits.shape[1]
    if not bool(keep.any()):
        raise ConstraintError(f"inner labels exceed the module's {logits.shape[1]} classes")
    return F.cross_entropy(logits[keep], target[keep])


def _distribution(logits: torch.Tensor, boolean: bool) -> torch.Tensor:
    import torch

    if boolean:
        p = torch.sigmoid(logits[:, :1])
        return torch.cat([1 - p, p], dim=1)
    return torch.softmax(logits, dim=1)


def _expected(p: torch.Tensor) -> torch.Tensor:
    import torch

    return (p * torch.arange(p.shape[1], dtype=p.dtype)).sum(dim=1)


def _transformed(
    value: object, transform: Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]]
) -> object:
    if not isinstance(value, Tensor):
        raise ConstraintError("symmetries apply to tensor and image values only")
    return Tensor(np.ascontiguousarray(transform(value.array)))


def task_constraints(metadata: Mapping[str, object]) -> Constraints:
    """The constraints a task's metadata holds, as the perception domain reads them from
    a task file's ``inner`` and ``properties`` fields (none if absent)."""
    inner = metadata.get("inner", ())
    props = metadata.get("properties", {})
    assert isinstance(inner, tuple) and isinstance(props, Mapping)
    invariant = props.get("invariant", [])
    monotone = props.get("monotone", [])
    assert isinstance(invariant, list) and isinstance(monotone, list)
    return Constraints(
        labels=tuple(inner),
        invariant=tuple(str(s) for s in invariant),
        monotone=tuple(
            (int(m["feature"]), m.get("direction", "increasing") == "increasing") for m in monotone
        ),
        weight=float(props.get("weight", 1.0)),
    )
