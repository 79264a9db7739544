"""Training the modules of one program end to end through its algorithmic parts.

Adam on the mean negative log-likelihood of each example's output under the program's
soft meaning, minibatches in a seeded order, early stopping on the validation loss with
the best weights restored. Test predictions run the program with the ordinary
interpreter, each module answering its most likely output.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, final

from metagrow.fit._constraints import Constraints, auxiliary_loss, held_loss
from metagrow.fit._evaluate import (
    Featurize,
    SoftProgram,
    module_inputs,
    module_outputs,
    soft_input,
)
from metagrow.fit._grow import Grower, GrowthConfig, carrying, restore
from metagrow.fit._module import Module
from metagrow.fit._soft import Soft, make_table
from metagrow.lang import BOOL, FAIL, Example, Expr, Primitive, Program, Type

if TYPE_CHECKING:
    import torch

_EPS = 1e-6


@final
@dataclass(frozen=True, slots=True)
class TrainConfig:
    """How modules are trained: at most ``max_epochs`` passes, stopping after
    ``patience`` epochs without a better validation loss or after ``seconds``."""

    max_epochs: int = 60
    patience: int = 8
    batch_size: int = 16
    lr: float = 3e-3
    finetune_lr: float = 1e-3
    support: int = 50
    seconds: float = 60.0
    epoch_steps: int = 1
    """The fewest optimiser steps an epoch takes: a small train set is gone through
    several times per epoch, so that early stopping does not end training after a few
    steps."""

    def __post_init__(self) -> None:
        if self.max_epochs < 0 or self.patience < 1 or self.batch_size < 1:
            raise ValueError(f"epochs, patience and batch size must be positive: {self}")
        if self.epoch_steps < 1:
            raise ValueError(f"epoch_steps must be at least 1, got {self.epoch_steps}")
        if self.support < 10:
            raise ValueError(f"support must be at least 10, got {self.support}")


@final
@dataclass(frozen=True, slots=True)
class Trained:
    """A program with its modules after training: their weights, the best validation
    loss, how many epochs ran, and what grew when (with a growth config)."""

    program: Expr
    modules: tuple[Module, ...]
    validation_loss: float
    epochs: int
    seconds: float
    validation_error: float = 0.0
    """The standard error of the mean validation loss (how far to trust a difference)."""
    growth: tuple[str, ...] = ()


@final
@dataclass(frozen=True, slots=True)
class Problem:
    """What training needs besides the program: the request type, the examples, how
    module arguments become network inputs, and constraints on the modules' outputs."""

    request: Type
    train: tuple[Example, ...]
    validation: tuple[Example, ...]
    featurize: Featurize
    constraints: Constraints = field(default_factory=Constraints)
    """What the task says about its modules' outputs inside the program (auxiliary losses)."""


def example_loss(output: Soft, target: object, t: Type) -> torch.Tensor:
    """Negative log-probability of ``target`` under the soft ``output``."""
    import torch

    if not isinstance(output, torch.Tensor):
        raise TypeError("a program's soft output must be an int or a bool")
    if t == BOOL:
        p = output.clamp(_EPS, 1 - _EPS)
        return -torch.log(p if target else 1 - p)
    assert isinstance(target, int)
    if not 0 <= target < output.shape[0]:
        return torch.tensor(-math.log(_EPS))
    return -torch.log(output[target].clamp_min(_EPS))


def batch_loss(
    program: SoftProgram,
    modules: Sequence[Module],
    nets: Sequence[torch.nn.Module],
    batch: Sequence[Example],
    problem: Problem,
    support: int,
) -> torch.Tensor:
    """The mean loss of ``batch``'s examples."""
    return example_losses(program, modules, nets, batch, problem, support).mean()


def example_losses(
    program: SoftProgram,
    modules: Sequence[Module],
    nets: Sequence[torch.nn.Module],
    batch: Sequence[Example],
    problem: Problem,
    support: int,
) -> torch.Tensor:
    """Each example's loss, each module run once over every value the batch shows it."""
    import torch

    arg_types = problem.request.arguments()
    functions: dict[str, Callable[[Soft], Soft]] = {}
    for module, net in zip(modules, nets, strict=True):
        seen = module_inputs(module, (ex.inputs for ex in batch), problem.request)
        functions[module.name] = module_outputs(module, net, seen, problem.featurize, support)
    losses = []
    for ex in batch:
        args = [soft_input(v, t, support) for v, t in zip(ex.inputs, arg_types, strict=True)]
        output = program.run(args, functions)
        losses.append(example_loss(output, ex.output, problem.request.returns()))
    return torch.stack(losses)


def train_program(
    program: Expr,
    modules: Sequence[tuple[Module, bool]],
    problem: Problem,
    config: TrainConfig,
    seed: int,
    *,
    growth: GrowthConfig | None = None,
) -> Trained:
    """Train the modules marked trainable (fresh ones from ``seed``, trained ones from
    their weights) through ``program``; the others stay frozen. With nothing trainable
    this only measures the validation loss. With ``growth``, trainable modules grow (see
    :mod:`metagrow.fit._grow`) when the validation loss stalls, and the returned modules
    carry the architecture of their best weights."""
    import torch

    if growth is not None and growth.patience > config.patience:
        raise ValueError(
            f"growth patience {growth.patience} exceeds the training patience "
            f"{config.patience}, so nothing would grow; lower it or raise TrainConfig.patience"
        )
    start = time.perf_counter()
    table = make_table(config.support)
    soft = SoftProgram(program, table, frozenset(m.name for m, _ in modules))
    nets = [m.build(seed + i) for i, (m, _) in enumerate(modules)]
    params: list[torch.nn.Parameter] = []
    for net, (_, trainable) in zip(nets, modules, strict=True):
        net.requires_grad_(trainable)
        if trainable:
            params += list(net.parameters())
    plain = [m for m, _ in modules]

    def validation() -> tuple[float, torch.Tensor]:
        """The validation loss (with held-out inner labels) and each example's loss."""
        for net in nets:
            net.eval()
        with torch.no_grad():
            losses = example_losses(soft, plain, nets, problem.validation, problem, config.support)
            held = held_loss(problem.constraints, plain, nets, problem.featurize)
            loss = losses.mean()
            return float(loss if held is None else loss + held), losses

    best, best_losses = validation()
    epochs = 0
    grower = Grower(growth, modules, seed) if growth is not None else None
    if params and config.max_epochs:
        finetuning = any(m.trained for m, t in modules if t)
        lr = config.finetune_lr if finetuning else config.lr
        optimiser = torch.optim.Adam(params, lr=lr)
        best_state = [{k: v.clone() for k, v in net.state_dict().items()} for net in nets]
        rounds = -(-config.epoch_steps * config.batch_size // max(1, len(problem.train)))
        order = list(problem.train) * max(1, rounds)
        rng = random.Random(seed)
        stale = 0
        for epochs in range(1, config.max_epochs + 1):
            rng.shuffle(order)
            for net, (_, trainable) in zip(nets, modules, strict=True):
                net.train(trainable)
            for i in range(0, len(order), config.batch_size):
                chunk = order[i : i + config.batch_size]
                loss = batch_loss(soft, plain, nets, chunk, problem, config.support)
                if problem.constraints:
                    seen = [_seen(m, chunk, problem.request) for m in plain]
                    extra = auxiliary_loss(
                        problem.constraints, modules, nets, seen, problem.featurize
                    )
                    loss = loss if extra is None else loss + extra
                optimiser.zero_grad()
                loss.backward()  # type: ignore[no-untyped-call]
                optimiser.step()
            current, losses = validation()
            if current < best - 1e-4:
                best, best_losses, stale = current, losses, 0
                best_state = [{k: v.clone() for k, v in n.state_dict().items()} for n in nets]
            else:
                stale += 1
            if grower is not None and grower.grew(epochs, current, nets):
                stale = 0
                trainable_nets = [n for n, (_, t) in zip(nets, modules, strict=True) if t]
                optimiser = torch.optim.Adam(
                    [p for n in trainable_nets for p in n.parameters()], lr=lr
                )
            if stale >= config.patience or time.perf_counter() - start > config.seconds:
                break
        if grower is not None:
            best, best_state = grower.kept(best, best_state)
        restore(plain, nets, best_state, seed)
        if grower is not None:  # it may keep a smaller architecture's weights
            best_losses = validation()[1]
    for net in nets:
        net.eval()
    n = len(best_losses)
    error = float(best_losses.std() / math.sqrt(n)) if n > 1 else 0.0
    events = tuple(grower.events) if grower is not None else ()
    trained = tuple(carrying(m, net) if t else m for net, (m, t) in zip(nets, modules, strict=True))
    seconds = time.perf_counter() - start
    return Trained(program, trained, best, epochs, seconds, error, events)


def _seen(module: Module, batch: Sequence[Example], request: Type) -> list[object]:
    """Distinct values of ``module``'s input type in ``batch`` (at most 64)."""
    return module_inputs(module, (ex.inputs for ex in batch), request)[:64]


def predict(
    program: Expr,
    primitives: Mapping[str, Primitive],
    modules: Sequence[Module],
    request: Type,
    inputs: Sequence[tuple[object, ...]],
    featurize: Featurize,
) -> list[object]:
    """Run ``program`` with the ordinary interpreter on each input, every module replaced
    by its network's most likely output (computed in one batch); ``FAIL`` where it fails."""
    import torch

    prims = dict(primitives)
    for module in modules:
        seen = module_inputs(module, inputs, request)
        net = module.build(0)
        net.eval()
        with torch.no_grad():
            logits = net(torch.from_numpy(featurize(seen))) if seen else torch.zeros(0, 1)
        if module.type.returns() == BOOL:
            answers: list[object] = [bool(x > 0) for x in logits[:, 0].tolist()]
        else:
            answers = [int(x) for x in logits.argmax(dim=1).tolist()]
        table = dict(zip(seen, answers, strict=True))
        prims[module.name] = Primitive(module.name, module.type, table.__getitem__)
    compiled = Program(program, prims)
    return [compiled.run(args) for args in inputs]


def accuracy(predictions: Sequence[object], examples: Sequence[Example]) -> float:
    """Fraction of examples whose prediction equals the expected output exactly."""
    if not examples:
        return 0.0
    right = sum(
        p is not FAIL and p == ex.output for p, ex in zip(predictions, examples, strict=True)
    )
    return right / len(examples)
