"""A primitive fitted to one task's examples, written into an exported module as data.

Such a primitive's value is an instance of a top-level class whose call is the rule and
whose fields are the fitted table: :func:`data_source` writes it as the Python expression
that builds it again (``TaskRule(CellRule(family=family_named('n4'), keys=np.array([...],
dtype=np.int64), ...))``), asking the Collector for each class and function it names.
Fields are written as literals of ints, strings, tuples and arrays; a value whose class
says how to rebuild it (``__reduce__``: a function and its arguments, as ``Grid`` does)
is written as that call; a top-level function by its name.
"""

from __future__ import annotations

import dataclasses
import math
from types import FunctionType

import numpy as np

from metagrow.export._errors import ExportError
from metagrow.export._source import Collector

_MODULE = "metagrow.export._data"


def data_source(runtime: Collector, value: object) -> str:
    """``value`` as a Python expression of the exported module; ``ExportError`` naming
    what has no written form."""
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, tuple):
        items = [data_source(runtime, v) for v in value]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    if isinstance(value, list):
        return f"[{', '.join(data_source(runtime, v) for v in value)}]"
    if isinstance(value, frozenset):
        items = sorted(data_source(runtime, v) for v in value)
        return f"frozenset({{{', '.join(items)}}})" if items else "frozenset()"
    if isinstance(value, dict):
        pairs = (f"{data_source(runtime, k)}: {data_source(runtime, v)}" for k, v in value.items())
        return f"{{{', '.join(pairs)}}}"
    if isinstance(value, np.ndarray):
        np_name = runtime.add(_MODULE, "np")
        data = data_source(runtime, value.tolist())
        return f"{np_name}.array({data}, dtype={value.dtype.name!r})"
    if isinstance(value, np.generic):
        np_name = runtime.add(_MODULE, "np")
        return f"{np_name}.array({value.item()!r}, dtype={value.dtype.name!r})[()]"
    if isinstance(value, FunctionType):
        return _named(runtime, value.__module__, value.__qualname__)
    if isinstance(getattr(value, "__wrapped__", None), FunctionType):  # an lru_cache's
        return _named(runtime, getattr(value, "__module__", ""), getattr(value, "__qualname__", ""))
    if type(value).__reduce__ is not object.__reduce__:
        reduced = value.__reduce__()
        if isinstance(reduced, str):
            raise ExportError(f"it holds the global {reduced}, which has no written form")
        rebuild, args = reduced[0], reduced[1]
        module, qualname = getattr(rebuild, "__module__", ""), getattr(rebuild, "__qualname__", "")
        written = ", ".join(data_source(runtime, a) for a in args)
        return f"{_named(runtime, module, qualname)}({written})"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        fields = [
            f"{f.name}={data_source(runtime, getattr(value, f.name))}"
            for f in dataclasses.fields(value)
            if f.init
        ]
        return f"{_named(runtime, cls.__module__, cls.__qualname__)}({', '.join(fields)})"
    raise ExportError(f"it holds a {type(value).__name__}, which has no written form")


def _named(runtime: Collector, module: str, qualname: str) -> str:
    """A top-level function or class (or a method of one: ``Grid.of``), copied."""
    owner, _, rest = qualname.partition(".")
    if not module or not owner.isidentifier() or "<" in qualname:
        raise ExportError(f"it uses {module}.{qualname}, which is not a top-level definition")
    name = runtime.add(module, owner)
    return f"{name}.{rest}" if rest else name
