"""Converting between fitted modules and store records (the store holds no torch)."""

from __future__ import annotations

from collections.abc import Mapping

from metagrow.fit import Module, architecture_from_json
from metagrow.lang import parse_type
from metagrow.store import ModuleRecord


def module_record(
    module: Module, training: Mapping[str, object], provenance: Mapping[str, object]
) -> ModuleRecord:
    """The store record of a trained module."""
    if module.weights is None:
        raise ValueError(f"module {module.name!r} is untrained; only trained modules are stored")
    return ModuleRecord(
        module.name,
        str(module.type),
        module.architecture.to_json(),
        module.weights,
        training,
        provenance,
    )


def module_from_record(record: ModuleRecord) -> Module:
    """The module a store record describes, weights included."""
    return Module(
        record.name,
        parse_type(record.type),
        architecture_from_json(dict(record.architecture)),
        record.weights,
    )
