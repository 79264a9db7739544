"""Numeric programs and fitted models as ONNX graphs, to run without metagrow (issue 22).

A program becomes standard ONNX ops over a float64 input ``X`` of shape ``[N, arity]``
(column ``j`` is the program's ``j``-th argument). The graph computes what
:class:`~metagrow.domains.numeric.VectorProgram` computes, ``nan`` and ``inf`` included:
both are IEEE float64 arithmetic, so ``add sub mul div neg square cube sqrt abs min max
lt if`` agree to the bit (``square`` is ``a*a`` and ``cube`` ``(a*a)*a`` in both).
``exp log tanh`` are onnxruntime's own, within an ulp or two of numpy's; ``sin cos`` are
reduced by pi in the graph first (:meth:`_Graph.sine`), for the same accuracy. Parts that
use no column (numbers, and what is computed from them alone) are computed here with
numpy as VectorProgram computes them and written into the graph as numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, final

import numpy as np

from metagrow.domains.numeric._ops import BY_NAME, CONSTANT, OPS, literal
from metagrow.domains.numeric._vector import NotNumeric, body_of
from metagrow.export._errors import ExportError
from metagrow.lang import Expr, Hole, Lam, Prim, Var, spine

if TYPE_CHECKING:
    import onnx

    from metagrow.api._model import Model

MIN_OPSET: Final = 17
"""The oldest ONNX opset the graphs are written for (``Shape`` with ``end``, double
``Where``, ``Less`` and ``Min``/``Max``)."""

_ELEMENTWISE: Final = {
    "add": "Add",
    "sub": "Sub",
    "mul": "Mul",
    "div": "Div",
    "neg": "Neg",
    "sqrt": "Sqrt",
    "exp": "Exp",
    "log": "Log",
    "tanh": "Tanh",
    "abs": "Abs",
    "min": "Min",
    "max": "Max",
    "lt": "Less",
}
"""Primitives that are one ONNX op of the same arguments; ``square cube sin cos if`` are
built in :meth:`_Graph.apply`."""

_PI_PARTS: Final = (
    float.fromhex("0x1.921fb54400000p+1"),
    float.fromhex("0x1.0b4611a600000p-33"),
    float.fromhex("0x1.3198a2e037073p-68"),
)
"""pi as a sum of three doubles, the first two of 33 significant bits: their products
with a multiple below 2**20 are exact (computed with mpmath at 300 bits)."""
_REDUCED_BELOW: Final = 2.0**18
"""Arguments of sin and cos reduced by :meth:`_Graph.sine`: the multiple of pi stays
below 2**17, so its products with the parts of pi are exact."""
_NOOP_CANDIDATES: Final = frozenset({"add", "sub", "mul", "div"})
_SUPPORTED: Final = " ".join(op.name for op in OPS)


@final
@dataclass(frozen=True, slots=True)
class _Value:
    """A node's value: a tensor of the graph (``name``) or, for a part that uses no
    column, the number (or numpy bool) numpy computes for it; ``boolean`` for ``lt``."""

    name: str | None
    number: Any
    boolean: bool


def onnx_model(
    expr: Expr,
    arity: int,
    *,
    names: Sequence[str] | None = None,
    constants: Sequence[float] | None = None,
    opset: int = MIN_OPSET,
) -> onnx.ModelProto:
    """The numeric program ``expr`` (``arity`` arguments, returning a real) as an ONNX
    model: input ``X`` (float64, ``[N, arity]``, columns in argument order, called
    ``names`` in the model's metadata), output ``y`` (float64, ``[N]``). Its numbers are
    written in; each ``c`` slot takes the next of ``constants`` in reading order (all 1,
    the unfitted value, if none are given). Raises :class:`ExportError` (one line) for a
    program with a part ONNX cannot express."""
    import onnx

    _check_arguments(arity, names, opset)
    graph = _Graph()
    graph.output("y", graph.program(expr, arity, constants))
    return graph.model(
        "metagrow_program",
        arity,
        names,
        opset,
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.DOUBLE, ["N"])],
        {"metagrow.program": str(expr)},
    )


def fitted_onnx_model(model: Model, *, opset: int = MIN_OPSET) -> onnx.ModelProto:
    """A fitted model (``metagrow fit -o``) as an ONNX model over input ``X`` (float64,
    ``[N, columns]``, in ``model.columns`` order). Outputs, for regression: ``y``
    (float64, ``[N]``); for classification: ``scores`` (float64, ``[N, 1]``, the logit
    of the second class, for two classes; ``[N, K]``, one score a class, for more),
    ``index`` (int64, ``[N]``: the predicted class's position in ``model.classes``) and
    ``label`` (``[N]``, the class label itself: int64 if every label is an integer, else
    text), as :meth:`Model.predict` picks them. The metadata records kind, columns,
    target, classes (JSON) and the programs."""
    import onnx

    arity = len(model.columns)
    _check_arguments(arity, model.columns, opset)
    graph = _Graph()
    scores = [graph.program(p.structure, arity, p.constants) for p in model.programs]
    double, int64 = onnx.TensorProto.DOUBLE, onnx.TensorProto.INT64
    make = onnx.helper.make_tensor_value_info
    if model.kind == "regression":
        graph.output("y", scores[0])
        outputs = [make("y", double, ["N"])]
    else:
        k = len(scores)
        columns = [graph.node("Unsqueeze", graph.column_vector(s), graph.ints([1])) for s in scores]
        table = columns[0] if k == 1 else graph.node("Concat", *columns, axis=1)
        if k == 1:
            above = graph.node("Greater", graph.column_vector(scores[0]), graph.number(0.0))
            index = graph.node("Cast", above, to=int64)
        else:
            finite = graph.node("Less", graph.node("Abs", table), graph.number(np.inf))
            masked = graph.node("Where", finite, table, graph.number(-np.inf))
            index = graph.node("ArgMax", masked, axis=1, keepdims=0, select_last_index=0)
        labels, label_type = graph.labels(model.classes)
        graph.rename(table, "scores")
        graph.rename(index, "index")
        graph.rename(graph.node("Gather", labels, index, axis=0), "label")
        outputs = [
            make("scores", double, ["N", k]),
            make("index", int64, ["N"]),
            make("label", label_type, ["N"]),
        ]
    metadata = {
        "metagrow.kind": model.kind,
        "metagrow.target": model.target,
        "metagrow.classes": json.dumps(list(model.classes)),
        "metagrow.programs": json.dumps([str(p.program) for p in model.programs]),
    }
    return graph.model("metagrow_model", arity, model.columns, opset, outputs, metadata)


def _check_arguments(arity: int, names: Sequence[str] | None, opset: int) -> None:
    if arity < 0:
        raise ValueError(f"arity must be at least 0, got {arity}")
    if names is not None and len(names) != arity:
        raise ValueError(f"names gives {len(names)} column names for {arity} columns")
    if opset < MIN_OPSET:
        raise ValueError(f"opset must be at least {MIN_OPSET}, got {opset}")


def _fail(what: str) -> ExportError:
    return ExportError(f"cannot export to ONNX: {what}")


def _shown(e: Expr, most: int = 60) -> str:
    text = str(e)
    return text if len(text) <= most else text[: most - 3] + "..."


@final
class _Graph:
    """ONNX nodes under construction; equal nodes of equal inputs are built once."""

    __slots__ = ("_built", "initializers", "nodes")

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._built: dict[tuple[Any, ...], str] = {}

    # --- tensors ------------------------------------------------------------------------

    def number(self, value: float) -> str:
        """A float64 scalar tensor holding ``value`` (sign of zero and nan kept)."""
        return self._constant(("double", np.float64(value).tobytes()), np.float64(value))

    def ints(self, values: Sequence[int]) -> str:
        return self._constant(("int64", tuple(values)), np.asarray(values, dtype=np.int64))

    def labels(self, classes: Sequence[str | int]) -> tuple[str, int]:
        """The class labels as a tensor, and its element type."""
        import onnx

        if all(isinstance(c, int) for c in classes):
            array = np.asarray(classes, dtype=np.int64)
            return self._constant(("labels", tuple(classes)), array), onnx.TensorProto.INT64
        array = np.asarray([str(c) for c in classes], dtype=object)
        return self._constant(("labels", tuple(classes)), array), onnx.TensorProto.STRING

    def _constant(self, key: tuple[Any, ...], array: Any) -> str:
        import onnx

        found = self._built.get(key)
        if found is None:
            found = f"k{len(self.initializers)}"
            self.initializers.append(onnx.numpy_helper.from_array(np.asarray(array), found))
            self._built[key] = found
        return found

    def node(self, op: str, *inputs: str, **attributes: Any) -> str:
        import onnx

        key = (op, inputs, tuple(sorted(attributes.items())))
        found = self._built.get(key)
        if found is None:
            found = f"t{len(self.nodes)}"
            self.nodes.append(onnx.helper.make_node(op, list(inputs), [found], **attributes))
            self._built[key] = found
        return found

    def operand(self, primitive: str, number: float) -> str:
        """``number`` as an argument of ``primitive`` whose other argument is a column:
        a scalar, or where onnxruntime would not compute what numpy does with one, the
        number repeated on every row (which onnxruntime cannot fold away). Its Min and Max
        of a column and a scalar pick the other zero of ``0.0, -0.0`` than numpy; and it
        drops ``x+0, x-0, x*1, x/1`` judging the number by its float32 value (so
        ``x + 1e-50`` too), while ``-0.0 + 0.0`` is ``0.0`` in numpy."""
        name = self.number(float(number))
        with np.errstate(all="ignore"):
            single = float(np.float32(number))
        if primitive in ("min", "max") or (primitive in _NOOP_CANDIDATES and single in (0, 1)):
            return self.node("Expand", name, self.rows())
        return name

    def column(self, j: int) -> str:
        return self.node("Gather", "X", self._constant(("column", j), np.int64(j)), axis=1)

    def rows(self) -> str:
        """The 1-D shape ``[N]`` of the input's rows."""
        return self.node("Shape", "X", start=0, end=1)

    def column_vector(self, value: _Value) -> str:
        """``value`` as a ``[N]`` tensor (a number repeated on every row)."""
        if value.name is not None:
            return value.name
        return self.node("Expand", self.number(float(value.number)), self.rows())

    def output(self, name: str, value: _Value) -> None:
        self.rename(self.column_vector(value), name)

    def rename(self, tensor: str, name: str) -> None:
        """Expose ``tensor`` as the graph output ``name`` (an Identity node)."""
        import onnx

        self.nodes.append(onnx.helper.make_node("Identity", [tensor], [name]))

    # --- programs -----------------------------------------------------------------------

    def program(self, expr: Expr, arity: int, constants: Sequence[float] | None) -> _Value:
        """The graph of ``expr``'s body; its ``c`` slots take ``constants`` in order."""
        try:
            body = body_of(expr, arity)
        except NotNumeric as err:
            raise _fail(str(err)) from None
        slots = sum(1 for e in body.walk() if e is Prim(CONSTANT))
        given = [1.0] * slots if constants is None else [float(v) for v in constants]
        if len(given) != slots:
            raise ValueError(f"the program has {slots} constant slots but {len(given)} values")
        value = self._expr(body, arity, iter(given))
        if value.boolean:
            raise _fail(f"the program returns a bool ({_shown(body)}), not a real number")
        return value

    def _expr(self, e: Expr, arity: int, constants: Any) -> _Value:
        if isinstance(e, Var):
            if e.index >= arity:
                raise _fail(f"variable ${e.index} is not one of the {arity} columns")
            return _Value(self.column(arity - 1 - e.index), None, False)
        if isinstance(e, Lam):
            raise _fail(f"a function inside the program ({_shown(e)}) has no ONNX form")
        if isinstance(e, Hole):
            raise _fail("the program has a hole; export a complete program")
        head, args = spine(e)
        if not isinstance(head, Prim):
            raise _fail(f"{_shown(e)} has no ONNX form")
        if head.name == CONSTANT and not args:
            return _Value(None, np.float64(next(constants)), False)
        number = literal(head.name)
        if number is not None and not args:
            return _Value(None, number, False)
        op = BY_NAME.get(head.name)
        if op is None or number is not None:
            raise _fail(
                f"primitive {head.name!r} has no ONNX form; only numeric programs export "
                f"({_SUPPORTED} and numbers)"
            )
        if len(args) != len(op.arguments):
            raise _fail(
                f"primitive {head.name!r} takes {len(op.arguments)} arguments, given "
                f"{len(args)} ({_shown(e)})"
            )
        values = [self._expr(a, arity, constants) for a in args]
        for i, (a, v) in enumerate(zip(args, values, strict=True)):
            if head.name == "if" and i == 0 and not v.boolean:
                raise _fail(f"the test of 'if' must be a comparison (lt), got {_shown(a)}")
            if v.boolean and not (head.name == "if" and i == 0):
                raise _fail(f"{_shown(a)} is a bool where {head.name!r} needs a real number")
        return self.apply(head.name, values, op.numpy)

    def apply(self, name: str, values: list[_Value], numpy: Callable[..., Any]) -> _Value:
        """Primitive ``name`` of ``values``: computed now if they are all numbers, as
        VectorProgram computes it; otherwise as ONNX nodes."""
        boolean = name == "lt"
        if name == "if" and values[0].name is None:
            return values[1] if values[0].number else values[2]
        if all(v.name is None for v in values):
            with np.errstate(all="ignore"):
                return _Value(None, numpy(*(v.number for v in values)), boolean)
        xs = [v.name if v.name is not None else self.operand(name, v.number) for v in values]
        if name == "square":
            return _Value(self.node("Mul", xs[0], xs[0]), None, False)
        if name == "cube":
            return _Value(self.node("Mul", self.node("Mul", xs[0], xs[0]), xs[0]), None, False)
        if name == "if":
            return _Value(self.select(*xs), None, False)
        if name in ("sin", "cos"):
            return _Value(self.sine(xs[0], cosine=name == "cos"), None, False)
        return _Value(self.node(_ELEMENTWISE[name], *xs), None, boolean)

    def select(self, test: str, yes: str, no: str) -> str:
        """``Where(test, yes, no)`` as numpy's ``where``: onnxruntime's float64 Where gives
        ``0.0`` where it takes a ``-0.0`` from ``yes`` (one from ``no`` survives), so
        those rows are multiplied by -1 again."""
        n = self.number
        taken = self.node("Where", test, yes, no)
        zero = self.node("Equal", yes, n(0.0))
        negative = self.node("Less", self.node("Div", n(1.0), yes), n(0.0))  # 1/-0.0 = -inf
        lost = self.node("And", test, self.node("And", zero, negative))
        return self.node("Mul", taken, self.node("Where", lost, n(-1.0), n(1.0)))

    def sine(self, x: str, *, cosine: bool) -> str:
        """``sin x`` or ``cos x`` to within an ulp or two of the result. onnxruntime's own
        float64 Sin and Cos are off by an ulp of their argument, which is all of the
        result near a zero (sin(pi) is -0.0 there, 1.2e-16 in numpy): so ``x`` is first
        reduced by the multiple of pi that brings it to ``[-pi/2, pi/2]`` (``cos`` by an
        odd multiple of pi/2), in three exact parts, and the sign set by the multiple's
        parity. Small (sine) and large arguments, infinities and nan go to the op."""
        n = self.number
        q = self.node("Div", x, n(np.pi))
        k = self.node("Round", self.node("Sub", q, n(0.5)) if cosine else q)
        m = self.node("Add", k, n(0.5)) if cosine else k
        r = x
        for part in _PI_PARTS:
            r = self.node("Sub", r, self.node("Mul", m, n(part)))
        s = self.node("Sin", r)
        half = self.node("Mul", k, n(0.5))
        even = self.node("Equal", self.node("Floor", half), half)
        reduced = self.node("Where", even, self.node("Neg", s), s) if cosine else (
            self.node("Where", even, s, self.node("Neg", s)))  # fmt: skip
        size = self.node("Abs", x)
        inside = self.node("Less", size, n(_REDUCED_BELOW))
        if not cosine:
            inside = self.node("And", self.node("Not", self.node("Less", size, n(2.0))), inside)
        direct = self.node("Cos" if cosine else "Sin", x)
        return self.node("Where", inside, reduced, direct)

    def model(
        self,
        name: str,
        arity: int,
        names: Sequence[str] | None,
        opset: int,
        outputs: list[onnx.ValueInfoProto],
        metadata: dict[str, str],
    ) -> onnx.ModelProto:
        import onnx

        columns = list(names) if names is not None else [f"x{j}" for j in range(arity)]
        x = onnx.helper.make_tensor_value_info("X", onnx.TensorProto.DOUBLE, ["N", int(arity)])
        x.doc_string = "float64 rows; columns: " + ", ".join(columns)
        graph = onnx.helper.make_graph(self.nodes, name, [x], outputs, self.initializers)
        opsets = [onnx.helper.make_opsetid("", opset)]
        made = onnx.helper.make_model(
            graph,
            opset_imports=opsets,
            producer_name="metagrow",
            # the oldest IR version that holds the opset, so older runtimes load the model
            ir_version=onnx.helper.find_min_ir_version_for(opsets),
        )
        onnx.helper.set_model_props(made, {"metagrow.columns": json.dumps(columns), **metadata})
        onnx.checker.check_model(made, full_check=True)
        return made
