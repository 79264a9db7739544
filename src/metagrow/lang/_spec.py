"""Grammars as plain data: what a learned library adds to a domain's base grammar.

A :class:`GrammarSpec` holds production log-weights by name and inventions as named
program text, so a grammar can be stored, sent to worker processes and rebuilt on top
of the domain's primitives (which hold Python functions and are rebuilt, not copied).
A spec may also carry contextual weights (:class:`ContextSpec`, one per slot).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import final

from metagrow.lang._expr import Invented
from metagrow.lang._grammar import Grammar, Primitive, Production
from metagrow.lang._infer import infer
from metagrow.lang._slots import ROOT, VARIABLE_PARENT, Slot, SlotWeights


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
class ContextSpec:
    """The weights at holes of one slot: the parent's label (``""`` for the program's
    body, ``"$"`` for a variable's arguments), the argument index, log-weights by name
    (a production not named keeps its unigram weight) and the variables' log-weight."""

    parent: str
    argument: int
    weights: tuple[tuple[str, float], ...]
    log_variable: float


@final
@dataclass(frozen=True, slots=True)
class GrammarSpec:
    """Production log-weights by name, inventions in creation order, the variables'
    log-weight, and optionally contextual weights per slot (none: a unigram grammar)."""

    weights: tuple[tuple[str, float], ...] = ()
    inventions: tuple[InventionSpec, ...] = ()
    log_variable: float = 0.0
    contexts: tuple[ContextSpec, ...] = ()
    learned: tuple[Primitive, ...] = ()
    """Learned primitives (trained modules), added to the base before the inventions."""

    def weight_map(self) -> Mapping[str, float]:
        return dict(self.weights)


def with_learned(grammar: Grammar, learned: Iterable[Primitive]) -> Grammar:
    """``grammar`` plus the learned primitives (trained modules) it lacks."""
    for p in learned:
        if p.name not in grammar.primitives:
            grammar = grammar.with_primitive(p)
    return grammar


def build_grammar(base: Grammar, spec: GrammarSpec) -> Grammar:
    """``base`` with the spec's inventions added and its weights applied.

    Raises ``ValueError`` (one line) for an invention that does not parse or type-check.
    """
    weights = spec.weight_map()
    base = with_learned(base, spec.learned)
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
    if spec.contexts:
        grammar = grammar.with_contextual(_table(grammar, spec.contexts))
    return grammar


def _table(grammar: Grammar, contexts: tuple[ContextSpec, ...]) -> dict[Slot, SlotWeights]:
    labels = {p.label for p in grammar.productions} | {ROOT[0], VARIABLE_PARENT}
    table: dict[Slot, SlotWeights] = {}
    for c in contexts:
        if c.parent not in labels or c.argument < 0:
            raise ValueError(f"contextual weights for unknown slot ({c.parent!r}, {c.argument})")
        named = dict(c.weights)
        row = tuple(named.get(p.label, p.log_weight) for p in grammar.productions)
        table[(c.parent, c.argument)] = SlotWeights(row, c.log_variable)
    return table


def grammar_spec(grammar: Grammar) -> GrammarSpec:
    """The data that rebuilds ``grammar`` from its base with :func:`build_grammar`."""
    inventions = tuple(
        InventionSpec(p.name, grammar.show(p.expr.body), p.log_weight)
        for p in grammar.productions
        if isinstance(p.expr, Invented)
    )
    labels = [p.label for p in grammar.productions]
    weights = tuple((p.label, p.log_weight) for p in grammar.productions)
    contexts = tuple(
        ContextSpec(parent, arg, tuple(zip(labels, row.weights, strict=True)), row.log_variable)
        for (parent, arg), row in grammar.contextual.items()
    )
    learned = tuple(p for p in grammar.primitives.values() if p.learned)
    return GrammarSpec(weights, inventions, grammar.log_variable, contexts, learned)
