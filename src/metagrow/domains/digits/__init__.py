"""Digit images (scikit-learn's bundled 8x8 digits) and a sequence of tasks over them."""

from metagrow.domains.digits._domain import DigitsDomain
from metagrow.domains.digits._images import (
    DIGITS,
    IMAGE,
    PIXELS,
    POOLS,
    DigitImages,
    Image,
    Pool,
    load_digit_images,
)
from metagrow.domains.digits._primitives import digit_primitives
from metagrow.domains.digits._tasks import (
    DEFAULT_SIZES,
    LIST_IMAGES,
    TASK_NAMES,
    DigitTask,
    digit_sequence,
    make_task,
    split_sizes,
)

__all__ = [
    "DEFAULT_SIZES",
    "DIGITS",
    "IMAGE",
    "LIST_IMAGES",
    "PIXELS",
    "POOLS",
    "TASK_NAMES",
    "DigitImages",
    "DigitTask",
    "DigitsDomain",
    "Image",
    "Pool",
    "digit_primitives",
    "digit_sequence",
    "load_digit_images",
    "make_task",
    "split_sizes",
]
