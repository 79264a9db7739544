"""Contextual grammars as data: a slot's weights replace the unigram ones at that slot
only, survive the spec round trip and a task's added primitives, and bad tables are
rejected with a message."""

from __future__ import annotations

import math

import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.lang import (
    INT,
    ROOT,
    Context,
    ContextSpec,
    GrammarSpec,
    Primitive,
    SlotWeights,
    build_grammar,
    grammar_spec,
    parse_type,
    tlist,
)


def test_a_slot_uses_its_own_weights_and_others_the_unigram_ones() -> None:
    g = ListsDomain().grammar()
    row = tuple(5.0 if p.label == "sum" else p.log_weight for p in g.productions)
    cg = g.with_contextual({("+", 1): SlotWeights(row, -3.0)})
    env = (tlist(INT),)

    def best(slot: tuple[str, int] | None) -> str:
        return str(cg.candidates(INT, Context(), env, slot=slot)[0].expr)

    assert best(("+", 1)) == "sum"
    assert (
        best(("+", 0)) == best(ROOT) == best(None) == str(g.candidates(INT, Context(), env)[0].expr)
    )
    cands = cg.candidates(INT, Context(), env, slot=("+", 1))
    assert math.isclose(sum(math.exp(c.log_prob) for c in cands), 1.0)
    assert cg.min_cost(parse_type("int -> int"), Context(), env, ("+", 1)) < g.min_cost(
        parse_type("int -> int"), Context(), env
    )


def test_contexts_survive_the_spec_round_trip_and_added_primitives() -> None:
    base = ListsDomain().grammar()
    spec = GrammarSpec(
        weights=(("sum", 1.0),),
        log_variable=0.5,
        contexts=(ContextSpec("map", 0, (("+", 2.0), ("sum", -1.0)), -0.25),
                  ContextSpec("", 0, (), 0.0)),
    )  # fmt: skip
    g = build_grammar(base, spec)
    labels = [p.label for p in g.productions]
    row = g.contextual[("map", 0)]
    assert row.weights[labels.index("+")] == 2.0 and row.weights[labels.index("sum")] == -1.0
    assert row.weights[labels.index("max")] == base.productions[labels.index("max")].log_weight
    assert row.log_variable == -0.25 and set(g.contextual) == {("map", 0), ROOT}
    again = build_grammar(base, grammar_spec(g))
    assert again.contextual == g.contextual
    assert not build_grammar(base, GrammarSpec()).contextual  # no table: unigram as before
    extra = g.with_primitive(Primitive("seven", INT, 7), 0.5)
    assert all(len(r.weights) == len(extra.productions) for r in extra.contextual.values())
    assert extra.contextual[ROOT].weights[-1] == 0.5


def test_bad_tables_are_rejected() -> None:
    base = ListsDomain().grammar()
    with pytest.raises(ValueError, match="unknown slot"):
        build_grammar(base, GrammarSpec(contexts=(ContextSpec("nope", 0, (), 0.0),)))
    with pytest.raises(ValueError, match="weights for"):
        base.with_contextual({ROOT: SlotWeights((1.0,), 0.0)})
