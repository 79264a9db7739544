"""The Ray backend passes the backend contract on a local Ray, and confines a task that
crashes, hangs or allocates too much to that task, as the process pool does."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator

import numpy as np
import pytest

from metagrow.domains.lists import ListsDomain
from metagrow.estimators import ProgramRegressor
from metagrow.lang import Example, Grammar, Task, parse_type
from metagrow.search import (
    BottomUpEnumerator,
    Budget,
    Engine,
    Progress,
    RayBackend,
    RayExecutor,
    Solution,
    SolveJob,
)
from metagrow.testing import check_backend

ray = pytest.importorskip("ray", reason="the ray extra is not installed")


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    """One local Ray of two CPUs for the module, stopped at its end. Workers cannot import
    this test module, so the engine below travels by value."""
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="WARNING",
    )
    try:
        yield
    finally:
        ray.shutdown()


def test_the_ray_backend_passes_the_contract() -> None:
    check_backend(lambda: RayBackend(2))


class Misbehaving(Engine):
    """Bottom-up search, except for tasks named after a way to fail."""

    name = "misbehaving"

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        if task.name == "hang":
            time.sleep(30)
        if task.name == "hog":
            blob = bytearray(600 * 1024**2)
            del blob
        if task.name == "die" and not os.environ.get("METAGROW_TEST_SURVIVE"):
            os._exit(3)
        yield from BottomUpEnumerator().search(task, grammar, budget, progress)


def _task(name: str) -> Task:
    xs = [(3, 1, 4), (1, 5, 9, 2), (6,)]
    return Task(name, parse_type("list(int) -> int"), tuple(Example((x,), sum(x)) for x in xs))


def test_a_task_that_hangs_crashes_or_hogs_memory_costs_only_itself() -> None:
    domain = ListsDomain()
    job = SolveJob(
        domain,
        Misbehaving(),
        Budget(1.0, programs=20_000, run_limits=domain.limits(), memory_mb=100),
    )
    tasks = [_task(n) for n in ("sum", "hang", "hog", "die", "sum-again")]
    start = time.perf_counter()
    outcomes = {o.task: o for o in RayBackend(2, retries=1, grace=0.5).run(job, tasks)}
    assert time.perf_counter() - start < 25
    assert set(outcomes) == {t.name for t in tasks}
    for name in ("sum", "sum-again"):
        assert outcomes[name].error is None and outcomes[name].result is not None
        assert outcomes[name].result.solved
        assert outcomes[name].node == ray.get_runtime_context().get_node_id()
    assert "exceeded" in (outcomes["hang"].error or ""), outcomes["hang"]
    assert outcomes["hog"].error == "MemoryError", outcomes["hog"]
    assert "died" in (outcomes["die"].error or ""), outcomes["die"]


def test_islands_on_ray_give_the_model_of_the_pool() -> None:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 12))
    y = X @ rng.normal(size=12) + 0.1 * rng.normal(size=150)
    fits = [
        ProgramRegressor(max_evaluations=400, n_jobs=2, backend=b, random_state=4).fit(X, y)
        for b in ("pool", "ray")
    ]
    assert fits[0].to_dict()["programs"] == fits[1].to_dict()["programs"]
    assert fits[1].score(X, y) > 0.99


def test_the_ray_executor_runs_calls_and_reports_their_errors() -> None:
    with RayExecutor() as pool:
        assert pool.submit(math.factorial, 10).result() == 3_628_800
        failed = pool.submit(math.sqrt, -1.0)
        with pytest.raises(ValueError, match="math domain error"):
            failed.result()
