"""What the two estimators share: their parameters and checks, the search run behind
``fit`` (one :func:`~metagrow.fit.fit_table` call per program, which starts from a
linear model among others, the time cap split over the programs), and the front they keep."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import check_is_fitted

from metagrow.estimators._front import FrontEntry, default_names
from metagrow.estimators._serial import model_dict, restore
from metagrow.fit import CONSTANT_METHODS, ConstantMethod, FittedProgram, TableFit, fit_table
from metagrow.fit._constants import Loss
from metagrow.search import SELECTIONS, MinimiseConfig, Selection, cluster_cpus

if TYPE_CHECKING:
    import sympy

    from metagrow.fit._islands import IslandBackend

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

SEARCH_SHARE = 0.9
"""The share of ``max_time`` the searches get; the rest covers checking the data and
building the result, so that ``fit`` as a whole stays within ``max_time``."""


class ProgramEstimator(BaseEstimator):  # type: ignore[misc]
    """The parameters and the search of :class:`ProgramRegressor` and
    :class:`ProgramClassifier` (not an estimator by itself).

    ``max_evaluations`` programs are scored in all (a deterministic count: the same
    ``random_state`` gives the same model wherever numpy's linear algebra rounds alike),
    unless ``max_time`` seconds run out first. ``selection`` picks the model from the
    front (PySR's rules), ``constants`` fits each program's constants (Levenberg-Marquardt
    or CMA-ES), ``population`` programs on each of ``islands``, ``parsimony`` the log-loss
    one more node must gain; with ``n_jobs`` above 1 the islands evolve in that many
    worker processes (-1: one per CPU), or as Ray tasks with ``backend="ray"`` (the
    cluster in ``RAY_ADDRESS``, else a local Ray; -1: one per CPU of the cluster)."""

    _kind: ClassVar[str] = ""
    """``"regression"`` or ``"classification"``: the ``kind`` of the model's dict."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "max_evaluations": [Interval(Integral, 1, None, closed="left")],
        "max_time": [Interval(Real, 0, None, closed="neither")],
        "selection": [StrOptions(set(SELECTIONS))],
        "constants": [StrOptions(set(CONSTANT_METHODS))],
        "population": [Interval(Integral, 4, None, closed="left")],
        "islands": [Interval(Integral, 1, None, closed="left")],
        "parsimony": [Interval(Real, 0, None, closed="left")],
        "n_jobs": [Interval(Integral, 1, None, closed="left"), Options(Integral, {-1}), None],
        "backend": [StrOptions({"pool", "ray"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        max_evaluations: int = 5000,
        max_time: float = 60.0,
        selection: Selection = "best",
        constants: ConstantMethod = "lm",
        population: int = 60,
        islands: int = 2,
        parsimony: float = 0.05,
        n_jobs: int | None = 1,
        backend: IslandBackend = "pool",
        random_state: int | np.random.RandomState | None = None,
    ) -> None:
        self.max_evaluations = max_evaluations
        self.max_time = max_time
        self.selection = selection
        self.constants = constants
        self.population = population
        self.islands = islands
        self.parsimony = parsimony
        self.n_jobs = n_jobs
        self.backend = backend
        self.random_state = random_state

    def to_dict(self) -> dict[str, Any]:
        """The fitted model as a JSON-able dict (format ``metagrow-model``, version 1):
        its columns, classes, programs (structure text and constants), front and params."""
        check_is_fitted(self)
        return model_dict(self, self._kind)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The fitted model ``data`` (from :meth:`to_dict`) describes; ``ValueError`` in
        one line if it is not such a model of this kind."""
        restored: Self = restore(cls(), cls._kind, data)
        return restored

    def _config(self) -> MinimiseConfig:
        return MinimiseConfig(
            islands=int(self.islands),
            population=int(self.population),
            parsimony=float(self.parsimony),
        )

    def _search(
        self, X: FloatArray, targets: Sequence[FloatArray], loss: Loss, started: float
    ) -> list[TableFit]:
        """One search per target (one per logit of a classifier), the evaluations split
        evenly and each given an equal share of the time left."""
        k = len(targets)
        rng = check_random_state(self.random_state)
        seeds = [int(s) for s in rng.randint(0, 2**31 - 1, size=k)]
        deadline = started + SEARCH_SHARE * float(self.max_time)
        evaluations = max(1, int(self.max_evaluations) // k)
        fits = []
        for i, (y, seed) in enumerate(zip(targets, seeds, strict=True)):
            seconds = max(0.0, (deadline - time.perf_counter()) / (k - i))
            fit = fit_table(
                X,
                y,
                loss=loss,
                evaluations=evaluations,
                seconds=seconds,
                seed=seed,
                config=self._config(),
                constants=self.constants,
                jobs=self._jobs(),
                backend=self.backend,
            )
            fits.append(fit)
        return fits

    def _jobs(self) -> int:
        if self.n_jobs == -1:
            return cluster_cpus() if self.backend == "ray" else os.cpu_count() or 1
        return int(self.n_jobs or 1)

    def _names(self) -> tuple[str, ...]:
        names = getattr(self, "feature_names_in_", None)
        if names is not None:
            return tuple(str(n) for n in names)
        return default_names(int(self.n_features_in_))

    def _front(self, fit: TableFit, class_: Any = None) -> tuple[FrontEntry, ...]:
        names = self._names()
        return tuple(FrontEntry(f.complexity, f.loss, f, names, class_) for f in fit.front)

    def _sympy(self, programs: Sequence[FittedProgram]) -> sympy.Basic:
        names = self._names()
        if len(programs) == 1:
            return programs[0].sympy(names)
        import sympy

        return sympy.Tuple(*(p.sympy(names) for p in programs))


def finite_logits(values: FloatArray) -> FloatArray:
    """Logits with a program's failures (``nan``) as 0, no evidence either way, and
    infinities clipped so that probabilities stay defined."""
    return np.clip(np.nan_to_num(values, nan=0.0), -700.0, 700.0)


def fit_seconds(started: float) -> float:
    return max(0.0, time.perf_counter() - started)
