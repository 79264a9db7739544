"""Shipped libraries: a learned library as a small JSON file that comes with a domain.

``metagrow library ship`` writes the library of a learning run (``metagrow learn``) to
the file its domain names (:meth:`~metagrow.domains.Domain.shipped_library`), and
``solve`` and ``bench`` search with it unless told ``--no-library``. The file holds the
inventions as program text with their types and log-weights, the production log-weights,
and the base primitives it was learned over (name and type). Reading it checks that
those primitives are still there with the same types and that every invention still
type-checks to its recorded type; a library that no longer matches is refused with one
line (:class:`ShippedLibraryError`) saying how to rebuild it. Primitives added to the
domain since keep their own weights. Trained modules ship as safetensors files beside it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from metagrow.domains import Domain
from metagrow.lang import (
    Grammar,
    GrammarSpec,
    Invented,
    InventionSpec,
    Primitive,
    build_grammar,
    parse_type,
)

if TYPE_CHECKING:
    from metagrow.fit import Module

FORMAT: Final = "metagrow-library"
VERSION: Final = 1
REBUILD: Final = "rebuild it with `metagrow library ship` (docs/arc.md) or pass --no-library"


class ShippedLibraryError(ValueError):
    """A shipped library file that cannot be used with the domain's grammar as it is now;
    the message is one line saying why and how to rebuild it."""


def library_json(
    domain: str, base: Grammar, spec: GrammarSpec, about: Mapping[str, object], stem: str = ""
) -> dict[str, object]:
    """The file's content for ``spec`` (a library learned over ``base``, the domain's
    grammar): everything :func:`read_library` needs, and ``about`` (where it was learned).
    A trained module is named with its type and architecture; its weights are in the
    safetensors file ``{stem}.{name}.safetensors`` beside it (:func:`write_library`)."""
    grammar = build_grammar(base, spec)
    types = {p.label: str(p.type) for p in grammar.productions if isinstance(p.expr, Invented)}
    modules = [_module_of(p) for p in spec.learned]
    return {
        "format": FORMAT,
        "version": VERSION,
        "domain": domain,
        "about": dict(about),
        "base": {name: str(p.type) for name, p in sorted(base.primitives.items())},
        "log_variable": spec.log_variable,
        "weights": dict(spec.weights),
        "modules": [
            {
                "name": m.name,
                "type": str(m.type),
                "architecture": m.architecture.to_json(),
                "weights": f"{stem}.{m.name}.safetensors",
            }
            for m in modules
        ],
        "inventions": [
            {"name": i.name, "type": types[i.name], "source": i.source, "log_weight": i.log_weight}
            for i in spec.inventions
        ],
    }


def _module_of(p: Primitive) -> Module:
    from metagrow.fit import ModuleFunction

    if not isinstance(p.value, ModuleFunction) or p.value.module.weights is None:
        raise ValueError(f"learned primitive {p.name} is not a trained module")
    return p.value.module


def write_library(
    path: Path, domain: str, base: Grammar, spec: GrammarSpec, about: Mapping[str, object]
) -> None:
    """Write ``spec`` to ``path`` as a shipped library (:func:`library_json`), each
    trained module's weights to a safetensors file beside it."""
    data = library_json(domain, base, spec, about, path.stem)
    for p in spec.learned:
        weights = _module_of(p).weights
        assert weights is not None
        path.with_name(f"{path.stem}.{p.name}.safetensors").write_bytes(weights)
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")


def read_library(path: Path, domain: str, base: Grammar) -> GrammarSpec:
    """The library in the file at ``path`` as a spec to build on ``base`` (the domain's
    grammar now); :class:`ShippedLibraryError` (one line) for a file that cannot be read or
    no longer matches ``base``."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise ShippedLibraryError(f"{path}: cannot read the shipped library ({err})") from None
    try:
        spec, recorded = _parsed(data, domain, path.parent)
    except (KeyError, TypeError, ValueError) as err:
        raise ShippedLibraryError(f"{path}: not a {domain} library file ({err})") from None
    except OSError as err:
        raise ShippedLibraryError(f"{path}: cannot read a module's weights ({err})") from None
    changed = _mismatch(base, spec, recorded)
    if changed is not None:
        raise ShippedLibraryError(
            f"{path}: the shipped {domain} library no longer matches the {domain} grammar "
            f"({changed}); {REBUILD}"
        )
    return spec


def _parsed(data: object, domain: str, folder: Path) -> tuple[GrammarSpec, dict[str, str]]:
    """The spec (its modules' weights read from ``folder``), and the types the file
    records (base primitives and inventions by name)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"'format' is not {FORMAT!r}")
    if data.get("version") != VERSION:
        raise ValueError(f"version {data.get('version')!r}, this metagrow reads {VERSION}")
    if data.get("domain") != domain:
        raise ValueError(f"it is for domain {data.get('domain')!r}")
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    inventions = [
        InventionSpec(str(i["name"]), str(i["source"]), float(i["log_weight"]))
        for i in data["inventions"]
    ]
    if not all(math.isfinite(w) for w in (*weights.values(), *(i.log_weight for i in inventions))):
        raise ValueError("a log-weight is not finite")
    recorded = {str(k): str(v) for k, v in data["base"].items()}
    recorded |= {str(i["name"]): str(i["type"]) for i in data["inventions"]}
    learned = tuple(_module_primitive(m, folder) for m in data.get("modules", []))
    log_variable = float(data["log_variable"])
    spec = GrammarSpec(tuple(weights.items()), tuple(inventions), log_variable, learned=learned)
    return spec, recorded


def _module_primitive(entry: Mapping[str, Any], folder: Path) -> Primitive:
    """The library primitive of a module the file names, its weights read from ``folder``
    (the fitting code is imported only for a library that has modules)."""
    from metagrow.fit import Module, architecture_from_json, module_primitive

    weights = (folder / Path(str(entry["weights"])).name).read_bytes()
    architecture = architecture_from_json(dict(entry["architecture"]))
    return module_primitive(
        Module(str(entry["name"]), parse_type(str(entry["type"])), architecture, weights)
    )


def _mismatch(base: Grammar, spec: GrammarSpec, recorded: Mapping[str, str]) -> str | None:
    """What no longer matches, in a few words, or ``None``."""
    invented = {i.name for i in spec.inventions}
    for name, t in recorded.items():
        if name in invented:
            continue
        p = base.primitives.get(name)
        if p is None:
            return f"primitive {name} is gone"
        if str(p.type) != t:
            return f"primitive {name} is now {p.type}, was {t}"
    try:
        grammar = build_grammar(base, spec)
    except ValueError as err:
        return str(err)
    for prod in grammar.productions:
        if isinstance(prod.expr, Invented) and str(prod.type) != recorded[prod.label]:
            return f"invention {prod.label} is now {prod.type}, was {recorded[prod.label]}"
    return None


def shipped_library(domain: Domain) -> GrammarSpec | None:
    """The library shipped with ``domain`` (:meth:`~metagrow.domains.Domain.library_file`),
    checked against its grammar; ``None`` when it ships none (or the file is not there).
    :class:`ShippedLibraryError` (one line) for a file that no longer matches."""
    path = domain.library_file()
    if path is None or not path.is_file():
        return None
    return read_library(path, domain.name, domain.grammar())
