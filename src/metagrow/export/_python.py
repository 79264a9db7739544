"""A program as one standalone Python module: plain code, not an interpreter of its text.

Each lambda becomes a ``def``, each primitive a call of the very function the interpreter
runs (copied from the domain's plain-Python runtime module), each library invention a
named function. Steps, depth, time and the size of the result are bounded exactly as the
interpreter bounds them, so the module gives the same outputs and the same failures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import final

from metagrow.export._codegen import INDENT, Generator, doc_text
from metagrow.export._errors import ExportError
from metagrow.export._modules import INLINE_FLOATS, ModuleWriter, program_modules, weight_count
from metagrow.export._primitives import Codecs, codec_functions, has_codec
from metagrow.export._source import Collector
from metagrow.lang import (
    BOOL,
    INT,
    Expr,
    Grammar,
    Hole,
    Invented,
    Lam,
    Limits,
    Prim,
    TCon,
    Type,
    shape_of,
    show,
)

_PRELUDE = "metagrow.export._prelude"
_SET_BY_EXPORT = ("STEPS", "DEEP")
_WEIGHTS_BESIDE = "; its modules' weights are read from THIS.npz beside it"
_NONE: Codecs = {}


def type_tree(t: Type, codecs: Codecs = _NONE) -> tuple[object, ...]:
    """``t`` as the exported module writes types: ``("list", ("int",))``; a domain's own
    type (``("grid",)``) needs its ``codecs``."""
    if has_codec(t, codecs):
        assert isinstance(t, TCon)
        shape = shape_of(t)  # a shaped type (``image[8,8]``) is read knowing its shape
        return (t.name,) if shape is None else (t.name, shape)
    if t in (INT, BOOL, TCon("real")):
        return (str(t),)
    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        return ("list", type_tree(t.args[0], codecs))
    if t.is_polymorphic():
        raise ExportError(f"the type {t} has type variables: give a concrete type")
    raise ExportError(f"values of type {t} have no plain-Python form in an export yet")


@final
@dataclass(frozen=True, slots=True)
class PythonExport:
    """An exported module's source, and the ``.npz`` file of its modules' weights that
    goes beside it (``OUT.npz`` for ``OUT.py``; empty when they are written inline)."""

    source: str
    weights: bytes = b""


def to_python(
    expr: Expr,
    request: Type,
    grammar: Grammar,
    limits: Limits,
    *,
    examples: Sequence[Mapping[str, object]] = (),
    title: str = "program",
    domain: str = "",
    codecs: Codecs = _NONE,
) -> str:
    """The source of a module that runs ``expr`` (of type ``request``) without metagrow,
    the weights of its trained modules written in (see :func:`python_export` for a side
    file).

    ``examples`` (task-file JSON: ``{"input": ..., "output": ...}``) are what the
    module's self-check replays; ``codecs`` (the domain's :meth:`~Domain.codecs`) read
    and write its own value types. ``ExportError`` with one line if a part of the program
    or its type has no plain-Python form."""
    done = python_export(
        expr,
        request,
        grammar,
        limits,
        examples=examples,
        title=title,
        domain=domain,
        codecs=codecs,
        inline_below=None,
    )
    return done.source


def python_export(
    expr: Expr,
    request: Type,
    grammar: Grammar,
    limits: Limits,
    *,
    examples: Sequence[Mapping[str, object]] = (),
    title: str = "program",
    domain: str = "",
    codecs: Codecs = _NONE,
    inline_below: int | None = INLINE_FLOATS,
) -> PythonExport:
    """As :func:`to_python`, with the weights of the program's trained modules in a side
    ``.npz`` file when they hold ``inline_below`` numbers or more in all (``None``:
    always written in)."""
    if any(isinstance(n, Hole) for n in _nodes(expr)):
        raise ExportError("the program has holes")
    arguments = tuple(type_tree(t, codecs) for t in request.arguments())
    returns = type_tree(request.returns(), codecs)
    used = program_modules(expr, grammar)
    side = inline_below is not None and bool(used) and weight_count(used) >= inline_below
    writer = ModuleWriter(side)
    gen = Generator(grammar, _may_recurse(expr, grammar, limits), writer)
    for module, name in codec_functions(request, codecs):
        gen.runtime.add(module, name)
    doc = "The program's value; its arguments are applied one at a time."
    body = gen.function("program", expr, doc)
    header = _Header(request, grammar.show(expr), limits, title, domain, arguments, returns)
    return PythonExport(_module(gen, body, header, examples), writer.npz())


def _nodes(e: Expr) -> list[Expr]:
    """Every node of ``e``, the bodies of its inventions included."""
    out: list[Expr] = []
    for n in e.walk():
        out.append(n)
        if isinstance(n, Invented):
            out += _nodes(n.body)
    return out


def _may_recurse(expr: Expr, grammar: Grammar, limits: Limits) -> bool:
    """Whether a run's nesting of calls can reach the depth limit. A typed program
    without a primitive that takes a function of a function (a fixed point such as
    ``fix1``) cannot recurse: its calls nest at most as deep as its lambdas are many."""
    nodes = _nodes(expr)
    lambdas = sum(isinstance(n, Lam) for n in nodes)
    for n in nodes:
        if isinstance(n, Prim):
            p = grammar.primitives.get(n.name)
            if p is not None and any(_takes_function(a) for a in p.type.arguments()):
                return True
    return lambdas >= limits.depth


def _takes_function(t: Type) -> bool:
    return t.is_arrow() and any(a.is_arrow() for a in t.arguments())


@final
@dataclass(frozen=True, slots=True)
class _Header:
    """What the exported module says of the program besides its code."""

    request: Type
    text: str
    limits: Limits
    title: str
    domain: str
    arguments: tuple[tuple[object, ...], ...]
    returns: tuple[object, ...]


def _module(
    gen: Generator, program: str, h: _Header, examples: Sequence[Mapping[str, object]]
) -> str:
    request, text = h.request, h.text
    numpy = "numpy" in " ".join(gen.runtime.imports())
    doc = (
        f'"""{doc_text(h.title)}: a program learned by metagrow, exported as plain Python.\n\n'
        f"Type: {request}\nProgram: {doc_text(text)}\n\n"
        f"It needs the standard library{' and numpy' if numpy else ''}, never metagrow"
        f"{_WEIGHTS_BESIDE if gen.modules.arrays else ''}.\n"
        "predict(x) takes one input in the task-file JSON form (several arguments: a list\n"
        "of them) and returns the output in that form, or raises RunFailed (a ValueError)\n"
        "with the reason. `python THIS.py` replays the examples it was exported with;\n"
        '`python THIS.py -` reads one JSON input per line and writes one output per line.\n"""'
    )
    parts = _parts(gen, doc, h.limits, h.domain, ("predict_one", "main"))
    parts += [
        "# --- the program",
        program,
        f"TYPE = {str(request)!r}",
        f"PROGRAM = {text!r}",
        f"ARGUMENTS = {h.arguments!r}",
        f"RETURNS = {h.returns!r}",
        f"EXAMPLES = json.loads({json.dumps(list(examples))!r})",
        "def predict(x):\n"
        f'{INDENT}"""The output for one input, both in the task-file JSON form."""\n'
        f"{INDENT}return predict_one(program, ARGUMENTS, RETURNS, x)",
        f'if __name__ == "__main__":\n{INDENT}sys.exit(main(predict, EXAMPLES))',
    ]
    return "\n\n\n".join(p for p in parts if p) + "\n"


def library_to_python(grammar: Grammar, limits: Limits, *, domain: str = "") -> str:
    """The source of a module holding every invention of ``grammar``'s library as a named
    function (``lib_f0`` ...), with the domain's primitives they use; ``call(name, *args)``
    runs one under ``limits``. ``ExportError`` (one line) if the library has none, or one
    of them has no plain-Python form."""
    names = {e: n for e, n in grammar.invention_names().items() if isinstance(e, Invented)}
    if not names:
        raise ExportError("the library has no inventions")
    deep = any(_may_recurse(e.body, grammar, limits) for e in names)
    gen = Generator(grammar, deep)
    for e in names:
        gen.invention_name(e)
    listing = "\n".join(
        f"  {gen.inventions[e]}: {doc_text(names[e])} = {doc_text(show(e.body))}" for e in names
    )
    doc = (
        f'"""A library of {len(names)} functions learned by metagrow'
        f"{f' ({domain})' if domain else ''}, exported as plain Python.\n\n"
        f"{listing}\n\n"
        "Each takes its arguments one at a time (curried): call(NAME, *args) runs one under\n"
        'the limits it was learned with, raising RunFailed (a ValueError) if it fails.\n"""'
    )
    parts = _parts(gen, doc, limits, domain, ())
    table = ", ".join(f"{names[e]!r}: {gen.inventions[e]}" for e in names)
    types = ", ".join(f"{names[e]!r}: {str(grammar.type_of(e))!r}" for e in names)
    parts += [
        f"LIBRARY = {{{table}}}",
        f"TYPES = {{{types}}}",
        "def call(name, *args):\n"
        f'{INDENT}"""The invention ``name`` applied to ``args``, under the limits."""\n'
        f"{INDENT}return run(lambda: LIBRARY[name], args)",
    ]
    return "\n\n\n".join(p for p in parts if p) + "\n"


def _parts(
    gen: Generator, doc: str, limits: Limits, domain: str, entry: tuple[str, ...]
) -> list[str]:
    """A module's docstring, imports, prelude (``run`` and ``entry``), limits, the
    runtime functions and the inventions."""
    prelude = Collector()
    for name in ("run", "_counted", "RunLimit", *entry):
        prelude.add(_PRELUDE, name)
    imports = sorted(
        set(prelude.imports()) | set(gen.runtime.imports()) | {"import json", "import sys"}
    )
    clash = prelude.names() & gen.runtime.names()
    if clash:
        raise ExportError(f"the runtime and the prelude both define {sorted(clash)[0]}")
    parts = [
        doc,
        "from __future__ import annotations",
        "\n".join(sorted(imports, key=lambda s: (s.startswith("from"), s))),
        "# --- run limits, values and the self-check",
        *[d for d in prelude.definitions() if not _sets_limits(d)],
        f"STEPS, DEPTH, SECONDS, SIZE = {limits.steps}, {limits.depth}, "
        f"{limits.seconds!r}, {limits.size}\n"
        f"DEEP = {gen.depth}  # whether calls can nest deeper than the program's lambdas",
        f"# --- the {domain + ' ' if domain else ''}primitives used, as the interpreter runs them",
        *gen.runtime.definitions(),
    ]
    if gen.invention_defs:
        parts += ["# --- library inventions", *gen.invention_defs]
    return parts


def _sets_limits(definition: str) -> bool:
    return any(definition.startswith(name) for name in _SET_BY_EXPORT)
