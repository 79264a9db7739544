"""A grid program exported to Python gives the same outputs, and fails on the same inputs,
as the interpreter (random well-typed programs of the grids domain on ARC training grids;
rules fitted to one task, written as their tables), and takes and returns the task-file
JSON form as ``GridsDomain`` reads and writes it."""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from metagrow import solve
from metagrow.domains.grids import COLOR, GRID, LGRID, GridsDomain, load_arc_split
from metagrow.domains.grids._domain import TaskRule
from metagrow.export import ExportError, export_python, task_examples, to_python, type_tree
from metagrow.lang import (
    FAIL,
    INT,
    Expr,
    Limits,
    Primitive,
    Program,
    Type,
    arrow,
    parse,
    sample_program,
)
from metagrow.testing import load_exported

GRIDS = GridsDomain()
GRAMMAR = GRIDS.grammar()
CODECS = GRIDS.codecs()
# The domain's step, depth and size limits; time enough that no run stops on the clock.
LIMITS = Limits(steps=GRIDS.limits().steps, depth=60, size=GRIDS.limits().size, seconds=10.0)
TRAINING = load_arc_split("training")
INPUTS = [ex.inputs[0] for task in TRAINING[:60] for ex in task.train]
REQUESTS = (
    arrow(GRID, GRID),
    arrow(GRID, INT),
    arrow(GRID, COLOR),
    arrow(GRID, LGRID),
    arrow(GRID, GRID, GRID),
    arrow(GRID, COLOR, GRID),
)
_TEMP = tempfile.TemporaryDirectory(prefix="metagrow-export-grids-")  # removed at exit
_DIR = Path(_TEMP.name)


def load(source: str) -> ModuleType:
    """The exported module, loaded once; it imports only the standard library and numpy."""
    return load_exported(source, _DIR)


def exported_outcome(module: ModuleType, request: Type, args: tuple[object, ...]) -> object:
    """The module's output for ``args`` (interpreter values), in the JSON form."""
    trees = [type_tree(t, CODECS) for t in request.arguments()]
    values = [module.decode(GRIDS.encode(a, t), tree) for a, t, tree in
              zip(args, request.arguments(), trees, strict=True)]  # fmt: skip
    try:
        return module.encode(module.run(module.program, values), module.RETURNS)
    except module.RunFailed:
        return FAIL


def interpreted_outcome(expr: Expr, request: Type, args: tuple[object, ...]) -> object:
    value = Program(expr, GRAMMAR.primitives).run(args, LIMITS)
    return FAIL if value is FAIL else GRIDS.encode(value, request.returns())


@settings(max_examples=200, deadline=None)
@given(
    request=st.sampled_from(REQUESTS),
    depth=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_grid_programs_run_alike(request: Type, depth: int, seed: int, data: st.DataObject) -> None:
    expr = sample_program(GRAMMAR, request, random.Random(seed), depth)
    assume(expr is not None)
    assert expr is not None
    module = load(to_python(expr, request, GRAMMAR, LIMITS, codecs=CODECS))
    for _ in range(3):
        args = tuple(
            data.draw(st.sampled_from(INPUTS)) if t == GRID else data.draw(st.integers(0, 9))
            for t in request.arguments()
        )
        want = interpreted_outcome(expr, request, args)
        assert exported_outcome(module, request, args) == want, (GRAMMAR.show(expr), args)


def test_sampled_programs_agree_on_arc_grids() -> None:
    """The same comparison over fixed seeds, counted: most runs give a value."""
    rng = random.Random(22)
    agreed = {"values": 0, "failures": 0}
    for seed in range(200):
        request = REQUESTS[seed % len(REQUESTS)]
        expr = sample_program(GRAMMAR, request, random.Random(seed), 1 + seed % 6)
        if expr is None:
            continue
        module = load(to_python(expr, request, GRAMMAR, LIMITS, codecs=CODECS))
        for _ in range(3):
            args = tuple(
                rng.choice(INPUTS) if t == GRID else rng.randrange(10) for t in request.arguments()
            )
            want = interpreted_outcome(expr, request, args)
            assert exported_outcome(module, request, args) == want, (GRAMMAR.show(expr), args)
            agreed["failures" if want is FAIL else "values"] += 1
    print(f"\nexported and interpreted grid programs agree on {agreed}")
    assert agreed["values"] > 2 * agreed["failures"] and agreed["values"] > 300


def test_predict_reads_and_writes_task_json() -> None:
    expr = parse("(lambda (lambda (overlay (recolor $1 c1 $0) (flip_h $1))))")
    request = arrow(GRID, COLOR, GRID)
    module = load(to_python(expr, request, GRAMMAR, LIMITS, codecs=CODECS))
    grid = [[1, 0, 0], [0, 2, 0]]
    assert module.predict([grid, 3]) == [[3, 0, 1], [0, 2, 0]]
    args = (GRIDS.decode(grid, GRID), 3)
    assert interpreted_outcome(expr, request, args) == [[3, 0, 1], [0, 2, 0]]
    assert module.ARGUMENTS == (("grid",), ("color",)) and module.RETURNS == ("grid",)
    for bad, reason in [
        ([[[1, 0], [0]], 3], "not a rectangle"),
        ([[[1, 12]], 3], "colours are ints 0-9"),
        ([grid, 10], "expected a colour 0-9"),
        ([[], 3], "expected a grid"),
    ]:
        with pytest.raises(ValueError, match=reason):
            module.predict(bad)
    request = arrow(GRID, LGRID)
    objects = load(
        to_python(parse("(lambda (objects $0))"), request, GRAMMAR, LIMITS, codecs=CODECS)
    )
    assert objects.predict([[1, 0, 2]]) == [[[1, 0, 0]], [[0, 0, 2]]]


FITTED = {
    "0d3d703e": "rule_cell",
    "08ed6ac7": "rule_object_order",
    "178fcbfb": "rule_features2",
    "09629e4f": "rule_tree",
    "60b61512": "rule_objects1",
    "05f2a901": "compose_slideto8",
    "eb281b96": "compose_fold4x1",
    "00d62c1b": "compose_holes4",
    "f76d97a5": "rule_cell_renamed",
    "dbc1a6ce": "compose_lines8",
    "dc1df850": "assemble_3",
    "0520fde7": "stack_lines",
    "0b148d64": "select_color_window_min_cells",
    "05269061": "repair_period",
    "017c7c7b": "extend_period",
    "0ca9ddb6": "stamp1",
    "d4469b4b": "classify_main_color",
    "06df4c85": "compose_connect_lattice",
    "91714a58": "compose_solidrect",
    "e179c5f4": "compose_bounceupright_recolor",
    "0962bcdd": "objstamp1_roles",
    "82819916": "compose_analogyrows",
    "22233c11": "objstamp1_scaled",
    "b9b7f026": "select_object_max_cells_color",
    "a2fd1cf0": "compose_elbow2to8",
    "97999447": "compose_raysrightalt5",
    "8f2ea7aa": "compose_crop_selfkron",
}
"""ARC-AGI-1 training tasks and a rule their task grammar fits, one of each kind."""


@pytest.mark.parametrize("name", FITTED)
def test_a_fitted_rule_is_exported_as_its_table(name: str) -> None:
    task = next(t for t in TRAINING if t.name == name)
    grammar = GRIDS.task_grammar(task, GRAMMAR)
    assert FITTED[name] in grammar.primitives
    expr = parse(f"(lam ({FITTED[name]} $0))")
    source = to_python(expr, arrow(GRID, GRID), grammar, LIMITS, codecs=CODECS)
    assert f"\nfitted_{FITTED[name]} = TaskRule(" in source
    module = load(source)
    program = Program(expr, grammar.primitives)
    for ex in (*task.train, *task.test):
        want = program.run(ex.inputs, LIMITS)
        try:
            got = module.predict(GRIDS.encode(ex.inputs[0], GRID))
        except ValueError:
            got = FAIL
        assert got == (FAIL if want is FAIL else GRIDS.encode(want, GRID))


def test_a_rule_without_a_written_form_is_refused_with_one_line() -> None:
    fitted = Primitive("rule_odd", arrow(GRID, GRID), TaskRule(lambda g: g), fallback=True)
    grammar = GRAMMAR.with_primitive(fitted, 0.0)
    with pytest.raises(ExportError, match="'rule_odd' is fitted to one task and has no export"):
        to_python(parse("(lam (rule_odd $0))"), arrow(GRID, GRID), grammar, LIMITS, codecs=CODECS)
    plain = GRAMMAR.with_primitive(Primitive("same", arrow(GRID, GRID), lambda g: g), 0.0)
    with pytest.raises(ExportError, match="not a top-level function"):
        to_python(parse("(lam (same $0))"), arrow(GRID, GRID), plain, LIMITS, codecs=CODECS)
    with pytest.raises(ExportError, match="values of type grid have no plain-Python form"):
        to_python(parse("(lam $0)"), arrow(GRID, GRID), GRAMMAR, LIMITS)  # no codecs given


SOLVED = ("1cf80156", "1e0a9b12", "007bbfb7", "0d3d703e", "0ca9ddb6")
"""ARC-AGI-1 training tasks that search solves in a second: three with the base
primitives, two with a rule fitted to the task (``rule_cell``, ``stamp1``)."""


@pytest.mark.parametrize("name", SOLVED)
def test_a_solved_arc_task_exports_and_checks_itself(name: str, tmp_path: Path) -> None:
    task = next(t for t in TRAINING if t.name == name)
    report = solve(task, GRIDS, budget=2.0, guide=False)
    assert report.solved and report.result.program is not None
    source = export_python(
        report.result.program,
        task.request,
        GRIDS,
        GRIDS.task_grammar(task, GRAMMAR),
        examples=task_examples(task, GRIDS),
        title=f"ARC {name}",
    )
    path = tmp_path / f"arc_{name}.py"
    path.write_text(source)
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    examples = len(task.train) + len(task.test)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{examples} of {examples} examples give the expected output" in done.stdout


def test_every_composition_operation_exports_and_runs_alike() -> None:
    """Each operation composition search may chain, as a one-operation rule, exported and
    run on ARC training grids: the same output or the same failure as in metagrow."""
    from metagrow.domains.grids._compose import ComposedRule
    from metagrow.domains.grids._compose_ops import Chain
    from metagrow.domains.grids._compose_table import operations

    grids = [g.cells for g in INPUTS[:12]]
    x = grids[0]
    h, w = x.shape
    offered = [
        operations(grids, grids),  # every output its input's shape: the moves too
        operations([x], [np.zeros((h + 2, w + 2), np.uint8)]),  # edges grown by one
        operations([x], [np.zeros((2 * h - 1, w), np.uint8)]),  # folded once down
        operations([x], [np.zeros((h * h, w * w), np.uint8)]),  # a copy per cell of a colour
        operations(grids, [np.full_like(g, 9) for g in grids]),  # a colour no input shows
        operations([x], [np.zeros((h * h, w * w // 4), np.uint8)]),  # a half by a half
    ]
    ops = {op.name: op for found in offered for op in found}
    new = {"slideto1", "levelto2", "fold2x1", "border", "selfkron0", "bandrows", "midcol"}
    new |= {"inbox1to9", "raysdown9", "kronhalves", "centrelines9", "ringsreversed", "continued"}
    assert new <= set(ops)
    grammar = GRAMMAR
    for name, op in ops.items():
        rule = ComposedRule(Chain((op,)), f"compose_{name}")
        fitted = Primitive(rule.name, arrow(GRID, GRID), TaskRule(rule))
        grammar = grammar.with_primitive(fitted, 0.0)
    for name in ops:
        expr = parse(f"(lam (compose_{name} $0))")
        module = load(to_python(expr, arrow(GRID, GRID), grammar, LIMITS, codecs=CODECS))
        program = Program(expr, grammar.primitives)
        for x in INPUTS[:12]:
            want = program.run((x,), LIMITS)
            try:
                got = module.predict(GRIDS.encode(x, GRID))
            except ValueError:
                got = FAIL
            assert got == (FAIL if want is FAIL else GRIDS.encode(want, GRID)), name
