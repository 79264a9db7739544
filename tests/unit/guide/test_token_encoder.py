"""The guide picks its encoder from what a domain declares about its values."""

from __future__ import annotations

import torch

from metagrow.domains import Domain
from metagrow.domains.grids import GridsDomain
from metagrow.domains.lists import ListsDomain
from metagrow.guide import describe_encoder, encoder_for
from metagrow.guide._model import TokenEncoder
from metagrow.lang import Example, Grammar, Task, parse_type


class _Minimal(Domain):
    name = "minimal"

    def grammar(self) -> Grammar:
        return ListsDomain().grammar()

    def constructors(self) -> frozenset[str]:
        return frozenset({"int", "list"})


def test_encoders_come_from_declared_value_shapes() -> None:
    assert encoder_for(ListsDomain()) == "int-lists"
    assert encoder_for(GridsDomain()) == "colour-grids"
    assert encoder_for(_Minimal()) == "tokens"
    assert "generic token encoder" in describe_encoder(_Minimal())


def test_the_token_encoder_reads_strings_floats_and_unknown_values() -> None:
    enc = TokenEncoder(8, 16, 32)
    chars = enc.tokens("ab")
    assert len(chars) == 4 and chars[1] != chars[2]
    assert enc.tokens(1.5) != enc.tokens(-1.5) != enc.tokens(1e9)
    assert all(t < enc.vocab for t in enc.tokens(["é", 2.0e30, -1e-9, True, object()]))
    task = Task(
        "upper",
        parse_type("list(int) -> list(int)"),
        (Example(((1, 2),), (2, 1)), Example(((3,),), (3,))),
    )
    batch = enc.encode([task, task])
    assert enc(batch).shape == (2, 16)
    assert torch.equal(enc(batch)[0], enc(batch)[1])
