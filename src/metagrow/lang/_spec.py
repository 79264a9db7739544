"""Grammars as plain data: what a learned library adds to a domain's base grammar.

A :class:`GrammarSpec` holds production log-weights by name and inventions as named
program text, so a grammar can be stored, sent to worker processes and rebuilt on top
of the domain's primitives (which hold Python functions and are rebuilt, not copied).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import final

from metagrow.lang._expr import Invented
from metagrow.lang._grammar import Grammar, Production
from metagrow.lang._infer import infer


@final
@dataclass(frozen=True, slots=True)
class InventionSpec:
    """A library function: its name, its program text (a closed term, usually a ``lam``,
    that may name earlier inventions), and its log-weight."""

    name: str
    source: str
    log_weight: float = 0.0


@final
@dataclass(frozen=True, slots=True)
class GrammarSpec:
    """Production log-weights by name, inventions in creation order, and the variables'
    log-weight."""

    weights: tuple[tuple[str, float], ...] = ()
    inventions: tuple[InventionSpec, ...] = ()
    log_variable: float = 0.0

    def weight_map(self) -> Mapping[str, float]:
        return dict(self.weights)


def build_grammar(base: Grammar, spec: GrammarSpec) -> Grammar:
    """``base`` with the spec's inventions added and its weights applied.

    Raises ``ValueError`` (one line) for an invention that does not parse or type-check.
    """
    weights = spec.weight_map()
    productions = [
        Production(p.expr, p.type, weights.get(p.label, p.log_weight), p.label)
        for p in base.productions
    ]
    grammar = base.with_productions(productions, spec.log_variable)
    for inv in spec.inventions:
        try:
            body = grammar.parse(inv.source)
            expr = Invented(body)
            t = infer(expr, grammar)
        except ValueError as err:
            raise ValueError(f"invention {inv.name}: {err}") from None
        weight = weights.get(inv.name, inv.log_weight)
        productions.append(Production(expr, t, weight, inv.name))
        grammar = base.with_productions(productions, spec.log_variable)
    return grammar


def grammar_spec(grammar: Grammar) -> GrammarSpec:
    """The data that rebuilds ``grammar`` from its base with :func:`build_grammar`."""
    inventions = tuple(
        InventionSpec(p.name, grammar.show(p.expr.body), p.log_weight)
        for p in grammar.productions
        if isinstance(p.expr, Invented)
    )
    weights = tuple((p.label, p.log_weight) for p in grammar.productions)
    return GrammarSpec(weights, inventions, grammar.log_variable)
