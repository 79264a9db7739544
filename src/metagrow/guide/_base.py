"""The guide contract, and a trained guide as plain data (what a store keeps)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import final

from metagrow.lang import Grammar, GrammarSpec, Task


class Guide(ABC):
    """A recognition model: from a task's examples to task-conditioned production weights.

    ``spec_for`` returns the data that rebuilds ``grammar`` (same inventions) with weights
    chosen for ``task``; search then uses that grammar in place of the global one.
    Implementations are deterministic: the same task and grammar give the same spec.
    """

    @abstractmethod
    def spec_for(self, task: Task, grammar: Grammar) -> GrammarSpec:
        """``grammar`` as a spec, its log-weights conditioned on ``task``."""

    def specs_for(self, tasks: Sequence[Task], grammar: Grammar) -> dict[str, GrammarSpec]:
        """``spec_for`` of every task, by task name (override to batch the work)."""
        return {t.name: self.spec_for(t, grammar) for t in tasks}


@final
@dataclass(frozen=True)
class GuideData:
    """A trained guide without torch: its architecture (JSON), its weights (safetensors
    bytes) and how it was trained (JSON)."""

    architecture: Mapping[str, object]
    weights: bytes = field(repr=False)
    training: Mapping[str, object]


@final
@dataclass(frozen=True, slots=True)
class GuideConfig:
    """How a guide is trained: data, model size, optimisation, all seeded by ``seed``.

    ``fantasies`` programs are sampled (at most ``fantasy_samples`` draws, ``fantasy_seconds``)
    from the grammar; training stops after ``epochs`` or ``max_seconds`` (counted from the
    start, sampling and the final held-out passes included), whichever first.
    A replay counts ``replay_weight`` times a fantasy in the loss. A seeded ``validation``
    fraction of the programs is held out: training stops ``patience`` epochs after its
    loss last improved and restores the best weights, then the output ``scale`` (one of
    ``scales``, 0 being the library itself) is the one best on it. ``delta_l2`` penalises
    the squared output (pulling toward the library), ``weight_decay`` the parameters.
    ``features`` adds hand-made task features to the encoder's output. ``contextual``
    gives the model weights per slot (parent production, argument index), DreamCoder's
    contextual model; otherwise it has one weight per production (unigram). With
    ``members`` above 1 the guide is an ensemble: each member is trained as above on its
    own dream, seeded ``seed``, ``seed + 1``, ..., in processes side by side, and the
    guide's output is their mean (steadier than any one on tasks unlike its training).
    """

    seed: int = 0
    fantasies: int = 30_000
    fantasy_samples: int = 400_000
    fantasy_seconds: float = 120.0
    fantasy_depth: int = 4
    epochs: int = 100
    batch_tasks: int = 128
    learning_rate: float = 3e-3
    embed: int = 32
    hidden: int = 64
    max_tokens: int = 48
    max_seconds: float = 270.0
    threads: int = 1
    replay_weight: float = 10.0
    validation: float = 0.2
    patience: int = 5
    scales: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0, 1.25)
    delta_l2: float = 0.0
    weight_decay: float = 0.0
    dropout: float = 0.2
    features: bool = True
    contextual: bool = True
    members: int = 2

    @staticmethod
    def for_tasks(tasks: int, seed: int) -> GuideConfig:
        """The defaults seeded with ``seed``, the dream scaled to a suite of ``tasks`` tasks
        (at most 300 fantasies and 1.5 seconds of sampling per task), so that small suites
        do not sample for long in search of behaviours they cannot have."""
        base = GuideConfig(seed=seed)
        return replace(
            base,
            fantasies=min(base.fantasies, 300 * tasks),
            fantasy_seconds=min(base.fantasy_seconds, 1.5 * tasks),
        )

    def __post_init__(self) -> None:
        sizes = (self.epochs, self.batch_tasks, self.embed, self.hidden, self.members)
        counts = (self.fantasy_samples, *sizes)
        if self.fantasies < 0 or min(counts) < 1 or self.max_tokens < 4 or self.threads < 1:
            raise ValueError("guide config: counts and sizes must be positive")
        if not (self.learning_rate > 0 and self.max_seconds > 0 and self.fantasy_seconds >= 0):
            raise ValueError("guide config: learning rate and seconds must be positive")
        shrink = (self.replay_weight, self.delta_l2, self.weight_decay, self.dropout, *self.scales)
        if min(shrink) < 0 or not self.scales or self.patience < 1:
            raise ValueError("guide config: weights, penalties and scales must be non-negative")
        if not (0 <= self.validation < 1 and self.dropout < 1):
            raise ValueError("guide config: validation and dropout must be fractions below 1")
