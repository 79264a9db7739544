"""A real two-node Ray cluster on this machine: a head node and a second node started with
``ray start`` (separate processes, temp dirs and resources). ``bench lists`` and ``learn``
run across both with ``--backend ray``; the second node's busy workers are killed mid-run,
and still every task completes and ``learn`` grows the library the process pool grows.

At the end the cluster's own processes are killed (those naming its temp dirs or port,
and their children), not with ``ray stop``, which would also stop the local Ray another
test module may be using at the same time (``pytest -n 2``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import metagrow

pytest.importorskip("ray", reason="the ray extra is not installed")

RAY = str(Path(sys.executable).with_name("ray"))
SRC = str(Path(metagrow.__file__).resolve().parents[1])


@dataclass(frozen=True)
class Cluster:
    address: str
    second_dir: str  # the second node's temp dir, which its raylet's command line names
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ray(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([RAY, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    head_dir = tempfile.mkdtemp(prefix="rh-", dir="/tmp")  # short: Unix socket paths
    second_dir = tempfile.mkdtemp(prefix="rs-", dir="/tmp")
    path = os.environ.get("PYTHONPATH")
    env = {
        **os.environ,
        "PYTHONPATH": SRC if not path else f"{SRC}{os.pathsep}{path}",
        "RAY_AUTH_MODE": "disabled",
    }
    env.pop("RAY_ADDRESS", None)
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = ["--node-ip-address=127.0.0.1", "--num-cpus=1", "--disable-usage-stats"]
    try:
        _ray(env, "start", "--head", f"--port={port}", *common, '--resources={"head": 1}',
             f"--temp-dir={head_dir}", "--include-dashboard=false",
             f"--dashboard-agent-listen-port={_free_port()}",
             f"--ray-client-server-port={_free_port()}")  # fmt: skip
        _ray(env, "start", f"--address={address}", *common, '--resources={"second": 1}',
             f"--temp-dir={second_dir}",
             f"--dashboard-agent-listen-port={_free_port()}")  # fmt: skip
        yield Cluster(address, second_dir, env)
    finally:
        _stop(head_dir, second_dir, f":{port} ")
        assert not _processes(head_dir, second_dir, f":{port} "), "Ray processes left running"
        shutil.rmtree(head_dir, ignore_errors=True)
        shutil.rmtree(second_dir, ignore_errors=True)


def _parents() -> dict[int, int]:
    """Every process's parent, by process id."""
    parents = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
            except OSError:
                continue
            parents[int(p.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _processes(*marks: str) -> set[int]:
    """The processes whose command line holds one of ``marks``, and their descendants."""
    parents = _parents()
    found = {p for p in parents if any(m in _cmdline(p) for m in marks)}
    found.discard(os.getpid())
    grew = True
    while grew:
        children = {p for p, parent in parents.items() if parent in found} - found
        found |= children
        grew = bool(children)
    return found


def _stop(*marks: str) -> None:
    """SIGKILL the cluster's processes until none is left (for up to 20 s)."""
    deadline = time.monotonic() + 20
    while (pids := _processes(*marks)) and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _busy_workers(temp_dir: str) -> list[int]:
    """The worker processes of the node whose raylet runs in ``temp_dir`` that are
    solving a task right now (Ray retitles a worker after the function it runs)."""
    parents = _parents()
    raylets = {p for p in parents if "raylet/raylet" in _cmdline(p) and temp_dir in _cmdline(p)}
    return [
        p for p, parent in parents.items()
        if parent in raylets and _cmdline(p).startswith("ray::_solve")
    ]  # fmt: skip


class Killer(threading.Thread):
    """Kills the second node's busy workers the first time it sees them (a few rounds,
    so that retried tasks lose their worker again)."""

    def __init__(self, temp_dir: str, rounds: int = 2) -> None:
        super().__init__(daemon=True)
        self.temp_dir, self.rounds, self.killed = temp_dir, rounds, 0
        self.stop = threading.Event()

    def run(self) -> None:
        rounds = 0
        while rounds < self.rounds and not self.stop.wait(0.05):
            busy = _busy_workers(self.temp_dir)
            for pid in busy:
                try:
                    os.kill(pid, signal.SIGKILL)
                    self.killed += 1
                except ProcessLookupError:
                    pass
            if busy:
                rounds += 1
                self.stop.wait(0.5)


def _metagrow(cluster: Cluster, *args: str, kill: bool = False) -> tuple[str, int]:
    """Run ``metagrow ARGS`` against the cluster (killing the second node's workers
    mid-run if ``kill``); its stdout and how many workers were killed."""
    killer = Killer(cluster.second_dir)
    if kill:
        killer.start()
    try:
        done = subprocess.run([sys.executable, "-m", "metagrow", *args], env=cluster.env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
    finally:
        killer.stop.set()
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, killer.killed


def test_the_two_node_cluster_loses_no_task_and_answers_as_the_pool(
    cluster: Cluster, tmp_path: Path
) -> None:
    """One test, so that ``pytest -n 2`` starts the cluster once rather than once per
    worker that runs a test of this module."""
    bench_runs_on_both_nodes_and_loses_no_task_to_killed_workers(cluster, tmp_path)
    learn_on_two_nodes_with_killed_workers_grows_the_pools_library(cluster, tmp_path)
    bench_regression_fits_on_the_cluster(cluster, tmp_path)


def bench_runs_on_both_nodes_and_loses_no_task_to_killed_workers(
    cluster: Cluster, tmp_path: Path
) -> None:
    out = tmp_path / "bench.json"
    _, killed = _metagrow(
        cluster, "bench", "lists", "--split", "train", "--limit", "10", "--budget", "1",
        "--backend", "ray", "--ray-address", cluster.address, "--json", str(out), kill=True,
    )  # fmt: skip
    assert killed >= 1, "no worker of the second node was seen busy"
    report = json.loads(out.read_text())
    assert report["jobs"] == 2  # the cluster's CPUs
    assert len(report["tasks"]) == 10 and report["totals"]["errors"] == 0
    assert len({t["node"] for t in report["tasks"]}) == 2, "tasks ran on one node only"


def _learned(stdout: str) -> list[str]:
    """What a learn run reports (its iterations and inventions) without timings; not the
    notes Ray prints about the workers it lost."""
    lines = [line for line in stdout.splitlines() if line.startswith(("iteration", "  "))]
    return [re.sub(r", \d+ s;", ";", line) for line in lines]


def learn_on_two_nodes_with_killed_workers_grows_the_pools_library(
    cluster: Cluster, tmp_path: Path
) -> None:
    common = ["learn", "--split", "train", "--limit", "10", "--iterations", "1",
              "--budget", "5", "--programs", "20000", "--no-guide"]  # fmt: skip
    on_ray, killed = _metagrow(
        cluster, *common, "--backend", "ray", "--ray-address", cluster.address,
        "--store", str(tmp_path / "ray.db"), kill=True,
    )  # fmt: skip
    assert killed >= 1, "no worker of the second node was seen busy"
    on_pool, _ = _metagrow(cluster, *common, "--jobs", "2", "--store", str(tmp_path / "pool.db"))
    assert "new inventions: f0" in on_pool
    assert _learned(on_ray) == _learned(on_pool)


def bench_regression_fits_on_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    out = tmp_path / "regression.json"
    _metagrow(
        cluster, "bench", "regression", "--suite", "formulas", "--limit", "2", "--budget", "1",
        "--systems", "metagrow,linear", "--jobs", "2", "--backend", "ray",
        "--ray-address", cluster.address, "--json", str(out),
    )  # fmt: skip
    records = json.loads(out.read_text())["tasks"]
    assert len(records) == 4 and all(r["error"] is None for r in records), records
