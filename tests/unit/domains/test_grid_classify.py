"""Classification rules: a few fixed outputs, chosen by a property of the whole input."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import GRID, Grid, GridsDomain
from metagrow.domains.grids._classify import find_class_rule
from metagrow.lang import Example, Task, arrow

YES, NO = Grid.of([[1]]), Grid.of([[7]])


def _picture(seed: int, symmetric: bool) -> Grid:
    rng = np.random.default_rng(seed)
    half = np.where(rng.random((5, 3)) < 0.5, 2 + seed % 3, 0).astype(np.uint8)
    other = half[:, ::-1] if symmetric else np.roll(half, 1, axis=0)[:, ::-1]
    if not symmetric and np.array_equal(other, half[:, ::-1]):
        other = other.copy()
        other[0, 0] = 9
    return Grid(np.hstack([half, other]))


def test_the_output_follows_whether_the_input_is_symmetric() -> None:
    pairs = [(_picture(s, s % 2 == 0), YES if s % 2 == 0 else NO) for s in range(6)]
    tests = [_picture(10, True), _picture(11, False)]
    rule = find_class_rule(pairs, tests)
    assert rule is not None and rule.name == "classify_symmetry"
    assert [rule(g) for g in tests] == [YES, NO]


def test_no_class_rule_when_outputs_never_repeat_or_a_test_value_is_new() -> None:
    distinct = [(_picture(s, True), Grid.of([[s + 1]])) for s in range(3)]
    assert find_class_rule(distinct, []) is None
    one_colour = [(Grid.of([[0, 3, 3]]), YES), (Grid.of([[3, 0, 3]]), YES), (Grid.of([[0, 4]]), NO)]
    rule = find_class_rule(one_colour, [])
    assert rule is not None
    assert find_class_rule(one_colour, [Grid.of([[5, 6, 8, 8, 0, 0, 0]])]) is None


def test_a_class_rule_joins_the_task_grammar_as_a_fallback() -> None:
    pairs = [(_picture(s, s % 2 == 0), YES if s % 2 == 0 else NO) for s in range(6)]
    train = tuple(Example((x,), y) for x, y in pairs)
    task = Task("symmetric?", arrow(GRID, GRID), train, (Example((_picture(12, True),)),))
    grids = GridsDomain()
    added = grids.task_grammar(task, grids.grammar()).primitives["classify_symmetry"]
    assert added.fallback
