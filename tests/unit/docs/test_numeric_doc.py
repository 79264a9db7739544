"""docs/numeric.md lists every numeric primitive as the code defines it, and the design
page lists the numeric domain among the built-in ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from metagrow.domains.numeric import CONSTANT, OPS, NumericDomain, VectorProgram
from metagrow.lang import parse

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "numeric.md"


def _sympy_form(name: str) -> str:
    """The primitive applied to x, y, z (``if`` tested with ``lt x y``), as sympy prints it."""
    if name == CONSTANT:
        return "a fitted constant"
    if name == "if":
        body = "(if (lt $2 $1) $1 $0)"
    else:
        arity = len(next(op for op in OPS if op.name == name).arguments)
        body = f"({name} {' '.join(['$2', '$1', '$0'][:arity])})"
    vp = VectorProgram(parse(f"(lambda (lambda (lambda {body})))"), 3)
    text = f"`{vp.sympy(['x', 'y', 'z'], [])}`"
    return f"{text} (test `lt x y`)" if name == "if" else text


def primitives_table() -> str:
    """The primitives table of docs/numeric.md, generated from ``OPS``."""
    lines = ["| primitive | type | sympy form | log-weight |", "|---|---|---|---|"]
    for op in OPS:
        lines.append(f"| `{op.name}` | `{op.type}` | {_sympy_form(op.name)} | {op.log_weight} |")
    return "\n".join(lines)


def test_the_page_lists_every_primitive_as_defined() -> None:
    text = PAGE.read_text()
    start = text.index("<!-- primitives: generated from metagrow.domains.numeric.OPS -->\n")
    end = text.index("<!-- end of primitives -->")
    table = text[start:end].split("\n", 1)[1].strip()
    assert table == primitives_table(), "regenerate the table with primitives_table()"
    assert len(NumericDomain().grammar().primitives) == len(OPS)


def test_the_printing_example_is_true() -> None:
    vp = VectorProgram(parse("(lambda (lambda (mul c (mul $1 (square $0)))))"), 2)
    text = PAGE.read_text()
    assert f"vp.with_constants([0.5])          # {vp.with_constants([0.5])}" in text
    assert f"# {vp.sympy(['m', 'v'], [0.5])}" in text
    again = VectorProgram(vp.with_constants([0.5]), 2)
    cols = [np.array([2.0, 1.0]), np.array([3.0, 4.0])]
    assert again(cols, np.zeros(0)).tolist() == [9.0, 8.0]


def test_the_design_page_lists_the_numeric_domain() -> None:
    design = (ROOT / "docs" / "design.md").read_text()
    assert f"(`NumericDomain`, {len(OPS)} primitives)" in design
    assert "[numeric.md](numeric.md)" in design
