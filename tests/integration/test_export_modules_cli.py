"""``metagrow export`` of programs that call trained modules: a stored solution of a
perception task, and program text naming the store's modules. The Python module runs
without metagrow (weights in an ``.npz`` beside it, or inline when small) and answers as
the interpreter does; the ONNX graph too, where it can say the program."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_run import metagrow
from stores import solution
from test_export_cli import run_exported

from metagrow.domains import Tensor
from metagrow.domains.perception import DIGIT_IMAGE
from metagrow.fit import MLPSpec, Module, module_primitive
from metagrow.lang import BOOL, INT, Grammar, Program, arrow, shaped
from metagrow.learning import module_record
from metagrow.store import Store

VECTOR = shaped("tensor", (3,))
SUM_DIGITS = "(lam (sum (map (lam (digit $0)) $0)))"


def _modules() -> tuple[Module, Module]:
    """``digit`` (an MLP of 2,410 weights: beside the module) and ``tiny`` (21: inline)."""
    made = []
    for name, t, spec, seed in (
        ("digit", arrow(DIGIT_IMAGE, INT), MLPSpec(64, (32,), 10), 0),
        ("tiny", arrow(VECTOR, BOOL), MLPSpec(3, (4,), 1), 1),
    ):
        module = Module(name, t, spec)
        made.append(module.with_net(module.build(seed)))
    return made[0], made[1]


def _interpreted(program: str, args: tuple[object, ...]) -> object:
    from metagrow.domains.perception import PerceptionDomain

    domain = PerceptionDomain()
    primitives = (*domain.grammar().primitives.values(), *map(module_primitive, _modules()))
    grammar = Grammar.uniform(primitives)
    return Program(grammar.parse(program), grammar.primitives).run(args, domain.limits())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A perception run whose library holds both modules, with a solution of
    ``sum_digits``."""
    db = tmp_path_factory.mktemp("store") / "perception.db"
    with Store(db) as s:
        run = s.start_run("perception", {"suite": "modules"})
        s.commit_iteration(
            run, 0, metrics={}, inventions=[], production_weights={"digit": 0.0, "tiny": 0.0},
            log_variable=0.0,
            solutions=[solution("sum_digits", SUM_DIGITS)], budgets={},
            tasks_seen=["sum_digits"],
            modules=[module_record(m, {}, {"task": "sum_digits"}) for m in _modules()],
        )  # fmt: skip
    return db


def _images(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    return [rng.random((8, 8), dtype=np.float32) for _ in range(n)]


def _task_file(folder: Path) -> Path:
    """A ``sum_digits`` task file: nested-list images, and one ``.npy`` file."""
    rng = np.random.default_rng(3)
    examples = []
    for n in (0, 1, 3, 4):
        images = _images(rng, n)
        want = _interpreted(SUM_DIGITS, (tuple(Tensor(a) for a in images),))
        examples.append({"input": [a.tolist() for a in images], "output": want})
    np.save(folder / "seven.npy", _images(rng, 1)[0])
    examples[1]["input"] = [{"file": "seven.npy"}]
    examples[1]["output"] = _interpreted(SUM_DIGITS, ((Tensor(np.load(folder / "seven.npy")),),))
    data = {"type": "list(image[8,8]) -> int", "train": examples[:3], "test": examples[3:]}
    path = folder / "sum_digits.json"
    path.write_text(json.dumps(data))
    return path


def test_a_stored_module_solution_exports_with_its_weights_beside_it(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sum_digits.py"
    task = _task_file(tmp_path)
    done = metagrow(
        "export", "--store", str(store), "--task", "sum_digits", "--examples", str(task),
        "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "weights are in sum_digits.npz beside it" in done.stderr
    assert out.with_suffix(".npz").is_file()
    assert "module_weights('digit')" in out.read_text()
    checked = run_exported(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "4 of 4 examples give the expected output" in checked.stdout

    rng = np.random.default_rng(11)
    inputs = [_images(rng, n) for n in (2, 5)]
    np.save(tmp_path / "three.npy", inputs[0][0])
    lines = [
        json.dumps([a.tolist() for a in inputs[0]]),
        json.dumps([a.tolist() for a in inputs[1]]),
        json.dumps([{"file": str(tmp_path / "three.npy")}, inputs[0][1].tolist()]),
        json.dumps([{"file": "seven.png"}]),
    ]
    answered = run_exported(out, "-", stdin="\n".join(lines) + "\n")
    got = [json.loads(line) for line in answered.stdout.splitlines()]
    want = [_interpreted(SUM_DIGITS, (tuple(Tensor(a) for a in xs),)) for xs in inputs]
    assert got[:3] == [want[0], want[1], want[0]]
    assert "not image files (they need Pillow" in got[3]["error"]

    out.with_suffix(".npz").unlink()
    missing = run_exported(out)
    assert missing.returncode != 0
    assert "sum_digits.npz: the weights of module 'digit' are missing" in missing.stderr


def test_program_text_naming_a_small_module_has_its_weights_inline(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tiny.py"
    done = metagrow(
        "export", "--program", "(lam (map (lam (tiny $0)) $0))", "--domain", "perception",
        "--store", str(store), "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not out.with_suffix(".npz").exists()
    rng = np.random.default_rng(2)
    vectors = [rng.normal(size=3).astype(np.float32) for _ in range(6)]
    answered = run_exported(out, "-", stdin=json.dumps([v.tolist() for v in vectors]) + "\n")
    assert answered.returncode == 0, answered.stderr
    want = _interpreted("(lam (map (lam (tiny $0)) $0))", (tuple(Tensor(v) for v in vectors),))
    assert json.loads(answered.stdout) == list(want)  # type: ignore[call-overload]


def test_onnx_of_a_module_program_answers_as_the_interpreter(store: Path, tmp_path: Path) -> None:
    import onnxruntime as ort

    out = tmp_path / "sum_digits.onnx"
    done = metagrow(
        "export", "--store", str(store), "--task", "sum_digits", "--to", "onnx", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(4)
    for length in (0, 1, 7):
        batch = [_images(rng, length) for _ in range(6)]
        x = np.asarray(batch, dtype=np.float32).reshape(6, length, 8, 8)
        got = session.run(["y"], {"x": x})[0].tolist()
        want = [_interpreted(SUM_DIGITS, (tuple(Tensor(a) for a in xs),)) for xs in batch]
        assert got == want


FOLD_DIGITS = "(lam (fold (map (lam (digit $0)) $0) 0 (lam (lam (+ $0 $1)))))"


def test_onnx_of_a_fold_over_module_outputs_answers_as_the_interpreter(
    store: Path, tmp_path: Path
) -> None:
    import onnx
    import onnxruntime as ort

    out = tmp_path / "fold.onnx"
    done = metagrow(
        "export", "--program", FOLD_DIGITS, "--domain", "perception", "--store", str(store),
        "--to", "onnx", "-o", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Loop" in {n.op_type for n in onnx.load(str(out)).graph.node}
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(6)
    for length in (0, 1, 3, 6):
        batch = [_images(rng, length) for _ in range(5)]
        x = np.asarray(batch, dtype=np.float32).reshape(5, length, 8, 8)
        got = session.run(["y"], {"x": x})[0].tolist()
        want = [_interpreted(FOLD_DIGITS, (tuple(Tensor(a) for a in xs),)) for xs in batch]
        assert got == want
        assert length < 3 or len(set(got)) > 1  # the rows differ: the batch is followed


def test_a_module_program_onnx_cannot_say_gets_one_line(store: Path, tmp_path: Path) -> None:
    done = metagrow(
        "export", "--program", "(lam (max (map (lam (digit $0)) $0)))",
        "--domain", "perception", "--store", str(store), "--to", "onnx",
        "-o", str(tmp_path / "max.onnx"),
    )  # fmt: skip
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot export to ONNX: primitive 'max' has no ONNX form" in lines[0]
    assert not (tmp_path / "max.onnx").exists()
