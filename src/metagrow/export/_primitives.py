"""What an exported module calls a primitive by, and how it reads a domain's own values.

A primitive's function is copied when it is a top-level function of a module; a rule
fitted to one task (an instance of a top-level class holding its table) is written as
``fitted_<name> = Class(<its table as data>)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from types import FunctionType
from typing import Any

from metagrow.export._data import data_source
from metagrow.export._errors import ExportError
from metagrow.export._source import Collector
from metagrow.lang import Primitive, TCon, Type, shape_of

Codecs = Mapping[str, Sequence[Callable[..., Any]]]
"""A domain's own value types by name, and the functions that read and write them
(:meth:`metagrow.domains.Domain.codecs`)."""


def has_codec(t: Type, codecs: Codecs) -> bool:
    """Whether ``t`` is one of the domain's own types: a name such as ``grid``, or a
    shaped one such as ``image[8,8]``."""
    return isinstance(t, TCon) and t.name in codecs and (not t.args or shape_of(t) is not None)


def codec_functions(t: Type, codecs: Codecs) -> tuple[tuple[str, str], ...]:
    """The (module, function) definitions that read and write the domain types in ``t``;
    ``ExportError`` (one line) for one not named ``decode_<type>`` / ``encode_<type>``,
    which is how the exported module finds them."""
    found = []
    for constructor in sorted(set(t.constructors()) & set(codecs)):
        for fn in codecs[constructor]:
            module, name = getattr(fn, "__module__", ""), getattr(fn, "__qualname__", "")
            if name not in (f"decode_{constructor}", f"encode_{constructor}") or not module:
                raise ExportError(
                    f"the codec {name or fn!r} of type {constructor} must be a top-level "
                    f"function named decode_{constructor} or encode_{constructor}"
                )
            found.append((module, name))
    return tuple(found)


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
