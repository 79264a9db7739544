"""The exporter copies each top-level statement's text from lines split once per module:
the same text ``ast.get_source_segment`` gives (columns count UTF-8 bytes), decorators
included, for every statement of the modules it copies from."""

from __future__ import annotations

import ast

import pytest

from metagrow.export._source import _copied, _module, _text, source_lines

SOURCE = '''"""A module."""

WIDE = "αβγ"; NARROW = 1
@decorated
@twice(1)
class Box:
    size: int = 3


def far(a):
    """é\rè"""
    return (a +
            1)
'''


def _expected(source: str, stmt: ast.stmt) -> str:
    decorators = getattr(stmt, "decorator_list", [])
    if not decorators:
        return ast.get_source_segment(source, stmt) or ""
    lines = source.splitlines()[decorators[0].lineno - 1 : stmt.end_lineno]
    return "\n".join(line[stmt.col_offset :] for line in lines)


def test_statement_texts_match_ast_on_wide_characters_decorators_and_carriage_returns() -> None:
    tree = ast.parse(SOURCE)
    texts = [_text(source_lines(SOURCE), stmt) for stmt in tree.body]
    assert texts[2] == "NARROW = 1"  # after a string of two-byte characters on its line
    assert texts[3].startswith("@decorated\n@twice(1)\nclass Box:")
    assert texts[4].endswith("return (a +\n            1)")
    assert texts == [_expected(SOURCE, stmt) for stmt in tree.body]


@pytest.mark.parametrize(
    "name",
    [
        "metagrow.domains.grids._compose_table",
        "metagrow.domains.grids._compose_ops",
        "metagrow.domains.grids._objects",
        "metagrow.domains.lists._runtime",
    ],
)
def test_every_definition_of_a_copied_module_has_its_ast_text(name: str) -> None:
    found = _module(name)
    assert len(found.defines) > 10
    for bound, stmt in found.defines.items():
        assert _copied(name, bound)[0] == _expected(found.source, stmt), bound
