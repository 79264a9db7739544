"""A fast retraining head: a trained trunk frozen, a logistic head fitted on its features;
the adapted module runs with numpy as with torch, round-trips through JSON and the store
(which keeps only the head), and joins a library."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import torch

from metagrow.domains import Tensor
from metagrow.domains.perception import DIGIT_IMAGE, digit_tasks
from metagrow.fit import (
    ConvSpec,
    HeadConfig,
    HeadSpec,
    MLPSpec,
    Module,
    Problem,
    TrainConfig,
    adapt_head,
    architecture_from_json,
    features,
    forward,
    load_weights,
    module_primitive,
    train_program,
    trunk_features,
)
from metagrow.fit._adapt import last_layer
from metagrow.lang import BOOL, INT, Example, arrow, parse, shaped
from metagrow.learning import module_from_record, module_record
from metagrow.store import ModuleRecord
from metagrow.testing import timed

CONFIG = HeadConfig()
torch.set_num_threads(1)


@cache
def _digits() -> tuple[list[Tensor], list[int], list[Tensor], list[int]]:
    (task,) = digit_tasks({"recognise_digit": 500}, test_size=300, seed=0)
    train = [(ex.inputs[0], ex.output) for ex in task.train]
    test = [(ex.inputs[0], ex.output) for ex in task.test]
    return (
        [x for x, _ in train],  # type: ignore[misc]
        [int(y) for _, y in train],  # type: ignore[call-overload]
        [x for x, _ in test],  # type: ignore[misc]
        [int(y) for _, y in test],  # type: ignore[call-overload]
    )


@cache
def _trunk() -> Module:
    """An MLP trained on digits 0-8 only (full-batch Adam, a few hundred steps)."""
    values, labels, _, _ = _digits()
    keep = [i for i, y in enumerate(labels) if y < 9]
    x = torch.from_numpy(features([values[i] for i in keep]))
    y = torch.tensor([labels[i] for i in keep])
    module = Module("digits", arrow(DIGIT_IMAGE, INT), MLPSpec(64, (64,), 9))
    net = module.build(0)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(150):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    return module.with_net(net)


def _per_class(labels: list[int], k: int) -> list[int]:
    """The first ``k`` indices of each label."""
    chosen: list[int] = []
    for c in sorted(set(labels)):
        chosen += [i for i, y in enumerate(labels) if y == c][:k]
    return chosen


def _accuracy(module: Module, values: list[Tensor], labels: list[object]) -> float:
    fn = module_primitive(module).value
    return float(np.mean([a == b for a, b in zip(fn.batch(values), labels, strict=True)]))


def test_a_head_learns_a_new_class_from_100_examples_in_under_a_second() -> None:
    values, labels, test_x, test_y = _digits()
    trunk = _trunk()
    few = _per_class(labels, 10)
    assert len(few) == 100
    with timed() as t:
        adapted = adapt_head(
            trunk, [values[i] for i in few], [labels[i] for i in few], "ten", seed=0,
            config=CONFIG,
        )  # fmt: skip
    assert t.within(1.0), t
    assert adapted.type == arrow(DIGIT_IMAGE, INT)
    assert adapted.architecture == HeadSpec(trunk.architecture, "digits", 10)  # type: ignore[arg-type]
    nines = [i for i, y in enumerate(test_y) if y == 9]
    assert _accuracy(adapted, [test_x[i] for i in nines], [9] * len(nines)) > 0.6
    assert _accuracy(adapted, test_x, test_y) > 0.8  # type: ignore[arg-type]


def test_the_trunk_is_frozen_and_only_the_last_layer_changes() -> None:
    values, labels, _, _ = _digits()
    trunk = _trunk()
    adapted = adapt_head(trunk, values[:100], labels[:100], "ten", seed=0, config=CONFIG)
    assert trunk.weights is not None and adapted.weights is not None
    old, new = load_weights(trunk.weights), load_weights(adapted.weights)
    assert old.keys() == new.keys()
    assert all(np.array_equal(old[k], new[k]) for k in old if not k.startswith("2."))
    assert new["2.weight"].shape == (10, 64) and old["2.weight"].shape == (9, 64)
    x = features(values[:5])
    np.testing.assert_array_equal(
        trunk_features(trunk.architecture, old, x), trunk_features(adapted.architecture, new, x)
    )


@pytest.mark.parametrize(
    "trunk",
    [
        MLPSpec(64, (16,), 3),
        MLPSpec(64, (12, 8), 2, dropout=0.3),
        MLPSpec(64, (), 4),
        ConvSpec(8, 8, 1, (4,), (10,), 3, dropout=0.2),
        ConvSpec(8, 8, 1, (4, 6), (), 3),
    ],
)
def test_numpy_forward_equals_torch_for_a_head_module(trunk: MLPSpec | ConvSpec) -> None:
    values, labels, _, _ = _digits()
    base = Module("t", arrow(DIGIT_IMAGE, INT), trunk)
    base = base.with_net(base.build(1))
    adapted = adapt_head(base, values[:60], [y % 5 for y in labels[:60]], "h", seed=0,
                         config=CONFIG)  # fmt: skip
    assert adapted.architecture.outputs == 5
    assert adapted.weights is not None
    net = adapted.build(0)
    net.eval()
    x = features(values[60:70])
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy()
    got = forward(adapted.architecture, load_weights(adapted.weights), x)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    names = dict(net.named_parameters())
    assert f"{last_layer(trunk)}.weight" in names
    assert names[f"{last_layer(trunk)}.weight"].shape[0] == 5


def test_a_head_architecture_round_trips_through_json() -> None:
    for trunk in (MLPSpec(64, (8,), 9, 0.1), ConvSpec(8, 8, 1, (4,), (10,), 3)):
        head = HeadSpec(trunk, "digits", 10)
        assert architecture_from_json(head.to_json()) == head
        assert head.inputs == 64 and head.network.outputs == 10
    with pytest.raises(ValueError, match="bad head"):
        architecture_from_json({"kind": "head", "trunk_name": "x", "outputs": 2})
    with pytest.raises(ValueError, match="got a head"):
        architecture_from_json(
            {"kind": "head", "trunk": head.to_json(), "trunk_name": "x", "outputs": 2}
        )
    with pytest.raises(ValueError, match="trunk name"):
        HeadSpec(trunk, "", 2)


def test_more_classes_than_the_trunk_and_a_class_with_no_example() -> None:
    values, labels, _, _ = _digits()
    trunk = _trunk()
    few = [i for i in _per_class(labels, 10) if labels[i] != 4]  # classes 0-3, 5-9
    adapted = adapt_head(trunk, [values[i] for i in few], [labels[i] for i in few], "h",
                         seed=0, config=CONFIG)  # fmt: skip
    assert adapted.architecture.outputs == 10
    assert 4 not in module_primitive(adapted).value.batch(values)
    assert _accuracy(adapted, [values[i] for i in few], [labels[i] for i in few]) > 0.9


def test_a_bool_head_says_whether_an_image_is_a_new_category() -> None:
    values, labels, test_x, test_y = _digits()
    few = _per_class(labels, 10)
    nine = [labels[i] == 9 for i in few]
    adapted = adapt_head(_trunk(), [values[i] for i in few], nine, "is_nine", seed=0,
                         config=CONFIG)  # fmt: skip
    assert adapted.type == arrow(DIGIT_IMAGE, BOOL)
    assert adapted.architecture.outputs == 1
    answers = module_primitive(adapted).value.batch(test_x)
    assert all(isinstance(a, bool) for a in answers)
    assert _accuracy(adapted, test_x, [y == 9 for y in test_y]) > 0.85  # type: ignore[arg-type]


def test_adapting_an_adapted_module_keeps_the_first_trunk() -> None:
    values, labels, _, _ = _digits()
    once = adapt_head(_trunk(), values[:80], labels[:80], "once", seed=0, config=CONFIG)
    twice = adapt_head(once, values[:80], [y < 5 for y in labels[:80]], "twice", seed=0,
                       config=CONFIG)  # fmt: skip
    assert isinstance(twice.architecture, HeadSpec)
    assert twice.architecture.trunk_name == "digits"
    assert twice.architecture.trunk == _trunk().architecture


def test_bad_labels_are_refused_with_one_line() -> None:
    values, labels, _, _ = _digits()
    trunk = _trunk()
    for bad, match in (
        ([1] * 10, "two classes"),
        ([1, True] * 5, "all booleans or all non-negative"),
        ([-1, 0] * 5, "non-negative"),
        ([0, 1], "as many labels"),
    ):
        with pytest.raises(ValueError, match=match):
            adapt_head(trunk, values[:10], bad, "h", seed=0, config=CONFIG)
    with pytest.raises(ValueError, match="untrained"):
        adapt_head(trunk.fresh("u"), values[:10], labels[:10], "h", seed=0, config=CONFIG)
    with pytest.raises(ValueError, match="l2"):
        HeadConfig(l2=-1.0)


def _lookup(*records: ModuleRecord) -> object:
    return {r.name: r for r in records}.get


def test_the_store_keeps_only_the_head_and_finds_the_trunk_by_name() -> None:
    values, labels, _, _ = _digits()
    trunk = _trunk()
    adapted = adapt_head(trunk, values[:100], labels[:100], "ten", seed=0, config=CONFIG)
    trunk_record = module_record(trunk, {}, {})
    lookup = _lookup(trunk_record)
    record = module_record(adapted, {}, {"adapted_from": "digits"}, trunk=lookup)  # type: ignore[arg-type]
    assert set(load_weights(record.weights)) == {"2.weight", "2.bias"}
    assert record.architecture["trunk_name"] == "digits"
    assert module_from_record(record, trunk=lookup) == adapted  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="adapts module 'digits', which is not in the store"):
        module_from_record(record)
    other = module_record(Module("digits", trunk.type, MLPSpec(64, (32,), 9)).with_net(
        Module("digits", trunk.type, MLPSpec(64, (32,), 9)).build(0)), {}, {})  # fmt: skip
    with pytest.raises(ValueError, match="another architecture"):
        module_from_record(record, trunk=_lookup(other))  # type: ignore[arg-type]
    # Without a lookup, or once the trunk has moved, the record holds every tensor.
    whole = module_record(adapted, {}, {})
    assert module_from_record(whole) == adapted
    moved = Module("digits", trunk.type, trunk.architecture).with_net(trunk.build(0))
    net = moved.build(0)
    with torch.no_grad():
        net[0].bias.add_(0.1)
    moved_record = module_record(moved.with_net(net), {}, {})
    record = module_record(adapted, {}, {}, trunk=_lookup(moved_record))  # type: ignore[arg-type]
    assert module_from_record(record) == adapted


def test_an_adapted_module_is_a_library_primitive_on_tensors_of_other_shapes() -> None:
    vector = shaped("tensor", (4,))
    rng = np.random.default_rng(0)
    base = Module("v", arrow(vector, INT), MLPSpec(4, (8,), 2))
    base = base.with_net(base.build(0))
    values = [Tensor(rng.random(4)) for _ in range(40)]
    labels = [int(v.array[0] > 0.5) + 2 * int(v.array[1] > 0.5) for v in values]
    adapted = adapt_head(base, values, labels, "quadrant", seed=0, config=CONFIG)
    primitive = module_primitive(adapted)
    assert primitive.name == "quadrant" and primitive.type == arrow(vector, INT)
    assert primitive.value(values[0]) in range(4)


def test_an_adapted_module_fine_tunes_inside_a_program() -> None:
    values, labels, test_x, test_y = _digits()
    few = _per_class(labels, 10)
    adapted = adapt_head(_trunk(), [values[i] for i in few], [labels[i] for i in few], "net",
                         seed=0, config=CONFIG)  # fmt: skip
    examples = tuple(Example((values[i],), labels[i]) for i in range(300))
    problem = Problem(adapted.type, examples[:250], examples[250:], features)
    trained = train_program(
        parse("(lam (net $0))"), [(adapted, True)], problem, TrainConfig(max_epochs=3), 0
    )
    (tuned,) = trained.modules
    assert tuned.architecture == adapted.architecture and tuned.weights != adapted.weights
    assert tuned.weights is not None
    net = tuned.build(0)
    net.eval()
    x = features(test_x[:20])
    with torch.no_grad():
        want = net(torch.from_numpy(x)).numpy()
    got = forward(tuned.architecture, load_weights(tuned.weights), x)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    assert _accuracy(tuned, test_x, test_y) > 0.8  # type: ignore[arg-type]


def test_a_conv_module_and_a_conv_head_keep_their_architecture_through_training() -> None:
    values, labels, _, _ = _digits()
    conv = Module("net", arrow(DIGIT_IMAGE, INT), ConvSpec(8, 8, 1, (4,), (16,), 10))
    examples = tuple(Example((values[i],), labels[i]) for i in range(60))
    problem = Problem(conv.type, examples[:50], examples[50:], features)
    program = parse("(lam (net $0))")
    (trained,) = train_program(
        program, [(conv, True)], problem, TrainConfig(max_epochs=2), 0
    ).modules
    assert trained.architecture == conv.architecture
    trained.build(0)
    head = adapt_head(trained, values[:60], [y % 3 for y in labels[:60]], "net", seed=0,
                      config=CONFIG)  # fmt: skip
    (tuned,) = train_program(program, [(head, True)], problem, TrainConfig(max_epochs=2), 0).modules
    assert tuned.architecture == head.architecture
    tuned.build(0)


def test_a_balanced_head_finds_more_of_a_rare_category() -> None:
    values, labels, test_x, test_y = _digits()
    few = _per_class(labels, 10)
    nine = [labels[i] == 9 for i in few]
    nines = [x for x, y in zip(test_x, test_y, strict=True) if y == 9]
    found = []
    for balanced in (False, True):
        head = adapt_head(_trunk(), [values[i] for i in few], nine, "is_nine", seed=0,
                          config=HeadConfig(balanced=balanced))  # fmt: skip
        found.append(_accuracy(head, nines, [True] * len(nines)))  # type: ignore[list-item]
    assert found[1] > found[0]
