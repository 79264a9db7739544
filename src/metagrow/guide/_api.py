"""Training and loading guides without importing torch until a guide is actually used."""

from __future__ import annotations

from collections.abc import Sequence

from metagrow.domains import Domain
from metagrow.guide._base import Guide, GuideConfig, GuideData
from metagrow.lang import Expr, Grammar, Limits, Task


def encoder_for(domain: Domain) -> str:
    """The guide's example encoder for ``domain``: the one for the value shape it declares
    (``Domain.values``), or the generic ``tokens`` encoder when it declares none."""
    return domain.values or "tokens"


def describe_encoder(domain: Domain) -> str:
    """One line saying which encoder the guide uses for ``domain``, and why."""
    if domain.values is None:
        return (
            f"the guide reads {domain.name} values with its generic token encoder "
            "(the domain declares no value shape in Domain.values)"
        )
    return f"the guide reads {domain.name} values with its {domain.values} encoder"


def train_guide(
    encoder: str,
    grammar: Grammar,
    replays: Sequence[tuple[Task, Expr]],
    tasks: Sequence[Task],
    limits: Limits,
    config: GuideConfig | None = None,
) -> GuideData:
    """A guide for ``grammar`` trained on ``replays`` (solved tasks with their programs)
    and on fantasies run on the inputs of ``tasks`` under ``limits``; ``encoder`` names the
    example encoder (:func:`encoder_for` a domain). Deterministic for the seed."""
    from metagrow.guide._train import train

    return train(encoder, grammar, replays, tasks, limits, config or GuideConfig())


def load_guide(data: GuideData) -> Guide:
    """The guide stored as ``data``; ``ValueError`` if the data do not describe one."""
    from metagrow.guide._neural import NeuralGuide

    return NeuralGuide.from_data(data)
