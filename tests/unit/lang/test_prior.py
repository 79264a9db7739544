"""A program's log-prior: the top-down enumerator's cost, for any engine to report."""

from __future__ import annotations

import math

from metagrow.domains.lists import ListsDomain
from metagrow.lang import log_prior, parse, parse_type
from metagrow.search import TopDownEnumerator


def test_log_prior_is_minus_the_enumerators_cost(lists: ListsDomain) -> None:
    g = lists.grammar()
    for request in ("list(int) -> list(int)", "list(int) -> int"):
        t = parse_type(request)
        found = list(TopDownEnumerator().programs(g, t, 0.0, 9.0))
        assert len(found) > 50
        for cost, _, program in found:
            assert math.isclose(log_prior(program, t, g), -cost, abs_tol=1e-9), program


def test_a_program_the_grammar_cannot_build_has_prior_minus_infinity(lists: ListsDomain) -> None:
    g = lists.grammar()
    t = parse_type("list(int) -> list(int)")
    assert log_prior(parse("(lam (no-such-primitive $0))"), t, g) == -math.inf
    assert log_prior(parse("(lam (sum $0))"), t, g) == -math.inf  # ill-typed
    assert log_prior(parse("(lam ((lam $0) $0))"), t, g) == -math.inf  # a beta-redex
