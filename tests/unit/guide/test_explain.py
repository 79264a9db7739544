"""A guide's weights for a task, read as changes from the library's."""

from __future__ import annotations

import pytest

from metagrow.guide import VARIABLES, weight_changes
from metagrow.lang import ContextSpec, GrammarSpec

LIBRARY = GrammarSpec((("map", 1.0), ("sum", 2.0), ("head", 0.5)), (), 0.0)


def test_changes_are_centred_and_sorted_largest_first() -> None:
    guided = GrammarSpec((("map", 3.0), ("sum", 2.0), ("head", 0.5)), (), 1.0)
    rows = weight_changes(LIBRARY, guided)
    assert [r.production for r in rows] == ["map", VARIABLES, "head", "sum"]
    assert [r.slot for r in rows] == [None] * 4
    # raw changes 2, 0, 0, 1 (mean 0.75)
    assert [r.change for r in rows] == pytest.approx([1.25, 0.25, -0.75, -0.75])
    assert sum(r.change for r in rows) == pytest.approx(0.0)
    assert (rows[0].library, rows[0].guided) == (1.0, 3.0)


def test_a_slot_row_starts_from_the_library_weights_of_that_slot() -> None:
    library = GrammarSpec(LIBRARY.weights, (), 0.0, (ContextSpec("map", 1, (("sum", 4.0),), 2.0),))
    guided = GrammarSpec(
        LIBRARY.weights,
        (),
        0.0,
        (
            ContextSpec("map", 1, (("sum", 4.0), ("head", 2.5)), 2.0),
            ContextSpec("sum", 0, (("map", 0.0),), 0.0),
        ),
    )
    rows = weight_changes(library, guided)
    at_map = {r.production: r for r in rows if r.slot == ("map", 1)}
    assert at_map["sum"].library == 4.0 and at_map["head"].library == 0.5
    # raw changes: map 0, sum 0, head 2, variables 0 (mean 0.5)
    assert at_map["head"].change == pytest.approx(1.5)
    assert at_map["sum"].change == pytest.approx(-0.5)
    at_sum = {r.production: r for r in rows if r.slot == ("sum", 0)}
    # a slot the library has no weights for starts from its unigram weights
    assert at_sum["map"].library == 1.0 and at_sum["map"].change == pytest.approx(-0.75)
    assert [r.slot for r in rows[:4]] == [None] * 4
