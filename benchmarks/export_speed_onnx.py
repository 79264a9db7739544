"""Prediction speed of an exported ONNX graph against VectorProgram (numpy).

Usage: python benchmarks/export_speed_onnx.py [--seconds S] [--threads N]
For three fitted-size numeric programs over 3 columns (about 5, 15 and 40 nodes, constants
written in), the median latency of one call and the rows per second it gives, at batch 1
and batch 1000, for VectorProgram on the columns and for an onnxruntime session (CPU,
``--threads`` intra-op threads, default 1) on the rows. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
from functools import partial

import numpy as np
import onnxruntime as ort
from _timing import median_seconds

from metagrow.domains.numeric import VectorProgram
from metagrow.export._onnx import onnx_model
from metagrow.lang import parse

PROGRAMS = (
    "(lambda (lambda (lambda (add (mul 2.5 $2) -0.75))))",
    "(lambda (lambda (lambda (add (mul 1.3 (mul $2 $1)) (sub (sin (mul 0.8 $0))"
    " (div 0.5 (add $2 1.1)))))))",
    "(lambda (lambda (lambda (add (add (mul 1.3 (mul $2 $1)) (sub (sin (mul 0.8 $0))"
    " (div 0.5 (add (square $2) 1.1)))) (if (lt $1 0.2) (exp (neg (abs (mul 0.4 $0))))"
    " (add (tanh (sub $1 $2)) (mul (log (add (square $0) 1.0)) (max $1 (cube $2)))))))))",
)
ARITY = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    rng = np.random.default_rng(0)
    results = []
    for text in PROGRAMS:
        program = parse(text)
        vp = VectorProgram(program, ARITY)
        model = onnx_model(program, ARITY)
        session = ort.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        none = np.zeros(0)
        row: dict[str, object] = {"nodes": vp.complexity, "onnx_nodes": len(model.graph.node)}
        for batch in (1, 1000):
            X = rng.uniform(-3.0, 3.0, (batch, ARITY))
            columns = [X[:, j] for j in range(ARITY)]
            with np.errstate(all="ignore"):
                numpy_s = median_seconds(partial(vp, columns, none), args.seconds)
            onnx_s = median_seconds(partial(session.run, None, {"X": X}), args.seconds)
            for name, s in (("numpy", numpy_s), ("onnx", onnx_s)):
                row[f"{name}_b{batch}_us"] = round(s * 1e6, 2)
                row[f"{name}_b{batch}_rows_s"] = round(batch / s)
        results.append(row)
    print(json.dumps({"benchmark": "export_speed_onnx", "threads": args.threads,
                      "onnxruntime": ort.__version__, "programs": results}))  # fmt: skip


if __name__ == "__main__":
    main()
