"""Converting between fitted modules and store records (the store holds no torch).

An adapted module (a :class:`~metagrow.fit.HeadSpec`) shares its trunk's weights: given
a way to look the trunk up, its record keeps only the head's tensors and the trunk's
name, and loading it finds the trunk the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping

from metagrow.fit import (
    HeadSpec,
    Module,
    architecture_from_json,
    has_trunk,
    head_weights,
    join_trunk,
    trunk_shared,
)
from metagrow.lang import parse_type
from metagrow.store import ModuleRecord, Store

TrunkLookup = Callable[[str], ModuleRecord | None]
"""The stored module of a name, or ``None`` (``Store.module``)."""


def module_record(
    module: Module,
    training: Mapping[str, object],
    provenance: Mapping[str, object],
    *,
    trunk: TrunkLookup | None = None,
) -> ModuleRecord:
    """The store record of a trained module. For an adapted module whose trunk ``trunk``
    finds with the very weights it uses, only the head's tensors; otherwise (no lookup,
    trunk missing, trunk fine-tuned since) all of them, so the record stands alone."""
    if module.weights is None:
        raise ValueError(f"module {module.name!r} is untrained; only trained modules are stored")
    weights = module.weights
    if isinstance(module.architecture, HeadSpec) and trunk is not None:
        found = trunk(module.architecture.trunk_name)
        if found is not None and trunk_shared(module, found.weights):
            weights = head_weights(module)
    return ModuleRecord(
        module.name,
        str(module.type),
        module.architecture.to_json(),
        weights,
        training,
        provenance,
    )


def module_from_record(record: ModuleRecord, *, trunk: TrunkLookup | None = None) -> Module:
    """The module a store record describes, weights included; an adapted module's trunk
    weights come from ``trunk`` when the record holds only its head. ``ValueError`` (one
    line) when that trunk cannot be found or is not the network the head was fitted on."""
    architecture = architecture_from_json(dict(record.architecture))
    weights = record.weights
    if isinstance(architecture, HeadSpec) and not has_trunk(architecture, weights):
        name = architecture.trunk_name
        found = None if trunk is None else trunk(name)
        if found is None:
            raise ValueError(
                f"module {record.name!r} adapts module {name!r}, which is not in the store"
            )
        if architecture_from_json(dict(found.architecture)) != architecture.trunk:
            raise ValueError(
                f"module {record.name!r} adapts module {name!r}, "
                "but the stored one has another architecture"
            )
        weights = join_trunk(architecture, weights, found.weights)
    return Module(record.name, parse_type(record.type), architecture, weights)


def adapted_modules(store: Store, domain: str, known: Container[str] = ()) -> list[Module]:
    """The modules ``metagrow adapt`` stored for ``domain`` (each with its trunk, found in
    ``store``), but those named in ``known``; ``ValueError`` (one line) if a trunk cannot
    be found."""
    return [
        module_from_record(record, trunk=store.module)
        for record in store.modules()
        if record.provenance.get("adapted_from") is not None
        and record.provenance.get("domain") == domain
        and record.name not in known
    ]
