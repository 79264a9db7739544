"""The class a row's scores pick: one rule for ``metagrow fit``'s score, ``Model.predict``
and the models ``metagrow export`` writes (which copy this function; this module imports
only numpy)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def class_index(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """The class each row's scores pick (one column a program): for one column (two
    classes) the second where the logit is above 0, else the highest score. A score that
    is ``nan`` or infinite (a program failing on the row) never wins."""
    if scores.shape[1] == 1:
        picked = np.nan_to_num(scores[:, 0], nan=0.0) > 0
    else:
        picked = np.argmax(np.where(np.isfinite(scores), scores, -np.inf), axis=1)
    return np.asarray(picked, dtype=np.int64)
