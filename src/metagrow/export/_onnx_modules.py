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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final, final

import numpy as np

from metagrow.export._errors import ExportError
from metagrow.export._modules import program_modules
from metagrow.export._onnx import MIN_OPSET
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

_PERCEPTUAL: Final = frozenset({"tensor", "image"})
_BINARY: Final = {"+": "Add", "eq?": "Equal", "gt?": "Greater", "le?": "LessOrEqual"}
_RETURNS: Final = {"+": INT, "eq?": BOOL, "gt?": BOOL, "le?": BOOL}
_WHY_NOT: Final = {
    "max": "it fails on an empty list, and a graph cannot fail",
}


def _fail(what: str) -> ExportError:
    return ExportError(f"cannot export to ONNX: {what}")


@final
@dataclass(frozen=True, slots=True)
class _V:
    """A value for every row of a batch: the tensor ``name`` whose first ``depth`` axes
    are batch axes (rows, then the items of each enclosing ``map``), of element type
    ``item`` (a list's when ``listy``: its items are the next axis; ``mask``, a bool
    tensor of the same leading axes, marks the items a ``filter`` kept)."""

    name: str
    item: Type
    depth: int
    listy: bool = False
    mask: str | None = None


def module_onnx_model(
    expr: Expr, request: Type, grammar: Grammar, *, opset: int = MIN_OPSET
) -> onnx.ModelProto:
    """``expr`` (of type ``request``, calling trained modules of ``grammar``) as an ONNX
    model; :class:`ExportError` (one line) for a part a graph cannot express."""
    import onnx

    if opset < MIN_OPSET:
        raise ValueError(f"opset must be at least {MIN_OPSET}, got {opset}")
    args = request.arguments()
    graph = _Graph(grammar)
    names = ["x"] if len(args) == 1 else [f"x{j}" for j in range(len(args))]
    inputs = [graph.argument(n, t) for n, t in zip(names, args, strict=True)]
    body, env = expr, list[_V]()
    for v in inputs:
        if not isinstance(body, Lam):
            raise _fail("the program must be a lambda of its arguments")
        body, env = body.body, [*env, v]
    out = graph.value(body, env)
    if out.depth == 0:  # a constant: one for each row
        rows = graph.node("Shape", inputs[0].name, start=0, end=1) if inputs else None
        if rows is None:
            raise _fail("the program has no argument to give the graph its rows")
        out = replace(out, name=graph.node("Expand", out.name, rows), depth=1)
    if out.mask is not None:
        raise _fail("the program returns a filtered list, whose length differs row by row")
    graph.nodes.append(onnx.helper.make_node("Identity", [out.name], ["y"]))
    result = onnx.helper.make_tensor_value_info(
        "y", _element(request.returns()), _dims(request.returns())
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
    return isinstance(t, TCon) and t.name in _PERCEPTUAL and shape_of(t) is not None


def _dims(t: Type) -> list[int | str]:
    """The axes of a batch of values of type ``t``: rows, a list's items, a shape."""
    listy = isinstance(t, TCon) and t.name == "list" and len(t.args) == 1
    item = t.args[0] if listy and isinstance(t, TCon) else t
    if isinstance(item, TCon) and item.name == "list":
        raise _fail(f"values of type {t} are lists of lists, which have no ONNX form")
    shape = shape_of(item) if isinstance(item, TCon) and item.name in _PERCEPTUAL else None
    return ["N", *(["L"] if listy else []), *(shape or ())]


def _element(t: Type) -> int:
    import onnx

    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        t = t.args[0]
    if t == INT:
        return int(onnx.TensorProto.INT64)
    if t == BOOL:
        return int(onnx.TensorProto.BOOL)
    if isinstance(t, TCon) and t.name in _PERCEPTUAL and shape_of(t) is not None:
        return int(onnx.TensorProto.FLOAT)
    raise _fail(f"values of type {t} have no ONNX form (ints, bools, tensors and lists of them)")


@final
class _Graph:
    """ONNX nodes under construction for one program."""

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self._weights: dict[str, dict[str, str]] = {}  # module -> weight -> initializer
        self._count = 0

    # --- tensors ------------------------------------------------------------------------
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

    def argument(self, name: str, t: Type) -> _V:
        import onnx

        dims = _dims(t)
        self.inputs.append(onnx.helper.make_tensor_value_info(name, _element(t), dims))
        listy = len(dims) > 1 and dims[1] == "L"
        item = t.args[0] if listy and isinstance(t, TCon) else t
        return _V(name, item, 1, listy)

    # --- expressions --------------------------------------------------------------------
    def value(self, e: Expr, env: list[_V]) -> _V:
        head, args = spine(e)
        if isinstance(head, Var) and not args:
            if head.index >= len(env):
                raise _fail(f"the program has a free variable ${head.index}")
            return env[len(env) - 1 - head.index]
        if isinstance(head, Prim) and head.name in _WHY_NOT:
            raise _fail(f"primitive {head.name!r} has no ONNX form: {_WHY_NOT[head.name]}")
        if isinstance(head, Prim) and head.name in ("map", "filter") and len(args) == 2:
            return self.list_call(head.name, args[0], self.value(args[1], env), env)
        if isinstance(head, Prim) and head.name == "chain?" and len(args) == 2:
            return self.chain(args[0], self.value(args[1], env), env)
        if isinstance(head, Prim) and head.name == "fold" and len(args) == 3:
            return self.fold(self.value(args[0], env), self.value(args[1], env), args[2], env)
        return self.call(head, [self.value(a, env) for a in args], env)

    def call(self, f: Expr, args: list[_V], env: list[_V]) -> _V:
        """Function ``f`` (in ``env``) applied to ``args``."""
        if isinstance(f, Lam):
            if not args:
                raise _fail("a function is the program's value, which has no ONNX form")
            return self.call(f.body, args[1:], [*env, args[0]]) if args[1:] else self.value(
                f.body, [*env, args[0]])  # fmt: skip
        if isinstance(f, Invented):
            if isinstance(f.body, Lam):
                return self.call(f.body, args, [])
            if args:
                raise _fail("a function computed by the program has no ONNX form")
            return self.value(f.body, [])
        if isinstance(f, Var):
            raise _fail("a function passed as an argument has no ONNX form")
        if isinstance(f, App):
            head, inner = spine(f)
            return self.call(head, [*[self.value(a, env) for a in inner], *args], env)
        if not isinstance(f, Prim):
            raise _fail(f"{f} has no ONNX form")
        return self.primitive(f.name, args, env)

    def primitive(self, name: str, args: list[_V], env: list[_V]) -> _V:
        p = self.grammar.primitives.get(name)
        if p is None:
            raise _fail(f"unknown primitive {name!r}")
        if isinstance(p.value, ModuleFunction):
            self._exact(name, args, 1)
            return self.module(p.value.module, args[0])
        if name in ("0", "1"):
            self._exact(name, args, 0)
            return _V(self.constant(np.asarray(int(name), dtype=np.int64)), INT, 0)
        if name in _WHY_NOT:
            raise _fail(f"primitive {name!r} has no ONNX form: {_WHY_NOT[name]}")
        if name in _BINARY:
            self._exact(name, args, 2)
            a, b = self._aligned(args[0], args[1])
            depth = max(a.depth, b.depth)
            return _V(self.node(_BINARY[name], a.name, b.name), _RETURNS[name], depth)
        if name == "not":
            self._exact(name, args, 1)
            return replace(args[0], name=self.node("Not", args[0].name), item=BOOL)
        if name in ("sum", "length"):
            self._exact(name, args, 1)
            return self.reduce(name, args[0])
        if name in ("map", "filter", "fold", "chain?"):
            form = (
                "(fold LIST INIT (lam (lam ...)))" if name == "fold" else f"({name} (lam ...) LIST)"
            )
            raise _fail(
                f"{name!r} is given its function and list in a form the graph cannot follow "
                f"(it can: {form})"
            )
        raise _fail(
            f"primitive {name!r} has no ONNX form (modules, map, filter, sum, length, "
            "fold, chain?, +, eq?, gt?, le?, not, 0 and 1 do)"
        )

    def _exact(self, name: str, args: list[_V], arity: int) -> None:
        if len(args) != arity:
            raise _fail(f"{name!r} takes {arity} arguments here, given {len(args)}")

    def _aligned(self, a: _V, b: _V) -> tuple[_V, _V]:
        """Two scalars of different depths made to broadcast: the shallower one gets
        axes of size 1 for the other's inner batch axes."""
        if a.listy or b.listy:
            raise _fail("a list where a number is needed")
        if a.depth == b.depth or min(a.depth, b.depth) == 0:
            return a, b
        low, high = (a, b) if a.depth < b.depth else (b, a)
        axes = self.ints(list(range(low.depth, high.depth)))
        lifted = replace(low, name=self.node("Unsqueeze", low.name, axes), depth=high.depth)
        return (lifted, high) if low is a else (high, lifted)

    def spread(self, v: _V, like: _V) -> str:
        """``v`` on every item of list ``like`` (``like.depth + 1`` batch axes)."""
        depth = like.depth + 1
        if v.depth == depth:
            return v.name
        name = v.name
        if v.depth > 0:
            name = self.node("Unsqueeze", name, self.ints(list(range(v.depth, depth))))
        shape = self.node("Shape", like.name, start=0, end=depth)
        inner = len(shape_of(v.item) or ()) if isinstance(v.item, TCon) else 0
        if inner and not v.listy:  # a tensor's own axes broadcast from size 1
            shape = self.node("Concat", shape, self.ints([1] * inner), axis=0)
        return self.node("Expand", name, shape)

    # --- lists --------------------------------------------------------------------------
    def list_call(self, name: str, f: Expr, xs: _V, env: list[_V]) -> _V:
        """``map f xs`` or ``filter f xs``: ``f`` applied to every item at once."""
        if not xs.listy:
            raise _fail(f"{name!r} needs a list")
        xs = self.lifted(xs, env)  # f may read an item of an enclosing map
        item = _V(xs.name, xs.item, xs.depth + 1)
        out = self.call(f, [item], env)
        if out.listy:
            raise _fail(f"{name!r} makes a list of lists here, which has no ONNX form")
        spread = self.spread(out, xs)
        if name == "map":
            return _V(spread, out.item, xs.depth, True, xs.mask)
        kept = spread if xs.mask is None else self.node("And", xs.mask, spread)
        return replace(xs, mask=kept)

    def fold(self, xs: _V, init: _V, f: Expr, env: list[_V]) -> _V:
        """``fold xs init f`` from the right, as the interpreter: an ONNX Loop over the list
        axis whose body is ``f`` applied to item ``L-1-i`` and the accumulator (one per
        batch row), for every row at once; an item a ``filter`` dropped leaves it as is."""
        import onnx

        if not xs.listy:
            raise _fail("'fold' needs a list")
        if init.listy:
            raise _fail("a fold whose accumulator is a list (its length may change item by item)")
        items = self.lifted(xs, [init, *env])
        depth = items.depth
        count = self.node("Squeeze", self.node("Shape", items.name, start=depth, end=depth + 1))
        last = self.node("Sub", count, self.constant(np.asarray(1, dtype=np.int64)))
        start = self.at(init, items, depth)
        step, acc = f"{start}_step", f"{start}_acc"
        outer, self.nodes = self.nodes, []
        index = self.node("Sub", last, step)
        item = _V(self.node("Gather", items.name, index, axis=depth), xs.item, depth)
        carried = _V(acc, init.item, depth)
        out = self.call(f, [item, carried], env)
        if out.listy or out.item != init.item:
            raise _fail("a fold's function gives a value of another type than its accumulator")
        new = self.at(out, carried, depth)
        if items.mask is not None:
            kept = self.node("Gather", items.mask, index, axis=depth)
            if inner := _rank(init.item):
                kept = self.node("Unsqueeze", kept, self.ints(list(range(depth, depth + inner))))
            if init.item == BOOL:  # onnxruntime has no Where for bools
                stays = self.node("And", self.node("Not", kept), acc)
                new = self.node("Or", self.node("And", kept, new), stays)
            else:
                new = self.node("Where", kept, new, acc)
        self.nodes.append(onnx.helper.make_node("Identity", [f"{start}_go"], [f"{start}_goes"]))
        self.nodes.append(onnx.helper.make_node("Identity", [new], [f"{start}_next"]))
        element = _element(init.item)
        body = onnx.helper.make_graph(
            self.nodes,
            f"fold_{start}",
            [
                onnx.helper.make_tensor_value_info(step, _int64(), []),
                onnx.helper.make_tensor_value_info(f"{start}_go", onnx.TensorProto.BOOL, []),
                onnx.helper.make_tensor_value_info(acc, element, None),
            ],
            [
                onnx.helper.make_tensor_value_info(f"{start}_goes", onnx.TensorProto.BOOL, []),
                onnx.helper.make_tensor_value_info(f"{start}_next", element, None),
            ],
        )
        self.nodes = outer
        return _V(self.node("Loop", count, "", start, body=body), init.item, depth)

    def chain(self, rel: Expr, xs: _V, env: list[_V]) -> _V:
        """``chain? rel xs``: ``rel`` on every pair of neighbours at once (the list but its
        last item beside the list but its first), true where no pair fails; the items a
        ``filter`` kept are first moved to the front, in order."""
        if not xs.listy:
            raise _fail("'chain?' needs a list")
        items = self.lifted(xs, env)
        if items.mask is not None:
            items = self.compacted(items)
        d = items.depth
        end = self.ints([np.iinfo(np.int64).max])
        firsts = self.node("Slice", items.name, self.ints([0]), self.ints([-1]), self.ints([d]))
        seconds = self.node("Slice", items.name, self.ints([1]), end, self.ints([d]))
        ok = self.call(rel, [_V(firsts, items.item, d + 1), _V(seconds, items.item, d + 1)], env)
        if ok.listy or ok.item != BOOL:
            raise _fail("'chain?' is given a relation that does not give a bool")
        bad = self.node("Not", self.spread(ok, _V(firsts, items.item, d, True)))
        if items.mask is not None:  # pair k is in the list when item k + 1 is
            kept = self.node("Slice", items.mask, self.ints([1]), end, self.ints([d]))
            bad = self.node("And", bad, kept)
        count = self.node(
            "ReduceSum", self.node("Cast", bad, to=_int64()), self.ints([d]), keepdims=0
        )
        return _V(self.node("Equal", count, self.constant(np.asarray(0, np.int64))), BOOL, d)

    def compacted(self, xs: _V) -> _V:
        """Masked list ``xs`` with its kept items first, in order, and a mask of the
        first ``n`` (``n`` the number kept), for each row."""
        import onnx

        assert xs.mask is not None
        d = xs.depth
        size = self.node("Shape", xs.name, start=d, end=d + 1)
        positions = self.node(
            "Range", self.constant(np.asarray(0, np.int64)), self.node("Squeeze", size),
            self.constant(np.asarray(1, np.int64)),
        )  # fmt: skip
        keys = self.node("Where", xs.mask, positions, self.node("Add", positions, size))
        order = f"{keys}_order"  # the indices of the smallest keys, smallest first
        self.nodes.append(
            onnx.helper.make_node(
                "TopK", [keys, size], [f"{keys}_sorted", order], axis=d, largest=0, sorted=1
            )
        )
        inner = _rank(xs.item)
        if inner:
            order = self.node("Unsqueeze", order, self.ints(list(range(d + 1, d + 1 + inner))))
            order = self.node("Expand", order, self.node("Shape", xs.name))
        front = self.node("GatherElements", xs.name, order, axis=d)
        count = self.node("ReduceSum", self.node("Cast", xs.mask, to=_int64()), self.ints([d]))
        return replace(xs, name=front, mask=self.node("Less", positions, count))

    def at(self, v: _V, like: _V, depth: int) -> str:
        """``v`` (not a list) on every row of ``like``'s first ``depth`` batch axes."""
        name = v.name
        if 0 < v.depth < depth:
            name = self.node("Unsqueeze", name, self.ints(list(range(v.depth, depth))))
        rows = self.node("Shape", like.name, start=0, end=depth)
        if inner := _rank(v.item):  # a tensor's own axes broadcast from size 1
            rows = self.node("Concat", rows, self.ints([1] * inner), axis=0)
        return self.node("Expand", name, rows)

    def lifted(self, xs: _V, others: list[_V]) -> _V:
        """List ``xs`` (and its mask) on every row of the deepest of ``others``, when it
        has more batch axes (a list from outside the ``map`` that reads the list)."""
        like = max((xs, *others), key=lambda v: v.depth)
        depth = like.depth
        if xs.depth == depth:
            return xs
        axes = self.ints(list(range(xs.depth, depth)))
        rows = self.node("Shape", like.name, start=0, end=depth)
        name = self.node("Unsqueeze", xs.name, axes)
        ones = self.ints([1] * (1 + _rank(xs.item)))
        name = self.node("Expand", name, self.node("Concat", rows, ones, axis=0))
        mask = xs.mask
        if mask is not None:
            mask = self.node("Unsqueeze", mask, axes)
            mask = self.node("Expand", mask, self.node("Concat", rows, self.ints([1]), axis=0))
        return replace(xs, name=name, depth=depth, mask=mask)

    def reduce(self, name: str, xs: _V) -> _V:
        if not xs.listy:
            raise _fail(f"{name!r} needs a list")
        if name == "length":
            if xs.mask is None:
                size = self.node("Shape", xs.name, start=xs.depth, end=xs.depth + 1)
                rows = self.node("Shape", xs.name, start=0, end=xs.depth)
                return _V(self.node("Expand", self.node("Squeeze", size), rows), INT, xs.depth)
            kept = self.node("Cast", xs.mask, to=_int64())
            return _V(
                self.node("ReduceSum", kept, self.ints([xs.depth]), keepdims=0), INT, xs.depth
            )
        values = xs.name
        if xs.mask is not None:
            zero = self.constant(np.asarray(0, dtype=np.int64))
            values = self.node("Where", xs.mask, values, zero)
        return _V(self.node("ReduceSum", values, self.ints([xs.depth]), keepdims=0), INT, xs.depth)

    # --- modules ------------------------------------------------------------------------
    def module(self, module: Module, x: _V) -> _V:
        """``module`` applied to every value of ``x`` at once (its batch axes kept)."""
        if x.listy or not isinstance(x.item, TCon) or x.item.name not in _PERCEPTUAL:
            raise _fail(f"module {module.name!r} is applied to a value it cannot read")
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
        return _V(back, module.type.returns(), x.depth)


def _rank(t: Type) -> int:
    """The number of a value's own axes: a tensor's or image's, none for an int or bool."""
    return len(shape_of(t) or ()) if isinstance(t, TCon) and t.name in _PERCEPTUAL else 0


def _int64() -> int:
    import onnx

    return int(onnx.TensorProto.INT64)
