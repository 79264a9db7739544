"""Cell rules read off a task's examples, and the grids domain's task grammar."""

from __future__ import annotations

import numpy as np

from metagrow.domains.grids import GRID, Grid, GridsDomain
from metagrow.domains.grids._fitted import FAMILIES, find_rule, fit_rule
from metagrow.domains.grids._select import Selector, find_selector
from metagrow.domains.grids._tree import fit_tree
from metagrow.lang import FAIL, Example, Production, Program, Task, arrow, parse
from metagrow.search import BottomUpEnumerator, Budget, SolveJob, solve

G = Grid.of
FAMILY = {f.name: f for f in FAMILIES}


def test_colour_table_is_the_simplest_rule() -> None:
    pairs = [(G([[1, 0], [0, 3]]), G([[2, 0], [0, 4]])), (G([[3, 1]]), G([[4, 2]]))]
    rule = find_rule(pairs, [G([[1, 3, 0]])])
    assert rule is not None and rule.family.name == "cell"
    assert rule(G([[0, 3, 1]])) == G([[0, 4, 2]])


def test_a_rule_refuses_keys_it_never_saw() -> None:
    pairs = [(G([[1, 0]]), G([[2, 0]]))]
    rule = fit_rule(FAMILY["cell"], pairs, [])
    assert rule is not None and rule(G([[5, 0]])) is None
    assert fit_rule(FAMILY["cell"], pairs, [G([[5, 0]])]) is None
    # A rule on colour roles does know it: a foreground cell beside background turns 2.
    general = find_rule(pairs, [G([[5, 0]])])
    assert general is not None and general.family.relative
    assert general(G([[5, 0]])) == G([[2, 0]])


def test_inconsistent_pairs_have_no_rule_of_that_family() -> None:
    pairs = [(G([[1, 0]]), G([[2, 0]])), (G([[1, 0]]), G([[3, 0]]))]
    assert fit_rule(FAMILY["cell"], pairs, []) is None


def test_neighbourhood_rule_learns_to_mark_cells_next_to_a_colour() -> None:
    # Background cells beside a 1 (sides only) turn 4; everything else stays.
    x1 = G([[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    y1 = G([[0, 4, 0, 0], [4, 1, 4, 0], [0, 4, 0, 0], [0, 0, 0, 0]])
    x2 = G([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])
    y2 = G([[0, 0, 0, 0], [0, 0, 4, 0], [0, 4, 1, 4], [0, 0, 4, 0]])
    test = G([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    rule = find_rule([(x1, y1), (x2, y2)], [test])
    assert rule is not None and rule.family.name == "n4count"
    assert rule(test) == G([[1, 4, 0, 0], [4, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])


def test_object_rule_recolours_the_largest_object() -> None:
    x1 = G([[1, 1, 0, 1], [1, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    y1 = G([[2, 2, 0, 1], [2, 2, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    x2 = G([[1, 0, 1, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 0]])
    y2 = G([[1, 0, 2, 2], [0, 0, 2, 2], [1, 0, 0, 0], [0, 0, 0, 0]])
    test = G([[1, 0, 0], [0, 0, 0], [1, 1, 1]])
    rule = find_rule([(x1, y1), (x2, y2)], [test])
    assert rule is not None and rule.family.name.endswith("rank")
    assert rule(test) == G([[1, 0, 0], [0, 0, 0], [2, 2, 2]])


def test_no_rule_when_nothing_changes_or_shapes_differ() -> None:
    same = [(G([[1, 2]]), G([[1, 2]]))]
    assert find_rule(same, []) is None
    assert find_rule([(G([[1, 2]]), G([[1], [2]]))], []) is None


def _task(pairs: list[tuple[Grid, Grid]], test: Grid) -> Task:
    return Task(
        "recolour",
        arrow(GRID, GRID),
        tuple(Example((x,), y) for x, y in pairs),
        (Example((test,)),),
    )


def test_task_grammar_adds_the_fitted_rule_and_search_uses_it() -> None:
    grids = GridsDomain()
    pairs = [(G([[1, 5], [5, 7]]), G([[2, 6], [6, 8]])), (G([[7, 1]]), G([[8, 2]]))]
    task = _task(pairs, G([[5, 1, 7]]))
    grammar = grids.task_grammar(task, grids.grammar())
    assert "rule_cell" in grammar.primitives and "rule_cell" not in grids.grammar().primitives
    assert Program(parse("(lam (rule_cell $0))"), grammar.primitives).run(
        (G([[5, 7]]),), grids.limits()
    ) == G([[6, 8]])
    job = SolveJob(grids, BottomUpEnumerator(), Budget(5.0, run_limits=grids.limits()))
    result = job.run(task)
    assert result.solved and result.predictions[0][0] == G([[6, 2, 8]])


def test_task_grammar_leaves_unfittable_tasks_alone() -> None:
    grids = GridsDomain()
    task = _task([(G([[1, 2]]), G([[1], [2]]))], G([[3, 4]]))
    assert grids.task_grammar(task, grids.grammar()) is grids.grammar()


def test_per_object_changes_each_object_inside_its_box() -> None:
    grids = GridsDomain()
    g = G([[0, 0, 0, 0, 0], [0, 1, 2, 0, 0], [0, 0, 0, 0, 3], [0, 0, 0, 0, 4]])
    flipped = Program(parse("(lam (per_object (lam (flip_h $0)) $0))"), grids.grammar().primitives)
    assert flipped.run((g,), grids.limits()) == G(
        [[0, 0, 0, 0, 0], [0, 2, 1, 0, 0], [0, 0, 0, 0, 3], [0, 0, 0, 0, 4]]
    )
    growing = Program(
        parse("(lam (per_object (lam (tile $0 1 2)) $0))"), grids.grammar().primitives
    )
    assert growing.run((g,), grids.limits()) is FAIL


def test_bottom_up_finds_a_per_object_program() -> None:
    grids = GridsDomain()
    pairs = [
        (G([[0, 0, 0, 0], [1, 2, 0, 0], [0, 0, 0, 0], [0, 0, 3, 4]]),
         G([[0, 0, 0, 0], [2, 1, 0, 0], [0, 0, 0, 0], [0, 0, 4, 3]])),
        (G([[5, 6, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 7, 8, 0]]),
         G([[6, 5, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 8, 7, 0]])),
    ]  # fmt: skip
    task = _task(pairs, G([[0, 0, 0, 0], [0, 0, 9, 1], [0, 0, 0, 0], [0, 0, 0, 0]]))
    budget = Budget(20.0, run_limits=grids.limits())
    result = solve(task, grids.grammar(), BottomUpEnumerator(), budget, attempts=1)
    assert result.solved and "per_object" in str(result.program)
    assert result.predictions[0][0] == G([[0, 0, 0, 0], [0, 0, 1, 9], [0, 0, 0, 0], [0, 0, 0, 0]])


def test_tree_rule_fits_what_no_single_family_does() -> None:
    # A cell turns 3 when it is background with a 1 to its left and a 2 above it
    # somewhere: rays in two directions and the cell's own colour, all at once.
    x1 = G([[0, 2, 0, 0], [1, 0, 0, 0], [0, 0, 2, 0], [0, 1, 0, 0]])
    x2 = G([[0, 0, 0, 2], [0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]])
    pairs = [(x, _mark(x)) for x in (x1, x2)]
    tree = fit_tree(pairs)
    assert tree is not None
    assert all(tree(x) == y for x, y in pairs)
    assert fit_tree([(G([[1, 2]]), G([[1], [2]]))]) is None


def _mark(x: Grid) -> Grid:
    c = x.cells.copy()
    h, w = c.shape
    for r in range(h):
        for k in range(w):
            left = [v for v in x.cells[r, :k] if v][-1:] == [1]
            above = [v for v in x.cells[:r, k] if v][-1:] == [2]
            if x.cells[r, k] == 0 and left and above:
                c[r, k] = 3
    return Grid(c)


def test_selector_picks_the_part_the_examples_show() -> None:
    # The output is the object whose shape occurs once (the others come in pairs).
    x1 = G([[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [2, 2, 0, 3, 0], [0, 0, 0, 3, 0]])
    x2 = G([[4, 4, 0, 0, 0], [0, 0, 0, 5, 0], [6, 6, 0, 5, 0], [0, 0, 0, 5, 0]])
    pairs = [(x1, G([[3], [3]])), (x2, G([[5], [5], [5]]))]
    test = G([[7, 0, 0, 0], [7, 0, 8, 0], [0, 0, 0, 0], [0, 0, 8, 0]])
    selector = find_selector(pairs, [test])
    assert selector is not None and selector(test) is not None
    grids = GridsDomain()
    task = _task(pairs, test)
    assert selector.name in grids.task_grammar(task, grids.grammar()).primitives
    assert find_selector([(x1, x1)], []) is None


def test_a_one_cell_output_may_be_the_colour_of_the_part_chosen() -> None:
    # The output is the colour of the one ring (the solid squares hold no hole).
    def scene(ring: int, solids: tuple[int, int], flip: bool) -> Grid:
        c = np.zeros((7, 11), dtype=np.uint8)
        c[0:3, 0:3] = ring
        c[1, 1] = 0
        c[4:7, 4:7], c[0:2, 8:10] = solids
        return Grid(c[:, ::-1].copy() if flip else c)

    pairs = [(scene(6, (3, 2), False), G([[6]])), (scene(4, (6, 1), True), G([[4]]))]
    test = scene(8, (4, 6), True)
    selector = find_selector(pairs, [test])
    assert selector is not None and selector.color and selector.name.endswith("_color")
    assert selector(test) == G([[8]])
    assert find_selector([(x, G([[5]])) for x, _ in pairs], [test]) is None  # no 5 shown


def test_selector_picks_the_symmetric_part() -> None:
    lop = [[1, 0, 0], [1, 1, 1]]
    sym = [[2, 2, 2], [0, 2, 0]]

    def scene(a: list[list[int]], b: list[list[int]], swap: bool) -> Grid:
        c = np.zeros((5, 9), dtype=np.uint8)
        first, second = (b, a) if swap else (a, b)
        c[0:2, 0:3] = first
        c[3:5, 5:8] = second
        return Grid(c)

    pairs = [
        (scene(lop, sym, False), G(sym)),
        (scene(lop, [[3, 0, 3], [3, 3, 3]], True), G([[3, 0, 3], [3, 3, 3]])),
    ]
    test = scene([[4, 0, 0], [4, 4, 4]], [[5, 5, 5], [5, 5, 5]], False)
    selector = find_selector(pairs, [test])
    assert selector is not None and "symmetries" in selector.name
    assert selector(test) == G([[5, 5, 5], [5, 5, 5]])


def test_selector_picks_one_of_equal_square_panels_by_its_diagonal_symmetry() -> None:
    """Three 2x2 panels stacked; the output is the one not mirrored across a diagonal."""
    even = [[[1, 2], [2, 3]], [[4, 5], [5, 6]], [[7, 8], [8, 9]]]
    odd = [[[1, 2], [1, 3]], [[4, 5], [4, 6]], [[7, 8], [7, 9]]]

    def panels(order: list[list[list[int]]]) -> Grid:
        return Grid(np.vstack([np.array(p, dtype=np.uint8) for p in order]))

    pairs = [
        (panels([even[0], odd[0], even[1]]), G(odd[0])),
        (panels([odd[1], even[2], even[0]]), G(odd[1])),
    ]
    test = panels([even[1], even[2], odd[2]])
    selector = find_selector(pairs, [test])
    assert selector is not None and selector.name == "select_square_min_symmetries"
    assert selector(test) == G(odd[2])
    assert selector(G([[1, 2], [2, 1]])) is None, "a square grid is not cut into panels"


def test_relative_rule_carries_over_to_colours_the_examples_never_showed() -> None:
    # Lone cells (no same-coloured side neighbour) vanish, whatever their colour.
    x1 = G([[1, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0], [2, 0, 0, 2]])
    y1 = G([[0, 0, 0, 0], [0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
    x2 = G([[0, 2, 0, 0], [0, 2, 0, 1], [0, 0, 0, 0], [1, 0, 2, 0]])
    y2 = G([[0, 2, 0, 0], [0, 2, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    test = G([[3, 0, 0, 0], [0, 0, 3, 3], [0, 0, 0, 0], [4, 0, 0, 4]])  # x1 in new colours
    rule = find_rule([(x1, y1), (x2, y2)], [test])
    assert rule is not None and rule.family.relative
    assert rule(test) == G([[0, 0, 0, 0], [0, 0, 3, 3], [0, 0, 0, 0], [0, 0, 0, 0]])


def test_task_primitives_are_weighted_against_the_library_they_join() -> None:
    grids = GridsDomain()
    base = grids.grammar()
    shifted = base.with_productions(
        [Production(p.expr, p.type, p.log_weight + 5.0, p.label) for p in base.productions],
        base.log_variable,
    )
    pairs = [(G([[1, 5], [5, 7]]), G([[2, 6], [6, 8]])), (G([[7, 1]]), G([[8, 2]]))]
    task = _task(pairs, G([[5, 1, 7]]))
    fitted = [p for p in grids.task_grammar(task, shifted).productions if p.label == "rule_cell"]
    assert [p.log_weight for p in fitted] == [max(p.log_weight for p in shifted.productions)]


def test_selector_cuts_out_what_a_frame_encloses() -> None:
    x1 = G([[1, 0, 0, 0, 3, 0], [0, 2, 2, 2, 2, 0], [0, 2, 5, 6, 2, 0], [0, 2, 6, 5, 2, 0],
            [0, 2, 2, 2, 2, 0], [3, 0, 0, 0, 0, 4]])  # fmt: skip
    x2 = G([[2, 2, 2, 2, 2, 0], [2, 7, 7, 7, 2, 0], [2, 2, 2, 2, 2, 0], [0, 0, 0, 0, 0, 0],
            [1, 0, 4, 0, 3, 0], [0, 0, 0, 0, 0, 0]])  # fmt: skip
    pairs = [(x1, G([[5, 6], [6, 5]])), (x2, G([[7, 7, 7]]))]
    test = G([[0, 0, 0, 0, 3, 0], [2, 2, 2, 2, 0, 0], [2, 8, 9, 2, 0, 0], [2, 9, 8, 2, 0, 0],
              [2, 2, 2, 2, 0, 1], [0, 0, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0]])  # fmt: skip
    selector = find_selector(pairs, [test])
    assert selector is not None and "inside" in selector.name
    assert selector(test) == G([[8, 9], [9, 8]])


def test_same_colour_neighbours_tell_corners_sides_and_inside_even_of_big_shapes() -> None:
    """Rectangles recoloured 1 at corners, 4 along sides, 2 inside; in the second pair
    the rectangle covers most of the grid, so the commonest colour is not the background."""

    def pair(h: int, w: int, top: int, left: int, size: tuple[int, int]) -> tuple[Grid, Grid]:
        x = np.zeros(size, dtype=np.uint8)
        x[top : top + h, left : left + w] = 5
        y = np.where(x == 5, 4, 0).astype(np.uint8)
        y[top + 1 : top + h - 1, left + 1 : left + w - 1] = 2
        for r in (top, top + h - 1):
            for c in (left, left + w - 1):
                y[r, c] = 1
        return Grid(x), Grid(y)

    pairs = [pair(4, 5, 1, 1, (8, 8)), pair(6, 6, 0, 0, (7, 7))]
    test_x, test_y = pair(5, 3, 2, 3, (9, 9))
    rule = find_rule(pairs, [test_x])
    assert rule is not None and rule.name == "rule_same4"
    assert rule(test_x) == test_y


def test_selector_cuts_out_shapes_on_black_even_where_they_cover_most_of_the_grid() -> None:
    """Blue panels dotted with red on black: the output is the panel with the most red.
    In the second pair the panels cover most of the grid, so blue is the commonest."""

    def panels(size: tuple[int, int], boxes: list[tuple[int, int, int, int, int]]) -> Grid:
        x = np.zeros(size, dtype=np.uint8)
        for top, left, h, w, reds in boxes:
            x[top : top + h, left : left + w] = 1
            x[top, left : left + reds] = 2
        return Grid(x)

    x1 = panels((9, 9), [(0, 0, 3, 3, 1), (5, 4, 3, 4, 3)])
    x2 = panels((8, 8), [(0, 0, 8, 3, 2), (0, 4, 8, 4, 1)])
    y1, y2 = Grid(x1.cells[5:8, 4:8].copy()), Grid(x2.cells[:, :3].copy())
    assert x2.background() == 1
    test = panels((10, 10), [(0, 0, 4, 4, 3), (6, 0, 4, 10, 2)])
    on_black = Selector("blob_black", "cells", largest=True)
    assert all(on_black(x) == y for x, y in [(x1, y1), (x2, y2)])
    assert on_black(test) == Grid(test.cells[:4, :4].copy())
    assert Selector("blob", "cells", largest=True)(x2) != y2


def test_selector_picks_the_framed_part_with_the_most_cells_of_one_colour() -> None:
    def framed(marks: list[int]) -> np.ndarray:
        """A 4x4 frame of 8 around a 2x2 inside: ``marks`` cells of 2, the rest 1."""
        part = np.full((4, 4), 8, dtype=np.uint8)
        inside = np.ones(4, dtype=np.uint8)
        inside[: marks[0]] = 2
        part[1:3, 1:3] = inside.reshape(2, 2)
        return part

    def grid(marks: list[int]) -> tuple[Grid, Grid]:
        c = np.zeros((5, 5 * len(marks)), dtype=np.uint8)
        for i, m in enumerate(marks):
            c[:4, 5 * i : 5 * i + 4] = framed([m])
        return Grid(c), Grid(framed([max(marks)]))

    pairs = [grid([1, 3, 2]), grid([2, 1]), grid([0, 1, 4])]
    test_x, test_y = grid([2, 1, 3, 0])
    selector = find_selector(pairs, [test_x])
    # the most cells of 2 is the fewest of 1 here: either measure says it
    assert selector is not None and selector.name.endswith(("max_color2", "min_color1"))
    assert selector(test_x) == test_y


def test_positions_may_count_from_the_bottom_right_corner() -> None:
    """Every other grey cell, counted from the right edge, turns green: grids of odd and
    even widths disagree on parity counted from the left, not from the right."""

    def pair(width: int, seed: int) -> tuple[Grid, Grid]:
        rng = np.random.default_rng(seed)
        x = np.where(rng.random((3, width)) < 0.5, 5, 0).astype(np.uint8)
        far = (width - 1 - np.arange(width)) % 2 == 0
        return Grid(x), Grid(np.where((x == 5) & far[None, :], 3, x).astype(np.uint8))

    pairs = [pair(w, s) for s, w in enumerate((10, 11, 12, 13))]
    test_x, test_y = pair(9, 9)
    rule = find_rule(pairs, [test_x])
    assert rule is not None and rule.name == "rule_period2_far"
    assert rule(test_x) == test_y
