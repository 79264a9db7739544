"""Training the modules of one program by an evolution strategy instead of gradients.

The trainable networks' parameters are one vector; CMA-ES (the ``cma`` package) samples
populations of such vectors around a mean, scores each on a minibatch by the same loss
as gradient training (the mean negative log-likelihood under the program's soft meaning),
and moves the mean toward the better ones. The mean is scored on the validation examples
every few generations and the best one is kept (early stopping). Nothing needs a
gradient, so the program's soft meaning need not be differentiable.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, final

from metagrow.fit._evaluate import SoftProgram
from metagrow.fit._module import Module
from metagrow.fit._soft import make_table
from metagrow.fit._train import Problem, Trained, batch_loss
from metagrow.lang import Example, Expr

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import torch

Trainer = Literal["gradient", "evolution"]
"""How a program's modules are trained: :func:`train_program` or :func:`evolve_program`."""


@final
@dataclass(frozen=True, slots=True)
class EvolveConfig:
    """How modules are evolved: CMA-ES with ``population`` candidates a generation
    (``None``: cma's default, 4 + 3 ln n for n weights) starting at step size ``sigma0``
    around the initial weights, each scored on ``batch_size`` fitting examples (``None``:
    all of them); the mean is validated every ``validate_every`` generations, and
    evolution stops after ``patience`` validations without a better loss, after
    ``generations``, or after ``seconds``. ``diagonal`` keeps only a diagonal covariance
    (separable CMA-ES: linear cost per weight, the choice for thousands of weights)."""

    population: int | None = None
    sigma0: float = 0.05
    generations: int = 100_000
    seconds: float = 60.0
    batch_size: int | None = 64
    diagonal: bool = True
    validate_every: int = 10
    patience: int = 20
    support: int = 50

    def __post_init__(self) -> None:
        if self.population is not None and self.population < 2:
            raise ValueError(
                f"population must be at least 2 (or None for cma's default), got {self.population}"
            )
        if not (math.isfinite(self.sigma0) and self.sigma0 > 0):
            raise ValueError(f"sigma0 must be a positive step size such as 0.05, got {self.sigma0}")
        if self.generations < 0:
            raise ValueError(f"generations must be 0 or more, got {self.generations}")
        if not self.seconds > 0:
            raise ValueError(f"seconds must be positive, got {self.seconds}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(
                f"batch_size must be at least 1 (or None for the whole fitting set), "
                f"got {self.batch_size}"
            )
        if self.validate_every < 1 or self.patience < 1:
            raise ValueError(
                f"validate_every and patience must be at least 1, "
                f"got {self.validate_every} and {self.patience}"
            )
        if self.support < 10:
            raise ValueError(f"support must be at least 10, got {self.support}")


def evolve_program(
    program: Expr,
    modules: Sequence[tuple[Module, bool]],
    problem: Problem,
    config: EvolveConfig,
    seed: int,
) -> Trained:
    """Evolve the modules marked trainable (fresh ones from ``seed``, trained ones from
    their weights) through ``program``; the others stay frozen. The result's ``epochs``
    counts generations. With nothing trainable this only measures the validation loss.
    Randomness comes only from ``seed`` (the global numpy and torch generators are not
    touched)."""
    import numpy as np
    import torch
    from torch.nn.utils import parameters_to_vector, vector_to_parameters

    start = time.perf_counter()
    table = make_table(config.support)
    soft = SoftProgram(program, table, frozenset(m.name for m, _ in modules))
    nets = [m.build(seed + i) for i, (m, _) in enumerate(modules)]
    params: list[torch.nn.Parameter] = []
    for net, (_, trainable) in zip(nets, modules, strict=True):
        net.eval()
        net.requires_grad_(False)
        if trainable:
            params += list(net.parameters())
    plain = [m for m, _ in modules]

    def loss(examples: Sequence[Example]) -> float:
        with torch.no_grad():
            return float(batch_loss(soft, plain, nets, examples, problem, config.support))

    def load(x: npt.NDArray[np.float64]) -> None:
        vector_to_parameters(torch.from_numpy(x).to(torch.float32), params)

    best = loss(problem.validation)
    generations = 0
    if params and config.generations and problem.train:
        best_x = parameters_to_vector(params).to(torch.float64).numpy().copy()
        es = _strategy(best_x, config, seed)
        batches = _batches(problem.train, config.batch_size, random.Random(seed))
        stale = 0
        for generations in range(1, config.generations + 1):
            batch = next(batches)
            candidates = es.ask()
            scores = []
            for x in candidates:
                load(x)
                scores.append(loss(batch))
            es.tell(candidates, scores)
            out_of_time = time.perf_counter() - start > config.seconds
            last = out_of_time or generations == config.generations
            if generations % config.validate_every == 0 or last:
                mean = np.asarray(es.mean, dtype=np.float64)
                load(mean)
                current = loss(problem.validation)
                if current < best - 1e-4:
                    best, best_x, stale = current, mean.copy(), 0
                else:
                    stale += 1
            if last or stale >= config.patience:
                break
        load(best_x)
    trained = tuple(m.with_net(net) if t else m for net, (m, t) in zip(nets, modules, strict=True))
    return Trained(program, trained, best, generations, time.perf_counter() - start)


def _strategy(x0: npt.NDArray[np.float64], config: EvolveConfig, seed: int) -> _Strategy:
    """A CMA-ES over ``x0``'s space drawing its normal samples from a numpy generator
    seeded ``seed``. Two cma defaults would use numpy's global generator: the ``seed``
    option reseeds it (so it is off, ``nan``, in favour of ``randn``), and the two-point
    step-size rule cma picks from a few hundred dimensions draws from it in a self-check
    (so the step size follows cumulative step-size adaptation, CSA, the rule of
    separable CMA-ES)."""
    import cma
    import numpy as np

    rng = np.random.default_rng(seed)

    def randn(*shape: int) -> npt.NDArray[np.float64]:
        return rng.standard_normal(shape)

    options: dict[str, object] = {
        "seed": math.nan,
        "randn": randn,
        "verbose": -9,
        "CMA_diagonal": config.diagonal,
        "AdaptSigma": cma.sigma_adaptation.CMAAdaptSigmaCSA,
    }
    if config.population is not None:
        options["popsize"] = config.population
    es: _Strategy = cma.CMAEvolutionStrategy(x0, config.sigma0, options)
    return es


class _Strategy(Protocol):
    """The part of ``cma.CMAEvolutionStrategy`` used here (cma has no type hints); its
    stopping rules are not consulted, only the generation, time and patience bounds."""

    mean: npt.NDArray[np.float64]

    def ask(self) -> list[npt.NDArray[np.float64]]: ...

    def tell(self, solutions: list[npt.NDArray[np.float64]], values: list[float]) -> None: ...


def _batches(
    train: Sequence[Example], size: int | None, rng: random.Random
) -> Iterator[Sequence[Example]]:
    """Minibatches of ``size`` in a seeded order, reshuffled on each pass; the whole
    fitting set every time when ``size`` is ``None`` or covers it."""
    if size is None or size >= len(train):
        while True:
            yield train
    order = list(train)
    while True:
        rng.shuffle(order)
        for i in range(0, len(order) - size + 1, size):
            yield order[i : i + size]
