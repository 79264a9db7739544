"""The guide contract, as executable checks (they raise ``AssertionError``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from metagrow.guide import Guide
from metagrow.lang import Grammar, GrammarSpec, Invented, Task, build_grammar


def check_guide_specs_rebuild_the_grammar(
    guide: Guide, grammar: Grammar, base: Grammar, tasks: Sequence[Task]
) -> None:
    """Every task's spec rebuilds ``grammar`` (``base`` plus its inventions) with the same
    productions in the same order, finite weights (contextual ones too), the same
    inventions."""
    inventions = [p.expr for p in grammar.productions if isinstance(p.expr, Invented)]
    for task in tasks:
        spec = guide.spec_for(task, grammar)
        assert isinstance(spec, GrammarSpec), f"spec_for returned {type(spec).__name__}"
        rebuilt = build_grammar(base, spec)
        assert [p.label for p in rebuilt.productions] == [p.label for p in grammar.productions]
        assert [p.expr for p in rebuilt.productions if isinstance(p.expr, Invented)] == inventions
        weights = [p.log_weight for p in rebuilt.productions] + [rebuilt.log_variable]
        for row in rebuilt.contextual.values():
            weights += [*row.weights, row.log_variable]
        assert all(math.isfinite(w) for w in weights), f"{task.name}: a weight is not finite"


def check_guide_is_deterministic(guide: Guide, grammar: Grammar, tasks: Sequence[Task]) -> None:
    """The same task gives the same spec, alone or in a batch."""
    batch = guide.specs_for(tasks, grammar)
    assert set(batch) == {t.name for t in tasks}
    for task in tasks:
        assert guide.spec_for(task, grammar) == guide.spec_for(task, grammar)
        one, many = guide.spec_for(task, grammar), batch[task.name]
        assert [(c.parent, c.argument) for c in one.contexts] == [
            (c.parent, c.argument) for c in many.contexts
        ], task.name
        pairs = [(one.weights, many.weights)]
        pairs += [(a.weights, b.weights) for a, b in zip(one.contexts, many.contexts, strict=True)]
        for a, b in pairs:
            alone, together = dict(a), dict(b)
            assert alone.keys() == together.keys()
            assert all(abs(alone[k] - together[k]) < 1e-4 for k in alone), task.name


def check_guide(guide: Guide, grammar: Grammar, base: Grammar, tasks: Sequence[Task]) -> None:
    """Every guide check on ``tasks``; ``grammar`` is the library the guide was made for
    and ``base`` the domain grammar it is built on."""
    assert tasks, "check_guide needs at least one task"
    check_guide_specs_rebuild_the_grammar(guide, grammar, base, tasks)
    check_guide_is_deterministic(guide, grammar, tasks)
