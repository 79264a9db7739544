"""``metagrow adapt``: a stored module's trunk, frozen, with a new head fitted to a task's
examples in well under a second, stored as a new module sharing the trunk's weights."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from metagrow.cli._errors import UsageError, fail

if TYPE_CHECKING:
    from metagrow.fit import Module, ModuleFunction
    from metagrow.lang import Example, Task
    from metagrow.store import Store


def adapt_command(
    task_file: Annotated[
        Path,
        typer.Argument(metavar="TASK.json", help="A perception task: one value to an int or bool."),
    ],
    store: Annotated[Path, typer.Option(help="The SQLite store holding the module.")],
    module: Annotated[str, typer.Option("--module", help="The stored module whose trunk to keep.")],
    name: Annotated[
        str | None, typer.Option(help="The new module's name (default: <module>_<task>).")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed, recorded with the module (the convex fit draws nothing).")
    ] = 0,
    balanced: Annotated[
        bool,
        typer.Option("--balanced", help="Weigh each class the same, however few examples it has."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Fit a new last layer on a stored module's frozen features to the task's train
    examples, and store the result as a new module (only its head's weights; the trunk's
    are the stored module's)."""
    from metagrow import api
    from metagrow.domains import TaskFileError
    from metagrow.domains.perception import PerceptionDomain
    from metagrow.fit import HeadConfig, ModuleFunction, adapt_head
    from metagrow.learning import module_record
    from metagrow.store import StoreError

    try:
        task = PerceptionDomain().read_task(task_file)
        _check_task(task)
        with api.open_store(store) as db:
            trunk = _stored(db, module, store)
            _check_input(trunk, task)
            new_name = name or f"{module}_{task.name}"
            if db.module(new_name) is not None:
                raise UsageError(
                    f"{store} already has a module named {new_name!r}; choose another with --name"
                )
            values = [ex.inputs[0] for ex in task.train]
            labels = [cast("int | bool", ex.output) for ex in task.train]
            import scipy.optimize  # noqa: F401  (loaded before the clock: it times the fit)

            start = time.perf_counter()
            adapted = adapt_head(
                trunk, values, labels, new_name, seed=seed, config=HeadConfig(balanced=balanced)
            )
            seconds = time.perf_counter() - start
            run = ModuleFunction(adapted)
            train = _accuracy(run, task.train)
            tested = [ex for ex in task.test if ex.has_output]
            test = _accuracy(run, tested) if tested else None
            record = module_record(
                adapted,
                {"train_accuracy": train, "test_accuracy": test, "seconds": round(seconds, 3),
                 "examples": len(values), "balanced": balanced},
                {"adapted_from": module, "task": task.name, "domain": "perception", "seed": seed},
                trunk=db.module,
            )  # fmt: skip
            db.put_module(record)
    except (UsageError, TaskFileError, StoreError, ValueError) as err:
        fail(str(err))
    result = {
        "module": new_name,
        "adapted_from": module,
        "task": task.name,
        "type": str(adapted.type),
        "examples": len(values),
        "train_accuracy": train,
        "test_accuracy": test,
        "seconds": round(seconds, 3),
    }
    if as_json:
        print(json.dumps(result))
        return
    print(f"adapted {module} to {task.name} ({len(values)} examples) in {seconds:.3f} s")
    print(f"train accuracy: {train:.3f}")
    if test is not None:
        print(f"test accuracy: {test:.3f} ({len(tested)} examples)")
    print(f"stored as {new_name} ({adapted.type}) in {store}")


def _check_task(task: Task) -> None:
    from metagrow.domains import perceptual_shape
    from metagrow.lang import BOOL, INT

    args = task.request.arguments()
    one_value = len(args) == 1 and perceptual_shape(args[0]) is not None
    if not one_value or task.request.returns() not in (INT, BOOL):
        raise UsageError(
            f"task {task.name!r} has type {task.request}; adapt needs one tensor or image to "
            "an int or a bool, e.g. image[8,8] -> int"
        )


def _stored(db: Store, name: str, path: Path) -> Module:
    """The stored module ``name`` (its trunk found in the same store if it has one)."""
    from metagrow.learning import module_from_record

    record = db.module(name)
    if record is None:
        stored = ", ".join(r.name for r in db.modules()) or "none"
        raise UsageError(f"{path} has no module named {name!r}; stored modules: {stored}")
    return module_from_record(record, trunk=db.module)


def _check_input(module: Module, task: Task) -> None:
    wanted, given = module.type.arguments()[0], task.request.arguments()[0]
    if wanted != given:
        raise UsageError(
            f"module {module.name!r} reads {wanted}, but task {task.name!r} gives {given}"
        )


def _accuracy(run: ModuleFunction, examples: tuple[Example, ...] | list[Example]) -> float:
    answers = run.batch([ex.inputs[0] for ex in examples])
    right = sum(a == ex.output for a, ex in zip(answers, examples, strict=True))
    return round(right / len(examples), 4)
