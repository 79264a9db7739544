"""The HTTP app of ``metagrow serve``: the programs and models of a store behind a small
JSON API (``docs/serve.md``). Imported only by that command, as it needs FastAPI.

Endpoints are ``async`` and run each prediction synchronously on the event loop: the
interpreter is pure Python, so threads would only take turns on the GIL and add a hand-off
per request, and a compiled :class:`~metagrow.lang.Program` (whose step meter is per run)
is then only ever used by one request at a time. Throughput on several cores comes from
several worker processes, each with its own copy of the programs. Every run is bounded
by the domain's limits and every request by :data:`MAX_INPUTS` and
:data:`REQUEST_SECONDS`, so a request blocks the loop for at most that long.
"""

from __future__ import annotations

import json
import math
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, final

import numpy as np
from fastapi import FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from metagrow.api._model import Model
from metagrow.api._stored import StoredProgram, stored_models, stored_programs
from metagrow.domains import JSON
from metagrow.lang import FAIL, Program, show
from metagrow.store import StoreError

MAX_INPUTS = 1000
"""The most inputs one predict request may carry."""
REQUEST_SECONDS = 1.0
"""The most time one predict request may spend running its program on its inputs."""
MAX_BODY_BYTES = 1 << 20
"""The largest request body (by its ``Content-Length``) the app reads."""
STORE_VARIABLE = "METAGROW_SERVE_STORE"
"""The environment variable :func:`app_from_environment` reads the store path from."""


class InputError(ValueError):
    """An input that cannot be predicted: its message is the one-line reason sent back."""


class Served(ABC):
    """A program or model as served: what ``/programs`` shows and how it predicts."""

    name: str
    kind: str
    type: str

    @abstractmethod
    def describe(self) -> dict[str, object]:
        """What ``GET /programs/{name}`` answers."""

    @abstractmethod
    def predict(self, inputs: Sequence[JSON], deadline: float) -> list[str]:
        """Each input's output as JSON text, in input order; :class:`InputError` for the
        first input that cannot be predicted or once ``deadline`` (``perf_counter``) passes."""


@final
class ServedProgram(Served):
    """A stored solution, compiled once; inputs and outputs in the task-file JSON form."""

    kind = "program"

    def __init__(self, stored: StoredProgram) -> None:
        self.stored = stored
        self.name = stored.name
        self.type = str(stored.request)
        self.program = Program(stored.expr, stored.grammar.primitives)
        self.limits = stored.domain.limits()

    def describe(self) -> dict[str, object]:
        s = self.stored
        return {
            "name": s.name,
            "kind": self.kind,
            "type": self.type,
            "domain": s.domain.name,
            "program": s.text,
            "arguments": [str(t) for t in s.request.arguments()],
            "returns": str(s.request.returns()),
            "provenance": {
                "run": s.run_id,
                "iteration": s.iteration,
                "seconds": s.seconds,
                "programs_tried": s.programs_tried,
            },
        }

    def predict(self, inputs: Sequence[JSON], deadline: float) -> list[str]:
        domain, request = self.stored.domain, self.stored.request
        rows = [self._decode(i, value) for i, value in enumerate(inputs)]
        out: list[str] = []
        for i, args in enumerate(rows):
            value = self.program.run(args, self.limits, deadline)
            if value is FAIL:
                if time.perf_counter() >= deadline:
                    raise InputError(
                        f"the request ran out of time at inputs[{i}]; send fewer inputs per request"
                    )
                raise InputError(f"inputs[{i}]: the program failed: {self.program.last_error}")
            try:
                encoded = domain.encode(value, request.returns())
            except Exception as err:  # a domain's encoder on a value it did not expect
                raise InputError(f"inputs[{i}]: the output cannot be written ({err})") from None
            out.append(_dumps(encoded, i))
        return out

    def _decode(self, i: int, value: JSON) -> list[object]:
        domain, types = self.stored.domain, self.stored.request.arguments()
        if len(types) == 1:
            values: JSON = [value]
        elif not isinstance(value, list) or len(value) != len(types):
            raise InputError(
                f"inputs[{i}]: the program takes {len(types)} arguments "
                f"({', '.join(map(str, types))}); send each input as a list of them"
            )
        else:
            values = value
        assert isinstance(values, list)
        if _names_a_file(values):
            raise InputError(
                f'inputs[{i}]: the server reads no files ({{"file": ...}}); send the values '
                "themselves (an image or tensor as nested lists of numbers)"
            )
        decoded = []
        for k, (v, t) in enumerate(zip(values, types, strict=True)):
            try:
                decoded.append(domain.decode(v, t))
            except Exception as err:  # a decoder's one-line reason, whatever it raised
                message = " ".join(str(err).split()) or type(err).__name__
                where = f"inputs[{i}]" if len(types) == 1 else f"inputs[{i}][{k}]"
                raise InputError(f"{where}: {message} (the argument is a {t})") from None
        return decoded


@final
class ServedModel(Served):
    """A fitted model: an input is one table row (an object of column -> number, or a list
    of numbers in column order), the output its prediction."""

    kind = "model"

    def __init__(self, name: str, model: Model) -> None:
        self.name = name
        self.model = model
        returns = "label" if model.kind == "classification" else "number"
        self.type = f"row({', '.join(model.columns)}) -> {returns}"

    def describe(self) -> dict[str, object]:
        m = self.model
        return {
            "name": self.name,
            "kind": self.kind,
            "type": self.type,
            "model": m.kind,
            "columns": list(m.columns),
            "target": m.target,
            "classes": list(m.classes),
            "programs": [show(p.program) for p in m.programs],
        }

    def predict(self, inputs: Sequence[JSON], deadline: float) -> list[str]:
        if not inputs:
            return []
        X = np.array([self._row(i, value) for i, value in enumerate(inputs)], dtype=np.float64)
        with np.errstate(all="ignore"):
            predictions = self.model.predict(X)
        out = []
        for i, p in enumerate(predictions):
            if isinstance(p, float) and not math.isfinite(p):
                raise InputError(f"inputs[{i}]: the model's program fails on this row")
            out.append(_dumps(p, i))
        return out

    def _row(self, i: int, value: JSON) -> list[float]:
        columns = self.model.columns
        if isinstance(value, dict):
            missing = [c for c in columns if c not in value]
            if missing:
                raise InputError(f"inputs[{i}]: no column {missing[0]!r}; the model needs "
                                 f"{', '.join(columns)}")  # fmt: skip
            cells = [value[c] for c in columns]
        elif isinstance(value, list) and len(value) == len(columns):
            cells = value
        else:
            raise InputError(
                f"inputs[{i}]: send a row as an object of column -> number or a list of "
                f"{len(columns)} numbers ({', '.join(columns)})"
            )
        for c, cell in zip(columns, cells, strict=True):
            if isinstance(cell, bool) or not isinstance(cell, int | float):
                raise InputError(f"inputs[{i}]: column {c!r} is not a number")
            if not math.isfinite(cell):
                raise InputError(f"inputs[{i}]: column {c!r} is not a finite number")
        return [float(cell) for cell in cells]


def _dumps(value: object, i: int) -> str:
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        raise InputError(f"inputs[{i}]: the output cannot be written as JSON ({err})") from None


def served_from(path: Path) -> dict[str, Served]:
    """Everything the store at ``path`` serves by name: each task's stored solution and
    each fitted model; ``StoreError`` (one line) for a name that is both."""
    served: dict[str, Served] = {p.name: ServedProgram(p) for p in stored_programs(path)}
    for name, model in stored_models(path).items():
        if name in served:
            raise StoreError(
                f"{path}: {name!r} is both a task and a model; save the model under "
                "another name (metagrow fit --name)"
            )
        served[name] = ServedModel(name, model)
    return served


class Predict(BaseModel):
    """A predict request: the inputs, each in the task-file JSON form (a model's: a row)."""

    model_config = ConfigDict(extra="forbid")
    inputs: list[Any]


class Outputs(BaseModel):
    """A predict answer: one output per input, in input order."""

    outputs: list[Any]


class Listed(BaseModel):
    name: str
    kind: str
    type: str


class Listing(BaseModel):
    programs: list[Listed]


Name = Annotated[str, PathParam(description="A task name or a model name.")]


def make_app(
    served: Mapping[str, Served],
    max_inputs: int = MAX_INPUTS,
    max_body: int = MAX_BODY_BYTES,
    request_seconds: float = REQUEST_SECONDS,
) -> FastAPI:
    """The app serving ``served`` (from :func:`served_from`) with the given caps on a
    predict request: inputs, body bytes and seconds of running."""
    app = FastAPI(
        title="metagrow serve",
        summary="Programs learned by metagrow, and fitted models, run on JSON inputs.",
    )
    listing = Listing(programs=[Listed(name=s.name, kind=s.kind, type=s.type)
                                for s in served.values()])  # fmt: skip

    def find(name: str) -> Served:
        found = served.get(name)
        if found is None:
            names = ", ".join(sorted(served)[:20])
            raise HTTPException(404, f"no program or model {name!r}; served: {names}")
        return found

    @app.get("/programs")
    async def list_programs() -> Listing:
        """Every program and model served: its name, kind and type."""
        return listing

    @app.get("/programs/{name}")
    async def describe(name: Name) -> dict[str, object]:
        """One program (type, text, provenance) or model (columns, target, programs)."""
        return find(name).describe()

    @app.post("/programs/{name}/predict", response_model=Outputs)
    async def predict(name: Name, body: Predict) -> Response:
        """The outputs for ``inputs``, in input order (at most 1000 inputs a request)."""
        target = find(name)
        if len(body.inputs) > max_inputs:
            raise HTTPException(
                422, f"{len(body.inputs)} inputs; send at most {max_inputs} per request"
            )
        try:
            outputs = target.predict(body.inputs, time.perf_counter() + request_seconds)
        except InputError as err:
            raise HTTPException(422, str(err)) from None
        return Response(f'{{"outputs":[{",".join(outputs)}]}}', media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def one_line(request: Request, err: RequestValidationError) -> JSONResponse:
        if "json" not in request.headers.get("content-type", ""):
            detail = 'send the body as JSON {"inputs": [...]} with Content-Type: application/json'
            return JSONResponse({"detail": detail}, 415)
        return JSONResponse({"detail": _reason(err)}, 400 if _bad_json(err) else 422)

    app.add_middleware(_BodyCap, most=max_body)
    return app


def _bad_json(err: RequestValidationError) -> bool:
    return any(e.get("type") == "json_invalid" for e in err.errors())


def _reason(err: RequestValidationError) -> str:
    """A validation error as one line: the first problem and where."""
    errors = err.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        context = first.get("ctx", {}).get("error", "")
        return f"the body is not valid JSON ({context})" if context else "the body is not JSON"
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    where = ".".join(loc) or "body"
    if first.get("type") == "model_attributes_type" or where == "body":
        return 'the body must be a JSON object {"inputs": [input, ...]}'
    if first.get("type") == "list_type":
        return f"{where!r} must be a list"
    if first.get("type") == "extra_forbidden":
        return f'unknown field {where!r}; the body is {{"inputs": [input, ...]}}'
    return f"{where}: {' '.join(str(first.get('msg', 'invalid')).split())}"


@final
class _BodyCap:
    """ASGI middleware answering 413 to a request whose ``Content-Length`` is over ``most``
    bytes, before the body is read."""

    def __init__(self, app: Any, most: int) -> None:
        self.app = app
        self.most = most

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and (not length.isdigit() or int(length) > self.most):
                detail = f"the body is over {self.most} bytes; send fewer inputs per request"
                await JSONResponse({"detail": detail}, 413)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def app_from_environment() -> FastAPI:
    """The app for the store named by :data:`STORE_VARIABLE`: what each worker process of
    ``metagrow serve --workers N`` builds (uvicorn imports it by name)."""
    return make_app(served_from(Path(os.environ[STORE_VARIABLE])))


def _names_a_file(value: JSON) -> bool:
    """Whether a JSON value holds a ``{"file": ...}`` reference anywhere (task files may
    name image files; a request to the server may not make it read its own files)."""
    if isinstance(value, list):
        return any(_names_a_file(v) for v in value)
    if isinstance(value, dict):
        return "file" in value or any(_names_a_file(v) for v in value.values())
    return False
