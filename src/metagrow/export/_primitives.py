"""What an exported module calls a primitive by, and how it reads a domain's own values.

A primitive's function is copied when it is a top-level function of a module; a rule
fitted to one task (an instance of a top-level class holding its table) is written as
``fitted_<name> = Class(<its table as data>)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from types import FunctionType

from metagrow.export._data import data_source
from metagrow.export._errors import ExportError
from metagrow.export._source import Collector
from metagrow.lang import Primitive, TCon, Type

CODECS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "grid": ("metagrow.domains.grids._domain", ("decode_grid", "encode_grid")),
    "color": ("metagrow.domains.grids._domain", ("decode_color",)),
}
"""A domain's own value types: the module whose ``decode_<name>`` (and ``encode_<name>``,
when the value is not its own JSON form) the exported module copies to read (and write)
them, as the domain's ``decode`` and ``encode`` do."""


def has_codec(t: Type) -> bool:
    return isinstance(t, TCon) and not t.args and t.name in CODECS


def codecs(t: Type) -> tuple[tuple[str, str], ...]:
    """The (module, function) definitions that read and write the domain types in ``t``."""
    return tuple(
        (module, name)
        for constructor in sorted(set(t.constructors()) & set(CODECS))
        for module, names in [CODECS[constructor]]
        for name in names
    )


def value_of(p: Primitive) -> tuple[str, str]:
    """The module and name of the top-level function behind primitive ``p``;
    ``ExportError`` with one line saying why there is none."""
    fn = p.value
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if module and qualname.isidentifier():
        return module, qualname
    raise ExportError(
        f"primitive {p.name!r} has no plain-Python form "
        "(its function is not a top-level function of a module)"
    )


def is_function(p: Primitive) -> bool:
    """Whether ``p``'s value is a function (copied by name), not fitted data."""
    fn = p.value
    return (
        isinstance(fn, (FunctionType, partial)) or not callable(fn) or hasattr(fn, "__qualname__")
    )


def runtime_name(runtime: Collector, p: Primitive) -> str:
    """The name the exported module calls primitive ``p`` by: its top-level function,
    copied, or (for a rule fitted to one task) a module-level ``fitted_<name>``."""
    if is_function(p):
        return runtime.add(*value_of(p))
    name = "fitted_" + re.sub(r"\W", "_", p.name)
    try:
        text = data_source(runtime, p.value)
    except ExportError as err:
        raise ExportError(
            f"primitive {p.name!r} is fitted to one task and has no export form yet ({err})"
        ) from None
    return runtime.define(name, f"{name} = {text}")
