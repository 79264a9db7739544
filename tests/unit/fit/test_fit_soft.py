"""Soft evaluation: on certain (one-hot) inputs it agrees with the interpreter, on
uncertain ones it gives the right distributions, and gradients reach the modules."""

from __future__ import annotations

import pytest
import torch

from metagrow.domains.digits import DigitsDomain
from metagrow.domains.lists import ListsDomain
from metagrow.fit import Maybe, SoftError, SoftProgram, make_table, soft_input
from metagrow.lang import INT, Grammar, Program, infer, parse, tlist

S = 50
TABLE = make_table(S)
GRAMMAR = Grammar.uniform(
    {**ListsDomain().grammar().primitives, **DigitsDomain().grammar().primitives}.values()
)


def dist(pairs: dict[int, float]) -> torch.Tensor:
    out = torch.zeros(S)
    for k, p in pairs.items():
        out[k] = p
    return out


def soft_value(out: object) -> object:
    """The certain value a soft output stands for."""
    assert isinstance(out, torch.Tensor)
    if out.dim() == 0:
        return bool(out > 0.5)
    assert abs(float(out.sum()) - 1) < 1e-5 and float(out.max()) > 1 - 1e-5
    return int(out.argmax())


@pytest.mark.parametrize(
    ("source", "inputs"),
    [
        ("(lam (sum $0))", [(3, 4, 0, 9)]),
        ("(lam (fold $0 0 +))", [(3, 4, 9)]),
        ("(lam (max $0))", [(3, 7, 2)]),
        ("(lam (length (filter (lam (gt? $0 2)) $0)))", [(1, 3, 5, 2)]),
        ("(lam (sum (filter (lam (not (eq? $0 4))) $0)))", [(4, 5, 4, 6)]),
        ("(lam (lam (length (filter (lam (eq? $0 $2)) $0))))", [2, (2, 1, 2, 2)]),
        ("(lam (chain? (lam (lam (le? $1 $0))) $0))", [(1, 2, 2, 8)]),
        ("(lam (chain? (lam (lam (le? $1 $0))) $0))", [(1, 3, 2)]),
        ("(lam (fold (map (lam (+ $0 1)) $0) 0 (lam (lam (+ $0 $1)))))", [(1, 2)]),
    ],
)
def test_certain_inputs_give_the_interpreters_answer(source: str, inputs: list[object]) -> None:
    expr = parse(source)
    t = infer(expr, GRAMMAR)
    hard = Program(expr, GRAMMAR.primitives).run(inputs)
    args = [soft_input(v, at, S) for v, at in zip(inputs, t.arguments(), strict=True)]
    out = SoftProgram(expr, TABLE, frozenset()).run(args, {})
    assert soft_value(out) == hard


def test_uncertain_values_combine_as_independent_distributions() -> None:
    add, gt, mx, length = (TABLE[n].fn for n in ("+", "gt?", "max", "length"))
    a, b = dist({1: 0.5, 2: 0.5}), dist({0: 0.25, 3: 0.75})
    assert torch.allclose(add(a, b), dist({1: 0.125, 2: 0.125, 4: 0.375, 5: 0.375}))
    assert float(gt(a, b)) == pytest.approx(0.25)
    assert torch.allclose(mx((a, b)), dist({1: 0.125, 2: 0.125, 3: 0.75}))
    maybe = (Maybe(a, torch.tensor(0.5)), Maybe(b, torch.tensor(0.5)))
    assert torch.allclose(length(maybe), dist({0: 0.25, 1: 0.5, 2: 0.25}))


def test_gradients_flow_through_map_and_fold_to_a_module() -> None:
    logits = torch.zeros(3, 10, requires_grad=True)
    probs = torch.nn.functional.pad(torch.softmax(logits, dim=1), (0, S - 10))
    images = ("a", "b", "c")
    net = {"net": lambda x: probs[images.index(x)]}
    expr = parse("(lam (fold (map net $0) 0 +))")
    out = SoftProgram(expr, TABLE, frozenset({"net"})).run([images], net)
    (-torch.log(out[7])).backward()
    assert logits.grad is not None and float(logits.grad.abs().sum()) > 0


def test_primitives_without_a_soft_meaning_are_refused() -> None:
    with pytest.raises(SoftError, match="no soft meaning"):
        SoftProgram(parse("(lam (sort $0))"), TABLE, frozenset())
    chain = SoftProgram(
        parse("(lam (chain? (lam (lam (le? $1 $0))) (filter (lam (gt? $0 1)) $0)))"),
        TABLE,
        frozenset(),
    )
    with pytest.raises(SoftError, match="present"):
        chain.run([soft_input((1, 2), tlist(INT), S)], {})
