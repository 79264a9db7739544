"""A fast retraining head: a trained module's trunk kept frozen, a new last layer fitted
on its features by L2-regularised logistic regression, so that a new category is learned
from a few examples in well under a second.

The adapted module has a :class:`~metagrow.fit.HeadSpec` architecture: the trunk's
network with a new last Linear layer under the old one's name, so its weights are the
trunk's plus the head's, and it trains, runs with numpy and joins a library like any
module. A store keeps only the head's tensors (:func:`head_weights`) and finds the trunk
by name when loading (:func:`join_trunk`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import final

import numpy as np

from metagrow.fit._forward import FloatArray, load_weights, trunk_features
from metagrow.fit._library import features
from metagrow.fit._module import ConvSpec, HeadSpec, MLPSpec, Module
from metagrow.lang import BOOL, INT, arrow


@final
@dataclass(frozen=True, slots=True)
class HeadConfig:
    """How a head is fitted: the L2 penalty on its weights (``l2 / 2 * |W|^2`` added to
    the mean log-loss; the bias is not penalised), at most ``max_iter`` L-BFGS steps, and
    whether each class weighs the same in the loss however many examples it has
    (``balanced``: each example weighted by ``n / (classes * examples of its class)``)."""

    l2: float = 1e-3
    max_iter: int = 500
    balanced: bool = False

    def __post_init__(self) -> None:
        if self.l2 < 0 or self.max_iter < 1:
            raise ValueError(f"l2 must be >= 0 and max_iter >= 1, got {self}")


def adapt_head(
    module: Module,
    values: Sequence[object],
    labels: Sequence[int | bool],
    name: str,
    *,
    seed: int,
    config: HeadConfig,
) -> Module:
    """A new module ``name`` reading what ``module`` reads: ``module``'s trunk frozen, and
    a new last layer fitted on its features of ``values`` to ``labels``. Bool labels give
    a ``-> bool`` module (one logit); int labels ``0 .. k-1`` a ``-> int`` module of ``k``
    classes (``k`` is the largest label plus one, whatever ``module``'s outputs). The fit
    is convex and starts from zero, so it draws nothing: ``seed`` is accepted for the
    trainers' common signature. ``ValueError`` for an untrained module, mismatched
    lengths, labels of mixed kinds or of one class only."""
    del seed
    if module.weights is None:
        raise ValueError(f"module {module.name!r} is untrained; only a trained trunk adapts")
    if len(values) != len(labels) or not values:
        raise ValueError(f"need as many labels as values, and some: {len(values)}, {len(labels)}")
    boolean = all(isinstance(v, bool) for v in labels)
    if not boolean and not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= 0 for v in labels
    ):
        raise ValueError("labels must be all booleans or all non-negative ints")
    y = np.asarray([int(v) for v in labels], dtype=np.int64)
    if len(set(y.tolist())) < 2:
        raise ValueError("a head needs examples of at least two classes")
    architecture = module.architecture
    trunk, trunk_name = (
        (architecture.trunk, architecture.trunk_name)
        if isinstance(architecture, HeadSpec)
        else (architecture, module.name)
    )
    weights = load_weights(module.weights)
    x = trunk_features(architecture, weights, features(values)).astype(np.float64)
    outputs = 1 if boolean else int(y.max()) + 1
    w, b = _fit_logistic(x, y, outputs, config)
    head = HeadSpec(trunk, trunk_name, outputs)
    last = last_layer(trunk)
    tensors = {k: v for k, v in weights.items() if not k.startswith(f"{last}.")}
    tensors[f"{last}.weight"] = w.astype(np.float32)
    tensors[f"{last}.bias"] = b.astype(np.float32)
    new_type = arrow(module.type.arguments()[0], BOOL if boolean else INT)
    return Module(name, new_type, head, _save(tensors))


def last_layer(spec: MLPSpec | ConvSpec | HeadSpec) -> str:
    """The name of a network's last Linear layer (its tensors are ``<name>.weight`` and
    ``<name>.bias``): its index in the ``Sequential`` of the dense layers, where each
    hidden layer is a Linear, a ReLU and a dropout if any."""
    if isinstance(spec, HeadSpec):
        spec = spec.trunk
    index = len(spec.hidden) * (3 if spec.dropout else 2)
    return f"dense.{index}" if isinstance(spec, ConvSpec) else str(index)


def head_weights(module: Module) -> bytes:
    """The tensors of ``module``'s last layer alone, as safetensors bytes."""
    if module.weights is None:
        raise ValueError(f"module {module.name!r} is untrained")
    last = f"{last_layer(module.architecture)}."
    return _save({k: v for k, v in load_weights(module.weights).items() if k.startswith(last)})


def trunk_shared(module: Module, trunk: bytes) -> bool:
    """Whether ``module``'s tensors other than its last layer are exactly those of the
    trunk weights ``trunk`` (not so once fine-tuning has moved them)."""
    if module.weights is None:
        return False
    last = f"{last_layer(module.architecture)}."
    mine = {k: v for k, v in load_weights(module.weights).items() if not k.startswith(last)}
    theirs = {k: v for k, v in load_weights(trunk).items() if not k.startswith(last)}
    return mine.keys() == theirs.keys() and all(np.array_equal(mine[k], theirs[k]) for k in mine)


def has_trunk(architecture: HeadSpec, weights: bytes) -> bool:
    """Whether ``weights`` hold the trunk's tensors too, not only the head's."""
    last = f"{last_layer(architecture)}."
    return any(not k.startswith(last) for k in load_weights(weights))


def join_trunk(architecture: HeadSpec, head: bytes, trunk: bytes) -> bytes:
    """A head module's whole weights: the trunk's (from ``trunk``, its module's weights)
    with the last layer's replaced by ``head``'s."""
    last = f"{last_layer(architecture)}."
    tensors = {k: v for k, v in load_weights(trunk).items() if not k.startswith(last)}
    tensors.update(load_weights(head))
    return _save(tensors)


def _save(tensors: dict[str, FloatArray]) -> bytes:
    from safetensors.numpy import save

    return save({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()})


def _fit_logistic(
    x: np.ndarray, y: np.ndarray, outputs: int, config: HeadConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(outputs, d)`` and biases of logistic regression from ``x`` to ``y``:
    one logit (sigmoid) when ``outputs`` is 1, else a softmax over ``outputs`` classes
    (a class with no example gets zero weights and a bias far below the others)."""
    from scipy.optimize import minimize
    from scipy.special import expit, log_expit, logsumexp, softmax
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    n, d = x.shape
    binary = outputs == 1
    classes = [0] if binary else sorted(set(y.tolist()))
    k = len(classes)
    target = (
        y.astype(np.float64)[:, None]
        if binary
        else (y[:, None] == np.asarray(classes)[None, :]).astype(np.float64)
    )

    weight = np.full((n, 1), 1.0 / n)
    if config.balanced:
        present, counts = np.unique(y, return_inverse=False, return_counts=True)
        share = dict(zip(present.tolist(), counts.tolist(), strict=True))
        weight = np.asarray([[1.0 / (len(share) * share[v])] for v in y.tolist()])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[: k * d].reshape(k, d), theta[k * d :]
        z = x @ w.T + b
        if binary:
            value = -(weight * (target * log_expit(z) + (1 - target) * log_expit(-z))).sum()
            residual = weight * (expit(z) - target)
        else:
            value = (weight[:, 0] * (logsumexp(z, axis=1) - (z * target).sum(axis=1))).sum()
            residual = weight * (softmax(z, axis=1) - target)
        value += 0.5 * config.l2 * float((w * w).sum())
        grad_w = residual.T @ x + config.l2 * w
        return float(value), np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    # BLAS threads only slow so small a problem down (15-fold on a busy 2-core machine).
    with threadpool_limits(1):
        found = minimize(
            loss,
            np.zeros(k * (d + 1)),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": config.max_iter},
        )
    w_fit, b_fit = found.x[: k * d].reshape(k, d), found.x[k * d :]
    if binary:
        return w_fit, b_fit
    weight, bias = np.zeros((outputs, d)), np.full(outputs, b_fit.min() - 30.0)
    weight[classes], bias[classes] = w_fit, b_fit
    return weight, bias
