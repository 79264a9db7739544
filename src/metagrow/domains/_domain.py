"""The domain contract: a primitive set plus how its values look in JSON."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from metagrow.lang import (
    BOOL,
    INT,
    Context,
    Grammar,
    Limits,
    Task,
    TCon,
    Type,
    TypeParseError,
    UnificationError,
    parse_type,
)

JSON = object
"""A value as ``json.load`` returns it."""


ValueShape = Literal["int-lists", "colour-grids"]
"""What a domain's values look like, for the guide's example encoder: ``int-lists`` (ints,
booleans and nested lists of them), ``colour-grids`` (2D arrays of colours 0-9, with the
grid in a ``cells`` attribute)."""


class ValueDecodeError(ValueError):
    """A JSON value that does not have the type a task asks for."""


class Domain(ABC):
    """A family of tasks: its grammar, the types it can express, its values' JSON form, how
    it recognises and reads its task files, its built-in suites and its run limits.

    Only :meth:`grammar` and :meth:`constructors` must be written (and :meth:`decode` /
    :meth:`encode` when values are not ints, booleans and lists); everything else has a
    default. Subclasses are final values built with no arguments (workers rebuild them by
    class); a domain is data plus pure functions and never imports search or learning code.
    """

    name: str = "domain"
    task_suffixes: ClassVar[tuple[str, ...]] = (".json",)
    default_engine: ClassVar[str] = "bottomup"
    """The search engine (by its command-line name) for this domain's tasks when none is
    asked for."""
    """The file suffixes of this domain's task files (in lower case), for reading a folder."""
    values: ClassVar[ValueShape | None] = None
    """What the values look like, so that the guide can pick its encoder; ``None`` (the
    default) gets a generic one that reads any value as a token sequence."""
    fitting_share: ClassVar[float] = 0.25
    """At most this share of a task's budget goes to :meth:`task_grammar` (reading
    primitives off the task's examples); the search gets the rest."""
    search_memory_mb: ClassVar[int | None] = None
    """The memory (MiB) a search may hold where the budget names none (``Budget.memory_mb``);
    ``None``: the engines' own bounds alone."""

    @abstractmethod
    def grammar(self) -> Grammar:
        """The base library of this domain."""

    @abstractmethod
    def constructors(self) -> frozenset[str]:
        """Type constructors this domain can express (``int``, ``list``, ...)."""

    def __reduce__(self) -> tuple[type[Domain], tuple[()]]:
        """Domains cross process boundaries by class: a worker rebuilds the primitives
        (which hold Python functions) instead of unpickling them."""
        return type(self), ()

    def task_grammar(self, task: Task, grammar: Grammar, seconds: float = 5.0) -> Grammar:
        """``grammar`` with primitives read off ``task``'s train examples (say, a colour
        table the examples show), taking about ``seconds`` at most; by default none. Such
        primitives are the task's own: they never enter a learned library."""
        return grammar

    def forget(self) -> None:
        """Drops what the domain's primitives remember from one task's search (caches of
        results by value): the backends call it between two tasks of a worker
        (``metagrow.search``'s ``tidy``), so that it does not carry one task's values into
        the next. Nothing by default."""
        return None

    def library_file(self) -> Path | None:
        """Where the library learned on this domain's own training tasks ships with it (a
        JSON file ``metagrow library ship`` writes, read by :mod:`metagrow.library`), for
        ``solve`` and ``bench`` to search with unless ``--no-library``; none by default."""
        return None

    def limits(self) -> Limits:
        """Bounds for running one program on one input in this domain."""
        return Limits()

    def expresses(self, t: Type) -> bool:
        """Whether tasks of type ``t`` can be searched here: this domain knows every type
        constructor in it, and some primitive takes or gives each of its argument types
        and its result type (see :func:`unexpressed`)."""
        return set(t.constructors()) <= self.constructors() and unexpressed(self, t) is None

    def codecs(self) -> Mapping[str, Sequence[Callable[..., Any]]]:
        """For each of the domain's own value types (by name), the plain functions that
        read it from its task-file JSON form (``decode_<name>``) and, unless the value is
        its own JSON, write it back (``encode_<name>``). ``metagrow export --to python``
        copies them into an exported module, which then reads and writes such values as
        :meth:`decode` and :meth:`encode` do. None by default: ints, booleans, reals and
        lists of them need none."""
        return {}

    def decode(self, value: JSON, t: Type) -> object:
        """The runtime value for JSON ``value`` of type ``t``; raises :class:`ValueDecodeError`."""
        return decode_basic(value, t)

    def encode(self, value: object, t: Type) -> JSON:
        """The JSON form of a runtime value of type ``t``."""
        return encode_basic(value)

    def describe(self) -> str:
        return f"{self.name} ({len(self.grammar().productions)} primitives)"

    # -- task files -----------------------------------------------------------------------

    def recognises(self, data: JSON) -> bool:
        """Whether parsed task JSON is this domain's, for picking a domain from a file:
        by default, a task whose ``type`` field names only constructors it expresses."""
        request = declared_type(data)
        return request is not None and self.expresses(request)

    def task_from_json(self, data: JSON, source: str, name: str = "task") -> Task:
        """A task from parsed JSON (``source`` names it in errors, ``name`` is the default
        name); raises ``TaskFileError`` with one line. By default the typed task format."""
        from metagrow.domains._taskfile import task_from_json

        return task_from_json(data, self, source=source, default_name=name)

    def read_task(self, path: Path) -> Task:
        """The task in the file at ``path``, named after the file unless it says."""
        from metagrow.domains._taskfile import read_json

        return self.task_from_json(read_json(path), str(path), path.stem)

    # -- built-in suites ------------------------------------------------------------------

    def splits(self) -> tuple[str, ...]:
        """The names of this domain's built-in task suites (the first is the default);
        none by default."""
        return ()

    def suite(self, split: str) -> Sequence[Task]:
        """The tasks of built-in suite ``split`` (one of :meth:`splits`)."""
        raise ValueError(f"domain {self.name} has no built-in suite {split!r}")

    def suite_name(self, split: str) -> str:
        """How runs and reports name suite ``split``."""
        return f"{self.name}/{split}"


def declared_type(data: JSON) -> Type | None:
    """The type a task's parsed JSON declares in its ``type`` field, if it parses."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        return None
    try:
        return parse_type(data["type"])
    except TypeParseError:
        return None


def unexpressed(domain: Domain, t: Type) -> Type | None:
    """The first of ``t``'s argument types and result type that no primitive of
    ``domain`` takes or gives (such as ``list(int)`` among grid primitives), or ``None``:
    a search could at most pass such a value through, never compute with it."""
    shapes = {s for p in domain.grammar().productions for s in _parts(p.type)}
    for part in (*t.arguments(), t.returns()):
        if not any(_fits(part, shape) for shape in shapes):
            return part
    return None


def _parts(t: Type) -> Iterator[Type]:
    """The types a primitive of type ``t`` takes (also inside function arguments) and gives."""
    for a in t.arguments():
        yield a
        yield from _parts(a) if a.is_arrow() else ()
    yield t.returns()


def _fits(a: Type, b: Type) -> bool:
    ctx = Context()
    a, ctx = ctx.instantiate(a)
    b, ctx = ctx.instantiate(b)
    try:
        ctx.unify(a, b)
    except UnificationError:
        return False
    return True


def decode_basic(value: JSON, t: Type) -> object:
    """Decode ints, bools and (nested) lists, lists becoming tuples."""
    if t == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueDecodeError(f"expected an int, got {_brief(value)}")
        return value
    if t == BOOL:
        if not isinstance(value, bool):
            raise ValueDecodeError(f"expected a bool, got {_brief(value)}")
        return value
    if isinstance(t, TCon) and t.name == "list" and len(t.args) == 1:
        if not isinstance(value, list):
            raise ValueDecodeError(f"expected a list, got {_brief(value)}")
        return tuple(decode_basic(v, t.args[0]) for v in value)
    raise ValueDecodeError(f"values of type {t} cannot be read")


def encode_basic(value: object) -> JSON:
    if isinstance(value, (tuple, list)):
        return [encode_basic(v) for v in value]
    return value


def _brief(value: JSON) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def names(items: Iterable[str]) -> str:
    return ", ".join(sorted(items))
