"""What bottom-up search keeps: programs as recipes with their values, by context.

A context is a set of rows of variable values: the main context has one row per example;
a lambda's context extends each row of its parent context with values of the lambda's
parameters. Each context has its own bank of kept programs, one per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import final

from metagrow.lang import App, Expr, Grammar, Lam, Limits, Program, Type
from metagrow.search._lambdas import FAILED
from metagrow.search._rules import Signature

Vec = tuple[object, ...]
Recipe = object
"""How to build a kept program: an ``Expr`` leaf, ``(head, child recipes)`` for an
application, or ``(LAM, n, body recipe)`` for ``n`` nested lambdas. Programs are only
built as ``Expr`` nodes when needed: recipes are cheap to make and to free."""
Entry = tuple[Recipe, Vec]
LAM = object()


@final
class Bank:
    """Kept programs of one context, by cost and type, with the values already seen."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.by_cost: list[dict[Type, list[Entry]]] = [{}]
        self.seen: dict[Type, set[Vec]] = {}
        self.done = 0  # levels completed
        self.next: set[Type] = set()  # types already built at level done + 1

    def at(self, cost: int, t: Type) -> list[Entry]:
        if cost >= len(self.by_cost):
            return []
        return self.by_cost[cost].get(t, [])

    def add(self, cost: int, t: Type, expr: Recipe, vec: Vec) -> bool:
        seen = self.seen.setdefault(t, set())
        if vec in seen:
            return False
        seen.add(vec)
        self.kept(cost, t).append((expr, vec))
        return True

    def kept(self, cost: int, t: Type) -> list[Entry]:
        """The list of kept programs of ``cost`` and type ``t``, to append to."""
        while len(self.by_cost) <= cost:
            self.by_cost.append({})
        return self.by_cost[cost].setdefault(t, [])


@final
class Context:
    """Where programs are evaluated: rows of variable values, and the variables' types.

    ``env[r]`` lists the values of ``$0, $1, ...`` on row ``r``; ``example[r]`` says which
    example the row belongs to. A lambda's context extends each row of its ``parent`` (the
    context of the program the lambda is an argument in) with the lambda's parameters:
    ``parent_row[r]`` is the row it extends."""

    def __init__(
        self,
        types: tuple[Type, ...],
        env: list[tuple[object, ...]],
        example: list[int],
        parent: Context | None = None,
        parent_row: list[int] | None = None,
    ) -> None:
        self.types = types
        self.env = env
        self.example = example
        self.parent = parent
        self.parent_row = parent_row if parent_row is not None else list(range(len(env)))
        self.depth: int = 0 if parent is None else parent.depth + 1
        self.children: dict[tuple[Type, ...], Context | None] = {}  # lambda contexts
        self.pools: dict[tuple[Signature, int], list[Entry]] = {}  # lambdas, by cost
        self.bank = Bank(len(env))
        self.partial: set[int] = set()  # ids of kept values with FAILED rows
        self.row_of: dict[tuple[int, object], int] | None = None  # (example, $0): row


@final
class Compiled:
    """A lambda's program, compiled when first run off its table."""

    __slots__ = ("expr", "grammar", "program")

    def __init__(self, expr: Expr, grammar: Grammar) -> None:
        self.expr = expr
        self.grammar = grammar
        self.program: Program | None = None

    def run(self, inputs: tuple[object, ...], limits: Limits, deadline: float) -> object:
        if self.program is None:
            self.program = Program(self.expr, self.grammar.primitives)
        return self.program.run(inputs, limits, deadline)


def wrap(body: Recipe, params: int) -> Recipe:
    """The recipe of ``params`` lambdas around ``body``."""
    return (LAM, params, body)


def build(recipe: Recipe) -> Expr:
    """The program a recipe describes."""
    if isinstance(recipe, Expr):
        return recipe
    assert isinstance(recipe, tuple)
    if recipe[0] is LAM:
        body = build(recipe[2])
        for _ in range(recipe[1]):
            body = Lam(body)
        return body
    head, args = recipe
    expr: Expr = head
    for a in args:
        expr = App(expr, build(a))
    return expr


def thunk(v: object) -> Callable[[], object]:
    """``v`` as a lazy primitive's argument: forcing a failed row fails."""

    def force() -> object:
        if v is FAILED:
            raise ValueError("a failed row")
        return v

    return force
