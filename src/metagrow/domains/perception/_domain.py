"""The perception domain: the soft list language over tensors and images."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, final

from metagrow.domains._domain import JSON, Domain, ValueDecodeError, decode_basic, encode_basic
from metagrow.domains._tensor import (
    PERCEPTUAL,
    PerceptionError,
    Tensor,
    anchor_files,
    decode_tensor,
    encode_tensor,
    perceptual_shape,
)
from metagrow.domains.digits import digit_primitives
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
