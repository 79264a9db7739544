"""A scikit-learn classifier whose model is one numeric program per logit."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, final

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from metagrow.estimators._front import FrontEntry
from metagrow.estimators._model import ProgramEstimator, finite_logits, fit_seconds

if TYPE_CHECKING:
    import sympy

    from metagrow.fit import FittedProgram

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@final
class ProgramClassifier(ClassifierMixin, ProgramEstimator):  # type: ignore[misc]
    """Classification by programs that compute logits. Two classes: one program, fitted
    by log-loss to ``y == classes_[1]``. ``K > 2`` classes: one program per class, each
    fitted one-vs-rest, the evaluations split evenly among them; the probabilities are
    the softmax of the ``K`` logits (so the most probable class is the one whose program
    says so most strongly). A logit a program cannot compute on a row counts as 0.

    Learned: ``classes_``, ``program_`` (a tuple of :class:`~metagrow.fit.FittedProgram`,
    one per logit), ``front_`` (every logit's front, simplest first; a multi-class entry's
    ``class_`` is the class it scores), ``n_features_in_``, ``feature_names_in_`` (fitted
    on a frame with string column names), ``n_evaluations_``, ``fit_seconds_``,
    ``target_name_``.
    """

    _kind = "classification"
    program_: tuple[FittedProgram, ...]
    front_: tuple[FrontEntry, ...]

    @_fit_context(prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
    def fit(self, X: Any, y: Any) -> ProgramClassifier:
        started = time.perf_counter()
        target_name = getattr(y, "name", None)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        k = len(self.classes_)
        if k < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; got 1 class"
            )
        labels = [1] if k == 2 else list(range(k))
        targets = [(codes == i).astype(np.float64) for i in labels]
        fits = self._search(X, targets, "logloss", started)
        self.program_ = tuple(fit.select(self.selection) for fit in fits)
        if k == 2:
            self.front_ = self._front(fits[0])
        else:
            self.front_ = tuple(
                e for fit, c in zip(fits, self.classes_, strict=True) for e in self._front(fit, c)
            )
        self.n_evaluations_ = sum(fit.evaluations for fit in fits)
        self.target_name_ = target_name if isinstance(target_name, str) else None
        self.fit_seconds_ = fit_seconds(started)
        return self

    def _logits(self, X: Any) -> FloatArray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        with np.errstate(all="ignore"):
            columns = [p.predict(X) for p in self.program_]
        return finite_logits(np.column_stack(columns))

    def predict_proba(self, X: Any) -> FloatArray:
        """Each row's probability of each class, in the order of ``classes_``."""
        logits = self._logits(X)
        if logits.shape[1] == 1:
            p = expit(logits[:, 0])
            return np.column_stack([1.0 - p, p])
        return np.asarray(softmax(logits, axis=1), dtype=np.float64)

    def predict(self, X: Any) -> np.ndarray[Any, Any]:
        logits = self._logits(X)
        if logits.shape[1] == 1:
            return np.asarray(self.classes_[(logits[:, 0] > 0).astype(int)])
        return np.asarray(self.classes_[np.argmax(logits, axis=1)])

    def sympy(self) -> sympy.Basic:
        """The selected logit as a sympy expression over the feature names; for more than
        two classes, a sympy ``Tuple`` of each class's logit in the order of ``classes_``."""
        check_is_fitted(self)
        return self._sympy(self.program_)
