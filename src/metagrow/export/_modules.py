"""Trained modules in an exported Python module: each one a plain function running the
numpy forward pass the interpreter runs (copied from ``fit/_forward.py``) on its weights.

The weights are written into the module as array literals when the program's modules hold
fewer than :data:`INLINE_FLOATS` numbers in all; otherwise they go to an ``.npz`` file
beside the module (``OUT.npz`` for ``OUT.py``), which the module reads with
``numpy.load(..., allow_pickle=False)`` when it is imported.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any, Final, final

import numpy as np

from metagrow.export._data import data_source
from metagrow.export._source import Collector
from metagrow.fit._forward import FloatArray, answers, forward_conv, forward_dense, load_weights
from metagrow.fit._library import ModuleFunction
from metagrow.fit._module import ConvSpec, Module, network_of
from metagrow.lang import BOOL, Expr, Grammar, Invented, Prim

INLINE_FLOATS: Final = 2000
"""Modules holding fewer weights than this in all are written into the module itself."""

_RUNTIME: Final = "metagrow.export._module_runtime"


def program_modules(expr: Expr, grammar: Grammar) -> list[Module]:
    """The trained modules ``expr`` (with the inventions it uses) calls, in order of use."""
    found: dict[str, Module] = {}

    def visit(e: Expr) -> None:
        for n in e.walk():
            if isinstance(n, Invented):
                visit(n.body)
            elif isinstance(n, Prim):
                p = grammar.primitives.get(n.name)
                if p is not None and isinstance(p.value, ModuleFunction):
                    found.setdefault(p.name, p.value.module)

    visit(expr)
    return list(found.values())


def weight_count(modules: Sequence[Module]) -> int:
    """The numbers the modules' weights hold in all."""
    return sum(a.size for m in modules for a in _weights(m).values())


def _weights(module: Module) -> dict[str, FloatArray]:
    assert module.weights is not None  # a ModuleFunction's module is trained
    return load_weights(module.weights)


@final
class ModuleWriter:
    """Writes each module a program calls as a function of the exported module, keeping
    its weights inline or, with ``side``, in :attr:`arrays` for the ``.npz`` file."""

    def __init__(self, side: bool) -> None:
        self.side = side
        self.arrays: dict[str, FloatArray] = {}  # "<module>/<weight>" -> array
        self._names: dict[str, str] = {}

    def function(self, runtime: Collector, module: Module) -> str:
        """The name of the function computing ``module``'s output for one value (defined
        on first use, with its weights)."""
        known = self._names.get(module.name)
        if known is not None:
            return known
        ident = re.sub(r"\W", "_", module.name)
        name, weights = f"module_{ident}", f"WEIGHTS_{ident}"
        arrays = _weights(module)
        if self.side:
            loader = runtime.add(_RUNTIME, "module_weights")
            self.arrays.update({f"{module.name}/{k}": v for k, v in arrays.items()})
            runtime.define(weights, f"{weights} = {loader}({module.name!r})")
        else:
            table = ", ".join(f"{k!r}: {data_source(runtime, v)}" for k, v in arrays.items())
            runtime.define(weights, f"{weights} = {{{table}}}")
        a = network_of(module.architecture)
        if isinstance(a, ConvSpec):
            call = (
                f"{runtime.add(forward_conv.__module__, 'forward_conv')}({weights}, rows, "
                f"{(a.height, a.width, a.channels)!r}, {len(a.filters)})"
            )
        else:
            call = f"{runtime.add(forward_dense.__module__, 'forward_dense')}({weights}, rows)"
        pick = runtime.add(answers.__module__, "answers")
        np_name = runtime.add(_RUNTIME, "np")
        boolean = module.type.returns() == BOOL
        text = "\n".join(
            [
                f"def {name}(x):",
                f'    """Module {module.name} ({module.type}): {_described(module)}, run '
                'with numpy."""',
                f"    rows = {np_name}.asarray(x, dtype={np_name}.float32).reshape(1, -1)",
                f"    return {pick}({call}, {boolean})[0]",
            ]
        )
        self._names[module.name] = runtime.define(name, text)
        return name

    def npz(self) -> bytes:
        """The ``.npz`` file of the weights kept beside the module (empty if none)."""
        if not self.arrays:
            return b""
        out = io.BytesIO()
        arrays: dict[str, Any] = dict(self.arrays)
        np.savez(out, **arrays)
        return out.getvalue()


def _described(module: Module) -> str:
    a = network_of(module.architecture)
    if isinstance(a, ConvSpec):
        return f"a CNN of {a.height}x{a.width}x{a.channels} images, filters {list(a.filters)}"
    return f"an MLP {' -> '.join(str(n) for n in (a.inputs, *a.hidden, a.outputs))}"
