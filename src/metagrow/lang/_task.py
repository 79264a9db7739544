"""Tasks: a requested type and input/output examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, final

from metagrow.lang._types import Type


@final
class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""The output of a test example whose answer is held back."""


@final
@dataclass(frozen=True, slots=True)
class Example:
    """Arguments (one per arrow argument of the request) and the expected output."""

    inputs: tuple[object, ...]
    output: object = MISSING

    @property
    def has_output(self) -> bool:
        return self.output is not MISSING


@final
@dataclass(frozen=True, slots=True)
class Task:
    """A problem to solve: find a program of type ``request`` mapping each train input
    to its output; test examples are predicted (their outputs may be held back)."""

    name: str
    request: Type
    train: tuple[Example, ...]
    test: tuple[Example, ...] = ()
    metadata: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.train:
            raise ValueError(f"task {self.name!r} has no train examples")
        arity = len(self.request.arguments())
        for ex in (*self.train, *self.test):
            if len(ex.inputs) != arity:
                raise ValueError(
                    f"task {self.name!r}: an example has {len(ex.inputs)} inputs, "
                    f"its type {self.request} takes {arity}"
                )
        if not all(ex.has_output for ex in self.train):
            raise ValueError(f"task {self.name!r}: every train example needs an output")
