"""Choice points: the grammar's own prior, recomputed from a program's choices."""

from __future__ import annotations

import math
import random

from metagrow.domains.lists import ListsDomain
from metagrow.guide import VARIABLE, choice_points, program_log_likelihood
from metagrow.lang import ROOT, Expr, Grammar, SlotWeights, Task, parse, parse_type
from metagrow.search import Budget, TopDownEnumerator, solve


def weights(domain: ListsDomain) -> list[float]:
    return [p.log_weight for p in domain.grammar().productions]


def test_the_likelihood_of_the_choices_is_the_enumerators_log_prior(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    for task, _ in replays[:3]:
        found = solve(task, g, TopDownEnumerator(), Budget(20, run_limits=lists.limits()), 1)
        assert found.program is not None, task.name
        points = choice_points(found.program, task.request, g)
        assert points is not None
        got = program_log_likelihood(points, weights(lists), g.log_variable)
        assert math.isclose(got, found.solutions[0].log_prior, abs_tol=1e-9), task.name


def contextual(g: Grammar, seed: int) -> Grammar:
    """``g`` with random weights at the root and at every argument of every production
    but ``map``'s first (which keeps the unigram weights)."""
    rng = random.Random(seed)
    slots = [ROOT] + [(p.label, i) for p in g.productions for i in range(len(p.type.arguments()))]
    return g.with_contextual(
        {
            slot: SlotWeights(
                tuple(p.log_weight + rng.gauss(0, 1.5) for p in g.productions),
                g.log_variable + rng.gauss(0, 1.0),
            )
            for slot in slots
            if slot != ("map", 0)
        }
    )


def test_under_contextual_weights_the_likelihood_is_the_enumerators_log_prior(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = contextual(lists.grammar(), 3)
    weights = [p.log_weight for p in g.productions]
    for request in ("list(int) -> list(int)", "list(int) -> int"):
        t = parse_type(request)
        found = list(TopDownEnumerator().programs(g, t, 0.0, 10.0))
        assert len(found) > 50
        slots = set()
        for cost, _, program in found:
            points = choice_points(program, t, g)
            assert points is not None, program
            slots |= {p.slot for p in points}
            got = program_log_likelihood(points, weights, g.log_variable, g.contextual)
            assert math.isclose(got, -cost, abs_tol=1e-9), program
        assert ROOT in slots and len(slots) > 3
    for task, _ in replays[:3]:
        result = solve(task, g, TopDownEnumerator(), Budget(20, run_limits=lists.limits()), 1)
        assert result.program is not None, task.name
        points = choice_points(result.program, task.request, g)
        assert points is not None
        got = program_log_likelihood(points, weights, g.log_variable, g.contextual)
        assert math.isclose(got, result.solutions[0].log_prior, abs_tol=1e-9), task.name


def test_choice_points_record_their_slots(lists: ListsDomain) -> None:
    g = lists.grammar()
    points = choice_points(
        parse("(lam (map (lam (+ $0 1)) $0))"), parse_type("list(int) -> list(int)"), g
    )
    assert points is not None
    # map's list argument, then its function, whose body sits in map's slot 0
    assert [p.slot for p in points] == [ROOT, ("map", 1), ("map", 0), ("+", 0), ("+", 1)]


def test_choice_sets_name_the_productions_that_fit_each_hole(lists: ListsDomain) -> None:
    g = lists.grammar()
    labels = [p.label for p in g.productions]
    points = choice_points(
        parse("(lam (map (lam (+ $0 1)) $0))"), parse_type("list(int) -> list(int)"), g
    )
    assert points is not None
    chosen = [VARIABLE if p.chosen == VARIABLE else labels[p.chosen] for p in points]
    # the list argument is filled before the function, as the enumerator does
    assert chosen == ["map", VARIABLE, "+", VARIABLE, "1"]
    top = {labels[i] for i in points[0].candidates}
    assert {"map", "filter", "reverse", "sort"} <= top and "sum" not in top and "even?" not in top
    assert points[0].variables == 1  # the input list itself fits list(int)
    assert all(labels[i] not in ("map", "cons") for i in points[4].candidates)  # an int hole


def test_eta_short_arguments_read_as_their_eta_long_form(lists: ListsDomain) -> None:
    g = lists.grammar()
    t = parse_type("list(int) -> list(bool)")
    short = choice_points(parse("(lam (map even? $0))"), t, g)
    long = choice_points(parse("(lam (map (lam (even? $0)) $0))"), t, g)
    assert short is not None and short == long


def test_programs_the_grammar_cannot_make_have_no_choice_points(lists: ListsDomain) -> None:
    g = lists.grammar()
    t = parse_type("list(int) -> int")
    assert choice_points(parse("(lam ((lam (sum $0)) $0))"), t, g) is None  # a beta-redex
    assert choice_points(parse("(lam (no-such-primitive $0))"), t, g) is None
    assert choice_points(parse("(lam (reverse $0))"), t, g) is None  # ill-typed
