"""Store: the persistent library and history of lifelong learning runs, in one SQLite file."""

from metagrow.store._guides import GuideRecord
from metagrow.store._modules import ModuleRecord
from metagrow.store._predictions import PredictionRecord
from metagrow.store._schema import StoreError
from metagrow.store._solutions import SolutionRecord, StoredSolution
from metagrow.store._store import (
    Checkpoint,
    InventionRecord,
    IterationRecord,
    Store,
)

__all__ = [
    "Checkpoint",
    "GuideRecord",
    "InventionRecord",
    "IterationRecord",
    "ModuleRecord",
    "PredictionRecord",
    "SolutionRecord",
    "Store",
    "StoreError",
    "StoredSolution",
]
