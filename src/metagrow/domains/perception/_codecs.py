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

from metagrow.domains._tensor import perceptual_array

Array = npt.NDArray[np.float32]


def decode_tensor(value: object, shape: Sequence[int]) -> Array:
    """A ``tensor[...]`` of ``shape`` from its task-file JSON form."""
    return perceptual_array(value, shape, "tensor", read_npy)


def decode_image(value: object, shape: Sequence[int]) -> Array:
    """An ``image[...]`` of ``shape`` from its task-file JSON form."""
    return perceptual_array(value, shape, "image", read_npy)


def encode_tensor(value: Array) -> object:
    """A tensor in its task-file form: nested lists of floats."""
    return value.tolist()


def encode_image(value: Array) -> object:
    """An image in its task-file form: nested lists of floats."""
    return value.tolist()


def read_npy(path: str, shape: Sequence[int]) -> Array:
    """The array in a ``.npy`` file; ``ValueError`` for any other file (an image file needs
    Pillow, which an exported module does not import)."""
    if not path.lower().endswith(".npy"):
        raise ValueError(
            f"{path}: an exported module reads .npy files and nested lists, not image "
            "files (they need Pillow, which it does not import)"
        )
    try:
        return np.asarray(np.load(path, allow_pickle=False), dtype=np.float32)
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: not a readable .npy array ({err})") from None
