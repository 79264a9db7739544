"""Plots and the invention graph as inline SVG drawn on the server: no script library, no
network, so the pages work offline and print as they look."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

Series = tuple[str, Sequence[tuple[float, float]]]
"""A labelled line: its points ``(x, y)``."""

COLOURS = ("#0074d9", "#ff851b", "#2ecc40", "#f012be", "#870c25", "#7fdbff")
WIDTH, HEIGHT, PAD = 460, 200, 40


def line_chart(title: str, series: Sequence[Series], y_label: str = "", x_label: str = "") -> str:
    """Lines (with a dot per point, each titled with its values) on shared axes from zero."""
    points = [p for _, ps in series for p in ps]
    if not points:
        return (
            f'<figure class="chart"><figcaption>{escape(title)}: no data yet</figcaption></figure>'
        )
    x_max = max(max(x for x, _ in points), 1.0)
    y_max = max(max(y for _, y in points), 1e-9)

    def at(x: float, y: float) -> tuple[float, float]:
        return (
            PAD + (WIDTH - 1.5 * PAD) * x / x_max,
            HEIGHT - PAD + (PAD * 1.5 - HEIGHT) * y / y_max,
        )

    parts = [_axes(x_max, y_max, y_label, x_label)]
    for k, (label, ps) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        xy = [at(x, y) for x, y in ps]
        if len(xy) > 1:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in xy)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
            )
        for (x, y), (a, b) in zip(ps, xy, strict=True):
            parts.append(
                f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(label)}: {_num(y)} at {_num(x)}</title></circle>"
            )
    legend = "".join(
        f'<span class="key"><i style="background:{COLOURS[k % len(COLOURS)]}"></i>'
        f"{escape(label)}</span>"
        for k, (label, _) in enumerate(series)
    )
    return _figure(title, "".join(parts), legend)


def bar_chart(
    title: str, bars: Sequence[tuple[str, Mapping[str, float]]], y_label: str = ""
) -> str:
    """Stacked bars: one per label, each split into named parts (say, seconds per phase)."""
    if not bars:
        return (
            f'<figure class="chart"><figcaption>{escape(title)}: no data yet</figcaption></figure>'
        )
    names = list(dict.fromkeys(name for _, parts in bars for name in parts))
    y_max = max(max(sum(parts.values()) for _, parts in bars), 1e-9)
    step = (WIDTH - 1.5 * PAD) / len(bars)
    scale = (HEIGHT - 2.5 * PAD + PAD) / y_max
    out = [_axes(None, y_max, y_label, "")]
    for i, (label, parts) in enumerate(bars):
        x, y = PAD + i * step + step * 0.15, float(HEIGHT - PAD)
        for k, name in enumerate(names):
            h = parts.get(name, 0.0) * scale
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[k % len(COLOURS)]}"><title>{escape(label)} {escape(name)}: '
                f"{_num(parts.get(name, 0.0))}</title></rect>"
            )
        out.append(
            f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    legend = "".join(
        f'<span class="key"><i style="background:{COLOURS[k % len(COLOURS)]}"></i>'
        f"{escape(name)}</span>"
        for k, name in enumerate(names)
    )
    return _figure(title, "".join(out), legend)


def _axes(x_max: float | None, y_max: float, y_label: str, x_label: str) -> str:
    bottom, right = HEIGHT - PAD, WIDTH - PAD / 2
    out = [
        f'<line x1="{PAD}" y1="{bottom}" x2="{right}" y2="{bottom}" class="axis"/>',
        f'<line x1="{PAD}" y1="{PAD / 2}" x2="{PAD}" y2="{bottom}" class="axis"/>',
        f'<text x="{PAD - 4}" y="{bottom}" text-anchor="end">0</text>',
        f'<text x="{PAD - 4}" y="{PAD / 2 + 8}" text-anchor="end">{_num(y_max)}</text>',
    ]
    if x_max is not None:
        out.append(f'<text x="{right}" y="{bottom + 14}" text-anchor="end">{_num(x_max)}</text>')
    if y_label:
        out.append(f'<text x="{PAD + 6}" y="{PAD / 2 + 8}" class="muted">{escape(y_label)}</text>')
    if x_label:
        out.append(
            f'<text x="{(PAD + right) / 2}" y="{bottom + 28}" text-anchor="middle">'
            f"{escape(x_label)}</text>"
        )
    return "".join(out)


def _figure(title: str, body: str, legend: str) -> str:
    return (
        f'<figure class="chart"><svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">{body}</svg>'
        f"<figcaption>{escape(title)} {legend}</figcaption></figure>"
    )


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.3g}"


NODE_W, NODE_H, GAP_X, GAP_Y = 64, 26, 12, 46
PER_ROW = 14
"""The most boxes side by side; a wider layer continues on the next row."""


def invention_graph(uses: Mapping[str, Sequence[str]], href: str = "/library/{name}") -> str:
    """Inventions as boxes in layers by how deeply they build on one another (those that
    use no other invention at the top, a wide layer wrapped over several rows), an arrow
    from each to the ones it uses; each box links to ``href`` with its name filled in."""
    if not uses:
        return '<p class="muted">No inventions yet.</p>'
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            below = [u for u in uses.get(name, ()) if u in uses and u not in seen]
            depth[name] = 1 + max((depth_of(u, seen | {name}) for u in below), default=-1)
        return depth[name]

    layers: dict[int, list[str]] = {}
    for name in uses:
        layers.setdefault(depth_of(name), []).append(name)
    rows = [(names[i : i + PER_ROW], i > 0) for _, names in sorted(layers.items())
            for i in range(0, len(names), PER_ROW)]  # fmt: skip
    slot = NODE_W + GAP_X
    width = max(max(len(row) for row, _ in rows) * slot + GAP_X + slot / 2, 200)
    height = len(rows) * (NODE_H + GAP_Y) + GAP_Y - NODE_H
    where: dict[str, tuple[float, float]] = {}
    for r, (row, continued) in enumerate(rows):
        # a continued row sits half a box along, so that arrows pass between its boxes
        offset = (width - len(row) * slot + GAP_X) / 2 + (slot / 2 if continued else 0)
        for k, name in enumerate(row):
            where[name] = (offset + k * slot, GAP_Y / 2 + r * (NODE_H + GAP_Y))
    edges, nodes = [], []
    for name, used in uses.items():
        x, y = where[name]
        for u in used:
            if u in where:
                a, b = where[u]
                edges.append(
                    f'<line x1="{x + NODE_W / 2:.0f}" y1="{y:.0f}" x2="{a + NODE_W / 2:.0f}" '
                    f'y2="{b + NODE_H:.0f}" marker-end="url(#arrow)"/>'
                )
        link = escape(href.format(name=name))
        nodes.append(
            f'<a href="{link}" class="node" data-name="{escape(name)}">'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="5"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 5:.0f}" text-anchor="middle">'
            f"{escape(name)}</text></a>"
        )
    marker = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/>'
        "</marker></defs>"
    )
    return (
        f'<div class="graph"><svg width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="which invention uses '
        f'which">{marker}<g class="edges">{"".join(edges)}</g>{"".join(nodes)}</svg></div>'
    )
