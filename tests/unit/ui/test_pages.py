"""Each page of ``metagrow ui`` against a small store: its status and what it shows."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from ui_store import TestClient

from metagrow.store import PredictionRecord, Store, StoreError
from metagrow.ui import make_app


def text(html: str) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_overview_counts_and_draws_the_learning_curve(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "2/3 tasks solved" in text(r.text)
    assert "2 inventions" in text(r.text)
    assert "<svg" in r.text and "lists/train" in r.text


def test_library_lists_each_invention_by_name_with_type_weight_and_tasks(
    client: TestClient,
) -> None:
    r = client.get("/library")
    assert r.status_code == 200
    page = text(r.text)
    assert "f0 int -> (t0 -> int) -> t0 -> bool" in page
    assert "f1 (t0 -> int) -> t0 -> bool (f0 4)" in page
    assert "1.60" in page and "any-gt-5" in page
    # the graph: f1 uses f0, each box a link to its page
    assert 'href="/library/f1?run=1" class="node"' in r.text
    assert re.search(r"<line [^>]*marker-end", r.text)
    # inlined: (f0 4) with f0's body put in
    assert "(lam (lam (gt? ($1 $0) 4)))" in r.text


def test_library_search_by_name_or_type(client: TestClient) -> None:
    assert 'class="inv" href="/library/f0' not in client.get("/library?q=f1").text
    by_type = client.get("/library?q=int -> (").text
    assert 'class="inv" href="/library/f0' in by_type
    assert 'class="inv" href="/library/f1' not in by_type
    assert "No invention matches" in client.get("/library?q=grid").text


def test_invention_page_links_what_it_builds_on_and_its_tasks(client: TestClient) -> None:
    r = client.get("/library/f1")
    page = text(r.text)
    assert r.status_code == 200
    assert "builds on f0" in page and "iteration 0" in page
    assert 'href="/tasks/any-gt-5"' in r.text
    assert "used by f1" in text(client.get("/library/f0").text)
    missing = client.get("/library/f9")
    assert missing.status_code == 404 and "no invention 'f9'" in text(missing.text)


def test_runs_page_has_iterations_phases_and_guide_curve(client: TestClient) -> None:
    r = client.get("/runs")
    assert r.status_code == 200
    page = text(r.text)
    assert "guide training loss" in page and "no data yet" not in page
    assert r.text.count("<svg") == 3
    assert "guide: 1.5" in r.text  # the guide's share of iteration 1's bar
    assert "min 1.00, median 1.00, max 2.25 over 3 tasks" in page
    assert client.get("/runs?run=7").status_code == 404


def test_tasks_page_lists_every_task_seen(client: TestClient) -> None:
    r = client.get("/tasks")
    page = text(r.text)
    assert "2 of 3 seen are solved" in page
    assert "count-down list(int)" not in page and "count-down int -> list(int)" in page
    assert 'href="/tasks/cons-5"' in r.text
    assert 'href="/tasks/cons-5"' not in client.get("/tasks?q=gt").text


def test_task_page_draws_examples_and_marks_predictions(client: TestClient) -> None:
    right = client.get("/tasks/any-gt-5")
    assert right.status_code == 200
    assert "(f1 head)" in right.text and "(lam (gt? (head $0) 4))" in right.text
    assert 'class="right"' in right.text and 'class="wrong"' not in right.text
    wrong = client.get("/tasks/cons-5")
    assert 'class="wrong"' in wrong.text and 'class="right"' not in wrong.text
    unsolved = text(client.get("/tasks/count-down").text)
    assert "Not solved yet" in unsolved and "no program found" in unsolved
    assert client.get("/tasks/nope").status_code == 404


def run(client: TestClient, program: str, given: str) -> str:
    r = client.get("/playground", params={"program": program, "input": given})
    assert r.status_code == 200
    return text(r.text)


def test_playground_runs_a_program_and_names_it_s_type(client: TestClient) -> None:
    page = run(client, "(lam (f1 length $0))", "[1, 2, 3, 4, 5]")
    assert "type list(int) -> bool" in page and "Output true" in page
    assert "Output [6, 5, 4]" in run(client, "(lam (lam (cons $1 $0)))", "[6, [5, 4]]")


def test_playground_picks_a_solved_task(client: TestClient) -> None:
    r = client.get("/playground", params={"task": "any-gt-5"})
    assert "(f1 head)</textarea>" in r.text and "[4, 3, 2]</textarea>" in r.text
    assert "Output false" in text(r.text)


def test_playground_errors_are_one_line(client: TestClient) -> None:
    cases = {
        ("(lam (head $0", "[1]"): "not a program: program ends before a closing ')'",
        ("(lam (car $0))", "[1]"): "ill-typed: unknown primitive 'car'",
        ("(lam (+ $0 true))", "1"): "ill-typed:",
        ("(lam (head $0))", "[1,"): "the input is not JSON:",
        ("(lam (head $0))", '"abc"'): "the input is not a list(int): expected a list",
        ("(lam (lam (cons $1 $0)))", "1"): "the program takes 2 arguments",
        ("(lam (head $0))", "[]"): "the program failed:",
    }
    for (program, given), message in cases.items():
        r = run(client, program, given)
        assert message in r, (program, r)
    nothing = client.get("/playground").text
    assert 'id="outcome"' not in nothing


def test_playground_never_evaluates_python(client: TestClient) -> None:
    r = run(client, "(lam (head $0))", "__import__('os').getcwd()")
    assert "the input is not JSON" in r


def test_a_new_iteration_shows_on_refresh_and_changes_the_version(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    Store(db).close()
    client = TestClient(make_app(db))
    assert "no learning runs yet" in client.get("/").text
    before = client.get("/api/version").json()["version"]
    with Store(db) as w:
        run_id = w.start_run("lists", {"suite": "lists/train"})
        w.commit_iteration(run_id, 0, metrics={"solved": 0, "tasks": 1, "seconds": 1.0},
                           inventions=[], production_weights={}, log_variable=0.0,
                           solutions=[], budgets={}, tasks_seen=["sum"])  # fmt: skip
    assert client.get("/api/version").json()["version"] != before
    assert "1 iteration" in text(client.get("/runs").text)


def test_a_missing_or_foreign_store_is_one_error_line(tmp_path: Path) -> None:
    client = TestClient(make_app(tmp_path / "none.db"))
    r = client.get("/library")
    assert r.status_code == 503 and "no such store" in r.text
    other = tmp_path / "notes.txt"
    other.write_text("not a database at all")
    assert "not a metagrow store" in TestClient(make_app(other)).get("/").text


def test_serving_never_writes_the_store(store: Path, client: TestClient) -> None:
    before = store.read_bytes()
    for page in ("/", "/library", "/runs", "/tasks", "/tasks/any-gt-5", "/playground"):
        client.get(page)
    assert store.read_bytes() == before
    with Store(store, read_only=True) as db:
        try:
            db.start_run("lists", {})
        except StoreError as err:
            assert "readonly" in str(err)
        else:
            raise AssertionError("a read-only store accepted a write")


def test_static_files_and_unknown_ones(client: TestClient) -> None:
    assert client.get("/static/ui.css").headers["content-type"].startswith("text/css")
    assert "fetch(" in client.get("/static/ui.js").text
    assert client.get("/static/secret.py").status_code == 404


def test_the_command_fails_in_one_line_for_a_store_it_cannot_show(tmp_path: Path) -> None:
    import subprocess
    import sys

    missing = tmp_path / "none.db"
    r = subprocess.run([sys.executable, "-m", "metagrow", "ui", "--store", str(missing)],
                       capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"metagrow: error: {missing}: no such store; create one with "
        f"`metagrow learn --store {missing}`"
    ]
    assert not missing.exists()


def test_a_run_of_a_domain_this_metagrow_lacks_shows_names_and_programs(tmp_path: Path) -> None:
    from metagrow.store import InventionRecord, SolutionRecord

    db = tmp_path / "plugin.db"
    with Store(db) as w:
        run_id = w.start_run("someone.elses:Domain", {"suite": "theirs"})
        inv = InventionRecord("f0", "(lam (frob $0))", "thing -> thing", 0.0, 0, ("t1",))
        w.commit_iteration(run_id, 0, metrics={"solved": 1, "tasks": 1}, inventions=[inv],
                           production_weights={}, log_variable=0.0,
                           solutions=[SolutionRecord("t1", "(lam (f0 $0))", -1.0, 0.1, 5, 0)],
                           budgets={}, tasks_seen=["t1"])  # fmt: skip
    client = TestClient(make_app(db))
    for page in ("/", "/library", "/library/f0", "/runs", "/tasks", "/tasks/t1"):
        assert client.get(page).status_code == 200, page
    assert "(lam (f0 $0))" in client.get("/tasks/t1").text
    error = run(client, "(lam (f0 $0))", "1")
    assert "not a built-in domain" in error


def test_a_malformed_query_is_an_error_page_not_json(client: TestClient) -> None:
    r = client.get("/library?run=abc")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "run: Input should be a valid integer" in text(r.text)


def example_rows(page: str, table: str) -> list[str]:
    """The rows of the page's examples table ``table`` (``train`` or ``test``)."""
    body = page.split(f'id="{table}"', 1)[1].split("</table></div>", 1)[0]
    return body.split("<tr class=")[1:]


def test_task_page_shows_both_stored_attempts_each_marked(client: TestClient) -> None:
    page = client.get("/tasks/any-gt-5").text
    rows = example_rows(page, "test")
    assert [r.split(">", 1)[0] for r in rows] == ['"right"'] * 4  # either attempt is right
    marks = [re.findall(r'<td class="attempt ?(\w*)">', r) for r in rows]
    assert marks == [["right", ""], ["right", "wrong"], ["wrong", "right"], ["right", ""]]
    assert "<th>attempt 1</th><th>attempt 2</th>" in page
    assert "Attempts as the search in iteration 0 predicted them" in text(page)


def test_an_unsolved_task_shows_the_search_s_best_guesses(client: TestClient) -> None:
    page = client.get("/tasks/count-down").text
    assert "the attempts below are the search's best guesses in iteration 0" in text(page)
    rows = example_rows(page, "test")
    assert [r.split(">", 1)[0] for r in rows] == ['"right"', '"right"', '"wrong"', '"wrong"']
    assert "every program failed on this input" in rows[2]
    assert "[6, 5]" in rows[1] and "[8, 7]" in rows[3]


def test_without_stored_attempts_the_stored_program_predicts(client: TestClient) -> None:
    page = client.get("/tasks/cons-5").text
    assert "The stored program's output (this run stored no attempts" in text(page)
    rows = example_rows(page, "test")
    assert len(rows) == 4 and all(r.startswith('"wrong"') for r in rows)
    assert all(r.count("none</span></td>") == 1 for r in rows)  # no second attempt
    assert "[4, 4, 4, 7, 7, 9, 6, 1, 3]" in rows[0]  # (cons 4 $0) run on the test input


def test_grid_attempts_mark_the_cells_that_differ_from_the_truth(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "swap.json").write_text(
        '{"train": [{"input": [[1, 2]], "output": [[2, 1]]}],'
        ' "test": [{"input": [[3, 4]], "output": [[4, 3]]}]}'
    )
    path = tmp_path / "grids.db"
    with Store(path) as w:
        run_id = w.start_run("grids", {"suite": str(folder)})
        guesses = PredictionRecord("swap", (([[4, 4]], [[4, 3]]),))
        w.commit_iteration(run_id, 0, metrics={"solved": 0, "tasks": 1}, inventions=[],
                           production_weights={}, log_variable=0.0, solutions=[], budgets={},
                           tasks_seen=["swap"], predictions=[guesses])  # fmt: skip
    with TestClient(make_app(path)) as c:
        page = c.get("/tasks/swap").text
    (row,) = example_rows(page, "test")
    first, second = row.split('<td class="attempt')[1:]
    assert 'data-differ="1"' in first and first.count('class="c4 x"') == 1
    assert 'data-differ="0"' in second and " x" not in second
