"""Trained modules as members of a library: each one an ordinary primitive of a
:class:`~metagrow.lang.Grammar`, run by the interpreter with numpy.

A module primitive is ``learned``: it is part of the library (and of its
:class:`~metagrow.lang.GrammarSpec`), not of the domain, so it travels to worker
processes and into the store with the inventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, final

import numpy as np
import numpy.typing as npt

from metagrow.fit._forward import FloatArray, answers, forward, load_weights
from metagrow.fit._module import Module
from metagrow.lang import BOOL, Grammar, Primitive

_MEMO = 50_000
"""Answers a module primitive remembers (by input value) before it starts afresh."""


class Perceptual(Protocol):
    """A value a module can read: tensors, images."""

    def features(self) -> npt.NDArray[np.float32]: ...


def features(values: Sequence[object]) -> FloatArray:
    """Network inputs for a batch of perceptual values, one flat row each."""
    rows = []
    for v in values:
        read = getattr(v, "features", None)
        if read is None:
            raise TypeError(f"a module reads tensors or images, got {type(v).__name__}")
        rows.append(np.asarray(read(), dtype=np.float32).reshape(-1))
    return np.stack(rows) if rows else np.zeros((0, 0), np.float32)


@final
class ModuleFunction:
    """A trained module as the Python function of a primitive: one value in, its most
    likely output (an int class or a bool) out, computed with numpy and remembered."""

    def __init__(self, module: Module) -> None:
        if module.weights is None:
            raise ValueError(f"module {module.name!r} is untrained; only trained modules run")
        self.module = module
        self._weights: dict[str, FloatArray] | None = None
        self._memo: dict[object, object] = {}

    def __call__(self, value: object) -> object:
        known = self._memo.get(value)
        if known is None:
            known = self.batch([value])[0]
        return known

    def batch(self, values: Sequence[object]) -> list[object]:
        """Outputs for many values at once (one forward pass for those not remembered)."""
        todo = list(dict.fromkeys(v for v in values if v not in self._memo))
        if todo:
            if self._weights is None:
                assert self.module.weights is not None
                self._weights = load_weights(self.module.weights)
            logits = forward(self.module.architecture, self._weights, features(todo))
            if len(self._memo) + len(todo) > _MEMO:
                self._memo.clear()
            self._memo.update(
                zip(todo, answers(logits, self.module.type.returns() == BOOL), strict=True)
            )
        return [self._memo[v] for v in values]

    def __reduce__(self) -> tuple[type[ModuleFunction], tuple[Module]]:
        return ModuleFunction, (self.module,)


def module_primitive(module: Module) -> Primitive:
    """The library primitive of a trained module."""
    return Primitive(module.name, module.type, ModuleFunction(module), learned=True)


def library_modules(grammar: Grammar) -> list[Module]:
    """The trained modules among ``grammar``'s primitives, in the grammar's order."""
    return [
        p.value.module for p in grammar.primitives.values() if isinstance(p.value, ModuleFunction)
    ]
