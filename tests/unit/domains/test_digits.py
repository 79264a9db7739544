"""The digits domain: seeded, disjoint image pools and task generators that never share an
image between a task's training and its test."""

from __future__ import annotations

import pytest

from metagrow.domains.digits import (
    IMAGE,
    TASK_NAMES,
    DigitsDomain,
    Image,
    digit_sequence,
    load_digit_images,
    make_task,
    split_sizes,
)
from metagrow.domains.digits._tasks import LIST_IMAGES
from metagrow.lang import Program, parse


def images_in(examples: object) -> set[int]:
    found: set[int] = set()

    def walk(value: object) -> None:
        if isinstance(value, Image):
            found.add(value.index)
        elif isinstance(value, tuple):
            for v in value:
                walk(v)

    for ex in examples:  # type: ignore[attr-defined]
        walk(ex.inputs)
    return found


def test_pools_are_disjoint_cover_the_data_and_depend_on_the_seed() -> None:
    a, b = load_digit_images(0), load_digit_images(1)
    pools = [set(a.pools[p]) for p in ("train", "validation", "test")]
    assert sum(len(p) for p in pools) == 1797 == len(set().union(*pools))
    assert not (pools[0] & pools[2]) and not (pools[1] & pools[2]) and not (pools[0] & pools[1])
    assert a.pools == load_digit_images(0).pools
    assert a.pools["test"] != b.pools["test"]
    assert a.features([Image(0)]).shape == (1, 64)
    assert float(a.pixels.min()) >= 0.0 and float(a.pixels.max()) <= 1.0


@pytest.mark.parametrize("name", TASK_NAMES)
def test_tasks_are_seeded_and_keep_train_and_test_images_apart(name: str) -> None:
    images = load_digit_images(0)
    task = make_task(name, images, 40, test_size=30, seed=3)
    again = make_task(name, images, 40, test_size=30, seed=3)
    assert task == again
    assert task.train_size == 40 and len(task.task.test) == 30
    train = images_in(task.task.train) | images_in(task.validation)
    assert train and not train & images_in(task.task.test)
    assert images_in(task.task.test) <= set(images.pools["test"])
    assert make_task(name, images, 40, test_size=30, seed=4) != task


def test_outputs_are_what_the_images_show() -> None:
    images = load_digit_images(0)
    for ex in make_task("sum_digits", images, 30, seed=0).task.train:
        (xs,) = ex.inputs
        assert 2 <= len(xs) <= 5
        assert ex.output == sum(images.label(x) for x in xs)
    sorted_task = make_task("is_sorted", images, 100, seed=0).task
    labels = [ex.output for ex in sorted_task.train]
    assert 20 < sum(labels) < 60  # about half sorted
    for ex in sorted_task.train:
        digits = [images.label(x) for x in ex.inputs[0]]
        assert (digits == sorted(digits)) == ex.output
    for ex in make_task("count_digit", images, 30, seed=0).task.train:
        wanted, xs = ex.inputs
        assert ex.output == [images.label(x) for x in xs].count(wanted)


def test_sequence_order_split_sizes_and_bad_names() -> None:
    images = load_digit_images(0)
    seq = digit_sequence(images, {"sum_digits": 10, "recognise_digit": 20}, test_size=5)
    assert [t.name for t in seq] == ["recognise_digit", "sum_digits"]
    assert split_sizes(100) == (80, 20)
    with pytest.raises(ValueError, match="unknown digits task"):
        make_task("nope", images, 10)
    with pytest.raises(ValueError, match="unknown digits tasks"):
        digit_sequence(images, {"nope": 3})
    with pytest.raises(ValueError, match="at least 2"):
        split_sizes(1)


def test_domain_grammar_runs_programs_over_images_and_reads_json() -> None:
    domain = DigitsDomain()
    grammar = domain.grammar()
    prims = dict(grammar.primitives)
    program = Program(parse("(lam (chain? (lam (lam (le? $1 $0))) $0))"), prims)
    assert program.run([(1, 2, 2, 5)]) is True
    assert program.run([(3, 1)]) is False
    assert domain.expresses(LIST_IMAGES)
    assert domain.decode([3, 4], LIST_IMAGES) == (Image(3), Image(4))
    assert domain.encode((Image(3),), LIST_IMAGES) == [3]
    with pytest.raises(ValueError, match="image row number"):
        domain.decode("x", IMAGE)
