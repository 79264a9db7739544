"""The part of every exported Python module that is not the program: run limits, value
conversion, ``predict`` and the self-check.

This module imports only the standard library: ``metagrow export --to python`` copies it
whole into the exported module (with :mod:`metagrow.lang._guard`), after which the
exported code sets ``STEPS``, ``DEPTH``, ``SECONDS`` and ``SIZE`` to the domain's limits.
A type is written as a tree of tuples: ``("int",)``, ``("list", ("int",))``. A domain's own
type (``("grid",)``) is read by the function ``decode_<name>`` and written by
``encode_<name>`` that the export copies from the domain into the module (see
``Domain.codecs``); a shaped type, ``("image", (8, 8))``, is read by
``decode_image(value, (8, 8))``. Without an ``encode_<name>`` the value is its own
JSON form.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

STEPS, DEPTH, SECONDS, SIZE = 200_000, 120, 0.25, 100_000
DEEP = True  # whether calls can nest deeper than the program's lambdas (recursion)
GUARD_CHUNK = 1024

TypeTree = tuple[Any, ...]

_steps = 0
_left = 0
_depth = 0
_deadline = 0.0


class RunLimit(Exception):
    """A run reached one of the limits (steps, depth, time, size of its result)."""


class RunFailed(ValueError):
    """The program fails on this input (an error of its own, or a limit reached)."""


def _refill() -> None:
    """Called when the current chunk of steps runs out: check the budget and the clock."""
    global _steps, _left
    _left += min(_steps, 0)
    if _left <= 0:
        raise RunLimit("step limit")
    if time.perf_counter() > _deadline:
        raise RunLimit("time limit")
    _steps = min(GUARD_CHUNK, _left)
    _left -= _steps


def _counted(fn: Callable[..., Any], *args: Any) -> Any:
    """A primitive applied through its curried value, counted as a saturated call."""
    global _steps
    _steps -= 1
    if _steps <= 0:
        _refill()
    r = fn(*args)
    if type(r) is tuple:
        _steps -= len(r)
    return r


def _size(value: Any, t: TypeTree | None = None) -> int:
    """Atoms in ``value`` (counting stops past ``SIZE``); a value of a known type with no
    lists inside its lists is not scanned."""
    if not isinstance(value, (tuple, list)):
        return 1
    if t is not None and t[0] == "list" and t[1][0] != "list":
        return 1 + len(value)
    total, stack = 1, [value]
    while stack:
        v = stack.pop()
        total += len(v)
        if total > SIZE:
            break
        stack.extend(x for x in v if isinstance(x, (tuple, list)))
    return total


def run(program: Callable[[], Any], args: Sequence[Any], returns: TypeTree | None = None) -> Any:
    """The value of ``program()`` applied to ``args`` one at a time, under the limits;
    :class:`RunFailed` with the reason if it raises or reaches a limit. ``returns``, the
    type of the value, saves scanning it for its size."""
    global _steps, _left, _depth, _deadline
    limit = sys.getrecursionlimit() if DEEP else 0
    try:
        _deadline = time.perf_counter() + SECONDS
        _steps = GUARD_CHUNK if STEPS > GUARD_CHUNK else STEPS  # the first chunk
        _left, _depth = STEPS - _steps, 0
        if DEEP:
            sys.setrecursionlimit(max(limit, 40 * DEPTH + 1000))
        value = program()
        for a in args:
            _steps -= 1
            value = value(a)
        if type(value) is tuple and returns and returns[0] == "list" and returns[1][0] != "list":
            size = 1 + len(value)  # a list of atoms: no need to look inside
        elif isinstance(value, (tuple, list)):
            size = _size(value, returns)
        else:
            size = 1
        if size > SIZE:
            raise RunLimit("result too large")
    except RunLimit as err:
        raise RunFailed(f"{err} reached") from None
    except RecursionError:
        raise RunFailed("recursion too deep") from None
    except MemoryError:
        raise RunFailed("out of memory") from None
    except Exception as err:  # an error of the program's own fails this input only
        text = str(err).strip().splitlines()
        raise RunFailed(text[0] if text else type(err).__name__) from None
    finally:
        if DEEP:
            sys.setrecursionlimit(limit)
    return value


def decode(value: Any, t: TypeTree) -> Any:
    """A task-file JSON value of type ``t`` as the program takes it (lists become tuples);
    ``ValueError`` with one line if it is not of that type."""
    name = t[0]
    if name == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"expected a bool, got {value!r:.40}")
        return value
    if name == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected an int, got {value!r:.40}")
        return value
    if name == "real":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number, got {value!r:.40}")
        return float(value)
    if name == "list":
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {value!r:.40}")
        if t[1][0] == "int" and all(type(v) is int for v in value):
            return tuple(value)  # the common case, checked at once
        return tuple(decode(v, t[1]) for v in value)
    reader = _codec("decode", name)
    if reader is None:
        raise ValueError(f"values of type {name} cannot be read")
    return reader(value, *t[1:])  # a shaped type's reader is given its shape


def encode(value: Any, t: TypeTree) -> Any:
    """A program's value of type ``t`` in the task-file JSON form."""
    name = t[0]
    if name == "list":
        if t[1][0] in ("int", "bool"):
            return list(value)
        return [encode(v, t[1]) for v in value]
    if name == "real" and not isinstance(value, bool):
        return float(value)
    writer = _codec("encode", name)
    return value if writer is None else writer(value)


def _codec(kind: str, name: str) -> Callable[[Any], Any] | None:
    """The exported module's own ``decode_<name>`` or ``encode_<name>``, if it has one."""
    if name in ("bool", "int", "real", "list"):
        return None
    found: Callable[[Any], Any] | None = globals().get(f"{kind}_{name}")
    return found


def predict_one(
    program: Callable[[], Any], arguments: Sequence[TypeTree], returns: TypeTree, x: Any
) -> Any:
    """The output for one input ``x`` in the task-file JSON form (for a program of several
    arguments, ``x`` is the list of them)."""
    args = [x] if len(arguments) == 1 else x
    if not isinstance(args, list) or len(args) != len(arguments):
        raise ValueError(f"expected a list of {len(arguments)} arguments, got {x!r:.40}")
    values = [decode(a, t) for a, t in zip(args, arguments, strict=True)]
    return encode(run(program, values, returns), returns)


def same(got: Any, want: Any) -> bool:
    """Whether two JSON values are equal, reals to a relative 1e-9."""
    if isinstance(got, list) and isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(got, float) or isinstance(want, float):
        if isinstance(got, bool) or isinstance(want, bool):
            return got is want
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    return bool(got == want) and type(got) is type(want)


def self_check(predict: Callable[[Any], Any], examples: Sequence[dict[str, Any]]) -> int:
    """Replay the examples the program was exported with; print what differs and return
    how many did (an export from program text alone has none, and says so)."""
    if not examples:
        print("no examples to check: this program was exported from its text alone")
        return 0
    wrong = 0
    for i, example in enumerate(examples):
        try:
            got = predict(example["input"])
        except ValueError as err:
            got = f"fails: {err}"
        if not same(got, example["output"]):
            wrong += 1
            print(f"example {i}: expected {example['output']!r:.80}, got {got!r:.80}")
    print(f"{len(examples) - wrong} of {len(examples)} examples give the expected output")
    return wrong


def main(predict: Callable[[Any], Any], examples: Sequence[dict[str, Any]]) -> int:
    """``python MODULE.py`` runs the self-check; ``python MODULE.py -`` reads one JSON
    input per line from standard input and writes one JSON output per line."""
    if sys.argv[1:] != ["-"]:
        return 1 if self_check(predict, examples) else 0
    status = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            print(json.dumps(predict(json.loads(line))), flush=True)
        except ValueError as err:
            print(json.dumps({"error": str(err).splitlines()[0]}), flush=True)
            status = 1
    return status
