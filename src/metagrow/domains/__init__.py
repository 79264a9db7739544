"""Domains: primitive sets as plug-ins, how their values are read and written, and how a
domain is picked by name, by import string or from a task file.

The tensor values of the perception domain are imported on first use (they load numpy,
which a list task or ``metagrow --help`` does not need)."""

from typing import TYPE_CHECKING

from metagrow.domains._builtin import (
    BUILTIN_DOMAINS,
    DomainSpecError,
    detect_domain,
    domain_from_spec,
)
from metagrow.domains._domain import (
    JSON,
    Domain,
    ValueDecodeError,
    ValueShape,
    declared_type,
    decode_basic,
    encode_basic,
)
from metagrow.domains._taskfile import (
    TaskFileError,
    json_value_type,
    load_task,
    read_json,
    task_from_json,
)

if TYPE_CHECKING:
    from metagrow.domains._tensor import (
        PERCEPTUAL,
        SYMMETRIES,
        PerceptionError,
        Tensor,
        decode_tensor,
        perceptual_parts,
        perceptual_shape,
    )

_TENSOR = (
    "PERCEPTUAL", "SYMMETRIES", "PerceptionError", "Tensor", "decode_tensor",
    "perceptual_parts", "perceptual_shape",
)  # fmt: skip

__all__ = [
    "BUILTIN_DOMAINS",
    "JSON",
    "PERCEPTUAL",
    "SYMMETRIES",
    "Domain",
    "DomainSpecError",
    "PerceptionError",
    "TaskFileError",
    "Tensor",
    "ValueDecodeError",
    "ValueShape",
    "declared_type",
    "decode_basic",
    "decode_tensor",
    "detect_domain",
    "domain_from_spec",
    "encode_basic",
    "json_value_type",
    "load_task",
    "perceptual_parts",
    "perceptual_shape",
    "read_json",
    "task_from_json",
]


def __getattr__(name: str) -> object:
    if name not in _TENSOR:
        raise AttributeError(f"module 'metagrow.domains' has no attribute {name!r}")
    from metagrow.domains import _tensor

    value = getattr(_tensor, name)
    globals()[name] = value
    return value
