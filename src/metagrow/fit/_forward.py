"""Modules run with numpy alone: the forward pass of each architecture on its stored
weights, for the interpreter (a trained module is an ordinary primitive) and exports.

The weights are read from the safetensors bytes with ``safetensors.numpy``, so running a
trained module needs no torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from metagrow.fit._module import Architecture, ConvSpec, network_of

FloatArray = npt.NDArray[np.float32]


def load_weights(weights: bytes) -> dict[str, FloatArray]:
    """A module's weights as numpy arrays by their torch names, in name order (so that
    what is built from them, an exported graph say, is the same file every time)."""
    from safetensors.numpy import load

    loaded = load(weights)
    return {k: np.asarray(loaded[k], dtype=np.float32) for k in sorted(loaded)}


def forward(
    architecture: Architecture, weights: Mapping[str, FloatArray], x: FloatArray
) -> FloatArray:
    """The logits of a batch of flat input rows ``x`` (one row per value)."""
    a = network_of(architecture)
    if isinstance(a, ConvSpec):
        return forward_conv(weights, x, (a.height, a.width, a.channels), len(a.filters))
    return forward_dense(weights, x)


def trunk_features(
    architecture: Architecture, weights: Mapping[str, FloatArray], x: FloatArray
) -> FloatArray:
    """What the last Linear layer reads for each row of ``x``: the last hidden layer's
    output (after its ReLU), or the pooled convolutions or the inputs when there is no
    hidden layer."""
    a = network_of(architecture)
    if isinstance(a, ConvSpec):
        image = (a.height, a.width, a.channels)
        return _hidden(weights, _convolved(weights, x, image, len(a.filters)), "dense.")[0]
    return _hidden(weights, x, "")[0]


def forward_dense(weights: Mapping[str, FloatArray], x: FloatArray) -> FloatArray:
    """An MLP's logits for a batch of flat rows ``x``."""
    return _dense(weights, x, "")


def forward_conv(
    weights: Mapping[str, FloatArray], x: FloatArray, image: tuple[int, int, int], convs: int
) -> FloatArray:
    """A CNN's logits for a batch of flat rows ``x``, each an ``image`` (height, width,
    channels) read by ``convs`` convolutions. Like :func:`forward_dense`, a plain function
    of numpy that ``metagrow export`` copies into a module."""
    return _dense(weights, _convolved(weights, x, image, convs), "dense.")


def _convolved(
    weights: Mapping[str, FloatArray], x: FloatArray, image: tuple[int, int, int], convs: int
) -> FloatArray:
    """The flattened output of the convolutions (each with ReLU and 2x2 pooling)."""
    h, w, c = image
    y = x.reshape(-1, h, w, c).transpose(0, 3, 1, 2)
    for i in range(convs):
        y = _pool(np.maximum(_conv(y, weights[f"convs.{i}.weight"], weights[f"convs.{i}.bias"]), 0))
    return y.reshape(len(y), -1)


def _dense(weights: Mapping[str, FloatArray], x: FloatArray, prefix: str) -> FloatArray:
    """Linear layers in the order of their position in a ``Sequential`` (named
    ``<prefix><index>.weight``), with ReLU between them."""
    y, last = _hidden(weights, x, prefix)
    logits = y @ weights[f"{last}.weight"].T + weights[f"{last}.bias"]
    return logits.astype(np.float32, copy=False)


def _hidden(
    weights: Mapping[str, FloatArray], x: FloatArray, prefix: str
) -> tuple[FloatArray, str]:
    """The output of every Linear layer but the last (each with ReLU), and the last's name."""
    layers = sorted(
        int(k[len(prefix) : -len(".weight")])
        for k in weights
        if k.startswith(prefix) and k.endswith(".weight") and k[len(prefix) : -7].isdigit()
    )
    y = x
    for i in layers[:-1]:
        y = np.maximum(y @ weights[f"{prefix}{i}.weight"].T + weights[f"{prefix}{i}.bias"], 0)
    return y.astype(np.float32, copy=False), f"{prefix}{layers[-1]}"


def _conv(x: FloatArray, weight: FloatArray, bias: FloatArray) -> FloatArray:
    """3x3 convolution with zero padding 1 (torch's cross-correlation), NCHW."""
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))
    # windows: N, C, H, W, 3, 3; weight: F, C, 3, 3; one matrix product (N*H*W, C*9) x (C*9, F)
    out = np.tensordot(windows, weight, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    biased: FloatArray = (out + bias[None, :, None, None]).astype(np.float32, copy=False)
    return biased


def _pool(x: FloatArray) -> FloatArray:
    """2x2 max pooling, dropping an odd last row or column as torch does."""
    n, c, h, w = x.shape
    x = x[:, :, : h // 2 * 2, : w // 2 * 2]
    pooled: FloatArray = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
    return pooled


def answers(logits: FloatArray, boolean: bool) -> Sequence[object]:
    """Each row's most likely output: ``logit > 0`` for a bool, else the argmax."""
    if boolean:
        return [bool(v > 0) for v in logits[:, 0].tolist()]
    return [int(i) for i in logits.argmax(axis=1).tolist()]
