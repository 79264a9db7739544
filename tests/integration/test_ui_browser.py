"""`metagrow ui` in a real browser: headless Chromium (Debian's package, which `make test`
installs) driven by Playwright against `metagrow ui` serving stores made by short real
`metagrow learn` runs (in the store's folder, so the pages name the store as a user's
would: ``demo.db``). Every page is opened at 1280x800 and at a phone's 390x844, its
content checked and a screenshot saved; the browser's console must stay free of errors.

Set ``METAGROW_UI_SCREENSHOTS=DIR`` to keep the screenshots in ``DIR`` as well (the
README's comes from ``METAGROW_UI_SCREENSHOTS=docs/img``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from metagrow.store import Store

playwright = pytest.importorskip("playwright.sync_api", reason="needs the dev extra (playwright)")

VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
CHROMIUM = ("chromium", "chromium-browser")


def chromium() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no chromium on PATH; install Debian's (apt-get install chromium; make test does)")


def learn(db: Path, *more: str) -> None:
    """``metagrow learn --store NAME ...`` run in the store's folder."""
    proc = subprocess.run(
        [sys.executable, "-m", "metagrow", "learn", "--no-guide", "--jobs", "1",
         "--store", db.name, *more],
        cwd=db.parent, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def quick_lists(db: Path, iterations: int) -> None:
    learn(db, "--programs", "3000", "--limit", "12", "--iterations", str(iterations))


@pytest.fixture(scope="module")
def lists_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("ui-lists") / "demo.db"
    quick_lists(db, 2)
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(db: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "metagrow", "ui", "--store", db.name, "--port", str(port)],
        cwd=db.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/version", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise AssertionError(
                        f"metagrow ui did not start: {proc.communicate()}"
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def lists_url(lists_store: Path) -> Iterator[str]:
    yield from serve(lists_store)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield b
        b.close()


class Tab:
    """A page at one viewport that records console errors and uncaught exceptions."""

    def __init__(self, browser: object, size: tuple[int, int], shots: Path, label: str) -> None:
        width, height = size
        self.page = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.shots, self.label = shots, label
        self.keep = os.environ.get("METAGROW_UI_SCREENSHOTS")

    def shot(self, name: str) -> None:
        path = self.shots / f"ui-{name}-{self.label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        if self.keep:
            Path(self.keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(self.keep) / path.name)

    def fits(self) -> None:
        """Nothing sticks out sideways: wide tables scroll inside their own boxes."""
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{self.page.url} is {overflow}px wider than the window"


@pytest.mark.parametrize("size", VIEWPORTS.keys())
def test_every_page_and_the_click_path(
    browser: object, lists_url: str, tmp_path: Path, size: str
) -> None:
    tab = Tab(browser, VIEWPORTS[size], tmp_path, size)
    page = tab.page

    page.goto(f"{lists_url}/")
    assert page.locator("h1").inner_text() == "Overview"
    assert "tasks solved" in page.locator(".cards").inner_text()
    assert page.locator("figure.chart svg circle").count() == 2  # two iterations
    tab.fits()
    tab.shot("overview")

    page.goto(f"{lists_url}/runs")
    assert page.locator("#iterations tbody tr").count() == 2
    assert page.locator("figure.chart").count() == 3  # solved, time, guide (none here)
    tab.fits()
    tab.shot("runs")

    page.goto(f"{lists_url}/tasks")
    assert page.locator("#tasks tbody tr").count() == 12
    page.fill("input[type=search]", "concat")
    assert page.locator("#tasks tbody tr:not([hidden])").count() == 2
    tab.fits()
    tab.shot("tasks")

    page.goto(f"{lists_url}/library")
    names = page.locator("a.inv").all_inner_texts()
    assert names[:2] == ["f0", "f1"], names
    assert page.locator(".graph a.node").count() >= 2
    tab.fits()
    tab.shot("library")

    # library -> invention -> task
    page.locator("a.inv", has_text="f0").click()
    page.wait_for_url("**/library/f0")
    assert page.locator("h1").inner_text().startswith("f0")
    task = page.locator("a.task").first
    name = task.inner_text()
    task.click()
    page.wait_for_url(f"**/tasks/{name}")
    assert page.locator("h1").inner_text().startswith(name)
    assert page.locator("table.examples tbody tr.right").count() >= 1
    assert page.locator("table.examples tbody tr.wrong").count() == 0
    tab.fits()
    tab.shot("task")

    # the playground: a program of our own, then one that is ill-typed
    page.goto(f"{lists_url}/playground")
    page.fill("#program", "(lam (length $0))")
    page.fill("#input", "[3, 1, 4, 1, 5]")
    page.click("#run")
    page.wait_for_selector("#output")
    assert page.locator("#output code.value").first.inner_text() == "5"
    assert page.locator("#type").inner_text() == "list(int) -> int"
    tab.shot("playground")
    page.fill("#program", "(lam (length 7))")
    page.click("#run")
    page.wait_for_selector("#error")
    assert page.locator("#error").inner_text().startswith("ill-typed:")
    # picking a solved task fills in its program and first input, and runs it
    page.select_option("#pick", index=1)
    page.wait_for_selector("#output")
    assert page.locator("#program").input_value() != "(lam (length 7))"
    tab.fits()

    assert tab.errors == [], tab.errors
    page.close()


def test_live_pages_follow_learn_writing_the_store(browser: object, tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    quick_lists(db, 1)
    for url in serve(db):
        tab = Tab(browser, VIEWPORTS["desktop"], tmp_path, "live")
        page = tab.page
        page.goto(f"{url}/runs")
        assert page.locator("#iterations tbody tr").count() == 1
        page.check("#autorefresh")
        quick_lists(db, 3)  # resumes the run: two more iterations, written while we look
        page.wait_for_function(
            "document.querySelectorAll('#iterations tbody tr').length === 3", timeout=20_000
        )
        assert page.locator("#autorefresh").is_checked()  # the choice survives the reload
        assert tab.errors == [], tab.errors


def test_arc_tasks_are_coloured_grids_with_both_attempts(browser: object, tmp_path: Path) -> None:
    db = tmp_path / "arc.db"  # no program cap: the search looks for a second attempt
    learn(db, "--domain", "grids", "--split", "training", "--limit", "3", "--budget", "1",
          "--iterations", "1")  # fmt: skip
    for url in serve(db):
        tab = Tab(browser, VIEWPORTS["desktop"], tmp_path, "desktop")
        page = tab.page
        page.goto(f"{url}/tasks/007bbfb7")
        assert page.locator("h1").inner_text().startswith("007bbfb7")
        grids = page.locator("table.examples table.grid")
        # 5 train pairs, the test input, its truth and both attempts (the task is solved
        # by a rule fitted to it, which the library does not store, so no train predictions)
        assert grids.count() >= 14
        orange = page.evaluate(
            "getComputedStyle(document.querySelector('table.grid td.c7')).backgroundColor"
        )
        assert orange == "rgb(255, 133, 27)"  # colour 7 is ARC's orange

        # a task whose search gave two attempts (017c7c7b's second is wrong in some cells)
        with Store(db, read_only=True) as store:
            guesses = store.predictions(1)
        two = sorted(t for t, p in guesses.items() if any(len(a) == 2 for a in p.attempts))
        assert two, f"no task got a second attempt: {guesses}"
        page.goto(f"{url}/tasks/{'017c7c7b' if '017c7c7b' in two else two[0]}")
        cells = page.locator("#test > tbody > tr > td.attempt")
        assert cells.count() == 2 * page.locator("#test > tbody > tr").count()
        assert page.locator("#test tbody td.attempt table.grid").count() >= 2
        for k in range(cells.count()):  # each attempt's crossed cells are those that differ
            cell = cells.nth(k)
            if cell.locator("table.grid[data-differ]").count():
                differ = int(cell.locator("table.grid").get_attribute("data-differ") or "")
                assert cell.locator("td.x").count() == differ
                assert ("right" if differ == 0 else "wrong") in (cell.get_attribute("class") or "")
        assert page.locator("#test td.attempt td.x").count() >= 1, "no attempt differs"
        tab.fits()
        tab.shot("arc-task")
        assert tab.errors == [], tab.errors


def test_image_tasks_show_pictures_that_load(browser: object, tmp_path: Path) -> None:
    from metagrow.domains.perception import digit_tasks, write_task_files

    write_task_files(digit_tasks({"recognise_digit": 40}, test_size=4), tmp_path / "tasks")
    db = tmp_path / "digits.db"
    learn(db, "--domain", "perception", "--tasks", "tasks", "--budget", "2", "--iterations", "1")
    for url in serve(db):
        for size in VIEWPORTS:
            tab = Tab(browser, VIEWPORTS[size], tmp_path, size)
            page = tab.page
            page.goto(f"{url}/tasks/recognise_digit")
            images = page.locator("table.examples img.image")
            assert images.count() == 40 + 4  # an 8x8 digit per train and test input
            page.wait_for_load_state("load")
            sizes = page.evaluate(
                "[...document.querySelectorAll('table.examples img.image')]"
                ".map(i => i.complete ? i.naturalWidth : 0)"
            )
            assert sizes == [8] * len(sizes), sizes  # every picture decoded, at its 8 pixels
            assert page.locator("#test tbody td.attempt code.value").count() >= 4  # a class each
            tab.fits()
            assert tab.errors == [], tab.errors
            page.close()
