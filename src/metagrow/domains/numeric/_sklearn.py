"""scikit-learn's bundled and generated data sets as tables (nothing is downloaded).

Column names are made identifiers (``"sepal length (cm)"`` becomes ``sepal_length_cm``)
so that a program over them prints as text sympy reads back. Class labels stay the
integers scikit-learn gives (``0..k-1``); their names are kept in the metadata.
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

import numpy as np

from metagrow.domains.numeric._table import Dataset, Kind, Table, split

SklearnName = Literal[
    "diabetes", "friedman1", "friedman2", "friedman3", "breast_cancer", "wine", "iris"
]
SKLEARN_NAMES: tuple[SklearnName, ...] = get_args(SklearnName)
FRIEDMAN_SAMPLES = 500
"""Rows generated for each Friedman problem (``random_state=0``, no noise)."""
TRAIN_FRACTION = 0.75
SPLIT_SEED = 0


def sklearn_table(name: SklearnName) -> Table:
    """The whole data set ``name`` as one table with target ``y``.

    diabetes: 442 x 10 (``load_diabetes()``, features as scikit-learn scales them);
    friedman1: 500 x 10; friedman2 and friedman3: 500 x 4
    (``make_friedmanN(n_samples=500, random_state=0)``); breast_cancer: 569 x 30,
    2 classes; wine: 178 x 13, 3 classes; iris: 150 x 4, 3 classes."""
    from sklearn import datasets

    if name not in SKLEARN_NAMES:
        raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(SKLEARN_NAMES)}")
    if name.startswith("friedman"):
        make = getattr(datasets, f"make_{name}")
        X, y = make(n_samples=FRIEDMAN_SAMPLES, random_state=0)
        columns = tuple(f"x{i}" for i in range(X.shape[1]))
        loader = f"make_{name}(n_samples={FRIEDMAN_SAMPLES}, random_state=0)"
        return _table(name, columns, X, y, "regression", {"loader": loader})
    bunch: Any = getattr(datasets, f"load_{name}")()
    columns = tuple(identifier(str(c)) for c in bunch.feature_names)
    metadata = {"loader": f"load_{name}()"}
    if name == "diabetes":
        return _table(name, columns, bunch.data, bunch.target, "regression", metadata)
    metadata["target_names"] = ", ".join(str(t) for t in bunch.target_names)
    return _table(name, columns, bunch.data, bunch.target, "classification", metadata)


def _table(
    name: str, columns: tuple[str, ...], X: Any, y: Any, kind: Kind, metadata: dict[str, str]
) -> Table:
    metadata = {"source": "sklearn", **metadata}
    return Table(name, columns, np.asarray(X), np.asarray(y), kind, "y", metadata)


def sklearn_suite(
    names: tuple[SklearnName, ...] = SKLEARN_NAMES,
    train_fraction: float = TRAIN_FRACTION,
    seed: int = SPLIT_SEED,
) -> tuple[Dataset, ...]:
    """Each data set split as ``train_test_split(..., test_size=0.25, random_state=0)``
    splits it (by default): diabetes 331/111, friedman1-3 375/125, breast_cancer 426/143,
    wine 133/45, iris 112/38 train/held-out rows."""
    out = []
    for name in names:
        train, heldout = split(sklearn_table(name), train_fraction, seed)
        out.append(Dataset(name, train, heldout))
    return tuple(out)


def identifier(name: str) -> str:
    """A column name as a lower-case Python identifier: runs of other characters become
    one underscore (``"od280/od315_of_diluted_wines"`` -> ``od280_od315_of_diluted_wines``)."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
    return text if text.isidentifier() else f"x_{text}"
