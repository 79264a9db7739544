"""Values drawn by their type, never by a domain's name; plots and the graph as SVG."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image

from metagrow.lang import parse_type
from metagrow.ui._draw import pretty, value_html
from metagrow.ui._svg import bar_chart, invention_graph, line_chart


def test_a_grid_is_coloured_cells_and_differing_cells_are_marked() -> None:
    html = value_html([[0, 1], [2, 3]], parse_type("grid"), truth=[[0, 1], [2, 4]])
    assert re.findall(r'<td class="(c\d)( x)?"', html) == [
        ("c0", ""), ("c1", ""), ("c2", ""), ("c3", " x")
    ]  # fmt: skip
    assert 'data-differ="1"' in html and "2x2" in html
    other_shape = value_html([[0, 1]], parse_type("grid"), truth=[[0], [1]])
    assert " x" not in other_shape and "data-differ" not in other_shape


def test_the_same_value_is_text_unless_its_type_is_a_picture() -> None:
    rows = [[0, 1], [2, 3]]
    assert "<table" not in value_html(rows, parse_type("list(list(int))"))
    assert "[[0, 1], [2, 3]]" in value_html(rows, parse_type("list(list(int))"))
    assert 'class="swatch c7"' in value_html(7, parse_type("color"))
    assert "<code" in value_html(7, parse_type("int"))


def test_an_image_type_is_a_png_and_a_list_of_grids_a_row() -> None:
    html = value_html([[0.0, 1.0], [0.5, 0.25]], parse_type("image[2,2]"))
    data = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert data is not None
    image = Image.open(io.BytesIO(base64.b64decode(data.group(1))))
    assert image.size == (2, 2) and image.getpixel((1, 0)) == 255
    grids = value_html([[[1]], [[2]]], parse_type("list(grid)"))
    assert grids.count('<div class="item">') == 2 and grids.count("<table") == 2
    assert "<img" not in value_html("a", parse_type("image[2,2]"))  # not an array: text


def test_text_is_escaped_and_cut() -> None:
    assert "&lt;script&gt;" in value_html("<script>", parse_type("int"))
    assert len(value_html(list(range(1000)), parse_type("list(int)"))) < 500


def test_pretty_keeps_the_program_and_breaks_long_forms() -> None:
    short = "(lam (map (lam (+ $0 1)) $0))"
    assert pretty(short) == short
    long = "(lam (fold (lam (lam (if (gt? $1 $0) (cons $1 $0) #(lam (cdr $0))))) nil $0))"
    laid = pretty(long, width=30)
    assert len(laid.splitlines()) > 1 and max(map(len, laid.splitlines())) <= 40
    assert " ".join(laid.split()).replace("( ", "(") == long


def test_charts_and_graph_are_svg_with_links() -> None:
    assert "no data yet" in line_chart("loss", [])
    chart = line_chart("solved", [("solved", [(0, 1), (1, 3)])])
    assert chart.count("<circle") == 2 and "<polyline" in chart
    bars = bar_chart("time", [("0", {"search": 2.0, "guide": 1.0})])
    assert bars.count("<rect") == 2
    graph = invention_graph({"f0": (), "f1": ("f0",), "f2": ("f1", "f0")}, "/library/{name}")
    assert graph.count('class="node"') == 3 and graph.count("<line") == 3
    assert 'href="/library/f2"' in graph
    ys = {
        n: float(y)
        for n, y in re.findall(r'data-name="(\w+)"><rect x="[\d.]+" y="([\d.]+)"', graph)
    }
    assert ys["f0"] < ys["f1"] < ys["f2"]  # layered by how deeply each builds on others


class _Referenced:
    """An image whose JSON form is a reference (a row number), with its pixels at hand."""

    def features(self) -> list[float]:
        return [0.0, 0.5, 1.0, 0.25]


def test_an_image_given_by_reference_is_drawn_from_its_pixels() -> None:
    html = value_html(3, parse_type("image"), runtime=_Referenced())
    assert 'src="data:image/png;base64,' in html
    row = value_html([3, 4], parse_type("list(image)"), runtime=(_Referenced(), _Referenced()))
    assert row.count("<img") == 2
    assert "<img" not in value_html(3, parse_type("image"))  # no pixels: the reference
    assert "<img" not in value_html(3, parse_type("int"), runtime=_Referenced())  # by type only


def test_a_wide_layer_of_the_graph_wraps_onto_rows() -> None:
    graph = invention_graph({f"f{i}": () for i in range(30)})
    width = float(re.search(r'<svg width="([\d.]+)"', graph).group(1))  # type: ignore[union-attr]
    assert width < 1200
    assert len(set(re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', graph))) == 3  # 14 + 14 + 2
