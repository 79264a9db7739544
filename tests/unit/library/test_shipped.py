"""Shipped libraries: the file round-trips, and a file that no longer matches the
domain's grammar is refused with one line saying how to rebuild it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metagrow.domains.grids import GridsDomain
from metagrow.domains.lists import ListsDomain
from metagrow.lang import Grammar, GrammarSpec, Invented, InventionSpec, build_grammar
from metagrow.library import (
    ShippedLibraryError,
    library_json,
    read_library,
    shipped_library,
    write_library,
)

BODY = "(lam (map (lam (+ (* $0 $0) 5)) (reverse (sort $0))))"
SPEC = GrammarSpec(
    weights=(("reverse", -1.5), ("f0", 1.0)),
    inventions=(InventionSpec("f0", BODY, 1.0), InventionSpec("f1", "(lam (f0 (f0 $0)))", -2.0)),
    log_variable=-0.5,
)


def _base() -> Grammar:
    return ListsDomain().grammar()


def test_a_written_library_reads_back_as_the_same_spec(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    write_library(path, "lists", _base(), SPEC, {"run": 1})
    assert read_library(path, "lists", _base()) == SPEC
    data = json.loads(path.read_text())
    assert data["base"]["reverse"] == "list(t0) -> list(t0)"
    assert data["inventions"][0]["type"] == "list(int) -> list(int)"
    grammar = build_grammar(_base(), read_library(path, "lists", _base()))
    assert [p.label for p in grammar.productions if isinstance(p.expr, Invented)] == ["f0", "f1"]


def _refusal(tmp_path: Path, change: dict[str, object], base: Grammar | None = None) -> str:
    data = library_json("lists", _base(), SPEC, {})
    data.update(change)
    path = tmp_path / "library.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ShippedLibraryError) as caught:
        read_library(path, "lists", base or _base())
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


def test_a_library_over_primitives_that_changed_is_refused_with_one_line(tmp_path: Path) -> None:
    base = json.loads(json.dumps(library_json("lists", _base(), SPEC, {})["base"]))
    retyped = _refusal(tmp_path, {"base": base | {"reverse": "list(int) -> list(int)"}})
    assert "primitive reverse is now list(t0) -> list(t0), was list(int) -> list(int)" in retyped
    assert "metagrow library ship" in retyped and "--no-library" in retyped
    gone = _refusal(tmp_path, {"base": base | {"frobnicate": "int"}})
    assert "primitive frobnicate is gone" in gone


def test_a_library_whose_invention_no_longer_types_is_refused(tmp_path: Path) -> None:
    inventions = [{"name": "f0", "type": "int -> int", "source": BODY, "log_weight": 0.0}]
    message = _refusal(tmp_path, {"inventions": inventions})
    assert "invention f0 is now list(int) -> list(int), was int -> int" in message
    broken = [{"name": "f0", "type": "int", "source": "(lam (nosuch $0))", "log_weight": 0.0}]
    assert "invention f0" in _refusal(tmp_path, {"inventions": broken})


def test_a_file_of_another_domain_or_format_is_refused(tmp_path: Path) -> None:
    assert "for domain 'grids'" in _refusal(tmp_path, {"domain": "grids"})
    assert "'format' is not" in _refusal(tmp_path, {"format": "something"})
    assert "this metagrow reads 1" in _refusal(tmp_path, {"version": 99})


def test_a_trained_module_ships_as_a_safetensors_file_beside_the_library(
    tmp_path: Path,
) -> None:
    torch = pytest.importorskip("torch")
    from metagrow.domains.perception import PerceptionDomain
    from metagrow.fit import MLPSpec, Module, ModuleFunction, module_primitive
    from metagrow.lang import INT, arrow, parse_type

    fresh = Module("net_a", arrow(parse_type("image[8,8]"), INT), MLPSpec(64, (8,), 10))
    module = fresh.with_net(fresh.build(3))
    base = PerceptionDomain().grammar()
    spec = GrammarSpec(
        inventions=(InventionSpec("f0", "(lam (+ (net_a $0) 1))", 0.5),),
        learned=(module_primitive(module),),
    )
    path = tmp_path / "library.json"
    write_library(path, "perception", base, spec, {})
    assert (tmp_path / "library.net_a.safetensors").read_bytes() == module.weights
    entry = json.loads(path.read_text())["modules"][0]
    assert (entry["name"], entry["type"]) == ("net_a", "image[8,8] -> int")
    back = read_library(path, "perception", base)
    assert back.inventions == spec.inventions
    value = back.learned[0].value
    assert isinstance(value, ModuleFunction) and value.module == module
    x = torch.rand(2, 64)
    assert torch.equal(value.module.build(0)(x), module.build(1)(x))
    (tmp_path / "library.net_a.safetensors").unlink()
    with pytest.raises(ShippedLibraryError, match="cannot read a module's weights"):
        read_library(path, "perception", base)


@pytest.mark.parametrize("domain", [GridsDomain(), ListsDomain()], ids=lambda d: d.name)
def test_each_shipped_library_matches_its_domain_grammar(domain: GridsDomain | ListsDomain) -> None:
    """The files in the source tree: rebuild one (docs/arc.md) when this fails. A domain
    whose file is absent (the grids domain: docs/arc.md, "A shipped library") ships none."""
    spec = shipped_library(domain)
    if not domain.library_file().is_file():
        assert spec is None
        return
    assert spec is not None and spec.inventions
    build_grammar(domain.grammar(), spec)
