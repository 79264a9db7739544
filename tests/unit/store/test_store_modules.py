"""Trained modules round-trip through a real SQLite store: weights as safetensors bytes,
type, architecture, training record and provenance; the store itself needs no torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from metagrow.bench import module_from_record, module_record
from metagrow.domains.digits import IMAGE
from metagrow.fit import MLPSpec, Module
from metagrow.lang import INT, arrow
from metagrow.store import ModuleRecord, Store


def trained_module(name: str, seed: int) -> Module:
    fresh = Module(name, arrow(IMAGE, INT), MLPSpec(64, (8,), 10))
    return fresh.with_net(fresh.build(seed))


def test_a_module_survives_reopening_the_file_with_identical_outputs(tmp_path: Path) -> None:
    module = trained_module("net_a", 3)
    record = module_record(module, {"epochs": 4, "loss": 0.5}, {"task": "a", "parent": None})
    with Store(tmp_path / "m.db") as store:
        store.put_module(record)
    with Store(tmp_path / "m.db") as store:
        assert store.modules() == [record]
        loaded = store.module("net_a")
        assert store.module("missing") is None
    assert loaded is not None and loaded.training == {"epochs": 4, "loss": 0.5}
    again = module_from_record(loaded)
    assert again == module
    x = torch.rand(2, 64)
    assert torch.equal(again.build(0)(x), module.build(99)(x))


def test_names_are_unique_unless_replacing_and_order_is_kept(tmp_path: Path) -> None:
    first = module_record(trained_module("net_a", 1), {}, {})
    second = module_record(trained_module("net_b", 2), {}, {})
    newer = module_record(trained_module("net_a", 3), {"v": 2}, {})
    with Store(tmp_path / "m.db") as store:
        store.put_module(first)
        store.put_module(second)
        with pytest.raises(ValueError, match="already stored"):
            store.put_module(newer)
        assert store.module("net_a") == first
        store.put_module(newer, replace=True)
        assert store.module("net_a") == newer
        assert {r.name for r in store.modules()} == {"net_a", "net_b"}


def test_bad_records_are_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="safetensors bytes"):
        ModuleRecord("m", "image -> int", {}, b"", {}, {})
    with pytest.raises(ValueError, match="untrained"):
        module_record(Module("m", arrow(IMAGE, INT), MLPSpec(64, (8,), 10)), {}, {})
    bad = ModuleRecord("m", "image -> int", {}, b"x", {"loss": float("nan")}, {})
    with Store(tmp_path / "m.db") as store:
        with pytest.raises(ValueError, match="JSON"):
            store.put_module(bad)
        assert store.modules() == []


def test_the_store_does_not_import_torch() -> None:
    code = "import sys, metagrow.store; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
