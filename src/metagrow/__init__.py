"""metagrow: learn models that are typed programs from a few input/output examples.

Programs are found by search over a domain's primitives (lists, ARC grids, digit
images, or a domain of your own), and a library of inventions grows across tasks. The
command line is ``metagrow`` (``metagrow --help``). From Python::

    import metagrow
    result = metagrow.solve("examples/lists/keep-evens.json", budget=5)
    print(result.program, result.predictions)

``metagrow.solve`` and ``metagrow.learn`` take the options of ``metagrow solve`` and
``metagrow learn`` (imported on first use, as is ``__version__``, so that ``import
metagrow`` stays light). The packages below are the layers: ``lang`` (types, programs,
interpreter), ``domains``, ``search``, ``library``, ``guide``, ``learning``, ``store``,
``bench`` and ``api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metagrow.api import LearnReport, SolveReport, learn, solve

    __version__: str

_API = ("LearnReport", "SolveReport", "learn", "solve")

__all__ = ["LearnReport", "SolveReport", "__version__", "learn", "solve"]


def __getattr__(name: str) -> object:
    if name in _API:
        from metagrow import api

        return getattr(api, name)
    if name == "__version__":  # read from the installed metadata on first use
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("metagrow")
        except PackageNotFoundError:  # run from a source tree that was never installed
            found = "0+unknown"
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module 'metagrow' has no attribute {name!r}")
