from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from metagrow.domains.lists import ListsDomain
from metagrow.lang import (
    FAIL,
    Example,
    Invented,
    Program,
    Task,
    build_grammar,
    check,
    grammar_spec,
    inline_inventions,
    parse,
    parse_type,
)
from metagrow.library import compress, reweight

SOURCES = {
    "inc": "(lam (map (lam (+ $0 1)) $0))",
    "inc-rev": "(lam (map (lam (+ $0 1)) (reverse $0)))",
    "add3-sum": "(lam (sum (map (lam (+ $0 3)) $0)))",
    "inc-sort": "(lam (map (lam (+ $0 1)) (sort $0)))",
    "double": "(lam (map (lam (+ $0 $0)) $0))",
    "square": "(lam (map (lam (* $0 $0)) $0))",
    "evens": "(lam (filter (lam (even? $0)) $0))",
    "evens-sum": "(lam (sum (filter (lam (even? $0)) $0)))",
}
INPUTS = [(3, 1, 4), (1, 5, 9, 2), (), (6, 6, 0, 7)]


def tasks_for(lists: ListsDomain) -> dict[str, Task]:
    g = lists.grammar()
    out = {}
    for name, src in SOURCES.items():
        p = Program(parse(src), g.primitives)
        out[name] = Task(
            name,
            parse_type("list(int) -> int" if "sum" in name else "list(int) -> list(int)"),
            tuple(Example((xs,), p.run((xs,))) for xs in INPUTS),
        )
    return out


def test_inventions_are_learned_and_used(lists: ListsDomain) -> None:
    grammar = lists.grammar()
    solutions = {k: parse(v) for k, v in SOURCES.items()}
    result = compress(grammar, solutions, tasks_for(lists), iterations=3)
    assert result.added
    names = {p.name for p in result.grammar.productions}
    assert set(result.added) <= names
    assert any(
        isinstance(n, Invented) for program in result.solutions.values() for n in program.walk()
    )


def test_rewritten_solutions_compute_the_same_and_inline_back(lists: ListsDomain) -> None:
    grammar = lists.grammar()
    solutions = {k: parse(v) for k, v in SOURCES.items()}
    tasks = tasks_for(lists)
    result = compress(grammar, solutions, tasks, iterations=4)
    for name, rewritten in result.solutions.items():
        check(rewritten, result.grammar, tasks[name].request)
        assert inline_inventions(rewritten) is solutions[name]
        a = Program(solutions[name], grammar.primitives)
        b = Program(rewritten, result.grammar.primitives)
        for xs in [*INPUTS, (8, 2), (5,)]:
            assert a.run((xs,)) == b.run((xs,))


def test_grammar_round_trips_through_its_spec(lists: ListsDomain) -> None:
    solutions = {k: parse(v) for k, v in SOURCES.items()}
    learned = compress(lists.grammar(), solutions, tasks_for(lists), iterations=3).grammar
    rebuilt = build_grammar(lists.grammar(), grammar_spec(learned))
    assert [(p.name, p.type, p.log_weight) for p in rebuilt.productions] == [
        (p.name, p.type, p.log_weight) for p in learned.productions
    ]
    assert rebuilt.log_variable == learned.log_variable


def test_reweighting_favours_used_productions(lists: ListsDomain) -> None:
    solutions = {k: parse(v) for k, v in SOURCES.items()}
    g = reweight(lists.grammar(), solutions, pseudo_count=1.0)
    weight = {p.name: p.log_weight for p in g.productions}
    assert weight["map"] > weight["fold"]
    assert weight["+"] > weight["mod"]


def test_compressing_one_thousand_solutions_is_fast(lists: ListsDomain) -> None:
    """A smoke bound (the measured figure comes from benchmarks/compression_speed.py)."""
    base = list(SOURCES.values())
    programs = {
        f"t{i}": parse(base[i % len(base)].replace("$0 1", f"$0 {i % 6}")) for i in range(1000)
    }
    start = time.perf_counter()
    result = compress(lists.grammar(), programs, {}, iterations=3)
    assert time.perf_counter() - start < 60
    assert len(result.solutions) == 1000


_bodies = st.sampled_from(["(+ $0 1)", "(* $0 2)", "(- $0 3)", "(mod $0 3)", "(+ $0 $0)"])
_wrappers = st.sampled_from(["$0", "(reverse $0)", "(sort $0)", "(tail $0)", "(take 3 $0)"])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_bodies, _wrappers), min_size=3, max_size=8), st.integers(1, 3))
def test_inlining_inventions_gives_back_identical_outputs(
    pairs: list[tuple[str, str]], iterations: int
) -> None:
    lists = ListsDomain()
    grammar = lists.grammar()
    solutions = {
        f"t{i}": parse(f"(lam (map (lam {body}) {wrap}))") for i, (body, wrap) in enumerate(pairs)
    }
    result = compress(grammar, solutions, {}, iterations=iterations)
    for name, rewritten in result.solutions.items():
        original = Program(solutions[name], grammar.primitives)
        inlined = Program(inline_inventions(rewritten), grammar.primitives)
        learned = Program(rewritten, result.grammar.primitives)
        for xs in INPUTS:
            want = original.run((xs,))
            assert inlined.run((xs,)) == want
            assert learned.run((xs,)) == want
            assert want is not FAIL or xs == ()
