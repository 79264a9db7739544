"""The Pareto front of (complexity, loss) keeps exactly the non-dominated programs, and
picks one the way PySR does: ``accuracy`` (lowest loss), ``score`` (largest drop in
log-loss per added node from the next simpler member) and ``best`` (largest score among
losses within 1.5 times the lowest)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metagrow.lang import Prim
from metagrow.search import Front, Scored

_losses = st.one_of(
    st.sampled_from([0.5, 1.0, 2.0, 4.0, math.inf, math.nan]),
    st.floats(1e-6, 1e6),
)
_pairs = st.lists(st.tuples(st.integers(1, 12), _losses), max_size=40)


def _scored(pairs: list[tuple[int, float]]) -> list[Scored]:
    return [Scored(Prim(f"p{i}"), loss, c) for i, (c, loss) in enumerate(pairs)]


def _pareto(items: list[Scored]) -> list[Scored]:
    """By definition: the first program of each (complexity, loss) pair (finite loss) that
    no other pair matches or beats in both, simplest first."""
    finite = [s for s in items if math.isfinite(s.loss)]
    pairs = {(s.complexity, s.loss) for s in finite}
    kept = [p for p in pairs if not any(q != p and q[0] <= p[0] and q[1] <= p[1] for q in pairs)]
    first = [next(s for s in finite if (s.complexity, s.loss) == p) for p in kept]
    return sorted(first, key=lambda s: s.complexity)


@settings(max_examples=300, deadline=None)
@given(_pairs)
def test_add_keeps_exactly_the_pareto_front(pairs: list[tuple[int, float]]) -> None:
    items = _scored(pairs)
    front = Front()
    for s in items:
        front = front.add(s)
    assert list(front.members) == _pareto(items)
    assert Front().merge(items) == front
    for a, b in zip(front.members, front.members[1:], strict=False):
        assert a.complexity < b.complexity and a.loss > b.loss


def _brute_scores(members: list[Scored]) -> list[float]:
    out = [0.0]
    for prev, m in itertools.pairwise(members):
        out.append(-math.log(m.loss / prev.loss) / (m.complexity - prev.complexity))
    return out


@settings(max_examples=300, deadline=None)
@given(_pairs)
def test_selection_follows_pysr(pairs: list[tuple[int, float]]) -> None:
    front = Front().merge(_scored(pairs))
    if not front.members:
        return
    members = list(front.members)
    scores = _brute_scores(members)
    assert front.scores() == pytest.approx(scores, rel=1e-12, abs=1e-12)
    lowest = min(m.loss for m in members)
    assert front.select("accuracy").loss == lowest
    assert front.select("accuracy") is members[-1]
    top = max(scores)
    chosen = front.select("score")
    assert scores[members.index(chosen)] == pytest.approx(top, rel=1e-12, abs=1e-12)
    eligible = [i for i, m in enumerate(members) if m.loss <= 1.5 * lowest]
    best = front.select("best")
    assert members.index(best) in eligible
    assert scores[members.index(best)] == pytest.approx(
        max(scores[i] for i in eligible), rel=1e-12, abs=1e-12
    )
    assert front.select() is best


def test_a_worked_example() -> None:
    # losses 10, 1, 0.9, 0.8 at complexities 1, 3, 4, 9: scores 0, ln(10)/2, ln(10/9), ln(9/8)/5
    front = Front().merge(_scored([(1, 10.0), (3, 1.0), (4, 0.9), (9, 0.8), (5, 5.0)]))
    assert [m.complexity for m in front.members] == [1, 3, 4, 9]
    assert front.select("accuracy").complexity == 9
    assert front.select("score").complexity == 3  # the biggest drop per node
    assert front.select("best").complexity == 3  # 1.0 <= 1.5 * 0.8
    tight = Front().merge(_scored([(1, 10.0), (3, 2.0), (4, 1.0), (9, 0.9)]))
    assert tight.select("score").complexity == 3
    assert tight.select("best").complexity == 4  # 2.0 > 1.5 * 0.9: too far from the lowest


def test_an_exact_fit_outscores_everything() -> None:
    front = Front().merge(_scored([(1, 3.0), (5, 0.0), (2, 1.0)]))
    assert front.select("best").complexity == 5
    assert front.select("score").complexity == 5


def test_non_finite_losses_never_join() -> None:
    front = Front().merge(_scored([(1, math.inf), (2, math.nan), (3, -math.inf)]))
    assert len(front) == 0


def test_an_empty_front_and_an_unknown_rule_are_errors() -> None:
    with pytest.raises(ValueError, match="empty front"):
        Front().select("best")
    front = Front().merge(_scored([(1, 1.0)]))
    with pytest.raises(ValueError, match="unknown model selection 'lowest'"):
        front.select("lowest")  # type: ignore[arg-type]
