"""The guide's torch model: an encoder of a task's examples, then a head giving one
log-weight change per production (and one for the variables), for the grammar as a whole
and, in the contextual model, for each slot (parent production, argument index).

Encoders are chosen by the shape of a domain's values in :data:`ENCODERS`, the one place
that maps them; a domain that declares no shape gets the generic token encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import final

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from metagrow.fit.seeded import Dropout, build
from metagrow.guide._features import LIST_FEATURES, list_features
from metagrow.lang import Task

_PAD, _OPEN, _CLOSE, _TRUE, _FALSE, _ARG, _OUT, _BIG, _OTHER = range(9)
_INT_RANGE = 64
_VOCAB = 9 + 2 * _INT_RANGE + 1
_SIDE = 30
_COLOURS = 11  # ten colours and "outside the grid"
_CHARS = 96  # printable ASCII, and one token for every other character
_MAGNITUDES = 12  # floats: |x| < 1e-5, then one token per power of ten up to 1e5 and above


@final
@dataclass(frozen=True)
class Encoded:
    """A set of tasks' examples as tensors: ``data`` (one row per example), ``lengths``
    (token counts, for sequences), and ``owner`` (the task index of each row)."""

    data: torch.Tensor
    lengths: torch.Tensor | None
    owner: torch.Tensor
    tasks: int
    features: torch.Tensor | None = None  # hand-made features, one row per task

    def select(self, chosen: torch.Tensor) -> Encoded:
        """The rows of tasks ``chosen`` (indices), renumbered ``0..len(chosen)-1``."""
        remap = torch.full((self.tasks,), -1, dtype=torch.long)
        remap[chosen] = torch.arange(len(chosen))
        new_owner = remap[self.owner]
        keep = new_owner >= 0
        lengths = None if self.lengths is None else self.lengths[keep]
        features = None if self.features is None else self.features[chosen]
        return Encoded(self.data[keep], lengths, new_owner[keep], len(chosen), features)


def _pool(rows: torch.Tensor, enc: Encoded) -> torch.Tensor:
    """The mean of each task's example rows."""
    total = torch.zeros(enc.tasks, rows.shape[1]).index_add_(0, enc.owner, rows)
    count = torch.zeros(enc.tasks).index_add_(0, enc.owner, torch.ones(len(enc.owner)))
    return total / count.clamp(min=1.0).unsqueeze(1)


class Encoder(nn.Module):
    """Reads tasks' examples into one feature vector of size ``hidden`` per task (and, for
    ``feature_count > 0``, hand-made features in :attr:`Encoded.features`)."""

    feature_count = 0

    def __init__(self, embed: int, hidden: int, max_tokens: int) -> None:
        super().__init__()
        self.embed, self.hidden, self.max_tokens = embed, hidden, max_tokens

    def encode(self, tasks: Sequence[Task]) -> Encoded:
        raise NotImplementedError

    def forward(self, enc: Encoded) -> torch.Tensor:
        raise NotImplementedError


class _SequenceEncoder(Encoder):
    """Each example as a token sequence (argument marks, then the output), read by a GRU; a
    task is the mean of its examples' final states."""

    vocab = _VOCAB

    def __init__(self, embed: int, hidden: int, max_tokens: int) -> None:
        super().__init__(embed, hidden, max_tokens)
        self.embedding = nn.Embedding(self.vocab, embed, padding_idx=_PAD)
        self.gru = nn.GRU(embed, hidden, batch_first=True)

    def tokens(self, value: object) -> list[int]:
        raise NotImplementedError

    def features(self, tasks: Sequence[Task]) -> torch.Tensor | None:
        return None

    def encode(self, tasks: Sequence[Task]) -> Encoded:
        rows: list[list[int]] = []
        owner: list[int] = []
        half = self.max_tokens // 2
        for i, task in enumerate(tasks):
            for ex in task.train:
                share = max(2, half // max(1, len(ex.inputs)))
                seq: list[int] = []
                for x in ex.inputs:
                    seq += [_ARG, *self.tokens(x)][:share]
                seq += [_OUT, *self.tokens(ex.output)][: self.max_tokens - len(seq)]
                rows.append(seq)
                owner.append(i)
        data = torch.zeros(len(rows), self.max_tokens, dtype=torch.long)
        for r, seq in enumerate(rows):
            data[r, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        lengths = torch.tensor([len(s) for s in rows], dtype=torch.long)
        owners = torch.tensor(owner, dtype=torch.long)
        return Encoded(data, lengths, owners, len(tasks), self.features(tasks))

    def forward(self, enc: Encoded) -> torch.Tensor:
        assert enc.lengths is not None
        packed = pack_padded_sequence(
            self.embedding(enc.data), enc.lengths, batch_first=True, enforce_sorted=False
        )
        _, h = self.gru(packed)
        return _pool(h[-1], enc)


@final
class ListEncoder(_SequenceEncoder):
    """Ints, booleans and lists as tokens (brackets, small ints, booleans); hand-made
    features (:func:`list_features`) ride along."""

    feature_count = LIST_FEATURES

    def tokens(self, value: object) -> list[int]:
        return _tokens(value)

    def features(self, tasks: Sequence[Task]) -> torch.Tensor:
        features = torch.tensor([list_features(t) for t in tasks], dtype=torch.float32)
        return features.reshape(len(tasks), LIST_FEATURES)


@final
class TokenEncoder(_SequenceEncoder):
    """The generic encoder, for domains that declare nothing about their values: ints,
    booleans and sequences as :class:`ListEncoder` reads them, strings as their characters,
    floats by sign and order of magnitude, anything else as one token."""

    vocab = _VOCAB + _CHARS + 2 * _MAGNITUDES

    def tokens(self, value: object) -> list[int]:
        if isinstance(value, str):
            return [_OPEN, *(_char(c) for c in value), _CLOSE]
        if isinstance(value, float):
            return [_magnitude(value)]
        if isinstance(value, (tuple, list)):
            return [_OPEN, *(t for v in value for t in self.tokens(v)), _CLOSE]
        return _tokens(value)


def _tokens(value: object) -> list[int]:
    if isinstance(value, bool):
        return [_TRUE if value else _FALSE]
    if isinstance(value, int):
        if -_INT_RANGE <= value <= _INT_RANGE:
            return [9 + value + _INT_RANGE]
        return [_BIG]
    if isinstance(value, (tuple, list)):
        out = [_OPEN]
        for v in value:
            out += _tokens(v)
        return [*out, _CLOSE]
    return [_OTHER]


def _char(c: str) -> int:
    code = ord(c) - 32
    return _VOCAB + (code if 0 <= code < _CHARS - 1 else _CHARS - 1)


def _magnitude(x: float) -> int:
    if x != x:  # NaN
        return _OTHER
    size = abs(x)
    band = 0 if size < 1e-5 else min(_MAGNITUDES - 1, 1 + int(np.floor(np.log10(size))) + 5)
    return _VOCAB + _CHARS + (_MAGNITUDES if x < 0 else 0) + band


@final
class GridEncoder(Encoder):
    """Each example's first grid input and grid output as one-hot colour planes padded to
    30x30, read by a small CNN with global max pooling; a task is the mean over examples."""

    def __init__(self, embed: int, hidden: int, max_tokens: int) -> None:
        super().__init__(embed, hidden, max_tokens)
        self.net = nn.Sequential(
            nn.Conv2d(2 * _COLOURS, embed, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(embed, embed, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(embed, hidden, 3, padding=1),
            nn.ReLU(),
        )

    def encode(self, tasks: Sequence[Task]) -> Encoded:
        # one byte per cell from the start: tens of thousands of fantasies' grids fit
        planes = np.zeros((sum(len(t.train) for t in tasks), 2, _SIDE, _SIDE), dtype=np.uint8)
        owner: list[int] = []
        for i, task in enumerate(tasks):
            for ex in task.train:
                grid_in = next((x for x in ex.inputs if _cells(x) is not None), None)
                pair = planes[len(owner)]
                for k, value in enumerate((grid_in, ex.output)):
                    cells = _cells(value)
                    if cells is not None:
                        h, w = min(cells.shape[0], _SIDE), min(cells.shape[1], _SIDE)
                        pair[k, :h, :w] = cells[:h, :w] + 1
                owner.append(i)
        data = torch.from_numpy(planes)
        return Encoded(data, None, torch.tensor(owner, dtype=torch.long), len(tasks))

    def forward(self, enc: Encoded) -> torch.Tensor:
        # one-hot colour planes, written straight into float32 (no int64 copy): N, 2, C, H, W
        hot = torch.zeros(len(enc.data), 2, _COLOURS, _SIDE, _SIDE)
        hot.scatter_(2, enc.data.long().unsqueeze(2), 1.0)
        x = hot.reshape(len(enc.data), 2 * _COLOURS, _SIDE, _SIDE)
        features = self.net(x).amax(dim=(2, 3))
        return _pool(features, enc)


def _cells(value: object) -> np.ndarray | None:
    """A grid value's colour array (ARC grids carry one as ``cells``), else ``None``."""
    cells = getattr(value, "cells", None)
    return cells if isinstance(cells, np.ndarray) and cells.ndim == 2 else None


ENCODERS: Mapping[str, Callable[[int, int, int], Encoder]] = {
    "int-lists": ListEncoder,
    "colour-grids": GridEncoder,
    "tokens": TokenEncoder,
}
"""The encoder for each value shape a domain may declare (``Domain.values``), and the
generic ``tokens`` for domains that declare none."""

_STORED_NAMES = {"lists": "int-lists", "grids": "colour-grids"}
"""Encoder names in guides stored before encoders were named by value shape."""


@final
class GuideNet(nn.Module):
    """Encoder (plus its hand-made features when ``features``), one hidden layer with
    ``dropout`` (masks drawn from ``generator``), and a head with ``rows`` rows of
    ``outputs`` (one per production plus one for the variables): row 0 for every hole,
    row ``1 + c`` added to it at holes of the ``c``-th slot. Made by :func:`make_net`."""

    def __init__(
        self,
        encoder: Encoder,
        outputs: int,
        features: bool = False,
        dropout: float = 0.0,
        rows: int = 1,
        *,
        generator: torch.Generator,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.outputs, self.rows = outputs, rows
        self.features = features and encoder.feature_count > 0
        width = encoder.hidden + (encoder.feature_count if self.features else 0)
        self.hidden = nn.Sequential(
            nn.Linear(width, encoder.hidden), nn.ReLU(), Dropout(dropout, generator)
        )
        self.head = nn.Linear(encoder.hidden, rows * outputs)

    def forward(self, enc: Encoded) -> torch.Tensor:
        """Per task, the weight changes at holes of each kind: ``[tasks, rows, outputs]``,
        row 0 for holes of slots without their own row, row ``1 + c`` for slot ``c``
        (already including row 0)."""
        x = self.encoder(enc)
        if self.features:
            assert enc.features is not None
            x = torch.cat([x, enc.features], 1)
        out = self.head(self.hidden(x)).reshape(len(x), self.rows, self.outputs)
        shared = out[:, :1]
        return torch.cat([shared, shared + out[:, 1:]], 1)


def make_net(
    encoder: str,
    outputs: int,
    embed: int,
    hidden: int,
    max_tokens: int,
    features: bool = False,
    dropout: float = 0.0,
    contexts: int = 0,
    *,
    generator: torch.Generator,
) -> GuideNet:
    """A fresh model with the ``encoder`` of :data:`ENCODERS` and ``contexts`` slots of
    its own (0: the unigram model), its weights and dropout masks drawn from ``generator``;
    ``ValueError`` for an unknown encoder. The head starts at zero, so an untrained guide
    is the library itself."""
    make = ENCODERS.get(_STORED_NAMES.get(encoder, encoder))
    if make is None:
        raise ValueError(f"no guide encoder {encoder!r}; known: {', '.join(sorted(ENCODERS))}")
    net = build(
        lambda: GuideNet(
            make(embed, hidden, max_tokens), outputs, features, dropout, 1 + contexts,
            generator=generator,
        ),
        generator,
    )  # fmt: skip
    with torch.no_grad():
        net.head.weight.zero_()
        net.head.bias.zero_()
    return net
