"""The backend contract, as executable checks (they raise ``AssertionError``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import final

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Grammar, Task, parse_type
from metagrow.search import (
    Backend,
    BottomUpEnumerator,
    Budget,
    Engine,
    Progress,
    SerialBackend,
    Solution,
    SolveJob,
)

BackendFactory = Callable[[], Backend]

_BROKEN = "broken-task"


@final
class _FailsOnOneTask(Engine):
    """Bottom-up search, except that the task named ``broken-task`` raises."""

    def search(
        self, task: Task, grammar: Grammar, budget: Budget, progress: Progress | None = None
    ) -> Iterator[Solution]:
        if task.name == _BROKEN:
            raise RuntimeError("this task breaks the engine")
        yield from BottomUpEnumerator().search(task, grammar, budget, progress)


def _tasks() -> list[Task]:
    xs = [(3, 1, 4), (1, 5, 9, 2), (6,), (5, 3, 5, 8)]
    rules: dict[str, tuple[str, Callable[[tuple[int, ...]], object]]] = {
        "sum": ("list(int) -> int", sum),
        "length": ("list(int) -> int", len),
        _BROKEN: ("list(int) -> int", max),
        "reverse": ("list(int) -> list(int)", lambda v: tuple(reversed(v))),
        "sort": ("list(int) -> list(int)", lambda v: tuple(sorted(v))),
    }
    return [
        Task(name, parse_type(t), tuple(Example((x,), f(x)) for x in xs))
        for name, (t, f) in rules.items()
    ]


def _job() -> SolveJob:
    domain = ListsDomain()
    budget = Budget(30, programs=20_000, run_limits=domain.limits())
    return SolveJob(domain, _FailsOnOneTask(), budget)


def check_backend_reports_every_task_once(make: BackendFactory) -> None:
    """Each task gives exactly one outcome, with its index and name; a task that raises
    becomes an outcome with a one-line error and the others still finish."""
    tasks = _tasks()
    outcomes = sorted(make().run(_job(), tasks), key=lambda o: o.index)
    assert [(o.index, o.task) for o in outcomes] == [(i, t.name) for i, t in enumerate(tasks)]
    for o in outcomes:
        if o.task == _BROKEN:
            assert o.result is None and o.error is not None and "\n" not in o.error, o.error
        else:
            assert o.error is None and o.result is not None and o.result.solved, o
            assert o.seconds >= 0


def check_backend_matches_serial(make: BackendFactory) -> None:
    """With a program-count budget, the same programs as the serial backend."""
    tasks = _tasks()

    def programs(backend: Backend) -> dict[str, str | None]:
        return {
            o.task: None if o.result is None or o.result.program is None else str(o.result.program)
            for o in backend.run(_job(), tasks)
        }

    assert programs(make()) == programs(SerialBackend()), "results differ from SerialBackend"


def check_backend_stops_when_closed(make: BackendFactory) -> None:
    """Closing the outcome iterator after the first outcome releases the backend, which
    can then run another job."""
    tasks = _tasks()
    run = make().run(_job(), tasks)
    first = next(run)
    assert first.task in {t.name for t in tasks}
    close = getattr(run, "close", None)
    if close is not None:
        close()
    again = list(make().run(_job(), tasks[:2]))
    assert len(again) == 2


def check_backend(make: BackendFactory) -> None:
    """Run every backend check."""
    check_backend_reports_every_task_once(make)
    check_backend_matches_serial(make)
    check_backend_stops_when_closed(make)
