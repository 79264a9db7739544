"""Ensembles: members trained side by side on their own dreams; the guide is their mean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from test_neural import TINY

from metagrow.domains.lists import ListsDomain
from metagrow.guide import GuideData, load_guide, train_guide
from metagrow.guide._neural import NeuralGuide
from metagrow.guide._parallel import MemberFailed, side_by_side
from metagrow.lang import Expr, Task
from metagrow.testing import check_guide

torch.set_num_threads(1)


def _deltas(data: GuideData, tasks: list[Task]) -> np.ndarray:
    guide = load_guide(data)
    assert isinstance(guide, NeuralGuide)
    return guide.deltas(tasks)


def test_an_ensemble_is_the_mean_of_its_members_trained_alone(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    config = replace(TINY, fantasies=20, validation=0.25, seed=3)
    both = train_guide("lists", g, replays, tasks, lists.limits(), replace(config, members=2))
    assert both.architecture["members"] == 2 and "scale" not in both.architecture
    records = both.training["members"]
    assert isinstance(records, list) and [r["seed"] for r in records] == [3, 4]
    assert both.training["fantasies"] == sum(r["fantasies"] for r in records) > 0
    alone = [
        train_guide("lists", g, replays, tasks, lists.limits(), replace(config, seed=s))
        for s in (3, 4)
    ]
    assert both.architecture["scales"] == [a.architecture["scale"] for a in alone]
    want = (_deltas(alone[0], tasks) + _deltas(alone[1], tasks)) / 2
    assert np.allclose(_deltas(both, tasks), want, atol=1e-6)
    assert not np.allclose(_deltas(alone[0], tasks), _deltas(alone[1], tasks))
    check_guide(load_guide(both), g, g, tasks)


def test_an_ensemble_round_trips_and_rejects_bad_scales(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    data = train_guide("lists", g, replays, tasks, lists.limits(), replace(TINY, members=2, seed=5))
    again = GuideData(dict(data.architecture), bytes(data.weights), dict(data.training))
    assert [load_guide(again).spec_for(t, g) for t in tasks] == [
        load_guide(data).spec_for(t, g) for t in tasks
    ]
    for bad in ({"scales": [1.0]}, {"scales": [1.0, "x"]}, {"members": 0}):
        with pytest.raises(ValueError, match=r"members|scales"):
            load_guide(GuideData({**data.architecture, **bad}, data.weights, data.training))
    with pytest.raises(ValueError, match="do not fit"):
        load_guide(GuideData({**data.architecture, "members": 3, "scales": [1.0] * 3},
                             data.weights, data.training))  # fmt: skip


def _square(x: int) -> int:
    return x * x


def _divide(x: int) -> float:
    return 1 / x


def _die(x: int) -> int:
    os._exit(3)


def test_side_by_side_keeps_order_and_reports_a_failing_member_in_one_line() -> None:
    assert side_by_side(_square, [3, 4, 5]) == [9, 16, 25]
    with pytest.raises(MemberFailed, match=r"^ensemble member 1 failed: ZeroDivisionError"):
        side_by_side(_divide, [1, 0])
    with pytest.raises(MemberFailed, match=r"^ensemble member 0 died \(exit code 3\)$"):
        side_by_side(_die, [1, 2])


_INTERRUPTED = """
import os, sys, time
from metagrow.guide._parallel import side_by_side

def nap(path):
    with open(path, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(60)
    return 0

side_by_side(nap, [sys.argv[1] + "/" + str(k) for k in range(int(sys.argv[2]))])
"""


def _interrupted_when(tmp_path: Path, members: int, started: int) -> None:
    """Ctrl-C to a parent of ``members`` napping members once ``started`` of them run: the
    parent stops at once with KeyboardInterrupt and leaves none of them running."""
    parent = subprocess.Popen([sys.executable, "-c", _INTERRUPTED, str(tmp_path), str(members)],
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while sum(1 for f in tmp_path.iterdir() if f.read_text()) < started:
        assert time.monotonic() < deadline, "the members never started"
        time.sleep(0.001)
    parent.send_signal(signal.SIGINT)
    _, err = parent.communicate(timeout=10)
    assert parent.returncode != 0 and "KeyboardInterrupt" in err
    time.sleep(0.2)  # a member forked as the parent stopped writes its pid meanwhile
    for pid in (int(f.read_text()) for f in tmp_path.iterdir() if f.read_text()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_ctrl_c_stops_the_members_with_their_parent(tmp_path: Path) -> None:
    _interrupted_when(tmp_path, members=2, started=2)


def test_ctrl_c_while_members_are_still_starting_leaves_none_running(tmp_path: Path) -> None:
    for attempt in range(5):  # each lands at another point of the forks
        (tmp_path / str(attempt)).mkdir()
        _interrupted_when(tmp_path / str(attempt), members=8, started=1)
