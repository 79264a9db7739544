"""The parts every ONNX graph of a module program is built from: :class:`Batch`, a value
for every row of a batch, and :class:`Graph`, the nodes, weights and inputs under
construction with the helpers that add them; also the ONNX element type and axes of a
value type. The list operations (``_onnx_lists.py``) and the program compiler
(``_onnx_modules.py``) build on them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, final

import numpy as np

from metagrow.export._errors import ExportError
from metagrow.lang import BOOL, INT, Expr, TCon, Type, shape_of

if TYPE_CHECKING:
    import onnx

PERCEPTUAL: Final = frozenset({"tensor", "image"})


def fail(what: str) -> ExportError:
    """The one-line error for a part of a program a graph cannot express."""
    return ExportError(f"cannot export to ONNX: {what}")


@final
@dataclass(frozen=True, slots=True)
class Batch:
    """A value for every row of a batch: the tensor ``name`` whose first ``depth`` axes
    are batch axes (rows, then the items of each enclosing ``map``), of element type
    ``item`` (a list's when ``listy``: its items are the next axis; ``mask``, a bool
    tensor of the same leading axes, marks the items a ``filter`` kept)."""

    name: str
    item: Type
    depth: int
    listy: bool = False
    mask: str | None = None


def dims(t: Type) -> list[int | str]:
    """The axes of a batch of values of type ``t``: rows, a list's items, a shape."""
    listy = isinstance(t, TCon) and t.name == "list" and len(t.args) == 1
    item = t.args[0] if listy and isinstance(t, TCon) else t
    if isinstance(item, TCon) and item.name == "list":
        raise fail(f"values of type {t} are lists of lists, which have no ONNX form")
    shape = shape_of(item) if isinstance(item, TCon) and item.name in PERCEPTUAL else None
    return ["N", *(["L"] if listy else []), *(shape or ())]


def element(t: Type) -> int:
    """The ONNX element type of a value of type ``t`` (of its items, for a list)."""
    import onnx

    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        t = t.args[0]
    if t == INT:
        return int(onnx.TensorProto.INT64)
    if t == BOOL:
        return int(onnx.TensorProto.BOOL)
    if isinstance(t, TCon) and t.name in PERCEPTUAL and shape_of(t) is not None:
        return int(onnx.TensorProto.FLOAT)
    raise fail(f"values of type {t} have no ONNX form (ints, bools, tensors and lists of them)")


def rank(t: Type) -> int:
    """The number of a value's own axes: a tensor's or image's, none for an int or bool."""
    return len(shape_of(t) or ()) if isinstance(t, TCon) and t.name in PERCEPTUAL else 0


def int64() -> int:
    """The ONNX element type of an int."""
    import onnx

    return int(onnx.TensorProto.INT64)


class Graph(ABC):
    """ONNX nodes under construction for one program; :meth:`call` compiles a function
    applied to values (the list operations call it for the functions they are given)."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self._count = 0

    @abstractmethod
    def call(self, f: Expr, args: list[Batch], env: list[Batch]) -> Batch:
        """Function ``f`` (in ``env``) applied to ``args``."""

    def node(self, op: str, *inputs: str, **attributes: Any) -> str:
        import onnx

        self._count += 1
        out = f"t{self._count}"
        self.nodes.append(onnx.helper.make_node(op, list(inputs), [out], **attributes))
        return out

    def constant(self, array: np.ndarray[Any, Any], name: str = "") -> str:
        import onnx

        name = name or f"k{len(self.initializers)}"
        self.initializers.append(onnx.numpy_helper.from_array(array, name))
        return name

    def ints(self, values: Sequence[int]) -> str:
        return self.constant(np.asarray(values, dtype=np.int64))

    def argument(self, name: str, t: Type) -> Batch:
        import onnx

        axes = dims(t)
        self.inputs.append(onnx.helper.make_tensor_value_info(name, element(t), axes))
        listy = len(axes) > 1 and axes[1] == "L"
        item = t.args[0] if listy and isinstance(t, TCon) else t
        return Batch(name, item, 1, listy)
