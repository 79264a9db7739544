"""Trained modules as library primitives: numpy forward passes equal torch's, module
primitives travel with grammar specs, and the neural engine trains and reuses them."""

from __future__ import annotations

import pickle
import random

import numpy as np
import pytest
import torch

from metagrow.domains import Tensor
from metagrow.domains.perception import PerceptionDomain
from metagrow.fit import (
    ConvSpec,
    MLPSpec,
    Module,
    ModuleFunction,
    NeuralConfig,
    NeuralEngine,
    architecture_from_json,
    forward,
    library_modules,
    load_weights,
    module_primitive,
)
from metagrow.lang import INT, Example, Task, arrow, build_grammar, grammar_spec, shaped, tlist
from metagrow.search import Budget, Progress, solve

VECTOR = shaped("tensor", (4,))


def _trained(architecture: MLPSpec | ConvSpec, t: object = None, seed: int = 0) -> Module:
    module = Module("m", arrow(t or VECTOR, INT), architecture)  # type: ignore[arg-type]
    return module.with_net(module.build(seed))


@pytest.mark.parametrize(
    "architecture",
    [
        MLPSpec(4, (16,), 5),
        MLPSpec(4, (8, 6), 3, dropout=0.3),
        ConvSpec(9, 7, 1, (4,), (10,), 5),
        ConvSpec(8, 8, 3, (4, 6), (12,), 4, dropout=0.2),
    ],
)
def test_numpy_forward_equals_torch_in_eval_mode(architecture: MLPSpec | ConvSpec) -> None:
    module = _trained(architecture)
    net = module.build(0)
    net.eval()
    x = np.random.default_rng(1).random((6, architecture.inputs), dtype=np.float32)
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy()
    assert module.weights is not None
    got = forward(architecture, load_weights(module.weights), x)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert architecture_from_json(architecture.to_json()) == architecture


def test_a_module_primitive_answers_like_its_network_and_pickles() -> None:
    module = _trained(MLPSpec(4, (16,), 5))
    fn = ModuleFunction(module)
    values = [Tensor(np.random.default_rng(i).random(4)) for i in range(8)]
    net = module.build(0)
    net.eval()
    with torch.no_grad():
        want = net(torch.stack([torch.tensor(v.features()) for v in values])).argmax(1)
    assert [fn(v) for v in values] == want.tolist()
    assert fn.batch(values) == want.tolist()
    again = pickle.loads(pickle.dumps(fn))
    assert again.module == module and [again(v) for v in values] == want.tolist()
    with pytest.raises(ValueError, match="untrained"):
        ModuleFunction(module.fresh("n"))


def test_module_primitives_travel_in_a_grammar_spec() -> None:
    base = PerceptionDomain().grammar()
    grammar = base.with_primitive(module_primitive(_trained(MLPSpec(4, (8,), 4))), -1.5)
    spec = grammar_spec(grammar)
    assert [p.name for p in spec.learned] == ["m"]
    rebuilt = build_grammar(base, pickle.loads(pickle.dumps(spec)))
    assert [m.name for m in library_modules(rebuilt)] == ["m"]
    assert next(p for p in rebuilt.productions if p.label == "m").log_weight == -1.5
    assert library_modules(base) == []


def _vectors(rng: random.Random, n: int) -> list[tuple[Tensor, int]]:
    """Random 4-vectors labelled by their largest coordinate."""
    out = []
    for _ in range(n):
        label = rng.randrange(4)
        v = [rng.random() * 0.5 for _ in range(4)]
        v[label] = 0.6 + rng.random() * 0.4
        out.append((Tensor(v), label))
    return out


def _recognise(seed: int, n: int) -> Task:
    rng = random.Random(seed)
    train = [Example((v,), y) for v, y in _vectors(rng, n)]
    test = [Example((v,), y) for v, y in _vectors(rng, 50)]
    return Task("which_largest", arrow(VECTOR, INT), tuple(train), tuple(test))


def _sums(seed: int, n: int) -> Task:
    rng = random.Random(seed)

    def example() -> Example:
        pairs = _vectors(rng, rng.randint(2, 4))
        return Example((tuple(v for v, _ in pairs),), sum(y for _, y in pairs))

    train = tuple(example() for _ in range(n))
    test = tuple(example() for _ in range(40))
    return Task("sum of largest", arrow(tlist(VECTOR), INT), train, test)


def _accuracy(result: object, task: Task) -> float:
    right = [p[0] == ex.output for p, ex in zip(result.predictions, task.test, strict=True)]  # type: ignore[attr-defined]
    return sum(right) / len(right)


def test_the_neural_engine_trains_a_module_and_a_later_task_reuses_it() -> None:
    grammar = PerceptionDomain().grammar()
    engine = NeuralEngine(NeuralConfig(hidden=(16,)))
    first = solve(_recognise(0, 150), grammar, engine, Budget(20))
    assert first.solved and str(first.program) == "(lam (net_which_largest $0))"
    assert [p.name for p in first.learned] == ["net_which_largest"]
    assert _accuracy(first, _recognise(0, 150)) >= 0.9
    library = grammar.with_primitive(first.learned[0])
    task = _sums(1, 12)
    second = solve(task, library, engine, Budget(20))
    assert second.solved, second
    # the library module frozen in the program, or a copy of it fine-tuned for this task
    parents = [p.value.module.parent for p in second.learned]  # type: ignore[attr-defined]
    assert "net_which_largest" in str(second.program) or parents == ["net_which_largest"]
    assert _accuracy(second, task) >= 0.9
    alone = solve(task, grammar, engine, Budget(20))
    assert _accuracy(second, task) > _accuracy(alone, task)


def test_tasks_without_perceptual_values_go_to_the_symbolic_engine() -> None:
    task = Task(
        "double",
        arrow(tlist(INT), tlist(INT)),
        tuple(Example(((i, i + 1),), (2 * i, 2 * i + 2)) for i in range(4)),
        (),
    )
    found = list(NeuralEngine().search(task, PerceptionDomain().grammar(), Budget(5), Progress()))
    assert found and found[0].fits and not found[0].learned


def test_the_neural_engine_stays_within_its_budget() -> None:
    from metagrow.testing import timed

    task = _sums(2, 60)
    with timed() as took:
        list(NeuralEngine().search(task, PerceptionDomain().grammar(), Budget(3), Progress()))
    assert took.within(3 * 1.1 + 0.5), f"{took.wall:.2f} s on a 3 s budget"


def _smallest(rng: random.Random) -> tuple[Tensor, int]:
    """A 4-vector labelled by its smallest coordinate."""
    label = rng.randrange(4)
    v = [0.5 + rng.random() * 0.5 for _ in range(4)]
    v[label] = rng.random() * 0.4
    return Tensor(v), label


def test_a_program_combines_a_library_module_with_a_new_one() -> None:
    grammar = PerceptionDomain().grammar()
    engine = NeuralEngine(NeuralConfig(hidden=(16,)))
    first = solve(_recognise(0, 150), grammar, engine, Budget(20))
    library = grammar.with_primitive(first.learned[0])
    rng = random.Random(3)

    def example() -> Example:
        (a, x), (b, y) = _vectors(rng, 1)[0], _smallest(rng)
        return Example((a, b), x + y)

    task = Task(
        "largest plus smallest",
        arrow(VECTOR, VECTOR, INT),
        tuple(example() for _ in range(120)),
        tuple(example() for _ in range(60)),
    )
    result = solve(task, library, engine, Budget(25))
    assert result.solved, result
    program = str(result.program)
    assert "net_which_largest $1" in program and "net_largest_plus_smallest $0" in program
    assert _accuracy(result, task) >= 0.85


def test_images_of_sixteen_pixels_a_side_get_a_trained_cnn_that_numpy_runs() -> None:
    rng = np.random.default_rng(0)

    def example() -> Example:
        quadrant = int(rng.integers(4))
        image = rng.random((16, 16)) * 0.3
        r, c = divmod(quadrant, 2)
        image[r * 8 + 2 : r * 8 + 6, c * 8 + 2 : c * 8 + 6] = 1.0
        return Example((Tensor(image),), quadrant)

    task = Task(
        "bright quadrant",
        arrow(shaped("image", (16, 16)), INT),
        tuple(example() for _ in range(80)),
        tuple(example() for _ in range(40)),
    )
    engine = NeuralEngine(NeuralConfig(hidden=(16,), filters=(4,)))
    result = solve(task, PerceptionDomain().grammar(), engine, Budget(20))
    assert result.solved and str(result.program) == "(lam (net_bright_quadrant $0))"
    (module,) = [p.value.module for p in result.learned]  # type: ignore[attr-defined]
    assert isinstance(module.architecture, ConvSpec)
    assert module.architecture.filters == (4,) and module.architecture.outputs == 10
    assert _accuracy(result, task) >= 0.95
