"""The list operations of an ONNX graph of a module program, as functions of the
:class:`Graph` under construction: ``map`` and ``filter`` (:func:`list_call`), ``fold``,
``chain?``, ``sum`` and ``length`` (:func:`reduce`), and the helpers that move a value
onto the batch axes of a list (:func:`lifted`, :func:`at`, :func:`spread`) or a filtered
list's kept items to its front (:func:`compacted`). A function they are given is compiled
by :meth:`Graph.call`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from metagrow.export._onnx_graph import Batch, Graph, element, fail, int64, rank
from metagrow.lang import BOOL, INT, Expr, TCon, shape_of


def list_call(g: Graph, name: str, f: Expr, xs: Batch, env: list[Batch]) -> Batch:
    """``map f xs`` or ``filter f xs``: ``f`` applied to every item at once."""
    if not xs.listy:
        raise fail(f"{name!r} needs a list")
    xs = lifted(g, xs, env)  # f may read an item of an enclosing map
    item = Batch(xs.name, xs.item, xs.depth + 1)
    out = g.call(f, [item], env)
    if out.listy:
        raise fail(f"{name!r} makes a list of lists here, which has no ONNX form")
    each = spread(g, out, xs)
    if name == "map":
        return Batch(each, out.item, xs.depth, True, xs.mask)
    kept = each if xs.mask is None else g.node("And", xs.mask, each)
    return replace(xs, mask=kept)


def fold(g: Graph, xs: Batch, init: Batch, f: Expr, env: list[Batch]) -> Batch:
    """``fold xs init f`` from the right, as the interpreter: an ONNX Loop over the list
    axis whose body is ``f`` applied to item ``L-1-i`` and the accumulator (one per
    batch row), for every row at once; an item a ``filter`` dropped leaves it as is."""
    import onnx

    if not xs.listy:
        raise fail("'fold' needs a list")
    if init.listy:
        raise fail("a fold whose accumulator is a list (its length may change item by item)")
    items = lifted(g, xs, [init, *env])
    depth = items.depth
    count = g.node("Squeeze", g.node("Shape", items.name, start=depth, end=depth + 1))
    last = g.node("Sub", count, g.constant(np.asarray(1, dtype=np.int64)))
    start = at(g, init, items, depth)
    step, acc = f"{start}_step", f"{start}_acc"
    outer, g.nodes = g.nodes, []
    index = g.node("Sub", last, step)
    item = Batch(g.node("Gather", items.name, index, axis=depth), xs.item, depth)
    carried = Batch(acc, init.item, depth)
    out = g.call(f, [item, carried], env)
    if out.listy or out.item != init.item:
        raise fail("a fold's function gives a value of another type than its accumulator")
    new = at(g, out, carried, depth)
    if items.mask is not None:
        kept = g.node("Gather", items.mask, index, axis=depth)
        if inner := rank(init.item):
            kept = g.node("Unsqueeze", kept, g.ints(list(range(depth, depth + inner))))
        if init.item == BOOL:  # onnxruntime has no Where for bools
            stays = g.node("And", g.node("Not", kept), acc)
            new = g.node("Or", g.node("And", kept, new), stays)
        else:
            new = g.node("Where", kept, new, acc)
    g.nodes.append(onnx.helper.make_node("Identity", [f"{start}_go"], [f"{start}_goes"]))
    g.nodes.append(onnx.helper.make_node("Identity", [new], [f"{start}_next"]))
    kind = element(init.item)
    body = onnx.helper.make_graph(
        g.nodes,
        f"fold_{start}",
        [
            onnx.helper.make_tensor_value_info(step, int64(), []),
            onnx.helper.make_tensor_value_info(f"{start}_go", onnx.TensorProto.BOOL, []),
            onnx.helper.make_tensor_value_info(acc, kind, None),
        ],
        [
            onnx.helper.make_tensor_value_info(f"{start}_goes", onnx.TensorProto.BOOL, []),
            onnx.helper.make_tensor_value_info(f"{start}_next", kind, None),
        ],
    )
    g.nodes = outer
    return Batch(g.node("Loop", count, "", start, body=body), init.item, depth)


def chain(g: Graph, rel: Expr, xs: Batch, env: list[Batch]) -> Batch:
    """``chain? rel xs``: ``rel`` on every pair of neighbours at once (the list but its
    last item beside the list but its first), true where no pair fails; the items a
    ``filter`` kept are first moved to the front, in order."""
    if not xs.listy:
        raise fail("'chain?' needs a list")
    items = lifted(g, xs, env)
    if items.mask is not None:
        items = compacted(g, items)
    d = items.depth
    end = g.ints([np.iinfo(np.int64).max])
    firsts = g.node("Slice", items.name, g.ints([0]), g.ints([-1]), g.ints([d]))
    seconds = g.node("Slice", items.name, g.ints([1]), end, g.ints([d]))
    ok = g.call(rel, [Batch(firsts, items.item, d + 1), Batch(seconds, items.item, d + 1)], env)
    if ok.listy or ok.item != BOOL:
        raise fail("'chain?' is given a relation that does not give a bool")
    bad = g.node("Not", spread(g, ok, Batch(firsts, items.item, d, True)))
    if items.mask is not None:  # pair k is in the list when item k + 1 is
        kept = g.node("Slice", items.mask, g.ints([1]), end, g.ints([d]))
        bad = g.node("And", bad, kept)
    count = g.node("ReduceSum", g.node("Cast", bad, to=int64()), g.ints([d]), keepdims=0)
    return Batch(g.node("Equal", count, g.constant(np.asarray(0, np.int64))), BOOL, d)


def reduce(g: Graph, name: str, xs: Batch) -> Batch:
    """``sum xs`` or ``length xs`` for every row, counting only the items a ``filter`` kept."""
    if not xs.listy:
        raise fail(f"{name!r} needs a list")
    if name == "length":
        if xs.mask is None:
            size = g.node("Shape", xs.name, start=xs.depth, end=xs.depth + 1)
            rows = g.node("Shape", xs.name, start=0, end=xs.depth)
            return Batch(g.node("Expand", g.node("Squeeze", size), rows), INT, xs.depth)
        kept = g.node("Cast", xs.mask, to=int64())
        return Batch(g.node("ReduceSum", kept, g.ints([xs.depth]), keepdims=0), INT, xs.depth)
    values = xs.name
    if xs.mask is not None:
        zero = g.constant(np.asarray(0, dtype=np.int64))
        values = g.node("Where", xs.mask, values, zero)
    return Batch(g.node("ReduceSum", values, g.ints([xs.depth]), keepdims=0), INT, xs.depth)


def compacted(g: Graph, xs: Batch) -> Batch:
    """Masked list ``xs`` with its kept items first, in order, and a mask of the
    first ``n`` (``n`` the number kept), for each row."""
    import onnx

    assert xs.mask is not None
    d = xs.depth
    size = g.node("Shape", xs.name, start=d, end=d + 1)
    positions = g.node(
        "Range", g.constant(np.asarray(0, np.int64)), g.node("Squeeze", size),
        g.constant(np.asarray(1, np.int64)),
    )  # fmt: skip
    keys = g.node("Where", xs.mask, positions, g.node("Add", positions, size))
    order = f"{keys}_order"  # the indices of the smallest keys, smallest first
    g.nodes.append(
        onnx.helper.make_node(
            "TopK", [keys, size], [f"{keys}_sorted", order], axis=d, largest=0, sorted=1
        )
    )
    inner = rank(xs.item)
    if inner:
        order = g.node("Unsqueeze", order, g.ints(list(range(d + 1, d + 1 + inner))))
        order = g.node("Expand", order, g.node("Shape", xs.name))
    front = g.node("GatherElements", xs.name, order, axis=d)
    count = g.node("ReduceSum", g.node("Cast", xs.mask, to=int64()), g.ints([d]))
    return replace(xs, name=front, mask=g.node("Less", positions, count))


def lifted(g: Graph, xs: Batch, others: list[Batch]) -> Batch:
    """List ``xs`` (and its mask) on every row of the deepest of ``others``, when it
    has more batch axes (a list from outside the ``map`` that reads the list)."""
    like = max((xs, *others), key=lambda v: v.depth)
    depth = like.depth
    if xs.depth == depth:
        return xs
    axes = g.ints(list(range(xs.depth, depth)))
    rows = g.node("Shape", like.name, start=0, end=depth)
    name = g.node("Unsqueeze", xs.name, axes)
    ones = g.ints([1] * (1 + rank(xs.item)))
    name = g.node("Expand", name, g.node("Concat", rows, ones, axis=0))
    mask = xs.mask
    if mask is not None:
        mask = g.node("Unsqueeze", mask, axes)
        mask = g.node("Expand", mask, g.node("Concat", rows, g.ints([1]), axis=0))
    return replace(xs, name=name, depth=depth, mask=mask)


def at(g: Graph, v: Batch, like: Batch, depth: int) -> str:
    """``v`` (not a list) on every row of ``like``'s first ``depth`` batch axes."""
    name = v.name
    if 0 < v.depth < depth:
        name = g.node("Unsqueeze", name, g.ints(list(range(v.depth, depth))))
    rows = g.node("Shape", like.name, start=0, end=depth)
    if inner := rank(v.item):  # a tensor's own axes broadcast from size 1
        rows = g.node("Concat", rows, g.ints([1] * inner), axis=0)
    return g.node("Expand", name, rows)


def spread(g: Graph, v: Batch, like: Batch) -> str:
    """``v`` on every item of list ``like`` (``like.depth + 1`` batch axes)."""
    depth = like.depth + 1
    if v.depth == depth:
        return v.name
    name = v.name
    if v.depth > 0:
        name = g.node("Unsqueeze", name, g.ints(list(range(v.depth, depth))))
    shape = g.node("Shape", like.name, start=0, end=depth)
    inner = len(shape_of(v.item) or ()) if isinstance(v.item, TCon) else 0
    if inner and not v.listy:  # a tensor's own axes broadcast from size 1
        shape = g.node("Concat", shape, g.ints([1] * inner), axis=0)
    return g.node("Expand", name, shape)
