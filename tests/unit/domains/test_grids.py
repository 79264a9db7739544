from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from metagrow.domains import TaskFileError, ValueDecodeError
from metagrow.domains.grids import (
    ARC_REQUEST,
    COLOR,
    GRID,
    LGRID,
    Grid,
    GridsDomain,
    grid_primitives,
    load_arc_folder,
    load_arc_split,
    load_arc_task,
    looks_like_arc,
)
from metagrow.lang import FAIL, Program, infer, parse
from metagrow.search import BottomUpEnumerator, Budget, solve

G = Grid.of


@pytest.fixture(scope="module")
def grids() -> GridsDomain:
    return GridsDomain()


def run(domain: GridsDomain, text: str, *args: object) -> object:
    return Program(parse(text), domain.grammar().primitives).run(args, domain.limits())


def test_grammar_size_and_unique_names() -> None:
    names = [p.name for p in grid_primitives()]
    assert len(names) == len(set(names))
    assert 40 <= len(names) <= 90


def test_grids_are_values_compared_by_content() -> None:
    a, b = G([[1, 2], [3, 4]]), G([[1, 2], [3, 4]])
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != G([[1, 2, 3, 4]]) and a != G([[1, 2], [3, 5]])
    assert len({a, b, G([[2, 1], [4, 3]])}) == 2
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(ValueError):
        a.cells[0, 0] = 9  # read-only
    with pytest.raises(ValueError):
        G([[0] * 31])


SQUARE = G([[1, 2], [3, 4]])
SCENE = G(
    [
        [0, 0, 0, 0, 0],
        [0, 3, 3, 0, 2],
        [0, 3, 3, 0, 0],
        [0, 0, 0, 0, 0],
        [5, 0, 0, 0, 0],
    ]
)


@pytest.mark.parametrize(
    ("program", "arg", "want"),
    [
        ("(lam (rot90 $0))", SQUARE, [[3, 1], [4, 2]]),
        ("(lam (rot270 $0))", SQUARE, [[2, 4], [1, 3]]),
        ("(lam (flip_h $0))", SQUARE, [[2, 1], [4, 3]]),
        ("(lam (flip_v $0))", SQUARE, [[3, 4], [1, 2]]),
        ("(lam (transpose $0))", SQUARE, [[1, 3], [2, 4]]),
        ("(lam (upscale $0 2))", G([[1, 2]]), [[1, 1, 2, 2], [1, 1, 2, 2]]),
        ("(lam (downscale (upscale $0 3) 3))", SQUARE, [[1, 2], [3, 4]]),
        ("(lam (tile $0 1 2))", G([[1, 2]]), [[1, 2, 1, 2]]),
        ("(lam (hconcat $0 (flip_h $0)))", G([[1, 2]]), [[1, 2, 2, 1]]),
        ("(lam (mirror4 $0))", G([[1, 2]]), [[1, 2, 2, 1], [1, 2, 2, 1]]),
        ("(lam (left_half $0))", G([[1, 5, 2]]), [[1]]),
        ("(lam (right_half $0))", G([[1, 5, 2]]), [[2]]),
        ("(lam (dedup $0))", G([[1, 1, 2], [1, 1, 2], [3, 3, 3]]), [[1, 2], [3, 3]]),
        ("(lam (kron $0 $0))", G([[1, 0]]), [[1, 0, 0, 0]]),
        ("(lam (recolor $0 c3 c7))", G([[3, 0, 3]]), [[7, 0, 7]]),
        ("(lam (paint_fg $0 c8))", G([[0, 1, 2], [0, 0, 0]]), [[0, 8, 8], [0, 0, 0]]),
        ("(lam (keep $0 c2))", G([[0, 1, 2], [0, 0, 0]]), [[0, 0, 2], [0, 0, 0]]),
        ("(lam (fall_down $0))", G([[1, 0], [0, 0], [0, 2]]), [[0, 0], [0, 0], [1, 2]]),
        (
            "(lam (fall_left $0))",
            G([[0, 0, 1], [0, 0, 0], [2, 0, 3]]),
            [[1, 0, 0], [0, 0, 0], [2, 3, 0]],
        ),
        ("(lam (cell_xor (left_half $0) (right_half $0) c4))", G([[1, 0, 5, 1, 1]]), [[0, 4]]),
        (
            "(lam (crop $0))",
            SCENE,
            [[0, 3, 3, 0, 2], [0, 3, 3, 0, 0], [0, 0, 0, 0, 0], [5, 0, 0, 0, 0]],
        ),
        ("(lam (crop (largest (objects $0))))", SCENE, [[3, 3], [3, 3]]),
        ("(lam (crop (smallest (objects $0))))", SCENE, [[2]]),
        (
            "(lam (fill_holes $0 c4))",
            G([[1, 1, 1, 0, 0, 0], [1, 0, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0]]),
            [[1, 1, 1, 0, 0, 0], [1, 4, 1, 0, 0, 0], [1, 1, 1, 0, 0, 0]],
        ),
        (
            "(lam (surround $0 c1))",
            G([[0, 0, 0], [0, 2, 0], [0, 0, 0]]),
            [[1, 1, 1], [1, 2, 1], [1, 1, 1]],
        ),
        ("(lam (border $0 c6))", G([[0, 0, 0], [0, 0, 0]]), [[6, 6, 6], [6, 6, 6]]),
        ("(lam (connect $0))", G([[2, 0, 0, 2], [0, 0, 0, 0]]), [[2, 2, 2, 2], [0, 0, 0, 0]]),
        (
            "(lam (connect_diag $0))",
            G([[0, 0, 3, 0], [0, 0, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]),
            [[0, 0, 3, 0], [0, 3, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]],
        ),
        ("(lam (symmetrize $0 c5))", G([[1, 2, 5], [3, 4, 3]]), [[1, 2, 1], [3, 4, 3]]),
        ("(lam (overlay $0 (flip_h $0)))", G([[1, 0, 0]]), [[1, 0, 1]]),
        ("(lam (canvas 1 (count (objects $0)) (main_color $0)))", SCENE, [[3, 3, 3]]),
        ("(lam (merge (pieces $0)))", G([[1, 0, 5, 0, 0], [0, 0, 5, 0, 2]]), [[1, 0], [0, 2]]),
        (
            "(lam (piece_colors $0))",
            G(
                [
                    [1, 1, 0, 5, 0, 0, 0],
                    [0, 1, 0, 5, 0, 2, 0],
                    [5, 5, 5, 5, 5, 5, 5],
                    [0, 0, 0, 5, 3, 4, 0],
                    [0, 0, 0, 5, 4, 4, 0],
                ]
            ),
            [[1, 2], [0, 4]],
        ),
    ],
)
def test_primitives_compute(grids: GridsDomain, program: str, arg: Grid, want: object) -> None:
    got = run(grids, program, arg)
    assert isinstance(got, Grid), got
    assert got.rows() == want


@pytest.mark.parametrize(
    ("program", "want"),
    [
        ("(lam (count (objects $0)))", 3),
        ("(lam (count (objects8 (recolor $0 c5 c3))))", 3),
        ("(lam (count (blobs $0)))", 3),
        ("(lam (ncolors $0))", 3),
        ("(lam (cells $0))", 6),
        ("(lam (bg_color $0))", 0),
        ("(lam (least_color $0))", 2),
        ("(lam (count (of_color (objects $0) c3)))", 1),
    ],
)
def test_measures(grids: GridsDomain, program: str, want: object) -> None:
    assert run(grids, program, SCENE) == want


@pytest.mark.parametrize(
    "program",
    [
        "(lam (hconcat $0 (transpose (tile $0 1 2))))",
        "(lam (upscale $0 3))",  # 5x5 -> 15x15 is fine; twice more is too large
        "(lam (downscale $0 2))",
        "(lam (unique_color (objects $0)))",
        "(lam (crop (fill $0 c0)))",
    ],
)
def test_misuse_fails_the_example(grids: GridsDomain, program: str) -> None:
    if program == "(lam (upscale $0 3))":
        program = "(lam (upscale (upscale $0 3) 3))"
    assert run(grids, program, SCENE) is FAIL


def test_types_compose(grids: GridsDomain) -> None:
    g = grids.grammar()
    assert str(infer(parse("(lam (crop (largest (objects $0))))"), g)) == "grid -> grid"
    assert infer(parse("(lam (main_color $0))"), g).returns() == COLOR
    assert infer(parse("(lam (objects $0))"), g).returns() == LGRID


def test_decode_encode_round_trip(grids: GridsDomain) -> None:
    rows = [[0, 1, 2], [3, 4, 9]]
    value = grids.decode(rows, GRID)
    assert isinstance(value, Grid)
    assert grids.encode(value, GRID) == rows
    assert grids.encode((value, value), LGRID) == [rows, rows]
    assert grids.decode(7, COLOR) == 7


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([[1, 2], [3]], "not a rectangle"),
        ([[1, 10]], "colours are ints 0-9"),
        ([[1, True]], "colours are ints 0-9"),
        ([], "non-empty list of rows"),
        ([[]], "outside 1..30"),
        ([[0] * 31], "outside 1..30"),
        ([1, 2], "row 0 is not a list"),
    ],
)
def test_decode_rejects_bad_grids(grids: GridsDomain, value: object, words: str) -> None:
    with pytest.raises(ValueDecodeError, match=words):
        grids.decode(value, GRID)


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


FLIP = {
    "train": [
        {"input": [[1, 2], [3, 4]], "output": [[2, 1], [4, 3]]},
        {"input": [[5, 0, 0]], "output": [[0, 0, 5]]},
    ],
    "test": [{"input": [[7, 8]], "output": [[8, 7]]}, {"input": [[1], [2]]}],
}


def test_load_arc_task_and_folder(tmp_path: Path) -> None:
    task = load_arc_task(_write(tmp_path / "flip.json", FLIP))
    assert task.name == "flip" and task.request == ARC_REQUEST
    assert task.train[0].inputs == (G([[1, 2], [3, 4]]),)
    assert task.test[0].output == G([[8, 7]]) and not task.test[1].has_output
    _write(tmp_path / "again.json", FLIP)
    assert [t.name for t in load_arc_folder(tmp_path)] == ["again", "flip"]
    assert looks_like_arc(FLIP)
    assert not looks_like_arc({**FLIP, "type": "grid -> grid"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"test": FLIP["test"]}, "field 'train' is missing"),
        ({"train": FLIP["train"]}, "field 'test' is missing"),
        ({**FLIP, "train": [{"input": [[1]]}]}, "field 'train[0].output' is missing"),
        ({**FLIP, "train": [{"output": [[1]]}]}, "field 'train[0].input' is missing"),
        ({**FLIP, "test": [{"input": [[1, 2], [3]]}]}, "field 'test[0].input': not a rectangle"),
        ({**FLIP, "train": [{"input": [[1]], "output": [[12]]}]}, "'train[0].output': row 0"),
        ({**FLIP, "train": [{"input": [[1] * 40], "output": [[1]]}]}, "outside 1..30"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_malformed_arc_files_give_one_line(tmp_path: Path, data: object, field: str) -> None:
    path = _write(tmp_path / "bad.json", data)
    with pytest.raises(TaskFileError) as info:
        load_arc_task(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path)) and field in message


def test_unreadable_arc_files(tmp_path: Path) -> None:
    with pytest.raises(TaskFileError, match="no such file"):
        load_arc_task(tmp_path / "missing.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(TaskFileError, match="not valid JSON"):
        load_arc_task(tmp_path / "broken.json")


def test_bundled_splits_load_offline() -> None:
    training = load_arc_split("training")
    assert len(training) == 400 and training[0].name == "007bbfb7"
    assert all(ex.has_output for t in training for ex in t.test)
    with pytest.raises(TaskFileError, match="unknown ARC split"):
        load_arc_split("nope")


def test_bottom_up_solves_a_grid_task(grids: GridsDomain, tmp_path: Path) -> None:
    task = load_arc_task(_write(tmp_path / "flip.json", FLIP))
    result = solve(
        task, grids.grammar(), BottomUpEnumerator(), Budget(5, run_limits=grids.limits())
    )
    assert result.solved
    assert result.predictions[0][0] == G([[8, 7]])


def test_the_domain_forgets_what_its_primitives_remember() -> None:
    """``solve_in_domain`` calls ``forget`` after each task: the remembered crops,
    objects and lines of one task are not carried (nor the memory they pin) into the next."""
    from metagrow.domains.grids._objects import objects
    from metagrow.domains.grids._paint import connect
    from metagrow.domains.grids._transforms import crop

    g = Grid(np.array([[0, 1, 0, 1], [0, 0, 2, 0]], dtype=np.uint8))
    crop(g), objects(g), connect(g)
    assert min(f.cache_info().currsize for f in (crop, objects, connect)) > 0
    GridsDomain().forget()
    assert max(f.cache_info().currsize for f in (crop, objects, connect)) == 0
