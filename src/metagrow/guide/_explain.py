"""What a guide says about one task: how its weights differ from the library's, production
by production and slot by slot. Only differences matter to a search (the weights at a
hole are normalised over the productions that fit it), so each row's changes are centred
on their mean."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import final

from metagrow.lang import GrammarSpec, Slot

VARIABLES = "$var"
"""The name a change to the variables' weight is listed under."""


@final
@dataclass(frozen=True, slots=True)
class WeightChange:
    """One production's log-weight at holes of ``slot`` (``None``: the grammar as a whole,
    the part every slot shares) under the library and under the guide for a task, and
    ``change``: the guided minus the library weight, less the mean of that over the row."""

    slot: Slot | None
    production: str
    library: float
    guided: float
    change: float


def weight_changes(library: GrammarSpec, guided: GrammarSpec) -> tuple[WeightChange, ...]:
    """Every production's centred change from ``library`` to ``guided`` (the same
    grammar's specs), for the grammar as a whole and then for each slot ``guided`` has
    weights of its own; largest change first within each row."""
    base = library.weight_map()
    out = list(_row(None, base, library.log_variable, guided.weights, guided.log_variable))
    own = {(c.parent, c.argument): c for c in library.contexts}
    for ctx in guided.contexts:
        slot = (ctx.parent, ctx.argument)
        lib = own.get(slot)
        lib_weights = base if lib is None else {**base, **dict(lib.weights)}
        lib_variable = library.log_variable if lib is None else lib.log_variable
        weights = {**guided.weight_map(), **dict(ctx.weights)}
        out += _row(slot, lib_weights, lib_variable, tuple(weights.items()), ctx.log_variable)
    return tuple(out)


def _row(
    slot: Slot | None,
    library: Mapping[str, float],
    library_variable: float,
    guided: Sequence[tuple[str, float]],
    guided_variable: float,
) -> list[WeightChange]:
    pairs = [(name, library[name], w) for name, w in guided if name in library]
    pairs.append((VARIABLES, library_variable, guided_variable))
    mean = sum(g - lib for _, lib, g in pairs) / len(pairs)
    rows = [WeightChange(slot, name, lib, g, g - lib - mean) for name, lib, g in pairs]
    return sorted(rows, key=lambda r: (-r.change, r.production))
