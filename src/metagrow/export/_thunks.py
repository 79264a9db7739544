"""Inlining a lazy primitive's thunks: which of its arguments the exported code can put
in place of their calls, and the steps those calls take on every run."""

from __future__ import annotations

import ast
from collections.abc import Mapping


def thunk_call(node: ast.expr, steps: Mapping[str, object]) -> str | None:
    """The parameter ``node`` calls, if it is a thunk's call ``a()``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args:
        return node.func.id if node.func.id in steps and not node.keywords else None
    return None


def lazy_charge(body: ast.expr, steps: Mapping[str, int | None]) -> tuple[int, set[str]] | None:
    """The steps a lazy primitive's ``return`` expression takes calling its thunks
    (``steps`` each, ``None`` for one that stays a thunk) that are the same on every run,
    and the thunks that must stay thunks (run or not, they take steps); ``None`` if a thunk
    is not called exactly once."""
    total, kept, calls = 0, set(), dict.fromkeys(steps, 0)
    pending: list[tuple[ast.expr, bool]] = [(body, False)]
    while pending:
        node, maybe = pending.pop()
        name = thunk_call(node, steps)
        if name is not None:
            calls[name] += 1
            n = steps[name]
            if n is None or (maybe and n):
                kept.add(name)
            else:
                total += n
            continue
        if isinstance(node, ast.Name) and node.id in steps:
            return None  # a thunk not simply called
        if isinstance(node, ast.IfExp):
            a, b = thunk_call(node.body, steps), thunk_call(node.orelse, steps)
            if not maybe and a is not None and b is not None and a != b:
                n, m = steps[a], steps[b]
                if n is not None and n == m:
                    total += n
                    calls[a] += 1
                    calls[b] += 1
                    pending.append((node.test, False))
                    continue
            pending += [(node.test, maybe), (node.body, True), (node.orelse, True)]
            continue
        if isinstance(node, ast.BoolOp):
            pending += [(node.values[0], maybe), *((v, True) for v in node.values[1:])]
            continue
        pending += [(c, maybe) for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
    return (total, kept) if all(c == 1 for c in calls.values()) else None


class Unthunk(ast.NodeTransformer):
    """Puts each thunk's expression in place of its call."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = texts

    def visit_Call(self, node: ast.Call) -> ast.expr:
        name = thunk_call(node, self.texts)
        if name is None:
            return self.generic_visit(node)  # type: ignore[return-value]
        return ast.parse(self.texts[name], mode="eval").body
