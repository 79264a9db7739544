"""HTML for values, chosen by their type and never by a domain's name: a ``grid`` as
coloured cells (ARC's ten colours), a ``color`` as one swatch, an ``image[h,w]`` or
``image[h,w,c]`` as a PNG, a list of such values as a row of them, anything else as its
JSON text. Every function returns escaped HTML."""

from __future__ import annotations

import base64
import io
import json
import math
from html import escape

from metagrow.lang import TCon, Type

PALETTE = (
    "#000000", "#0074d9", "#ff4136", "#2ecc40", "#ffdc00",
    "#aaaaaa", "#f012be", "#ff851b", "#7fdbff", "#870c25",
)  # fmt: skip
"""ARC's colours 0-9, the classes ``c0`` ... ``c9`` of the stylesheet."""

MAX_TEXT = 400
"""The most characters of a value shown as text."""


def value_html(value: object, t: Type, truth: object = None, runtime: object = None) -> str:
    """``value`` (in its task-file JSON form) drawn as its type ``t`` says; a grid with a
    same-shaped ``truth`` marks the cells that differ from it. An ``image`` whose JSON form
    is not its pixels (a reference such as a row number) is drawn from the ``runtime``
    value's ``features()`` (its pixels, row by row, in [0, 1]) when it has them."""
    if _is(t, "grid") and _is_rows(value):
        return grid_html(value, truth if _is_rows(truth) else None)  # type: ignore[arg-type]
    if _is(t, "color") and isinstance(value, int) and 0 <= value <= 9:
        return f'<span class="swatch c{value}" title="colour {value}"></span>'
    if _is(t, "image"):
        png = _png(value) or _png(_pixels(runtime))
        if png is not None:
            return f'<img class="image" alt="image {escape(str(t))}" src="{png}">'
    if _is(t, "list") and isinstance(t, TCon) and isinstance(value, list) and _drawn(t.args[0]):
        parts = runtime if isinstance(runtime, tuple) and len(runtime) == len(value) else ()
        items = "".join(
            f'<div class="item">{value_html(v, t.args[0], runtime=r)}</div>'
            for v, r in zip(value, parts or [None] * len(value), strict=True)
        )
        return f'<div class="items">{items}</div>'
    return text_html(value)


def text_html(value: object) -> str:
    text = json.dumps(value, separators=(", ", ": "))
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 3] + "..."
    return f'<code class="value">{escape(text)}</code>'


def _is(t: Type, name: str) -> bool:
    return isinstance(t, TCon) and t.name == name


def _drawn(t: Type) -> bool:
    """Whether values of ``t`` are drawn as pictures (so a list of them is a row)."""
    return _is(t, "grid") or _is(t, "color") or _is(t, "image")


def _pixels(runtime: object) -> object:
    """A runtime image's pixels as a square array, from its ``features()``; else ``None``."""
    features = getattr(runtime, "features", None)
    if not callable(features):
        return None
    import numpy as np

    try:
        flat = np.asarray(features(), dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return None
    side = math.isqrt(flat.size)
    return flat.reshape(side, side) if side * side == flat.size and side > 0 else None


def _is_rows(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(row, list) for row in value)
        and all(isinstance(c, int) and 0 <= c <= 9 for row in value for c in row)
    )


def grid_html(rows: list[list[int]], truth: list[list[int]] | None = None) -> str:
    """A grid as a table of coloured cells; cells that differ from a same-shaped
    ``truth`` get the class ``x`` (drawn crossed)."""
    same_shape = truth is not None and [len(r) for r in truth] == [len(r) for r in rows]
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, c in enumerate(row):
            wrong = same_shape and truth is not None and truth[i][j] != c
            cells.append(f'<td class="c{c}{" x" if wrong else ""}"></td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    height, width = len(rows), max((len(r) for r in rows), default=0)
    differ = ""
    if same_shape and truth is not None:
        n = sum(a != b for r, s in zip(rows, truth, strict=True) for a, b in zip(r, s, strict=True))
        differ = f' data-differ="{n}"'
    return (
        f'<table class="grid" title="{height}x{width}"{differ}>{"".join(body)}</table>'
        f'<div class="dims">{height}x{width}</div>'
    )


def _png(value: object) -> str | None:
    """A nested list of numbers in [0, 1] (rows, or rows of RGB(A) pixels) as a PNG data URI."""
    if value is None or isinstance(value, int | float | str):
        return None
    import numpy as np
    from PIL import Image

    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if array.ndim not in (2, 3) or array.size == 0 or (array.ndim == 3 and array.shape[2] > 4):
        return None
    pixels = (np.clip(np.nan_to_num(array), 0.0, 1.0) * 255).round().astype(np.uint8)
    if array.ndim == 3 and array.shape[2] == 1:
        pixels = pixels[:, :, 0]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def pretty(program: str, width: int = 60) -> str:
    """Program text laid out on lines of at most about ``width`` characters: a form that
    does not fit puts each argument on a line of its own, indented under its head."""
    return "\n".join(_layout(_tree(program), width, 0))


Tree = str | list["Tree"]


def _tree(text: str) -> Tree:
    """S-expression text as nested lists of atoms; ``#(`` opens an invention's body."""
    stack: list[list[Tree]] = [[]]
    atom = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "#" and text[i + 1 : i + 2] == "(":
            atom += "#"
        elif ch == "(":
            stack.append([atom] if atom else [])
            atom = ""
        elif ch in ") \n\t":
            if atom:
                stack[-1].append(atom)
                atom = ""
            if ch == ")" and len(stack) > 1:
                done = stack.pop()
                stack[-1].append(done)
        else:
            atom += ch
        i += 1
    if atom:
        stack[-1].append(atom)
    while len(stack) > 1:
        done = stack.pop()
        stack[-1].append(done)
    top = stack[0]
    return top[0] if len(top) == 1 else top


def _flat(t: Tree) -> str:
    if isinstance(t, str):
        return t
    if t and t[0] == "#":
        return "#(" + " ".join(_flat(x) for x in t[1:]) + ")"
    return "(" + " ".join(_flat(x) for x in t) + ")"


def _layout(t: Tree, width: int, indent: int) -> list[str]:
    flat = _flat(t)
    if isinstance(t, str) or len(flat) + indent <= width or len(t) < 2:
        return [" " * indent + flat]
    opener, items = ("#(", t[1:]) if t[0] == "#" else ("(", t)
    head, *rest = items
    lines = [" " * indent + opener + _flat(head)]
    for item in rest:
        lines += _layout(item, width, indent + 2)
    lines[-1] += ")"
    return lines
