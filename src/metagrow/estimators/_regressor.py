"""A scikit-learn regressor whose model is one numeric program over the feature columns."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, final

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils.validation import check_is_fitted, validate_data

from metagrow.estimators._front import FrontEntry
from metagrow.estimators._model import ProgramEstimator, fit_seconds

if TYPE_CHECKING:
    import sympy

    from metagrow.fit import FittedProgram


@final
class ProgramRegressor(RegressorMixin, ProgramEstimator):  # type: ignore[misc]
    """Symbolic regression: evolves programs over the columns of ``X`` that predict
    ``y`` (mean squared error), keeps the Pareto front of complexity and loss and
    predicts with the program ``selection`` picks from it.

    Learned: ``program_`` (a :class:`~metagrow.fit.FittedProgram`), ``front_`` (its
    :class:`FrontEntry` items, simplest first), ``n_features_in_``, ``feature_names_in_``
    (fitted on a frame with string column names), ``n_evaluations_``, ``fit_seconds_``
    and ``target_name_`` (the name of a ``y`` series, else ``None``). Rows where the
    program fails (a log of a negative number, say) predict ``nan``.
    """

    _kind = "regression"
    program_: FittedProgram
    front_: tuple[FrontEntry, ...]

    @_fit_context(prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
    def fit(self, X: Any, y: Any) -> ProgramRegressor:
        started = time.perf_counter()
        target_name = getattr(y, "name", None)
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        (fit,) = self._search(X, [np.asarray(y, dtype=np.float64)], "mse", started)
        self.program_ = fit.select(self.selection)
        self.front_ = self._front(fit)
        self.n_evaluations_ = fit.evaluations
        self.target_name_ = target_name if isinstance(target_name, str) else None
        self.fit_seconds_ = fit_seconds(started)
        return self

    def predict(self, X: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        with np.errstate(all="ignore"):
            return self.program_.predict(X)

    def sympy(self) -> sympy.Basic:
        """The selected program as a sympy expression over the feature names."""
        check_is_fitted(self)
        return self._sympy([self.program_])
