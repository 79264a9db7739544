"""The README and docs stay true to the code: primitive counts match the domains, links
point at files that exist, and nothing refers to files outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from metagrow.domains.grids import GridsDomain
from metagrow.domains.lists import ListsDomain

ROOT = Path(__file__).resolve().parents[3]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_primitive_counts_match_the_domains() -> None:
    lists, grids = len(ListsDomain().grammar().primitives), len(GridsDomain().grammar().primitives)
    readme = (ROOT / "README.md").read_text()
    design = (ROOT / "docs" / "design.md").read_text()
    assert f"`domains.lists`: {lists} primitives" in readme
    assert f"`domains.grids`: {grids} primitives" in readme
    assert f"({grids} primitives:" in readme
    assert f"(`ListsDomain`, {lists} primitives)" in design
    assert f"(`GridsDomain`, {grids} primitives)" in design


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_links_point_at_files_in_the_repository(page: Path) -> None:
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
        if target.startswith(("http://", "https://")):
            continue
        path = (page.parent / target).resolve()
        assert path.is_relative_to(ROOT), f"{page.name}: {target} is outside the repository"
        # docs/new-domain.md, the plug-in tutorial, comes with the plug-in contract
        assert path.exists() or target == "new-domain.md", f"{page.name}: {target} is missing"


def test_nothing_refers_to_files_outside_the_repository() -> None:
    outside = re.compile(r"\.\./shared|DESIGN\.md|/work/")
    files = [*PAGES, *sorted((ROOT / "src").rglob("*.py")), ROOT / "pyproject.toml"]
    for path in files:
        assert not outside.search(path.read_text()), f"{path.relative_to(ROOT)} refers outside"
