"""A fitted model as one standalone Python module that needs numpy, never metagrow.

Each program becomes a function of the rows written as numpy code, one call a node of
its expression tree, its fitted constants written in as numbers: the numpy function of
the numeric ops table (``np.add``) or, for an op that is not one numpy function, a copy
of the op's own definition. So the module computes what
:meth:`metagrow.api.Model.predict` computes, to the bit, nan and inf included; its
self-check (``python THIS.py``) replays rows whose predictions were computed at export.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from metagrow.domains.numeric._ops import BY_NAME, CONSTANT, OPS, Op, literal
from metagrow.domains.numeric._vector import FloatArray, NotNumeric, body_of
from metagrow.export._errors import ExportError
from metagrow.export._source import Collector
from metagrow.lang import Expr, Prim, Var, spine

if TYPE_CHECKING:
    from metagrow.api._model import Model

_RUNTIME: Final = "metagrow.export._model_runtime"
_INDENT: Final = "    "
_LINE: Final = 80
"""A call whose text would be longer than this has its longest arguments computed first,
one line each (which also keeps the nesting shallow)."""
_RESERVED: Final = re.compile(r"[tx][0-9]+|np|X")
_OP_FUNCTIONS: Final = frozenset(getattr(op.numpy, "__name__", "") for op in OPS)
DEFAULT_ROWS: Final = (0.0, 1.0, -1.0, 0.5, -2.5)
"""Given no rows to replay, the self-check replays one row of each of these numbers."""


def model_to_python(model: Model, *, rows: npt.ArrayLike | None = None) -> str:
    """The source of a module that predicts as ``model`` does: ``COLUMNS``, ``TARGET``,
    ``KIND``, ``CLASSES``, ``PROGRAMS``, a function ``score_i(X)`` a program, ``scores(X)``
    (one column a program: the value; the logit of the second class; one logit a class)
    and ``predict(X)``. Its self-check replays ``rows`` (default: a row of each of
    :data:`DEFAULT_ROWS`), expecting what ``model.predict`` gives on them now. Raises
    :class:`ExportError` (one line) for a program with a part numpy cannot express."""
    if not model.columns:
        raise ExportError("the model has no columns")
    arity = len(model.columns)
    helpers = Collector()
    programs = [
        _Function(model.columns, helpers, p.constants).write(f"score_{i}", p.structure)
        for i, p in enumerate(model.programs)
    ]
    replayed = _rows(rows, arity)
    with np.errstate(all="ignore"):
        expected = model.predict(replayed)
    runtime = Collector()
    for name in ("table", "program_scores", "pick", "main"):
        runtime.add(_RUNTIME, name)
    clash = runtime.names() & helpers.names()
    if clash:
        raise ExportError(f"the ops and the model runtime both define {sorted(clash)[0]}")
    imports = set(runtime.imports()) | set(helpers.imports()) | {"import numpy as np"}
    texts = tuple(str(p.program) for p in model.programs)
    parts = [
        _docstring(model.kind),
        "from __future__ import annotations",
        _import_lines(imports),
        f"COLUMNS = {model.columns!r}\nTARGET = {model.target!r}\nKIND = {model.kind!r}\n"
        f"CLASSES = {model.classes!r}\nPROGRAMS = {texts!r}",
    ]
    if helpers.definitions():
        parts += ["# --- the ops that are not one numpy function", *helpers.definitions()]
    parts += [
        "# --- the programs, one numpy call a node",
        *programs,
        f"SCORES = ({', '.join(f'score_{i}' for i in range(len(programs)))},)",
        "# --- rows in, predictions out, and the self-check",
        *runtime.definitions(),
        _ENTRY_POINTS,
        f"ROWS = [{', '.join(_list(row) for row in replayed)}]\n"
        f"EXPECTED = [{', '.join(_value(v) for v in expected)}]",
        f'if __name__ == "__main__":\n{_INDENT}sys.exit(main(predict, COLUMNS, ROWS, EXPECTED))',
    ]
    return "\n\n\n".join(parts) + "\n"


def _docstring(kind: str) -> str:
    said = "a number (nan where the program fails)" if kind == "regression" else "a class label"
    return (
        f'"""A {kind} model fitted by metagrow, exported as plain Python and numpy.\n\n'
        "It needs numpy, never metagrow. predict(X) takes rows (a 2-D array-like, columns\n"
        "in COLUMNS order, or a list of dicts keyed by column name) and gives one\n"
        f"prediction a row: {said}.\nscores(X) gives each program's value on each row.\n"
        "`python THIS.py` replays the rows it was exported with (exit 1 if a prediction\n"
        "differs); `python THIS.py FILE.csv` prints one prediction a row of FILE.csv.\n"
        '"""'
    )


_ENTRY_POINTS: Final = f'''def scores(X):
{_INDENT}"""One row a row of X, one column a program: its value (nan or inf where it fails)."""
{_INDENT}return program_scores(table(X, COLUMNS), SCORES)


def predict(X):
{_INDENT}"""One prediction a row of X, as the model predicts it."""
{_INDENT}return pick(scores(X), KIND, CLASSES)'''


class _Function:
    """Writes one program as a function of the rows ``X``: a line a column it reads, a
    line a call too long to nest, then the value."""

    def __init__(
        self, columns: Sequence[str], helpers: Collector, constants: Iterable[float]
    ) -> None:
        self._arity = len(columns)
        self._columns = columns
        self._names = _column_names(columns)
        self._helpers = helpers
        self._constants: Iterator[float] = iter(constants)
        self._lines: list[str] = []
        self._read: set[int] = set()

    def write(self, name: str, structure: Expr) -> str:
        try:
            body = body_of(structure, self._arity)
        except NotNumeric as err:
            raise ExportError(f"{name}: {' '.join(str(err).split())}") from None
        value = self._node(body)
        if next(self._constants, None) is not None:
            raise ExportError(f"{name}: more constants than the program has slots")
        columns = [
            f"{self._names[j]} = np.ascontiguousarray(X[:, {j}]){self._comment(j)}"
            for j in sorted(self._read)
        ]
        doc = f'"""PROGRAMS[{name.rsplit("_", 1)[1]}] on each row of X."""'
        lines = [doc, *columns, *self._lines, f"return {value}"]
        return f"def {name}(X):\n" + "".join(f"{_INDENT}{line}\n" for line in lines).rstrip()

    def _comment(self, j: int) -> str:
        column = self._columns[j]
        return "" if self._names[j] == column else f"  # {column!r}"

    def _node(self, e: Expr) -> str:
        if isinstance(e, Var):
            if e.index >= self._arity:
                raise ExportError(f"the variable ${e.index} is not a column")
            j = self._arity - 1 - e.index
            self._read.add(j)
            return self._names[j]
        head, args = spine(e)
        if not isinstance(head, Prim):
            raise ExportError(f"{e} is not a first-order numeric program")
        if head.name == CONSTANT and not args:
            value = next(self._constants, None)
            if value is None:
                raise ExportError("the program has more constant slots than constants")
            return _number(value)
        number = literal(head.name)
        if number is not None and not args:
            return _number(number)
        op = BY_NAME.get(head.name)
        if op is None or op.name == CONSTANT or len(op.arguments) != len(args):
            raise ExportError(f"{head.name} is not a numeric op applied to all its arguments")
        function = self._function(op)
        return self._call(function, [self._node(a) for a in args])

    def _function(self, op: Op) -> str:
        fn = op.numpy
        if isinstance(fn, np.ufunc):
            if getattr(np, fn.__name__, None) is not fn:
                raise ExportError(
                    f"the op {op.name} is numpy's {fn.__name__}, not np.{fn.__name__}"
                )
            return f"np.{fn.__name__}"
        name, module = getattr(fn, "__name__", ""), getattr(fn, "__module__", "")
        if not name.isidentifier():
            raise ExportError(f"the op {op.name} is not a top-level function of its module")
        return self._helpers.add(module, name)

    def _call(self, function: str, arguments: list[str]) -> str:
        while len(function) + 2 * len(arguments) + sum(map(len, arguments)) > _LINE:
            i = max(range(len(arguments)), key=lambda i: len(arguments[i]))
            if "(" not in arguments[i]:
                break
            temp = f"t{len(self._lines)}"
            self._lines.append(f"{temp} = {arguments[i]}")
            arguments[i] = temp
        return f"{function}({', '.join(arguments)})"


def _import_lines(imports: Iterable[str]) -> str:
    """``import`` lines first, then one ``from`` line a module."""
    plain = sorted(line for line in imports if line.startswith("import "))
    names: dict[str, list[str]] = {}
    for line in imports:
        if line.startswith("from "):
            module, name = line.removeprefix("from ").split(" import ", 1)
            names.setdefault(module, []).append(name)
    froms = [f"from {m} import {', '.join(sorted(names[m]))}" for m in sorted(names)]
    return "\n".join([*plain, *froms])


def _column_names(columns: Sequence[str]) -> list[str]:
    """A variable name a column: its own where that is a plain name no other column or
    the generated code uses, else ``x`` and its position."""
    names: list[str] = []
    for j, c in enumerate(columns):
        plain = c.isidentifier() and not keyword.iskeyword(c) and not c.startswith("_")
        free = not _RESERVED.fullmatch(c) and c not in _OP_FUNCTIONS and c not in names
        names.append(c if plain and free else f"x{j}")
    return names


def _rows(rows: npt.ArrayLike | None, arity: int) -> FloatArray:
    if rows is None:
        return np.array([[v] * arity for v in DEFAULT_ROWS], dtype=np.float64)
    array = np.asarray(rows, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != arity:
        raise ExportError(f"rows to replay must be a table of {arity} columns, got {array.shape}")
    return array


def _number(value: float) -> str:
    value = float(value)
    if math.isnan(value):
        return "np.nan"
    if math.isinf(value):
        return "np.inf" if value > 0 else "-np.inf"
    return repr(value)


def _list(row: Iterable[float]) -> str:
    return f"[{', '.join(_number(v) for v in row)}]"


def _value(value: object) -> str:
    return _number(value) if isinstance(value, float) else repr(value)
