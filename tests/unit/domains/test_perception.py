"""Perceptual values in task files: nested lists, ``.npy`` and image files, their errors,
and the perception domain that reads them."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from metagrow.domains import (
    TaskFileError,
    Tensor,
    detect_domain,
    domain_from_spec,
    load_task,
)
from metagrow.domains.perception import PerceptionDomain, digit_tasks, write_task_files
from metagrow.lang import parse_type


def _task_file(folder: Path, data: dict[str, object], name: str = "task.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path


def test_tensors_are_values_equal_by_contents_and_survive_pickling() -> None:
    a, b = Tensor([[0.0, 0.5], [1.0, 0.25]]), Tensor(np.array([[0, 0.5], [1, 0.25]]))
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Tensor([0.0, 0.5, 1.0, 0.25])  # same values, another shape
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(ValueError):
        a.array[0, 0] = 3.0


def test_a_task_file_reads_nested_lists_npy_and_png_next_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "tasks"
    (folder / "img").mkdir(parents=True)
    pixels = np.array([[0, 255], [128, 64]], dtype=np.uint8)
    PILImage.fromarray(pixels, mode="L").save(folder / "img" / "a.png")
    np.save(folder / "img" / "b.npy", np.array([[0.5, 0.5], [0.0, 1.0]]))
    path = _task_file(
        folder,
        {
            "type": "list(image[2,2]) -> int",
            "train": [
                {
                    "input": [{"file": "img/a.png"}, {"file": "img/b.npy"}, [[1, 0], [0, 1]]],
                    "output": 3,
                }
            ],
        },
    )
    dom = detect_domain(json.loads(path.read_text()))
    assert isinstance(dom, PerceptionDomain)
    (images,) = load_task(path, dom).train[0].inputs
    assert isinstance(images, tuple)
    np.testing.assert_allclose(images[0].array, pixels / 255.0, atol=1e-6)
    np.testing.assert_allclose(images[1].array, [[0.5, 0.5], [0.0, 1.0]])
    assert images[2] == Tensor([[1, 0], [0, 1]])
    assert dom.encode(images[2], parse_type("image[2,2]")) == [[1.0, 0.0], [0.0, 1.0]]


def test_colour_images_keep_their_channels(tmp_path: Path) -> None:
    rgb = np.zeros((3, 4, 3), dtype=np.uint8)
    rgb[..., 0] = 255
    PILImage.fromarray(rgb, mode="RGB").save(tmp_path / "red.png")
    path = _task_file(
        tmp_path,
        {"type": "image[3,4,3] -> bool", "train": [{"input": {"file": "red.png"}, "output": True}]},
    )
    (image,) = load_task(path, PerceptionDomain()).train[0].inputs
    assert isinstance(image, Tensor) and image.shape == (3, 4, 3)
    assert float(image.array[..., 0].min()) == 1.0 and float(image.array[..., 1].max()) == 0.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([[0, 1, 2], [1, 0, 2]], r"expected image\[2,2\] \(shape 2x2\), got shape 2x3"),
        ({"file": "missing.png"}, "missing.png: no such file"),
        ({"file": "notes.txt"}, "notes.txt: not a readable image"),
        ({"file": "bad.npy"}, "bad.npy: not a readable .npy array"),
        ({"path": "a.png"}, r'expected \{"file": "path"\}'),
        ("a.png", "expected nested lists of numbers or"),
        ([["a", "b"], ["c", "d"]], "expected nested lists of numbers"),
        ([[0, float("nan")], [0, 0]], "must hold finite numbers"),
    ],
)
def test_bad_perceptual_values_get_one_line_naming_the_field(
    tmp_path: Path, value: object, message: str
) -> None:
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    path = _task_file(
        tmp_path, {"type": "image[2,2] -> int", "train": [{"input": value, "output": 1}]}
    )
    with pytest.raises(TaskFileError, match=message) as err:
        load_task(path, PerceptionDomain())
    assert "field 'train[0].input'" in str(err.value) and "\n" not in str(err.value)


def test_other_domains_say_they_cannot_express_images(tmp_path: Path) -> None:
    path = _task_file(
        tmp_path, {"type": "image[2,2] -> int", "train": [{"input": [[0, 0], [0, 0]], "output": 1}]}
    )
    with pytest.raises(TaskFileError, match="domain lists cannot express image"):
        load_task(path, domain_from_spec("lists"))


def test_written_digit_task_files_read_back_as_the_same_tasks(tmp_path: Path) -> None:
    tasks = digit_tasks({"recognise_digit": 6, "sum_digits": 5}, test_size=3)
    paths = write_task_files(tasks, tmp_path)
    dom = PerceptionDomain()
    for task, path in zip(tasks, paths, strict=True):
        read = load_task(path, dom)
        assert read.request == task.request and str(read.request).count("image[8,8]") == 1
        assert [ex.output for ex in read.train] == [ex.output for ex in task.train]
        first, again = task.train[0].inputs[0], read.train[0].inputs[0]
        if isinstance(first, tuple):
            first, again = first[0], again[0]  # type: ignore[index]
        assert isinstance(first, Tensor) and isinstance(again, Tensor)
        np.testing.assert_allclose(again.array, first.array, atol=1 / 255)
