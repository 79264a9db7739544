"""The lifelong benchmark's tasks: right labels, disjoint pools, prefixes for smaller
fractions; its standalone network and the cross-type module adapter."""

from __future__ import annotations

import pytest

from metagrow.bench import LifelongConfig, lifelong_task, task_kind, train_size
from metagrow.bench._lifelong import SLOTS
from metagrow.bench._lifelong_nets import adapt, slot_library, train_standalone
from metagrow.domains.digits import IMAGE, LIST_IMAGES, Image, load_digit_images
from metagrow.fit import TrainConfig
from metagrow.lang import BOOL, INT, arrow

IMAGES = load_digit_images(0)


def images_in(examples: object) -> set[int]:
    found: set[int] = set()
    for ex in examples:  # type: ignore[attr-defined]
        value = ex.inputs[0]
        for image in value if isinstance(value, tuple) else (value,):
            assert isinstance(image, Image)
            found.add(image.index)
    return found


def digits_of(value: object) -> list[int]:
    items = value if isinstance(value, tuple) else (value,)
    return [IMAGES.label(image) for image in items]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "request_type"),
    [
        ("is_digit_3", arrow(IMAGE, BOOL)),
        ("count_5", arrow(LIST_IMAGES, INT)),
        ("classify_digit", arrow(IMAGE, INT)),
        ("sum_digits", arrow(LIST_IMAGES, INT)),
    ],
)
def test_labels_are_right_and_pools_disjoint(name: str, request_type: object) -> None:
    task = lifelong_task(name, IMAGES, 0.2, 80, 0)
    assert task.task.request == request_type
    pools = {p: set(IMAGES.pools[p]) for p in ("train", "validation", "test")}
    assert images_in(task.task.train) <= pools["train"]
    assert images_in(task.validation) <= pools["validation"]
    assert images_in(task.task.test) <= pools["test"]
    for ex in (*task.task.train, *task.validation, *task.task.test):
        digits = digits_of(ex.inputs[0])
        expected = {
            "is_digit_3": digits == [3],
            "count_5": digits.count(5),
            "classify_digit": digits[0],
            "sum_digits": sum(digits),
        }[name]
        assert ex.output == expected


def test_recognisers_are_balanced_and_counts_vary() -> None:
    shows = [ex.output for ex in lifelong_task("is_digit_7", IMAGES, 1.0, 0, 0).task.train]
    assert 0.4 < sum(map(bool, shows)) / len(shows) < 0.6
    counts = {ex.output for ex in lifelong_task("count_2", IMAGES, 1.0, 0, 0).task.train}
    assert {0, 1, 2, 3} <= counts  # type: ignore[operator]


def test_fractions_size_the_data_and_a_smaller_one_is_a_prefix() -> None:
    assert train_size("count_3", 0.02) == 4
    assert train_size("is_digit_3", 1.0) == 500
    small = lifelong_task("count_3", IMAGES, 0.1, 10, 0)
    large = lifelong_task("count_3", IMAGES, 0.5, 10, 0)
    assert small.train_size == 20
    assert large.task.train[: len(small.task.train)] == small.task.train
    assert large.validation[: len(small.validation)] == small.validation
    assert small.task.test == large.task.test


@pytest.mark.parametrize("name", ["count_x", "is_digit_10", "recognise", ""])
def test_unknown_task_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="is_digit_<d>, count_<d>"):
        task_kind(name)


def test_config_rejects_bad_fractions_and_tasks() -> None:
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        LifelongConfig(fractions=(0.0, 1.0))
    with pytest.raises(ValueError, match="unknown lifelong task"):
        LifelongConfig(sequences={"S": ("count_digits",)})


def test_standalone_network_learns_a_recogniser_and_fine_tunes_across_types() -> None:
    config = TrainConfig(max_epochs=15, patience=3)
    first = lifelong_task("is_digit_3", IMAGES, 0.4, 100, 0)
    alone = train_standalone(
        first.task.request, first.task.train, first.validation, first.task.test,
        IMAGES.features, config, 0,
    )  # fmt: skip
    assert alone.accuracy > 0.85
    second = lifelong_task("count_3", IMAGES, 0.1, 50, 0)
    tuned = train_standalone(
        second.task.request, second.task.train, second.validation, second.task.test,
        IMAGES.features, config, 0, alone.weights,
    )  # fmt: skip
    assert 0.0 <= tuned.accuracy <= 1.0 and tuned.weights != alone.weights


def test_adapt_keeps_the_hidden_layer_and_gives_the_slot_type() -> None:
    import torch
    from safetensors.torch import load

    recogniser, classifier = SLOTS
    net = recogniser.architecture.build(torch.Generator().manual_seed(1))
    trained = recogniser.with_net(net, "net_is_digit_3")
    adapted = adapt(trained, classifier, 0)
    assert adapted is not None
    assert adapted.name == "net_is_digit_3_as_int" and adapted.type == classifier.type
    assert adapted.weights is not None and trained.weights is not None
    old, new = load(trained.weights), load(adapted.weights)
    assert torch.equal(old["0.weight"], new["0.weight"])
    assert new["3.weight"].shape == (10, 128)
    usable, origin = slot_library([trained], classifier, 0)
    assert [m.name for m in usable] == ["net_is_digit_3_as_int"]
    assert origin == {"net_is_digit_3_as_int": "net_is_digit_3"}
    assert slot_library([trained], recogniser, 0) == ([trained], {})
