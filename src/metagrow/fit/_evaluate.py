"""Running programs softly: compile an ``Expr`` to closures over soft values, with each
module applied once per batch to every input it can see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, final

import numpy as np
import numpy.typing as npt

from metagrow.fit._module import Module
from metagrow.fit._soft import Soft, SoftError, SoftPrimitive
from metagrow.lang import BOOL, INT, App, Expr, Invented, Lam, Prim, TCon, Type, Var, spine

if TYPE_CHECKING:
    import torch

Featurize = Callable[[Sequence[object]], npt.NDArray[np.float32]]
"""Network inputs for a batch of module arguments (one row each)."""

Env = tuple[Soft, ...]
Code = Callable[[Env], Soft]


def _curried(arity: int, fn: Callable[..., Soft], got: tuple[Soft, ...] = ()) -> Soft:
    if len(got) == arity:
        return fn(*got)
    return lambda x: _curried(arity, fn, (*got, x))


@final
class SoftProgram:
    """A program compiled once for soft evaluation; :meth:`run` applies it to soft
    arguments with the given module functions. ``SoftError`` if a primitive has no soft
    meaning."""

    def __init__(self, expr: Expr, table: Mapping[str, SoftPrimitive], modules: frozenset[str]):
        self.expr = expr
        self._table = table
        self._module_names = modules
        self._modules: Mapping[str, Callable[[Soft], Soft]] = {}
        self._code = self._compile(expr)

    def run(self, args: Sequence[Soft], modules: Mapping[str, Callable[[Soft], Soft]]) -> Soft:
        self._modules = modules
        value = self._code(())
        for a in args:
            value = value(a)
        return value

    def _compile(self, e: Expr) -> Code:
        if isinstance(e, Var):
            i = e.index
            return lambda env: env[i]
        if isinstance(e, Lam):
            body = self._compile(e.body)
            return lambda env: lambda x: body((x, *env))
        if isinstance(e, Invented):
            return self._compile(e.body)
        if isinstance(e, Prim):
            return self._prim(e.name)
        if isinstance(e, App):
            head, args = spine(e)
            if isinstance(head, Prim) and head.name in self._table:
                p = self._table[head.name]
                if 0 < p.arity <= len(args):
                    return self._call(p, [self._compile(a) for a in args])
            f, x = self._compile(e.f), self._compile(e.x)
            return lambda env: f(env)(x(env))
        raise SoftError(f"no soft meaning for {e}")

    def _prim(self, name: str) -> Code:
        if name in self._module_names:
            return lambda env: self._modules[name]
        p = self._table.get(name)
        if p is None:
            raise SoftError(f"primitive {name!r} has no soft meaning")
        if p.arity == 0:
            return lambda env: p.fn()
        return lambda env: _curried(p.arity, p.fn)

    @staticmethod
    def _call(p: SoftPrimitive, args: list[Code]) -> Code:
        first, rest = args[: p.arity], args[p.arity :]

        def code(env: Env) -> Soft:
            value = p.fn(*(a(env) for a in first))
            for a in rest:
                value = value(a(env))
            return value

        return code


def soft_input(value: object, t: Type, support: int) -> Soft:
    """A task input as a soft value: ints one-hot, bools 0/1, lists tuples; values of
    other types (images) stay as they are, for modules to read."""
    import torch

    if t == INT:
        assert isinstance(value, int)
        out = torch.zeros(support)
        out[min(max(value, 0), support - 1)] = 1.0
        return out
    if t == BOOL:
        return torch.tensor(float(bool(value)))
    if isinstance(t, TCon) and t.name == "list":
        assert isinstance(value, tuple)
        return tuple(soft_input(v, t.args[0], support) for v in value)
    return value


def values_of_type(value: object, t: Type, wanted: Type) -> Iterator[object]:
    """Every part of ``value`` (of type ``t``) that has type ``wanted``."""
    if t == wanted:
        yield value
    elif isinstance(t, TCon) and t.name == "list" and isinstance(value, tuple):
        for v in value:
            yield from values_of_type(v, t.args[0], wanted)


def module_inputs(
    module: Module, inputs: Iterable[Sequence[object]], request: Type
) -> list[object]:
    """The distinct values of ``module``'s input type (first seen first) in ``inputs``,
    each the arguments of one task input of type ``request``."""
    wanted = module.type.arguments()[0]
    return list(
        dict.fromkeys(
            v
            for args in inputs
            for value, t in zip(args, request.arguments(), strict=True)
            for v in values_of_type(value, t, wanted)
        )
    )


def module_outputs(
    module: Module,
    net: torch.nn.Module,
    inputs: Sequence[object],
    featurize: Featurize,
    support: int,
) -> Callable[[Soft], Soft]:
    """``module`` as a soft function, computed in one forward pass over ``inputs`` (a
    value outside them is computed on its own)."""
    import torch

    def forward(values: Sequence[object]) -> torch.Tensor:
        logits = net(torch.from_numpy(featurize(values)))
        if module.type.returns() == BOOL:
            return torch.sigmoid(logits[:, 0])
        probs = torch.softmax(logits, dim=1)
        width = probs.shape[1]
        if width >= support:
            return probs[:, :support]
        return torch.nn.functional.pad(probs, (0, support - width))

    unique = list(dict.fromkeys(inputs))
    rows = forward(unique) if unique else None
    position = {v: i for i, v in enumerate(unique)}

    def apply(x: Soft) -> Soft:
        i = position.get(x)
        if i is None or rows is None:
            return forward([x])[0]
        return rows[i]

    return apply
