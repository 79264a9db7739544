"""Dream-sleep training: maximise the likelihood of replayed and fantasised programs under
the task-conditioned grammar (DreamCoder's recognition objective).

Choice points are computed once per program; each epoch then is tensor work: per task,
the model's weight changes are added to the library's log-weights, and every choice point
contributes ``-log softmax`` of its chosen production over the productions that could
have filled that hole.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Sequence

import torch

from metagrow.guide._base import GuideConfig, GuideData
from metagrow.guide._choices import VARIABLE, ChoicePoint, choice_points
from metagrow.guide._fantasy import dream
from metagrow.guide._model import GuideNet, make_net
from metagrow.guide._neural import NeuralGuide, architecture
from metagrow.lang import Expr, Grammar, Limits, Task


def train(
    encoder: str,
    grammar: Grammar,
    replays: Sequence[tuple[Task, Expr]],
    tasks: Sequence[Task],
    limits: Limits,
    config: GuideConfig,
) -> GuideData:
    """Train a guide for ``grammar`` on ``replays`` (solved tasks and their programs) and
    on fantasies drawn on the inputs of ``tasks``; deterministic for ``config.seed``."""
    started = time.perf_counter()
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    fantasies = dream(
        grammar, tasks, limits, rng, config.fantasies, config.fantasy_samples,
        config.fantasy_seconds, config.fantasy_depth,
    )  # fmt: skip
    dreamt = time.perf_counter()
    scored: list[tuple[Task, list[ChoicePoint]]] = []
    for task, program in [*replays, *((f.task, f.program) for f in fantasies)]:
        points = choice_points(program, task.request, grammar)
        if points:
            scored.append((task, points))
    arch = architecture(encoder, grammar, config.embed, config.hidden, config.max_tokens)
    outputs = len(grammar.productions) + 1
    net = make_net(encoder, outputs, config.embed, config.hidden, config.max_tokens)
    record: dict[str, object] = {
        "seed": config.seed,
        "replays": len(replays),
        "fantasies": len(fantasies),
        "programs": len(scored),
        "choice_points": sum(len(p) for _, p in scored),
        "fantasy_seconds": round(dreamt - started, 2),
    }
    losses = _fit(net, grammar, scored, config, started) if scored else []
    record.update(
        epochs=len(losses),
        loss_first=round(losses[0], 4) if losses else None,
        loss_last=round(losses[-1], 4) if losses else None,
        seconds=round(time.perf_counter() - started, 2),
    )
    return NeuralGuide(net, arch, record).data()


def _fit(
    net: GuideNet,
    grammar: Grammar,
    scored: Sequence[tuple[Task, list[ChoicePoint]]],
    config: GuideConfig,
    started: float,
) -> list[float]:
    """Adam on the mean negative log-likelihood per program; the loss of each epoch."""
    width = len(grammar.productions) + 1
    prior = torch.tensor([p.log_weight for p in grammar.productions] + [grammar.log_variable])
    offsets, chosen, counts = _tensors(scored, width)
    sizes = [int(c) for c in counts]
    starts = [0, *itertools.accumulate(sizes)][:-1]
    enc = net.encoder.encode([t for t, _ in scored])
    optimiser = torch.optim.Adam(net.parameters(), lr=config.learning_rate)
    generator = torch.Generator().manual_seed(config.seed)
    losses: list[float] = []
    net.train()
    for _ in range(config.epochs):
        if time.perf_counter() - started > config.max_seconds:
            break
        order = torch.randperm(len(scored), generator=generator)
        total = 0.0
        for b in range(0, len(scored), config.batch_tasks):
            batch = order[b : b + config.batch_tasks]
            rows = torch.cat(
                [torch.arange(starts[i], starts[i] + sizes[i]) for i in batch.tolist()]
            )
            owner = torch.repeat_interleave(torch.arange(len(batch)), counts[batch])
            weights = prior + net(enc.select(batch))
            logits = weights[owner] + offsets[rows]
            picked = logits.gather(1, chosen[rows].unsqueeze(1)).squeeze(1)
            loss = (torch.logsumexp(logits, 1) - picked).sum() / len(batch)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(batch)
        losses.append(total / len(scored))
    net.eval()
    return losses


def _tensors(
    scored: Sequence[tuple[Task, list[ChoicePoint]]], width: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per choice point: a row that is 0 on candidate productions, ``-log k`` on the
    variables' column when ``k`` variables fit, ``-inf`` elsewhere; the chosen column;
    and the number of choice points of each program."""
    points = [p for _, ps in scored for p in ps]
    offsets = torch.full((len(points), width), -math.inf)
    chosen = torch.empty(len(points), dtype=torch.long)
    for r, point in enumerate(points):
        offsets[r, list(point.candidates)] = 0.0
        if point.variables:
            offsets[r, width - 1] = -math.log(point.variables)
        chosen[r] = width - 1 if point.chosen == VARIABLE else point.chosen
    counts = torch.tensor([len(ps) for _, ps in scored], dtype=torch.long)
    return offsets, chosen, counts
