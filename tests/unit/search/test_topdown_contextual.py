"""Top-down enumeration under a contextual grammar: a table equal to the unigram weights
changes nothing, the bands still partition the programs, and a slot's own weights move
exactly the programs that use that slot."""

from __future__ import annotations

import math
import random

from metagrow.domains.lists import ListsDomain
from metagrow.lang import ROOT, Context, Grammar, SlotWeights, parse, parse_type
from metagrow.search import TopDownEnumerator


def all_slots(g: Grammar) -> list[tuple[str, int]]:
    return [ROOT] + [(p.label, i) for p in g.productions for i in range(len(p.type.arguments()))]


def random_table(g: Grammar, seed: int) -> dict[tuple[str, int], SlotWeights]:
    rng = random.Random(seed)
    return {
        slot: SlotWeights(
            tuple(p.log_weight + rng.gauss(0, 1.5) for p in g.productions),
            g.log_variable + rng.gauss(0, 1.0),
        )
        for slot in all_slots(g)
    }


def test_a_table_equal_to_the_unigram_weights_changes_nothing(lists: ListsDomain) -> None:
    g = lists.grammar()
    same = g.with_contextual(
        {s: SlotWeights(tuple(p.log_weight for p in g.productions), g.log_variable)
         for s in all_slots(g)}
    )  # fmt: skip
    request = parse_type("list(int) -> list(int)")
    enum = TopDownEnumerator()
    plain = sorted((str(e), round(c, 9)) for c, _, e in enum.programs(g, request, 0.0, 9.0))
    contextual = sorted((str(e), round(c, 9)) for c, _, e in enum.programs(same, request, 0.0, 9.0))
    assert plain == contextual and len(plain) > 50


def test_bands_partition_the_programs_of_a_contextual_grammar(lists: ListsDomain) -> None:
    g = lists.grammar()
    cg = g.with_contextual(random_table(g, 1))
    request = parse_type("list(int) -> int")
    enum = TopDownEnumerator()
    whole = {e for _, _, e in enum.programs(cg, request, 0.0, 9.0)}
    parts = [{e for _, _, e in enum.programs(cg, request, lo, lo + 3.0)} for lo in (0, 3, 6)]
    assert set().union(*parts) == whole and sum(len(p) for p in parts) == len(whole)
    mass = sum(math.exp(-c) for c, _, _ in enum.programs(cg, request, 0.0, 11.0))
    assert 0.05 < mass <= 1.0 + 1e-9
    assert whole != {e for _, _, e in enum.programs(g, request, 0.0, 9.0)}


def test_a_slots_weights_apply_only_at_that_slot(lists: ListsDomain) -> None:
    g = lists.grammar()
    labels = [p.label for p in g.productions]
    boosted = tuple(p.log_weight + (6.0 if p.label == "reverse" else 0.0) for p in g.productions)
    cg = g.with_contextual({("sort", 0): SlotWeights(boosted, g.log_variable)})
    request = parse_type("list(int) -> list(int)")
    enum = TopDownEnumerator()

    def cost(grammar: Grammar, source: str) -> float:
        target = parse(source)
        return next(c for c, _, e in enum.programs(grammar, request, 0.0, 14.0) if e == target)

    assert "reverse" in labels and "sort" in labels
    assert cost(cg, "(lam (reverse $0))") == cost(g, "(lam (reverse $0))")  # at the root
    assert cost(cg, "(lam (sort (reverse $0)))") < cost(g, "(lam (sort (reverse $0)))") - 2
    assert cost(cg, "(lam (reverse (sort $0)))") > cost(g, "(lam (reverse (sort $0)))")


def test_a_band_checked_as_it_is_built_has_the_same_programs(lists: ListsDomain) -> None:
    from metagrow.search._budget import Progress
    from metagrow.search._topdown import _Run

    g = lists.grammar()
    seen = 0
    for grammar in (g, g.with_contextual(random_table(g, 2))):
        for request in (parse_type("list(int) -> list(int)"), parse_type("list(int) -> int")):
            root = grammar.slot_key(ROOT)
            for lo in (0.0, 4.5, 7.5):
                run = _Run(grammar, Progress())
                tabled = sorted(
                    (str(e), round(c, 9))
                    for c, _, e in run.expr(request, Context(), (), lo, lo + 3, root)
                )
                built = sorted(
                    (str(e), round(c, 9))
                    for c, _, e in _Run(grammar, Progress()).stream(
                        request, Context(), (), lo, lo + 3, root
                    )
                )
                assert tabled == built
                seen += len(built)
    assert seen > 500
