"""What identifies a learning run, and the checks on its settings."""

from __future__ import annotations

import pytest

from metagrow.lang import Limits
from metagrow.learning import LearnConfig


def test_optional_guide_settings_stay_out_of_the_run_key_until_used() -> None:
    plain = LearnConfig("lists", "lists/train")
    assert "guide" not in plain.key() and "guide_seconds" not in plain.key()
    capped = LearnConfig("lists", "lists/train", guide=True, guide_seconds=30.0)
    assert capped.key()["guide"] is True and capped.key()["guide_seconds"] == 30.0
    assert LearnConfig("lists", "lists/train", iterations=5).key() == plain.key()


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_guide_seconds_must_be_positive(seconds: float) -> None:
    with pytest.raises(ValueError, match="guide seconds"):
        LearnConfig("lists", "lists/train", guide=True, guide_seconds=seconds)


def test_a_program_budget_is_part_of_the_run_key_and_grows_with_the_time_budget() -> None:
    plain = LearnConfig("lists", "lists/train", budget=10.0)
    capped = LearnConfig("lists", "lists/train", budget=10.0, programs=1000)
    assert "programs" not in plain.key() and capped.key()["programs"] == 1000
    assert plain.task_budget(15.0, Limits()).programs is None
    assert capped.task_budget(10.0, Limits()).programs == 1000
    assert capped.task_budget(15.0, Limits()).programs == 1500
    with pytest.raises(ValueError, match="programs must be at least 1"):
        LearnConfig("lists", "lists/train", programs=0)
