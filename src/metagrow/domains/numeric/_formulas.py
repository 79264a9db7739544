"""The built-in formula suite: physics- and engineering-style formulas written for this
project (not taken from AI Feynman, SRBench, Nguyen, Keijzer or any published set, which
stay outside measures), with sampling ranges where each is defined and finite.

Units are whatever makes the ranges plain; constants are written as numbers (9.81 for g,
6.283185 for 2 pi) because a formula may use no named constant.
"""

from __future__ import annotations

from metagrow.domains.numeric._formula import Formula
from metagrow.domains.numeric._formulas_algebraic import POLYNOMIAL, RATIONAL
from metagrow.domains.numeric._formulas_composite import COMPOSITION, PIECEWISE
from metagrow.domains.numeric._formulas_transcendental import EXPONENTIAL, TRIGONOMETRIC

FORMULAS: tuple[Formula, ...] = (
    *POLYNOMIAL,
    *RATIONAL,
    *EXPONENTIAL,
    *TRIGONOMETRIC,
    *PIECEWISE,
    *COMPOSITION,
)
"""Every built-in formula, family by family."""
