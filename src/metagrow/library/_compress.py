"""Library learning: compress solutions into inventions with stitch-core.

Solutions are printed in stitch's syntax (existing inventions by name), compressed, and
the abstractions stitch finds become named inventions (``f0``, ``f1``, ...) of the
grammar. Rewritten solutions are kept only where they type-check and compute exactly
what the originals compute on their task's inputs; an invention no kept solution uses
is dropped. Production weights are then re-estimated from usage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, final

from metagrow.lang import (
    FAIL,
    App,
    Expr,
    Grammar,
    Invented,
    Lam,
    Prim,
    Production,
    Program,
    Task,
    Var,
    check,
    infer,
    shift,
)

if TYPE_CHECKING:
    import stitch_core

_ARG = re.compile(r"#(\d+)")
_PLACEHOLDER = "__metagrow_arg_"


@final
@dataclass(frozen=True, slots=True)
class Compression:
    """The grammar with new inventions and re-estimated weights, the solutions rewritten
    with it, and the names of the inventions added."""

    grammar: Grammar
    solutions: Mapping[str, Expr]
    added: tuple[str, ...]


def compress(
    grammar: Grammar,
    solutions: Mapping[str, Expr],
    tasks: Mapping[str, Task],
    iterations: int = 3,
    max_arity: int = 2,
    pseudo_count: float = 3.0,
) -> Compression:
    """Learn up to ``iterations`` inventions from ``solutions`` (by task name)."""
    import stitch_core

    names = sorted(solutions)
    if len(names) < 2 or iterations < 1:
        return Compression(reweight(grammar, solutions, pseudo_count), solutions, ())
    texts = [grammar.show(solutions[n]) for n in names]
    result = stitch_core.compress(texts, iterations=iterations, max_arity=max_arity, silent=True)
    extended, renames = _add_inventions(grammar, result.abstractions)
    kept: dict[str, Expr] = {}
    for name, text in zip(names, result.rewritten, strict=True):
        kept[name] = _accept(extended, _rename(text, renames), solutions[name], tasks.get(name))
    used: set[Expr] = {n for s in kept.values() for n in s.walk() if isinstance(n, Invented)}
    pruned = _prune(extended, grammar, used)
    added = tuple(
        p.name for p in pruned.productions if isinstance(p.expr, Invented) and p.expr in used
        and p.name not in {q.name for q in grammar.productions}
    )  # fmt: skip
    return Compression(reweight(pruned, kept, pseudo_count), kept, added)


def _add_inventions(
    grammar: Grammar, abstractions: Sequence[stitch_core.Abstraction]
) -> tuple[Grammar, dict[str, str]]:
    """The grammar with stitch's abstractions as named inventions (those that type-check),
    and stitch's names mapped to ours."""
    taken = {p.name for p in grammar.productions}
    counter = len([p for p in grammar.productions if isinstance(p.expr, Invented)])
    renames: dict[str, str] = {}
    productions = list(grammar.productions)
    current = grammar
    for a in abstractions:
        while f"f{counter}" in taken:
            counter += 1
        ours = f"f{counter}"
        body_text = _rename(a.body, renames)
        arity = a.arity
        try:
            body = _to_lambda(
                current.parse(_ARG.sub(lambda m: _PLACEHOLDER + m.group(1), body_text)), arity
            )
            expr = Invented(body)
            t = infer(expr, current)
        except ValueError:
            continue
        if _trivial(body):
            continue
        renames[a.name] = ours
        taken.add(ours)
        productions.append(Production(expr, t, 0.0, ours))
        current = grammar.with_productions(productions, grammar.log_variable)
    return current, renames


def _to_lambda(body: Expr, arity: int) -> Expr:
    """Replace stitch's ``#i`` placeholders by variables bound by ``arity`` new lambdas."""

    def go(e: Expr, depth: int) -> Expr:
        if isinstance(e, Prim) and e.name.startswith(_PLACEHOLDER):
            i = int(e.name[len(_PLACEHOLDER) :])
            return Var(depth + arity - 1 - i)
        if isinstance(e, Lam):
            return Lam(go(e.body, depth + 1))
        if isinstance(e, App):
            return App(go(e.f, depth), go(e.x, depth))
        if isinstance(e, Var) and e.index >= depth:
            raise ValueError("an abstraction with a free variable")
        return e

    out = go(body, 0)
    for _ in range(arity):
        out = Lam(out)
    return out


def _trivial(body: Expr) -> bool:
    """Whether an abstraction only renames something or applies its argument: its
    eta-reduced body is one node, or the identity."""
    reduced = _eta(body)
    return not isinstance(reduced, (App, Lam)) or reduced is Lam(Var(0))


def _eta(e: Expr) -> Expr:
    """``e`` with every ``(lam (f $0))`` whose ``f`` does not use ``$0`` reduced to ``f``."""
    if isinstance(e, App):
        return App(_eta(e.f), _eta(e.x))
    if not isinstance(e, Lam):
        return e
    body = _eta(e.body)
    if isinstance(body, App) and body.x is Var(0) and not _uses(body.f, 0):
        return shift(body.f, -1)
    return Lam(body)


def _uses(e: Expr, index: int) -> bool:
    if isinstance(e, Var):
        return e.index == index
    if isinstance(e, Lam):
        return _uses(e.body, index + 1)
    if isinstance(e, App):
        return _uses(e.f, index) or _uses(e.x, index)
    return False


def _rename(text: str, renames: Mapping[str, str]) -> str:
    if not renames:
        return text
    pattern = re.compile(r"(?<![\w#])(" + "|".join(map(re.escape, renames)) + r")(?![\w])")
    return pattern.sub(lambda m: renames[m.group(1)], text)


def _accept(grammar: Grammar, text: str, original: Expr, task: Task | None) -> Expr:
    """The rewritten program if it parses, type-checks and agrees with the original on the
    task's inputs; otherwise the original."""
    try:
        rewritten = grammar.parse(text)
        if task is not None:
            check(rewritten, grammar, task.request)
        else:
            check(rewritten, grammar, infer(original, grammar))
    except ValueError:
        return original
    if task is not None:
        a, b = Program(original, grammar.primitives), Program(rewritten, grammar.primitives)
        for ex in (*task.train, *task.test):
            x, y = a.run(ex.inputs), b.run(ex.inputs)
            if x is FAIL or y is FAIL or x != y:
                return original
    return rewritten


def _prune(extended: Grammar, base: Grammar, used: set[Expr]) -> Grammar:
    """Drop the new inventions that no kept solution uses (directly or through another)."""
    needed = set(used)
    for e in list(used):
        needed.update(n for n in e.walk() if isinstance(n, Invented))
    existing = set(base.productions)
    keep = [
        p
        for p in extended.productions
        if p in existing or not isinstance(p.expr, Invented) or p.expr in needed
    ]
    return extended.with_productions(keep, extended.log_variable)


def reweight(grammar: Grammar, solutions: Mapping[str, Expr], pseudo_count: float) -> Grammar:
    """Log-weights from how often each production (and variables) occur in the solutions,
    plus ``pseudo_count`` for every production so unused ones stay possible."""
    counts: Counter[str] = Counter()
    variables = 0
    labels = {p.expr: p.label for p in grammar.productions}
    for program in solutions.values():
        for node in _nodes(program):
            if isinstance(node, Var):
                variables += 1
            elif node in labels:
                counts[labels[node]] += 1
    productions = [
        Production(p.expr, p.type, math.log(counts[p.label] + pseudo_count), p.name or p.label)
        for p in grammar.productions
    ]
    return grammar.with_productions(productions, math.log(variables + pseudo_count))


def _nodes(e: Expr) -> list[Expr]:
    """Nodes of a program, not looking inside inventions (their uses count, not bodies)."""
    out: list[Expr] = []
    stack = [e]
    while stack:
        n = stack.pop()
        out.append(n)
        if isinstance(n, Lam):
            stack.append(n.body)
        elif isinstance(n, App):
            stack.extend((n.f, n.x))
    return out
