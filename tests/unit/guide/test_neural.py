"""The torch guide: encoder shapes, training lowers the loss, safetensors round trip,
determinism in fresh processes, and the guide contract."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from metagrow.domains.lists import ListsDomain
from metagrow.guide import GuideConfig, GuideData, load_guide, train_guide
from metagrow.guide._model import GridEncoder, ListEncoder, make_net
from metagrow.lang import Example, Expr, Task, build_grammar, parse_type
from metagrow.testing import check_guide

torch.set_num_threads(1)
TINY = GuideConfig(fantasies=10, fantasy_samples=1000, epochs=15, batch_tasks=8, embed=8,
                   hidden=16, max_tokens=24, learning_rate=1e-2, validation=0.0,
                   members=1)  # fmt: skip


class FakeGrid:
    """A value carrying colour cells, as ARC grids do."""

    def __init__(self, rows: list[list[int]]) -> None:
        self.cells = np.array(rows, dtype=np.uint8)


def test_encoders_give_one_feature_row_per_task(replays: list[tuple[Task, Expr]]) -> None:
    tasks = [t for t, _ in replays]
    enc = ListEncoder(8, 16, 24)
    batch = enc.encode(tasks)
    assert batch.data.shape == (sum(len(t.train) for t in tasks), 24)
    assert int(batch.lengths.max()) <= 24 and int(batch.lengths.min()) >= 2  # type: ignore[union-attr]
    assert enc(batch).shape == (len(tasks), 16)
    assert enc(batch.select(torch.tensor([2, 0]))).shape == (2, 16)
    grid_task = Task(
        "g", parse_type("grid -> grid"),
        (Example((FakeGrid([[1, 2], [3, 4]]),), FakeGrid([[4]])),
         Example((FakeGrid([[0] * 31] * 3),), FakeGrid([[5, 5, 5]]))),
    )  # fmt: skip
    grids = GridEncoder(8, 16, 24)
    gb = grids.encode([grid_task, grid_task])
    assert gb.data.shape == (4, 2, 30, 30)
    assert int(gb.data[0, 0, 1, 1]) == 5 and int(gb.data[0, 0, 2, 2]) == 0  # colour + 1; outside 0
    assert grids(gb).shape == (2, 16)
    with pytest.raises(ValueError, match="no guide encoder 'strings'"):
        make_net("strings", 5, 8, 16, 24, generator=torch.Generator())


def test_an_untrained_guide_is_the_library_and_training_lowers_the_loss(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    untrained = GuideConfig(fantasies=0, epochs=1, learning_rate=1e-9)
    zero = load_guide(train_guide("lists", g, replays, tasks, lists.limits(), untrained))
    spec = zero.spec_for(tasks[0], g)
    assert all(abs(w - g.productions[i].log_weight) < 1e-4 for i, (_, w) in enumerate(spec.weights))
    data = train_guide("lists", g, replays, tasks, lists.limits(), TINY)
    record = data.training
    assert record["replays"] == len(replays) and record["epochs"] == TINY.epochs
    assert record["loss_last"] < 0.85 * record["loss_first"]  # type: ignore[operator]
    guide = load_guide(data)
    sums = [dict(guide.spec_for(t, g).weights) for t in tasks]
    assert sums[0] != sums[1]  # conditioned on the task
    check_guide(guide, g, g, tasks)


def test_weights_round_trip_through_safetensors_bytes(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    data = train_guide("lists", g, replays, tasks, lists.limits(), TINY)
    again = GuideData(dict(data.architecture), bytes(data.weights), dict(data.training))
    a, b = load_guide(data), load_guide(again)
    assert [a.spec_for(t, g) for t in tasks] == [b.spec_for(t, g) for t in tasks]
    broken = GuideData({**data.architecture, "hidden": 32}, data.weights, data.training)
    with pytest.raises(ValueError, match="do not fit"):
        load_guide(broken)


_TRAIN_IN_A_FRESH_PROCESS = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
import torch
torch.set_num_threads(1)
from conftest import KNOWN, make_task
from dataclasses import replace
from test_neural import TINY
from metagrow.domains.lists import ListsDomain
from metagrow.guide import train_guide
d = ListsDomain()
replays = [make_task(r, s) for r, s in KNOWN]
config = replace(TINY, members=2)  # members train in forked processes
data = train_guide("lists", d.grammar(), replays, [t for t, _ in replays], d.limits(), config)
print(hashlib.sha256(data.weights).hexdigest(), data.training["members"][1]["loss_last"])
"""


def test_training_is_deterministic_across_fresh_processes() -> None:
    here = str(Path(__file__).parent)
    # one after the other: each forks two members, and the suite's timed tests run beside
    procs = [
        subprocess.run([sys.executable, "-c", _TRAIN_IN_A_FRESH_PROCESS, here],
                       capture_output=True, text=True, timeout=120)
        for _ in range(2)
    ]  # fmt: skip
    assert all(p.returncode == 0 for p in procs), procs[0].stderr
    runs = [p.stdout for p in procs]
    assert runs[0] == runs[1] and len(runs[0].split()) == 2


def test_training_depends_on_the_seed_only_never_on_torch_s_global_generator(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    tasks = [t for t, _ in replays]
    config = replace(TINY, epochs=3, dropout=0.3)
    weights = []
    for global_seed, seed in ((1, 0), (2, 0), (1, 1)):
        torch.manual_seed(global_seed)
        state = torch.get_rng_state()
        data = train_guide("lists", lists.grammar(), replays, tasks, lists.limits(),
                           replace(config, seed=seed))  # fmt: skip
        assert torch.equal(torch.get_rng_state(), state)
        weights.append(data.weights)
    assert weights[0] == weights[1] != weights[2]


def test_the_contextual_model_gives_each_slot_its_weights_and_starts_as_the_library(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    library = {p.label: p.log_weight for p in g.productions}
    untrained = GuideConfig(fantasies=0, epochs=1, learning_rate=1e-9)
    zero = load_guide(train_guide("lists", g, replays, tasks, lists.limits(), untrained))
    spec = zero.spec_for(tasks[0], g)
    assert ("", 0) in {(c.parent, c.argument) for c in spec.contexts}
    assert {("map", 0), ("map", 1), ("if", 2)} <= {(c.parent, c.argument) for c in spec.contexts}
    for c in spec.contexts:
        assert all(abs(w - library[name]) < 1e-4 for name, w in c.weights)
        assert abs(c.log_variable - g.log_variable) < 1e-4
    data = train_guide("lists", g, replays, tasks, lists.limits(), TINY)
    assert data.architecture["model"] == "contextual"
    trained = build_grammar(g, load_guide(data).spec_for(tasks[2], g))
    rows = list(trained.contextual.values())
    assert len(rows) == len(spec.contexts) and rows[0] != rows[1]  # slots differ


def test_a_unigram_guide_has_no_contexts_and_still_loads(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    data = train_guide("lists", g, replays, tasks, lists.limits(), replace(TINY, contextual=False))
    assert data.architecture["model"] == "unigram" and "contexts" not in data.architecture
    guide = load_guide(GuideData(dict(data.architecture), data.weights, data.training))
    assert all(not guide.spec_for(t, g).contexts for t in tasks)
    check_guide(guide, g, g, tasks)
    bad = GuideData({**data.architecture, "model": "contextual"}, data.weights, data.training)
    with pytest.raises(ValueError, match="list of contexts"):
        load_guide(bad)
