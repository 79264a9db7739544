"""Every backend passes the backend contract."""

from __future__ import annotations

from metagrow.domains.lists import ListsDomain
from metagrow.lang import Example, Task, parse_type
from metagrow.search import BottomUpEnumerator, Budget, ProcessPoolBackend, SerialBackend, SolveJob
from metagrow.testing import check_backend


def test_the_serial_backend_passes_the_contract() -> None:
    check_backend(SerialBackend)


def test_the_process_pool_backend_passes_the_contract() -> None:
    check_backend(lambda: ProcessPoolBackend(2))


class _Forgetful(ListsDomain):
    """The lists domain, counting the times it is told to forget."""

    def __init__(self) -> None:
        super().__init__()
        self.forgotten = 0

    def forget(self) -> None:
        self.forgotten += 1


def test_the_serial_backend_tidies_between_tasks_outside_their_time() -> None:
    domain = _Forgetful()
    tasks = [
        Task(f"t{k}", parse_type("list(int) -> list(int)"),
             (Example(((1, 2, k),), (k, 2, 1)),), (Example(((3, k),), (k, 3)),))
        for k in range(3)
    ]  # fmt: skip
    job = SolveJob(domain, BottomUpEnumerator(), Budget(0.5), attempts=1)
    outcomes = SerialBackend().run(job, tasks)
    next(outcomes)
    assert domain.forgotten == 0
    rest = list(outcomes)
    assert len(rest) == 2 and domain.forgotten == 2
