"""Perceptual values in an exported module: plain functions of numpy that read a tensor or
an image from its task-file JSON form and write it back.

``metagrow export --to python`` copies them into the module (see
:meth:`PerceptionDomain.codecs`), where a tensor is a read-only float32 numpy array, the
array a :class:`~metagrow.domains.Tensor` holds in the interpreter. They read what the
interpreter reads, nested lists and ``{"file": "x.npy"}``, but not image files: those need
Pillow, which an exported module does not import.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]


def decode_tensor(value: object, shape: Sequence[int]) -> Array:
    """A ``tensor[...]`` of ``shape`` from its task-file JSON form."""
    return read_perceptual(value, shape, "tensor")


def decode_image(value: object, shape: Sequence[int]) -> Array:
    """An ``image[...]`` of ``shape`` from its task-file JSON form."""
    return read_perceptual(value, shape, "image")


def encode_tensor(value: Array) -> object:
    """A tensor in its task-file form: nested lists of floats."""
    return value.tolist()


def encode_image(value: Array) -> object:
    """An image in its task-file form: nested lists of floats."""
    return value.tolist()


def read_perceptual(value: object, shape: Sequence[int], kind: str) -> Array:
    """The read-only float32 array of ``shape`` that ``value`` (nested lists, or ``{"file":
    path}`` naming a ``.npy`` file) holds; ``ValueError`` with one line if it holds none."""
    named = f"{kind}[{','.join(str(d) for d in shape)}]"
    if isinstance(value, dict):
        path = value.get("file")
        if set(value) != {"file"} or not isinstance(path, str):
            raise ValueError(f'expected {{"file": "path"}} or nested lists for {named}')
        if not path.lower().endswith(".npy"):
            raise ValueError(
                f"{path}: an exported module reads .npy files and nested lists, not image "
                "files (they need Pillow, which it does not import)"
            )
        try:
            array = np.asarray(np.load(path, allow_pickle=False), dtype=np.float32)
        except (OSError, ValueError) as err:
            raise ValueError(f"{path}: not a readable .npy array ({err})") from None
    elif isinstance(value, list):
        try:
            array = np.array(value, dtype=np.float32)
        except (ValueError, TypeError):
            raise ValueError(f"expected nested lists of numbers for {named}") from None
    else:
        raise ValueError(f'expected nested lists of numbers or {{"file": "path"}} for {named}')
    if tuple(array.shape) != tuple(shape):
        raise ValueError(f"expected {named}, got an array of shape {tuple(array.shape)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{named} must hold finite numbers")
    array.setflags(write=False)
    return array
