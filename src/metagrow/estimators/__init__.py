"""scikit-learn estimators whose models are numeric programs found by loss-driven search:
:class:`ProgramRegressor` and :class:`ProgramClassifier`; their JSON form
(``to_dict``, ``from_dict``, :func:`model_from_dict`) and models saved in a store."""

from metagrow.estimators._classifier import ProgramClassifier
from metagrow.estimators._front import FrontEntry
from metagrow.estimators._regressor import ProgramRegressor
from metagrow.estimators._saved import ProgramModel, load_model, model_from_dict, save_model

__all__ = [
    "FrontEntry",
    "ProgramClassifier",
    "ProgramModel",
    "ProgramRegressor",
    "load_model",
    "model_from_dict",
    "save_model",
]
