"""One network trained with Adam on seeded minibatches, stopped early on a validation
loss with its best weights restored: the loop of the whole-input baselines."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from metagrow.fit._train import TrainConfig

if TYPE_CHECKING:
    import torch

Item = TypeVar("Item")


def train_early_stopping(
    net: torch.nn.Module,
    items: Sequence[Item],
    batch_loss: Callable[[Sequence[Item]], torch.Tensor],
    validation_loss: Callable[[], torch.Tensor],
    config: TrainConfig,
    lr: float,
    seed: int,
    *,
    keep_initial: bool = True,
) -> int:
    """Train ``net`` on minibatches of ``items`` (``batch_loss`` of each), shuffled by a
    generator seeded ``seed``, for at most ``config.max_epochs`` epochs, stopping after
    ``config.patience`` epochs without a better ``validation_loss``; ``net`` ends with
    the best weights seen (with ``keep_initial``, the initial ones count: they stay if no
    epoch beats them), in evaluation mode. Returns the epochs run."""
    import torch

    optimiser = torch.optim.Adam(net.parameters(), lr=lr)

    def validate() -> float:
        net.eval()
        with torch.no_grad():
            return float(validation_loss())

    best, stale, epochs = (validate() if keep_initial else float("inf")), 0, 0
    best_state = {k: v.clone() for k, v in net.state_dict().items()}
    order = list(items)
    rng = random.Random(seed)
    for epochs in range(1, config.max_epochs + 1):  # noqa: B007 - epochs is returned
        rng.shuffle(order)
        net.train()
        for i in range(0, len(order), config.batch_size):
            loss = batch_loss(order[i : i + config.batch_size])
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
        current = validate()
        if current < best - 1e-4:
            best, stale = current, 0
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
        else:
            stale += 1
            if stale >= config.patience:
                break
    net.load_state_dict(best_state)
    net.eval()
    return epochs
