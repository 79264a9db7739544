"""Exported module programs against the interpreter: a ``sum_digits`` program,
``(lam (sum (map (lam (digit $0)) $0)))``, whose ``digit`` is a module of the neural
engine's default size (an MLP 64-128-10, or a CNN with filters 8, 16 and 128 hidden
units), on lists of 5 random 8x8 images.

Usage: python benchmarks/export_modules_speed.py [--lists N] [--rounds R]
Times per list, best of R interleaved rounds, one thread everywhere: the interpreter
(``Program.run``; its module remembers answers by value, so each round starts with a
fresh module and every image is new to it), the exported module's ``run`` (numpy arrays
in) and ``predict`` (JSON nested lists in), onnxruntime on one list a call and on all N
lists in one call, and the same in torch (the module's network in evaluation mode, then
argmax and sum). Prints one JSON line per module.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

import numpy as np  # noqa: E402

from metagrow.domains import Tensor  # noqa: E402
from metagrow.domains.perception import DIGIT_IMAGE, PerceptionDomain  # noqa: E402
from metagrow.export import module_onnx_model, python_export, weights_path  # noqa: E402
from metagrow.fit import ConvSpec, MLPSpec, Module, module_primitive  # noqa: E402
from metagrow.lang import INT, Grammar, Program, arrow, tlist  # noqa: E402

PROGRAM = "(lam (sum (map (lam (digit $0)) $0)))"
DOMAIN = PerceptionDomain()


def grammar(module: Module) -> Grammar:
    """The perception grammar with a fresh primitive (and so an empty memo) of ``module``."""
    return Grammar.uniform((*DOMAIN.grammar().primitives.values(), module_primitive(module)))


def load(source: str, weights: bytes, where: Path, name: str) -> ModuleType:
    path = where / f"{name}.py"
    path.write_text(source)
    if weights:
        weights_path(path).write_bytes(weights)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(architecture: MLPSpec | ConvSpec, lists: int, rounds: int) -> dict[str, object]:
    import onnxruntime as ort
    import torch

    torch.set_num_threads(1)
    module = Module("digit", arrow(DIGIT_IMAGE, INT), architecture)
    module = module.with_net(module.build(0))
    request = arrow(tlist(DIGIT_IMAGE), INT)
    expr = grammar(module).parse(PROGRAM)
    rng = np.random.default_rng(0)
    arrays = [tuple(rng.random((8, 8), dtype=np.float32) for _ in range(5)) for _ in range(lists)]
    tensors = [(tuple(Tensor(a) for a in xs),) for xs in arrays]
    texts = [[a.tolist() for a in xs] for xs in arrays]
    done = python_export(expr, request, grammar(module), DOMAIN.limits(), codecs=DOMAIN.codecs())
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    graph = module_onnx_model(expr, request, grammar(module)).SerializeToString()
    session = ort.InferenceSession(graph, options, ["CPUExecutionProvider"])
    batch = np.asarray(arrays, dtype=np.float32)
    limits = DOMAIN.limits()
    with tempfile.TemporaryDirectory() as tmp:
        exported = load(done.source, done.weights, Path(tmp), "sum_digits")
        want = [Program(expr, grammar(module).primitives).run(t, limits) for t in tensors]
        assert [exported.run(exported.program, (xs,)) for xs in arrays] == want
        assert [exported.predict(t) for t in texts] == want
        assert session.run(["y"], {"x": batch})[0].tolist() == want
        best: dict[str, float] = {}

        def interpreter_cold() -> None:
            program = Program(expr, grammar(module).primitives)
            for t in tensors:
                program.run(t, limits)

        net = module.build(0)
        net.eval()
        flat = torch.from_numpy(batch.reshape(lists, 5, 64))

        def torch_one_list() -> list[int]:
            with torch.no_grad():
                return [int(net(flat[i]).argmax(1).sum()) for i in range(lists)]

        def torch_all_lists() -> list[int]:
            with torch.no_grad():
                return net(flat.reshape(-1, 64)).argmax(1).reshape(lists, 5).sum(1).tolist()

        assert torch_one_list() == want and torch_all_lists() == want
        warm = Program(expr, grammar(module).primitives)
        runners: dict[str, Callable[[], object]] = {
            "interpreter": interpreter_cold,
            "interpreter_remembered": lambda: [warm.run(t, limits) for t in tensors],
            "exported_run": lambda: [exported.run(exported.program, (xs,)) for xs in arrays],
            "exported_predict": lambda: [exported.predict(t) for t in texts],
            "onnx_one_list": lambda: [
                session.run(["y"], {"x": batch[i : i + 1]}) for i in range(lists)
            ],
            "onnx_all_lists": lambda: session.run(["y"], {"x": batch}),
            "torch_one_list": torch_one_list,
            "torch_all_lists": torch_all_lists,
        }
        for _ in range(rounds):
            for name, fn in runners.items():
                took = timed(fn) / lists * 1e6
                best[name] = min(best.get(name, took), took)
    kind = "cnn" if isinstance(architecture, ConvSpec) else "mlp"
    out: dict[str, object] = {
        "module": kind,
        "npz_bytes": len(done.weights),
        "us_per_list": {k: round(v, 1) for k, v in best.items()},
        "speedup_run": round(best["interpreter"] / best["exported_run"], 2),
        "speedup_predict": round(best["interpreter"] / best["exported_predict"], 2),
        "onnx_vs_torch_one_list": round(best["torch_one_list"] / best["onnx_one_list"], 2),
        "onnx_vs_torch_all_lists": round(best["torch_all_lists"] / best["onnx_all_lists"], 2),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for architecture in (MLPSpec(64, (128,), 10), ConvSpec(8, 8, 1, (8, 16), (128,), 10)):
        print(json.dumps(measure(architecture, args.lists, args.rounds)), flush=True)


if __name__ == "__main__":
    main()
