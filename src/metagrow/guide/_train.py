"""Dream-sleep training: maximise the likelihood of replayed and fantasised programs under
the task-conditioned grammar (DreamCoder's recognition objective).

Choice points are computed once per program; each epoch then is tensor work: per task,
the model's weight changes (for the hole's slot, in the contextual model) are added to the
library's log-weights, and every choice point contributes ``-log softmax`` of its chosen
production over the productions that could have filled that hole. A seeded share of the
programs is held out for early stopping and for choosing how far to trust the model (its
output ``scale``; 0 is the library).
"""

from __future__ import annotations

import copy
import itertools
import math
import random
import time
from collections.abc import Sequence
from dataclasses import replace

import torch

from metagrow.guide._base import GuideConfig, GuideData
from metagrow.guide._choices import VARIABLE, ChoicePoint, choice_points
from metagrow.guide._fantasy import dream
from metagrow.guide._model import GuideNet, make_net
from metagrow.guide._neural import NeuralGuide, architecture, ensemble, model_slots
from metagrow.guide._parallel import side_by_side
from metagrow.lang import Expr, Grammar, Limits, Slot, Task


def train(
    encoder: str,
    grammar: Grammar,
    replays: Sequence[tuple[Task, Expr]],
    tasks: Sequence[Task],
    limits: Limits,
    config: GuideConfig,
) -> GuideData:
    """Train a guide for ``grammar`` on ``replays`` (solved tasks and their programs) and
    on fantasies drawn on the inputs of ``tasks``; deterministic for ``config.seed``.

    With ``config.members > 1`` each member trains on its own dream (seeds ``seed``,
    ``seed + 1``, ...), in forked processes side by side where the platform forks, and
    the guide is their ensemble."""
    started = time.perf_counter()
    seeds = [config.seed + k for k in range(config.members)]
    if len(seeds) == 1:
        return _member(encoder, grammar, replays, tasks, limits, config)
    members = side_by_side(
        lambda seed: _member(encoder, grammar, replays, tasks, limits, replace(config, seed=seed)),
        seeds,
    )
    return ensemble(members, round(time.perf_counter() - started, 2))


def _member(
    encoder: str,
    grammar: Grammar,
    replays: Sequence[tuple[Task, Expr]],
    tasks: Sequence[Task],
    limits: Limits,
    config: GuideConfig,
) -> GuideData:
    """One model trained with ``config.seed``: its own dream, held-out split and fit."""
    started = time.perf_counter()
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    fantasies = dream(
        grammar, tasks, limits, rng, config.fantasies, config.fantasy_samples,
        config.fantasy_seconds, config.fantasy_depth,
    )  # fmt: skip
    dreamt = time.perf_counter()
    scored: list[tuple[Task, list[ChoicePoint], float]] = []
    programs = [(t, p, config.replay_weight) for t, p in replays]
    programs += [(f.task, f.program, 1.0) for f in fantasies]
    for task, program, weight in programs:
        points = choice_points(program, task.request, grammar)
        if points:
            scored.append((task, points, weight))
    held = _held_out(scored, config.validation, rng)
    outputs = len(grammar.productions) + 1
    slots = model_slots(grammar) if config.contextual else None
    net = make_net(
        encoder, outputs, config.embed, config.hidden, config.max_tokens, config.features,
        config.dropout, len(slots or ()), generator=torch.Generator().manual_seed(config.seed),
    )  # fmt: skip
    record: dict[str, object] = {
        "seed": config.seed,
        "replays": len(replays),
        "fantasies": len(fantasies),
        "programs": len(scored),
        "validation": len(held),
        "choice_points": sum(len(p) for _, p, _ in scored),
        "fantasy_seconds": round(dreamt - started, 2),
    }
    fit = _Fit(net, grammar, scored, held, config, started, slots or ()) if scored else None
    losses = fit.losses if fit else []
    scale = fit.scale if fit else 1.0
    record.update(
        epochs=len(losses),
        best_epoch=fit.best_epoch if fit else None,
        validation_loss=fit.best_loss if fit else None,
        scale=scale,
        loss_first=round(losses[0], 4) if losses else None,
        loss_last=round(losses[-1], 4) if losses else None,
        seconds=round(time.perf_counter() - started, 2),
    )
    arch = architecture(
        encoder, grammar, config.embed, config.hidden, config.max_tokens, net.features, scale,
        slots,
    )  # fmt: skip
    return NeuralGuide([net], arch, record).data()


def _held_out(
    scored: Sequence[tuple[Task, list[ChoicePoint], float]], share: float, rng: random.Random
) -> list[int]:
    """A seeded ``share`` of the programs' indices, taken separately from replays and
    fantasies (by weight) so both are represented; empty for ``share == 0``."""
    if share <= 0:
        return []
    out: list[int] = []
    for weight in sorted({w for _, _, w in scored}):
        group = [i for i, (_, _, w) in enumerate(scored) if w == weight]
        take = round(share * len(group))
        if take and take < len(group):
            out += rng.sample(group, take)
    return sorted(out)


_HELD_CHUNK = 128
"""Held-out programs scored per forward pass (ARC tasks hold a few 30x30 grids each)."""


class _Fit:
    """Adam on the weighted mean negative log-likelihood per program, with early stopping
    on the held-out programs (best weights restored) and the output scale chosen on them."""

    def __init__(
        self,
        net: GuideNet,
        grammar: Grammar,
        scored: Sequence[tuple[Task, list[ChoicePoint], float]],
        held: Sequence[int],
        config: GuideConfig,
        started: float,
        slots: Sequence[Slot] = (),
    ) -> None:
        width = len(grammar.productions) + 1
        self.net = net
        self.prior = torch.tensor(
            [p.log_weight for p in grammar.productions] + [grammar.log_variable]
        )
        self.offsets, self.chosen, self.rows, self.counts = _tensors(
            [p for _, p, _ in scored], width, slots
        )
        self.weights = torch.tensor([w for _, _, w in scored])
        sizes = [int(c) for c in self.counts]
        self.sizes, self.starts = sizes, [0, *itertools.accumulate(sizes)][:-1]
        self.enc = net.encoder.encode([t for t, _, _ in scored])
        held_set = set(held)
        train_idx = torch.tensor([i for i in range(len(scored)) if i not in held_set])
        held_idx = torch.tensor(list(held), dtype=torch.long)
        self.losses: list[float] = []
        self.held_losses: list[float] = []
        self.best_epoch: int | None = None
        self.best_loss: float | None = None
        self.scale = 1.0
        self.held_seconds: float | None = None
        self.batch_tasks = config.batch_tasks
        self._run(train_idx, held_idx, config, started)
        if len(held_idx):
            self.scale = self._best_scale(held_idx, config.scales)
        net.eval()

    def _nll(
        self, batch: torch.Tensor, scales: Sequence[float] = (1.0,)
    ) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Per scale, the negative log-likelihood of each program in ``batch`` with the
        model's output times that scale; and the model's output (computed once)."""
        rows = torch.cat(
            [torch.arange(self.starts[i], self.starts[i] + self.sizes[i]) for i in batch.tolist()]
        )
        owner = torch.repeat_interleave(torch.arange(len(batch)), self.counts[batch])
        delta = self.net(self.enc.select(batch))
        chosen_delta = delta[owner, self.rows[rows]]
        base = self.prior + self.offsets[rows]
        nlls: list[torch.Tensor] = []
        for scale in scales:
            logits = base + scale * chosen_delta
            picked = logits.gather(1, self.chosen[rows].unsqueeze(1)).squeeze(1)
            per_point = torch.logsumexp(logits, 1) - picked
            nlls.append(torch.zeros(len(batch)).index_add_(0, owner, per_point))
        return nlls, delta

    def _held_losses(self, held: torch.Tensor, scales: Sequence[float] = (1.0,)) -> list[float]:
        """Per scale, the weighted mean negative log-likelihood of ``held``; in chunks
        (bounded memory), the model run once per chunk for all scales."""
        self.net.eval()
        totals = [0.0] * len(scales)
        started = time.perf_counter()
        with torch.no_grad():
            for chunk in torch.split(held, _HELD_CHUNK):
                nlls, _ = self._nll(chunk, scales)
                for k, nll in enumerate(nlls):
                    totals[k] += float((self.weights[chunk] * nll).sum())
        self.held_seconds = time.perf_counter() - started
        weight = float(self.weights[held].sum())
        return [t / weight for t in totals]

    def _run(
        self, train: torch.Tensor, held: torch.Tensor, config: GuideConfig, started: float
    ) -> None:
        optimiser = torch.optim.Adam(
            self.net.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
        )
        generator = torch.Generator().manual_seed(config.seed)
        best_state = None
        deadline = started + config.max_seconds
        batches, batch_seconds = 0, 0.0
        for epoch in range(config.epochs):
            if time.perf_counter() > deadline - self._reserve(held, batches, batch_seconds):
                break
            self.net.train()
            order = train[torch.randperm(len(train), generator=generator)]
            total, capped = 0.0, False
            for b in range(0, len(order), config.batch_tasks):
                reserve = self._reserve(held, batches, batch_seconds)
                if b and time.perf_counter() > deadline - reserve:
                    order, capped = order[:b], True  # the cap ends the epoch, and training
                    break
                tick = time.perf_counter()
                batch = order[b : b + config.batch_tasks]
                (nll,), delta = self._nll(batch)
                w = self.weights[batch]
                loss = (w * nll / w.sum()).sum()
                if config.delta_l2:
                    loss = loss + config.delta_l2 * delta.pow(2).sum((1, 2)).mean()
                optimiser.zero_grad()
                torch.autograd.backward(loss)
                optimiser.step()
                total += float((w * nll).sum().detach())
                batches, batch_seconds = batches + 1, batch_seconds + time.perf_counter() - tick
            self.losses.append(total / float(self.weights[order].sum()))
            if len(held):
                (current,) = self._held_losses(held)
                self.held_losses.append(current)
                if self.best_loss is None or current < self.best_loss:
                    self.best_loss, self.best_epoch = round(current, 4), epoch
                    best_state = copy.deepcopy(self.net.state_dict())
                elif epoch - (self.best_epoch or 0) >= config.patience:
                    break
            if capped:
                break
        if best_state is not None:
            self.net.load_state_dict(best_state)

    def _reserve(self, held: torch.Tensor, batches: int, batch_seconds: float) -> float:
        """Seconds to keep before the cap for what follows the last batch: that epoch's
        held-out pass and the pass choosing the scale. Measured once a held-out pass has
        run; before that, estimated from the training batches (a forward pass is about a
        third of a training step)."""
        if not len(held):
            return 0.0
        if self.held_seconds is not None:
            return 2 * self.held_seconds
        if not batches:
            return 0.0
        per_program = batch_seconds / batches / self.batch_tasks
        return 2 * per_program * len(held) / 3

    def _best_scale(self, held: torch.Tensor, scales: Sequence[float]) -> float:
        """The scale in ``scales`` (or 0, the library) with the least held-out loss."""
        candidates = sorted({0.0, *scales})
        losses = self._held_losses(held, candidates)
        return candidates[min(range(len(candidates)), key=lambda i: (losses[i], -i))]


def _tensors(
    scored: Sequence[list[ChoicePoint]], width: int, slots: Sequence[Slot]
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per choice point: a row that is 0 on candidate productions, ``-log k`` on the
    variables' column when ``k`` variables fit, ``-inf`` elsewhere; the chosen column;
    the model's output row for its slot (0 for a slot without one); and the number of
    choice points of each program."""
    points = [p for ps in scored for p in ps]
    row_of = {slot: 1 + c for c, slot in enumerate(slots)}
    offsets = torch.full((len(points), width), -math.inf)
    chosen = torch.empty(len(points), dtype=torch.long)
    for r, point in enumerate(points):
        offsets[r, list(point.candidates)] = 0.0
        if point.variables:
            offsets[r, width - 1] = -math.log(point.variables)
        chosen[r] = width - 1 if point.chosen == VARIABLE else point.chosen
    rows = torch.tensor([row_of.get(p.slot, 0) for p in points], dtype=torch.long)
    counts = torch.tensor([len(ps) for ps in scored], dtype=torch.long)
    return offsets, chosen, rows, counts
