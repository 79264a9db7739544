"""The HTTP app of ``metagrow ui``: pages rendered on the server from Jinja2 templates (kept
as package data), a stylesheet and a few lines of script; imported only by that command,
as it needs FastAPI and Jinja2 (the ``ui`` extra)."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from metagrow.store import StoreError
from metagrow.ui import _svg
from metagrow.ui._data import NotFound, RunView, run_view, suite_tasks, version, version_of
from metagrow.ui._draw import pretty
from metagrow.ui._run import examples, first_input, run_text

Build = Callable[[RunView | None], dict[str, object]]
"""What a page shows beyond the header, made from the run's view (``None``: no runs)."""

PAGES = (("/", "Overview"), ("/library", "Library"), ("/runs", "Runs"), ("/tasks", "Tasks"),
         ("/playground", "Playground"))  # fmt: skip


def make_app(store: Path) -> FastAPI:
    """The app showing the store at ``store``, opened read-only on every request."""
    app = FastAPI(title="metagrow ui", docs_url=None, redoc_url=None, openapi_url=None)
    env = Environment(
        loader=PackageLoader("metagrow.ui", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    static = resources.files("metagrow.ui") / "static"

    def page(
        request: Request, name: str, run: int | None, build: Build, **context: Any
    ) -> HTMLResponse:
        """Template ``name`` over run ``run`` (the newest if ``None``), with what ``build``
        makes of the run's view."""
        runs, view = run_view(store, run)
        more = build(view)
        html = env.get_template(name).render(
            store=store, runs=runs, view=view, pages=PAGES, path=request.url.path,
            version=version_of(runs),
            run_query=f"?run={view.info.id}" if view is not None and run is not None else "",
            **context, **more,
        )  # fmt: skip
        return HTMLResponse(html)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, err: StoreError) -> HTMLResponse:
        return _error(env, store, str(err), 503)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, err: NotFound) -> HTMLResponse:
        return _error(env, store, str(err), 404)

    @app.exception_handler(RequestValidationError)
    async def bad_query(request: Request, err: RequestValidationError) -> HTMLResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "query") or "the request"
        return _error(env, store, f"{where}: {first.get('msg', 'invalid')}", 400)

    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request, run: int | None = None) -> HTMLResponse:
        return page(request, "overview.html", run, build=_overview)

    @app.get("/library", response_class=HTMLResponse)
    def library(request: Request, run: int | None = None, q: str = "") -> HTMLResponse:
        return page(request, "library.html", run, q=q, build=lambda v: _library(v, q))

    @app.get("/library/{name}", response_class=HTMLResponse)
    def invention(request: Request, name: str, run: int | None = None) -> HTMLResponse:
        return page(request, "invention.html", run, build=lambda v: _invention(v, name))

    @app.get("/runs", response_class=HTMLResponse)
    def runs(request: Request, run: int | None = None) -> HTMLResponse:
        return page(request, "runs.html", run, build=_runs)

    @app.get("/tasks", response_class=HTMLResponse)
    def tasks(request: Request, run: int | None = None, q: str = "") -> HTMLResponse:
        return page(request, "tasks.html", run, q=q, build=lambda v: _tasks(v, q))

    @app.get("/tasks/{name}", response_class=HTMLResponse)
    def task(request: Request, name: str, run: int | None = None) -> HTMLResponse:
        return page(request, "task.html", run, build=lambda v: _task(store, v, name))

    @app.get("/playground", response_class=HTMLResponse)
    def playground(
        request: Request, run: int | None = None, program: str | None = None,
        input: str | None = None, task: str = "",
    ) -> HTMLResponse:  # fmt: skip
        return page(request, "playground.html", run,
                    build=lambda v: _playground(v, program, input, task))  # fmt: skip

    @app.get("/api/version")
    def store_version() -> JSONResponse:
        """Changes whenever the store gains a run or an iteration (the pages poll it)."""
        return JSONResponse({"version": version(store)})

    @app.get("/static/{name}")
    def asset(name: str) -> Response:
        kinds = {"ui.css": "text/css", "ui.js": "text/javascript"}
        if name not in kinds:
            return PlainTextResponse("no such file", 404)
        return Response((static / name).read_text(encoding="utf-8"), media_type=kinds[name])

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    return app


def _error(env: Environment, store: Path, message: str, status: int) -> HTMLResponse:
    html = env.get_template("error.html").render(
        store=store,
        runs=[],
        view=None,
        pages=PAGES,
        path="",
        run_query="",
        message=message,
        version="",
    )
    return HTMLResponse(html, status)


def _need(view: RunView | None) -> RunView:
    if view is None:
        raise NotFound("the store has no learning runs yet; start one with `metagrow learn`")
    return view


def _overview(view: RunView | None) -> dict[str, object]:
    if view is None:
        return {}
    its = view.iterations
    last = its[-1].metrics if its else {}
    solved = [(float(it.iteration), float(str(it.metrics.get("solved", 0)))) for it in its]
    return {
        "last": last,
        "current": sum(i.current for i in view.inventions),
        "curve": _svg.line_chart("tasks solved", [("solved", solved)], "solved", "iteration"),
    }


def _library(view: RunView | None, q: str) -> dict[str, object]:
    v = _need(view)
    needle = q.strip().lower()
    shown = [i for i in v.inventions if needle in f"{i.record.name} {i.record.type}".lower()]
    graph = _svg.invention_graph(
        {i.record.name: i.uses_names for i in v.inventions if i.current},
        f"/library/{{name}}?run={v.info.id}",
    )
    return {"shown": shown, "graph": graph, "pretty": pretty, "inlined": v.inlined}


def _invention(view: RunView | None, name: str) -> dict[str, object]:
    v = _need(view)
    found = v.invention(name)
    if found is None:
        raise NotFound(f"run {v.info.id} has no invention {name!r}; see /library")
    used_by = [i.record.name for i in v.inventions if name in i.uses_names]
    finished = {it.iteration: it.finished_at for it in v.iterations}
    return {
        "learned_at": finished.get(found.added, ""),
        "inv": found,
        "body": pretty(found.record.source),
        "inlined": pretty(v.inlined.get(name, "")),
        "used_by": used_by,
        "task_users": v.users.get(name, []),
    }


def _runs(view: RunView | None) -> dict[str, object]:
    v = _need(view)
    its = v.iterations
    guide_at = {i: t for i, t in v.guides}
    solved, new = [], []
    bars: list[tuple[str, dict[str, float]]] = []
    for it in its:
        m = it.metrics
        solved.append((float(it.iteration), float(str(m.get("solved", 0)))))
        newly = m.get("newly_solved")
        new.append((float(it.iteration), float(len(newly) if isinstance(newly, list) else 0)))
        total = float(str(m.get("seconds", 0.0)))
        guide = float(str(m.get("guide_seconds") or 0.0))
        phases = {"search and compression": total - guide}
        bars.append((str(it.iteration), phases | ({"guide": guide} if guide else {})))
    losses: dict[str, list[tuple[float, float]]] = {}
    for i, record in sorted(guide_at.items()):
        for key in ("loss_first", "loss_last", "validation_loss"):
            value = record.get(key)
            if isinstance(value, int | float):
                losses.setdefault(key.replace("_", " "), []).append((float(i), float(value)))
    budgets = sorted(v.budgets.values())
    return {
        "solved_chart": _svg.line_chart(
            "tasks solved", [("solved", solved), ("newly solved", new)], "tasks", "iteration"
        ),
        "time_chart": _svg.bar_chart("seconds per iteration, by phase", bars, "s"),
        "guide_chart": _svg.line_chart(
            "guide training loss", list(losses.items()), "loss", "iteration"
        ),
        "guides": guide_at,
        "budget": None if not budgets else
        (budgets[0], statistics.median(budgets), budgets[-1], len(budgets)),
    }  # fmt: skip


def _tasks(view: RunView | None, q: str) -> dict[str, object]:
    v = _need(view)
    needle = q.strip().lower()
    names = [n for n in v.task_names() if needle in n.lower()]
    known = suite_tasks(v)
    return {"names": names, "known": known, "solved": len(v.solutions)}


def _task(store: Path, view: RunView | None, name: str) -> dict[str, object]:
    v = _need(view)
    known = suite_tasks(v)
    if name not in v.tasks_seen and name not in v.solutions:
        raise NotFound(f"run {v.info.id} has seen no task {name!r}; see /tasks")
    solution = v.solutions.get(name)
    task = known.get(name)
    program = None if solution is None else solution.program
    stored = v.predicted(store, name)
    return {
        "name": name,
        "task": task,
        "solution": solution,
        "pretty_program": None if program is None else pretty(program),
        "history": v.history(store, name),
        "predicted": stored,
        "train": [] if task is None else examples(v, task, program, test=False),
        "test": [] if task is None else examples(v, task, program, test=True, stored=stored),
        "uses": sorted(n for n in v.users if name in v.users[n]),
    }


def _playground(
    view: RunView | None, program: str | None, given: str | None, task_name: str
) -> dict[str, object]:
    v = _need(view)
    known = suite_tasks(v)
    task = known.get(task_name)
    if program is None and task_name in v.solutions:
        program = v.solutions[task_name].program
    if given is None and task is not None:
        given = first_input(v, task)
    outcome = None
    if program:
        outcome = run_text(v, program, given or "", task)
    picks = sorted(v.solutions)
    return {"program": program or "", "given": given or "", "outcome": outcome,
            "picks": picks, "task_name": task_name}  # fmt: skip
