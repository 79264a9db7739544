"""metagrow: learn models that are programs.

Typed programs over algorithmic primitives are found by search from a few input/output
examples, and a library of reusable functions grows across tasks. From Python::

    import metagrow
    result = metagrow.solve("examples/lists/keep-evens.json", budget=5)
    print(result.program, result.predictions)

``metagrow.solve`` and ``metagrow.learn`` take the options of ``metagrow solve`` and
``metagrow learn``; the packages below (``metagrow.lang``, ``metagrow.domains``,
``metagrow.search``, ...) hold the parts.
"""

from metagrow.api import LearnReport, SolveReport, learn, solve

__all__ = ["LearnReport", "SolveReport", "learn", "solve"]
