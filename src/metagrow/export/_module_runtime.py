"""What an exported module copies to read its modules' weights from the ``.npz`` file
beside it (standard library and numpy only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt


def module_weights(name: str) -> dict[str, npt.NDArray[np.float32]]:
    """Module ``name``'s weights, from the ``.npz`` file named like this module's file."""
    path = Path(__file__).with_suffix(".npz")
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the weights of module {name!r} are missing; "
            "metagrow export writes them beside the module"
        )
    prefix = f"{name}/"
    with np.load(path, allow_pickle=False) as found:
        return {
            k[len(prefix) :]: np.asarray(found[k], dtype=np.float32)
            for k in found.files
            if k.startswith(prefix)
        }
