"""Picking a domain: the one table of built-in domain names, import strings for domains
written outside metagrow (``package.module:ClassName``), and detection from a task file."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping
from functools import reduce

from metagrow.domains._domain import JSON, Domain


class DomainSpecError(ValueError):
    """A domain name or import string that does not give a domain; the message is one line
    saying what to write instead."""


def _lists() -> Domain:
    from metagrow.domains.lists import ListsDomain

    return ListsDomain()


def _grids() -> Domain:
    """The grids domain, imported only when picked (it loads numpy)."""
    from metagrow.domains.grids import GridsDomain

    return GridsDomain()


def _digits() -> Domain:
    from metagrow.domains.digits import DigitsDomain

    return DigitsDomain()


def _perception() -> Domain:
    from metagrow.domains.perception import PerceptionDomain

    return PerceptionDomain()


def _numeric() -> Domain:
    from metagrow.domains.numeric import NumericDomain

    return NumericDomain()


BUILTIN_DOMAINS: Mapping[str, Callable[[], Domain]] = {
    "lists": _lists,
    "grids": _grids,
    "arc": _grids,
    "digits": _digits,
    "numeric": _numeric,
    "perception": _perception,
}
"""Built-in domains by the names the command line and ``metagrow.solve`` accept."""

_DETECTION_ORDER = ("grids", "perception", "numeric", "lists")
"""Which built-in domains may claim a task file, most specific first; the last one is also
the fallback, whose loader then says what is wrong with the file."""


def domain_from_spec(spec: str) -> Domain:
    """The domain named ``spec``: a built-in name, or ``package.module:ClassName`` (the
    current directory is searched first, then installed packages; the class is built with
    no arguments)."""
    if ":" not in spec:
        make = BUILTIN_DOMAINS.get(spec)
        if make is None:
            raise DomainSpecError(
                f"unknown domain {spec!r}; choose one of: {', '.join(BUILTIN_DOMAINS)}, "
                "or give your own as package.module:ClassName"
            )
        return make()
    return _imported(spec)


def _imported(spec: str) -> Domain:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise DomainSpecError(f"domain {spec!r}: write it as package.module:ClassName")
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name is not None and module_name.startswith(err.name):
            raise DomainSpecError(
                f"domain {spec!r}: no module {module_name!r} in the current directory "
                "or the installed packages"
            ) from None
        raise DomainSpecError(f"domain {spec!r}: importing {module_name} failed: {err}") from None
    except Exception as err:
        raise DomainSpecError(
            f"domain {spec!r}: importing {module_name} failed: {type(err).__name__}: {err}"
        ) from None
    try:
        cls = reduce(getattr, attr.split("."), module)
    except AttributeError:
        raise DomainSpecError(f"domain {spec!r}: {module_name} has no {attr!r}") from None
    if not (isinstance(cls, type) and issubclass(cls, Domain)):
        raise DomainSpecError(f"domain {spec!r}: {attr} is not a subclass of metagrow's Domain")
    try:
        return cls()
    except Exception as err:
        raise DomainSpecError(
            f"domain {spec!r}: {attr}() failed: {type(err).__name__}: {err}"
        ) from None


def detect_domain(data: JSON) -> Domain:
    """The first built-in domain that recognises a task's parsed JSON (``grids`` for ARC's
    own format or a type naming grids or colours, ``perception`` for a type naming
    tensors or images, ``lists`` for ints, booleans and lists);
    failing those, the fallback (``lists``), whose loader reports what is wrong."""
    for name in _DETECTION_ORDER:  # built one at a time: each imports its own code
        domain = BUILTIN_DOMAINS[name]()
        if domain.recognises(data):
            return domain
    return domain
