"""Ray on Spark, on one machine: a local Spark standalone master and worker start Ray worker
nodes (``ray.util.spark``), and ``bench lists`` and ``learn`` run on them with
``--backend ray``. Run by hand; not part of ``make test``.

Usage: python benchmarks/ray_on_spark.py [--workers 2] [--limit 10]
Needs Java 17+ (Debian: ``apt-get install default-jre-headless``), the ray extra and
pyspark (``pip install 'metagrow[ray]' pyspark``). Checks that the Ray head (on the Spark
driver, given no CPUs) ran no task, that every bench task ran on a Ray node Spark started,
and that ``learn`` at a program budget grows the library the process pool grows. Stops
Spark and Ray at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import metagrow

SRC = str(Path(metagrow.__file__).resolve().parents[1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spark_class(*args: str, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    import pyspark

    script = Path(pyspark.__file__).parent / "bin" / "spark-class"
    with log.open("wb") as out:
        return subprocess.Popen([str(script), *args], stdout=out, stderr=out, env=env)


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise SystemExit(f"nothing listens on port {port} after {seconds:.0f} s")


def metagrow_cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "metagrow", *args], env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"metagrow {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def learned(stdout: str) -> list[str]:
    lines = [line for line in stdout.splitlines() if line.startswith(("iteration", "  "))]
    return [re.sub(r", \d+ s;", ";", line) for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="Ray worker nodes (1 CPU each)")
    parser.add_argument("--limit", type=int, default=10, help="tasks for bench and learn")
    args = parser.parse_args()

    import ray
    from pyspark.sql import SparkSession
    from ray.util.spark import setup_ray_cluster, shutdown_ray_cluster

    path = os.environ.get("PYTHONPATH")
    env = {
        **os.environ,
        "PYTHONPATH": SRC if not path else f"{SRC}{os.pathsep}{path}",
        "PYSPARK_PYTHON": sys.executable,
        "RAY_AUTH_MODE": "disabled",
        # Ray on Spark runs the `ray` script found on PATH: this Python's
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("RAY_ADDRESS", None)
    shared = ("PYTHONPATH", "PYSPARK_PYTHON", "RAY_AUTH_MODE", "PATH")
    os.environ.update({k: env[k] for k in shared})
    work = Path(tempfile.mkdtemp(prefix="spark-"))
    port = free_port()
    master_url = f"spark://127.0.0.1:{port}"
    started = time.perf_counter()
    master = spark_class("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                         "--port", str(port), "--webui-port", str(free_port()),
                         log=work / "master.log", env=env)  # fmt: skip
    worker = None
    try:
        wait_for(port)
        worker = spark_class("org.apache.spark.deploy.worker.Worker", master_url,
                             "--host", "127.0.0.1", "--cores", str(args.workers),
                             "--memory", f"{2 * args.workers}g", "--webui-port", str(free_port()),
                             "--work-dir", str(work / "worker"),
                             log=work / "worker.log", env=env)  # fmt: skip
        spark = (
            SparkSession.builder.master(master_url)
            .appName("metagrow-ray-on-spark")
            .config("spark.task.cpus", "1")
            .config("spark.executor.cores", str(args.workers))
            .config("spark.executor.memory", "1g")
            .config("spark.executorEnv.PYTHONPATH", env["PYTHONPATH"])
            .config("spark.executorEnv.RAY_AUTH_MODE", "disabled")
            .config("spark.executorEnv.PATH", env["PATH"])
            .getOrCreate()
        )
        print(f"spark: master {master_url}, worker of {args.workers} cores "
              f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
        address, _ = setup_ray_cluster(
            max_worker_nodes=args.workers, min_worker_nodes=args.workers,
            num_cpus_worker_node=1, num_gpus_worker_node=0, num_cpus_head_node=0,
            ray_temp_root_dir=str(work / "ray"),
        )  # fmt: skip
        ray.init(address=address, log_to_driver=False, logging_level="WARNING")
        deadline = time.monotonic() + 120
        while ray.cluster_resources().get("CPU", 0) < args.workers:
            if time.monotonic() > deadline:
                raise SystemExit(f"Ray on Spark has {ray.cluster_resources()} after 120 s")
            time.sleep(1)
        spark_nodes = {n["NodeID"] for n in ray.nodes() if n["Alive"] and n["Resources"].get("CPU")}
        print(f"ray on spark: head {address}, {len(spark_nodes)} worker nodes started by Spark "
              f"({time.perf_counter() - started:.0f} s since start)", flush=True)  # fmt: skip

        out = work / "bench.json"
        metagrow_cli("bench", "lists", "--split", "train", "--limit", str(args.limit),
                     "--budget", "1", "--backend", "ray", "--ray-address", address,
                     "--json", str(out), env=env)  # fmt: skip
        report = json.loads(out.read_text())
        nodes = {t["node"] for t in report["tasks"]}
        errors = report["totals"]["errors"]
        print(f"bench lists: {len(report['tasks'])} tasks, {errors} errors, solved "
              f"{report['totals']['solved']}, wall {report['wall_seconds']} s, on "
              f"{len(nodes)} nodes, all started by Spark: {nodes <= spark_nodes}")  # fmt: skip

        common = ["learn", "--split", "train", "--limit", str(args.limit), "--iterations", "1",
                  "--budget", "5", "--programs", "20000", "--no-guide"]  # fmt: skip
        start = time.perf_counter()
        on_spark = metagrow_cli(*common, "--backend", "ray", "--ray-address", address,
                                "--store", str(work / "spark.db"), env=env)  # fmt: skip
        took = time.perf_counter() - start
        on_pool = metagrow_cli(*common, "--jobs", "2", "--store", str(work / "pool.db"), env=env)
        same = learned(on_spark) == learned(on_pool)
        print(f"learn on Ray on Spark ({took:.0f} s):")
        print("\n".join(learned(on_spark)))
        print(f"same library as the process pool: {same}")
        ok = errors == 0 and nodes <= spark_nodes and len(nodes) == args.workers and same
        ray.shutdown()
        shutdown_ray_cluster()
        spark.stop()
    finally:
        for proc in (worker, master):
            if proc is not None:
                proc.terminate()
                proc.wait(30)
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    print("OK" if ok else f"FAILED (Spark and Ray logs in {work})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
