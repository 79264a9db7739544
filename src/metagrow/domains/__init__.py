"""Domains: primitive sets and how their values are read and written."""

from metagrow.domains._domain import JSON, Domain, ValueDecodeError, decode_basic, encode_basic
from metagrow.domains._taskfile import (
    TaskFileError,
    json_value_type,
    load_task,
    task_from_json,
)

__all__ = [
    "JSON",
    "Domain",
    "TaskFileError",
    "ValueDecodeError",
    "decode_basic",
    "encode_basic",
    "json_value_type",
    "load_task",
    "task_from_json",
]
