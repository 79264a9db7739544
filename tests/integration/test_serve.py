"""`metagrow serve`: a store's programs and models over HTTP, and the stored-program API it
stands on. Bad requests get a 4xx with a one-line reason, never a 500."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from metagrow import api
from metagrow.lang import parse_type
from metagrow.store import Store, StoreError

with warnings.catch_warnings():  # starlette's advice to move to httpx2
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

from stores import MODEL, commit, make_store, solution

from metagrow.api._serve import make_app, served_from


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("serve") / "store.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(make_app(served_from(db), max_inputs=50)) as c:
        yield c


def predict(client: TestClient, name: str, inputs: object) -> tuple[int, object]:
    r = client.post(f"/programs/{name}/predict", json={"inputs": inputs})
    return r.status_code, r.json()


def one_line(detail: object) -> str:
    assert isinstance(detail, dict) and set(detail) == {"detail"}, detail
    text = detail["detail"]
    assert isinstance(text, str) and "\n" not in text and "Error" not in text, text
    return text


# -- the stored-program API -----------------------------------------------------------------


def test_stored_program_is_the_newest_runs_with_its_library(db: Path) -> None:
    p = api.stored_program(db, "add-one-reversed")
    assert (p.name, p.domain.name, p.run_id, p.iteration) == ("add-one-reversed", "lists", 2, 0)
    assert (p.seconds, p.programs_tried) == (0.5, 120)
    assert p.text == "(lam (f0 (reverse $0)))"
    assert p.request == parse_type("list(int) -> list(int)")
    assert api.stored_program(db, "reverse").run_id == 2  # the newer run's, not `(lam $0)`
    assert api.stored_program(db, "sum").run_id == 1  # only the older run holds it


def test_stored_programs_one_per_task(db: Path) -> None:
    programs = api.stored_programs(db)
    assert [p.name for p in programs] == ["add-one-reversed", "first", "join", "reverse", "sum"]
    # (lam (lam (append $0 $1))) : list(t0) -> list(t0) -> list(t0), t0 read as int
    assert str(programs[2].request) == "list(int) -> list(int) -> list(int)"


def test_type_variables_are_real_in_the_numeric_domain_and_domains_are_built_in(
    tmp_path: Path,
) -> None:
    db = tmp_path / "other.db"
    with Store(db) as store:
        commit(store, store.start_run("numeric", {}), [solution("same", "(lam $0)")])
    assert str(api.stored_program(db, "same").request) == "real -> real"
    with Store(db) as store:
        commit(store, store.start_run("mine", {}), [solution("same", "(lam $0)")])
    with pytest.raises(StoreError, match=r"task 'same' \(run 2\).*'mine' is not a built-in"):
        api.stored_programs(db)


def test_missing_store_and_name_are_one_line(db: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"^no stored solution for task 'nope'; stored: "
                       r"add-one-reversed, first, join, reverse, sum$"):  # fmt: skip
        api.stored_program(db, "nope")
    with pytest.raises(StoreError, match="no such store"):
        api.stored_programs(tmp_path / "none.db")


# -- the HTTP app ---------------------------------------------------------------------------


def test_list_and_describe(client: TestClient) -> None:
    listing = client.get("/programs").json()["programs"]
    assert {p["name"]: (p["kind"], p["type"]) for p in listing} == {
        "add-one-reversed": ("program", "list(int) -> list(int)"),
        "first": ("program", "list(int) -> int"),
        "join": ("program", "list(int) -> list(int) -> list(int)"),
        "reverse": ("program", "list(int) -> list(int)"),
        "sum": ("program", "list(int) -> int"),
        "ratio": ("model", "row(a, b) -> number"),
    }
    one = client.get("/programs/add-one-reversed").json()
    assert one["program"] == "(lam (f0 (reverse $0)))"
    assert one["type"] == "list(int) -> list(int)"
    assert one["provenance"] == {"run": 2, "iteration": 0, "seconds": 0.5, "programs_tried": 120}
    assert client.get("/programs/ratio").json()["columns"] == ["a", "b"]
    assert client.get("/docs").status_code == 200
    assert "/programs/{name}/predict" in client.get("/openapi.json").json()["paths"]


def test_predict_answers_outputs_in_input_order(client: TestClient) -> None:
    inputs = [[1, 2, 3], [], [7], [5, -5, 0, 2]]
    status, body = predict(client, "add-one-reversed", inputs)
    assert status == 200
    assert body == {"outputs": [[4, 3, 2], [], [8], [3, 1, -4, 6]]}
    assert predict(client, "join", [[[1], [2, 3]], [[], []]]) == (200, {"outputs": [[2, 3, 1], []]})
    assert predict(client, "sum", []) == (200, {"outputs": []})


def test_unknown_name_is_404(client: TestClient) -> None:
    status, body = predict(client, "nope", [[1]])
    assert status == 404
    assert one_line(body).startswith("no program or model 'nope'; served: add-one-reversed")


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        (b'{"inputs": [[1, 2]', 400, "not valid JSON"),
        (b"[1, 2]", 422, '{"inputs": [input, ...]}'),
        (b'{"inputs": 3}', 422, "'inputs' must be a list"),
        (b'{"inputs": [], "extra": 1}', 422, "unknown field 'extra'"),
        (b'{"inputs": [[1, "a"]]}', 422, "inputs[0]: expected an int, got 'a'"),
        (b'{"inputs": [[1], 5]}', 422, "inputs[1]: expected a list, got 5"),
        (b'{"inputs": [[1], [true]]}', 422, "inputs[1]: expected an int, got True"),
        (json.dumps({"inputs": [[1]] * 51}).encode(), 422, "51 inputs; send at most 50"),
    ],
)
def test_bad_requests_get_a_one_line_4xx(
    client: TestClient, body: bytes, status: int, needle: str
) -> None:
    r = client.post(
        "/programs/reverse/predict", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == status, r.text
    assert needle in one_line(r.json())


def test_arguments_and_content_type(client: TestClient) -> None:
    status, body = predict(client, "join", [[1, 2]])
    assert status == 422
    assert "inputs[0][0]: expected a list, got 1" in one_line(body)
    status, body = predict(client, "join", [[[1]]])
    assert status == 422
    assert "takes 2 arguments" in one_line(body)
    r = client.post("/programs/reverse/predict", content=b'{"inputs": [[1]]}')
    assert r.status_code == 415
    assert "Content-Type: application/json" in one_line(r.json())
    r = client.post("/programs/reverse/predict", content=b"x" * (2 << 20))
    assert r.status_code == 413


def test_a_failing_input_says_which_and_why(client: TestClient) -> None:
    status, body = predict(client, "first", [[3], [], [4]])
    assert status == 422
    assert one_line(body) == "inputs[1]: the program failed: head of an empty list"
    assert predict(client, "first", [[3], [4]]) == (200, {"outputs": [3, 4]})


def test_runs_are_bounded_by_the_domain_limits_and_the_request_time(
    client: TestClient, db: Path
) -> None:
    start = time.perf_counter()
    status, body = predict(client, "add-one-reversed", [[1], list(range(60_000))])
    assert time.perf_counter() - start < 2.0
    assert status == 422
    assert one_line(body).startswith("inputs[1]: the program failed: ")
    assert "limit reached" in one_line(body) or "too large" in one_line(body)
    with TestClient(make_app(served_from(db), request_seconds=0.01)) as hurried:
        status, body = predict(hurried, "add-one-reversed", [list(range(1_000))] * 200)
    assert status == 422
    assert "ran out of time at inputs[" in one_line(body)


def test_a_model_predicts_rows(client: TestClient) -> None:
    status, body = predict(client, "ratio", [{"a": 3, "b": 2}, [1, 4], {"b": 1, "a": 0, "y": 9}])
    assert (status, body) == (200, {"outputs": [2.0, 0.5, 1.0]})
    for row, needle in [
        ({"a": 1}, "inputs[0]: no column 'b'"),
        ([1], "a list of 2 numbers"),
        ({"a": "x", "b": 1}, "column 'a' is not a number"),
        ({"a": 1, "b": 0}, "inputs[0]: the model's program fails on this row"),
    ]:
        status, body = predict(client, "ratio", [row])
        assert status == 422
        assert needle in one_line(body)


def test_a_name_both_task_and_model_is_refused(tmp_path: Path) -> None:
    db = make_store(tmp_path / "clash.db")
    with Store(db) as store:
        store.save_model("sum", MODEL)
    with pytest.raises(StoreError, match="'sum' is both a task and a model"):
        served_from(db)


# -- the command ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _post(port: int, path: str, body: bytes) -> tuple[int, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", path, body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_metagrow_serve_answers_over_http(db: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "metagrow", "serve", "--store", str(db), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.communicate()
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            try:
                answer = _post(port, "/programs/reverse/predict", b'{"inputs": [[1, 2], [3]]}')
                break
            except OSError:
                time.sleep(0.1)
        assert answer == (200, {"outputs": [[2, 1], [3]]})
        assert _post(port, "/programs/reverse/predict", b"{")[0] == 400
    finally:
        os.killpg(server.pid, signal.SIGINT)
        out, err = server.communicate(timeout=15)
    assert "serving 5 program(s) and 1 model(s)" in out
    assert "Traceback" not in err


def test_serve_errors_are_one_line(db: Path, tmp_path: Path) -> None:
    def serve(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
        script = (
            f"import sys\n{code}\nfrom metagrow.cli import main\nsys.argv = {list(args)}\nmain()"
        )
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip

    missing = serve("metagrow", "serve", "--store", str(tmp_path / "none.db"))
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines() == [
        f"metagrow: error: {tmp_path / 'none.db'}: no such store; create one with "
        f"`metagrow learn --store {tmp_path / 'none.db'}`"
    ]
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        busy = serve("metagrow", "serve", "--store", str(db), "--port", port)
    assert busy.returncode == 2
    assert busy.stderr.strip() == (
        f"metagrow: error: cannot listen on 127.0.0.1:{port} (Address already in use); "
        "pick another --port or --host"
    )
    no_extra = serve("metagrow", "serve", "--store", "x.db", code="sys.modules['fastapi'] = None")
    assert no_extra.returncode == 2
    assert no_extra.stderr.strip() == (
        "metagrow: error: metagrow serve needs the serve extra: pip install 'metagrow[serve]'"
    )
    helped = serve("metagrow", "--help", code="import atexit\natexit.register(lambda: "
                   "print('fastapi' in sys.modules, file=sys.stderr))")  # fmt: skip
    assert helped.returncode == 0
    assert helped.stderr.strip() == "False"


def test_programs_with_modules_serve_tensors_and_read_no_files(tmp_path: Path) -> None:
    """A perception run whose program uses a trained module: nested-list inputs are
    answered as the interpreter answers them; a ``{"file": ...}`` input is refused."""
    from metagrow.domains import Tensor
    from metagrow.fit import MLPSpec, Module, ModuleFunction
    from metagrow.learning import module_record

    module = Module("m", parse_type("tensor[4] -> int"), MLPSpec(4, (8,), 4))
    module = module.with_net(module.build(0))
    db = tmp_path / "p.db"
    with Store(db) as store:
        run = store.start_run("perception", {"suite": "p"})
        store.commit_iteration(
            run, 0, metrics={}, inventions=[], production_weights={"m": 0.0},
            log_variable=0.0, solutions=[solution("sum_m", "(lam (sum (map (lam (m $0)) $0)))")],
            budgets={}, tasks_seen=["sum_m"], modules=[module_record(module, {}, {})],
        )  # fmt: skip
    vectors = [[0.1, 0.9, 0.3, 0.2], [0.8, 0.1, 0.0, 0.4], [0.2, 0.2, 0.7, 0.1]]
    want = sum(int(ModuleFunction(module)(Tensor(v))) for v in vectors)  # type: ignore[call-overload]
    with TestClient(make_app(served_from(db))) as c:
        assert predict(c, "sum_m", [vectors, []]) == (200, {"outputs": [want, 0]})
        code, body = predict(c, "sum_m", [[{"file": "/etc/passwd"}]])
        assert code == 422 and "the server reads no files" in one_line(body)
