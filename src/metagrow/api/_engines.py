"""The search engines by the names ``metagrow solve --engine`` and ``metagrow.solve``
accept; each is imported when picked, so that naming them loads nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from metagrow.search import Engine


def _bottomup() -> Engine:
    from metagrow.search import BottomUpEnumerator

    return BottomUpEnumerator()


def _topdown() -> Engine:
    from metagrow.search import TopDownEnumerator

    return TopDownEnumerator()


def _portfolio() -> Engine:
    from metagrow.search import PortfolioEngine

    return PortfolioEngine()


def _evolution() -> Engine:
    from metagrow.search import EvolutionEngine

    return EvolutionEngine()


def _regression() -> Engine:
    from metagrow.fit import RegressionEngine

    return RegressionEngine()


def _neural() -> Engine:
    from metagrow.fit import NeuralEngine

    return NeuralEngine()


ENGINES: Mapping[str, Callable[[], Engine]] = {
    "bottomup": _bottomup,
    "topdown": _topdown,
    "portfolio": _portfolio,
    "evolution": _evolution,
    "regression": _regression,
    "neural": _neural,
}
"""Engines by name: each value builds a fresh engine with its default settings."""
