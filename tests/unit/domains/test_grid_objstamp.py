"""Object stamps: each object paints a pattern in and around its box, chosen by its look."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import Grid, GridsDomain
from metagrow.domains.grids._arc import load_arc_split
from metagrow.domains.grids._objstamp import MAX_OBJECTS, find_object_stamp

GREY = 5


def _stamped(
    seed: int, colors: tuple[int, ...], far: bool = False, n: int = 4
) -> tuple[Grid, Grid]:
    """Dots (one cell) grow a cross of their own colour (two cells long when ``far``);
    flat bars (three cells) get grey cells above and below. Objects are placed apart so
    that no two patterns touch."""
    rng = np.random.default_rng(seed)
    size = 18 if far else 14
    x = np.zeros((size, size), dtype=np.uint8)
    y = x.copy()
    taken = np.zeros((size, size), dtype=bool)
    placed = 0
    reach = 2 if far else 1
    for _ in range(10_000):
        if placed == n:
            break
        r, c = (int(v) for v in rng.integers(reach, size - reach - 2, size=2))
        if taken[r - reach : r + reach + 1, c - reach : c + reach + 3].any():
            continue
        taken[max(0, r - reach - 1) : r + reach + 2, max(0, c - reach - 1) : c + reach + 4] = True
        color = colors[placed % len(colors)]
        if placed % 2 == 0:
            x[r, c] = y[r, c] = color
            for k in range(1, reach + 1):
                for dr, dc in ((-k, 0), (k, 0), (0, -k), (0, k)):
                    y[r + dr, c + dc] = color
        else:
            x[r, c : c + 3] = y[r, c : c + 3] = color
            y[r - 1, c : c + 3] = y[r + 1, c : c + 3] = GREY
        placed += 1
    assert placed == n, "no room for the objects"
    return Grid(x), Grid(y)


def test_a_stamp_by_role_carries_over_to_colours_the_examples_never_showed() -> None:
    pairs = [_stamped(1, (2, 3)), _stamped(2, (4, 1)), _stamped(3, (6, 7))]
    test_x, test_y = _stamped(4, (8, 9))
    rule = find_object_stamp(pairs, [test_x])
    assert rule is not None and rule.name == "objstamp1_roles"
    assert all(rule(x) == y for x, y in pairs)
    assert rule(test_x) == test_y


def test_colours_as_they_are_come_before_roles_and_the_smallest_margin_first() -> None:
    pairs = [_stamped(1, (2, 3)), _stamped(2, (2, 3))]
    test_x, test_y = _stamped(3, (2, 3))
    rule = find_object_stamp(pairs, [test_x])
    assert rule is not None and rule.name == "objstamp1" and rule(test_x) == test_y
    far = [_stamped(s, (2, 3), far=True, n=2) for s in (1, 2)]
    far_x, far_y = _stamped(3, (2, 3), far=True, n=2)
    rule = find_object_stamp(far, [far_x])
    assert rule is not None and rule.name == "objstamp2" and rule(far_x) == far_y


def test_an_object_of_a_look_never_shown_leaves_no_answer() -> None:
    pairs = [_stamped(1, (2, 3)), _stamped(2, (2, 3))]
    test_x, _ = _stamped(3, (2, 3))
    square = test_x.cells.copy()
    square[:2, :2] = 4  # a 2 by 2 square: no example shows one
    assert find_object_stamp(pairs, [Grid(square)]) is None
    rule = find_object_stamp(pairs, [test_x])
    assert rule is not None and rule(Grid(square)) is None


def test_two_objects_painting_one_cell_two_colours_leave_no_answer() -> None:
    pairs = [_stamped(1, (2, 3)), _stamped(2, (2, 3))]
    rule = find_object_stamp(pairs, [])
    assert rule is not None
    clash = np.zeros((7, 7), dtype=np.uint8)
    clash[2, 2] = 2
    clash[4, 2:5] = 3  # the dot's cross and the bar's grey share cell (3, 2)
    assert rule(Grid(clash)) is None


def test_no_stamp_for_one_pair_other_shapes_changes_off_any_window_or_too_many_objects() -> None:
    pair = _stamped(1, (2, 3))
    assert find_object_stamp([pair], []) is None
    x, y = pair
    bigger = Grid(np.pad(y.cells, 1))
    assert find_object_stamp([pair, (x, bigger)], []) is None
    far_off = y.cells.copy()
    far_off[0, 0] = far_off[13, 13] = 7  # changed where no object's window reaches
    assert find_object_stamp([pair, (x, Grid(far_off))], []) is None
    speckled = np.zeros((30, 30), dtype=np.uint8)
    speckled[::2, ::2] = 1  # 225 one-cell objects
    assert MAX_OBJECTS < 225
    assert find_object_stamp([pair, (Grid(speckled), Grid(speckled))], []) is None


def test_an_object_stamp_joins_the_task_grammar_of_a_real_task() -> None:
    """ARC training task 0962bcdd: each plus grows into a star, the centre's colour
    along the diagonals and the arms' along the arms; the two examples use other
    colours, so the stamp is read by role."""
    task = next(t for t in load_arc_split("training") if t.name == "0962bcdd")
    grids = GridsDomain()
    grammar = grids.task_grammar(task, grids.grammar(), seconds=2.0)
    stamp = grammar.primitives["objstamp1_roles"]
    assert not stamp.fallback
    test = task.test[0]
    assert stamp.value(test.inputs[0]) == test.output


def _shadowed(scales: tuple[int, ...], clip: bool = False) -> tuple[Grid, Grid]:
    """Red dots drawn ``k`` cells across (for each ``k`` of ``scales``, left to right)
    cast a blue shadow as large as themselves below and to the right of them; ``clip``
    puts the first dot in the top left corner and its shadow above it, off the grid."""
    x = np.zeros((10, 6 * len(scales)), dtype=np.uint8)
    y = x.copy()
    for n, k in enumerate(scales):
        r, c = (0, 0) if clip and n == 0 else (1, 6 * n)
        x[r : r + k, c : c + k] = y[r : r + k, c : c + k] = 2
        y[r + k : r + 2 * k, c + k : c + 2 * k] = 1
    return Grid(x), Grid(y)


def test_a_look_drawn_larger_paints_its_pattern_as_large() -> None:
    pairs = [_shadowed((1, 2)), _shadowed((2, 1), clip=True)]
    test_x, test_y = _shadowed((3,))
    rule = find_object_stamp(pairs, [test_x])
    assert rule is not None and rule.name == "objstamp1_scaled"
    assert all(rule(x) == y for x, y in pairs)
    assert rule(test_x) == test_y
    # A large dot whose shadow is one cell is no small dot drawn larger.
    x, y = pairs[0]
    thin = y.cells.copy()
    thin[4:5, 8:10] = thin[3:5, 9:10] = 0
    assert find_object_stamp([(x, Grid(thin)), pairs[1]], [test_x]) is None
