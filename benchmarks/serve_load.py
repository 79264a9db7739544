"""Load test of ``metagrow serve``: predictions per second and latency under concurrent
clients, with a share of bad requests, on a store holding a small list program.

Usage: python benchmarks/serve_load.py [--requests 10000] [--clients 16] [--bad 0.2]
       [--workers 1] [--http h11|httptools] [--loop asyncio|uvloop] [--max-seconds 120]

Starts the server on a free localhost port in a subprocess (``metagrow serve``, or uvicorn
itself on the same app when ``--http``/``--loop`` are given), sends ``--requests`` POSTs to
``/programs/NAME/predict`` from ``--clients`` threads (each with one kept-alive
connection, one input a request), a ``--bad`` share of them bad in four ways in equal
parts (malformed JSON, an input of the wrong type, an unknown name, an input the program
fails on), checks every answer, then stops the server. Prints one JSON line: throughput
(good predictions per second), p50/p99 latency in ms over all requests, and counts of
2xx/4xx/5xx answers and of wrong answers. Stops sending after ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from metagrow.store import SolutionRecord, Store

PROGRAM = ("add-one-reversed", "(lam (map (lam (+ $0 1)) (reverse $0)))")
FAILING = ("first", "(lam (head $0))")


def make_store(path: Path) -> None:
    """A store with one run of the lists domain holding the two programs."""
    with Store(path) as store:
        run = store.start_run("lists", {"benchmark": "serve_load"})
        solutions = [SolutionRecord(name, text, -5.0, 0.1, 100, 0) for name, text in
                     (PROGRAM, FAILING)]  # fmt: skip
        store.commit_iteration(
            run, 0, metrics={}, inventions=[], production_weights={}, log_variable=0.0,
            solutions=solutions, budgets={}, tasks_seen=[name for name, _ in (PROGRAM, FAILING)],
        )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(db: Path, port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = dict(os.environ, METAGROW_SERVE_STORE=str(db))
    if args.http == "auto" and args.loop == "auto":
        command = ["-m", "metagrow", "serve", "--store", str(db), "--port", str(port),
                   "--workers", str(args.workers)]  # fmt: skip
    else:
        command = ["-m", "uvicorn", "metagrow.api._serve:app_from_environment", "--factory",
                   "--port", str(port), "--workers", str(args.workers), "--http", args.http,
                   "--loop", args.loop, "--log-level", "warning", "--no-access-log"]  # fmt: skip
    return subprocess.Popen([sys.executable, *command], env=env, start_new_session=True)


def wait_ready(port: int, server: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/programs")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer within {seconds:g} s")


Request = tuple[str, bytes, int, object]
"""A path, a body, the status expected and (for a 2xx) the outputs expected."""


def requests(n: int, bad: float, seed: int) -> list[Request]:
    """``n`` requests, a ``bad`` share of them bad (four kinds in turn), shuffled."""
    rng = random.Random(seed)
    good_path, failing_path = f"/programs/{PROGRAM[0]}/predict", f"/programs/{FAILING[0]}/predict"
    out: list[Request] = []
    for i in range(n):
        xs = [rng.randrange(-50, 50) for _ in range(rng.randrange(1, 12))]
        body = json.dumps({"inputs": [xs]}).encode()
        if i >= round(n * bad):
            out.append((good_path, body, 200, [[x + 1 for x in reversed(xs)]]))
            continue
        kind = i % 4
        if kind == 0:
            out.append((good_path, body[:-3], 400, None))
        elif kind == 1:
            out.append((good_path, json.dumps({"inputs": [[*xs, "x"]]}).encode(), 422, None))
        elif kind == 2:
            out.append(("/programs/no-such-program/predict", body, 404, None))
        else:
            out.append((failing_path, b'{"inputs": [[]]}', 422, None))
    rng.shuffle(out)
    return out


def load(port: int, work: list[Request], clients: int, max_seconds: float) -> dict[str, object]:
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"2xx": 0, "4xx": 0, "5xx": 0, "other": 0, "wrong": 0, "errors": 0, "predictions": 0}
    queue = iter(work)
    stop_at = time.perf_counter() + max_seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Content-Type": "application/json"}
        while time.perf_counter() < stop_at:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            path, body, expected, outputs = item
            start = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                with lock:
                    counts["errors"] += 1
                continue
            took = time.perf_counter() - start
            status = response.status
            if outputs is not None:
                right = status == expected and json.loads(data) == {"outputs": outputs}
            else:
                detail = json.loads(data).get("detail") if status >= 400 else None
                right = status == expected and isinstance(detail, str) and "\n" not in detail
            with lock:
                latencies.append(took)
                bucket = f"{status // 100}xx" if 2 <= status // 100 <= 5 else "other"
                counts[bucket if bucket in counts else "other"] += 1
                counts["wrong"] += not right
                counts["predictions"] += 1 if status == 200 and outputs is not None else 0
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    latencies.sort()

    def pct(q: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2)

    return {
        "requests": len(latencies) + counts["errors"],
        "seconds": round(elapsed, 2),
        "predictions_per_s": round(counts["predictions"] / elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50) if latencies else None,
        "p99_ms": pct(0.99) if latencies else None,
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--bad", type=float, default=0.2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--http", default="auto", help="uvicorn's --http (h11, httptools)")
    parser.add_argument("--loop", default="auto", help="uvicorn's --loop (asyncio, uvloop)")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "serve.db"
        make_store(db)
        port = free_port()
        server = start_server(db, port, args)
        try:
            wait_ready(port, server)
            work = requests(args.requests, args.bad, args.seed)
            figures = load(port, work, args.clients, args.max_seconds)
        finally:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    settings = {"workers": args.workers, "http": args.http, "loop": args.loop,
                "clients": args.clients, "bad": args.bad, "cores": os.cpu_count()}  # fmt: skip
    print(json.dumps({"benchmark": "serve_load", **settings, **figures}))


if __name__ == "__main__":
    main()
