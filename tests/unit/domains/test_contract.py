"""The domain contract: every built-in domain passes check_domain; broken domains fail it;
domains are picked by name, by import string and from a task's JSON."""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

import pytest

from metagrow.domains import (
    BUILTIN_DOMAINS,
    JSON,
    Domain,
    DomainSpecError,
    ValueDecodeError,
    detect_domain,
    domain_from_spec,
)
from metagrow.domains.digits import TASK_NAMES, load_digit_images, make_task
from metagrow.domains.lists import ListsDomain, list_primitives
from metagrow.domains.numeric import FORMULAS, formula_table, table_as_task
from metagrow.domains.perception import digit_tasks
from metagrow.lang import INT, Example, Grammar, Primitive, Task, Type, arrow, tlist
from metagrow.testing import check_domain


@pytest.mark.parametrize("name", sorted(set(BUILTIN_DOMAINS) - {"arc"}))
def test_every_built_in_domain_passes_the_contract(name: str) -> None:
    domain = domain_from_spec(name)
    tasks = None
    if name == "digits":
        images = load_digit_images()
        tasks = [make_task(n, images, 6, test_size=4).task for n in TASK_NAMES]
    if name == "perception":
        tasks = list(digit_tasks({"recognise_digit": 6, "sum_digits": 6}, test_size=4))
    if name == "numeric":  # no built-in suite: a few formula tables
        tasks = [table_as_task(formula_table(f, 12, seed=0)) for f in FORMULAS[:6]]
    report = check_domain(domain, tasks)
    statuses = {r.name: r.status for r in report.results}
    assert set(statuses.values()) == {"passed"}, report.lines()


class _Minimal(Domain):
    """A domain that defines only what the contract requires."""

    name = "minimal"

    def grammar(self) -> Grammar:
        return Grammar.uniform([p for p in list_primitives() if p.name in {"+", "1", "map"}])

    def constructors(self) -> frozenset[str]:
        return frozenset({"int", "list"})


def test_a_minimal_domain_without_tasks_reports_not_applicable() -> None:
    report = check_domain(_Minimal())
    statuses = {r.name: r.status for r in report.results}
    assert statuses["grammar is well typed"] == "passed"
    assert statuses["values round-trip through JSON"] == "not applicable"
    assert statuses["workers rebuild the domain by class"] == "passed"


_calls = itertools.count()


class _Impure(_Minimal):
    def grammar(self) -> Grammar:
        bump = Primitive("bump", arrow(INT, INT), lambda x: x + next(_calls))
        return Grammar.uniform([*super().grammar().primitives.values(), bump])


class _BadDecoder(_Minimal):
    def decode(self, value: JSON, t: Type) -> object:
        if not isinstance(value, int):
            raise KeyError("no")
        return value


class _Undeclared(_Minimal):
    def constructors(self) -> frozenset[str]:
        return frozenset({"int"})


class _Slow(_Minimal):
    def task_grammar(self, task: Task, grammar: Grammar, seconds: float = 5.0) -> Grammar:
        time.sleep(1.5 * seconds + 0.6)
        return grammar


def _int_tasks() -> list[Task]:
    return [Task("add-one", arrow(INT, INT), tuple(Example((x,), x + 1) for x in range(5)))]


@pytest.mark.parametrize(
    ("domain", "failing"),
    [
        (_Impure(), "primitives are pure"),
        (_BadDecoder(), "bad values raise ValueDecodeError"),
        (_Undeclared(), "grammar is well typed"),
        (_Slow(), "task_grammar keeps to its time"),
    ],
)
def test_a_broken_domain_fails_the_check_that_covers_it(domain: Domain, failing: str) -> None:
    with pytest.raises(AssertionError, match=failing):
        check_domain(domain, _int_tasks(), task_seconds=0.2)


def test_domains_are_picked_by_name_and_import_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert domain_from_spec("lists").name == "lists"
    assert domain_from_spec("arc").name == "grids"
    (tmp_path / "mydomain.py").write_text(
        "from metagrow.domains import Domain\n"
        "from metagrow.domains.lists import ListsDomain\n"
        "class Mine(Domain):\n"
        "    name = 'mine'\n"
        "    def grammar(self):\n"
        "        return ListsDomain().grammar()\n"
        "    def constructors(self):\n"
        "        return frozenset({'int', 'list', 'bool'})\n"
        "NotADomain = int\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    assert domain_from_spec("mydomain:Mine").name == "mine"
    for spec, says in [
        ("nosuchmodule:X", "no module 'nosuchmodule'"),
        ("mydomain:Missing", "has no 'Missing'"),
        ("mydomain:NotADomain", "not a subclass"),
        ("mydomain:", "package.module:ClassName"),
        ("nosuch", "unknown domain 'nosuch'"),
    ]:
        with pytest.raises(DomainSpecError, match=says):
            domain_from_spec(spec)


def test_a_task_file_picks_its_domain_by_what_it_holds() -> None:
    grid = [[1, 0], [0, 1]]
    assert detect_domain({"train": [{"input": grid, "output": grid}]}).name == "grids"
    assert detect_domain({"train": [{"input": [1, 2], "output": 3}]}).name == "lists"
    assert detect_domain({"type": "grid -> color", "train": []}).name == "grids"
    assert detect_domain({"type": "list(int) -> int", "train": []}).name == "lists"
    assert detect_domain("junk").name == "lists"  # the fallback, whose loader says why


def test_domain_suites_are_the_domains_own() -> None:
    lists = ListsDomain()
    assert lists.splits()[0] == "train" and lists.suite_name("train") == "lists/train"
    assert len(lists.suite("heldout")) == 114
    with pytest.raises(ValueError, match="splits"):
        lists.suite("nope")
    assert _Minimal().splits() == ()


def test_decode_rejects_with_value_decode_error() -> None:
    with pytest.raises(ValueDecodeError):
        ListsDomain().decode("x", tlist(INT))
