"""The lists domain: integers, booleans and lists of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import final

from metagrow.domains._domain import JSON, Domain
from metagrow.domains.lists._primitives import list_primitives
from metagrow.lang import INT, Grammar, Limits, Primitive, Task

# Constants are many and each rarely needed; arithmetic and list helpers are the common case.
_WEIGHTS = {
    **{str(i): -0.7 for i in range(6)},
    "true": -0.7,
    "false": -0.7,
}


@final
class ListsDomain(Domain):
    """Integer and list functions, as in DreamCoder's list benchmark."""

    name = "lists"
    values = "int-lists"
    default_engine = "portfolio"
    """Bottom-up under the library's weights, then under equal weights (docs/portfolio.md)."""

    def __init__(self) -> None:
        self._grammar = Grammar.uniform(list_primitives(), _WEIGHTS)

    def grammar(self) -> Grammar:
        return self._grammar

    def library_file(self) -> Path:
        """The library `metagrow learn` grew on the suite's train split (docs/list-suite.md)."""
        return Path(__file__).with_name("library.json")

    def constructors(self) -> frozenset[str]:
        return frozenset({"int", "bool", "list"})

    def limits(self) -> Limits:
        return Limits(steps=100_000, depth=100, size=20_000, seconds=0.1)

    def recognises(self, data: JSON) -> bool:
        """A typed task over ints, booleans and lists, or one without a ``type`` whose
        values are of such types."""
        from metagrow.domains._taskfile import TaskFileError, infer_request

        if not isinstance(data, dict) or "type" in data:
            return super().recognises(data)
        try:
            infer_request(data, "task")
        except TaskFileError:
            return False
        return True

    def splits(self) -> tuple[str, ...]:
        return ("train", "heldout", "all")

    def suite(self, split: str) -> Sequence[Task]:
        """The built-in list-function suite (``docs/list-suite.md``)."""
        from metagrow.domains.lists._suite import load_suite

        if split not in self.splits():
            raise ValueError(
                f"the lists suite has splits {', '.join(self.splits())}; got {split!r}"
            )
        return load_suite(split)  # type: ignore[arg-type]

    def task_grammar(self, task: Task, grammar: Grammar, seconds: float = 5.0) -> Grammar:
        """Adds up to three int constants read off the examples: ints that every output
        shows and its inputs do not ("append 17", "pad with 9s"), at the weight of the
        grammar's own constants."""
        known = {name for name, p in grammar.primitives.items() if p.type == INT}
        weight = max((p.log_weight for p in grammar.productions if p.type == INT), default=0.0)
        for k in task_constants(task, known):
            grammar = grammar.with_primitive(Primitive(str(k), INT, k), weight)
        return grammar


_MAX_CONSTANTS = 3


def task_constants(task: Task, known: set[str]) -> list[int]:
    """Ints new in the output of every train example (two at least), smallest first,
    leaving out those the grammar already names."""
    shown: Counter[int] = Counter()
    for ex in task.train:
        seen = set(_ints(ex.inputs))
        shown.update({k for k in _ints(ex.output) if k not in seen and str(k) not in known})
    every = [k for k, n in shown.items() if n == len(task.train) >= 2]
    return sorted(every, key=lambda k: (abs(k), k))[:_MAX_CONSTANTS]


def _ints(value: object) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            yield from _ints(v)
