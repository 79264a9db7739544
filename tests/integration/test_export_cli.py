"""``metagrow export --to python``: the module it writes runs without metagrow, replays
its examples, and answers as the interpreter does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import metagrow
from stores import make_store

EXAMPLES = Path(__file__).parents[2] / "src/metagrow/domains/lists/examples"

_WITHOUT_METAGROW = """
import importlib.abc, runpy, sys
class NoMetagrow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "metagrow" or name.startswith("metagrow."):
            raise ImportError("metagrow is not importable here")
        return None
sys.meta_path.insert(0, NoMetagrow())
for name in [m for m in sys.modules if m == "metagrow" or m.startswith("metagrow.")]:
    del sys.modules[name]
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_exported(path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python PATH ARGS`` in a Python where importing metagrow fails."""
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_METAGROW, str(path), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_exported_program_replays_its_task_without_metagrow(tmp_path: Path) -> None:
    out = tmp_path / "double.py"
    done = metagrow(
        "export",
        "--program",
        "(lam (map (lam (* $0 2)) $0))",
        "--examples",
        str(EXAMPLES / "double-each.json"),
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "replays its 7 example(s)" in done.stderr
    checked = run_exported(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "7 of 7 examples give the expected output" in checked.stdout
    answered = run_exported(out, "-", stdin='[1, 2, 3]\n[]\n"oops"\n')
    lines = [json.loads(line) for line in answered.stdout.splitlines()]
    assert lines[:2] == [[2, 4, 6], []]
    assert "expected a list" in lines[2]["error"]
    assert answered.returncode == 1


def test_a_wrong_program_fails_its_self_check(tmp_path: Path) -> None:
    out = tmp_path / "wrong.py"
    args = ["--examples", str(EXAMPLES / "double-each.json"), "-o", str(out)]
    assert metagrow("export", "--program", "(lam (map (lam (+ $0 2)) $0))", *args).returncode == 0
    checked = run_exported(out)
    assert checked.returncode == 1
    assert "example 0: expected [18, 16, 4], got [11, 10, 4]" in checked.stdout


def test_exported_numeric_and_recursive_programs_answer_as_run_does(tmp_path: Path) -> None:
    cases = [
        ("numeric", "(lam (lam (add (mul 1.5 $1) (sin $0))))", ["[2.0, 0.5]", "[-1, 3]"]),
        (
            "lists",
            "(lam (fix1 $0 (lam (lam (if (empty? $0) 0 (+ 1 ($1 (tail $0))))))))",
            ["[4, 5, 6]"],
        ),
        ("grids", "(lam (objects (overlay (flip_h $0) $0)))", ["[[1, 0, 2], [0, 0, 3]]"]),
    ]
    for domain, program, inputs in cases:
        out = tmp_path / f"{domain}.py"
        done = metagrow("export", "--program", program, "--domain", domain, "-o", str(out))
        assert done.returncode == 0, done.stderr
        answered = run_exported(out, "-", stdin="\n".join(inputs) + "\n")
        assert answered.returncode == 0, answered.stderr
        for given, line in zip(inputs, answered.stdout.splitlines(), strict=True):
            args = json.loads(given)
            args = args if domain == "numeric" else [args]
            interpreted = metagrow("run", "--domain", domain, "--", program, *map(json.dumps, args))
            assert json.loads(line) == json.loads(interpreted.stdout), (program, given)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--program", "(lam $0)", "--to", "tflite"], "unknown --to 'tflite'"),
        ([], "give one of --program, --task, --model or --library"),
        (["--task", "double-each"], "--task needs --store"),
        (["--program", "(lam $0)", "--to", "onnx"], "give it with -o"),
        (["--model", "no-such-model.json", "--to", "onnx", "-o", "m.onnx"], "no such file"),
        (["--model", "no-such-model.json"], "no such file"),
        (["--program", "(lam (+ $0 1))", "--type", "list(int) -> int"], "not --type"),
        (["--program", "(lam (map"], "program ends before a closing ')'"),
        (
            ["--program", "(lam $0)", "--type", "digit -> digit", "--domain", "digits"],
            "no plain-Python form",
        ),
        (["--program", "(lam $0)", "--examples", "missing.json"], "cannot export"),
    ],
)
def test_bad_exports_get_one_line(args: list[str], message: str) -> None:
    done = metagrow("export", *args)
    assert done.returncode == 2
    assert message in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_a_stored_solution_exports_with_its_inventions_and_suite_examples(tmp_path: Path) -> None:
    db = make_store(tmp_path / "store.db")
    out = tmp_path / "stored.py"
    done = metagrow("export", "--store", str(db), "--task", "add-one-reversed", "-o", str(out))
    assert done.returncode == 0, done.stderr
    source = out.read_text()
    assert "def lib_f0(v0):" in source
    answered = run_exported(out, "-", stdin="[1, 2, 3]\n")
    assert json.loads(answered.stdout) == [4, 3, 2]
    missing = metagrow("export", "--store", str(db), "--task", "nope")
    assert missing.returncode == 2
    assert "no stored solution for task 'nope'" in missing.stderr


def test_onnx_exports_of_a_program_and_a_fitted_model_run_in_onnxruntime(tmp_path: Path) -> None:
    import numpy as np
    import onnxruntime

    program = tmp_path / "program.onnx"
    text = "(lam (lam (add (mul 1.5 $1) (sin $0))))"
    done = metagrow(
        "export", "--program", text, "--domain", "numeric", "--to", "onnx", "-o", str(program)
    )
    assert done.returncode == 0, done.stderr
    session = onnxruntime.InferenceSession(str(program), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"X": np.array([[2.0, 0.5], [-1.0, 3.0]])})
    assert np.allclose(y, [3.0 + np.sin(0.5), -1.5 + np.sin(3.0)], rtol=1e-12)
    db = make_store(tmp_path / "store.db")
    model = tmp_path / "model.onnx"
    done = metagrow(
        "export", "--store", str(db), "--model", "ratio", "--to", "onnx", "-o", str(model)
    )
    assert done.returncode == 0, done.stderr
    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"X": np.array([[3.0, 2.0], [1.0, 4.0]])})
    assert np.allclose(y, [2.0, 0.5])  # (a + 1) / b
    refused = metagrow(
        "export", "--program", "(lam (reverse $0))", "--to", "onnx", "-o", str(model)
    )
    assert refused.returncode == 2
    assert "has no ONNX form" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_a_fitted_model_exports_as_python_that_checks_itself_and_predicts_a_csv(
    tmp_path: Path,
) -> None:
    from stores import MODEL

    model, module, data = tmp_path / "model.json", tmp_path / "m.py", tmp_path / "rows.csv"
    model.write_text(json.dumps(MODEL))
    done = metagrow("export", "--model", str(model), "--to", "python", "-o", str(module))
    assert done.returncode == 0, done.stderr
    checked = run_exported(module)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "5 of 5 rows give the expected prediction" in checked.stdout
    data.write_text("b,a\n2.0,3.0\n0.0,1.0\n-0.5,1e300\n")
    ours = run_exported(module, str(data))
    assert ours.returncode == 0, ours.stderr
    theirs = metagrow("predict", str(model), str(data))
    assert ours.stdout.splitlines() == theirs.stdout.splitlines()[1:] == ["2.0", "inf", "-2e+300"]
    data.write_text("a,b\n1,2\n3,n/a\n")  # both read a file alike: one line for a gap
    ours, theirs = run_exported(module, str(data)), metagrow("predict", str(model), str(data))
    assert ours.returncode == theirs.returncode == 2
    assert ours.stderr.strip().endswith("row 2 (line 3): missing value; fill or drop the row")
    assert theirs.stderr.strip().endswith("row 2 (line 3): missing value; fill or drop the row")


def test_a_stored_library_exports_as_named_functions(tmp_path: Path) -> None:
    db = make_store(tmp_path / "store.db")
    out = tmp_path / "library.py"
    done = metagrow("export", "--store", str(db), "--library", "-o", str(out))
    assert done.returncode == 0, done.stderr
    script = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import library; "
    script += "print(library.call('f0', (1, 2, 3)), library.TYPES['f0'])"
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert ran.stdout.strip() == "(2, 3, 4) list(int) -> list(int)", ran.stderr
    bare = metagrow("export", "--library")
    assert bare.returncode == 2
    assert "--library needs --store" in bare.stderr
