"""Programs with trained modules as ONNX graphs: modules over tensors and images, and maps,
filters, sums, folds and chains over lists of them (issue 22).

Each argument is an input of the graph with a batch axis first: ``x`` (or ``x0``, ``x1``,
... for several) is float32 ``[N, *shape]`` for a ``tensor[...]`` or ``image[...]``,
``[N, L, *shape]`` for a list of them (``L`` the same for the batch: lists of different
lengths go in different calls), int64 ``[N]`` or ``[N, L]`` for ints, bool for bools. A
module is the numpy forward pass of ``fit/_forward.py`` written as ONNX ops (MatMul, Add,
Relu; Conv, MaxPool for a CNN) on its weights, followed by ArgMax (an int) or ``> 0`` (a
bool), applied to every value of a batch at once. ``map`` applies its function to every item
at once (the list axis is one more batch axis), ``filter`` keeps a mask beside the list
that ``sum``, ``length``, ``fold`` and ``chain?`` respect. ``fold`` is a Loop over the list
axis from its last item, its body the lambda's body compiled by the same code for every
row at once; ``chain?`` applies its relation to all neighbour pairs at once. The output
``y`` is the program's value for each row.

What a graph cannot do gets one line: ``max`` (it fails on an empty list, and a graph
cannot fail), a fold whose accumulator is a list, a filtered list as the result, lists of
lists. A graph has no run limits.

This file holds the entry, :func:`module_onnx_model`, and the compiler of expressions and
module layers; the value type and node helpers are in ``_onnx_graph.py``, the list
operations in ``_onnx_lists.py``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final, final

import numpy as np

from metagrow.export._modules import program_modules
from metagrow.export._onnx import MIN_OPSET
from metagrow.export._onnx_graph import PERCEPTUAL, Batch, Graph, dims, element, fail
from metagrow.export._onnx_lists import chain, fold, list_call, reduce
from metagrow.fit._forward import load_weights
from metagrow.fit._library import ModuleFunction
from metagrow.fit._module import ConvSpec, Module, network_of
from metagrow.lang import (
    BOOL,
    INT,
    App,
    Expr,
    Grammar,
    Invented,
    Lam,
    Prim,
    TCon,
    Type,
    Var,
    shape_of,
    spine,
)

if TYPE_CHECKING:
    import onnx

_BINARY: Final = {"+": "Add", "eq?": "Equal", "gt?": "Greater", "le?": "LessOrEqual"}
_RETURNS: Final = {"+": INT, "eq?": BOOL, "gt?": BOOL, "le?": BOOL}
_WHY_NOT: Final = {
    "max": "it fails on an empty list, and a graph cannot fail",
}


def module_onnx_model(
    expr: Expr, request: Type, grammar: Grammar, *, opset: int = MIN_OPSET
) -> onnx.ModelProto:
    """``expr`` (of type ``request``, calling trained modules of ``grammar``) as an ONNX
    model; :class:`ExportError` (one line) for a part a graph cannot express."""
    import onnx

    if opset < MIN_OPSET:
        raise ValueError(f"opset must be at least {MIN_OPSET}, got {opset}")
    args = request.arguments()
    graph = _Program(grammar)
    names = ["x"] if len(args) == 1 else [f"x{j}" for j in range(len(args))]
    inputs = [graph.argument(n, t) for n, t in zip(names, args, strict=True)]
    body, env = expr, list[Batch]()
    for v in inputs:
        if not isinstance(body, Lam):
            raise fail("the program must be a lambda of its arguments")
        body, env = body.body, [*env, v]
    out = graph.value(body, env)
    if out.depth == 0:  # a constant: one for each row
        rows = graph.node("Shape", inputs[0].name, start=0, end=1) if inputs else None
        if rows is None:
            raise fail("the program has no argument to give the graph its rows")
        out = replace(out, name=graph.node("Expand", out.name, rows), depth=1)
    if out.mask is not None:
        raise fail("the program returns a filtered list, whose length differs row by row")
    graph.nodes.append(onnx.helper.make_node("Identity", [out.name], ["y"]))
    result = onnx.helper.make_tensor_value_info(
        "y", element(request.returns()), dims(request.returns())
    )
    made = onnx.helper.make_graph(
        graph.nodes, "metagrow_program", graph.inputs, [result], graph.initializers
    )
    opsets = [onnx.helper.make_opsetid("", opset)]
    model = onnx.helper.make_model(
        made,
        opset_imports=opsets,
        producer_name="metagrow",
        ir_version=onnx.helper.find_min_ir_version_for(opsets),
    )
    onnx.helper.set_model_props(
        model, {"metagrow.program": grammar.show(expr), "metagrow.type": str(request)}
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def uses_modules(expr: Expr, request: Type, grammar: Grammar) -> bool:
    """Whether ``expr`` is a program for :func:`module_onnx_model`: one that calls trained
    modules or takes or gives tensors or images (the others are numeric programs)."""
    types = (*request.arguments(), request.returns())
    return bool(program_modules(expr, grammar)) or any(perceptual(t) for t in types)


def perceptual(t: Type) -> bool:
    """Whether ``t`` is a tensor or image type, or a list of them."""
    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        return perceptual(t.args[0])
    return isinstance(t, TCon) and t.name in PERCEPTUAL and shape_of(t) is not None


@final
class _Program(Graph):
    """ONNX nodes under construction for one program of ``grammar``: its expressions and
    the trained modules they call."""

    def __init__(self, grammar: Grammar) -> None:
        super().__init__()
        self.grammar = grammar
        self._weights: dict[str, dict[str, str]] = {}  # module -> weight -> initializer

    # --- expressions --------------------------------------------------------------------
    def value(self, e: Expr, env: list[Batch]) -> Batch:
        """Expression ``e`` (in ``env``) for every row."""
        head, args = spine(e)
        if isinstance(head, Var) and not args:
            if head.index >= len(env):
                raise fail(f"the program has a free variable ${head.index}")
            return env[len(env) - 1 - head.index]
        if isinstance(head, Prim) and head.name in _WHY_NOT:
            raise fail(f"primitive {head.name!r} has no ONNX form: {_WHY_NOT[head.name]}")
        if isinstance(head, Prim) and head.name in ("map", "filter") and len(args) == 2:
            return list_call(self, head.name, args[0], self.value(args[1], env), env)
        if isinstance(head, Prim) and head.name == "chain?" and len(args) == 2:
            return chain(self, args[0], self.value(args[1], env), env)
        if isinstance(head, Prim) and head.name == "fold" and len(args) == 3:
            return fold(self, self.value(args[0], env), self.value(args[1], env), args[2], env)
        return self.call(head, [self.value(a, env) for a in args], env)

    def call(self, f: Expr, args: list[Batch], env: list[Batch]) -> Batch:
        """Function ``f`` (in ``env``) applied to ``args``."""
        if isinstance(f, Lam):
            if not args:
                raise fail("a function is the program's value, which has no ONNX form")
            return self.call(f.body, args[1:], [*env, args[0]]) if args[1:] else self.value(
                f.body, [*env, args[0]])  # fmt: skip
        if isinstance(f, Invented):
            if isinstance(f.body, Lam):
                return self.call(f.body, args, [])
            if args:
                raise fail("a function computed by the program has no ONNX form")
            return self.value(f.body, [])
        if isinstance(f, Var):
            raise fail("a function passed as an argument has no ONNX form")
        if isinstance(f, App):
            head, inner = spine(f)
            return self.call(head, [*[self.value(a, env) for a in inner], *args], env)
        if not isinstance(f, Prim):
            raise fail(f"{f} has no ONNX form")
        return self.primitive(f.name, args, env)

    def primitive(self, name: str, args: list[Batch], env: list[Batch]) -> Batch:
        p = self.grammar.primitives.get(name)
        if p is None:
            raise fail(f"unknown primitive {name!r}")
        if isinstance(p.value, ModuleFunction):
            self._exact(name, args, 1)
            return self.module(p.value.module, args[0])
        if name in ("0", "1"):
            self._exact(name, args, 0)
            return Batch(self.constant(np.asarray(int(name), dtype=np.int64)), INT, 0)
        if name in _WHY_NOT:
            raise fail(f"primitive {name!r} has no ONNX form: {_WHY_NOT[name]}")
        if name in _BINARY:
            self._exact(name, args, 2)
            a, b = self._aligned(args[0], args[1])
            depth = max(a.depth, b.depth)
            return Batch(self.node(_BINARY[name], a.name, b.name), _RETURNS[name], depth)
        if name == "not":
            self._exact(name, args, 1)
            return replace(args[0], name=self.node("Not", args[0].name), item=BOOL)
        if name in ("sum", "length"):
            self._exact(name, args, 1)
            return reduce(self, name, args[0])
        if name in ("map", "filter", "fold", "chain?"):
            form = (
                "(fold LIST INIT (lam (lam ...)))" if name == "fold" else f"({name} (lam ...) LIST)"
            )
            raise fail(
                f"{name!r} is given its function and list in a form the graph cannot follow "
                f"(it can: {form})"
            )
        raise fail(
            f"primitive {name!r} has no ONNX form (modules, map, filter, sum, length, "
            "fold, chain?, +, eq?, gt?, le?, not, 0 and 1 do)"
        )

    def _exact(self, name: str, args: list[Batch], arity: int) -> None:
        if len(args) != arity:
            raise fail(f"{name!r} takes {arity} arguments here, given {len(args)}")

    def _aligned(self, a: Batch, b: Batch) -> tuple[Batch, Batch]:
        """Two scalars of different depths made to broadcast: the shallower one gets
        axes of size 1 for the other's inner batch axes."""
        if a.listy or b.listy:
            raise fail("a list where a number is needed")
        if a.depth == b.depth or min(a.depth, b.depth) == 0:
            return a, b
        low, high = (a, b) if a.depth < b.depth else (b, a)
        axes = self.ints(list(range(low.depth, high.depth)))
        lifted = replace(low, name=self.node("Unsqueeze", low.name, axes), depth=high.depth)
        return (lifted, high) if low is a else (high, lifted)

    # --- modules ------------------------------------------------------------------------
    def module(self, module: Module, x: Batch) -> Batch:
        """``module`` applied to every value of ``x`` at once (its batch axes kept)."""
        if x.listy or not isinstance(x.item, TCon) or x.item.name not in PERCEPTUAL:
            raise fail(f"module {module.name!r} is applied to a value it cannot read")
        a = network_of(module.architecture)
        w = self._weights.get(module.name)
        if w is None:
            assert module.weights is not None  # a ModuleFunction's module is trained
            arrays = load_weights(module.weights)
            w = {  # a Linear layer's weight transposed, for MatMul
                k: self.constant(v.T.copy() if v.ndim == 2 else v, f"{module.name}/{k}")
                for k, v in arrays.items()
            }
            self._weights[module.name] = w
        rows = self.node("Reshape", x.name, self.ints([-1, a.inputs]))
        prefix = ""
        if isinstance(a, ConvSpec):
            y = self.node("Reshape", rows, self.ints([-1, a.height, a.width, a.channels]))
            y = self.node("Transpose", y, perm=[0, 3, 1, 2])
            for i in range(len(a.filters)):
                y = self.node(
                    "Conv", y, w[f"convs.{i}.weight"], w[f"convs.{i}.bias"],
                    kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                )  # fmt: skip
                y = self.node("MaxPool", self.node("Relu", y), kernel_shape=[2, 2], strides=[2, 2])
            rows, prefix = self.node("Flatten", y, axis=1), "dense."
        layers = sorted(
            int(k[len(prefix) : -len(".weight")])
            for k in w
            if k.startswith(prefix) and k.endswith(".weight") and k[len(prefix) : -7].isdigit()
        )
        for n, i in enumerate(layers):
            rows = self.node("MatMul", rows, w[f"{prefix}{i}.weight"])
            rows = self.node("Add", rows, w[f"{prefix}{i}.bias"])
            if n < len(layers) - 1:
                rows = self.node("Relu", rows)
        if module.type.returns() == BOOL:
            first = self.node("Gather", rows, self.constant(np.asarray(0, np.int64)), axis=1)
            out = self.node("Greater", first, self.constant(np.asarray(0.0, np.float32)))
        else:
            out = self.node("ArgMax", rows, axis=1, keepdims=0, select_last_index=0)
        batch = self.node("Shape", x.name, start=0, end=x.depth)
        back = self.node("Reshape", out, batch, allowzero=1)  # a batch may have no items
        return Batch(back, module.type.returns(), x.depth)
