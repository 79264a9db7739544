"""Perceptual values: tensors and images, read from task files.

A :class:`Tensor` is an immutable array of floats with a shape, hashable by its contents,
so that programs, examples and modules' per-batch caches treat it like any other value.
Types name the shape: ``tensor[3]`` is three floats, ``image[8,8]`` a grey-level image of
8 rows and 8 columns with values in ``[0, 1]``, ``image[32,32,3]`` a colour image. In a
task file a value is nested lists of numbers, or ``{"file": "path"}`` naming a ``.npy``
file or an image file (PNG, JPEG, ...; read with Pillow), relative to the task file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import final

import numpy as np
import numpy.typing as npt

from metagrow.lang import TCon, Type, shape_of

PERCEPTUAL = frozenset({"tensor", "image"})
"""The constructors of perceptual types."""


SYMMETRIES: Mapping[str, Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]]] = {
    "flip_horizontal": lambda a: a[:, ::-1] if a.ndim >= 2 else a[::-1],
    "flip_vertical": lambda a: a[::-1],
    "rotate_180": lambda a: a[::-1, ::-1] if a.ndim >= 2 else a[::-1],
    "transpose": lambda a: np.swapaxes(a, 0, 1) if a.ndim >= 2 else a,
    "reverse": lambda a: a[::-1],
}
"""Symmetries of a tensor's values (rows first), by the names task files use."""


class PerceptionError(ValueError):
    """A perceptual value that cannot be read or has the wrong shape (one line)."""


@final
class Tensor:
    """An immutable float32 array, equal to another with the same shape and values."""

    __slots__ = ("_array", "_hash")

    def __init__(self, array: npt.ArrayLike) -> None:
        data = np.array(array, dtype=np.float32)
        data.setflags(write=False)
        self._array = data
        self._hash = hash((data.shape, data.tobytes()))

    @property
    def array(self) -> npt.NDArray[np.float32]:
        """The values (read-only)."""
        return self._array

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._array.shape)

    def features(self) -> npt.NDArray[np.float32]:
        """The values as one flat row: what a module reads."""
        return self._array.reshape(-1)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Tensor)
            and self._hash == other._hash
            and self._array.shape == other._array.shape
            and bool(np.array_equal(self._array, other._array))
        )

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape}, mean={float(self._array.mean()):.3g})"

    def __reduce__(self) -> tuple[type[Tensor], tuple[npt.NDArray[np.float32]]]:
        return Tensor, (np.array(self._array),)


def perceptual_shape(t: Type) -> tuple[int, ...] | None:
    """The shape of a ``tensor[...]`` or ``image[...]`` type, else ``None``."""
    if isinstance(t, TCon) and t.name in PERCEPTUAL:
        return shape_of(t)
    return None


def perceptual_parts(t: Type) -> list[Type]:
    """The perceptual types inside ``t`` (arguments, results, list items), in order."""
    if perceptual_shape(t) is not None:
        return [t]
    if isinstance(t, TCon):
        return [p for a in t.args for p in perceptual_parts(a)]
    return []


def decode_tensor(value: object, t: Type) -> Tensor:
    """The tensor for task-file ``value`` of perceptual type ``t``: nested lists, or
    ``{"file": path}`` (relative paths from the current directory; task files rewrite
    theirs with :func:`anchor_files`)."""
    shape = perceptual_shape(t)
    assert isinstance(t, TCon) and shape is not None
    given = value.array if isinstance(value, Tensor) else value
    try:
        return Tensor(perceptual_array(given, shape, t.name, read_array))
    except ValueError as err:
        raise PerceptionError(str(err)) from None


def perceptual_array(
    value: object,
    shape: Sequence[int],
    kind: str,
    read_file: Callable[[str, Sequence[int]], npt.NDArray[np.float32]],
) -> npt.NDArray[np.float32]:
    """The read-only float32 array of ``shape`` that ``value`` holds: an array, nested
    lists, or ``{"file": path}`` read by ``read_file``; ``ValueError`` with one line
    otherwise. A plain function of numpy: exported modules copy it (with a reader of
    ``.npy`` files only) to read the same values with the same messages."""
    named = f"{kind}[{','.join(str(d) for d in shape)}]"
    if isinstance(value, np.ndarray):
        array = np.asarray(value, dtype=np.float32)
    elif isinstance(value, dict):
        path = value.get("file")
        if set(value) != {"file"} or not isinstance(path, str):
            raise ValueError(f'expected {{"file": "path"}} or nested lists for {named}')
        array = read_file(path, shape)
    elif isinstance(value, list):
        try:
            array = np.array(value, dtype=np.float32)
        except (ValueError, TypeError):
            raise ValueError(f"expected nested lists of numbers for {named}") from None
    else:
        raise ValueError(f'expected nested lists of numbers or {{"file": "path"}} for {named}')
    if tuple(array.shape) != tuple(shape):
        want = "x".join(str(d) for d in shape)
        got = "x".join(str(d) for d in array.shape) or "a single number"
        raise ValueError(f"expected {named} (shape {want}), got shape {got}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{named} must hold finite numbers")
    array.setflags(write=False)
    return array


def read_array(name: str, shape: Sequence[int]) -> npt.NDArray[np.float32]:
    """The array in a ``.npy`` file or an image file; images become floats in ``[0, 1]``
    (grey-level when ``shape`` has two sizes, colour channels when three)."""
    path = Path(name)
    if not path.is_file():
        raise PerceptionError(f"{path}: no such file")
    if path.suffix.lower() == ".npy":
        try:
            return np.asarray(np.load(path, allow_pickle=False), dtype=np.float32)
        except (OSError, ValueError) as err:
            raise PerceptionError(f"{path}: not a readable .npy array ({err})") from None
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            channels = shape[2] if len(shape) == 3 else 1
            image = opened.convert({3: "RGB", 4: "RGBA"}.get(channels, "L"))
            pixels = np.asarray(image, dtype=np.float32) / 255.0
    except (OSError, UnidentifiedImageError) as err:
        raise PerceptionError(f"{path}: not a readable image ({err})") from None
    if len(shape) == 3 and shape[2] == 1:
        pixels = pixels[:, :, None]
    return pixels


def anchor_files(value: object, base: Path) -> object:
    """``value`` (parsed JSON) with every ``{"file": path}`` made relative to ``base``."""
    if isinstance(value, list):
        return [anchor_files(v, base) for v in value]
    if isinstance(value, dict):
        if set(value) == {"file"} and isinstance(value["file"], str):
            return {"file": str(base / value["file"])}
        return {k: anchor_files(v, base) for k, v in value.items()}
    return value


def encode_tensor(value: Tensor) -> object:
    """A tensor in its task-file form: nested lists of floats."""
    return value.array.tolist()
