"""Exports of a domain's programs: their examples in the task-file form, and files written whole."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metagrow.domains import JSON, Domain
from metagrow.export._modules import INLINE_FLOATS
from metagrow.export._python import PythonExport, python_export
from metagrow.lang import Expr, Grammar, Task, Type


def task_examples(task: Task, domain: Domain) -> list[dict[str, JSON]]:
    """A task's examples (train, then test) in the task-file JSON form."""
    request = task.request
    out: list[dict[str, JSON]] = []
    for ex in (*task.train, *task.test):
        args = [domain.encode(a, t) for a, t in zip(ex.inputs, request.arguments(), strict=True)]
        out.append(
            {
                "input": args[0] if len(args) == 1 else list(args),
                "output": domain.encode(ex.output, request.returns()),
            }
        )
    return out


def export_python(
    expr: Expr,
    request: Type,
    domain: Domain,
    grammar: Grammar,
    *,
    examples: Sequence[dict[str, JSON]] = (),
    title: str = "program",
) -> str:
    """The source of a standalone module running ``expr`` as ``domain``'s interpreter runs
    it (see :func:`metagrow.export.to_python`)."""
    done = export_program(
        expr, request, domain, grammar, examples=examples, title=title, inline_below=None
    )
    return done.source


def export_program(
    expr: Expr,
    request: Type,
    domain: Domain,
    grammar: Grammar,
    *,
    examples: Sequence[dict[str, JSON]] = (),
    title: str = "program",
    inline_below: int | None = INLINE_FLOATS,
) -> PythonExport:
    """As :func:`export_python`, with the weights of the program's trained modules in a
    side ``.npz`` file when they hold ``inline_below`` numbers or more (see
    :func:`metagrow.export.python_export`)."""
    return python_export(
        expr,
        request,
        grammar,
        domain.limits(),
        examples=examples,
        title=title,
        domain=domain.name,
        codecs=domain.codecs(),
        inline_below=inline_below,
    )


def weights_path(module: Path) -> Path:
    """Where the ``.npz`` file of an exported module's weights goes: beside it, named
    like it (the module reads it from there)."""
    return module.with_suffix(".npz")


def write_export(text: str | bytes, output: Path) -> None:
    """Write an export next to its final name first, so a failure leaves no half file."""
    partial = output.with_name(output.name + ".partial")
    if isinstance(text, bytes):
        partial.write_bytes(text)
    else:
        partial.write_text(text)
    partial.replace(output)
