"""Programs with trained modules, exported: the Python module (its modules numpy forward
passes on their weights, inline or in an ``.npz`` beside it) and, where a graph can say
it, the ONNX model give the interpreter's outputs and failures, for random well-typed
programs of the perception grammar with random small MLP and CNN modules and random
tensor inputs."""

from __future__ import annotations

import functools
import random
import tempfile
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from metagrow.domains import Tensor
from metagrow.domains.perception import PerceptionDomain
from metagrow.export import (
    ExportError,
    module_onnx_model,
    python_export,
    to_python,
    weights_path,
)
from metagrow.fit import ConvSpec, MLPSpec, Module, module_primitive
from metagrow.lang import (
    BOOL,
    FAIL,
    INT,
    Expr,
    Grammar,
    Program,
    Type,
    arrow,
    sample_program,
    shaped,
    tlist,
)
from metagrow.testing import exported_outcome, load_exported

DOMAIN = PerceptionDomain()
LIMITS = DOMAIN.limits()
IMAGE = shaped("image", (6, 6))
VECTOR = shaped("tensor", (5,))
_TEMP = tempfile.TemporaryDirectory(prefix="metagrow-export-modules-")  # removed at exit
_DIR = Path(_TEMP.name)


def _trained(name: str, t: Type, architecture: MLPSpec | ConvSpec, seed: int) -> Module:
    module = Module(name, t, architecture)
    return module.with_net(module.build(seed))


@functools.cache
def _grammar() -> Grammar:
    """The perception grammar (without ``le?``, whose function is a lambda an export
    refuses) and four random modules: MLPs and a CNN, to ints and to bools."""
    modules = (
        _trained("digit", arrow(IMAGE, INT), MLPSpec(36, (8,), 4), 1),
        _trained("odd", arrow(IMAGE, BOOL), ConvSpec(6, 6, 1, (3,), (6,), 1), 2),
        _trained("count", arrow(VECTOR, INT), MLPSpec(5, (6, 4), 3), 3),
        _trained("big", arrow(VECTOR, BOOL), MLPSpec(5, (7,), 1), 4),
    )
    base = [p for p in DOMAIN.grammar().primitives.values() if p.name != "le?"]
    return Grammar.uniform((*base, *(module_primitive(m) for m in modules)))


REQUESTS = (
    arrow(IMAGE, INT),
    arrow(tlist(IMAGE), INT),
    arrow(tlist(IMAGE), BOOL),
    arrow(tlist(IMAGE), tlist(INT)),
    arrow(tlist(VECTOR), INT),
    arrow(tlist(VECTOR), tlist(BOOL)),
    arrow(VECTOR, tlist(IMAGE), INT),
)


def _value(t: Type, rng: np.random.Generator, length: int) -> tuple[object, object]:
    """A random value of ``t``: as the interpreter takes it, and as the export does."""
    if t in (IMAGE, VECTOR):
        shape = (6, 6) if t == IMAGE else (5,)
        array = rng.normal(0.5, 1.0, shape).astype(np.float32)
        return Tensor(array), array
    pairs = [_value(t.args[0], rng, length) for _ in range(length)]  # type: ignore[attr-defined]
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


@st.composite
def drawn_programs(draw: st.DrawFn) -> tuple[Type, Expr]:
    """A request and a program of it drawn from the grammar (the first of a few seeds
    whose draw reaches no dead end)."""
    grammar = _grammar()
    request = draw(st.sampled_from(REQUESTS))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    depth = draw(st.integers(2, 5))
    for _ in range(50):
        expr = sample_program(grammar, request, rng, depth)
        if expr is not None:
            return request, expr
    assume(False)
    raise AssertionError


def _exported(expr: Expr, request: Type, grammar: Grammar) -> ModuleType:
    source = to_python(expr, request, grammar, LIMITS, codecs=DOMAIN.codecs())
    return load_exported(source, _DIR)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_exported_python_runs_module_programs_as_the_interpreter(
    data: st.DataObject, seed: int
) -> None:
    grammar = _grammar()
    request, expr = data.draw(drawn_programs())
    module = _exported(expr, request, grammar)
    program = Program(expr, grammar.primitives)
    rng = np.random.default_rng(seed)
    for length in (0, 1, 4):
        pairs = [_value(t, rng, length) for t in request.arguments()]
        want = program.run(tuple(p[0] for p in pairs), LIMITS)
        got = exported_outcome(module, tuple(p[1] for p in pairs))
        event("the interpreter fails" if want is FAIL else "a value")
        if isinstance(want, Tensor):
            want = want.array
        assert np.array_equal(np.asarray(got), np.asarray(want)), (str(expr), length)


def _onnx_batch(
    request: Type, rng: np.random.Generator, rows: int, length: int
) -> tuple[list[tuple[object, ...]], dict[str, np.ndarray]]:
    """``rows`` random inputs: each row's arguments for the interpreter, and the graph's
    batched inputs (``x``, or ``x0``, ``x1``, ...)."""
    args = request.arguments()
    names = ["x"] if len(args) == 1 else [f"x{j}" for j in range(len(args))]
    table = [[_value(t, rng, length) for t in args] for _ in range(rows)]
    feeds = {
        n: _stacked([r[j][1] for r in table], t)
        for j, (n, t) in enumerate(zip(names, args, strict=True))
    }
    return [tuple(p[0] for p in r) for r in table], feeds


def _stacked(values: list[object], t: Type) -> np.ndarray:
    """A batch of export-form values of type ``t`` as one array (a list's items the
    second axis, float32 for tensors)."""
    shape = (6, 6) if IMAGE in (t, *getattr(t, "args", ())) else (5,)
    arrays = [np.asarray(v, dtype=np.float32).reshape(-1, *shape) for v in values]
    batch = np.stack(arrays)
    return batch if getattr(t, "name", "") == "list" else batch[:, 0]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_onnx_runs_module_programs_as_the_interpreter_or_says_why_not(
    data: st.DataObject, seed: int
) -> None:
    import onnxruntime as ort

    grammar = _grammar()
    request, expr = data.draw(drawn_programs())
    try:
        model = module_onnx_model(expr, request, grammar)
    except ExportError as err:
        assert str(err).startswith("cannot export to ONNX: ") and "\n" not in str(err)
        event(f"refused: {str(err).split(':')[1].strip()[:40]}")
        return
    event("exported to ONNX")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(model.SerializeToString(), options, ["CPUExecutionProvider"])
    program = Program(expr, grammar.primitives)
    rng = np.random.default_rng(seed)
    for length in (0, 1, 3):
        rows, feeds = _onnx_batch(request, rng, 5, length)
        got = session.run(["y"], feeds)[0]
        for i, args in enumerate(rows):
            want = program.run(args, LIMITS)
            assert want is not FAIL, (str(expr), "the interpreter fails where the graph gives")
            want = want.array if isinstance(want, Tensor) else np.asarray(want)
            assert np.array_equal(got[i], want), (str(expr), length, got[i], want)


@st.composite
def drawn_folds(draw: st.DrawFn) -> tuple[Type, Expr]:
    """A program ``(lam (fold XS INIT (lam (lam BODY))))`` or ``(lam (chain? (lam (lam
    BODY)) XS))`` over a list argument, its parts drawn from the grammar: ``XS`` a list
    (often mapped or filtered) of items ``item``, ``BODY`` reading the item, the
    accumulator (or the pair) and the argument, which can hold more folds."""
    grammar = _grammar()
    items = draw(st.sampled_from((IMAGE, VECTOR)))
    item = draw(st.sampled_from((items, INT, BOOL)))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    depth = draw(st.integers(1, 4))
    outer = (tlist(items),)
    chain, filtered = draw(st.booleans()), draw(st.booleans())
    result = BOOL if chain else draw(st.sampled_from((INT, BOOL, items)))
    for _ in range(50):
        xs = sample_program(grammar, tlist(item), rng, depth, outer)
        init = sample_program(grammar, result, rng, depth, outer)
        body = sample_program(grammar, result, rng, depth, (result, item, *outer))
        if chain:
            body = sample_program(grammar, BOOL, rng, depth, (item, item, *outer))
        if xs is None or init is None or body is None:
            continue
        xs_, body_ = grammar.show(xs), grammar.show(body)
        keep = sample_program(grammar, BOOL, rng, depth, (item, *outer)) if filtered else None
        if keep is not None:  # items dropped: the fold skips them, chain? closes the gaps
            xs_ = f"(filter (lam {grammar.show(keep)}) {xs_})"
        text = (
            f"(lam (chain? (lam (lam {body_})) {xs_}))"
            if chain
            else f"(lam (fold {xs_} {grammar.show(init)} (lam (lam {body_}))))"
        )
        return arrow(tlist(items), result), grammar.parse(text)
    assume(False)
    raise AssertionError


_NOT_FOLDS = ("accumulator is a list", "'max'", "list of lists", "a function is the program's")


@settings(max_examples=150, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_onnx_runs_folds_and_chains_as_the_interpreter(data: st.DataObject, seed: int) -> None:
    """Folds (an ONNX Loop) and ``chain?`` (all neighbour pairs at once) give the
    interpreter's value on every row, over filtered lists too; a refusal is never for
    the fold or the chain itself, but a list accumulator or another part."""
    import onnxruntime as ort

    grammar = _grammar()
    request, expr = data.draw(drawn_folds())
    try:
        model = module_onnx_model(expr, request, grammar)
    except ExportError as err:
        assert any(why in str(err) for why in _NOT_FOLDS), str(err)
        event("refused")
        return
    event("exported to ONNX")
    event("a filter" if "filter" in grammar.show(expr) else "no filter")
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    program = Program(expr, grammar.primitives)
    rng = np.random.default_rng(seed)
    for length in (0, 1, 3):
        rows, feeds = _onnx_batch(request, rng, 4, length)
        got = session.run(["y"], feeds)[0]
        for i, args in enumerate(rows):
            want = program.run(args, LIMITS)
            assert want is not FAIL, (str(expr), "the interpreter fails where the graph gives")
            want = want.array if isinstance(want, Tensor) else np.asarray(want)
            assert np.array_equal(got[i], want), (str(expr), length, got[i], want)


def test_onnx_forward_of_each_module_equals_numpy_within_float_tolerance() -> None:
    """Each module in a graph: the same answers as the interpreter on 200 random values,
    and the graph's logits within 1e-5 of numpy's (the answers are argmax or ``> 0``)."""
    import onnxruntime as ort

    from metagrow.fit import ModuleFunction, features, forward, load_weights

    grammar = _grammar()
    rng = np.random.default_rng(0)
    for name in ("digit", "odd", "count", "big"):
        function = grammar.primitives[name].value
        assert isinstance(function, ModuleFunction)
        t = function.module.type.arguments()[0]
        expr = grammar.parse(f"(lam ({name} $0))")
        session = ort.InferenceSession(
            module_onnx_model(
                expr, arrow(t, function.module.type.returns()), grammar
            ).SerializeToString(),
            providers=["CPUExecutionProvider"],
        )
        pairs = [_value(t, rng, 0) for _ in range(200)]
        x = np.stack([np.asarray(p[1]) for p in pairs])
        got = session.run(["y"], {"x": x})[0]
        want = [function(p[0]) for p in pairs]
        assert got.tolist() == want
        assert function.module.weights is not None
        logits = forward(
            function.module.architecture,
            load_weights(function.module.weights),
            features([p[0] for p in pairs]),
        )
        margin = np.sort(logits, axis=1)
        if logits.shape[1] > 1:  # no answer of the test is a near tie a rounding could flip
            assert float((margin[:, -1] - margin[:, -2]).min()) > 1e-5


def test_weights_go_beside_the_module_above_the_inline_limit(tmp_path: Path) -> None:
    grammar = _grammar()
    expr = grammar.parse("(lam (sum (map (lam (digit $0)) $0)))")
    request = arrow(tlist(IMAGE), INT)
    small = python_export(expr, request, grammar, LIMITS, codecs=DOMAIN.codecs())
    assert small.weights == b"" and "np.array([[" in small.source
    side = python_export(expr, request, grammar, LIMITS, codecs=DOMAIN.codecs(), inline_below=100)
    assert side.weights and "module_weights('digit')" in side.source
    assert "np.array([[" not in side.source
    path = tmp_path / "sum.py"
    path.write_text(side.source)
    weights_path(path).write_bytes(side.weights)
    with np.load(weights_path(path), allow_pickle=False) as found:
        assert sorted(found.files) == ["digit/0.bias", "digit/0.weight", "digit/2.bias",
                                       "digit/2.weight"]  # fmt: skip
    module = _imported(path)
    rng = np.random.default_rng(5)
    program = Program(expr, grammar.primitives)
    for length in (0, 2, 5):
        value, array = _value(tlist(IMAGE), rng, length)
        assert module.predict([a.tolist() for a in array]) == program.run((value,), LIMITS)
    weights_path(path).unlink()
    with pytest.raises(FileNotFoundError, match=r"sum\.npz: the weights of module 'digit'"):
        _imported(path)


def _imported(path: Path) -> ModuleType:
    """The module at ``path``, imported afresh (``__file__`` is ``path``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"side_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_png_input_gets_one_line_and_no_pillow() -> None:
    grammar = _grammar()
    module = _exported(grammar.parse("(lam (digit $0))"), arrow(IMAGE, INT), grammar)
    with pytest.raises(ValueError, match=r"not image files \(they need Pillow"):
        module.predict({"file": "seven.png"})
    with pytest.raises(ValueError, match=r"expected image\[6,6\] \(shape 6x6\), got shape 5x6"):
        module.predict([[0.0] * 6] * 5)
    assert module.predict([[0.5] * 6] * 6) == Program(
        grammar.parse("(lam (digit $0))"), grammar.primitives
    ).run((Tensor(np.full((6, 6), 0.5)),), LIMITS)


def test_an_onnx_module_graph_is_the_same_file_every_time() -> None:
    from metagrow.domains.perception import DIGIT_IMAGE, PerceptionDomain
    from metagrow.export import module_onnx_model
    from metagrow.fit import MLPSpec, Module, module_primitive
    from metagrow.lang import INT, arrow, tlist

    module = Module("digit", arrow(DIGIT_IMAGE, INT), MLPSpec(64, (16, 8), 10))
    module = module.with_net(module.build(0))
    grammar = PerceptionDomain().grammar().with_primitive(module_primitive(module))
    expr = grammar.parse("(lam (sum (map (lam (digit $0)) $0)))")
    request = arrow(tlist(DIGIT_IMAGE), INT)
    first = module_onnx_model(expr, request, grammar).SerializeToString()
    assert all(
        module_onnx_model(expr, request, grammar).SerializeToString() == first for _ in range(5)
    )
