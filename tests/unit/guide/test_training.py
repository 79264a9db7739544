"""Guide training refinements: early stopping on held-out programs restores the best
weights, the validated output scale (0 is the library), hand-made list features, and the
config checks."""

from __future__ import annotations

import time

import pytest
import torch

from metagrow.domains.lists import ListsDomain
from metagrow.guide import GuideConfig, GuideData, choice_points, load_guide, train_guide
from metagrow.guide._features import LIST_FEATURES, list_features
from metagrow.guide._model import ListEncoder, make_net
from metagrow.guide._train import _Fit, _held_out
from metagrow.lang import Example, Expr, Task, parse_type

torch.set_num_threads(1)
SMALL = GuideConfig(fantasies=0, epochs=30, batch_tasks=4, embed=8, hidden=16, max_tokens=24,
                    learning_rate=5e-2, validation=0.34, patience=3, members=1)  # fmt: skip


def _scored(lists: ListsDomain, replays: list[tuple[Task, Expr]]) -> list[tuple[Task, list, float]]:  # type: ignore[type-arg]
    g = lists.grammar()
    out = []
    for task, program in replays * 2:
        points = choice_points(program, task.request, g)
        assert points
        out.append((task, points, 1.0))
    return out


def test_early_stopping_restores_the_weights_best_on_held_out_programs(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    scored = _scored(lists, replays)
    import random

    held = _held_out(scored, SMALL.validation, random.Random(0))
    assert held and len(held) < len(scored)
    net = make_net(
        "lists", len(lists.grammar().productions) + 1, 8, 16, 24,
        generator=torch.Generator().manual_seed(0),
    )  # fmt: skip
    fit = _Fit(net, lists.grammar(), scored, held, SMALL, time.perf_counter())
    assert fit.best_loss is not None and fit.best_epoch is not None
    assert min(fit.held_losses) == pytest.approx(fit.best_loss, abs=1e-4)
    assert fit.held_losses[fit.best_epoch] == min(fit.held_losses)
    assert len(fit.held_losses) - 1 - fit.best_epoch <= SMALL.patience  # stopped by patience
    # the model left behind is the best one, not the last one
    held_t = torch.tensor(held)
    assert fit._held_losses(held_t)[0] == pytest.approx(fit.best_loss, abs=1e-4)
    assert fit.scale in {0.0, *SMALL.scales}
    # one pass scores every scale, as separate passes would
    together = fit._held_losses(held_t, (0.0, 0.5, 2.0))
    alone = [fit._held_losses(held_t, (s,))[0] for s in (0.0, 0.5, 2.0)]
    assert together == pytest.approx(alone, rel=1e-6)
    assert len(set(together)) == 3
    # what the cap keeps for the end: two held-out passes, as last measured
    assert fit.held_seconds is not None and fit.held_seconds > 0
    assert fit._reserve(held_t, 1, 1.0) == 2 * fit.held_seconds


def test_the_output_scale_is_recorded_and_zero_gives_back_the_library(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    g = lists.grammar()
    tasks = [t for t, _ in replays]
    config = GuideConfig(fantasies=0, epochs=5, embed=8, hidden=16, max_tokens=24,
                         validation=0.34, scales=(0.5, 1.0), features=True,
                         members=1)  # fmt: skip
    data = train_guide("lists", g, replays, tasks, lists.limits(), config)
    assert data.architecture["scale"] == data.training["scale"]
    assert data.training["scale"] in (0.0, 0.5, 1.0) and data.training["validation"] == 2
    assert data.architecture["features"] is True
    off = load_guide(GuideData({**data.architecture, "scale": 0.0}, data.weights, data.training))
    for task in tasks:
        weights = dict(off.spec_for(task, g).weights)
        assert all(abs(weights[p.name] - p.log_weight) < 1e-9 for p in g.productions)
    with pytest.raises(ValueError, match="must be a number"):
        load_guide(GuideData({**data.architecture, "scale": "x"}, data.weights, data.training))


def test_list_features_describe_how_outputs_relate_to_inputs() -> None:
    def task(request: str, pairs: list[tuple[tuple[int, ...], object]]) -> Task:
        examples = tuple(Example((xs,), out) for xs, out in pairs)
        return Task("t", parse_type(request), examples)

    sort = list_features(task("list(int) -> list(int)", [((3, 1, 2), (1, 2, 3)), ((5, 4), (4, 5))]))
    evens = list_features(task("list(int) -> list(int)", [((1, 2, 4), (2, 4)), ((6, 3), (6,))]))
    length = list_features(task("list(int) -> int", [((1, 2, 4), 3), ((6, 3), 2)]))
    assert len(sort) == len(evens) == len(length) == LIST_FEATURES
    assert all(-1.0 <= v <= 1.0 for v in sort + evens + length)
    assert sort[12] == 1.0 and sort[13] == 1.0 and evens[12] == 0.0  # permutation, sorted
    assert evens[15] == 1.0 and evens[9] == 1.0  # a subsequence, shorter
    assert length[1] == 1.0 and length[19] == 1.0 and sort[1] == 0.0  # int: the length
    batch = ListEncoder(8, 16, 24).encode([task("list(int) -> int", [((1,), 1)])])
    assert batch.features is not None and batch.features.shape == (1, LIST_FEATURES)


@pytest.mark.parametrize(
    "bad",
    [{"replay_weight": -1.0}, {"validation": 1.0}, {"scales": ()}, {"patience": 0},
     {"dropout": 1.0}, {"delta_l2": -0.1}, {"members": 0}],
)  # fmt: skip
def test_config_rejects_bad_refinements(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="guide config"):
        GuideConfig(**bad)  # type: ignore[arg-type]


def test_the_dream_is_scaled_to_the_suite() -> None:
    big, small = GuideConfig.for_tasks(102, seed=2), GuideConfig.for_tasks(3, seed=0)
    assert (big.seed, big.fantasies, big.fantasy_seconds) == (2, 30_000, 120.0)
    assert (small.fantasies, small.fantasy_seconds) == (900, 4.5)
    assert small.replay_weight == GuideConfig().replay_weight  # only the dream changes


def test_the_time_cap_ends_training_inside_an_epoch(
    lists: ListsDomain, replays: list[tuple[Task, Expr]]
) -> None:
    import dataclasses
    import random

    scored = _scored(lists, replays) * 80  # an epoch of single-program batches: seconds
    config = dataclasses.replace(SMALL, batch_tasks=1, epochs=50, max_seconds=1e-6)
    held = _held_out(scored, config.validation, random.Random(0))
    net = make_net(
        "lists", len(lists.grammar().productions) + 1, 8, 16, 24,
        generator=torch.Generator().manual_seed(0),
    )  # fmt: skip
    fit = _Fit(net, lists.grammar(), scored, held, config, time.perf_counter())
    assert fit.losses == []  # the cap passed while the programs were being encoded
    held_set = set(held)
    train = torch.tensor([i for i in range(len(scored)) if i not in held_set])
    begun = time.perf_counter()
    fit._run(train, torch.tensor(held), dataclasses.replace(config, max_seconds=0.3), begun)
    took = time.perf_counter() - begun
    assert len(fit.losses) == 1 and fit.best_epoch == 0
    assert took < 1.5, f"{len(train)} steps went on {took:.2f} s under a 0.3 s cap"
