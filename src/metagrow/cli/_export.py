"""``metagrow export``: a program or a fitted model as code that runs without metagrow.

What to export is one of: ``--program TEXT`` (of ``--domain``, naming the inventions of
``--store`` if given), ``--store DB --task NAME`` (the task's stored solution), or
``--model FILE.json`` / ``--store DB --model NAME`` (a model ``metagrow fit`` wrote), or
``--store DB --library`` (every invention of the newest run of ``--domain``).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, final

import typer

from metagrow.cli._choices import DOMAIN_HELP, pick_domain
from metagrow.cli._errors import UsageError, fail
from metagrow.domains import JSON, Domain, TaskFileError
from metagrow.lang import (
    Expr,
    Grammar,
    ProgramParseError,
    ProgramTypeError,
    Task,
    Type,
    TypeParseError,
    build_grammar,
    infer,
    parse_type,
)
from metagrow.store import StoreError

FORMS = ("python", "onnx")


@final
@dataclass(frozen=True, slots=True)
class _Source:
    """A program to export, with what its module says of it."""

    expr: Expr
    request: Type
    domain: Domain
    grammar: Grammar
    title: str
    examples: tuple[Mapping[str, JSON], ...] = ()


def export_command(
    program: Annotated[
        str | None,
        typer.Option(help="A program's text, e.g. '(lam (map (lam (+ $0 1)) $0))'."),
    ] = None,
    task: Annotated[
        str | None, typer.Option(help="With --store: export this task's stored solution.")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(help="A model file (`metagrow fit -o`), or with --store a stored model."),
    ] = None,
    library: Annotated[
        bool, typer.Option(help="With --store: every invention of --domain's library.")
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option(help="A store: the solution, model or library (f0, ...) to export from."),
    ] = None,
    type_text: Annotated[
        str | None,
        typer.Option(
            "--type", help="The program's type, e.g. 'list(int) -> int' (default: inferred)."
        ),
    ] = None,
    domain: Annotated[str, typer.Option(help=f"With --program: {DOMAIN_HELP}")] = "lists",
    examples: Annotated[
        Path | None,
        typer.Option(
            metavar="TASK.json",
            help="A task file: its type, and the examples the module's self-check replays.",
        ),
    ] = None,
    to: Annotated[str, typer.Option(help=f"The form: {', '.join(FORMS)}.")] = "python",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="The file to write (python: default is to print it)."),
    ] = None,
) -> None:
    """Export a program or a fitted model as code that runs without metagrow."""
    from metagrow.api import ModelError
    from metagrow.export import ExportError, weights_path, write_export

    try:
        if to not in FORMS:
            raise UsageError(f"unknown --to {to!r}; choose one of: {', '.join(FORMS)}")
        if sum(x is not None for x in (program, task, model)) + library != 1:
            raise UsageError("give one of --program, --task, --model or --library")
        if to == "onnx" and output is None:
            raise UsageError("--to onnx writes a binary file: give it with -o")
        weights = b""
        if library:
            data: str | bytes = _library_export(store, domain, to)
            said = "a Python module of the library; call(NAME, *args) runs one"
        elif model is not None:
            data = _model_export(model, store, to)
            said = (
                "ONNX graph of the model"
                if to == "onnx"
                else "a Python module; `python FILE` replays a few rows, `python FILE DATA.csv`"
                " predicts"
            )
        else:
            source = _program_source(program, task, store, domain, type_text, examples)
            data, weights = _program_export(source, to, beside=output is not None)
            said = _what(source, to)
    except (UsageError, ProgramParseError, ProgramTypeError, TypeParseError) as err:
        fail(str(err))
    except (TaskFileError, ExportError, StoreError, ModelError) as err:
        fail(f"cannot export: {err}")
    if output is None:
        assert isinstance(data, str)
        sys.stdout.write(data)
        return
    write_export(data, output)
    if weights:
        write_export(weights, weights_path(output))
        said += f"; its modules' weights are in {weights_path(output).name} beside it"
    print(f"wrote {output}: {said}", file=sys.stderr)


def _program_source(
    program: str | None,
    task: str | None,
    store: Path | None,
    domain: str,
    type_text: str | None,
    examples: Path | None,
) -> _Source:
    from metagrow.export import task_examples

    if task is not None:
        if store is None:
            raise UsageError("--task needs --store: the store that holds its solution")
        from metagrow.api import stored_program

        stored = stored_program(store, task)
        dom, grammar, expr, request, title = (
            stored.domain,
            stored.grammar,
            stored.expr,
            stored.request,
            task,
        )
        given = None if examples is None else dom.read_task(examples)
        found = given or _suite_task(dom, task)
    else:
        assert program is not None
        dom = pick_domain(domain)
        grammar = _grammar(dom.grammar(), dom.name, store)
        expr = grammar.parse(program)
        found = None if examples is None else dom.read_task(examples)
        request = infer(expr, grammar)
        title = "program" if found is None else found.name
    request = _concrete(request, type_text, found)
    shown = () if found is None else tuple(task_examples(found, dom))
    return _Source(expr, request, dom, grammar, title, shown)


def _program_export(source: _Source, to: str, *, beside: bool) -> tuple[str | bytes, bytes]:
    """The exported program, and the ``.npz`` file of its modules' weights (empty when
    they are written in, always so when the module is printed: not ``beside`` a file)."""
    from metagrow.export import (
        INLINE_FLOATS,
        export_program,
        module_onnx_model,
        onnx_model,
        uses_modules,
    )

    if to == "onnx":
        if uses_modules(source.expr, source.request, source.grammar):
            graph = module_onnx_model(source.expr, source.request, source.grammar)
        else:
            graph = onnx_model(source.expr, len(source.request.arguments()))
        return bytes(graph.SerializeToString()), b""
    done = export_program(
        source.expr,
        source.request,
        source.domain,
        source.grammar,
        examples=[dict(e) for e in source.examples],
        title=source.title,
        inline_below=INLINE_FLOATS if beside else None,
    )
    return done.source, done.weights


def _model_export(name: str, store: Path | None, to: str) -> str | bytes:
    from metagrow.api import read_model, stored_models
    from metagrow.export import fitted_onnx_model, model_to_python

    if store is None:
        model = read_model(name)
    else:
        models = stored_models(store)
        if name not in models:
            known = ", ".join(sorted(models)) or "none"
            raise UsageError(f"{store}: no model named {name!r}; stored models: {known}")
        model = models[name]
    if to == "python":
        return model_to_python(model)
    return bytes(fitted_onnx_model(model).SerializeToString())


def _library_export(store: Path | None, domain: str, to: str) -> str:
    from metagrow.export import library_to_python

    if store is None:
        raise UsageError("--library needs --store: the store that holds the library")
    if to != "python":
        raise UsageError("a library exports with --to python")
    dom = pick_domain(domain)
    grammar = _grammar(dom.grammar(), dom.name, store)
    return library_to_python(grammar, dom.limits(), domain=dom.name)


def _what(source: _Source, to: str) -> str:
    if to == "onnx":
        return f"ONNX graph of {source.title} ({source.request})"
    if not source.examples:
        return "a Python module; it has no examples to replay"
    return f"a Python module; `python FILE` replays its {len(source.examples)} example(s)"


def _grammar(base: Grammar, domain: str, store: Path | None) -> Grammar:
    if store is None:
        return base
    from metagrow.api import stored_library

    library = stored_library(store, domain)
    return base if library is None else build_grammar(base, library)


def _suite_task(domain: Domain, name: str) -> Task | None:
    """The task called ``name`` in the domain's own suites, for its examples."""
    for split in domain.splits():
        for task in domain.suite(split):
            if task.name == name:
                return task
    return None


def _concrete(inferred: Type, type_text: str | None, task: Task | None) -> Type:
    """The program's type: as given (``--type``, else the task's), else the inferred one
    with ``int`` for its type variables; a given type must be one the program has."""
    from metagrow.cli._run import concrete_type

    given = parse_type(type_text) if type_text is not None else None
    if given is None and task is not None:
        given = task.request
    return concrete_type(inferred, [], given)
