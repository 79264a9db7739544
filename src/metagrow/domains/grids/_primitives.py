"""The grids domain's primitives, grouped, with their types.

Designed from the ARC-AGI-1 training split only: whole-grid transforms, objects as masks,
counting, painting and a few neighbourhood rules. Colours are their own type so that
colour arguments are filled only by colour constants and colour measures. Every value is
a top-level function (here or in ``_transforms``, ``_objects``, ``_paint``) using numpy
and the standard library only, so that ``metagrow export --to python`` can copy it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from metagrow.domains.grids import _objects as ob
from metagrow.domains.grids import _paint as pt
from metagrow.domains.grids import _transforms as tf
from metagrow.domains.grids._grid import COLOR, GRID, LGRID, Grid
from metagrow.lang import BOOL, INT, Primitive, Type, arrow

Thunk = Callable[[], object]

G_G = arrow(GRID, GRID)
GG_G = arrow(GRID, GRID, GRID)
GC_G = arrow(GRID, COLOR, GRID)
GGC_G = arrow(GRID, GRID, COLOR, GRID)
L_G = arrow(LGRID, GRID)


def _p(name: str, t: Type, value: object, commutative: bool = False) -> Primitive:
    return Primitive(name, t, value, commutative=commutative)


def _if(c: Thunk, t: Thunk, e: Thunk) -> object:
    return t() if c() else e()


def _ncolors(g: Grid) -> int:
    """Distinct colours other than the background."""
    return int(np.count_nonzero(g.counts())) - 1


def _bg_color(g: Grid) -> int:
    return g.background()


def _height(g: Grid) -> int:
    return g.shape[0]


def _width(g: Grid) -> int:
    return g.shape[1]


def _count_color(g: Grid, c: int) -> int:
    return int(g.counts()[c]) if 0 <= c <= 9 else 0


def _greater(a: int, b: int) -> bool:
    return a > b


def _same_color(a: int, b: int) -> bool:
    return a == b


def _least_color(g: Grid) -> int:
    counts = g.counts().astype(np.int64)
    counts[counts == 0] = 1 << 20
    return int(counts.argmin())


def symmetry_primitives() -> tuple[Primitive, ...]:
    return (
        _p("rot90", G_G, tf.rot90),
        _p("rot180", G_G, tf.rot180),
        _p("rot270", G_G, tf.rot270),
        _p("flip_h", G_G, tf.flip_h),
        _p("flip_v", G_G, tf.flip_v),
        _p("transpose", G_G, tf.transpose),
        _p("antitranspose", G_G, tf.antitranspose),
    )


def size_primitives() -> tuple[Primitive, ...]:
    return (
        _p("crop", G_G, tf.crop),
        _p("upscale", arrow(GRID, INT, GRID), tf.upscale),
        _p("downscale", arrow(GRID, INT, GRID), tf.downscale),
        _p("tile", arrow(GRID, INT, INT, GRID), tf.tile),
        _p("hconcat", GG_G, tf.hconcat),
        _p("vconcat", GG_G, tf.vconcat),
        _p("mirror4", G_G, tf.mirror4),
        _p("rot_tile", G_G, tf.rot_tile),
        _p("left_half", G_G, tf.left_half),
        _p("right_half", G_G, tf.right_half),
        _p("top_half", G_G, tf.top_half),
        _p("bottom_half", G_G, tf.bottom_half),
        _p("dedup", G_G, tf.dedup),
        _p("kron", GG_G, tf.kron),
        _p("canvas", arrow(INT, INT, COLOR, GRID), tf.canvas),
        _p("fill", GC_G, tf.fill),
    )


def color_primitives() -> tuple[Primitive, ...]:
    return (
        _p("recolor", arrow(GRID, COLOR, COLOR, GRID), tf.recolor),
        _p("paint_fg", GC_G, tf.paint_fg),
        _p("keep", GC_G, tf.keep),
        _p("bg_color", arrow(GRID, COLOR), _bg_color),
        _p("main_color", arrow(GRID, COLOR), ob.main_color),
        _p("least_color", arrow(GRID, COLOR), _least_color),
    )


def gravity_primitives() -> tuple[Primitive, ...]:
    return (
        _p("fall_down", G_G, tf.fall_down),
        _p("fall_up", G_G, tf.fall_up),
        _p("fall_left", G_G, tf.fall_left),
        _p("fall_right", G_G, tf.fall_right),
    )


def logic_primitives() -> tuple[Primitive, ...]:
    return (
        _p("cell_and", GGC_G, tf.cell_and),
        _p("cell_or", GGC_G, tf.cell_or),
        _p("cell_xor", GGC_G, tf.cell_xor),
        _p("cell_nor", GGC_G, tf.cell_nor),
    )


def object_primitives() -> tuple[Primitive, ...]:
    return (
        _p("objects", arrow(GRID, LGRID), ob.objects),
        _p("objects8", arrow(GRID, LGRID), ob.objects8),
        _p("blobs", arrow(GRID, LGRID), ob.blobs),
        _p("pieces", arrow(GRID, LGRID), ob.pieces),
        _p("piece_colors", G_G, ob.piece_colors),
        _p("largest", L_G, ob.largest),
        _p("smallest", L_G, ob.smallest),
        _p("unique_color", L_G, ob.unique_color),
        _p("unique_shape", L_G, ob.unique_shape),
        _p("most_common", L_G, ob.most_common),
        _p("merge", L_G, ob.merge),
        _p("of_color", arrow(LGRID, COLOR, LGRID), ob.of_color),
        _p("per_object", arrow(G_G, GRID, GRID), ob.per_object),
    )


def paint_primitives() -> tuple[Primitive, ...]:
    return (
        _p("overlay", GG_G, pt.overlay),
        _p("fill_holes", GC_G, pt.fill_holes),
        _p("surround", GC_G, pt.surround),
        _p("border", GC_G, pt.border),
        _p("connect", G_G, pt.connect),
        _p("connect_h", G_G, pt.connect_h),
        _p("connect_v", G_G, pt.connect_v),
        _p("connect_diag", G_G, pt.connect_diag),
        _p("symmetrize", GC_G, pt.symmetrize),
    )


def count_primitives() -> tuple[Primitive, ...]:
    return (
        _p("count", arrow(LGRID, INT), ob.count),
        _p("height", arrow(GRID, INT), _height),
        _p("width", arrow(GRID, INT), _width),
        _p("ncolors", arrow(GRID, INT), _ncolors),
        _p("count_color", arrow(GRID, COLOR, INT), _count_color),
        _p("cells", arrow(GRID, INT), ob.size),
    )


def control_primitives() -> tuple[Primitive, ...]:
    return (
        Primitive("if", arrow(BOOL, GRID, GRID, GRID), _if, lazy=True),
        _p("gt?", arrow(INT, INT, BOOL), _greater),
        _p("same_color?", arrow(COLOR, COLOR, BOOL), _same_color, commutative=True),
    )


def constant_primitives() -> tuple[Primitive, ...]:
    colors = tuple(_p(f"c{i}", COLOR, i) for i in range(10))
    ints = tuple(_p(str(i), INT, i) for i in (1, 2, 3))
    return (*colors, *ints)


def grid_primitives() -> tuple[Primitive, ...]:
    """The grids domain's base library, in a fixed order."""
    return (
        *symmetry_primitives(),
        *size_primitives(),
        *color_primitives(),
        *gravity_primitives(),
        *logic_primitives(),
        *object_primitives(),
        *paint_primitives(),
        *count_primitives(),
        *control_primitives(),
        *constant_primitives(),
    )
