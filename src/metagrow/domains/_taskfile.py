"""Reading task files: JSON with a name, a type and examples, validated field by field."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from metagrow.domains._domain import JSON, Domain, ValueDecodeError, names, unexpressed
from metagrow.lang import (
    BOOL,
    INT,
    MISSING,
    Example,
    Task,
    TCon,
    TVar,
    Type,
    TypeParseError,
    arrow,
    parse_type,
    substitute_vars,
    tlist,
)


class TaskFileError(ValueError):
    """A task file that cannot be used; the message names the file and the field."""


def load_task(path: str | Path, domain: Domain) -> Task:
    """Read one task file as ``domain`` reads it (:meth:`Domain.read_task`); every problem
    raises :class:`TaskFileError` with one line."""
    return domain.read_task(Path(path))


def read_json(path: Path) -> JSON:
    """A file's parsed JSON; a missing, unreadable or malformed file raises
    :class:`TaskFileError` with one line naming it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaskFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TaskFileError(f"{path}: cannot read ({err})") from None
    try:
        data: JSON = json.loads(text)
    except json.JSONDecodeError as err:
        raise TaskFileError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    return data


def task_from_json(data: JSON, domain: Domain, source: str, default_name: str = "task") -> Task:
    """Build a task from parsed JSON; extra fields are kept as metadata."""
    if not isinstance(data, dict):
        raise TaskFileError(f"{source}: expected a JSON object, got {type(data).__name__}")
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name:
        raise TaskFileError(f"{source}: field 'name' must be a non-empty string")
    request = _request(data, domain, source)
    arity = len(request.arguments())
    train = read_examples(data, "train", request, arity, domain, source, need_output=True)
    test = read_examples(data, "test", request, arity, domain, source, need_output=False)
    if not train:
        raise TaskFileError(f"{source}: field 'train' needs at least one example")
    extra = {k: v for k, v in data.items() if k not in {"name", "type", "train", "test"}}
    return Task(name, request, tuple(train), tuple(test), extra)


def _request(data: dict[str, JSON], domain: Domain, source: str) -> Type:
    raw = data.get("type")
    if raw is None:
        return _check_request(infer_request(data, source), domain, source)
    if not isinstance(raw, str):
        raise TaskFileError(f"{source}: field 'type' must be a string such as \"list(int) -> int\"")
    try:
        request = parse_type(raw)
    except TypeParseError as err:
        raise TaskFileError(f"{source}: field 'type': {err}") from None
    if not request.is_arrow():
        raise TaskFileError(f"{source}: field 'type' must be a function type, got {request}")
    if request.is_polymorphic():
        raise TaskFileError(f"{source}: field 'type' must not contain type variables: {request}")
    return _check_request(request, domain, source)


def _check_request(request: Type, domain: Domain, source: str) -> Type:
    unknown = set(request.constructors()) - domain.constructors()
    if unknown:
        raise TaskFileError(
            f"{source}: field 'type': domain {domain.name} cannot express {names(unknown)} "
            f"(it knows {names(domain.constructors())})"
        )
    part = None if domain.expresses(request) else unexpressed(domain, request)
    if part is not None:
        raise TaskFileError(
            f"{source}: field 'type': domain {domain.name} cannot express {request}: "
            f"no primitive takes or gives a {part}; choose another domain with --domain"
        )
    return request


def read_examples(
    data: Mapping[str, JSON],
    field: str,
    request: Type,
    arity: int,
    domain: Domain,
    source: str,
    need_output: bool,
) -> list[Example]:
    """The examples under ``field`` (absent means none), decoded by ``domain``."""
    raw = data.get(field, [])
    if not isinstance(raw, list):
        raise TaskFileError(f"{source}: field '{field}' must be a list of examples")
    inputs_t = request.arguments()
    output_t = request.returns()
    out: list[Example] = []
    for i, ex in enumerate(raw):
        where = f"{source}: field '{field}[{i}]"
        if not isinstance(ex, dict):
            raise TaskFileError(f"{where}' must be an object with 'input' and 'output'")
        if "input" not in ex:
            raise TaskFileError(f"{where}.input' is missing")
        args = [ex["input"]] if arity == 1 else ex["input"]
        if arity > 1 and (not isinstance(args, list) or len(args) != arity):
            raise TaskFileError(f"{where}.input' must be a list of {arity} arguments")
        assert isinstance(args, list)
        try:
            values = tuple(domain.decode(a, t) for a, t in zip(args, inputs_t, strict=True))
        except ValueDecodeError as err:
            raise TaskFileError(f"{where}.input': {err}") from None
        output: object = MISSING
        if "output" in ex:
            try:
                output = domain.decode(ex["output"], output_t)
            except ValueDecodeError as err:
                raise TaskFileError(f"{where}.output': {err}") from None
        elif need_output:
            raise TaskFileError(f"{where}.output' is missing")
        out.append(Example(values, output))
    return out


def infer_request(data: Mapping[str, JSON], source: str) -> Type:
    """The type of a one-argument task without a ``type`` field, read off the JSON values
    of its examples (ints, booleans and nested lists of them); ``TaskFileError`` when the
    values do not agree or are of no such type."""
    inputs: Type | None = None
    output: Type | None = None
    for field in ("train", "test"):
        examples = data.get(field, [])
        if not isinstance(examples, list):
            raise TaskFileError(f"{source}: field '{field}' must be a list of examples")
        for i, ex in enumerate(examples):
            if not isinstance(ex, dict) or "input" not in ex:
                raise TaskFileError(f"{source}: field '{field}[{i}].input' is missing")
            where = f"{source}: field '{field}[{i}]"
            try:
                seen = _value_type(ex["input"], f"{where}.input'")
                inputs = _join(inputs, seen, f"{where}.input'")
            except TaskFileError as err:
                raise TaskFileError(f"{err}{_arguments_hint(data)}") from None
            if "output" in ex:
                out = _value_type(ex["output"], f"{where}.output'")
                output = _join(output, out, f"{where}.output'")
    if inputs is None or output is None:
        raise TaskFileError(f"{source}: field 'type' is missing and no example shows the types")
    # Lists that were always empty hold ints.
    settle = {_UNKNOWN.id: INT}
    return arrow(substitute_vars(inputs, settle), substitute_vars(output, settle))


_UNKNOWN = TVar(0)
"""The element type of an empty list, until another value tells."""


def _arguments_hint(data: Mapping[str, JSON]) -> str:
    """When every train input is a list of the same length (2 or more), as the inputs of
    a task of several arguments are: advice to add a ``type``, with one read off the first
    example where its values tell (``""`` otherwise)."""
    train = data.get("train")
    inputs = (
        [ex.get("input") for ex in train if isinstance(ex, dict)] if isinstance(train, list) else []
    )
    sizes = {len(x) if isinstance(x, list) else 0 for x in inputs}
    if not inputs or len(sizes) != 1 or min(sizes) < 2:
        return ""
    n = sizes.pop()
    example = "list(int) -> int -> list(int)" if n == 2 else " -> ".join(["int"] * (n + 1))
    first = train[0] if isinstance(train, list) else None
    if isinstance(first, dict) and isinstance(first.get("input"), list) and "output" in first:
        try:
            parts = [_value_type(v, "") for v in [*first["input"], first["output"]]]
            if not any(p.is_polymorphic() for p in parts):
                example = " -> ".join(str(p) for p in parts)
        except TaskFileError:
            pass
    return (
        f"; if the task takes {n} arguments (each input a list of them), say so with a field "
        f'\'type\', e.g. "type": "{example}"'
    )


def json_value_type(value: JSON) -> Type:
    """The type a task file without ``type`` gives a JSON value: ``int``, ``bool`` or
    (nested) lists of them, ``t0`` for the elements of lists that are all empty;
    :class:`TaskFileError` for any other value."""
    return _value_type(value, "value")


def _value_type(value: JSON, where: str) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, list):
        elem: Type = _UNKNOWN
        for v in value:
            elem = _join(elem, _value_type(v, where), where)
        return tlist(elem)
    raise TaskFileError(
        f"{where}: cannot tell the type of {type(value).__name__} values; "
        f"add a field 'type' such as \"list(int) -> int\""
    )


def _join(a: Type | None, b: Type, where: str) -> Type:
    if a is None or a == _UNKNOWN:
        return b
    if b == _UNKNOWN or a == b:
        return a
    if isinstance(a, TCon) and isinstance(b, TCon) and a.name == b.name == "list":
        return tlist(_join(a.args[0], b.args[0], where))
    raise TaskFileError(f"{where}: holds a {b} where other examples hold a {a}")
