"""ARC grids: the grid value, a typed grid and object language, and ARC task loading."""

from metagrow.domains.grids._arc import (
    ARC_REQUEST,
    ARC_SPLITS,
    ArcSplit,
    arc_task_from_json,
    load_arc_folder,
    load_arc_split,
    load_arc_task,
    looks_like_arc,
)
from metagrow.domains.grids._domain import GridsDomain, decode_grid
from metagrow.domains.grids._grid import COLOR, GRID, LGRID, MAX_SIDE, Grid
from metagrow.domains.grids._primitives import grid_primitives

__all__ = [
    "ARC_REQUEST",
    "ARC_SPLITS",
    "COLOR",
    "GRID",
    "LGRID",
    "MAX_SIDE",
    "ArcSplit",
    "Grid",
    "GridsDomain",
    "arc_task_from_json",
    "decode_grid",
    "grid_primitives",
    "load_arc_folder",
    "load_arc_split",
    "load_arc_task",
    "looks_like_arc",
]
