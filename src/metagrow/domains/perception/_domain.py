"""The perception domain: the soft list language over tensors and images."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, final

from metagrow.domains._domain import JSON, Domain, ValueDecodeError, decode_basic, encode_basic
from metagrow.domains._tensor import (
    PERCEPTUAL,
    SYMMETRIES,
    PerceptionError,
    Tensor,
    anchor_files,
    decode_tensor,
    encode_tensor,
    perceptual_parts,
    perceptual_shape,
)
from metagrow.domains.digits import digit_primitives
from metagrow.domains.perception import _codecs
from metagrow.lang import Grammar, Task, TCon, Type

_WEIGHTS = {"fold": -3.0}


@final
class PerceptionDomain(Domain):
    """Programs over ``tensor[...]`` and ``image[...]`` values, ints, booleans and lists,
    built from primitives that all have soft meanings, so that modules (networks from a
    perceptual value to an int or a bool) train end to end through them. A task file
    gives each perceptual value as nested lists or ``{"file": path}`` (``.npy`` or an
    image file, relative to the task file)."""

    name = "perception"
    default_engine: ClassVar[str] = "neural"

    def __init__(self) -> None:
        self._grammar = Grammar.uniform(digit_primitives(), _WEIGHTS)

    def grammar(self) -> Grammar:
        return self._grammar

    def constructors(self) -> frozenset[str]:
        return frozenset({"int", "bool", "list"}) | PERCEPTUAL

    def expresses(self, t: Type) -> bool:
        """Perceptual values need no primitive that takes them: modules do."""
        return set(t.constructors()) <= self.constructors()

    def recognises(self, data: JSON) -> bool:
        """A task file whose type names a tensor or an image."""
        from metagrow.domains._domain import declared_type

        request = declared_type(data)
        return (
            request is not None
            and bool(set(request.constructors()) & PERCEPTUAL)
            and self.expresses(request)
        )

    def read_task(self, path: Path) -> Task:
        """The task at ``path``; ``{"file": ...}`` values are read next to it."""
        from metagrow.domains._taskfile import read_json

        data = anchor_files(read_json(path), path.parent)
        return self.task_from_json(data, str(path), path.stem)

    def task_from_json(self, data: JSON, source: str, name: str = "task") -> Task:
        """The typed task format, plus what a task may say about its module's output:
        ``inner`` labels (``[{"input": value, "output": label}]``: the module's output on
        perceptual values) and ``properties`` (``{"invariant": [symmetry, ...],
        "monotone": [{"feature": i, "direction": "increasing"}], "weight": w}``)."""
        from metagrow.domains._taskfile import TaskFileError, task_from_json

        task = task_from_json(data, self, source=source, default_name=name)
        extra = dict(task.metadata)
        try:
            if "inner" in extra:
                extra["inner"] = self._inner(extra["inner"], task.request)
            if "properties" in extra:
                _check_properties(extra["properties"])
        except (ValueDecodeError, ValueError) as err:
            raise TaskFileError(f"{source}: field {err}") from None
        return Task(task.name, task.request, task.train, task.test, extra)

    def _inner(self, raw: JSON, request: Type) -> tuple[tuple[object, object], ...]:
        parts = perceptual_parts(request)
        if not parts:
            raise ValueError("'inner': the task has no perceptual value to label")
        if not isinstance(raw, list):
            raise ValueError('\'inner\' must be a list of {"input": value, "output": label}')
        out = []
        for i, item in enumerate(raw):
            where = f"'inner[{i}]"
            if not isinstance(item, dict) or set(item) != {"input", "output"}:
                raise ValueError(f"{where}' must be an object with 'input' and 'output'")
            label = item["output"]
            if not isinstance(label, (bool, int)) or (not isinstance(label, bool) and label < 0):
                raise ValueError(f"{where}.output' must be a class number (>= 0) or a bool")
            try:
                out.append((decode_tensor(item["input"], parts[0]), label))
            except PerceptionError as err:
                raise ValueError(f"{where}.input': {err}") from None
        return tuple(out)

    def codecs(self) -> Mapping[str, Sequence[Callable[..., Any]]]:
        """Tensors and images in an exported module: numpy arrays (see ``_codecs.py``)."""
        c = _codecs
        return {
            "tensor": (c.decode_tensor, c.encode_tensor),
            "image": (c.decode_image, c.encode_image),
        }

    def decode(self, value: JSON, t: Type) -> object:
        if perceptual_shape(t) is not None:
            try:
                return decode_tensor(value, t)
            except PerceptionError as err:
                raise ValueDecodeError(str(err)) from None
        if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
            if not isinstance(value, list):
                raise ValueDecodeError(f"expected a list, got {value!r:.40}")
            return tuple(self.decode(v, t.args[0]) for v in value)
        return decode_basic(value, t)

    def encode(self, value: object, t: Type) -> JSON:
        if isinstance(value, Tensor):
            return encode_tensor(value)
        if isinstance(value, tuple):
            return [self.encode(v, t) for v in value]
        return encode_basic(value)


def _check_properties(raw: JSON) -> None:
    if not isinstance(raw, dict) or not set(raw) <= {"invariant", "monotone", "weight"}:
        raise ValueError("'properties' must be an object with 'invariant', 'monotone', 'weight'")
    invariant = raw.get("invariant", [])
    if not isinstance(invariant, list) or any(s not in SYMMETRIES for s in invariant):
        raise ValueError(f"'properties.invariant' must list symmetries of {', '.join(SYMMETRIES)}")
    monotone = raw.get("monotone", [])
    ok = isinstance(monotone, list) and all(
        isinstance(m, dict)
        and isinstance(m.get("feature"), int)
        and not isinstance(m.get("feature"), bool)
        and m["feature"] >= 0
        and m.get("direction", "increasing") in ("increasing", "decreasing")
        and set(m) <= {"feature", "direction"}
        for m in monotone
    )
    if not ok:
        raise ValueError(
            '\'properties.monotone\' must be a list of {"feature": index, "direction": '
            '"increasing" or "decreasing"}'
        )
    weight = raw.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
        raise ValueError("'properties.weight' must be a number >= 0")
