"""The choices a program makes under a grammar: at every hole, which productions (and how
many variables) could have filled it, and which one did.

This is DreamCoder's likelihood computed once per training program, so that training the
guide is tensor work only: the log-probability of a program under any weights ``w`` is the
sum over its choice points of ``w[chosen] - logsumexp(w[candidates])``, with the variables
sharing one weight split evenly among those that fit. Each choice point also records its
slot (parent production and argument index), so that the same holds under contextual
weights, which replace ``w`` at the slots they cover.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import final

from metagrow.lang import (
    ROOT,
    Expr,
    Grammar,
    Slot,
    SlotWeights,
    Type,
    Var,
    choices,
)
from metagrow.lang import argument_order as argument_order  # re-exported by the guide

VARIABLE = -1
"""The ``chosen`` index of a choice point filled by a variable."""


@final
@dataclass(frozen=True, slots=True)
class ChoicePoint:
    """One hole of a program: the indices (into ``grammar.productions``) of the productions
    that fit it, how many variables in scope fit it, the index chosen (``VARIABLE`` for a
    variable), and the hole's slot."""

    candidates: tuple[int, ...]
    variables: int
    chosen: int
    slot: Slot = ROOT


def choice_points(program: Expr, request: Type, grammar: Grammar) -> list[ChoicePoint] | None:
    """The choice points of ``program`` (of type ``request``) in the order the top-down
    enumerator fills holes, or ``None`` if the grammar cannot produce it (a beta-redex, a
    primitive it lacks, an ill-typed term). Arrow-typed holes filled by a non-``lam`` are
    read eta-long, as enumeration would build them."""
    found = choices(program, request, grammar, contextual=False)
    if found is None:
        return None
    index: Mapping[Expr, int] = {p.expr: i for i, p in enumerate(grammar.productions)}
    return [
        ChoicePoint(
            tuple(index[c.expr] for c in choice.candidates if not isinstance(c.expr, Var)),
            sum(isinstance(c.expr, Var) for c in choice.candidates),
            VARIABLE if isinstance(choice.chosen.expr, Var) else index[choice.chosen.expr],
            choice.slot,
        )
        for choice in found
    ]


def program_log_likelihood(
    points: Sequence[ChoicePoint],
    weights: Sequence[float],
    log_variable: float,
    contextual: Mapping[Slot, SlotWeights] | None = None,
) -> float:
    """The log-probability of a program's choices under production ``weights`` (indexed
    like the grammar's productions) and ``log_variable``, or, at the slots it covers, the
    ``contextual`` table's weights: the quantity training raises."""
    total = 0.0
    for p in points:
        w, v = weights, log_variable
        if contextual and (own := contextual.get(p.slot)) is not None:
            w, v = own.weights, own.log_variable
        row = [w[i] for i in p.candidates]
        if p.variables:
            row.append(v)
        m = max(row)
        z = m + math.log(sum(math.exp(x - m) for x in row))
        mine = v - math.log(p.variables) if p.chosen == VARIABLE else w[p.chosen]
        total += mine - z
    return total
